"""The plugin as a whole: manifest, registration, conformance kit, demo and the CLI."""

from __future__ import annotations

import json

import interop_gtfs
from interop_gtfs.conformance import feeds
from interop_gtfs.demo import sample_feed
from interop_gtfs.expected import known_answers
from interop_gtfs.manifest import MANIFEST
from interop_gtfs.reader import GtfsReader
from interop_gtfs.realtime import GtfsRealtimeCodec
from interop_gtfs.writer import GtfsWriter
from typer.testing import CliRunner

from interop.adapters import Capability, Codec, DatasetReader, DatasetWriter
from interop.cli import app
from interop.registry import Registry
from interop.testing.conformance import DatasetConformance, PluginConformance


class TestGtfsPlugin(PluginConformance):
    plugin = interop_gtfs


class TestGtfsDataset(DatasetConformance):
    reader_cls = GtfsReader
    writer_cls = GtfsWriter
    manifest = MANIFEST
    batches = feeds()
    samples = (sample_feed(),)
    known_answers = known_answers()


def test_entry_point_registers_every_adapter():
    registry = Registry(strict=True, allow=["gtfs"], environ={}).load()
    loaded = registry.get("gtfs")
    assert loaded.manifest.capabilities == {
        Capability.READ_DATASET,
        Capability.WRITE_DATASET,
        Capability.DECODE,
        Capability.ENCODE,
        Capability.VALIDATE,
        Capability.RDF_PROFILE,
        Capability.DEMO,
    }
    assert loaded.manifest.rdf_profiles == ("linked-gtfs",)
    assert registry.adapter(DatasetReader, "gtfs") is GtfsReader
    assert registry.adapter(DatasetWriter, "gtfs") is GtfsWriter
    assert registry.adapter(Codec, "gtfs") is GtfsRealtimeCodec


def test_demo_writes_records_and_shacl_valid_rdf(tmp_path):
    result = interop_gtfs.interop_demo(tmp_path)
    assert result is not None
    assert "33 records" in result.summary
    assert "SHACL conforms" in result.summary
    jsonl, ntriples = result.outputs
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 33
    assert "<urn:interop:stop:riverside:CEN>" in ntriples.read_text(encoding="utf-8")


def test_cli_converts_gtfs_to_records_rdf_and_back(tmp_path):
    runner = CliRunner()
    feed = sample_feed()
    jsonl, nt, back = tmp_path / "out.jsonl", tmp_path / "out.nt", tmp_path / "back.zip"
    for source, target in (
        (f"gtfs:{feed}", f"records:{jsonl}"),
        (f"gtfs:{feed}", f"rdf:{nt}"),
        (f"records:{jsonl}", f"gtfs:{back}"),
    ):
        result = runner.invoke(app, ["convert", source, target], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    first = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert first["kind"] == "transit_operator"
    assert nt.stat().st_size > 0
    again = [r for chunk in GtfsReader("riverside").read(back) for r in chunk]
    original = [r for chunk in GtfsReader().read(feed) for r in chunk]
    assert again == original
