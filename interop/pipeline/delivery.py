"""Delivery: one worker per sink reads the outbox from the sink's cursor and writes to it.

At-least-once, in outbox order (so in order per entity). A sink that is unavailable
(:class:`~interop.errors.SourceUnavailable`) is retried with exponential back-off and full
jitter from the same cursor, for as long as it takes; a sink that refuses some records for
good (:class:`~interop.errors.RecordsRefused`) has exactly those dead-lettered; any other
error on a batch is narrowed down record by record so that one bad record never blocks the
rest. The cursor advances only after the sink has taken the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from interop.adapters import Sink
from interop.errors import (
    InteropError,
    RateLimited,
    RecordsRefused,
    SourceUnavailable,
    StoreUnavailable,
)
from interop.model.records import Record, record_json
from interop.pipeline.counters import PipelineCounters
from interop.pipeline.policy import PolicyStage
from interop.store.contract import DeadLetter, DeadLetterStage, Store

__all__ = ["Backoff", "DeliveryWorker", "SinkBinding"]

log = logging.getLogger("interop.pipeline.delivery")


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential back-off with full jitter: ``uniform(0, min(cap, base * 2**attempt))``."""

    base: float = 0.2
    cap: float = 30.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        return random.uniform(0, min(self.cap, self.base * 2 ** min(attempt, 30)))


@dataclass(frozen=True, slots=True)
class SinkBinding:
    """A sink as the pipeline runs it: its name, jurisdiction and batch size.

    ``jurisdiction`` is where the data goes (an ISO 3166 code, ``EU`` or ``EEA``); the
    policy refuses to start a pipeline that would send personal or pseudonymous data to a
    jurisdiction it does not allow. ``from_start`` gives a new sink everything the outbox
    still holds instead of only what arrives from now on.
    """

    name: str
    sink: Sink
    jurisdiction: str | None = None
    batch_size: int = 500
    from_start: bool = False
    backoff: Backoff | None = None
    """This sink's retry back-off (None: the pipeline's)."""


class DeliveryWorker:
    """Delivers one sink's outbox; run :meth:`run` as a task, :meth:`stop` to end it."""

    def __init__(
        self,
        store: Store,
        binding: SinkBinding,
        policy: PolicyStage,
        counters: PipelineCounters,
        *,
        worker: str,
        backoff: Backoff = Backoff(),
        lease: timedelta = timedelta(seconds=30),
        idle: float = 0.5,
    ) -> None:
        self.store = store
        self.binding = binding
        self.policy = policy
        self.counters = counters
        self.worker = worker
        self.backoff = binding.backoff or backoff
        self.lease = lease
        self.idle = idle
        self.wake = asyncio.Event()
        self._stopping = False
        self.failing_since: float | None = None
        """Monotonic time of the first failure of the current outage; None while delivering."""
        self.last_error: str | None = None
        """The error code of the last failed attempt (never the message: it may hold data)."""

    def stop(self) -> None:
        """Finish the batch in hand, then return from :meth:`run`."""
        self._stopping = True
        self.wake.set()

    async def run(self) -> None:
        """Deliver until stopped; never raises for a sink's or the store's failures."""
        name = self.binding.name
        attempt = 0
        while not self._stopping:
            try:
                if not await self.store.acquire_sink(name, worker=self.worker, lease=self.lease):
                    await self._sleep(self.lease.total_seconds() / 3)
                    continue
                items = await self.store.pending(name, limit=self.binding.batch_size)
                if not items:
                    self.counters.lag[name] = 0
                    await self._sleep(self.idle)
                    continue
                records = self.policy.for_sink(name, [item.record for item in items])
                refused = await self._deliver(records)
                await self.store.advance(name, items[-1].seq)
                self.counters.delivered[name] += len(records) - refused
                attempt = 0
                self.failing_since = None
            except (SourceUnavailable, StoreUnavailable) as exc:
                self.counters.retries[name] += 1
                self.last_error = exc.code
                if self.failing_since is None:
                    self.failing_since = time.monotonic()
                asked = exc.retry_after if isinstance(exc, RateLimited) else None
                wait = asked if asked is not None else self.backoff.delay(attempt)
                log.warning("sink %s: %s; retrying in %.2f s", name, exc, wait)
                attempt += 1
                await self._sleep(wait)

    async def _sleep(self, seconds: float) -> None:
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout=seconds)

    async def _deliver(self, records: Sequence[Record]) -> int:
        """Write a batch and return how many records were refused for good.

        Narrows a permanent failure of a batch down record by record; SourceUnavailable
        propagates so that the whole batch is retried from the cursor.
        """
        if not records:
            return 0
        try:
            await self.binding.sink.write(records)
        except SourceUnavailable:
            raise
        except RecordsRefused as exc:
            refused = {i: reason for i, reason in exc.refused.items() if 0 <= i < len(records)}
            await self._refuse([(records[i], reason, exc.code) for i, reason in refused.items()])
            return len(refused)
        except Exception as exc:  # a sink's bug or refusal must not block the rest
            if len(records) == 1:
                code = exc.code if isinstance(exc, InteropError) else "sink-error"
                reason = str(exc) if isinstance(exc, InteropError) else type(exc).__name__
                log.warning("sink %s refused %s: %s", self.binding.name, records[0].id, reason)
                await self._refuse([(records[0], reason, code)])
                return 1
            total = 0
            for record in records:
                total += await self._deliver([record])
            return total
        return 0

    async def _refuse(self, refused: Sequence[tuple[Record, str, str]]) -> None:
        name = self.binding.name
        now = datetime.now(UTC)
        letters = [
            DeadLetter(
                source=f"sink:{name}",
                stage=DeadLetterStage.DELIVERY,
                reason=reason[:2000],
                code=code,
                at=now,
                payload=record_json(record),
                key=record.id,
                sink=name,
            )
            for record, reason, code in refused
        ]
        await self.store.dead_letter(letters)
        self.counters.refused[name] += len(letters)
        self.counters.dead_lettered[DeadLetterStage.DELIVERY.value] += len(letters)
