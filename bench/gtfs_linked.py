"""The ``linked-gtfs`` profile against Morph-KGC: same graph (``--check``), speed and memory.

    uv run python -m bench.gtfs_linked --check            # equality on NYC, Cairns, Madrid s1
    uv run python -m bench.gtfs_linked --scales 1,10,30   # benchmark on the scaled NYC feed

Morph-KGC pins an old rdflib and pyoxigraph, so it runs from its own virtual environment::

    python3 -m venv /tmp/morph-venv && /tmp/morph-venv/bin/pip install morph-kgc==2.10.0

(done automatically on first use when that interpreter is missing)

(``--morph-python`` or ``MORPH_KGC_PYTHON`` point elsewhere). Both tools run as child
processes under ``/usr/bin/time -v`` (peak RSS of the largest single process); the sum of
RSS over the child's process tree is sampled every 0.1 s, since Morph-KGC forks workers.
Morph-KGC reads the mapping's ten ``/data/<TABLE>.csv`` sources, so each feed is first
rewritten (untimed) to that layout: same values, files renamed, columns the mapping
references but the file lacks added empty (Morph-KGC stops on a missing column or file;
our writer treats both as NULL). Our writer reads the feed itself. The table goes to
``bench/results/gtfs_linked.md``.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bench.gtfs_scale import scale_feed

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
CORPUS = SHARED / "corpus" / "gtfs"
MAPPING = CORPUS / "madrid-bench" / "gtfs-csv.rml.ttl"
RESULTS = REPO / "bench" / "results"
CHECK_FEEDS = {
    "NYC subway": CORPUS / "gtfs_kit" / "nyc_subway_gtfs.zip",
    "Cairns": CORPUS / "gtfs_kit" / "cairns_gtfs.zip",
    "Madrid bench s1": CORPUS / "madrid-bench" / "gtfsbench-csv-1.zip",
    "sample-feed-1": CORPUS / "sample-feed-1.zip",
}
TIME = Path("/usr/bin/time")


# --- Morph-KGC's view of a feed ------------------------------------------------------------


def mapping_sources(mapping: str) -> dict[str, set[str]]:
    """Each source of the mapping (``STOP_TIMES``) and every column any rule names in it."""
    sources: dict[str, set[str]] = {}
    for block in re.split(r"\n(?=<\w+> a rr:TriplesMap)", mapping):
        found = re.search(r'rml:source "/data/(\w+)\.csv"', block)
        if found is None:
            continue
        names = set(re.findall(r'(?:rml:reference|rr:child|rr:parent) "(\w+)"', block))
        for template in re.findall(r'rr:template "([^"]*)"', block):
            names.update(re.findall(r"\{(\w+)\}", template))
        sources.setdefault(found.group(1), set()).update(names)
    return sources


def _feed_files(feed: Path) -> dict[str, bytes]:
    if feed.is_dir():
        return {p.name.lower(): p.read_bytes() for p in feed.iterdir() if p.is_file()}
    with zipfile.ZipFile(feed) as archive:
        return {
            Path(i.filename).name.lower(): archive.read(i)
            for i in archive.infolist()
            if not i.is_dir()
        }


def prepare_morph(feed: Path, folder: Path) -> Path:
    """Write ``feed`` as the mapping's CSV sources in ``folder``; return the rewritten mapping."""
    mapping = MAPPING.read_text(encoding="utf-8")
    files = _feed_files(feed)
    folder.mkdir(parents=True, exist_ok=True)
    for source, columns in mapping_sources(mapping).items():
        data = files.get(source.lower() + ".txt", files.get(source.lower() + ".csv"))
        target = folder / f"{source}.csv"
        rows = [] if data is None else list(csv.reader(data.decode("utf-8-sig").splitlines()))
        header = [c.strip() for c in rows[0]] if rows else []
        missing = sorted(columns - set(header))
        if not missing and data is not None:
            target.write_bytes(data.removeprefix(b"\xef\xbb\xbf"))
            continue
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header + missing)
            for row in rows[1:]:
                if row:
                    writer.writerow(row + [""] * (len(header) - len(row) + len(missing)))
    rewritten = folder / "mapping.rml.ttl"
    rewritten.write_text(mapping.replace('"/data/', f'"{folder}/'), encoding="utf-8")
    return rewritten


