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
  aggregates (then ``flush``), everything else through the store and one sink.

The ratio of each row to the baseline is the policy's cost relative to building the records.
Then the whole pipeline runs the same records (as ``records:`` JSON Lines messages) from
submit until both sinks (JSON Lines, jurisdictions FR and EU) have them, through a SQLite
store, without a policy (``PassThrough``) and with the default and city policies, variants
interleaved; the issue's aim is a policy adding at most 20 % to the pipeline's time.
Results go to ``bench/results/privacy.md`` and ``bench/results/privacy.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.data import DEFAULT_SEED, measurement_dicts
from bench.harness import Benchmark, Workload, render_markdown, run_benchmarks
from interop.model import RecordAdapter, mint_iri
from interop.pipeline import RECORDS_PLUGIN, Pipeline, Route, SinkBinding
from interop.pipeline.policy import PassThrough, PolicyStage
from interop.pipeline.sinks import JsonLinesSink
from interop.pipeline.sources import raw_messages
from interop.privacy import SAMPLES, Enforcer, KeyRing, Policy, default_policy, load_policy
from interop.store import Durability, open_store
from interop.store.contract import RawMessage

RESULTS = Path(__file__).resolve().parent / "results"
GROUP = "privacy"
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
        stored += enforcer.flush(last + timedelta(days=1))
        sent = sum(len(enforcer.for_sink(sink, stored)) for sink in _SINKS)
        return len(stored) + sent

    return run


def benchmarks(n: int, repeats: int, seed: int) -> list[Benchmark]:
    """The privacy group: the model baseline and three policies over the same records."""
    rows = stream(n, seed)
    policies = {
        "default policy (store + 2 sinks)": default_policy(),
        "city policy (store + 2 sinks)": load_policy(SAMPLES / "city.toml"),
        "footfall policy (aggregates + 2 sinks)": load_policy(SAMPLES / "footfall.toml"),
    }
    out = [
        Benchmark(
            GROUP,
            "model: validate decoded records (no policy)",
            n,
            lambda: _model(rows),
            baseline=True,
            repeats=repeats,
        )
    ]
    for name, policy in policies.items():
        out.append(
            Benchmark(GROUP, name, n, lambda p=policy: _policy(rows, p), repeats=repeats)  # type: ignore[misc]
        )
    return out


async def _pipeline_once(messages: list[RawMessage], policy: PolicyStage, folder: Path) -> float:
    """Seconds from the first submit until both sinks have every record (store opened before)."""
    route = Route(RECORDS_PLUGIN, RECORDS_PLUGIN)
    sinks = [
        SinkBinding(name, JsonLinesSink(folder / name), jurisdiction, from_start=True)
        for name, jurisdiction in (("opendata", "FR"), ("broker", "EU"))
    ]
    store = open_store(folder / "store", durability=Durability.PROCESS)
    async with store, Pipeline(store, None, [route], sinks=sinks, policy=policy) as pipeline:
        start = time.perf_counter()
        for first in range(0, len(messages), 256):
            await pipeline.submit(messages[first : first + 256])
        await pipeline.wait_processed()
        await pipeline.wait_delivered()
        return time.perf_counter() - start


def pipeline_rows(n: int, repeats: int, seed: int) -> list[dict[str, Any]]:
    """The whole pipeline (SQLite store, two JSON Lines sinks) without and with each policy."""
    rows = stream(n, seed)
    stages: dict[str, Callable[[], PolicyStage]] = {
        "pipeline, no policy (PassThrough)": PassThrough,
        "pipeline, default policy": lambda: Enforcer(default_policy(), KeyRing(_KEYS)),
        "pipeline, city policy": lambda: Enforcer(
            load_policy(SAMPLES / "city.toml"), KeyRing(_KEYS)
        ),
    }
    with tempfile.TemporaryDirectory(prefix="bench-privacy-") as tmp:
        source = Path(tmp) / "records.jsonl"
        source.write_bytes(
            b"".join(
                RecordAdapter.dump_json(RecordAdapter.validate_python(r)) + b"\n" for r in rows
            )
        )
        messages = list(raw_messages(source, RECORDS_PLUGIN))
        times: dict[str, list[float]] = {name: [] for name in stages}
        for attempt in range(repeats):  # interleaved, so that load drifts hit every variant
            for index, (name, make) in enumerate(stages.items()):
                folder = Path(tmp) / f"run-{attempt}-{index}"
                times[name].append(asyncio.run(_pipeline_once(messages, make(), folder)))
    base = statistics.median(times["pipeline, no policy (PassThrough)"])
    out = []
    for name, values in times.items():
        median = statistics.median(values)
        out.append(
            {
                "benchmark": name,
                "n": n,
                "median_s": median,
                "records_per_s": n / median,
                "ratio": median / base,
                "policy_share": (median - base) / median if median > base else 0.0,
                "times_s": values,
            }
        )
    return out


def _pipeline_markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "",
        "## The whole pipeline",
        "",
        "Submit to delivered (SQLite store, `process` durability, two JSON Lines sinks), the "
        "same records; `policy share` is the part of the pipeline's time the policy adds.",
        "",
        "| benchmark | n | median s | records/s | ratio vs no policy | policy share |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['benchmark']} | {row['n']:,} | {row['median_s']:.3f} | "
            f"{row['records_per_s']:,.0f} | {row['ratio']:.2f} | {row['policy_share']:.0%} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the group, print the table, write ``privacy.md`` and ``privacy.json``."""
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
    report = run_benchmarks(
        benchmarks(n, 3 if args.quick else 7, args.seed),
        quick=args.quick,
        seed=args.seed,
        warmup=not args.quick,
        log=print,
    )
    pipeline = (
        [] if args.no_pipeline else pipeline_rows(min(n, 5_000), 1 if args.quick else 5, args.seed)
    )
    args.results.mkdir(parents=True, exist_ok=True)
    text = render_markdown(report).replace("# Benchmark results", "# Privacy policy cost", 1)
    if pipeline:
        text += _pipeline_markdown(pipeline)
    (args.results / "privacy.md").write_text(text, encoding="utf-8")
    payload = {**report.to_json(), "pipeline": pipeline}
    (args.results / "privacy.json").write_text(
        json.dumps(payload, indent=2) + "\n", encoding="utf-8"
    )
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
