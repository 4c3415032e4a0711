"""Locate and load the project's ontology files (shapes, context, interop vocabulary).

An installed wheel carries them in ``interop/_ontologies/`` (hatch force-includes the repo's
``ontologies/``); a source checkout has them at the repository root. Parsed results are
cached on first use, so importing :mod:`interop.rdf` reads no file.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from rdflib import Graph

__all__ = [
    "CONTEXT_IRI",
    "interop_ontology",
    "jsonld_context",
    "ontology_file",
    "shapes_graph",
]

CONTEXT_IRI = "https://w3id.org/interop/context.jsonld"
"""The IRI documents may use to reference ``context.jsonld``; resolved locally, never fetched."""

_SOURCE_TREE = Path(__file__).resolve().parents[2] / "ontologies"


@cache
def _ontology_dir() -> Traversable:
    packaged = files("interop").joinpath("_ontologies")
    if packaged.is_dir():
        return packaged
    if _SOURCE_TREE.is_dir():
        return _SOURCE_TREE
    raise FileNotFoundError(
        f"interop's ontology files are missing: neither {packaged} (installed wheel) nor "
        f"{_SOURCE_TREE} (source checkout) exists"
    )


def ontology_file(name: str) -> Traversable:
    """The shipped ontology file ``name`` (``shapes.ttl``, ``interop.ttl``, ...)."""
    return _ontology_dir().joinpath(name)


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes every export must satisfy (``shapes.ttl``), parsed once."""
    return Graph().parse(data=ontology_file("shapes.ttl").read_text("utf-8"), format="turtle")


@cache
def interop_ontology() -> Graph:
    """The ``interop:`` alignment vocabulary (``interop.ttl``), parsed once."""
    return Graph().parse(data=ontology_file("interop.ttl").read_text("utf-8"), format="turtle")


@cache
def _context_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(ontology_file("context.jsonld").read_text("utf-8"))
    return document


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD 1.1 context (the value of ``@context``), as a fresh dict to modify freely."""
    return copy.deepcopy(_context_document()["@context"])
