"""Entity records stored unchanged are not written again until a refresh is due.

A network server's every uplink restates its device: the same Device record, only its
provenance (receive time, raw message) differs. Rewriting it costs a row update, an index
update and an outbox entry per uplink, and tells every sink nothing new. The memory keeps,
per entity, its last committed content without provenance and when it was written; an
equal record within ``refresh`` seconds is left out, a changed one is written at once.
Dated records (measurements, states, commands and their results) are never left out:
each is a new reading or event. The memory is per process and only learns from commits
that succeeded, so what it leaves out is in the store; an entity purged from the store
while a gateway runs is written again at its next refresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from interop.model.records import Record
from interop.store.rows import time_fields

__all__ = ["EntityMemory"]

_Content = tuple[type[Record], dict[str, Any]]


def _content(record: Record) -> _Content:
    """The record's type and fields, provenance aside (what says whether it changed)."""
    values = dict(record.__dict__)
    values.pop("provenance", None)
    return type(record), values


@dataclass(slots=True)
class EntityMemory:
    """Which entity records were last committed with which content, and when."""

    refresh: float = 900.0
    """Seconds after which an unchanged entity is written again (its provenance renewed)."""
    limit: int = 100_000
    """Entities remembered at most; past it the memory starts afresh (a rewrite, no loss)."""
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, tuple[_Content, float]] = field(default_factory=dict)

    def changed(self, records: Sequence[Record]) -> list[Record]:
        """``records`` without the entities stored with the same content within ``refresh``."""
        if not self._seen:
            return list(records)
        now = self.clock()
        out: list[Record] = []
        for record in records:
            if not time_fields(type(record)):
                seen = self._seen.get(record.id)
                if (
                    seen is not None
                    and now - seen[1] < self.refresh
                    and seen[0] == _content(record)
                ):
                    continue
            out.append(record)
        return out

    def stored(self, records: Iterable[Record]) -> None:
        """Remember the entity records of a commit that succeeded."""
        now = self.clock()
        seen = self._seen
        for record in records:
            if time_fields(type(record)):
                continue
            if len(seen) >= self.limit:
                seen.clear()
            seen[record.id] = (_content(record), now)

    def forget(self) -> None:
        """Forget everything (the store was purged or replaced): every entity is rewritten."""
        self._seen.clear()
