"""The store contract: what every engine (SQLite, PostgreSQL) keeps and how it answers.

A store holds four things, each in its own table:

- the **inbox** of raw messages keyed by an idempotency key, so a redelivered message is
  stored once; a message is *accepted* when its row is committed, and *processed* once its
  records (or its dead letter) are committed, at which point its raw bytes are dropped;
- the **records** with their history (a time series per device and property) and a
  *latest* view per series;
- the **outbox**: an append-only log of stored records that every sink reads from its own
  cursor (at-least-once delivery, in log order, so order is kept per entity);
- the **dead letter**: what could not be decoded, was refused by the policy or refused by a
  sink for good, with the reason; it can be listed and replayed.

Every write is a transaction committed at the store's :class:`Durability` before the call
returns; concurrent writes are grouped into one transaction (group commit).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Self

from interop.model.base import DataClass
from interop.model.records import Record

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
    "Store",
    "StoreStats",
]


class Durability(StrEnum):
    """When ``put`` may return, relative to what a crash can take away.

    ``full`` (the default) survives ``kill -9`` of the process and a crash of the operating
    system or the machine: the commit is on stable storage (SQLite ``synchronous=FULL`` in WAL
    mode; PostgreSQL ``synchronous_commit=on``). ``process`` survives ``kill -9`` of the
    process only: the commit is in the database's log but may still be in the OS cache
    (SQLite ``synchronous=NORMAL``; PostgreSQL ``synchronous_commit=off``, whose server keeps
    it unless the server itself crashes within its ``wal_writer_delay``).
    """

    FULL = "full"
    PROCESS = "process"


class DeadLetterStage(StrEnum):
    """Where a dead letter was set aside."""

    DECODE = "decode"
    """The raw message could not be decoded (or no codec is routed for its source)."""
    POLICY = "policy"
    """The privacy policy refused what it decoded to."""
    DELIVERY = "delivery"
    """A sink refused one record for good."""


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One raw message as it arrived: bytes, where from, when, and its idempotency key.

    ``key`` identifies the message at its source (an uplink's correlation id, an MQTT
    message's hash, a file name and line); a message with a key already in the inbox is a
    redelivery and is not stored again. ``source`` names the route (``lorawan:tts``).
    """

    source: str
    key: str
    payload: bytes
    received_at: datetime
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InboxMessage:
    """A raw message as the inbox holds it, with its inbox sequence number."""

    seq: int
    message: RawMessage


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """What could not be used, kept with why: raw bytes for decode failures, else the record."""

    source: str
    stage: DeadLetterStage
    reason: str
    code: str
    at: datetime
    payload: bytes
    key: str | None = None
    sink: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    id: int | None = None
    """Assigned by the store."""


