"""The policy inside the real pipeline (SQLite store, file sinks): refusal to start, and the
canonical RDF of what a sink receives, PROV-O included, conforming to the shapes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from interop.errors import PolicyViolation
from interop.model import Command, CommandKind, Measurement, RecordAdapter
from interop.pipeline import RECORDS_PLUGIN, Pipeline, Route, SinkBinding
from interop.pipeline.sinks import JsonLinesSink, RdfFileSink
from interop.pipeline.sources import raw_messages
from interop.privacy import SAMPLES, Enforcer, KeyRing, is_pseudonym, load_policy
from interop.rdf import validate
from interop.store import Durability, open_store

PROV = Namespace("http://www.w3.org/ns/prov#")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
KEYS = KeyRing({1: b"pipeline-test-secret-0123"})
ROUTE = Route(RECORDS_PLUGIN, RECORDS_PLUGIN)


def test_a_sink_outside_the_allowed_jurisdictions_stops_the_pipeline(tmp_path: Path) -> None:
    enforcer = Enforcer(load_policy(SAMPLES / "city.toml"), KEYS)
    sinks = [
        SinkBinding("broker", JsonLinesSink(tmp_path / "broker"), "EU"),
        SinkBinding("analytics", JsonLinesSink(tmp_path / "analytics"), "US"),
    ]

    async def run() -> None:
        store = open_store(tmp_path / "store", durability=Durability.PROCESS)
        async with store, Pipeline(store, None, [ROUTE], sinks=sinks, policy=enforcer):
            pytest.fail("the pipeline started")

    with pytest.raises(PolicyViolation, match="'analytics'") as caught:
        asyncio.run(run())
    assert caught.value.source == "sink 'analytics'"


def test_what_a_sink_receives_is_compliant_canonical_rdf(tmp_path: Path) -> None:
    records = [
        Measurement(
            id="urn:interop:measurement:t:1",
            property="https://saref.etsi.org/core/Temperature",
            value=12.5,
            unit="http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",
            timestamp=T0,
        ),
        Command(
            id="urn:interop:command:t:2",
            action=CommandKind.OFF,
            target="urn:interop:device:t:lamp",
            issued_at=T0,
            issued_by="j.doe",
        ),
    ]
    source = tmp_path / "records.jsonl"
    source.write_bytes(b"".join(RecordAdapter.dump_json(r) + b"\n" for r in records))
    messages = list(raw_messages(source, RECORDS_PLUGIN))
    enforcer = Enforcer(load_policy(SAMPLES / "city.toml"), KEYS)
    sinks = [SinkBinding("broker", RdfFileSink(tmp_path / "rdf"), "EU", from_start=True)]

    async def run() -> None:
        store = open_store(tmp_path / "store", durability=Durability.PROCESS)
        async with store, Pipeline(store, None, [ROUTE], sinks=sinks, policy=enforcer) as p:
            await p.submit(messages)
            await p.wait_processed()
            await p.wait_delivered()

    asyncio.run(run())
    graph = Graph()
    for path in sorted((tmp_path / "rdf").glob("*.nt")):
        graph.parse(path, format="nt")
    assert "j.doe" not in graph.serialize(format="nt")
    report = validate(graph)
    assert report.conforms, report
    for record in records:
        subject = graph.resource(record.id)
        assert subject.value(PROV.wasGeneratedBy) is not None
        assert subject.value(PROV.generatedAtTime) is not None
    issued = [str(o) for o in graph.objects(None, None) if is_pseudonym(str(o))]
    assert len(issued) == 1
