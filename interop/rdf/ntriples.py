"""A streaming N-Triples writer for bulk exports: no rdflib Graph, plain string building.

Triples come from the same mapping walk as :func:`interop.rdf.to_graph`
(:func:`interop.rdf.export.record_triples`), with terms formatted straight to N-Triples
text, so both produce the same graph (blank-node labels included).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from interop.model.records import Record
from interop.rdf.export import record_triples

__all__ = ["NTriplesTerms", "write_ntriples"]

_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_ESCAPE = re.compile(r'["\\\n\r]')
_LITERAL_CODES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"}


def _uchar(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"


def _literal_char(match: re.Match[str]) -> str:
    return _LITERAL_CODES[match.group()]


class NTriplesTerms:
    r""":class:`interop.rdf.export.TermFactory` producing N-Triples term strings.

    IRIs and predicates seen before come from a small cache; characters N-Triples forbids
    in an IRI are written as ``\uXXXX`` and literals escape quote, backslash, CR and LF.
    """

    def __init__(self) -> None:
        self._iris: dict[str, str] = {}

    def iri(self, value: str) -> str:
        """``<value>``, escaped where N-Triples requires."""
        term = self._iris.get(value)
        if term is None:
            escaped = _IRI_ESCAPE.sub(_uchar, value) if _IRI_ESCAPE.search(value) else value
            term = "<" + escaped + ">"
            if len(self._iris) < 4096:  # vocabulary terms repeat; record IRIs mostly do not
                self._iris[value] = term
        return term

    def bnode(self, label: str) -> str:
        """``_:label`` (labels from the exporter are already [A-Za-z0-9_])."""
        return "_:" + label

    def literal(self, lexical: str, datatype: str | None) -> str:
        """A quoted literal, with ``^^<datatype>`` unless it is a plain string."""
        if _LITERAL_ESCAPE.search(lexical):
            lexical = _LITERAL_ESCAPE.sub(_literal_char, lexical)
        if datatype is None:
            return '"' + lexical + '"'
        return '"' + lexical + '"^^' + self.iri(datatype)


def write_ntriples(records: Iterable[Record], out: TextIO) -> int:
    """Write the triples of ``records`` to ``out`` as N-Triples; return how many were written.

    ``out`` must accept any Unicode text (open files with ``encoding="utf-8"``). Records are
    consumed one at a time, so memory stays flat however many there are; typing triples for
    units and properties are written once per call.
    """
    terms, typed = NTriplesTerms(), set[str]()
    count = 0
    write = out.write
    for record in records:
        lines = [s + " " + p + " " + o + " .\n" for s, p, o in record_triples(record, terms, typed)]
        write("".join(lines))
        count += len(lines)
    return count
