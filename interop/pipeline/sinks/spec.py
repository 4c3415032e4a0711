"""Built-in sinks from a short text (``jsonl:DIR``, ``nt:DIR``, ``ttl:DIR``, ``oxigraph:DIR``)."""

from __future__ import annotations

from pathlib import Path

from interop.adapters import Sink
from interop.errors import ValidationError

__all__ = ["BUILTIN_SINKS", "build_sink"]

BUILTIN_SINKS = ("jsonl", "nt", "ttl", "oxigraph")
"""Kinds of built-in sink :func:`build_sink` understands."""


def build_sink(spec: str) -> tuple[str, Sink]:
    """A built-in sink and its default name from ``KIND:PATH`` (the name is the kind)."""
    from interop.pipeline.sinks.jsonl import JsonLinesSink
    from interop.pipeline.sinks.oxigraph import OxigraphSink
    from interop.pipeline.sinks.rdf_files import RdfFileSink

    kind, sep, path = spec.partition(":")
    if not sep or not path or kind not in BUILTIN_SINKS:
        raise ValidationError(
            "not a sink",
            source=spec,
            field="sink",
            expected=f"KIND:PATH, KIND one of {BUILTIN_SINKS}",
        )
    folder = Path(path)
    if kind == "jsonl":
        return kind, JsonLinesSink(folder)
    if kind == "oxigraph":
        return kind, OxigraphSink(folder)
    return kind, RdfFileSink(folder, format="nt" if kind == "nt" else "ttl")
