"""The mapping table is complete and speaks only terms that exist."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from interop.model import RECORD_TYPES
from interop.model.properties import DEFAULT_PROPERTIES
from interop.model.units import DEFAULT_UNITS
from interop.rdf import to_graph
from interop.rdf.mapping import RECORD_MAPS, emitted_iris, record_map, unmapped_fields
from interop.rdf.namespaces import INTEROP, PROV
from interop.rdf.resources import interop_ontology, jsonld_context, ontology_file
from interop.testing.strategies import records

SAREF_PREFIX = "https://saref.etsi.org/"
NON_SAREF_CLASSES = {
    # SAREF core v3.1.1 has no class for a command's outcome or its status code list;
    # subclassing saref:Command or saref:State would make them answer queries for those.
    str(INTEROP.CommandResult): str(PROV.Entity),
    str(INTEROP.CommandStatus): str(SKOS.Concept),
}


def test_every_model_field_is_mapped():
    assert unmapped_fields() == {}


def test_every_record_type_has_a_map_with_a_unique_anchor():
    assert {entry.cls for entry in RECORD_MAPS} == set(RECORD_TYPES)
    for cls in RECORD_TYPES:
        assert record_map(cls).cls is cls
    anchors = [entry.anchor for entry in RECORD_MAPS]
    assert len(anchors) == len(set(anchors))


def _graph_iris(graph: Graph) -> set[str]:
    found = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                found.add(str(term))
            elif isinstance(term, Literal) and term.datatype is not None:
                found.add(str(term.datatype))
    return found


def test_every_saref_iri_the_table_can_emit_exists(saref_terms):
    emitted = {iri for iri in emitted_iris() if iri.startswith(SAREF_PREFIX)}
    emitted |= {u.saref_class for u in DEFAULT_UNITS if u.saref_class}
    emitted |= {p.iri for p in DEFAULT_PROPERTIES if p.iri.startswith(SAREF_PREFIX)}
    assert emitted - saref_terms == set()


@settings(max_examples=50, deadline=None)
@given(st.lists(records(), max_size=5, unique_by=lambda r: r.id))
def test_every_saref_iri_in_generated_graphs_exists(saref_terms, rs):
    emitted = {iri for iri in _graph_iris(to_graph(rs)) if iri.startswith(SAREF_PREFIX)}
    assert emitted - saref_terms == set()


def _interop_iris() -> set[str]:
    used = {iri for iri in emitted_iris() if iri.startswith(str(INTEROP))}
    used |= {p.iri for p in DEFAULT_PROPERTIES if p.iri.startswith(str(INTEROP))}
    used |= {u.iri for u in DEFAULT_UNITS if u.iri.startswith(str(INTEROP))}
    return used


def test_every_interop_term_is_declared_with_label_and_comment():
    ontology = interop_ontology()
    for iri in sorted(_interop_iris()):
        term = URIRef(iri)
        declared = set(ontology.objects(term, RDF.type))
        assert declared & {
            OWL.Class,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            OWL.NamedIndividual,
        }, f"{iri} is not declared in interop.ttl"
        assert ontology.value(term, RDFS.label) is not None, f"{iri} has no rdfs:label"
        assert ontology.value(term, RDFS.comment) is not None, f"{iri} has no rdfs:comment"


def test_every_interop_class_chains_to_a_saref_class():
    ontology = interop_ontology()
    classes = {str(c) for c in ontology.subjects(RDF.type, OWL.Class)}
    assert _interop_iris() & classes, "expected interop classes to check"
    for cls in sorted(classes):
        chain, current = [cls], URIRef(cls)
        while str(current).startswith(str(INTEROP)):
            parents = list(ontology.objects(current, RDFS.subClassOf))
            assert len(parents) == 1, f"{current} needs exactly one named superclass"
            current = parents[0]
            chain.append(str(current))
        if cls in NON_SAREF_CLASSES:
            assert chain[-1] == NON_SAREF_CLASSES[cls], chain
        else:
            assert chain[-1].startswith(SAREF_PREFIX), f"{' -> '.join(chain)} leaves SAREF"


def test_interop_ontology_header():
    ontology = interop_ontology()
    header = URIRef("https://w3id.org/interop/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert str(ontology.value(header, URIRef("http://purl.org/dc/terms/license"))).endswith(
        "LICENSE-2.0"
    )


def test_context_file_names_every_emitted_term():
    context = jsonld_context()
    assert context["@version"] == 1.1
    assert json.loads(ontology_file("context.jsonld").read_text("utf-8"))["@context"] == context
    terms = {
        (d if isinstance(d, str) else d["@id"]).split(":")[-1]
        for k, d in context.items()
        if not k.startswith("@")
    }
    for iri in emitted_iris():
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if not iri.endswith(("Literal", "#JSON", "#type")):
            assert local in terms or local in context, f"no context term for {iri}"
