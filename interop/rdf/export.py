"""Turn records into triples by walking :data:`interop.rdf.mapping.RECORD_MAPS`.

The walk is generic over a :class:`TermFactory`, so the same code yields rdflib terms for
:func:`interop.rdf.to_graph` and ready-made N-Triples strings for
:func:`interop.rdf.write_ntriples`: one mapping, two outputs, identical triples. Nodes for
nested values (provenance, points, functions, geometries) are blank nodes whose labels are
derived from the record IRI, so every export of a record writes the same labels.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from enum import Enum
from typing import Any, Protocol, TypeVar

from interop.model.base import CanonicalModel
from interop.rdf.literals import RDF_JSON, dump_json, encode
from interop.rdf.mapping import (
    EXTRA_CLASSES,
    RDF_TYPE,
    EncodedNode,
    EnumNodes,
    EnumRef,
    FieldMap,
    JsonLiteral,
    Nested,
    Ref,
    TypedValue,
    TypeOf,
    Value,
    node_role,
    record_map,
)

__all__ = ["TermFactory", "node_prefix", "record_triples"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class TermFactory(Protocol[T_co]):
    """Builds the terms of one output format (rdflib objects, N-Triples text, ...)."""

    def iri(self, value: str) -> T_co:
        """An IRI term."""

    def bnode(self, label: str) -> T_co:
        """A blank node with this (deterministic) label."""

    def literal(self, lexical: str, datatype: str | None) -> T_co:
        """A literal; ``datatype`` None is a plain string."""


def node_prefix(record_iri: str) -> str:
    """Blank-node label prefix for one record: a short digest of its IRI."""
    return "n" + hashlib.blake2b(record_iri.encode(), digest_size=10).hexdigest()


def _sorted(values: Any) -> list[Any]:
    return sorted(values)


def record_triples(
    record: CanonicalModel, terms: TermFactory[T], typed: set[str]
) -> Iterator[tuple[T, T, T]]:
    """Yield the triples of one record.

    ``typed`` holds unit and property IRIs whose ``rdf:type`` triples were already yielded
    in this export; it is updated, so shared typing triples appear once per export.
    """
    entry = record_map(type(record))
    record_iri: str = record.id  # type: ignore[attr-defined]
    subject = terms.iri(record_iri)
    rdf_type = terms.iri(RDF_TYPE)
    yield subject, rdf_type, terms.iri(entry.anchor)
    for cls in EXTRA_CLASSES.get(entry.cls, ()):
        yield subject, rdf_type, terms.iri(cls)
    prefix = node_prefix(record_iri)
    for name, field_map in entry.fields.items():
        value = getattr(record, name)
        if value is None:
            continue
        yield from _field_triples(name, field_map, value, subject, prefix, terms, typed)


def _field_triples(
    name: str,
    field_map: FieldMap,
    value: Any,
    subject: T,
    prefix: str,
    terms: TermFactory[T],
    typed: set[str],
) -> Iterator[tuple[T, T, T]]:
    rdf_type = terms.iri(RDF_TYPE)
    if isinstance(field_map, Value):
        lexical, datatype = encode(value)
        yield subject, terms.iri(field_map.predicate), terms.literal(lexical, datatype)
    elif isinstance(field_map, TypedValue):
        typed_literal = terms.literal(field_map.encode(value), field_map.datatype)
        yield subject, terms.iri(field_map.predicate), typed_literal
    elif isinstance(field_map, Ref):
        predicate = terms.iri(field_map.predicate)
        for target in _sorted(value) if field_map.many else (value,):
            obj = terms.iri(target)
            yield (obj, predicate, subject) if field_map.inverse else (subject, predicate, obj)
            if field_map.typing is not None and target not in typed:
                typed.add(target)
                for cls in field_map.typing(target):
                    yield obj, rdf_type, terms.iri(cls)
    elif isinstance(field_map, TypeOf):
        for cls in field_map.classes[value]:
            yield subject, rdf_type, terms.iri(cls)
    elif isinstance(field_map, EnumRef):
        predicate = terms.iri(field_map.predicate)
        for member in _sorted(value) if field_map.many else (value,):
            yield subject, predicate, terms.iri(field_map.iris[member])
    elif isinstance(field_map, EnumNodes):
        predicate = terms.iri(field_map.predicate)
        for member in _sorted(value):
            node = terms.bnode(prefix + node_role(name, _enum_text(member)))
            yield subject, predicate, node
            yield node, rdf_type, terms.iri(field_map.classes[member])
    elif isinstance(field_map, Nested):
        node = terms.bnode(prefix + node_role(name))
        yield subject, terms.iri(field_map.predicate), node
        yield node, rdf_type, terms.iri(field_map.node_class)
        for sub_name, sub_map in field_map.fields.items():
            sub_value = getattr(value, sub_name)
            if sub_value is not None:
                lexical, datatype = encode(sub_value)
                yield node, terms.iri(sub_map.predicate), terms.literal(lexical, datatype)
        for sub_name, lifted in field_map.lifted.items():
            lifted_value = getattr(value, sub_name)
            if lifted_value is not None:
                yield from _field_triples(
                    sub_name, lifted, lifted_value, subject, prefix, terms, typed
                )
    elif isinstance(field_map, EncodedNode):
        node = terms.bnode(prefix + node_role(name))
        yield subject, terms.iri(field_map.predicate), node
        yield node, rdf_type, terms.iri(field_map.node_class)
        for literal in field_map.literals:
            lexical_form = literal.encode(value)
            if lexical_form is not None:
                yield (
                    node,
                    terms.iri(literal.predicate),
                    terms.literal(lexical_form, literal.datatype),
                )
    elif isinstance(field_map, JsonLiteral) and value:  # empty extensions write nothing
        yield subject, terms.iri(field_map.predicate), terms.literal(dump_json(value), RDF_JSON)


def _enum_text(member: Any) -> str:
    return str(member.value) if isinstance(member, Enum) else str(member)