# --- measured child processes --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """One measured child process."""

    wall_s: float
    peak_mb: float
    """Peak RSS of the largest single process (``/usr/bin/time -v``)."""
    tree_mb: float
    """Largest sampled sum of RSS over the child's process tree."""
    triples: int


def _tree_rss(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(command: list[str], output: Path) -> Run:
    """Run ``command`` (which writes N-Triples to ``output``) and measure it."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as report:
        report_path = Path(report.name)
    full = [str(TIME), "-v", "-o", str(report_path), *command] if TIME.exists() else command
    start = time.perf_counter()
    process = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.wait(0.1):
            peak_tree = max(peak_tree, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{stderr.decode()[-3000:]}")
    peak = 0.0
    if TIME.exists():
        text = report_path.read_text(encoding="utf-8")
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        peak = int(found.group(1)) / 1024 if found else 0.0
    report_path.unlink(missing_ok=True)
    with output.open("rb") as handle:
        triples = sum(1 for line in handle if line.strip())
    del stdout
    return Run(wall, peak, peak_tree / 1024**2, triples)


_OURS = (
    "import sys\n"
    "from pathlib import Path\n"
    "from interop_gtfs.linked import write_linked_gtfs\n"
    "with open(sys.argv[2], 'w', encoding='utf-8', buffering=1 << 20) as out:\n"
    "    print(write_linked_gtfs(Path(sys.argv[1]), out, shapes_as_wkt=sys.argv[3] == '1'))\n"
)


def run_ours(feed: Path, output: Path, *, wkt: bool = False) -> Run:
    """Our writer in a child process of this interpreter (the uv environment)."""
    command = [sys.executable, "-c", _OURS, str(feed), str(output), "1" if wkt else "0"]
    return measure(command, output)


def run_morph(morph_python: Path, mapping: Path, output: Path, processes: int | None) -> Run:
    """Morph-KGC on ``mapping``; ``processes=None`` keeps its default (2 x CPUs)."""
    config = output.with_suffix(".ini")
    lines = ["[CONFIGURATION]", f"output_file={output}", "logging_level=WARNING"]
    if processes is not None:
        lines.append(f"number_of_processes={processes}")
    lines += ["", "[GTFS]", f"mappings={mapping}", ""]
    config.write_text("\n".join(lines), encoding="utf-8")
    return measure([str(morph_python), "-m", "morph_kgc", str(config)], output)


# --- equality ------------------------------------------------------------------------------


def read_graph(path: Path) -> set[tuple[str, str, str]]:
    """The triples of an N-Triples file as canonical N-Triples terms (pyoxigraph parses)."""
    import pyoxigraph

    triples = pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in triples}


def check(morph_python: Path, work: Path) -> list[str]:
    """Compare our graph with Morph-KGC's on each corpus feed; return the report lines."""
    lines = [
        "| feed | Morph-KGC triples (lines) | ours (lines) | same graph |",
        "|---|---:|---:|---|",
    ]
    failures = 0
    for name, feed in CHECK_FEEDS.items():
        if not feed.exists():
            lines.append(f"| {name} | (feed missing: {feed}) | | skipped |")
            continue
        folder = work / re.sub(r"\W+", "-", name)
        mapping = prepare_morph(feed, folder / "morph")
        theirs = run_morph(morph_python, mapping, folder / "morph.nt", None)
        ours = run_ours(feed, folder / "ours.nt")
        a, b = read_graph(folder / "morph.nt"), read_graph(folder / "ours.nt")
        same = a == b
        failures += not same
        verdict = "**yes**" if same else f"NO: {len(a - b)} only in Morph-KGC, {len(b - a)} ours"
        lines.append(f"| {name} | {len(a):,} ({theirs.triples:,}) | {len(b):,} "
                     f"({ours.triples:,}) | {verdict} |")  # fmt: skip
        for label, diff in (("only Morph-KGC", a - b), ("only ours", b - a)):
            for triple in sorted(diff)[:5]:
                print(f"  {name} {label}: {' '.join(triple)}", file=sys.stderr)
    lines.append("")
    lines.append("All graphs equal." if not failures else f"{failures} feed(s) differ.")
    return lines


# --- benchmark -----------------------------------------------------------------------------


def _row(label: str, run: Run, ours: Run | None) -> str:
    rate = run.triples / run.wall_s
    ratio = ""
    if ours is not None:
        ratio = (
            f" {(ours.triples / ours.wall_s) / rate:.2f} | {ours.peak_mb / run.peak_mb:.2f} |"
            f" {ours.tree_mb / run.tree_mb:.2f} |"
        )
    else:
        ratio = " | | |"
    return (
        f"| {label} | {run.triples:,} | {run.wall_s:.1f} | {rate:,.0f} | {run.peak_mb:,.0f} |"
        f" {run.tree_mb:,.0f} |{ratio}"
    )


def benchmark(morph_python: Path | None, scales: list[int], work: Path, single: bool) -> list[str]:
    """Time both tools on the NYC subway feed scaled by each factor; return the table."""
    feed = CHECK_FEEDS["NYC subway"]
    lines = [
        "| scale | tool | triples | wall s | triples/s | peak MB | tree MB |"
        " speed ours/theirs | peak RSS ours/theirs | tree RSS ours/theirs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scale in scales:
        folder = work / f"nyc-x{scale}"
        scaled = scale_feed(feed, folder / "feed", scale)
        ours = run_ours(scaled, folder / "ours.nt")
        (folder / "ours.nt").unlink()
        wkt = run_ours(scaled, folder / "ours-wkt.nt", wkt=True)
        (folder / "ours-wkt.nt").unlink()
        print(f"x{scale}: ours {ours}", file=sys.stderr)
        lines.append(_row(f"x{scale} | interop linked-gtfs", ours, None))
        lines.append(_row(f"x{scale} | interop linked-gtfs, shapes as WKT", wkt, None))
        if morph_python is None:
            continue
        mapping = prepare_morph(scaled, folder / "morph")
        modes: list[tuple[str, int | None]] = [("Morph-KGC (default processes)", None)]
        if single:
            modes.append(("Morph-KGC (1 process)", 1))
        for label, processes in modes:
            theirs = run_morph(morph_python, mapping, folder / "morph.nt", processes)
            (folder / "morph.nt").unlink()
            print(f"x{scale}: {label} {theirs}", file=sys.stderr)
            lines.append(_row(f"x{scale} | {label}", theirs, ours))
        shutil.rmtree(folder / "morph")
    return lines


MORPH_KGC_VERSION = "2.10.0"
"""The Morph-KGC release the figures in research/gtfs.md were taken with."""


def _install_morph(python: Path) -> Path:
    """Create Morph-KGC's own virtual environment (it pins old rdflib and pyoxigraph)."""
    venv = python.parent.parent
    print(f"installing morph-kgc {MORPH_KGC_VERSION} into {venv} (its own venv)", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, f"morph-kgc=={MORPH_KGC_VERSION}"], check=True)
    return python


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.gtfs_linked", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare graphs, do not time")
    parser.add_argument("--scales", default="1,10,30", help="NYC subway scale factors")
    parser.add_argument("--single", action="store_true", help="also Morph-KGC with 1 process")
    parser.add_argument("--no-morph", action="store_true", help="time only our writer")
    parser.add_argument(
        "--morph-python",
        type=Path,
        default=Path(os.environ.get("MORPH_KGC_PYTHON", "/tmp/morph-venv/bin/python")),
    )
    args = parser.parse_args(argv)
    if not MAPPING.exists():
        print(f"GTFS corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    morph: Path | None = None if args.no_morph else args.morph_python
    if morph is not None and not morph.exists():
        morph = _install_morph(morph)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gtfs-linked-") as tmp:
        work = Path(tmp)
        if args.check:
            if morph is None:
                print("--check needs Morph-KGC", file=sys.stderr)
                return 2
            lines = ["# linked-gtfs: same graph as Morph-KGC", "", *check(morph, work)]
            target = RESULTS / "gtfs_linked_check.md"
        else:
            scales = [int(s) for s in args.scales.split(",")]
            lines = [
                "# linked-gtfs writer vs Morph-KGC (NYC subway, scaled)",
                "",
                f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs. Wall time and RSS of "
                "the whole child process (startup included); ratios against Morph-KGC in the "
                "same run, speed above 1 and RSS below 1 favour interop.",
                "",
                *benchmark(morph, scales, work, args.single),
            ]
            target = RESULTS / "gtfs_linked.md"
    text = "\n".join(lines) + "\n"
    target.write_text(text, encoding="utf-8")
    print(text)
    return 0 if "differ" not in text else 1


if __name__ == "__main__":
    raise SystemExit(main())
