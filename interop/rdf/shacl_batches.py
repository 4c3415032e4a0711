"""Make SHACL validation of large graphs cheaper without changing a single result.

Two rewrites, each exact for the shapes this project ships (and refused when a shapes graph
needs more than they assume):

* :func:`hoisted_shapes` gives every property shape of a targeted node shape that no other
  shape refers to the node shape's targets itself. pyshacl then checks a property shape
  once over all focus nodes instead of once per focus node (its cost is per call); the
  results are the same because a property shape's results never depend on its parent.
* :func:`batches` cuts the focus nodes into groups and gives each group the part of the
  graph its shapes can read: the focus nodes' own triples, the triples pointing at them
  (inverse paths), every node they reach through blank nodes, the triples of the IRIs they
  point to (``sh:class`` and ``sh:node`` look there), and every ``rdfs:subClassOf`` triple.
  Memory then stays bounded by the batch size; only results about a batch's own focus
  nodes are kept, so each focus node is judged exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rdflib import RDF, RDFS, BNode, Graph, Namespace, URIRef
from rdflib.term import Node

__all__ = [
    "NESTING_DEPTH",
    "batchable",
    "batches",
    "focus_nodes",
    "hoisted_shapes",
    "top_level_shapes",
]

_SH = Namespace("http://www.w3.org/ns/shacl#")
NESTING_DEPTH = 2
"""How many IRI hops from a focus node the shapes may read (``sh:node`` on a value node)."""
_REFERENCING = (
    _SH.node,
    _SH.qualifiedValueShape,
    _SH.property,
    _SH["not"],
)
_LISTS = (_SH["or"], _SH["and"], _SH.xone)
_TARGETS = (_SH.targetClass, _SH.targetNode, _SH.targetSubjectsOf, _SH.targetObjectsOf)


def _empty_like(graph: Graph) -> Graph:
    """An empty graph with ``graph``'s prefixes (pyshacl's messages name nodes by them)."""
    empty = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        empty.bind(prefix, namespace, override=True, replace=True)
    return empty


def _referenced_shapes(shapes: Graph) -> set[Node]:
    """Node shapes some other shape uses as a value shape (they must keep their properties)."""
    referenced: set[Node] = set()
    for predicate in _REFERENCING:
        referenced.update(shapes.objects(None, predicate))
    for predicate in _LISTS:
        for head in shapes.objects(None, predicate):
            referenced.update(shapes.items(head))
    return referenced


def top_level_shapes(shapes: Graph) -> set[Node]:
    """Targeted node shapes that no other shape refers to."""
    return set(shapes.subjects(_SH.targetClass, None)) - _referenced_shapes(shapes)


def hoisted_shapes(shapes: Graph) -> Graph:
    """A copy of ``shapes`` where property shapes of targeted node shapes carry the targets.

    A property shape that several node shapes share stays where it is.
    """
    hoisted = _empty_like(shapes)
    for triple in shapes:
        hoisted.add(triple)
    for node_shape in top_level_shapes(shapes):
        targets = [
            (predicate, target)
            for predicate in _TARGETS
            for target in shapes.objects(node_shape, predicate)
        ]
        for property_shape in list(shapes.objects(node_shape, _SH.property)):
            if len(set(shapes.subjects(_SH.property, property_shape))) > 1:
                continue
            hoisted.remove((node_shape, _SH.property, property_shape))
            hoisted.add((property_shape, RDF.type, _SH.PropertyShape))
            for predicate, target in targets:
                hoisted.add((property_shape, predicate, target))
    return hoisted


def batchable(shapes: Graph) -> bool:
    """True when every shape reads only what :func:`batches` copies.

    Paths other than one predicate (an inverse, a short sequence) only on a top-level
    shape's property; no SPARQL constraint, no disjoint qualified shapes (they read sibling
    shapes).
    """
    if any(shapes.triples((None, _SH.sparql, None))) or any(
        shapes.triples((None, _SH.qualifiedValueShapesDisjoint, None))
    ):
        return False
    top = top_level_shapes(shapes)
    for owner, path in shapes.subject_objects(_SH.path):
        if isinstance(path, URIRef):
            continue
        if not _copied_path(shapes, path) or not set(shapes.subjects(_SH.property, owner)) <= top:
            return False
    return True


def _copied_path(shapes: Graph, path: Node) -> bool:
    """An inverse predicate, or a sequence of at most :data:`NESTING_DEPTH` predicates."""
    inverse = shapes.value(path, _SH.inversePath)
    if inverse is not None:
        return isinstance(inverse, URIRef) and len(set(shapes.predicate_objects(path))) == 1
    if shapes.value(path, RDF.first) is None:
        return False
    steps = list(shapes.items(path))
    return 0 < len(steps) <= NESTING_DEPTH and all(isinstance(s, URIRef) for s in steps)


def focus_nodes(data: Graph, shapes: Graph) -> list[Node]:
    """Every node some shape targets, grouped by target class (so batches are by record type)."""
    ordered: dict[Node, None] = {}
    for cls in sorted(set(shapes.objects(None, _SH.targetClass)), key=str):
        for node in data.subjects(RDF.type, cls):
            ordered.setdefault(node, None)
    for node in shapes.objects(None, _SH.targetNode):
        ordered.setdefault(node, None)
    for predicate in shapes.objects(None, _SH.targetSubjectsOf):
        for node in data.subjects(predicate, None):
            ordered.setdefault(node, None)
    for predicate in shapes.objects(None, _SH.targetObjectsOf):
        for node in data.objects(None, predicate):
            ordered.setdefault(node, None)
    return list(ordered)


def batches(data: Graph, nodes: Sequence[Node], size: int) -> Iterator[tuple[Graph, set[Node]]]:
    """Sub-graphs of ``data`` for groups of at most ``size`` focus nodes, with those nodes.

    When one group holds every focus node, the group's graph is ``data`` itself.
    """
    if len(nodes) <= size:
        yield data, set(nodes)
        return
    subclass = list(data.triples((None, RDFS.subClassOf, None)))
    for start in range(0, len(nodes), size):
        group = nodes[start : start + size]
        sub = _empty_like(data)
        depth_seen: dict[Node, int] = {}
        for node in group:
            _add_outgoing(data, sub, node, NESTING_DEPTH, depth_seen)
            for subject, predicate in data.subject_predicates(node):
                sub.add((subject, predicate, node))
        for triple in subclass:
            sub.add(triple)
        yield sub, set(group)


def _add_outgoing(
    data: Graph, sub: Graph, node: Node, depth: int, depth_seen: dict[Node, int]
) -> None:
    """Copy ``node``'s triples; follow blank nodes fully and IRIs while ``depth`` lasts."""
    stack = [(node, depth)]
    while stack:
        current, left = stack.pop()
        if depth_seen.get(current, -1) >= left:
            continue
        depth_seen[current] = left
        for predicate, value in data.predicate_objects(current):
            sub.add((current, predicate, value))
            if isinstance(value, BNode):
                stack.append((value, left))
            elif isinstance(value, URIRef) and left > 1:
                stack.append((value, left - 1))
