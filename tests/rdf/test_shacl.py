"""Exports conform to the shipped shapes; broken graphs do not; unreadable input raises."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from interop.errors import ValidationError
from interop.model import Command, CommandKind, Device, DeviceKind, Measurement, Place, Point
from interop.rdf import ShaclReport, to_graph, to_jsonld, to_turtle, validate, write_ntriples
from interop.rdf.namespaces import SAREF, WGS84
from interop.testing.strategies import records

_WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
_MEASUREMENT = Measurement(
    id="urn:x:m1",
    property="https://saref.etsi.org/core/Temperature",
    value=21.5,
    unit="http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",
    timestamp=_WHEN,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), min_size=1, max_size=4, unique_by=lambda r: r.id))
def test_every_export_conforms(rs):
    report = validate(to_graph(rs))
    assert report.conforms, report.text
    assert report.results == ()


def test_text_and_path_inputs(tmp_path: Path):
    assert validate(to_turtle([_MEASUREMENT])).conforms
    assert validate(to_jsonld([_MEASUREMENT])).conforms
    buffer = io.StringIO()
    write_ntriples([_MEASUREMENT], buffer)
    path = tmp_path / "export.nt"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert validate(path).conforms


def _paths(report: ShaclReport) -> set[str | None]:
    return {result.path for result in report.results}


def test_measurement_without_unit_does_not_conform():
    graph = to_graph([_MEASUREMENT])
    graph.remove((URIRef(_MEASUREMENT.id), SAREF.isMeasuredIn, None))
    report = validate(graph)
    assert not report.conforms
    assert _paths(report) == {str(SAREF.isMeasuredIn)}
    assert report.results[0].focus_node == _MEASUREMENT.id
    assert report.results[0].severity == "Violation"


def test_measurement_with_untyped_unit_or_two_values_does_not_conform():
    graph = to_graph([_MEASUREMENT])
    graph.remove((URIRef(_MEASUREMENT.unit), RDF.type, None))
    graph.add((URIRef(_MEASUREMENT.id), SAREF.hasValue, Literal("3", datatype=XSD.integer)))
    report = validate(graph)
    assert _paths(report) == {str(SAREF.isMeasuredIn), str(SAREF.hasValue)}


def test_latitude_out_of_range_does_not_conform():
    graph = to_graph([Place(id="urn:x:p1", point=Point(lat=10.0, lon=20.0))])
    point = next(graph.objects(URIRef("urn:x:p1"), WGS84.location))
    graph.set((point, WGS84.lat, Literal("200.0", datatype=XSD.double)))
    report = validate(graph)
    assert not report.conforms
    assert str(WGS84.lat) in _paths(report)
    assert {r.value for r in report.results} == {"200.0"} | (
        {str(point)} if len(report.results) > 1 else set()
    )


def test_set_level_command_without_level_and_device_without_kind_do_not_conform():
    command = Command(
        id="urn:x:c1", action=CommandKind.SET_LEVEL, target="urn:x:d1", level=40.0, issued_at=_WHEN
    )
    device = Device(id="urn:x:d1", device_kind=DeviceKind.SENSOR)
    graph = to_graph([command, device])
    graph.remove((URIRef("urn:x:c1"), URIRef("https://w3id.org/interop/ontology#level"), None))
    graph.remove((URIRef("urn:x:d1"), RDF.type, SAREF.Sensor))
    report = validate(graph)
    assert {r.focus_node for r in report.results} == {"urn:x:c1", "urn:x:d1"}


@pytest.mark.parametrize("bad", ["<not turtle", "{not json", Path("/nonexistent/file.ttl")])
def test_unreadable_input_raises(bad):
    with pytest.raises(ValidationError, match="validation-error"):
        validate(bad)


def test_an_empty_graph_conforms():
    assert validate(Graph()).conforms


def test_report_names_constraint_and_counts_focus_nodes():
    graph = to_graph([_MEASUREMENT])
    graph.remove((URIRef(_MEASUREMENT.id), SAREF.hasTimestamp, None))
    report = validate(graph)
    assert [r.constraint.rsplit("#", 1)[-1] for r in report.results] == [
        "MinCountConstraintComponent"
    ]
    assert report.focus_nodes == 1
