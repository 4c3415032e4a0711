"""Coalesce concurrent ``Store.ingest`` calls into one: many webhook requests, one commit.

Each webhook request decodes its own message and must hear, before it answers, that the
message is durable. Committed one by one, every request pays a statement per table and a
savepoint; coalesced, the requests that arrive while a commit is in flight share the next
one (one ``executemany`` per table). At most one ingest runs at a time, so a batch holds
exactly what arrived during the previous commit: no timer, no added latency when idle.
A failed commit fails every caller of that batch (nothing of it was kept), each of which
then answers 503 and its sender retries.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from interop.model.records import Record
from interop.store.contract import Ingested, Store

__all__ = ["IngestCoalescer"]

Audit = Mapping[tuple[str, str, str], int]


@dataclass(slots=True)
class _Waiting:
    items: Sequence[Ingested]
    future: asyncio.Future[list[bool]]


@dataclass(slots=True)
class IngestCoalescer:
    """Runs ``store.ingest`` for everything queued while the previous one was committing.

    ``extra`` and ``audit`` are read once per batch, just before it is committed: the
    policy's pending records (released by ``flush``) and its audit counts belong to
    whichever batch commits next.
    """

    store: Store
    extra: Callable[[datetime], Sequence[Record]]
    audit: Callable[[], Audit]
    on_extra: Callable[[int], None] = lambda count: None
    """Told how many ``extra`` records a successful commit stored."""
    on_failure: Callable[[Sequence[Record], Audit], None] = lambda extra, audit: None
    """Given back the ``extra`` records and audit counts of a commit that failed."""
    max_batch: int = 512
    _waiting: deque[_Waiting] = field(default_factory=deque)
    _running: asyncio.Task[None] | None = None
    batches: int = 0
    """How many ingest calls were made (for tests and benchmarks)."""

    async def ingest(self, items: Sequence[Ingested]) -> list[bool]:
        """Commit ``items`` with whatever else is waiting; True for each one that was new."""
        future: asyncio.Future[list[bool]] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(items, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain(), name="pipeline-ingest")
        return await future

    async def _drain(self) -> None:
        """Commit batches until nobody waits."""
        while self._waiting:
            batch: list[_Waiting] = []
            size = 0
            while self._waiting and (
                not batch or size + len(self._waiting[0].items) <= self.max_batch
            ):
                waiting = self._waiting.popleft()
                batch.append(waiting)
                size += len(waiting.items)
            items = [item for waiting in batch for item in waiting.items]
            extra = self.extra(datetime.now(UTC))
            audit = self.audit()
            try:
                new = await self.store.ingest(items, extra=extra, audit=audit)
            except Exception as exc:  # every caller of the batch hears why; none was kept
                self.on_failure(extra, audit)  # kept for the next commit, not lost
                for waiting in batch:
                    if not waiting.future.done():
                        waiting.future.set_exception(exc)
                continue
            except BaseException:  # cancelled (shutdown): nobody may wait forever
                for waiting in (*batch, *self._waiting):
                    waiting.future.cancel()
                self._waiting.clear()
                raise
            self.batches += 1
            self.on_extra(len(extra))
            start = 0
            for waiting in batch:
                end = start + len(waiting.items)
                if not waiting.future.done():
                    waiting.future.set_result(new[start:end])
                start = end
