"""Sources of raw messages: files and folders as ``interop ingest`` reads them.

Each message's ``origin`` metadata (file name, and line) is what codecs see as its source.
A folder holds one message per file (sorted by name, hidden files skipped); a ``.jsonl`` or
``.ndjson`` file holds one message per non-empty line; any other file is one message. The
idempotency key is a hash of the route and the bytes, so ingesting the same data again
stores nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

from interop.errors import ValidationError
from interop.store.contract import RawMessage

__all__ = ["file_messages", "message_key", "raw_messages"]

_LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})


def message_key(source: str, payload: bytes) -> str:
    """The idempotency key of a message that carries none of its own: a content hash."""
    digest = hashlib.sha256(source.encode() + b"\0" + payload).hexdigest()
    return f"sha256:{digest}"


def raw_messages(path: Path, source: str) -> Iterator[RawMessage]:
    """The messages in a file or folder, in order, each with its content-hash key."""
    if not path.exists():
        raise ValidationError("no such file or folder", source=str(path), field="path")
    files = (
        sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if path.is_dir()
        else [path]
    )
    for file in files:
        received = datetime.fromtimestamp(file.stat().st_mtime, UTC)
        if file.suffix.lower() in _LINE_SUFFIXES:
            with file.open("rb") as handle:
                for number, line in enumerate(handle, start=1):
                    payload = line.strip()
                    if payload:
                        yield RawMessage(
                            source,
                            message_key(source, payload),
                            payload,
                            received,
                            {"origin": f"{file.name}:{number}"},
                        )
        else:
            payload = file.read_bytes()
            yield RawMessage(
                source, message_key(source, payload), payload, received, {"origin": file.name}
            )


async def file_messages(path: Path, source: str) -> AsyncIterator[RawMessage]:
    """:func:`raw_messages` as an async source for :meth:`Pipeline.ingest`."""
    for message in raw_messages(path, source):
        yield message
