"""Decide cheap logical constraints in Python; pyshacl reports only the nodes that fail them.

pyshacl checks a node-level ``sh:or``/``sh:xone`` by validating every member shape against
every focus node, which dominates the cost of a timetable's calls (one ``sh:xone`` of
"has a stop / a location group / a location" per call). When every member only counts the
values of one predicate (``sh:minCount``/``sh:maxCount``), whether a node passes is a
matter of counting, done here exactly. :func:`screened_shapes` moves each such constraint
to a shape of its own whose targets are the nodes that fail; pyshacl then writes exactly
the results it would have written, for those nodes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

__all__ = ["Screen", "screened_shapes"]

_SH = Namespace("http://www.w3.org/ns/shacl#")
_LOGIC = (_SH["or"], _SH.xone)
_COUNTS = frozenset({_SH.minCount, _SH.maxCount})
_COPIED = (_SH.message, _SH.severity, _SH.deactivated)
"""What the moved constraint keeps of its shape (what its results are made of)."""

Member = tuple[tuple[URIRef, int, int | None], ...]
"""A member shape as its counted predicates: (path, minCount, maxCount or None)."""


@dataclass(frozen=True, slots=True)
class Screen:
    """A moved ``sh:or``/``sh:xone``: its new shape, its kind, the classes it applies to."""

    shape: Node
    exactly_one: bool
    classes: tuple[Node, ...]
    members: tuple[Member, ...]

    def fails(self, data: Graph, node: Node) -> bool:
        """True when ``node`` does not satisfy the constraint (so pyshacl must report it)."""
        passing = sum(_conforms(data, node, member) for member in self.members)
        return passing != 1 if self.exactly_one else passing == 0

    def targets(self, data: Graph, nodes: Iterable[Node]) -> list[Node]:
        """The nodes among ``nodes`` this constraint applies to and that fail it."""
        classes = set(self.classes)
        return [
            node
            for node in nodes
            if any(cls in classes for cls in data.objects(node, RDF.type))
            and self.fails(data, node)
        ]


def _conforms(data: Graph, node: Node, member: Member) -> bool:
    for path, low, high in member:
        count = len(set(data.objects(node, path)))
        if count < low or (high is not None and count > high):
            return False
    return True


def _count_property(shapes: Graph, prop: Node) -> tuple[URIRef, int, int | None] | None:
    """(path, min, max) for a property shape that only counts values of one predicate."""
    path = shapes.value(prop, _SH.path)
    predicates = {p for p, _ in shapes.predicate_objects(prop)} - {RDF.type, _SH.path}
    if not isinstance(path, URIRef) or not predicates <= _COUNTS:
        return None
    low = _integer(shapes.value(prop, _SH.minCount))
    high = _integer(shapes.value(prop, _SH.maxCount))
    if low is None and shapes.value(prop, _SH.minCount) is not None:
        return None
    if high is None and shapes.value(prop, _SH.maxCount) is not None:
        return None
    return path, low or 0, high


def _integer(value: Node | None) -> int | None:
    """A count literal as an int (``None`` when absent or not an integer)."""
    if not isinstance(value, Literal):
        return None
    number = value.toPython()
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def _member(shapes: Graph, shape: Node) -> Member | None:
    """A member shape as counted predicates, or ``None`` when it checks anything else."""
    if shapes.value(shape, _SH.path) is not None:
        counted = _count_property(shapes, shape)
        return None if counted is None else (counted,)
    predicates = {p for p, _ in shapes.predicate_objects(shape)} - {RDF.type}
    if predicates != {_SH.property}:
        return None
    found = [_count_property(shapes, prop) for prop in shapes.objects(shape, _SH.property)]
    if any(item is None for item in found):
        return None
    return tuple(item for item in found if item is not None)


def screened_shapes(shapes: Graph, top_level: Iterable[Node]) -> tuple[Graph, list[Screen]]:
    """``shapes`` with each countable ``sh:or``/``sh:xone`` of a top-level shape moved out.

    Only shapes targeted by class alone qualify; the moved constraint's shape has no target
    until the caller adds the failing nodes as ``sh:targetNode``.
    """
    screens: list[Screen] = []
    for owner in top_level:
        targets = {p for p, _ in shapes.predicate_objects(owner)} & {
            _SH.targetNode,
            _SH.targetSubjectsOf,
            _SH.targetObjectsOf,
        }
        classes = tuple(shapes.objects(owner, _SH.targetClass))
        if targets or not classes:
            continue
        for logic in _LOGIC:
            for head in list(shapes.objects(owner, logic)):
                members = [_member(shapes, item) for item in shapes.items(head)]
                if not members or any(m is None for m in members):
                    continue
                moved = BNode()
                shapes.remove((owner, logic, head))
                shapes.add((moved, RDF.type, _SH.NodeShape))
                shapes.add((moved, logic, head))
                for predicate in _COPIED:
                    for value in shapes.objects(owner, predicate):
                        shapes.add((moved, predicate, value))
                chosen = tuple(m for m in members if m is not None)
                screens.append(Screen(moved, logic == _SH.xone, classes, chosen))
    return shapes, screens
