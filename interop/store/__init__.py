"""Durable storage of everything that arrives: inbox, records with history, outbox, dead letter.

:func:`open_store` picks the engine from a location: a directory or ``sqlite:PATH`` for the
embedded SQLite store, ``postgresql://...`` for PostgreSQL (several gateway workers share
one). Both implement :class:`Store`; see ``docs/store.md`` for the durability guarantees.
"""

from __future__ import annotations

from pathlib import Path

from interop.store.contract import (
    DeadLetter,
    DeadLetterStage,
    Durability,
    InboxMessage,
    Ingested,
    OutboxItem,
    Processed,
    PurgeRule,
    RawMessage,
    Store,
    StoreStats,
    default_data_dir,
)
from interop.store.sqlite import SqliteStore

__all__ = [
    "DeadLetter",
    "DeadLetterStage",
    "Durability",
    "InboxMessage",
    "Ingested",
    "OutboxItem",
    "Processed",
    "PurgeRule",
    "RawMessage",
    "SqliteStore",
    "Store",
    "StoreStats",
    "default_data_dir",
    "open_store",
]


def open_store(location: str | Path | None, *, durability: Durability = Durability.FULL) -> Store:
    """A store (not yet opened) for ``location``: a folder, ``sqlite:PATH`` or a PostgreSQL DSN.

    ``None`` is the embedded default, ``./interop-data``. Use it as ``async with``.
    """
    text = str(location) if location is not None else str(default_data_dir())
    if text.startswith(("postgresql://", "postgres://")):
        from interop.store.postgres import PostgresStore

        return PostgresStore(text, durability=durability)
    return SqliteStore(Path(text.removeprefix("sqlite:")), durability=durability)
