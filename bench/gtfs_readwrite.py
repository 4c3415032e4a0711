"""GTFS read + write: interop's reader and writer against gtfs-kit's ``read_feed`` + ``to_file``.

interop reads with ``GtfsReader.read_tables`` (validated columns; records assembled on access,
the counterpart of gtfs-kit's DataFrames) and writes with ``GtfsWriter``; the same read with
every record assembled (``GtfsReader.read``, lists of records) is timed too, as
``interop-records``.

    uv run python -m bench.gtfs_readwrite                  # the corpus' large real feeds
    uv run python -m bench.gtfs_readwrite --scales 1,5     # and the NYC subway scaled x5
    uv run python -m bench.gtfs_readwrite --repeats 1 --profile   # where interop's time goes

Both tools read the same zip and write a zip, each in a fresh child process so that peak
RSS (the child's own ``VmHWM``, imports included; ``ru_maxrss`` where there is no
``/proc``, which on Linux also counts the parent's peak at fork) is comparable. The timed
span is read + write only (imports and interpreter start-up are not timed). Rows/s counts
the data rows of every table of the feed. The table goes to
``bench/results/gtfs_readwrite.md`` and the numbers to ``gtfs_readwrite.json``; ratios
above 1 favour interop (speed: interop's rows/s over gtfs-kit's; memory: gtfs-kit's peak
RSS over interop's).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.gtfs_scale import scale_feed

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
CORPUS = SHARED / "corpus" / "gtfs"
RESULTS = REPO / "bench" / "results"
FEEDS = {
    "NYC subway": CORPUS / "gtfs_kit" / "nyc_subway_gtfs.zip",
    "Cairns": CORPUS / "gtfs_kit" / "cairns_gtfs.zip",
    "Bull Runner": CORPUS / "realtime" / "bullrunner-gtfs.zip",
}

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
tool, source, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if tool == "interop":
    from interop_gtfs.reader import GtfsReader
    from interop_gtfs.writer import GtfsWriter
    start, cpu = time.perf_counter(), time.process_time()
    GtfsWriter().write(GtfsReader().read_tables(source), target)
elif tool == "interop-records":
    from interop_gtfs.reader import GtfsReader
    from interop_gtfs.writer import GtfsWriter
    start, cpu = time.perf_counter(), time.process_time()
    GtfsWriter().write(GtfsReader().read(source), target)
else:
    import gtfs_kit
    start, cpu = time.perf_counter(), time.process_time()
    gtfs_kit.read_feed(source, dist_units="km").to_file(target)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
# VmHWM is this program's own peak; ru_maxrss on Linux also keeps the parent's at fork
try:
    status = Path("/proc/self/status").read_text()
    peak_kib = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1])
except (OSError, StopIteration):
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_mib": peak_kib / 1024}))
"""

_PROFILE = r"""
import cProfile, pstats, sys
from pathlib import Path
from interop_gtfs.reader import GtfsReader
from interop_gtfs.writer import GtfsWriter
source, target = Path(sys.argv[1]), Path(sys.argv[2])
profile = cProfile.Profile()
profile.runcall(lambda: GtfsWriter().write(GtfsReader().read_tables(source), target))
pstats.Stats(profile).sort_stats("tottime").print_stats(15)
"""


@dataclass(frozen=True, slots=True)
class Row:
    """One feed measured with both tools (medians over the repeats)."""

    feed: str
    rows: int
    interop_seconds: float
    gtfs_kit_seconds: float
    interop_peak_mib: float
    gtfs_kit_peak_mib: float
    records_seconds: float
    records_peak_mib: float
    interop_cpu_seconds: float
    gtfs_kit_cpu_seconds: float

    @property
    def speed_ratio(self) -> float:
        """Interop rows/s over gtfs-kit rows/s (above 1: interop is faster)."""
        return self.gtfs_kit_seconds / self.interop_seconds

    @property
    def cpu_ratio(self) -> float:
        """gtfs-kit's CPU seconds over interop's: the speed ratio less the waits for a core."""
        return self.gtfs_kit_cpu_seconds / self.interop_cpu_seconds

    @property
    def records_speed_ratio(self) -> float:
        """Interop rows/s with every record assembled over gtfs-kit rows/s."""
        return self.gtfs_kit_seconds / self.records_seconds

    @property
    def memory_ratio(self) -> float:
        """gtfs-kit peak RSS over interop's (above 1: interop uses less)."""
        return self.gtfs_kit_peak_mib / self.interop_peak_mib


