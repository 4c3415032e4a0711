"""Canonical records as JSON Lines, the model's own open format, in rotated files."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from interop.adapters import Sink
from interop.model.records import Record, record_json
from interop.pipeline.sinks.files import RotatingFile

__all__ = ["JsonLinesSink"]


class JsonLinesSink(Sink):
    """Appends each record as one JSON line to ``<folder>/records-NNNNNN.jsonl``.

    At-least-once: after a crash between writing and the cursor's advance, a batch can
    appear twice; readers that need each record once keep the last line per ``id``.
    """

    name: ClassVar[str] = "jsonl"
    description: ClassVar[str] = "Canonical records as JSON Lines files, rotated by size."

    def __init__(self, folder: Path, *, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.file = RotatingFile(folder, "records", ".jsonl", max_bytes=max_bytes)

    async def write(self, records: Sequence[Record]) -> None:
        """Append the batch and fsync it."""
        text = "".join(record_json(r).decode() + "\n" for r in records)
        await asyncio.to_thread(self.file.append, text)
