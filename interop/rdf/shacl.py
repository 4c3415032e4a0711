"""SHACL validation of RDF against the shipped shapes (``ontologies/shapes.ttl``).

A graph that breaks a shape is an answer, not an error: :func:`validate` returns a
:class:`ShaclReport`. Only input that cannot be read at all raises
:class:`interop.errors.ValidationError`.

Large graphs are validated by record type in batches with property shapes checked over
all focus nodes at once (:mod:`interop.rdf.shacl_batches`): the same results as one
whole-graph run, in bounded memory and a fraction of the time. N-Triples files are read
with pyoxigraph's parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from interop.errors import ValidationError
from interop.rdf.jsonld import jsonld_graph
from interop.rdf.resources import shapes_graph
from interop.rdf.shacl_batches import (
    batchable,
    batches,
    focus_nodes,
    hoisted_shapes,
    top_level_shapes,
)
from interop.rdf.shacl_screen import Screen, screened_shapes

__all__ = ["DEFAULT_BATCH_SIZE", "ShaclReport", "ShaclResult", "validate"]

_SH = Namespace("http://www.w3.org/ns/shacl#")
DEFAULT_BATCH_SIZE = 50_000
"""Focus nodes per batch: large enough that pyshacl's per-run cost is small, small enough
that a national feed's graph is never validated in one piece."""


@dataclass(frozen=True, slots=True)
class ShaclResult:
    """One violated constraint: on which node, along which path, why and how severe."""

    focus_node: str
    path: str | None
    message: str
    severity: str
    """``Violation``, ``Warning`` or ``Info``."""
    constraint: str
    """The SHACL constraint component that failed (``sh:MinCountConstraintComponent``, ...)."""
    value: str | None = None


@dataclass(frozen=True, slots=True)
class ShaclReport:
    """The outcome of :func:`validate`; ``text`` is pyshacl's human-readable report."""

    conforms: bool
    results: tuple[ShaclResult, ...]
    text: str
    focus_nodes: int = 0
    """How many nodes of the data graph the shapes target (what was checked)."""


def validate(
    data: Graph | str | Path, *, batch_size: int | None = DEFAULT_BATCH_SIZE
) -> ShaclReport:
    """Validate ``data`` against the project's SHACL shapes.

    ``data`` is a graph, RDF text (Turtle, N-Triples or JSON-LD; not a file name) or a
    :class:`~pathlib.Path` to an RDF file (format from its suffix). Raises
    :class:`interop.errors.ValidationError` only when the input cannot be read.
    ``batch_size`` is how many focus nodes are validated together; ``None`` validates the
    whole graph at once with the shapes as written (the reference the batches must equal).
    """
    graph = data if isinstance(data, Graph) else _read(data)
    shapes = shapes_graph()
    if batch_size is None or not batchable(shapes):
        conforms, results, text = _run(graph, shapes)
    else:
        conforms, results, text = _run_batches(graph, batch_size)
    return ShaclReport(
        conforms=conforms,
        results=tuple(sorted(results, key=_order)),
        text=text,
        focus_nodes=_count_targets(graph, shapes),
    )


def _order(result: ShaclResult) -> tuple[str, ...]:
    return (
        result.focus_node,
        result.path or "",
        result.message,
        result.constraint,
        result.value or "",
    )


@cache
def _hoisted() -> tuple[Graph, tuple[Screen, ...]]:
    """The shipped shapes rewritten for batches: hoisted properties, screened logic."""
    shapes = shapes_graph()
    hoisted, screens = screened_shapes(hoisted_shapes(shapes), top_level_shapes(shapes))
    return hoisted, tuple(screens)


def _batch_shapes(data: Graph, group: set[Node]) -> Graph:
    """The rewritten shapes, with the batch's nodes that fail a screened constraint."""
    hoisted, screens = _hoisted()
    shapes = Graph(bind_namespaces="none")
    for prefix, namespace in hoisted.namespaces():
        shapes.bind(prefix, namespace, override=True, replace=True)
    for triple in hoisted:
        shapes.add(triple)
    for screen in screens:
        for node in screen.targets(data, group):
            shapes.add((screen.shape, _SH.targetNode, node))
    return shapes


def _run(
    graph: Graph, shapes: Graph, about: set[str] | None = None
) -> tuple[bool, list[ShaclResult], str]:
    """One pyshacl run: its verdict, its results and its text report.

    With ``about``, only results whose focus node is in it are kept, with the nested
    results (``sh:detail``) that explain them.
    """
    import pyshacl  # heavy (SPARQL engine, OWL-RL): loaded on first validation only

    conforms, results_graph, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    found = list(results_graph.subjects(RDF.type, _SH.ValidationResult))
    if about is not None:
        nested = set(results_graph.objects(None, _SH.detail))
        kept = [
            node
            for node in found
            if node not in nested and str(results_graph.value(node, _SH.focusNode)) in about
        ]
        found = _with_details(results_graph, kept)
    return bool(conforms), [_result(results_graph, node) for node in found], str(text)


