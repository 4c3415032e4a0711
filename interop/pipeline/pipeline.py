"""The pipeline: source -> codec -> policy -> store (records + outbox) -> delivery -> sinks.

:meth:`Pipeline.submit` commits raw messages to the store's inbox and returns once they are
durable (a caller acknowledges its sender then); a processor task decodes them, applies the
policy and commits the records, the outbox entries and any dead letters in one transaction;
one delivery worker per sink drains the outbox. After a crash, :meth:`Pipeline.start`
claims what was accepted but never processed, so nothing acknowledged is lost.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections import Counter
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

from interop.errors import InteropError, ValidationError
from interop.model.base import Provenance, mint_iri
from interop.model.records import Record
from interop.pipeline.coalesce import IngestCoalescer
from interop.pipeline.counters import PipelineCounters
from interop.pipeline.delivery import Backoff, DeliveryWorker, SinkBinding
from interop.pipeline.entities import EntityMemory
from interop.pipeline.policy import PolicyStage
from interop.pipeline.routes import Decoder, Route
from interop.store.contract import (
    DeadLetter,
    DeadLetterStage,
    InboxMessage,
    Ingested,
    Processed,
    RawMessage,
    Store,
)

if TYPE_CHECKING:
    from interop.registry import Registry

__all__ = ["Outcome", "Pipeline", "default_policy", "default_worker"]

log = logging.getLogger("interop.pipeline")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one submitted message: stored, dead-lettered, or a duplicate."""

    status: Literal["stored", "dead_letter", "duplicate"]
    records: int = 0
    dead_letter: DeadLetter | None = None


def default_policy(registry: Registry | None) -> PolicyStage:
    """The privacy policy in force when none is given: the safe default of ``interop.privacy``.

    Personal values never reach the store or a sink in clear: they are pseudonymised when a
    key is configured (``INTEROP_PSEUDONYM_KEYS``), else refused.
    """
    from interop.privacy import Enforcer, KeyRing
    from interop.privacy import default_policy as safe_default

    properties = registry.properties if registry is not None else None
    return Enforcer(safe_default(), KeyRing.from_env(), properties=properties)


def default_worker() -> str:
    """The host name: a restarted worker of the same name takes back its own claims."""
    return socket.gethostname() or "worker"


