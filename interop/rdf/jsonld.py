"""JSON-LD 1.1 for records, using the project's context (``ontologies/context.jsonld``).

The writer is our own rather than rdflib's: rdflib writes ``xsd:integer`` and
``xsd:double`` as native JSON numbers (integers beyond 64 bits then fail to serialise) and
we want every literal's exact lexical form kept. Values are therefore explicit
``{"@value", "@type"}`` objects; nodes of nested values (provenance, points, functions,
geometries) are embedded in the record that owns them. Reading uses rdflib's JSON-LD parser
with the context given inline, so nothing is fetched from the network.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib import RDF, BNode, Graph, Literal
from rdflib.term import Node

from interop.errors import EncodeError, ValidationError
from interop.model.records import Record
from interop.rdf.graph import from_graph, to_graph
from interop.rdf.resources import CONTEXT_IRI, jsonld_context

__all__ = ["from_jsonld", "to_jsonld"]


class _Compactor:
    """Shortens IRIs with the context: a defined term where one exists, else ``prefix:local``."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.prefixes: dict[str, str] = {}
        self.terms: dict[str, str] = {}
        self.coerced: dict[str, str] = {}
        """Term -> the expanded ``@type`` its values get (``@id`` for IRIs)."""
        for name, definition in context.items():
            if name.startswith("@"):
                continue
            if isinstance(definition, str) and definition.endswith(("/", "#")):
                self.prefixes[name] = definition
        for name, definition in context.items():
            if name.startswith("@") or name in self.prefixes:
                continue
            target = definition if isinstance(definition, str) else definition.get("@id", "")
            self.terms[self._expand(target)] = name
            if isinstance(definition, dict) and "@type" in definition:
                self.coerced[name] = self._expand(definition["@type"])

    def _expand(self, value: str) -> str:
        prefix, _, local = value.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else value

    def vocab(self, iri: str) -> str:
        """A key or ``@type`` value: a term, a compact IRI or the IRI itself."""
        return self.terms.get(iri) or self.node_id(iri)

    def node_id(self, iri: str) -> str:
        """An ``@id`` value; refuses IRIs a JSON-LD reader would take for a compact IRI."""
        for prefix, namespace in self.prefixes.items():
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        scheme, _, rest = iri.partition(":")
        if scheme in self.prefixes and not rest.startswith("//"):
            raise EncodeError(
                f"the IRI's scheme {scheme!r} is also a prefix of the JSON-LD context, so a "
                "reader would expand it into another IRI",
                source=iri,
                expected="an IRI whose scheme is not a context prefix",
            )
        return iri


def to_jsonld(records: Iterable[Record]) -> str:
    """A JSON-LD document (context inline) holding ``records``; see :func:`from_jsonld`."""
    graph = to_graph(records)
    context = jsonld_context()
    compactor = _Compactor(context)
    properties: dict[Node, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    referenced: Counter[Node] = Counter()
    for s, p, o in sorted(graph):
        node = properties[s]
        if p == RDF.type:
            node["@type"].append(compactor.vocab(str(o)))
        else:
            node[compactor.vocab(str(p))].append(o)
        if isinstance(o, BNode):
            referenced[o] += 1
    embedded = {node for node, count in referenced.items() if count == 1 and node in properties}

    def render(subject: Node, path: frozenset[Node]) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": _node_id(subject, compactor)}
        for key, values in properties[subject].items():
            if key == "@type":
                node[key] = values
                continue
            rendered = [value(obj, key, path | {subject}) for obj in values]
            node[key] = rendered[0] if len(rendered) == 1 else rendered
        return node

    def value(obj: Node, key: str, path: frozenset[Node]) -> Any:
        coerced = compactor.coerced.get(key)
        if isinstance(obj, Literal):
            plain = obj.datatype is None and obj.language is None and coerced is None
            if plain or (obj.datatype is not None and str(obj.datatype) == coerced):
                return str(obj)
            literal: dict[str, Any] = {"@value": str(obj)}
            if obj.datatype is not None:
                literal["@type"] = compactor.vocab(str(obj.datatype))
            if obj.language:
                literal["@language"] = obj.language
            return literal
        if obj in embedded and obj not in path:
            return render(obj, path)
        node_id = _node_id(obj, compactor)
        return node_id if coerced == "@id" else {"@id": node_id}

    top = [render(subject, frozenset()) for subject in properties if subject not in embedded]
    top.sort(key=lambda node: str(node["@id"]))
    document = {"@context": context, "@graph": top}
    return json.dumps(document, ensure_ascii=False, indent=2)


def _node_id(node: Node, compactor: _Compactor) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return compactor.node_id(str(node))


def from_jsonld(text: str) -> list[Record]:
    """Read records from JSON-LD written by :func:`to_jsonld` (or any equivalent document).

    A ``@context`` given as ``https://w3id.org/interop/context.jsonld`` is replaced by the
    shipped file, never fetched. Raises :class:`interop.errors.ValidationError` when the text
    is not JSON-LD or its records are malformed.
    """
    return from_graph(jsonld_graph(text))


def jsonld_graph(text: str) -> Graph:
    """Parse JSON-LD text into a graph offline (the project's context resolved locally)."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ValidationError(f"not JSON: {error}", expected="a JSON-LD document") from None
    if isinstance(document, dict):
        context = document.get("@context")
        if context == CONTEXT_IRI:
            document["@context"] = jsonld_context()
        elif isinstance(context, list):
            document["@context"] = [jsonld_context() if c == CONTEXT_IRI else c for c in context]
    try:
        with warnings.catch_warnings():  # rdflib's own parser uses its deprecated ConjunctiveGraph
            warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
            return Graph().parse(data=json.dumps(document), format="json-ld")
    except Exception as error:  # rdflib raises many unrelated types for malformed JSON-LD
        raise ValidationError(
            f"unreadable JSON-LD: {error}", expected="a JSON-LD 1.1 document"
        ) from None
