"""Malformed graphs and documents fail with a clear ValidationError; offline JSON-LD."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from interop.errors import EncodeError, ValidationError
from interop.model import Measurement, Place
from interop.rdf import from_graph, from_jsonld, to_graph, to_jsonld
from interop.rdf.namespaces import SAREF
from interop.rdf.resources import CONTEXT_IRI

_M = Measurement(
    id="urn:x:m1",
    property="https://saref.etsi.org/core/Temperature",
    value=1,
    unit="http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",
    timestamp=datetime(2024, 1, 1, tzinfo=UTC),
)


def test_two_values_name_the_subject_and_field():
    graph = to_graph([_M])
    graph.add((URIRef(_M.id), SAREF.hasValue, Literal("2", datatype=XSD.integer)))
    with pytest.raises(ValidationError, match=r"urn:x:m1: field 'value'"):
        from_graph(graph)


def test_missing_required_field_is_reported():
    graph = to_graph([_M])
    graph.remove((URIRef(_M.id), SAREF.isMeasuredIn, None))
    with pytest.raises(ValidationError, match="urn:x:m1"):
        from_graph(graph)


def test_unknown_datatype_is_refused():
    graph = to_graph([_M])
    graph.set((URIRef(_M.id), SAREF.hasValue, Literal("1", datatype=XSD.decimal)))
    with pytest.raises(ValidationError, match="datatype"):
        from_graph(graph)


def test_jsonld_with_a_referenced_context_reads_offline():
    document = json.loads(to_jsonld([_M]))
    document["@context"] = CONTEXT_IRI
    assert from_jsonld(json.dumps(document)) == [_M]


def test_jsonld_refuses_an_iri_that_would_read_back_as_a_compact_iri():
    with pytest.raises(EncodeError, match="scheme 'om'"):
        to_jsonld([Place(id="om:not-a-unit", name="x")])


def test_geo_uri_survives_jsonld():
    place = Place(id="geo:52.1,4.3", name="a geo URI")
    assert from_jsonld(to_jsonld([place])) == [place]


@pytest.mark.parametrize("text", ["not json", '{"@context": 5, "@id": "urn:x"}'])
def test_unreadable_jsonld_raises(text):
    with pytest.raises(ValidationError):
        from_jsonld(text)
