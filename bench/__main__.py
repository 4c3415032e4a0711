"""Command line: ``uv run python -m bench [--quick] [--only GROUP ...] [--results DIR]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.data import DEFAULT_SEED
from bench.groups import GROUPS, Sizes, benchmarks
from bench.harness import RunReport, render_markdown, run_benchmarks, write_results

RESULTS = Path(__file__).resolve().parent / "results"
"""Where results go by default (``bench/results``; ignored by git)."""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the runner's options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and no warm-up: a smoke run for CI, not a measurement",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=GROUPS,
        metavar="GROUP",
        help=f"run only this group (repeatable); one of {', '.join(GROUPS)}",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="directory for <timestamp>.json and latest.md (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="data seed")
    parser.add_argument("--quiet", action="store_true", help="print nothing while running")
    return parser.parse_args(argv)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> RunReport:
    """Run the selected benchmarks, write the results and return the report."""
    args = parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes.full()
    selected = benchmarks(sizes, args.seed, args.only)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    report = run_benchmarks(
        selected,
        quick=args.quick,
        seed=args.seed,
        warmup=not args.quick,
        log=None if args.quiet else log,
    )
    json_path, md_path = write_results(report, args.results)
    if not args.quiet:
        print(render_markdown(report))
        print(f"wrote {json_path} and {md_path}")
    return report


if __name__ == "__main__":
    main()