@dataclass(frozen=True, slots=True)
class Processed:
    """The outcome of processing inbox messages, committed in one transaction.

    ``records`` are stored and appended to the outbox, ``dead_letters`` kept, and the inbox
    entries ``done`` marked processed (their raw bytes dropped).
    """

    records: Sequence[Record] = ()
    dead_letters: Sequence[DeadLetter] = ()
    done: Sequence[int] = ()
    audit: Mapping[tuple[str, str, str], int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ingested:
    """A raw message already decoded in memory, with what it gave: records or a dead letter."""

    message: RawMessage
    records: Sequence[Record] = ()
    dead_letter: DeadLetter | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One record waiting for a sink, at its position in the outbox log."""

    seq: int
    record: Record


@dataclass(frozen=True, slots=True)
class PurgeRule:
    """Delete records older than ``keep``, limited to one data class and/or one property.

    ``data_class`` matches records whose most protected non-empty field has that class;
    ``property`` matches measurements of that property IRI. With neither, every record.
    """

    keep: timedelta
    data_class: DataClass | None = None
    property: str | None = None
    kind: str | None = None
    """Only records of this kind (``measurement``, ``command``, ...)."""

    def label(self) -> str:
        """A short label for reports: ``personal>30 days, 0:00:00``."""
        what = "/".join(x for x in (self.data_class, self.property, self.kind) if x) or "all"
        return f"{what}>{self.keep}"


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Counts of what a store holds, and each sink's lag behind the outbox head."""

    engine: str
    location: str
    inbox_pending: int
    inbox_total: int
    records: int
    series: int
    outbox: int
    """Outbox entries some sink has not yet taken."""
    dead_letters: int
    sinks: Mapping[str, int]
    """Sink name -> records in the outbox not yet delivered to it."""
    audit: Mapping[str, int]
    """``action/field/sink`` -> count, as the privacy stage reported them."""


class Store(ABC):
    """One durable store; both engines pass the same contract tests (``tests/store``)."""

    engine: str = "abstract"
    location: str = ""

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @abstractmethod
    async def open(self) -> None:
        """Connect and create the schema if it is missing (idempotent)."""

    @abstractmethod
    async def aclose(self) -> None:
        """Finish pending commits and release connections."""

    # inbox ---------------------------------------------------------------------------------

    @abstractmethod
    async def accept(
        self,
        messages: Sequence[RawMessage],
        *,
        worker: str | None = None,
        lease: timedelta = timedelta(minutes=5),
    ) -> list[int | None]:
        """Commit raw messages to the inbox; each new one's inbox seq, None for a redelivery.

        Returns only once committed at the store's durability: a caller may acknowledge the
        message to its sender when this returns. With ``worker``, new messages are claimed
        by it for ``lease`` (it goes on to process them from memory).
        """

    @abstractmethod
    async def claim(
        self, limit: int, *, worker: str, lease: timedelta, reclaim_own: bool = False
    ) -> list[InboxMessage]:
        """Take up to ``limit`` unprocessed inbox messages, oldest first, for ``lease``.

        A message claimed by a worker that died is claimable again once its lease expires,
        so a crash between accepting and processing loses nothing; with ``reclaim_own``, the
        worker's own unexpired claims too (a restarted worker taking back its work).
        """

    @abstractmethod
    async def commit(self, processed: Processed) -> list[int]:
        """Store records, append them to the outbox, keep dead letters, mark inbox entries done.

        One transaction. Returns the outbox sequence numbers of the records, in order. A
        record whose id is already stored replaces it (a redecoded message is idempotent).
        """

    @abstractmethod
    async def ingest(
        self,
        items: Sequence[Ingested],
        *,
        extra: Sequence[Record] = (),
        audit: Mapping[tuple[str, str, str], int] | None = None,
    ) -> list[bool]:
        """Accept and store decoded messages in one transaction; True for each new one.

        A message whose key is new enters the inbox already processed (no raw bytes kept)
        together with its records and outbox entries, or its dead letter; a redelivery adds
        nothing. ``extra`` records (aggregates) are stored with them. One commit instead of
        two for callers that decode before answering (webhooks).
        """

    # records -------------------------------------------------------------------------------

    @abstractmethod
    async def get(self, record_id: str) -> Record | None:
        """The stored record with this IRI, or None."""

    @abstractmethod
    async def history(
        self,
        series: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 1000,
    ) -> list[Record]:
        """Records of one series (``device|property`` for measurements), oldest first."""

    @abstractmethod
    async def latest(self, *, kind: str | None = None, limit: int = 1000) -> list[Record]:
        """The newest record of every series (optionally of one record kind)."""

    @abstractmethod
    async def scan(self, *, after: int = 0, limit: int = 1000) -> list[tuple[int, Record]]:
        """Every stored record in storage order, paged by its row number (for export)."""

    # outbox --------------------------------------------------------------------------------

    @abstractmethod
    async def register_sink(self, sink: str, *, from_start: bool = False) -> None:
        """Give ``sink`` a cursor: at the outbox head (default) or before its oldest entry."""

    @abstractmethod
    async def pending(self, sink: str, *, limit: int) -> list[OutboxItem]:
        """The next records for ``sink`` after its cursor, in outbox order."""

    @abstractmethod
    async def advance(self, sink: str, seq: int) -> None:
        """Move ``sink``'s cursor to ``seq`` (everything up to it is delivered); committed."""

    @abstractmethod
    async def acquire_sink(self, sink: str, *, worker: str, lease: timedelta) -> bool:
        """Lease the delivery of ``sink`` to one worker; True if ``worker`` holds it now.

        Several gateway workers share one store; each sink is delivered by one at a time so
        that order per entity holds. A lease not renewed in time passes to another worker.
        """

    # dead letter ---------------------------------------------------------------------------

    @abstractmethod
    async def dead_letter(self, letters: Sequence[DeadLetter]) -> None:
        """Keep dead letters (delivery refusals; decode failures go through ``commit``)."""

    @abstractmethod
    async def dead_letters(
        self,
        *,
        source: str | None = None,
        stage: DeadLetterStage | None = None,
        limit: int = 100,
        after: int = 0,
    ) -> list[DeadLetter]:
        """Dead letters, oldest first, optionally of one source or stage."""

    @abstractmethod
    async def resolve_dead_letters(
        self, ids: Sequence[int], processed: Processed, *, sink: str | None = None
    ) -> list[int]:
        """Replace dead letters by what a replay made of them, in one transaction.

        The records of ``processed`` are stored and appended to the outbox, for ``sink``
        only when given (a delivery refusal is redelivered to the sink that refused it).
        """

    # retention, export, stats --------------------------------------------------------------

    @abstractmethod
    async def purge(
        self,
        rules: Sequence[PurgeRule],
        *,
        now: datetime,
        dead_letter_keep: timedelta | None = None,
    ) -> dict[str, int]:
        """Delete what each rule says is due; return counts per rule (and dead letters)."""

    @abstractmethod
    async def stats(self) -> StoreStats:
        """What the store holds and how far behind each sink is."""


def default_data_dir() -> Path:
    """Where the embedded store lives when nothing else is configured: ``./interop-data``."""
    return Path("interop-data")
