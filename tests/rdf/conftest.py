"""Fixtures for the RDF layer's tests: the official SAREF files from ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

TERM_MAP_FILES = ("saref4envi.json", "saref4bldg.json", "saref4syst.json")
"""Extensions with no Turtle copy: their term maps count as the official reference."""


@pytest.fixture(scope="session")
def saref_terms(shared_dir: Path) -> frozenset[str]:
    """Every IRI defined by the official SAREF files (Turtle subjects, term-map values)."""
    saref_dir = shared_dir / "ontologies" / "saref"
    term_maps = shared_dir / "ontologies" / "smart-data-models" / "_common" / "saref-term-maps"
    ttl = sorted(saref_dir.glob("*.ttl")) if saref_dir.is_dir() else []
    maps = [term_maps / name for name in TERM_MAP_FILES]
    if not ttl or not all(path.is_file() for path in maps):
        pytest.skip(
            f"shared ontologies not present: need SAREF Turtle in {saref_dir} and term maps "
            f"{', '.join(TERM_MAP_FILES)} in {term_maps} (they live outside the repository)"
        )
    terms: set[str] = set()
    for path in ttl:
        graph = Graph().parse(path, format="turtle")
        terms |= {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    for path in maps:
        for version in json.loads(path.read_text("utf-8")).values():
            terms |= {iri for iri in version.values() if iri.startswith("https://")}
    return frozenset(terms)
