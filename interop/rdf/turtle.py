"""Lossless Turtle for records, written with pyoxigraph.

rdflib's Turtle writer abbreviates ``xsd:double`` literals to about seven significant
digits (RDFLib/rdflib#1852), which would break exact round trips; pyoxigraph keeps every
lexical form. Use :func:`to_turtle` rather than ``to_graph(...).serialize("turtle")``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pyoxigraph

from interop.model.records import Record
from interop.rdf.namespaces import PREFIXES
from interop.rdf.ntriples import write_ntriples

__all__ = ["to_turtle"]

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def to_turtle(records: Iterable[Record]) -> str:
    """Turtle text for ``records``, with the project's prefixes, grouped by subject."""
    buffer = io.StringIO()
    write_ntriples(records, buffer)
    triples = pyoxigraph.parse(buffer.getvalue().encode(), pyoxigraph.RdfFormat.N_TRIPLES)
    ordered = sorted(
        triples,
        key=lambda t: (
            str(t.subject),
            str(t.predicate) != _RDF_TYPE,
            str(t.predicate),
            str(t.object),
        ),
    )
    text = pyoxigraph.serialize(ordered, format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert isinstance(text, bytes)
    return text.decode()
