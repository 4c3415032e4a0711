"""Records survive every RDF form exactly: graph, Turtle, N-Triples and JSON-LD."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph

from interop.model import RECORD_TYPES, Record
from interop.rdf import from_graph, from_jsonld, to_graph, to_jsonld, to_turtle, write_ntriples
from interop.testing.strategies import measurements, records, register_strategies

register_strategies()

many_records = st.lists(records(), max_size=6, unique_by=lambda r: r.id)


def _ordered(rs: list[Record]) -> list[Record]:
    return sorted(rs, key=lambda r: (r.kind, r.id))


def _ntriples(rs: list[Record]) -> str:
    buffer = io.StringIO()
    write_ntriples(rs, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda cls: cls.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_record_type_round_trips_through_every_form(cls: type, data: st.DataObject):
    record = data.draw(st.from_type(cls))
    assert from_graph(to_graph([record])) == [record]
    assert from_graph(Graph().parse(data=to_turtle([record]), format="turtle")) == [record]
    assert from_graph(Graph().parse(data=_ntriples([record]), format="nt")) == [record]
    assert from_jsonld(to_jsonld([record])) == [record]


@settings(max_examples=40, deadline=None)
@given(many_records)
def test_many_records_come_back_sorted_by_kind_then_id(rs: list[Record]):
    expected = _ordered(rs)
    assert from_graph(to_graph(rs)) == expected
    assert from_graph(Graph().parse(data=_ntriples(rs), format="nt")) == expected
    assert from_jsonld(to_jsonld(rs)) == expected


@settings(max_examples=10, deadline=None)
@given(measurements())
def test_to_graph_adds_to_a_given_graph(record):
    graph = Graph()
    assert to_graph([record], graph) is graph
    assert from_graph(graph) == [record]
