"""RDF namespaces the exporter speaks: SAREF and its extensions, OM-2, GeoSPARQL, PROV, interop.

Each is an :class:`rdflib.Namespace` (``SAREF.Device`` is a ``URIRef``). The mapping table
builds plain ``str`` IRIs from them with :func:`iri` so the streaming writer never pays for
rdflib term objects.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import RDF, RDFS, XSD, DefinedNamespace

__all__ = [
    "DCTERMS",
    "GEO",
    "INTEROP",
    "OM",
    "PREFIXES",
    "PROV",
    "QUDT",
    "RDF",
    "RDFS",
    "S4CITY",
    "S4ENER",
    "S4ENVI",
    "S4WATR",
    "SAREF",
    "WGS84",
    "XSD",
    "iri",
]

SAREF = Namespace("https://saref.etsi.org/core/")
S4CITY = Namespace("https://saref.etsi.org/saref4city/")
S4ENER = Namespace("https://saref.etsi.org/saref4ener/")
S4ENVI = Namespace("https://saref.etsi.org/saref4envi/")
S4WATR = Namespace("https://saref.etsi.org/saref4watr/")
OM = Namespace("http://www.ontology-of-units-of-measure.org/resource/om-2/")
QUDT = Namespace("http://qudt.org/vocab/unit/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
"""GeoSPARQL (features, geometries, GeoJSON and WKT literals)."""
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
INTEROP = Namespace("https://w3id.org/interop/ontology#")
"""The project's alignment vocabulary, declared in ``ontologies/interop.ttl``."""

PREFIXES: dict[str, str] = {
    "saref": str(SAREF),
    "s4city": str(S4CITY),
    "s4ener": str(S4ENER),
    "s4envi": str(S4ENVI),
    "s4watr": str(S4WATR),
    "om": str(OM),
    "qudt": str(QUDT),
    "geo": str(GEO),
    "wgs84": str(WGS84),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "interop": str(INTEROP),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""Prefix -> namespace, bound on every graph :func:`interop.rdf.to_graph` builds."""


def iri(namespace: Namespace | type[DefinedNamespace], local: str) -> str:
    """Return ``namespace + local`` as a plain ``str`` (not a ``URIRef``)."""
    return f"{namespace}{local}"
