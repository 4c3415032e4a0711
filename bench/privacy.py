"""The privacy policy's cost per record, against the per-record model work it sits beside.

    uv run python -m bench.privacy            # 20,000 records
    uv run python -m bench.privacy --quick    # 1,000 records: a smoke run, not a measurement
    uv run python -m bench.privacy --no-pipeline   # only the policy against the model step

The input is a city's stream, built before timing from a seeded generator: measurements of
every built-in property (occupancy included; a quarter with provenance, a fifth with vendor
extensions), plus one command in ten with its operator (a personal value). Rows, all over
the same records, in one process:

* **baseline**: ``RecordAdapter.validate_python`` on the decoded dicts, the canonical-model
  step every record takes through the pipeline (decode, validate), with no policy;
* **default policy**: ``Enforcer.for_store`` then ``for_sink`` for two sinks (personal values
  pseudonymised, the rest untouched);
* **city policy** (``samples/city.toml``): the same, with provenance ids suppressed for the
  store and, for the open-data sink, positions and instants generalised and pseudonymous
  values suppressed;
* **footfall policy** (``samples/footfall.toml``): occupancy readings consumed into 15-minute
  aggregates (then ``flush``), everything else through the store and two sinks.

Repeats are interleaved and timed both as elapsed (wall) and as this process's CPU time,
which the load of other processes on a shared machine barely moves. The ratio of each row
to the baseline is the policy's cost relative to building the records.
Then the whole pipeline runs the same records (as ``records:`` JSON Lines messages) from
submit until both sinks (JSON Lines, jurisdictions FR and EU) have them, through a SQLite
store, without a policy (``PassThrough``) and with the default and city policies, variants
interleaved; the issue's aim is a policy adding at most 20 % to the pipeline's time.
Results go to ``bench/results/privacy.md`` and ``bench/results/privacy.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.data import DEFAULT_SEED, measurement_dicts
from bench.harness import Workload
from interop.model import RecordAdapter, mint_iri
from interop.pipeline import RECORDS_PLUGIN, Pipeline, Route, SinkBinding
from interop.pipeline.policy import PassThrough, PolicyStage
from interop.pipeline.sinks import JsonLinesSink
from interop.pipeline.sources import raw_messages
from interop.privacy import SAMPLES, Enforcer, KeyRing, Policy, default_policy, load_policy
from interop.store import Durability, open_store
from interop.store.contract import RawMessage

RESULTS = Path(__file__).resolve().parent / "results"
BASELINE = "model: validate decoded records (no policy)"
PIPELINE_BASELINE = "pipeline, no policy (PassThrough)"
_KEYS = {1: b"bench-secret-one-0123456789", 2: b"bench-secret-two-0123456789"}
_SINKS = ("opendata", "broker")


def stream(n: int, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """``n`` decoded records: measurements, and one command in ten with its operator."""
    rng = random.Random(seed)
    measurements = measurement_dicts(n, seed)
    rows: list[dict[str, Any]] = []
    for index, row in enumerate(measurements):
        if index % 10 == 9:
            rows.append(
                {
                    "kind": "command",
                    "id": mint_iri("command", "bench", f"c-{index:08d}"),
                    "action": "set_level",
                    "level": float(rng.randrange(0, 101)),
                    "target": row["device"],
                    "issued_at": row["timestamp"],
                    "issued_by": f"operator-{rng.randrange(40):02d}@city.example",
                }
            )
        else:
            rows.append(row)
    return rows


def _model(rows: Sequence[dict[str, Any]]) -> Workload:
    def run() -> int:
        return len([RecordAdapter.validate_python(row) for row in rows])

    return run


def _policy(rows: Sequence[dict[str, Any]], policy: Policy) -> Workload:
    records = [RecordAdapter.validate_python(row) for row in rows]
    last = max(r["timestamp"] for r in rows if r["kind"] == "measurement")

    def run() -> int:
        enforcer = Enforcer(policy, KeyRing(_KEYS))
        stored = enforcer.for_store(records)
        for _ in range(2):  # event time closes most windows, the second flush the idle rest
            stored += enforcer.flush(last + timedelta(days=1))
        sent = sum(len(enforcer.for_sink(sink, stored)) for sink in _SINKS)
        return len(stored) + sent

    return run


@dataclass(slots=True)
class Timings:
    """Wall and CPU (this process) seconds of each repeat, and what the run produced."""

    name: str
    n: int
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    output: int = 0

    def row(self, base: Timings) -> dict[str, Any]:
        """Medians and ratios to ``base``; ``share`` is the part of the time added to it."""
        wall, cpu = statistics.median(self.wall), statistics.median(self.cpu)
        base_wall, base_cpu = statistics.median(base.wall), statistics.median(base.cpu)
        return {
            "benchmark": self.name,
            "n": self.n,
            "output": self.output,
            "wall_s": wall,
            "cpu_s": cpu,
            "records_per_cpu_s": self.n / cpu if cpu else float("inf"),
            "ratio_cpu": cpu / base_cpu if base_cpu else float("nan"),
            "ratio_wall": wall / base_wall if base_wall else float("nan"),
            "share_cpu": max(0.0, (cpu - base_cpu) / cpu) if cpu else 0.0,
            "share_wall": max(0.0, (wall - base_wall) / wall) if wall else 0.0,
            "wall_times_s": self.wall,
            "cpu_times_s": self.cpu,
        }


def _timed(run: Callable[[], int]) -> tuple[float, float, int]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    output = run()
    return time.perf_counter() - wall, time.process_time() - cpu, output


def policy_rows(n: int, repeats: int, seed: int, warmup: bool) -> list[dict[str, Any]]:
    """The model baseline and three policies over the same records, repeats interleaved."""
    rows = stream(n, seed)
    workloads: dict[str, Workload] = {BASELINE: _model(rows)}
    for name, policy in (
        ("default policy (store + 2 sinks)", default_policy()),
        ("city policy (store + 2 sinks)", load_policy(SAMPLES / "city.toml")),
        ("footfall policy (aggregates + 2 sinks)", load_policy(SAMPLES / "footfall.toml")),
    ):
        workloads[name] = _policy(rows, policy)
    timings = {name: Timings(name, n) for name in workloads}
    if warmup:
        for run in workloads.values():
            run()
    for _ in range(repeats):  # interleaved, so that the machine's load drifts hit every row
        for name, run in workloads.items():
            wall, cpu, output = _timed(run)
            timings[name].wall.append(wall)
            timings[name].cpu.append(cpu)
            timings[name].output = output
    return [t.row(timings[BASELINE]) for t in timings.values()]


async def _pipeline_once(
    messages: list[RawMessage], policy: PolicyStage, folder: Path
) -> tuple[float, float]:
    """Wall and CPU seconds from the first submit until both sinks have every record."""
    route = Route(RECORDS_PLUGIN, RECORDS_PLUGIN)
    sinks = [
        SinkBinding(name, JsonLinesSink(folder / name), jurisdiction, from_start=True)
        for name, jurisdiction in (("opendata", "FR"), ("broker", "EU"))
    ]
    store = open_store(folder / "store", durability=Durability.PROCESS)
    async with store, Pipeline(store, None, [route], sinks=sinks, policy=policy) as pipeline:
        wall, cpu = time.perf_counter(), time.process_time()
        for first in range(0, len(messages), 256):
            await pipeline.submit(messages[first : first + 256])
        await pipeline.wait_processed()
        await pipeline.wait_delivered()
        return time.perf_counter() - wall, time.process_time() - cpu


def pipeline_rows(n: int, repeats: int, seed: int) -> list[dict[str, Any]]:
    """The whole pipeline (SQLite store, two JSON Lines sinks) without and with each policy."""
    rows = stream(n, seed)
    stages: dict[str, Callable[[], PolicyStage]] = {
        PIPELINE_BASELINE: PassThrough,
        "pipeline, default policy": lambda: Enforcer(default_policy(), KeyRing(_KEYS)),
        "pipeline, city policy": lambda: Enforcer(
            load_policy(SAMPLES / "city.toml"), KeyRing(_KEYS)
        ),
    }
    timings = {name: Timings(name, n, output=n) for name in stages}
    with tempfile.TemporaryDirectory(prefix="bench-privacy-") as tmp:
        source = Path(tmp) / "records.jsonl"
        source.write_bytes(
            b"".join(
                RecordAdapter.dump_json(RecordAdapter.validate_python(r)) + b"\n" for r in rows
            )
        )
        messages = list(raw_messages(source, RECORDS_PLUGIN))
        for attempt in range(repeats):  # interleaved, as above
            for index, (name, make) in enumerate(stages.items()):
                folder = Path(tmp) / f"run-{attempt}-{index}"
                gc.collect()
                wall, cpu = asyncio.run(_pipeline_once(messages, make(), folder))
                timings[name].wall.append(wall)
                timings[name].cpu.append(cpu)
    return [t.row(timings[PIPELINE_BASELINE]) for t in timings.values()]


def _markdown(title: str, note: str, rows: list[dict[str, Any]], share: bool) -> str:
    head = "| benchmark | n | wall s | CPU s | records per CPU s | ratio CPU | ratio wall |"
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    if share:
        head += " policy share CPU | policy share wall |"
        rule += "---:|---:|"
    lines = ["", f"## {title}", "", note, "", head, rule]
    for row in rows:
        line = (
            f"| {row['benchmark']} | {row['n']:,} | {row['wall_s']:.3f} | {row['cpu_s']:.3f} | "
            f"{row['records_per_cpu_s']:,.0f} | {row['ratio_cpu']:.2f} | {row['ratio_wall']:.2f} |"
        )
        if share:
            line += f" {row['share_cpu']:.0%} | {row['share_wall']:.0%} |"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run both comparisons, print the tables, write ``privacy.md`` and ``privacy.json``."""
    parser = argparse.ArgumentParser(prog="python -m bench.privacy", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 records, no warm-up")
    parser.add_argument("--records", type=int, default=None, help="records per run")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--no-pipeline", action="store_true", help="only the policy against the model step"
    )
    args = parser.parse_args(argv)
    n = args.records or (1_000 if args.quick else 20_000)
    policy = policy_rows(n, 3 if args.quick else 7, args.seed, warmup=not args.quick)
    pipeline = (
        [] if args.no_pipeline else pipeline_rows(min(n, 5_000), 1 if args.quick else 5, args.seed)
    )
    text = (
        f"# Privacy policy cost\n\nRun {datetime.now(UTC).isoformat(timespec='seconds')}, "
        f"{'quick (smoke) sizes' if args.quick else 'full sizes'}, seed {args.seed}, "
        f"Python {platform.python_version()} on {platform.platform()}. Medians of interleaved "
        "repeats; CPU is this process's CPU time (robust on a shared machine), wall the "
        "elapsed time. Ratios are to the first row of each table.\n"
    )
    text += _markdown(
        "The policy against the model step",
        "Records built from decoded dicts (baseline) and the same records through each policy "
        "(store, then two sinks).",
        policy,
        share=False,
    )
    if pipeline:
        text += _markdown(
            "The whole pipeline",
            "Submit to delivered (SQLite store, `process` durability, two JSON Lines sinks), the "
            "same records; `policy share` is the part of the pipeline's time the policy adds.",
            pipeline,
            share=True,
        )
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "privacy.md").write_text(text, encoding="utf-8")
    payload = {"seed": args.seed, "quick": args.quick, "policy": policy, "pipeline": pipeline}
    (args.results / "privacy.json").write_text(
        json.dumps(payload, indent=2) + "\n", encoding="utf-8"
    )
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
