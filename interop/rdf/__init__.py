"""Canonical records as RDF: SAREF-aligned graphs, N-Triples, Turtle, JSON-LD and SHACL.

:func:`to_graph` / :func:`from_graph` convert records to an rdflib graph and back exactly;
:func:`write_ntriples` streams the same triples for bulk data without building a graph;
:func:`validate` checks any graph against the shipped shapes. Every conversion is driven by
one table, :data:`interop.rdf.mapping.RECORD_MAPS`.
"""

from interop.rdf.graph import from_graph, to_graph
from interop.rdf.jsonld import from_jsonld, to_jsonld
from interop.rdf.ntriples import write_ntriples
from interop.rdf.shacl import ShaclReport, ShaclResult, validate
from interop.rdf.turtle import to_turtle

__all__ = [
    "ShaclReport",
    "ShaclResult",
    "from_graph",
    "from_jsonld",
    "to_graph",
    "to_jsonld",
    "to_turtle",
    "validate",
    "write_ntriples",
]
