"""Provenance as PROV-O: a pipeline's output, in canonical RDF, conforms to the shapes."""

from __future__ import annotations

from datetime import UTC, datetime

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import XSD

from interop.model import Command, CommandKind, Measurement, Provenance, mint_iri
from interop.privacy import Enforcer, KeyRing, default_policy
from interop.rdf import from_graph, to_graph, validate

PROV = Namespace("http://www.w3.org/ns/prov#")
INTEROP = Namespace("https://w3id.org/interop/ontology#")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def stamped(record: Command | Measurement, enforcer: Enforcer, key: str) -> Command | Measurement:
    """What the pipeline does: name the raw message, the receive time and the policy."""
    provenance = Provenance(
        plugin="lorawan",
        plugin_version="1.0.0",
        source_system="ttn",
        received_at=T0,
        raw_message_id=mint_iri("message", "ttn", key),
        policy_version=enforcer.policy_version,
    )
    return record.model_copy(update={"provenance": provenance})


def test_pipeline_output_carries_prov_o_and_conforms() -> None:
    enforcer = Enforcer(default_policy(), KeyRing({1: b"a-secret-for-the-test"}))
    records = [
        Measurement(
            id="urn:interop:measurement:ttn:1",
            property="https://saref.etsi.org/core/Temperature",
            value=21.5,
            unit="http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",
            timestamp=T0,
        ),
        Command(
            id="urn:interop:command:ttn:2",
            action=CommandKind.ON,
            target="urn:interop:device:ttn:lamp",
            issued_at=T0,
            issued_by="operator-7",
        ),
    ]
    out = enforcer.for_store([stamped(r, enforcer, f"up-{i}") for i, r in enumerate(records)])
    graph = to_graph(out)
    subject = URIRef("urn:interop:measurement:ttn:1")
    assert (subject, PROV.wasDerivedFrom, URIRef("urn:interop:message:ttn:up-0")) in graph
    assert (subject, PROV.generatedAtTime, Literal(T0, datatype=XSD.dateTime)) in graph
    activity = graph.value(subject, PROV.wasGeneratedBy)
    assert graph.value(activity, INTEROP.policyVersion) == Literal("default")
    report = validate(graph)
    assert report.conforms, report
    assert sorted(from_graph(graph), key=lambda r: r.id) == sorted(out, key=lambda r: r.id)
