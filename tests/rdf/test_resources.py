"""Ontology files are found in the source tree; nothing heavy happens at import time."""

from __future__ import annotations

import subprocess
import sys

from interop.rdf.resources import ontology_file, shapes_graph


def test_shipped_files_are_found():
    for name in ("interop.ttl", "shapes.ttl", "context.jsonld"):
        assert ontology_file(name).is_file(), name
    assert len(shapes_graph()) > 0
    assert shapes_graph() is shapes_graph()


def test_importing_interop_rdf_parses_no_ontology_file():
    code = (
        "import interop.rdf, interop.rdf.resources as r;"
        "assert r.shapes_graph.cache_info().currsize == 0;"
        "assert r.interop_ontology.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
