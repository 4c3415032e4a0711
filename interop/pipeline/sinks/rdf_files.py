"""Records as SAREF-aligned RDF files: N-Triples (streamed) or Turtle, rotated by size."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Literal

from interop.adapters import Sink
from interop.errors import ValidationError
from interop.model.records import Record
from interop.pipeline.sinks.files import RotatingFile

__all__ = ["RdfFileSink"]


class RdfFileSink(Sink):
    """Appends each batch's triples to ``<folder>/records-NNNNNN.nt`` (or ``.ttl``).

    Turtle files are a sequence of Turtle documents; repeating ``@prefix`` is valid Turtle,
    so each file parses as a whole.
    """

    name: ClassVar[str] = "rdf"
    description: ClassVar[str] = "SAREF-aligned RDF files (N-Triples or Turtle), rotated by size."

    def __init__(
        self,
        folder: Path,
        *,
        format: Literal["nt", "ttl"] = "nt",
        max_bytes: int = 256 * 1024 * 1024,
    ) -> None:
        if format not in ("nt", "ttl"):
            raise ValidationError("unknown RDF format", source=str(format), expected="nt or ttl")
        self.format = format
        self.file = RotatingFile(folder, "records", f".{format}", max_bytes=max_bytes)

    def _text(self, records: Sequence[Record]) -> str:
        if self.format == "ttl":
            from interop.rdf import to_turtle

            return to_turtle(records)
        from interop.rdf import write_ntriples

        buffer = io.StringIO()
        write_ntriples(records, buffer)
        return buffer.getvalue()

    async def write(self, records: Sequence[Record]) -> None:
        """Append the batch's triples and fsync them."""
        text = self._text(records)
        await asyncio.to_thread(self.file.append, text)
