"""The plugin's demo: decode the bundled uplinks (TTS v3 and ChirpStack v4) and export them.

The batch mixes device kinds and both payload paths: Elsys, Dingtek, Nwave and Decentlab
uplinks the network server already decoded, Cayenne LPP uplinks decoded here (when the
``cayenne-lpp`` payload codec is installed; else their payload is kept raw), a ChirpStack
status event and a TTS join. Writes ``records.jsonl`` and ``records.nt`` and checks the
N-Triples against the SHACL shapes. Works offline on package data only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from interop.adapters import DecodeContext, DemoResult
from interop.model.observation import Measurement
from interop.model.records import Record, RecordAdapter
from interop_lorawan.profiles import ProfileBook, load_profiles

__all__ = ["DEMO_CONTEXT", "SAMPLE_FILES", "demo_profiles", "run_demo", "sample_messages"]

DEMO_CONTEXT = DecodeContext(
    source="lorawan-demo", received_at=datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
)
"""The fixed context the demo and the conformance cases decode with."""


SAMPLE_FILES = ("tts-v3.jsonl", "chirpstack-v4.jsonl")
"""The sample envelopes, one file per network server (each its webhook's demo input)."""


def sample_messages() -> list[bytes]:
    """The sample envelopes of every ``SAMPLE_FILES`` file, one message per line."""
    return [
        line
        for name in SAMPLE_FILES
        for line in (files("interop_lorawan") / "samples" / name).read_bytes().splitlines()
        if line.strip()
    ]


def demo_profiles() -> ProfileBook:
    """The profiles of the sample devices: LPP devices use the ``cayenne-lpp`` codec."""
    return load_profiles(
        {
            "profiles": {
                "Cayenne LPP": {"codec": "cayenne-lpp"},
                "Nwave NPS405": {"vendor": "nwave"},
                "Decentlab DL-MBX": {"vendor": "decentlab"},
            },
            "devices": {"70b3d57ed0001a01": "Cayenne LPP"},
        }
    )


def run_demo(output_dir: Path) -> DemoResult:
    """Decode every sample into ``records.jsonl`` and ``records.nt``; validate with SHACL."""
    from interop.rdf import validate, write_ntriples
    from interop_lorawan.manifest import MANIFEST
    from interop_lorawan.uplink import LorawanUplinkCodec

    codec = LorawanUplinkCodec(profiles=demo_profiles())
    samples = sample_messages()
    records: list[Record] = []
    for index, raw in enumerate(samples, start=1):
        ctx = DecodeContext(source=f"sample:{index}", received_at=DEMO_CONTEXT.received_at)
        records.extend(codec.decode(raw, ctx))
    jsonl = output_dir / "records.jsonl"
    jsonl.write_bytes(b"".join(RecordAdapter.dump_json(r) + b"\n" for r in records))
    ntriples = output_dir / "records.nt"
    with ntriples.open("w", encoding="utf-8") as out:
        triples = write_ntriples(records, out)
    report = validate(ntriples)
    measurements = sum(isinstance(r, Measurement) for r in records)
    verdict = "SHACL conforms" if report.conforms else "SHACL VIOLATIONS"
    return DemoResult(
        plugin=MANIFEST.name,
        summary=(
            f"decoded {len(samples)} TTS/ChirpStack messages into {len(records)} records "
            f"({measurements} measurements), {triples} triples, {verdict}"
        ),
        outputs=(jsonl, ntriples),
        columns=("device", "property", "value", "unit", "time"),
        rows=tuple(
            (
                (r.device or "").rsplit(":", 1)[-1],
                r.property.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                f"{r.value:g}" if isinstance(r.value, float) else str(r.value),
                r.unit.rsplit("/", 1)[-1],
                r.timestamp.isoformat(timespec="seconds"),
            )
            for r in records
            if isinstance(r, Measurement)
        ),
    )
