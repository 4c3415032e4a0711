"""The streaming N-Triples writer yields exactly the graph to_graph builds."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from interop.model import Measurement, Place
from interop.rdf import from_graph, to_graph, write_ntriples
from interop.testing.strategies import records


@settings(max_examples=60, deadline=None)
@given(st.lists(records(), max_size=5, unique_by=lambda r: r.id))
def test_streamed_triples_are_isomorphic_to_the_graph(rs):
    buffer = io.StringIO()
    count = write_ntriples(rs, buffer)
    streamed = Graph().parse(data=buffer.getvalue(), format="nt")
    built = to_graph(rs)
    assert count == len(streamed) == len(built)
    assert isomorphic(streamed, built)


def test_escapes_literals_and_iris_per_the_spec():
    place = Place(
        id="urn:interop:place:test:\x01odd",
        name='quote " backslash \\ newline \n return \r tab \t ünï',
    )
    buffer = io.StringIO()
    write_ntriples([place], buffer)
    text = buffer.getvalue()
    assert "<urn:interop:place:test:\\u0001odd>" in text
    assert '"quote \\" backslash \\\\ newline \\n return \\r tab \t ünï"' in text
    assert from_graph(Graph().parse(data=text, format="nt")) == [place]


def test_unit_and_property_typing_is_written_once_per_export():
    common = {
        "property": "https://saref.etsi.org/core/Temperature",
        "unit": "http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",
        "timestamp": datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC),
    }
    rs = [Measurement(id=f"urn:x:m{i}", value=i, **common) for i in range(3)]
    buffer = io.StringIO()
    write_ntriples(rs, buffer)
    lines = buffer.getvalue().splitlines()
    assert len(lines) == len(set(lines))
    assert sum("TemperatureUnit>" in line for line in lines) == 1
