"""NGSI-LD files and messages as adapters: one codec per representation, a reader, a writer.

``interop convert records:in.jsonl ngsild:out.jsonl`` uses :class:`EntityWriter` (normalized;
JSON Lines for ``.jsonl``/``.ndjson``, else a JSON array) and ``ngsild:in.json`` the
:class:`EntityReader` (normalized or concise). ``ngsild+concise:`` and ``ngsild+keyvalues:``
pick a codec by name. Every path goes through the canonical model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from interop.adapters import Codec, DatasetReader, DatasetWriter, DecodeContext, EncodeContext
from interop.errors import DecodeError, EncodeError
from interop.model.observation import Measurement
from interop.model.records import Record
from interop_ngsild.decoder import from_entities
from interop_ngsild.documents import dump_entities, load_entities
from interop_ngsild.representation import Representation

__all__ = [
    "ConciseCodec",
    "EntityReader",
    "EntityWriter",
    "KeyValuesCodec",
    "NormalizedCodec",
]

_LINE_SUFFIXES = (".jsonl", ".ndjson")


def _lines_for(target: str) -> bool:
    return target.lower().endswith(_LINE_SUFFIXES)


class _EntityCodec(Codec):
    representation: ClassVar[Representation] = Representation.NORMALIZED
    media_type = "application/ld+json"

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        """Decode a JSON array, one entity or JSON Lines of entities in this representation."""
        return from_entities(list(load_entities(raw, ctx.source)), self.representation)

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        """Encode records as entities: JSON Lines for a ``.jsonl`` target, else a JSON array."""
        return dump_entities(records, self.representation, lines=_lines_for(ctx.target))


class NormalizedCodec(_EntityCodec):
    """NGSI-LD entities in the normalized representation (lossless)."""

    name = "normalized"
    description = "NGSI-LD normalized entities, Smart Data Models where one exists."


class ConciseCodec(_EntityCodec):
    """NGSI-LD entities in the concise representation (lossless)."""

    name = "concise"
    description = "NGSI-LD concise entities (options=concise)."
    representation = Representation.CONCISE


class KeyValuesCodec(_EntityCodec):
    """NGSI-LD keyValues: values only; measured values in the model's documented unit."""

    name = "keyvalues"
    description = "NGSI-LD keyValues (simplified) entities, as Smart Data Models schemas describe."
    representation = Representation.KEY_VALUES

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        """Encode records other than measurements: keyValues cannot state a unit or a time."""
        for record in records:
            if isinstance(record, Measurement):
                raise EncodeError(
                    "keyValues drops unitCode and observedAt, so a measurement cannot be "
                    "written without losing its unit and time",
                    source=record.id,
                    field="unit",
                    expected="ngsild+normalized or ngsild+concise for measurements",
                )
        return super().encode(records, ctx)


class EntityReader(DatasetReader):
    """Reads a file of NGSI-LD entities (normalized or concise)."""

    name = "entities"
    description = "A JSON array, one entity or JSON Lines of NGSI-LD entities."

    def read(self, source: Path, *, chunk_size: int = 10_000) -> Iterator[list[Record]]:
        """Yield the file's records in chunks of at most ``chunk_size``."""
        try:
            raw = source.read_bytes()
        except OSError as exc:
            raise DecodeError(f"cannot read: {exc.strerror}", source=str(source)) from None
        records = from_entities(list(load_entities(raw, str(source))))
        for start in range(0, len(records), chunk_size):
            yield records[start : start + chunk_size]


class EntityWriter(DatasetWriter):
    """Writes records as normalized NGSI-LD entities (JSON Lines for ``.jsonl``)."""

    name = "entities"
    description = "Normalized NGSI-LD entities with their @context."

    def write(self, chunks: Iterable[Sequence[Record]], target: Path) -> int:
        """Write every record to ``target``; returns how many records were written."""
        records = [record for chunk in chunks for record in chunk]
        raw = dump_entities(records, lines=_lines_for(target.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".partial-{target.name}")
        try:
            partial.write_bytes(raw)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return len(records)
