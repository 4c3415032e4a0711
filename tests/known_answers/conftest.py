"""Reference documents the known-answer tests read: the OM-2 ontology and its UCUM mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib


@pytest.fixture(scope="session")
def om_dir(shared_dir: Path) -> Path:
    """``../shared/ontologies/om``: OM-2 1/2, its UCUM mapping and the common-units table."""
    folder = shared_dir / "ontologies" / "om"
    if not (folder / "om-2.0.rdf").is_file():
        pytest.skip(f"the OM-2 ontology is not present in {folder}")
    return folder


@pytest.fixture(scope="session")
def om_graph(om_dir: Path) -> rdflib.Graph:
    """The OM-2 ontology with its UCUM notations, parsed once per session."""
    graph = rdflib.Graph()
    graph.parse(om_dir / "om-2.0.rdf", format="xml")
    graph.parse(om_dir / "om-2-ucum.ttl", format="turtle")
    return graph