class Pipeline:
    """Runs messages from sources through codecs and the policy into a store and to sinks.

    Use as ``async with Pipeline(store, registry, routes, sinks=...) as pipeline``: entering
    checks the sinks' jurisdictions against the policy (refusing to start, naming the sink),
    registers each sink's cursor, recovers unprocessed inbox messages and starts the
    processor and one delivery worker per sink; leaving drains in-flight work.
    """

    def __init__(
        self,
        store: Store,
        registry: Registry | None,
        routes: Mapping[str, Route] | Iterable[Route],
        *,
        sinks: Sequence[SinkBinding] = (),
        policy: PolicyStage | None = None,
        batch_size: int = 256,
        lease: timedelta = timedelta(minutes=2),
        backoff: Backoff | None = None,
        deliver: bool = True,
        worker: str | None = None,
        entity_refresh: float = 900.0,
    ) -> None:
        self.store = store
        self.routes = dict(routes) if isinstance(routes, Mapping) else {r.source: r for r in routes}
        self.decoder = Decoder(registry, self.routes)
        self.policy: PolicyStage = policy if policy is not None else default_policy(registry)
        self.sinks = tuple(sinks)
        self.batch_size = batch_size
        self.lease = lease
        self.counters = PipelineCounters()
        self.worker = worker or default_worker()
        self.entities = EntityMemory(refresh=entity_refresh)
        """Entities stored unchanged are not rewritten within ``entity_refresh`` seconds."""
        self._queue: asyncio.Queue[InboxMessage | None] = asyncio.Queue()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: list[asyncio.Task[None]] = []
        self._reclaim: asyncio.Task[None] | None = None
        self._deliver = deliver
        self._unstored: list[Record] = []
        self._unstored_audit: Counter[tuple[str, str, str]] = Counter()
        self._ingester = IngestCoalescer(
            store, self._extras, self._audit, on_extra=self._count_stored,
            on_failure=self._keep_unstored,
        )  # fmt: skip
        self.workers = [
            DeliveryWorker(
                store,
                b,
                self.policy,
                self.counters,
                worker=self.worker,
                backoff=backoff or Backoff(),
            )
            for b in self.sinks
        ]
        names = [b.name for b in self.sinks]
        if len(set(names)) != len(names):
            raise ValidationError("two sinks share a name", source=", ".join(names))

    # lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Check sinks against the policy, register cursors, recover, start the tasks."""
        self.policy.check_sinks({b.name: b.jurisdiction for b in self.sinks})
        for binding in self.sinks:
            await self.store.register_sink(binding.name, from_start=binding.from_start)
        self._tasks.append(asyncio.create_task(self._process_loop(), name="pipeline-processor"))
        self._reclaim = asyncio.create_task(self._reclaim_loop(), name="pipeline-reclaim")
        if self._deliver:
            for worker in self.workers:
                task = asyncio.create_task(worker.run(), name=f"deliver-{worker.binding.name}")
                self._tasks.append(task)
        await self.recover()

    async def recover(self) -> int:
        """Process inbox messages this worker (or a dead one) accepted and never processed.

        Returns how many. Runs at start: a restarted worker takes back its own claims at
        once; claims of other workers pass to it only once their lease has expired.
        """
        total = 0
        while True:
            claimed = await self.store.claim(
                self.batch_size, worker=self.worker, lease=self.lease, reclaim_own=True
            )
            if not claimed:
                return total
            total += len(claimed)
            await self._enqueue(claimed)
            await self.wait_processed()

    async def _reclaim_loop(self) -> None:
        """Take over messages whose claim expired (a worker died, or a commit failed)."""
        interval = max(self.lease.total_seconds() / 2, 0.05)
        while True:
            await asyncio.sleep(interval)
            try:
                claimed = await self.store.claim(
                    self.batch_size, worker=self.worker, lease=self.lease
                )
            except InteropError as exc:
                log.warning("reclaiming inbox messages failed: %s", exc)
                continue
            await self._enqueue(claimed)

    async def stop(self, *, drain: bool = True, timeout: float = 30.0) -> None:
        """Finish processing (and, with ``drain``, delivery) then stop every task."""
        if drain:
            try:
                await asyncio.wait_for(self.wait_processed(), timeout)
                if self._deliver:
                    await asyncio.wait_for(self.wait_delivered(), timeout)
            except TimeoutError:
                log.warning("pipeline stopped with work in flight (it stays in the store)")
        if self._reclaim is not None:
            self._reclaim.cancel()
            self._reclaim = None
        for worker in self.workers:
            worker.stop()
        await self._queue.put(None)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for binding in self.sinks:
            try:
                await binding.sink.aclose()
            except Exception:  # closing one sink must not keep the others open
                log.exception("closing sink %s failed", binding.name)

    # ingestion -----------------------------------------------------------------------------

    async def submit(self, messages: Sequence[RawMessage]) -> list[bool]:
        """Commit messages to the inbox; True for new ones, False for redeliveries.

        Returns once they are durable: acknowledge the sender then. Processing follows in
        the background (``wait_processed`` waits for it).
        """
        seqs = await self.store.accept(messages, worker=self.worker, lease=self.lease)
        self.counters.received += len(messages)
        fresh = [InboxMessage(s, m) for s, m in zip(seqs, messages, strict=True) if s is not None]
        self.counters.duplicates += len(messages) - len(fresh)
        await self._enqueue(fresh)
        return [s is not None for s in seqs]

    async def submit_and_wait(self, messages: Sequence[RawMessage]) -> list[Outcome]:
        """Decode, apply the policy and store in one durable commit; say what became of each.

        For senders that must hear whether their message could be used (a webhook answers
        4xx for input that can never be decoded, which is then in the dead letter). Nothing
        is acknowledged before the commit: if it fails (StoreUnavailable), nothing of these
        messages is kept and the sender retries. A redelivery's outcome is ``duplicate``.
        """
        items: list[Ingested] = []
        outcomes: list[Outcome] = []
        consumed: list[list[Any]] = []
        for message in messages:
            decoded, letter = self._decode(message)
            taken: list[Any] = []
            if letter is None:
                try:
                    kept, taken = self.policy.plan_store(decoded)
                except InteropError as exc:
                    letter = self._letter(message, DeadLetterStage.POLICY, exc)
            consumed.append(taken)
            if letter is not None:
                items.append(Ingested(message, dead_letter=letter))
                outcomes.append(Outcome("dead_letter", 0, letter))
            else:
                kept = self.entities.changed(kept)
                items.append(Ingested(message, kept))
                outcomes.append(Outcome("stored", len(kept)))
        new = await self._ingester.ingest(items)
        self.counters.received += len(messages)
        for index, (fresh, item) in enumerate(zip(new, items, strict=True)):
            if not fresh:  # a redelivery: its readings were aggregated the first time
                self.counters.duplicates += 1
                outcomes[index] = Outcome("duplicate")
            elif item.dead_letter is not None:
                self.counters.dead_lettered[item.dead_letter.stage.value] += 1
            else:
                self.counters.stored += len(item.records)
                self.entities.stored(item.records)
                self.policy.admit(consumed[index])
        for worker in self.workers:
            worker.wake.set()
        return outcomes

    def _count_stored(self, count: int) -> None:
        self.counters.stored += count

    def _extras(self, now: datetime) -> list[Record]:
        """The policy's records due now (closed aggregate windows) and those of failed commits."""
        extras, self._unstored = [*self._unstored, *self.policy.flush(now)], []
        return extras

    def _audit(self) -> dict[tuple[str, str, str], int]:
        """The policy's audit counts since the last commit, with those of failed commits."""
        audit = self._unstored_audit
        audit.update(self.policy.drain_audit())
        self._unstored_audit = Counter()
        return dict(audit)

    def _keep_unstored(
        self, extras: Sequence[Record], audit: Mapping[tuple[str, str, str], int]
    ) -> None:
        """A commit failed: its aggregates and audit counts go with the next one instead.

        The messages that fed an aggregate were committed before its window closed; if the
        aggregate were dropped with its failed commit, nothing would ever produce it again.
        """
        self._unstored.extend(extras)
        self._unstored_audit.update(audit)

    async def reject(self, message: RawMessage, reason: str, code: str) -> DeadLetter:
        """Keep a message refused before decoding (too large, wrong type) as a dead letter."""
        letter = self._letter(message, DeadLetterStage.DECODE, None, reason=reason, code=code)
        await self.store.dead_letter([letter])
        self.counters.received += 1
        self.counters.dead_lettered[DeadLetterStage.DECODE.value] += 1
        return letter

    async def ingest(self, messages: AsyncIterable[RawMessage], *, batch: int = 256) -> int:
        """Submit everything a source yields, in batches; return how many were new."""
        pending: list[RawMessage] = []
        new = 0
        async for message in messages:
            pending.append(message)
            if len(pending) >= batch:
                new += sum(await self.submit(pending))
                pending = []
        if pending:
            new += sum(await self.submit(pending))
        return new

    async def _enqueue(self, items: Sequence[InboxMessage]) -> None:
        if items:
            self._in_flight += len(items)
            self._idle.clear()
            for item in items:
                self._queue.put_nowait(item)

    async def wait_processed(self) -> None:
        """Wait until every submitted message is processed (stored or dead-lettered)."""
        await self._idle.wait()

    async def wait_delivered(self) -> None:
        """Wait until every sink has caught up with the outbox."""
        for worker in self.workers:
            worker.wake.set()
        while True:
            stats = await self.store.stats()
            if all(stats.sinks.get(b.name, 0) == 0 for b in self.sinks):
                return
            for worker in self.workers:
                worker.wake.set()
            await asyncio.sleep(0.05)

    # processing ----------------------------------------------------------------------------

    async def _process_loop(self) -> None:
        while True:
            first = await self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.batch_size and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    self._queue.put_nowait(None)
                    break
                batch.append(item)
            try:
                await self._process(batch)
            except Exception:  # never let one batch stop the pipeline; it stays in the inbox
                log.exception("processing %d messages failed; they stay in the inbox", len(batch))
            finally:
                self._in_flight -= len(batch)
                if self._in_flight <= 0:
                    self._in_flight = 0
                    self._idle.set()

    async def _process(self, batch: Sequence[InboxMessage]) -> None:
        records: list[Record] = []
        letters: list[DeadLetter] = []
        consumed: list[Any] = []
        for item in batch:
            decoded, letter = self._decode(item.message)
            if letter is None:
                try:
                    kept, taken = self.policy.plan_store(decoded)
                except InteropError as exc:
                    letter = self._letter(item.message, DeadLetterStage.POLICY, exc)
            if letter is not None:
                letters.append(letter)
                continue
            consumed.extend(taken)
            records.extend(self.entities.changed(kept))
        extras = self._extras(datetime.now(UTC))
        records.extend(extras)
        processed = Processed(
            records=records,
            dead_letters=letters,
            done=[item.seq for item in batch],
            audit=self._audit(),
        )
        try:
            await self.store.commit(processed)
        except Exception:  # the messages stay in the inbox; the aggregates wait for the next
            self._keep_unstored(extras, processed.audit)
            raise  # and their readings are aggregated when they are committed, not twice
        self.policy.admit(consumed)
        self.entities.stored(records)
        self.counters.stored += len(records)
        for letter in letters:
            self.counters.dead_lettered[letter.stage.value] += 1
        for worker in self.workers:
            worker.wake.set()

    def _decode(self, message: RawMessage) -> tuple[list[Record], DeadLetter | None]:
        raw_message_id = mint_iri("message", message.source, message.key)
        try:
            records = self.decoder.decode(
                message,
                raw_message_id=raw_message_id,
                policy_version=self.policy.policy_version,
            )
        except InteropError as exc:
            return [], self._letter(message, DeadLetterStage.DECODE, exc)
        except Exception as exc:  # a codec's bug: keep the message, say what happened
            log.exception("codec for %s raised %s", message.source, type(exc).__name__)
            return [], self._letter(
                message,
                DeadLetterStage.DECODE,
                None,
                reason=f"the codec failed: {type(exc).__name__}",
                code="codec-failure",
            )
        self.counters.decoded += 1
        self.counters.records += len(records)
        return self._stamp(records, message, raw_message_id), None

    def _stamp(
        self, records: Sequence[Record], message: RawMessage, raw_message_id: str
    ) -> list[Record]:
        """Say where each record came from: plugin, version, raw message, time, policy.

        A record that already names its raw message (a codec that used its DecodeContext's
        stamp, or one read back from an export) keeps its provenance as it is. Records of
        one message with equal provenance share one stamped (immutable) Provenance: a
        message's records are stamped in one pass.
        """
        stamped: dict[tuple[object, ...] | None, Provenance] = {}
        out: list[Record] = []
        for record in records:
            base = record.provenance
            if base is not None and base.raw_message_id is not None:
                out.append(record)
                continue
            key = tuple(base.__dict__.values()) if base is not None else None
            provenance = stamped.get(key)
            if provenance is None:
                if base is None:
                    plugin, version = self.decoder.plugin_version(message.source)
                    base = Provenance(plugin=plugin, plugin_version=version)
                provenance = base.model_copy(
                    update={
                        "received_at": base.received_at or message.received_at,
                        "source_system": base.source_system or message.source,
                        "raw_message_id": raw_message_id,
                        "policy_version": self.policy.policy_version,
                    }
                )
                stamped[key] = provenance
            out.append(record.model_copy(update={"provenance": provenance}))
        return out

    def _letter(
        self,
        message: RawMessage,
        stage: DeadLetterStage,
        error: InteropError | None,
        *,
        reason: str | None = None,
        code: str | None = None,
    ) -> DeadLetter:
        kept = self.policy.for_dead_letter(message.payload, message.source)
        return DeadLetter(
            source=message.source,
            stage=stage,
            reason=(reason or str(error))[:2000],
            code=code or (error.code if error is not None else "interop-error"),
            at=datetime.now(UTC),
            payload=kept if kept is not None else b"",
            key=message.key,
            metadata={**message.metadata, "received_at": message.received_at.isoformat()},
        )

    # replay --------------------------------------------------------------------------------

    async def replay(self, letters: Sequence[DeadLetter]) -> tuple[int, int]:
        """Try dead letters again (after a fix); return (replayed, still failing).

        A decode or policy dead letter is decoded again from its raw bytes; a delivery
        dead letter is queued again for the sink that refused it.
        """
        done = failed = 0
        for letter in letters:
            if letter.id is None:
                continue
            if letter.stage is DeadLetterStage.DELIVERY:
                try:
                    from interop.model.records import RecordAdapter

                    record = RecordAdapter.validate_json(letter.payload)
                except Exception:  # the stored record no longer validates: keep the letter
                    failed += 1
                    continue
                await self.store.resolve_dead_letters(
                    [letter.id], Processed(records=[record]), sink=letter.sink
                )
                done += 1
                continue
            received = letter.metadata.get("received_at")
            message = RawMessage(
                source=letter.source,
                key=letter.key or f"dead-letter:{letter.id}",
                payload=letter.payload,
                received_at=datetime.fromisoformat(received) if received else letter.at,
                metadata={k: v for k, v in letter.metadata.items() if k != "received_at"},
            )
            records, again = self._decode(message)
            if again is not None:
                failed += 1
                continue
            try:
                kept, taken = self.policy.plan_store(records)
            except InteropError:
                failed += 1
                continue
            await self.store.resolve_dead_letters(
                [letter.id], Processed(records=kept, audit=self.policy.drain_audit())
            )
            self.policy.admit(taken)
            self.counters.stored += len(kept)
            done += 1
        for worker in self.workers:
            worker.wake.set()
        return done, failed
