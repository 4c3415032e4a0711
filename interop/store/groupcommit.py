"""Group commit: many concurrent writers, one transaction and one fsync per batch.

Callers submit an operation (a function of an open transaction) and await its result; one
writer thread takes every operation queued so far, runs each inside a savepoint of one
transaction, commits once and then resolves every caller. Durability no longer costs one
fsync per message, and an operation that fails fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["GroupCommitter", "Transaction"]

C = TypeVar("C")
T = TypeVar("T")


@dataclass(slots=True)
class _Op:
    run: Callable[[Any], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]


class Transaction(Generic[C]):
    """How an engine begins, commits, rolls back and isolates one operation (savepoint)."""

    def begin(self, conn: C) -> None:
        """Start the batch's transaction."""
        raise NotImplementedError

    def commit(self, conn: C) -> None:
        """Commit the batch's transaction durably."""
        raise NotImplementedError

    def rollback(self, conn: C) -> None:
        """Abandon the batch's transaction."""
        raise NotImplementedError

    def savepoint(self, conn: C) -> None:
        """Mark the start of one operation."""
        raise NotImplementedError

    def release(self, conn: C) -> None:
        """Keep the operation's writes."""
        raise NotImplementedError

    def undo(self, conn: C) -> None:
        """Undo the operation's writes only."""
        raise NotImplementedError


class GroupCommitter(Generic[C]):
    """A writer thread that owns ``conn`` and commits queued operations in batches."""

    def __init__(
        self, conn: C, transaction: Transaction[C], *, max_batch: int = 512, name: str = "store"
    ) -> None:
        self._conn = conn
        self._tx = transaction
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Op | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=f"{name}-writer", daemon=True)
        self._closed = False
        self.batches = 0
        """How many transactions were committed (for tests and benchmarks)."""
        self._thread.start()

    async def submit(self, run: Callable[[C], T]) -> T:
        """Run ``run(conn)`` in the next batch; return once the batch is committed."""
        if self._closed:
            raise RuntimeError("the store is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Op(run, loop, future))
        return await future

    def close(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    op = self._queue.get_nowait()
                except queue.Empty:
                    break
                if op is None:
                    stop = True
                    break
                batch.append(op)
            self._commit(batch)

    def _commit(self, batch: list[_Op]) -> None:
        results: list[tuple[_Op, bool, Any]] = []
        try:
            self._tx.begin(self._conn)
            for op in batch:
                self._tx.savepoint(self._conn)
                try:
                    value = op.run(self._conn)
                except Exception as exc:  # one operation's failure is its caller's, not the batch's
                    self._tx.undo(self._conn)
                    results.append((op, False, exc))
                else:
                    self._tx.release(self._conn)
                    results.append((op, True, value))
            self._tx.commit(self._conn)
            self.batches += 1
        except Exception as exc:  # the commit itself failed: nobody's writes are durable
            with contextlib.suppress(Exception):  # the connection may be gone; exc says why
                self._tx.rollback(self._conn)
            results = [(op, False, exc) for op in batch]
        for op, ok, value in results:
            op.loop.call_soon_threadsafe(_settle, op.future, ok, value)


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
