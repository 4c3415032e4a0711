"""The plugin's demo: read the built-in sample feed and export what came out.

Shows the whole path of a GTFS feed: files -> canonical transit records -> JSON lines and
N-Triples, and checks the RDF against the project's SHACL shapes. Works offline on package
data only (``interop_gtfs/samples/riverside``, an invented feed).
"""

from __future__ import annotations

from collections import Counter
from importlib.resources import files
from pathlib import Path

from interop.adapters import DemoResult
from interop.model.records import Record, RecordAdapter

__all__ = ["SAMPLE_FEED", "run_demo", "sample_feed"]

SAMPLE_FEED = "riverside"
"""Folder name, under ``interop_gtfs/samples``, of the built-in sample feed."""


def sample_feed() -> Path:
    """The built-in sample feed (a folder of GTFS files) on the file system.

    The package is installed as files (wheels and editable installs are), so the package
    data is a real folder.
    """
    return Path(str(files("interop_gtfs") / "samples" / SAMPLE_FEED))


def run_demo(output_dir: Path) -> DemoResult:
    """Read the sample feed into ``records.jsonl`` and ``records.nt``; SHACL-check the RDF."""
    from interop.rdf import validate, write_ntriples
    from interop_gtfs.manifest import MANIFEST
    from interop_gtfs.reader import GtfsReader

    output_dir.mkdir(parents=True, exist_ok=True)
    records: list[Record] = [
        record for chunk in GtfsReader().read(sample_feed()) for record in chunk
    ]
    jsonl = output_dir / "records.jsonl"
    jsonl.write_bytes(b"".join(RecordAdapter.dump_json(r) + b"\n" for r in records))
    ntriples = output_dir / "records.nt"
    with ntriples.open("w", encoding="utf-8") as out:
        triples = write_ntriples(records, out)
    report = validate(ntriples)
    kinds = Counter(record.kind.removeprefix("transit_") for record in records)
    counts = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    verdict = "SHACL conforms" if report.conforms else f"SHACL: {len(report.results)} violations"
    return DemoResult(
        plugin=MANIFEST.name,
        summary=f"read the sample feed {SAMPLE_FEED!r} into {len(records)} records ({counts}); "
        f"{triples} triples, {verdict}",
        outputs=(jsonl, ntriples),
    )
