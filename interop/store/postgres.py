"""The scale-out store: PostgreSQL through asyncpg, the same contract as the embedded one.

Several gateway workers on several machines share one database: inbox claims use
``FOR UPDATE SKIP LOCKED`` leases, each sink's delivery is leased to one worker at a time,
and outbox appends take a transaction-scoped advisory lock so that outbox order is commit
order (a reader never skips a sequence number that commits late). Concurrent writes of one
process are grouped into one transaction (group commit), as in the SQLite engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from interop.errors import StoreUnavailable
from interop.model.records import Record
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
)
from interop.store.rows import RecordRow, load_record, metadata_json, record_row

__all__ = ["PostgresStore"]

T = TypeVar("T")
Conn = Any  # asyncpg.Connection: untyped library
_OUTBOX_LOCK = 0x696E_7465  # "inte": serialises outbox appends across workers

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    seq BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    payload BYTEA,
    metadata TEXT NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    claimed_by TEXT,
    claim_until TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (seq) WHERE NOT done;
CREATE TABLE IF NOT EXISTS records (
    row BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    series TEXT NOT NULL,
    entity TEXT NOT NULL,
    property TEXT,
    time TIMESTAMPTZ,
    protection TEXT NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL,
    body BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS records_series ON records (series, time);
CREATE TABLE IF NOT EXISTS outbox (
    seq BIGSERIAL PRIMARY KEY,
    record_id TEXT NOT NULL,
    only_sink TEXT
);
CREATE TABLE IF NOT EXISTS cursors (
    sink TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS dead_letters (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    code TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    payload BYTEA NOT NULL,
    key TEXT,
    sink TEXT,
    metadata TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    action TEXT NOT NULL,
    field TEXT NOT NULL,
    sink TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (action, field, sink)
);
"""


_SCHEMA_PRESENT = "SELECT to_regclass('audit') IS NOT NULL"
"""The schema's last table exists: it was created completely (one transaction)."""


@dataclass(slots=True)
class _Op:
    run: Callable[[Conn], Awaitable[Any]]
    future: asyncio.Future[Any]


