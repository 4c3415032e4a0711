"""Canonical records as RDF: SAREF-aligned graphs, N-Triples, Turtle, JSON-LD and SHACL.

:func:`to_graph` / :func:`from_graph` convert records to an rdflib graph and back exactly;
:func:`write_ntriples` streams the same triples for bulk data without building a graph;
:func:`validate` checks any graph against the shipped shapes. Every conversion is driven by
one table, :data:`interop.rdf.mapping.RECORD_MAPS`.

Public submodules besides the names below: :mod:`interop.rdf.literals` (the lexical form of
each Python value and the XSD datatype IRIs, for a plugin that streams its own N-Triples
profile), :mod:`interop.rdf.namespaces` and :mod:`interop.rdf.mapping`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOME = {
    "ShaclReport": "shacl",
    "ShaclResult": "shacl",
    "from_graph": "graph",
    "from_jsonld": "jsonld",
    "to_graph": "graph",
    "to_jsonld": "jsonld",
    "to_turtle": "turtle",
    "validate": "shacl",
    "write_ntriples": "ntriples",
}
"""Submodule of each public name; imported on first access so that a caller needing only
the streaming writer does not pay for rdflib's parsers or the SHACL engine."""


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule on first access."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'interop.rdf' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"interop.rdf.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