def count_rows(feed: Path) -> int:
    """Data rows over every ``.txt`` table of a zip or folder (header and blank lines excluded)."""
    total = 0
    if feed.is_dir():
        blobs = [p.read_bytes() for p in feed.iterdir() if p.suffix == ".txt"]
    else:
        with zipfile.ZipFile(feed) as archive:
            blobs = [archive.read(i) for i in archive.infolist() if i.filename.endswith(".txt")]
    for blob in blobs:
        lines = [line for line in blob.splitlines() if line.strip()]
        total += max(len(lines) - 1, 0)
    return total


def run_child(tool: str, source: Path, work: Path) -> dict[str, float]:
    """Read + write ``source`` with ``tool`` in a fresh interpreter; its seconds and peak MiB."""
    target = work / f"{tool}-out.zip"
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, tool, str(source), str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    target.unlink(missing_ok=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(name: str, source: Path, work: Path, repeats: int) -> Row:
    """Both tools on one feed, alternating, ``repeats`` times each."""
    runs: dict[str, list[dict[str, float]]] = {"interop": [], "gtfs-kit": [], "interop-records": []}
    for _ in range(repeats):
        for tool in runs:
            runs[tool].append(run_child(tool, source, work))

    def median(tool: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[tool])

    return Row(
        feed=name,
        rows=count_rows(source),
        interop_seconds=median("interop", "seconds"),
        gtfs_kit_seconds=median("gtfs-kit", "seconds"),
        interop_peak_mib=median("interop", "peak_mib"),
        gtfs_kit_peak_mib=median("gtfs-kit", "peak_mib"),
        records_seconds=median("interop-records", "seconds"),
        records_peak_mib=median("interop-records", "peak_mib"),
        interop_cpu_seconds=median("interop", "cpu_seconds"),
        gtfs_kit_cpu_seconds=median("gtfs-kit", "cpu_seconds"),
    )


def render(rows: list[Row], repeats: int) -> str:
    """The Markdown table of one run."""
    lines = [
        "# GTFS read + write: interop vs gtfs-kit",
        "",
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {repeats} runs per "
        "tool, each in a fresh process. Speed ratio = interop rows/s / gtfs-kit rows/s; memory "
        "ratio = gtfs-kit peak RSS / interop peak RSS (above 1 favours interop). interop reads "
        "with `read_tables`; *records* reads with `read` (every record assembled). CPU ratio = "
        "gtfs-kit's CPU seconds / interop's (the same span, without the waits for a core on a "
        "shared machine).",
        "",
        "| feed | rows | interop rows/s | gtfs-kit rows/s | speed ratio | CPU ratio "
        "| records speed ratio | interop peak MiB | records peak MiB | gtfs-kit peak MiB "
        "| memory ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.feed} | {row.rows:,} | {row.rows / row.interop_seconds:,.0f} "
            f"| {row.rows / row.gtfs_kit_seconds:,.0f} | {row.speed_ratio:.2f} "
            f"| {row.cpu_ratio:.2f} | {row.records_speed_ratio:.2f} | {row.interop_peak_mib:.0f} "
            f"| {row.records_peak_mib:.0f} | {row.gtfs_kit_peak_mib:.0f} "
            f"| {row.memory_ratio:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.gtfs_readwrite", description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scales", default="", help="also the NYC subway scaled, e.g. 5,10")
    parser.add_argument("--profile", action="store_true", help="cProfile interop on NYC first")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"GTFS corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gtfs-readwrite-") as tmp:
        work = Path(tmp)
        if args.profile:
            subprocess.run(
                [sys.executable, "-c", _PROFILE, str(FEEDS["NYC subway"]), str(work / "p.zip")],
                check=True,
            )
        feeds = dict(FEEDS)
        for factor in (int(s) for s in args.scales.split(",") if s):
            folder = scale_feed(FEEDS["NYC subway"], work / f"nyc-x{factor}", factor)
            zipped = work / f"nyc-x{factor}.zip"
            with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(folder.iterdir()):
                    archive.write(path, path.name)
            feeds[f"NYC subway x{factor}"] = zipped
        rows = [measure(name, path, work, args.repeats) for name, path in feeds.items()]
    text = render(rows, args.repeats)
    (RESULTS / "gtfs_readwrite.md").write_text(text, encoding="utf-8")
    data = [{**asdict(row), "speed_ratio": row.speed_ratio, "memory_ratio": row.memory_ratio,
             "cpu_ratio": row.cpu_ratio, "records_speed_ratio": row.records_speed_ratio}
            for row in rows]  # fmt: skip
    (RESULTS / "gtfs_readwrite.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