def redact_dsn(dsn: str) -> str:
    """The DSN without its password, for messages and logs."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = f"{parts.username}:***@" if parts.username else "***@"
    return urlunsplit(parts._replace(netloc=user + host))


class PostgresStore(Store):
    """A store in a PostgreSQL database (``postgresql://user@host:port/db``)."""

    engine = "postgresql"

    def __init__(
        self,
        dsn: str,
        *,
        durability: Durability = Durability.FULL,
        pool_size: int = 4,
        max_batch: int = 512,
    ) -> None:
        self._dsn = dsn
        self.location = redact_dsn(dsn)
        self.durability = durability
        self._pool_size = pool_size
        self._max_batch = max_batch
        self._pool: Any = None
        self._queue: asyncio.Queue[_Op | None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self.commits = 0
        """Transactions committed by this process's writer."""

    # lifecycle -----------------------------------------------------------------------------

    async def _setup(self, conn: Conn) -> None:
        if self.durability is Durability.PROCESS:
            await conn.execute("SET synchronous_commit = off")

    async def open(self) -> None:
        """Connect a pool, create the schema if missing and start the writer task."""
        if self._pool is not None:
            return
        try:
            self._pool = await asyncpg.create_pool(
                self._dsn, min_size=1, max_size=self._pool_size, setup=self._setup
            )
            async with self._pool.acquire() as conn:
                # DDL only when the schema is missing: even IF NOT EXISTS takes table locks
                # that deadlock with other workers' writes.
                if not await conn.fetchval(_SCHEMA_PRESENT):
                    await conn.execute("SELECT pg_advisory_lock($1)", _OUTBOX_LOCK + 1)
                    try:
                        await conn.execute(_SCHEMA)
                    finally:
                        await conn.execute("SELECT pg_advisory_unlock($1)", _OUTBOX_LOCK + 1)
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            await self._close_pool()
            raise StoreUnavailable(
                f"cannot open the store: {type(exc).__name__}: {exc}",
                source=self.location,
                expected="a reachable PostgreSQL server and database",
            ) from None
        self._queue = asyncio.Queue()
        self._writer = asyncio.create_task(self._run(), name="postgres-writer")

    async def _close_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def aclose(self) -> None:
        """Commit what is queued, stop the writer and close the pool."""
        if self._queue is not None and self._writer is not None:
            await self._queue.put(None)
            with contextlib.suppress(Exception):
                await self._writer
        self._queue = self._writer = None
        await self._close_pool()

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        stop = False
        while not stop:
            first = await queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch and not queue.empty():
                op = queue.get_nowait()
                if op is None:
                    stop = True
                    break
                batch.append(op)
            await self._commit(batch)

    async def _commit(self, batch: list[_Op]) -> None:
        results: list[tuple[_Op, bool, Any]] = []
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                for op in batch:
                    try:
                        async with conn.transaction():  # a savepoint per operation
                            value = await op.run(conn)
                    except Exception as exc:  # one operation's failure is its caller's
                        results.append((op, False, exc))
                    else:
                        results.append((op, True, value))
            self.commits += 1
        except Exception as exc:  # the commit failed: nobody's writes are durable
            results = [(op, False, exc) for op in batch]
        for op, ok, value in results:
            if op.future.cancelled():
                continue
            if ok:
                op.future.set_result(value)
            else:
                op.future.set_exception(value)

    async def _write(self, run: Callable[[Conn], Awaitable[T]]) -> T:
        if self._queue is None:
            raise StoreUnavailable("the store is not open", source=self.location)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Op(run, future))
        try:
            return await future
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StoreUnavailable(
                f"commit failed: {type(exc).__name__}: {exc}", source=self.location
            ) from None

    async def _read(self, sql: str, *args: Any) -> list[Any]:
        if self._pool is None:
            raise StoreUnavailable("the store is not open", source=self.location)
        try:
            async with self._pool.acquire() as conn:
                return list(await conn.fetch(sql, *args))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StoreUnavailable(
                f"read failed: {type(exc).__name__}: {exc}", source=self.location
            ) from None

    # inbox ---------------------------------------------------------------------------------

    async def accept(
        self,
        messages: Sequence[RawMessage],
        *,
        worker: str | None = None,
        lease: timedelta = timedelta(minutes=5),
    ) -> list[int | None]:
        """Insert new messages into the inbox (claimed by ``worker`` when given)."""
        until = datetime.now(UTC) + lease if worker is not None else None
        rows = [
            (
                m.key,
                m.source,
                m.received_at,
                m.payload,
                metadata_json(m.metadata),
                worker,
                until,
            )
            for m in messages
        ]

        async def run(conn: Conn) -> list[int | None]:
            found = await conn.fetch(
                "INSERT INTO inbox (key, source, received_at, payload, metadata, claimed_by, "
                "claim_until) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], "
                "$4::bytea[], $5::text[], $6::text[], $7::timestamptz[]) "
                "ON CONFLICT (key) DO NOTHING RETURNING key, seq",
                *(list(column) for column in zip(*rows, strict=True)),
            )
            seqs = {r["key"]: int(r["seq"]) for r in found}
            result: list[int | None] = []
            for key, *_ in rows:
                result.append(seqs.pop(key, None))  # a key twice in one call is stored once
            return result

        if not rows:
            return []
        return await self._write(run)

    async def claim(
        self, limit: int, *, worker: str, lease: timedelta, reclaim_own: bool = False
    ) -> list[InboxMessage]:
        """Claim the oldest unprocessed messages whose lease has expired (SKIP LOCKED)."""

        async def run(conn: Conn) -> list[Any]:
            return list(
                await conn.fetch(
                    "UPDATE inbox SET claimed_by = $1, claim_until = now() + $2::interval "
                    "WHERE seq IN (SELECT seq FROM inbox WHERE NOT done AND (claim_until IS NULL "
                    "OR claim_until < now() OR ($4 AND claimed_by = $1)) ORDER BY seq LIMIT $3 "
                    "FOR UPDATE SKIP LOCKED) "
                    "RETURNING seq, key, source, received_at, payload, metadata",
                    worker,
                    lease,
                    limit,
                    reclaim_own,
                )
            )

        rows = sorted(await self._write(run), key=lambda r: r["seq"])
        return [
            InboxMessage(
                int(r["seq"]),
                RawMessage(
                    r["source"],
                    r["key"],
                    bytes(r["payload"] or b""),
                    r["received_at"],
                    json.loads(r["metadata"]),
                ),
            )
            for r in rows
        ]

    async def commit(self, processed: Processed) -> list[int]:
        """Store records + outbox entries + dead letters, mark inbox entries done."""
        rows = [record_row(r) for r in processed.records]
        return await self._write(lambda conn: self._apply(conn, rows, processed, None))

    async def _apply(
        self, conn: Conn, rows: Sequence[RecordRow], processed: Processed, only_sink: str | None
    ) -> list[int]:
        seqs: list[int] = []
        if rows:
            await conn.executemany(
                "INSERT INTO records (id, kind, series, entity, property, time, protection, "
                "stored_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8) "
                "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, series = excluded.series, "
                "entity = excluded.entity, property = excluded.property, time = excluded.time, "
                "protection = excluded.protection, stored_at = excluded.stored_at, "
                "body = excluded.body",
                [
                    (r.id, r.kind, r.series, r.entity, r.property, r.time, r.protection, r.body)
                    for r in rows
                ],
            )
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _OUTBOX_LOCK)
            found = await conn.fetch(
                "INSERT INTO outbox (record_id, only_sink) SELECT id, $2 FROM "
                "unnest($1::text[]) WITH ORDINALITY AS t(id, n) ORDER BY n RETURNING seq",
                [r.id for r in rows],
                only_sink,
            )
            seqs = sorted(int(r["seq"]) for r in found)
        if processed.dead_letters:
            await self._insert_dead_letters(conn, processed.dead_letters)
        if processed.done:
            await conn.execute(
                "UPDATE inbox SET done = TRUE, payload = NULL, claimed_by = NULL, "
                "claim_until = NULL WHERE seq = ANY($1::bigint[])",
                list(processed.done),
            )
        if processed.audit:
            await conn.executemany(
                "INSERT INTO audit (action, field, sink, count) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (action, field, sink) DO UPDATE SET count = audit.count + "
                "excluded.count",
                [(a, f, s, n) for (a, f, s), n in processed.audit.items()],
            )
        return seqs

    @staticmethod
    async def _insert_dead_letters(conn: Conn, letters: Sequence[DeadLetter]) -> None:
        await conn.executemany(
            "INSERT INTO dead_letters (source, stage, reason, code, at, payload, key, sink, "
            "metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
                (
                    d.source,
                    d.stage.value,
                    d.reason,
                    d.code,
                    d.at,
                    d.payload,
                    d.key,
                    d.sink,
                    json.dumps(dict(d.metadata), sort_keys=True),
                )
                for d in letters
            ],
        )

    async def ingest(
        self,
        items: Sequence[Ingested],
        *,
        extra: Sequence[Record] = (),
        audit: Mapping[tuple[str, str, str], int] | None = None,
    ) -> list[bool]:
        """Inbox rows (already done), records, outbox entries, dead letters: one commit."""
        rows = [[record_row(r) for r in i.records] for i in items]
        extra_rows = [record_row(r) for r in extra]

        async def run(conn: Conn) -> list[bool]:
            found = await conn.fetch(
                "INSERT INTO inbox (key, source, received_at, payload, metadata, done) "
                "SELECT k, s, r, NULL, m, TRUE FROM unnest($1::text[], $2::text[], "
                "$3::timestamptz[], $4::text[]) AS t(k, s, r, m) "
                "ON CONFLICT (key) DO NOTHING RETURNING key",
                [i.message.key for i in items],
                [i.message.source for i in items],
                [i.message.received_at for i in items],
                [metadata_json(i.message.metadata) for i in items],
            )
            fresh = {r["key"] for r in found}
            new: list[bool] = []
            keep: list[RecordRow] = list(extra_rows)
            letters: list[DeadLetter] = []
            for item, item_rows in zip(items, rows, strict=True):
                is_new = item.message.key in fresh
                fresh.discard(item.message.key)  # a key twice in one call counts once
                new.append(is_new)
                if is_new:
                    keep.extend(item_rows)
                    if item.dead_letter is not None:
                        letters.append(item.dead_letter)
            await self._apply(conn, keep, Processed(dead_letters=letters, audit=audit or {}), None)
            return new

        if not items:
            return []
        return await self._write(run)

    # records -------------------------------------------------------------------------------

    async def get(self, record_id: str) -> Record | None:
        """The stored record with this IRI."""
        rows = await self._read("SELECT body FROM records WHERE id = $1", record_id)
        return load_record(rows[0]["body"]) if rows else None

    async def history(
        self,
        series: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 1000,
    ) -> list[Record]:
        """One series' records in time order, within ``[start, end)``."""
        rows = await self._read(
            "SELECT body FROM records WHERE series = $1 AND ($2::timestamptz IS NULL OR "
            "time >= $2) AND ($3::timestamptz IS NULL OR time < $3) ORDER BY time, row LIMIT $4",
            series,
            start,
            end,
            limit,
        )
        return [load_record(r["body"]) for r in rows]

    async def latest(self, *, kind: str | None = None, limit: int = 1000) -> list[Record]:
        """The newest record of each series."""
        rows = await self._read(
            "SELECT DISTINCT ON (series) body FROM records WHERE ($1::text IS NULL OR kind = $1) "
            "ORDER BY series, time DESC NULLS LAST, row DESC LIMIT $2",
            kind,
            limit,
        )
        return [load_record(r["body"]) for r in rows]

    async def scan(self, *, after: int = 0, limit: int = 1000) -> list[tuple[int, Record]]:
        """Records in storage order after row ``after``."""
        rows = await self._read(
            "SELECT row, body FROM records WHERE row > $1 ORDER BY row LIMIT $2", after, limit
        )
        return [(int(r["row"]), load_record(r["body"])) for r in rows]

    # outbox --------------------------------------------------------------------------------

    async def register_sink(self, sink: str, *, from_start: bool = False) -> None:
        """Create ``sink``'s cursor if it has none."""

        async def run(conn: Conn) -> None:
            await conn.execute(
                "INSERT INTO cursors (sink, seq) SELECT $1, CASE WHEN $2 THEN 0 ELSE "
                "(SELECT COALESCE(MAX(seq), 0) FROM outbox) END ON CONFLICT DO NOTHING",
                sink,
                from_start,
            )

        await self._write(run)

    async def pending(self, sink: str, *, limit: int) -> list[OutboxItem]:
        """Records after ``sink``'s cursor, in outbox order."""
        rows = await self._read(
            "SELECT o.seq, r.body FROM outbox o JOIN records r ON r.id = o.record_id "
            "WHERE o.seq > (SELECT seq FROM cursors WHERE sink = $1) "
            "AND (o.only_sink IS NULL OR o.only_sink = $1) ORDER BY o.seq LIMIT $2",
            sink,
            limit,
        )
        return [OutboxItem(int(r["seq"]), load_record(r["body"])) for r in rows]

    async def advance(self, sink: str, seq: int) -> None:
        """Move the cursor forward and drop outbox entries every sink has passed."""

        async def run(conn: Conn) -> None:
            await conn.execute(
                "UPDATE cursors SET seq = GREATEST(seq, $1) WHERE sink = $2", seq, sink
            )
            await conn.execute("DELETE FROM outbox WHERE seq <= (SELECT MIN(seq) FROM cursors)")

        await self._write(run)

    async def acquire_sink(self, sink: str, *, worker: str, lease: timedelta) -> bool:
        """Take or renew the delivery lease of ``sink``."""

        async def run(conn: Conn) -> bool:
            status = await conn.execute(
                "UPDATE cursors SET lease_owner = $1, lease_until = now() + $2::interval "
                "WHERE sink = $3 AND (lease_owner IS NULL OR lease_owner = $1 OR "
                "lease_until < now())",
                worker,
                lease,
                sink,
            )
            return str(status).endswith(" 1")

        return await self._write(run)

    # dead letter ---------------------------------------------------------------------------

    async def dead_letter(self, letters: Sequence[DeadLetter]) -> None:
        """Keep dead letters."""
        await self._write(lambda conn: self._insert_dead_letters(conn, letters))

    async def dead_letters(
        self,
        *,
        source: str | None = None,
        stage: DeadLetterStage | None = None,
        limit: int = 100,
        after: int = 0,
    ) -> list[DeadLetter]:
        """Dead letters in the order they were kept."""
        rows = await self._read(
            "SELECT id, source, stage, reason, code, at, payload, key, sink, metadata "
            "FROM dead_letters WHERE id > $1 AND ($2::text IS NULL OR source = $2) AND "
            "($3::text IS NULL OR stage = $3) ORDER BY id LIMIT $4",
            after,
            source,
            stage.value if stage is not None else None,
            limit,
        )
        return [
            DeadLetter(
                source=r["source"],
                stage=DeadLetterStage(r["stage"]),
                reason=r["reason"],
                code=r["code"],
                at=r["at"],
                payload=bytes(r["payload"]),
                key=r["key"],
                sink=r["sink"],
                metadata=json.loads(r["metadata"]),
                id=int(r["id"]),
            )
            for r in rows
        ]

    async def resolve_dead_letters(
        self, ids: Sequence[int], processed: Processed, *, sink: str | None = None
    ) -> list[int]:
        """Store what a replay made and drop the replayed dead letters, atomically."""
        rows = [record_row(r) for r in processed.records]

        async def run(conn: Conn) -> list[int]:
            seqs = await self._apply(conn, rows, processed, sink)
            await conn.execute("DELETE FROM dead_letters WHERE id = ANY($1::bigint[])", list(ids))
            return seqs

        return await self._write(run)

    # retention, stats ----------------------------------------------------------------------

    async def purge(
        self,
        rules: Sequence[PurgeRule],
        *,
        now: datetime,
        dead_letter_keep: timedelta | None = None,
    ) -> dict[str, int]:
        """Delete records each rule says are due (by their time, else when stored)."""

        async def run(conn: Conn) -> dict[str, int]:
            counts: dict[str, int] = {}
            for rule in rules:
                status = await conn.execute(
                    "DELETE FROM records WHERE COALESCE(time, stored_at) < $1 AND "
                    "($2::text IS NULL OR protection = $2) AND ($3::text IS NULL OR property = $3) "
                    "AND ($4::text IS NULL OR kind = $4)",
                    now - rule.keep,
                    rule.data_class.value if rule.data_class is not None else None,
                    rule.property,
                    rule.kind,
                )
                counts[rule.label()] = int(str(status).rsplit(" ", 1)[-1])
            if dead_letter_keep is not None:
                status = await conn.execute(
                    "DELETE FROM dead_letters WHERE at < $1", now - dead_letter_keep
                )
                counts["dead-letters"] = int(str(status).rsplit(" ", 1)[-1])
            return counts

        return await self._write(run)

    async def stats(self) -> StoreStats:
        """Counts per table and each sink's lag."""
        (counts,) = await self._read(
            "SELECT (SELECT COUNT(*) FROM inbox WHERE NOT done) AS pending, "
            "(SELECT COUNT(*) FROM inbox) AS inbox, (SELECT COUNT(*) FROM records) AS records, "
            "(SELECT COUNT(DISTINCT series) FROM records) AS series, "
            "(SELECT COUNT(*) FROM outbox) AS head, "
            "(SELECT COUNT(*) FROM dead_letters) AS dead"
        )
        sinks = await self._read(
            "SELECT c.sink, (SELECT COUNT(*) FROM outbox o WHERE o.seq > c.seq AND "
            "(o.only_sink IS NULL OR o.only_sink = c.sink)) AS lag FROM cursors c ORDER BY 1"
        )
        audit = await self._read("SELECT action, field, sink, count FROM audit ORDER BY 1, 2, 3")
        return StoreStats(
            engine=self.engine,
            location=self.location,
            inbox_pending=int(counts["pending"]),
            inbox_total=int(counts["inbox"]),
            records=int(counts["records"]),
            series=int(counts["series"]),
            outbox=int(counts["head"]),
            dead_letters=int(counts["dead"]),
            sinks={r["sink"]: int(r["lag"]) for r in sinks},
            audit={f"{r['action']}/{r['field']}/{r['sink']}": int(r["count"]) for r in audit},
        )
