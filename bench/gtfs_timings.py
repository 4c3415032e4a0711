"""GTFS round trip and validation of the largest corpus feed, against their targets.

The targets (read and write back the NYC subway feed in under 60 s, validate it in under
10 s on this project's 2-core machine) used to be assertions in the plugin's tests; a
wall-clock figure belongs here, measured next to its floor: reading every row of the same
zip with the standard library's ``csv`` module, the least any GTFS reader must do.

    uv run python -m bench.gtfs_timings                 # ../shared/corpus/gtfs NYC subway
    uv run python -m bench.gtfs_timings FEED.zip
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["TARGETS", "main", "measure"]

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
DEFAULT_FEED = SHARED / "corpus" / "gtfs" / "gtfs_kit" / "nyc_subway_gtfs.zip"
TARGETS = {"round trip": 60.0, "validation": 10.0}
"""Seconds each path should take at most on the reference machine (2 cores)."""


def _timed(work: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    output = work()
    return time.perf_counter() - started, output


def _floor(feed: Path) -> int:
    """Read every row of every ``.txt`` member with ``csv`` alone."""
    rows = 0
    with zipfile.ZipFile(feed) as archive:
        for info in archive.infolist():
            if info.filename.endswith(".txt"):
                with archive.open(info) as raw:
                    rows += sum(1 for _ in csv.reader(io.TextIOWrapper(raw, "utf-8-sig")))
    return rows


def _round_trip(feed: Path) -> int:
    from interop_gtfs.reader import GtfsReader
    from interop_gtfs.writer import GtfsWriter

    with tempfile.TemporaryDirectory(prefix="bench-gtfs-") as folder:
        written = GtfsWriter().write(GtfsReader().read(feed), Path(folder) / "copy")
        back = sum(len(chunk) for chunk in GtfsReader().read(Path(folder) / "copy"))
    return written + back


def _validation(feed: Path) -> int:
    from interop_gtfs.validation import validate_feed

    return validate_feed(feed).checked


def measure(feed: Path) -> dict[str, tuple[float, int]]:
    """Seconds and output size of the floor, the round trip and the validation of ``feed``."""
    import interop_gtfs.reader
    import interop_gtfs.validation
    import interop_gtfs.writer  # noqa: F401  (imported before timing: imports are not the path)

    return {
        "floor (csv rows)": _timed(lambda: _floor(feed)),
        "round trip": _timed(lambda: _round_trip(feed)),
        "validation": _timed(lambda: _validation(feed)),
    }


def main(argv: list[str] | None = None) -> int:
    """Print each timing, its ratio to the floor and its target; 1 if a target is missed."""
    args = sys.argv[1:] if argv is None else argv
    feed = Path(args[0]) if args else DEFAULT_FEED
    if not feed.is_file():
        print(f"no feed at {feed} (give one, or set INTEROP_SHARED_DIR)", file=sys.stderr)
        return 2
    results = measure(feed)
    floor = results["floor (csv rows)"][0]
    missed = False
    for name, (seconds, output) in results.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else f"  target < {target:.0f} s: "
        if target is not None:
            verdict += "met" if seconds < target else "MISSED"
            missed |= seconds >= target
        print(f"{name:18} {seconds:7.2f} s  x{seconds / floor:6.1f} floor  ({output}){verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
