"""The plugin's demo: decode the bundled sample messages and write what came out.

Shows the whole path a vendor message takes: bytes -> canonical records -> JSON lines and,
when the RDF layer is installed, N-Triples. Works offline on package data only.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from interop.adapters import DecodeContext, DemoResult
from interop.model.records import Record, RecordAdapter

__all__ = ["run_demo", "sample_messages"]


def sample_messages() -> dict[str, bytes]:
    """The recorded sample messages shipped in ``interop_template/samples``, by file name."""
    folder = files("interop_template") / "samples"
    return {
        entry.name: entry.read_bytes()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def run_demo(output_dir: Path) -> DemoResult:
    """Decode every sample into ``records.jsonl`` (and ``records.nt`` when RDF is available)."""
    from interop_template.codec import TemplateJsonCodec
    from interop_template.manifest import MANIFEST

    codec = TemplateJsonCodec()
    samples = sample_messages()
    records: list[Record] = []
    for name, raw in samples.items():
        records.extend(codec.decode(raw, DecodeContext(source=f"sample:{name}")))
    jsonl = output_dir / "records.jsonl"
    jsonl.write_bytes(b"".join(RecordAdapter.dump_json(r) + b"\n" for r in records))
    outputs = [jsonl]
    try:
        from interop.rdf import write_ntriples
    except ImportError:
        pass  # the RDF layer is optional for the demo: JSON lines alone still show the path
    else:
        ntriples = output_dir / "records.nt"
        with ntriples.open("w", encoding="utf-8") as out:
            write_ntriples(records, out)
        outputs.append(ntriples)
    return DemoResult(
        plugin=MANIFEST.name,
        summary=f"decoded {len(samples)} sample messages into {len(records)} measurements",
        outputs=tuple(outputs),
    )