def _with_details(results: Graph, nodes: list[Node]) -> list[Node]:
    """``nodes`` and every result nested under them through ``sh:detail``."""
    ordered: dict[Node, None] = {}
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node not in ordered:
            ordered[node] = None
            stack.extend(results.objects(node, _SH.detail))
    return list(ordered)


def _run_batches(graph: Graph, size: int) -> tuple[bool, list[ShaclResult], str]:
    """Validate ``graph`` batch by batch, keeping each batch's results about its own nodes."""
    nodes = focus_nodes(graph, shapes_graph())
    results: list[ShaclResult] = []
    for sub, group in batches(graph, nodes, size):
        shapes = _batch_shapes(sub, group)
        _, found, _ = _run(sub, shapes, {str(node) for node in group})
        results.extend(found)
    conforms = not any(r.severity == "Violation" for r in results)
    lines = [
        "Validation Report",
        f"Conforms: {conforms}",
        f"Results ({len(results)}):",
        *(
            f"{r.severity}: {r.constraint.rsplit('#', 1)[-1]} on {r.focus_node}"
            f"{' ' + r.path if r.path else ''}: {r.message}"
            for r in sorted(results, key=_order)
        ),
    ]
    return conforms, results, "\n".join(lines)


def _count_targets(data: Graph, shapes: Graph) -> int:
    """Distinct data nodes matched by any shape's target declaration."""
    nodes: set[Node] = set()
    for cls in shapes.objects(None, _SH.targetClass):
        nodes.update(data.subjects(RDF.type, cls))
    for node in shapes.objects(None, _SH.targetNode):
        nodes.add(node)
    for predicate in shapes.objects(None, _SH.targetSubjectsOf):
        nodes.update(data.subjects(predicate, None))
    for predicate in shapes.objects(None, _SH.targetObjectsOf):
        nodes.update(data.objects(None, predicate))
    return len(nodes)


def _result(graph: Graph, node: Node) -> ShaclResult:
    def one(predicate: Node) -> str | None:
        value = graph.value(node, predicate)
        return None if value is None else str(value)

    severity = one(_SH.resultSeverity) or str(_SH.Violation)
    return ShaclResult(
        focus_node=one(_SH.focusNode) or "",
        path=one(_SH.resultPath),
        message=one(_SH.resultMessage) or "",
        severity=severity.rsplit("#", 1)[-1],
        constraint=one(_SH.sourceConstraintComponent) or "",
        value=one(_SH.value),
    )


def _read(data: str | Path) -> Graph:
    if isinstance(data, Path):
        try:
            text = data.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ValidationError(
                f"cannot read the file: {error}", source=str(data), expected="an RDF file"
            ) from None
        suffix = data.suffix.lower()
        fmt = {".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}.get(suffix, "turtle")
        if fmt == "nt":
            return _parse_ntriples(text, str(data))
        return _parse(text, fmt, str(data))
    stripped = data.lstrip()
    fmt = "json-ld" if stripped.startswith(("{", "[")) else "turtle"
    return _parse(data, fmt, "RDF text")


def _parse_ntriples(text: str, source: str) -> Graph:
    """N-Triples through pyoxigraph's parser, as the terms rdflib's own parser makes."""
    from pyoxigraph import BlankNode, NamedNode, RdfFormat, parse

    graph = Graph()
    iris: dict[str, URIRef] = {}

    def term(value: object) -> Node:
        if isinstance(value, NamedNode):
            iri = iris.get(value.value)
            if iri is None:
                iri = iris[value.value] = URIRef(value.value)
            return iri
        if isinstance(value, BlankNode):
            return BNode(value.value)
        return _literal(value)

    try:
        for triple in parse(text.encode("utf-8"), format=RdfFormat.N_TRIPLES):
            graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    except SyntaxError as error:
        raise ValidationError(
            f"unreadable nt: {error}", source=source, expected="N-Triples"
        ) from None
    return graph


def _literal(value: object) -> Literal:
    """An rdflib literal for a pyoxigraph one (a plain string has no datatype, as rdflib's)."""
    from pyoxigraph import Literal as OxLiteral

    if not isinstance(value, OxLiteral):
        raise TypeError(f"not an RDF term: {value!r}")
    if value.language:
        return Literal(value.value, lang=value.language)
    if value.datatype.value == str(XSD.string):
        return Literal(value.value)
    return Literal(value.value, datatype=URIRef(value.datatype.value))


def _parse(text: str, fmt: str, source: str) -> Graph:
    if fmt == "json-ld":
        return jsonld_graph(text)
    try:
        return Graph().parse(data=text, format=fmt)
    except Exception as error:  # rdflib's parsers raise many unrelated exception types
        raise ValidationError(
            f"unreadable {fmt}: {error}", source=source, expected="Turtle or N-Triples"
        ) from None
