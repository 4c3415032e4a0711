"""SHACL validation of RDF against the shipped shapes (``ontologies/shapes.ttl``).

A graph that breaks a shape is an answer, not an error: :func:`validate` returns a
:class:`ShaclReport`. Only input that cannot be read at all raises
:class:`interop.errors.ValidationError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Namespace
from rdflib.term import Node

from interop.errors import ValidationError
from interop.rdf.jsonld import jsonld_graph
from interop.rdf.resources import shapes_graph

__all__ = ["ShaclReport", "ShaclResult", "validate"]

_SH = Namespace("http://www.w3.org/ns/shacl#")


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


def validate(data: Graph | str | Path) -> ShaclReport:
    """Validate ``data`` against the project's SHACL shapes.

    ``data`` is a graph, RDF text (Turtle, N-Triples or JSON-LD; not a file name) or a
    :class:`~pathlib.Path` to an RDF file (format from its suffix). Raises
    :class:`interop.errors.ValidationError` only when the input cannot be read.
    """
    graph = data if isinstance(data, Graph) else _read(data)
    import pyshacl  # heavy (SPARQL engine, OWL-RL): loaded on first validation only

    conforms, results_graph, text = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), inference="none"
    )
    found = results_graph.subjects(RDF.type, _SH.ValidationResult)
    results = sorted(
        (_result(results_graph, node) for node in found),
        key=lambda r: (r.focus_node, r.path or "", r.message),
    )
    return ShaclReport(
        conforms=bool(conforms),
        results=tuple(results),
        text=str(text),
        focus_nodes=_count_targets(graph, shapes_graph()),
    )


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
        return _parse(text, fmt, str(data))
    stripped = data.lstrip()
    fmt = "json-ld" if stripped.startswith(("{", "[")) else "turtle"
    return _parse(data, fmt, "RDF text")


def _parse(text: str, fmt: str, source: str) -> Graph:
    if fmt == "json-ld":
        return jsonld_graph(text)
    try:
        return Graph().parse(data=text, format=fmt)
    except Exception as error:  # rdflib's parsers raise many unrelated exception types
        raise ValidationError(
            f"unreadable {fmt}: {error}", source=source, expected="Turtle or N-Triples"
        ) from None
