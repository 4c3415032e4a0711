"""Timing harness: run benchmarks, take medians, compute ratios, write JSON and Markdown.

A :class:`Benchmark` has a ``prepare`` step, run once and not timed, which builds the input
and returns the *workload*: a no-argument callable that does the measured work and returns
an integer describing its output (records built, triples written, ...). That integer is
stored with the timings so that runs can be checked for doing the same work, e.g. that the
streaming writer and rdflib produce the same number of triples.
"""

from __future__ import annotations

import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = [
    "Benchmark",
    "BenchmarkResult",
    "RunReport",
    "render_markdown",
    "run_benchmarks",
    "write_results",
]

Workload = Callable[[], int]
"""The measured work: returns an integer summary of what it produced."""

_VERSIONED = ("interop-core", "pydantic", "pydantic-core", "rdflib", "pyoxigraph", "pyshacl")


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One thing to time: ``prepare()`` builds the input and returns the workload."""

    group: str
    name: str
    n: int
    """How many items (records) one call of the workload processes; ops/s is per item."""
    prepare: Callable[[], Workload]
    baseline: bool = False
    """The one benchmark of its group that the others are compared with."""
    repeats: int = 5
    note: str = ""


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    """Timings of one benchmark and how they compare with its group's baseline."""

    group: str
    name: str
    n: int
    repeats: int
    times_s: list[float]
    median_s: float
    ops_per_s: float
    baseline: str
    ratio: float
    """``median_s / baseline median_s``: above 1 is slower than the baseline."""
    output: int
    note: str = ""


@dataclass(slots=True)
class RunReport:
    """Everything one run measured, plus enough context to compare runs."""

    created: str
    quick: bool
    seed: int
    python: str
    platform: str
    versions: dict[str, str]
    results: list[BenchmarkResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the report."""
        return asdict(self)

    def by_name(self) -> dict[tuple[str, str], BenchmarkResult]:
        """Results keyed by ``(group, name)``."""
        return {(r.group, r.name): r for r in self.results}


def _versions() -> dict[str, str]:
    found = {}
    for name in _VERSIONED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _time(workload: Workload, repeats: int, warmup: bool) -> tuple[list[float], int]:
    """Call ``workload`` ``repeats`` times; return the wall times and its (last) output.

    The garbage collector stays enabled (allocation-heavy paths pay for it in real use too),
    but a collection runs before each repeat so one repeat's garbage is not billed to the next.
    """
    if warmup:
        workload()
    times: list[float] = []
    output = 0
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        output = workload()
        times.append(time.perf_counter() - start)
    return times, output


def _check_groups(benchmarks: Sequence[Benchmark]) -> None:
    groups: dict[str, list[Benchmark]] = {}
    for bench in benchmarks:
        groups.setdefault(bench.group, []).append(bench)
    for group, members in groups.items():
        baselines = [b.name for b in members if b.baseline]
        if len(baselines) != 1:
            raise ValueError(f"group {group!r} needs exactly one baseline, has {baselines}")
        names = [b.name for b in members]
        if len(set(names)) != len(names):
            raise ValueError(f"group {group!r} has duplicate benchmark names: {names}")


def run_benchmarks(
    benchmarks: Sequence[Benchmark],
    *,
    quick: bool,
    seed: int,
    warmup: bool = True,
    log: Callable[[str], None] | None = None,
) -> RunReport:
    """Run every benchmark (baselines first within a group) and return the report."""
    _check_groups(benchmarks)
    report = RunReport(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        quick=quick,
        seed=seed,
        python=sys.version.split()[0],
        platform=platform.platform(),
        versions=_versions(),
    )
    ordered = sorted(benchmarks, key=lambda b: not b.baseline)  # stable: keeps group order
    medians: dict[tuple[str, str], float] = {}
    raw: dict[tuple[str, str], tuple[list[float], int]] = {}
    for bench in ordered:
        workload = bench.prepare()
        times, output = _time(workload, bench.repeats, warmup)
        raw[bench.group, bench.name] = (times, output)
        medians[bench.group, bench.name] = statistics.median(times)
        if log is not None:
            log(f"{bench.group:>14} {bench.name:<48} {medians[bench.group, bench.name]:9.4f} s")
    baselines = {b.group: b.name for b in benchmarks if b.baseline}
    for bench in benchmarks:
        times, output = raw[bench.group, bench.name]
        median = medians[bench.group, bench.name]
        base = medians[bench.group, baselines[bench.group]]
        report.results.append(
            BenchmarkResult(
                group=bench.group,
                name=bench.name,
                n=bench.n,
                repeats=bench.repeats,
                times_s=times,
                median_s=median,
                ops_per_s=bench.n / median if median > 0 else float("inf"),
                baseline=baselines[bench.group],
                ratio=median / base if base > 0 else float("nan"),
                output=output,
                note=bench.note,
            )
        )
    return report


def render_markdown(report: RunReport) -> str:
    """The report as a Markdown table, one row per benchmark, grouped."""
    mode = "quick (smoke) sizes" if report.quick else "full sizes"
    lines = [
        "# Benchmark results",
        "",
        f"Run {report.created}, {mode}, seed {report.seed}, Python {report.python} on "
        f"{report.platform}.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()) + ".",
        "",
        "`ratio` is the median time divided by the median time of the group's baseline in the "
        "same run (below 1 is faster than the baseline). Absolute times are only comparable "
        "on the same machine.",
        "",
        "| group | benchmark | n | median s | ops/s | ratio vs baseline | output |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in report.results:
        name = f"**{r.name}** (baseline)" if r.name == r.baseline else r.name
        lines.append(
            f"| {r.group} | {name} | {r.n:,} | {r.median_s:.4f} | {r.ops_per_s:,.0f} | "
            f"{r.ratio:.2f} | {r.output:,} |"
        )
    notes = [(r.group, r.name, r.note) for r in report.results if r.note]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {group} / {name}: {note}" for group, name, note in notes]
    return "\n".join(lines) + "\n"


def write_results(report: RunReport, directory: Path) -> tuple[Path, Path]:
    """Write ``<timestamp>.json`` and ``latest.md`` under ``directory``; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = report.created.replace("-", "").replace(":", "").replace("+0000", "Z")
    json_path = directory / f"{stamp}.json"
    json_path.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    md_path = directory / "latest.md"
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return json_path, md_path
