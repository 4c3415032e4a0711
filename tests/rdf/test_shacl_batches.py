"""Validating in batches with hoisted property shapes gives exactly the whole-graph results."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD

from interop.errors import ValidationError
from interop.model import Measurement, Place, Point
from interop.model.transit import Call
from interop.rdf import to_graph, validate, write_ntriples
from interop.rdf.namespaces import SAREF, WGS84
from interop.rdf.resources import shapes_graph
from interop.rdf.shacl import _read
from interop.rdf.shacl_batches import batchable, batches, focus_nodes
from interop.testing.strategies import records

_WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _measurement(n: int) -> Measurement:
    return Measurement(
        id=f"urn:x:m{n}",
        property="https://saref.etsi.org/core/Temperature",
        value=20.0 + n,
        unit="http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",
        timestamp=_WHEN,
    )


def _same(graph: Graph, size: int) -> None:
    whole = validate(graph, batch_size=None)
    batched = validate(graph, batch_size=size)
    assert batched.results == whole.results
    assert batched.conforms is whole.conforms
    assert batched.focus_nodes == whole.focus_nodes


def test_the_shipped_shapes_can_be_batched() -> None:
    assert batchable(shapes_graph())


def test_a_violation_in_one_batch_is_found_once() -> None:
    graph = to_graph([_measurement(n) for n in range(5)])
    graph.remove((URIRef("urn:x:m3"), SAREF.isMeasuredIn, None))
    graph.add((URIRef("urn:x:m1"), SAREF.hasValue, Literal("x", datatype=XSD.integer)))
    nodes = focus_nodes(graph, shapes_graph())
    assert len(list(batches(graph, nodes, 2))) == 3
    report = validate(graph, batch_size=2)
    assert {r.focus_node for r in report.results} == {"urn:x:m1", "urn:x:m3"}
    assert not report.conforms
    _same(graph, 2)
    _same(graph, 1)


def test_nested_and_inverse_shapes_are_judged_in_batches() -> None:
    """sh:node on a referenced point, an inverse path and a sequence path read outside the node."""
    places = [Place(id=f"urn:x:p{n}", point=Point(lat=10.0 + n, lon=20.0)) for n in range(3)]
    graph = to_graph(places)
    point = next(graph.objects(URIRef("urn:x:p1"), WGS84.location))
    graph.set((point, WGS84.lat, Literal("200.0", datatype=XSD.double)))
    assert not validate(graph, batch_size=1).conforms
    _same(graph, 1)


def test_screened_logic_is_reported_as_pyshacl_reports_it() -> None:
    """A call at no stop (sh:xone) and at two stops, a place with nothing (sh:or)."""
    calls = [
        Call(id=f"urn:x:c{n}", journey="urn:x:j", stop="urn:x:s", sequence=n) for n in range(4)
    ]
    graph = to_graph([*calls, Place(id="urn:x:p", name="Here")])
    graph.remove((URIRef("urn:x:c1"), _AT_STOP, None))
    graph.add((URIRef("urn:x:c2"), _AT_LOCATION, URIRef("urn:x:l")))
    graph.remove((URIRef("urn:x:p"), RDFS.label, None))
    report = validate(graph, batch_size=2)
    assert {r.focus_node for r in report.results} == {"urn:x:c1", "urn:x:c2", "urn:x:p"}
    _same(graph, 2)


_AT_STOP = URIRef("https://w3id.org/interop/ontology#atStop")
_AT_LOCATION = URIRef("https://w3id.org/interop/ontology#atLocation")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(records(), min_size=1, max_size=4, unique_by=lambda r: r.id),
    st.data(),
    st.integers(min_value=1, max_value=3),
)
def test_batches_equal_the_whole_graph(rs, data, size) -> None:
    """Records with some triples removed and a bad literal added: same results either way."""
    graph = to_graph(rs)
    triples = sorted(graph, key=lambda t: tuple(str(x) for x in t))
    for triple in data.draw(st.lists(st.sampled_from(triples), max_size=3, unique=True)):
        graph.remove(triple)
    if data.draw(st.booleans()):
        subject, predicate, _ = data.draw(st.sampled_from(triples))
        graph.add((subject, predicate, Literal("not a number", datatype=XSD.double)))
    _same(graph, size)


def test_ntriples_are_read_as_rdflib_reads_them(tmp_path: Path) -> None:
    records_ = [_measurement(1), Place(id="urn:x:p1", name="Plaça", point=Point(lat=1.0, lon=2.0))]
    buffer = io.StringIO()
    write_ntriples(records_, buffer)
    text = buffer.getvalue() + '<urn:x:a> <urn:x:label> "hola"@es .\n'
    path = tmp_path / "export.nt"
    path.write_text(text, encoding="utf-8")
    assert isomorphic(_read(path), Graph().parse(data=text, format="nt"))
    assert validate(path).conforms


def test_unreadable_ntriples_raise(tmp_path: Path) -> None:
    path = tmp_path / "broken.nt"
    path.write_text("<urn:x:a> not-a-predicate .\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="validation-error"):
        validate(path)


def test_shapes_that_read_further_are_not_batched() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <urn:ex:> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ( ex:a ex:b ex:c ) ; sh:minCount 1 ] .
        """,
        format="turtle",
    )
    assert not batchable(shapes)
