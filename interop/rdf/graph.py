"""Records to an rdflib :class:`~rdflib.Graph` and back, driven by the mapping table.

``from_graph(to_graph(records))`` gives the records back exactly, in a documented order:
sorted by ``(kind, id)``. Import reads only the triples the mapping writes; other triples
about the same subjects are ignored, so a graph may carry more than the records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pydantic
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from interop.errors import ValidationError
from interop.model.records import Record, RecordAdapter
from interop.rdf.export import record_triples
from interop.rdf.literals import decode, load_json
from interop.rdf.mapping import (
    RDF_TYPE,
    RECORD_MAPS,
    EncodedNode,
    EnumNodes,
    EnumRef,
    FieldMap,
    JsonLiteral,
    Kind,
    Nested,
    RecordMap,
    Ref,
    Subject,
    TypedValue,
    TypeOf,
    Value,
)
from interop.rdf.namespaces import PREFIXES

__all__ = ["from_graph", "to_graph"]


class _RdflibTerms:
    """:class:`interop.rdf.export.TermFactory` producing rdflib terms."""

    def iri(self, value: str) -> Node:
        return URIRef(value)

    def bnode(self, label: str) -> Node:
        return BNode(label)

    def literal(self, lexical: str, datatype: str | None) -> Node:
        return Literal(lexical, datatype=URIRef(datatype) if datatype else None)


def to_graph(records: Iterable[Record], graph: Graph | None = None) -> Graph:
    """Add the triples of ``records`` to ``graph`` (a new one by default) and return it."""
    if graph is None:
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
    terms, typed = _RdflibTerms(), set[str]()
    add = graph.add
    for record in records:
        for triple in record_triples(record, terms, typed):
            add(triple)
    return graph


class _Index:
    """Objects by subject and predicate (and subjects for inverse predicates), in one pass."""

    def __init__(self, graph: Graph, inverse: set[URIRef]) -> None:
        self.out: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        for s, p, o in graph:
            self.out[s][p].append(o)
            if p in inverse:
                self.into[(o, p)].append(s)

    def objects(self, subject: Node, predicate: str) -> list[Node]:
        node = self.out.get(subject)
        return node.get(URIRef(predicate), []) if node else []


_RDF_TYPE = URIRef(RDF_TYPE)
_INVERSE = {
    URIRef(field_map.predicate)
    for entry in RECORD_MAPS
    for field_map in entry.fields.values()
    if isinstance(field_map, Ref) and field_map.inverse
}


def from_graph(graph: Graph) -> list[Record]:
    """Read back every record in ``graph``, sorted by ``(kind, id)``.

    A record is any IRI typed with a record map's anchor class (``saref:Measurement``, ...).
    Raises :class:`interop.errors.ValidationError` naming the subject and field when a
    record's triples do not make a valid record (a missing or repeated value, say).
    """
    index = _Index(graph, _INVERSE)
    found: list[Record] = []
    for entry in RECORD_MAPS:
        for subject in graph.subjects(_RDF_TYPE, URIRef(entry.anchor), unique=True):
            found.append(_read_record(entry, subject, index))
    found.sort(key=lambda record: (record.kind, record.id))
    return found


def _read_record(entry: RecordMap, subject: Node, index: _Index) -> Record:
    if not isinstance(subject, URIRef):
        raise ValidationError(
            "a record must be named by an IRI, not a blank node",
            source=str(subject),
            expected=f"an IRI typed {entry.anchor}",
        )
    data: dict[str, Any] = {}
    for name, field_map in entry.fields.items():
        try:
            value = _read_field(field_map, subject, index)
        except ValidationError as error:
            raise ValidationError(
                error.message, source=str(subject), field=name, expected=error.expected
            ) from None
        if value is not None:
            data[name] = value
    data["kind"] = entry.kind
    try:
        return RecordAdapter.validate_python(data)
    except pydantic.ValidationError as error:
        raise ValidationError(
            f"its triples do not make a valid {entry.cls.__name__}: {error}",
            source=str(subject),
        ) from None


def _one(nodes: list[Node], what: str) -> Node | None:
    if len(nodes) > 1:
        raise ValidationError(f"{len(nodes)} values where at most one is allowed", expected=what)
    return nodes[0] if nodes else None


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise ValidationError(f"{node.n3()} is not an IRI", expected="an IRI")
    return str(node)


def _literal(node: Node) -> Any:
    if not isinstance(node, Literal):
        raise ValidationError(f"{node.n3()} is not a literal", expected="a literal")
    return decode(str(node), str(node.datatype) if node.datatype else None)


def _member(classes: dict[frozenset[str], Any], types: set[str], what: str) -> Any:
    known = set().union(*classes)
    member = classes.get(frozenset(types & known))
    if member is None:
        raise ValidationError(
            f"types {sorted(types & known)} name no single {what}",
            expected=f"one of {sorted(' + '.join(sorted(c)) for c in classes)}",
        )
    return member


def _types(node: Node, index: _Index) -> set[str]:
    return {str(t) for t in index.objects(node, RDF_TYPE)}


def _read_field(field_map: FieldMap, subject: Node, index: _Index) -> Any:
    if isinstance(field_map, Subject):
        return str(subject)
    if isinstance(field_map, Kind):
        return None
    if isinstance(field_map, Value):
        node = _one(index.objects(subject, field_map.predicate), "one literal")
        return None if node is None else _literal(node)
    if isinstance(field_map, TypedValue):
        node = _one(index.objects(subject, field_map.predicate), "one literal")
        if node is None:
            return None
        if not isinstance(node, Literal) or str(node.datatype) != field_map.datatype:
            raise ValidationError(
                f"{node.n3()} is not a literal of the expected datatype",
                expected=field_map.datatype,
            )
        return field_map.decode(str(node))
    if isinstance(field_map, Ref):
        if field_map.inverse:
            nodes = index.into.get((subject, URIRef(field_map.predicate)), [])
        else:
            nodes = index.objects(subject, field_map.predicate)
        if field_map.many:
            return frozenset(_iri(node) for node in nodes)
        node = _one(nodes, "one IRI")
        return None if node is None else _iri(node)
    if isinstance(field_map, TypeOf):
        classes = {frozenset(c): member for member, c in field_map.classes.items()}
        return _member(classes, _types(subject, index), "kind")
    if isinstance(field_map, EnumRef):
        by_iri = {iri: member for member, iri in field_map.iris.items()}
        members = []
        for node in index.objects(subject, field_map.predicate):
            if str(node) not in by_iri:
                raise ValidationError(f"unknown value {node.n3()}", expected=str(sorted(by_iri)))
            members.append(by_iri[str(node)])
        if field_map.many:
            return frozenset(members)
        return _one(members, "one value")
    if isinstance(field_map, EnumNodes):
        classes = {frozenset((c,)): member for member, c in field_map.classes.items()}
        nodes = index.objects(subject, field_map.predicate)
        return frozenset(_member(classes, _types(node, index), "function") for node in nodes)
    if isinstance(field_map, Nested):
        node = _one(index.objects(subject, field_map.predicate), "one node")
        if node is None:
            return None
        values = {name: _read_field(value, node, index) for name, value in field_map.fields.items()}
        for name, lifted in field_map.lifted.items():
            values[name] = _read_field(lifted, subject, index)
        return {name: value for name, value in values.items() if value is not None}
    if isinstance(field_map, EncodedNode):
        node = _one(index.objects(subject, field_map.predicate), "one node")
        if node is None:
            return None
        literal = next(lit for lit in field_map.literals if lit.decode is not None)
        text = _one(index.objects(node, literal.predicate), "one literal")
        if text is None:
            raise ValidationError("the node has no literal to read", expected=literal.predicate)
        assert literal.decode is not None
        return literal.decode(str(text))
    if isinstance(field_map, JsonLiteral):
        node = _one(index.objects(subject, field_map.predicate), "one JSON literal")
        return None if node is None else load_json(str(node))
    raise TypeError(f"unknown mapping entry {field_map!r}")  # pragma: no cover
