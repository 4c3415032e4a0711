"""The embedded store: one SQLite file in WAL mode, zero set-up, group commit.

Writes go through one writer thread that groups concurrent operations into one transaction
(:mod:`interop.store.groupcommit`); reads use their own connection, which WAL lets run while
the writer commits. ``synchronous=FULL`` (durability ``full``) fsyncs the WAL at every
commit, so a returned ``accept`` or ``commit`` survives ``kill -9`` and an OS crash.
Several processes may open the same file (``busy_timeout`` waits for the write lock).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from interop.errors import StoreUnavailable, ValidationError
from interop.model.records import Record
from interop.store.checkpoint import SAFETY_PAGES, WalCheckpointer
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
from interop.store.groupcommit import GroupCommitter, Transaction
from interop.store.rows import RecordRow, load_record, metadata_json, record_row
from interop.store.timefmt import from_text, to_text

__all__ = ["SqliteStore"]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    received_at TEXT NOT NULL,
    payload BLOB,
    metadata TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claim_until REAL
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (seq) WHERE done = 0;
CREATE TABLE IF NOT EXISTS records (
    row INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    series TEXT NOT NULL,
    entity TEXT NOT NULL,
    property TEXT,
    time TEXT,
    protection TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_series ON records (series, time);
DROP INDEX IF EXISTS records_stored;
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    only_sink TEXT
);
CREATE TABLE IF NOT EXISTS cursors (
    sink TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until REAL
);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    code TEXT NOT NULL,
    at TEXT NOT NULL,
    payload BLOB NOT NULL,
    key TEXT,
    sink TEXT,
    metadata TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    action TEXT NOT NULL,
    field TEXT NOT NULL,
    sink TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (action, field, sink)
);
"""

_LATEST = """
SELECT r.body FROM records r
WHERE r.row = (
    SELECT x.row FROM records x WHERE x.series = r.series
    ORDER BY x.time DESC, x.row DESC LIMIT 1
)
"""


_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
_BEGIN_POLL = 0.0002
"""Seconds between two attempts at the write lock while another process holds it."""


class _SqliteTransaction(Transaction[sqlite3.Connection]):
    """Transactions of the writer thread; the write lock is polled, not waited for by SQLite.

    SQLite's own busy handler sleeps 1, 2, 5 ... 100 ms between attempts, so with several
    processes writing (gateway workers) a writer could sleep through the other's short
    gaps between commits: p99 waits of ~50 ms and stalls of ~0.6 s on this machine, against
    ~8 ms and ~14 ms when the lock is polled every 0.2 ms. Uncontended, the first attempt
    takes the lock and nothing sleeps.
    """

    def __init__(self, busy_timeout: float) -> None:
        self.busy_timeout = busy_timeout
        self._restore = f"PRAGMA busy_timeout = {round(busy_timeout * 1000)}"

    def begin(self, conn: sqlite3.Connection) -> None:
        deadline = time.monotonic() + self.busy_timeout
        conn.execute("PRAGMA busy_timeout = 0")  # statements inside keep the configured one
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode not in _BUSY or time.monotonic() >= deadline:
                        raise
                time.sleep(_BEGIN_POLL)
        finally:
            conn.execute(self._restore)

    def commit(self, conn: sqlite3.Connection) -> None:
        conn.execute("COMMIT")

    def rollback(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    def savepoint(self, conn: sqlite3.Connection) -> None:
        conn.execute("SAVEPOINT op")

    def release(self, conn: sqlite3.Connection) -> None:
        conn.execute("RELEASE op")

    def undo(self, conn: sqlite3.Connection) -> None:
        conn.execute("ROLLBACK TO op")
        conn.execute("RELEASE op")


class SqliteStore(Store):
    """The embedded default store: ``<data_dir>/interop.sqlite3``."""

    engine = "sqlite"

    def __init__(
        self,
        path: Path,
        *,
        durability: Durability = Durability.FULL,
        busy_timeout: float = 10.0,
    ) -> None:
        self.path = path if path.suffix else path / "interop.sqlite3"
        self.location = str(self.path)
        self.durability = durability
        self._busy_timeout = busy_timeout
        self._writer: GroupCommitter[sqlite3.Connection] | None = None
        self._reader: sqlite3.Connection | None = None
        self._read_lock = threading.Lock()
        self._checkpointer: WalCheckpointer | None = None

    # lifecycle -----------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=self._busy_timeout,
            )
        except sqlite3.Error as exc:
            raise StoreUnavailable(
                f"cannot open the store: {exc}", source=str(self.path), expected="a writable file"
            ) from exc
        conn.execute("PRAGMA journal_mode=WAL")
        level = "FULL" if self.durability is Durability.FULL else "NORMAL"
        conn.execute(f"PRAGMA synchronous={level}")
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")  # see interop.store.checkpoint
        return conn

    async def open(self) -> None:
        """Create the file and schema if needed; start the writer thread."""
        if self._writer is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create the data directory: {exc.strerror}",
                source=str(self.path.parent),
                expected="a writable directory",
            ) from exc
        writer = await asyncio.to_thread(self._connect)
        try:
            await asyncio.to_thread(writer.executescript, _SCHEMA)
        except sqlite3.Error as exc:
            writer.close()
            raise StoreUnavailable(
                f"cannot create the schema: {exc}", source=str(self.path)
            ) from exc
        self._reader = await asyncio.to_thread(self._connect)
        self._writer = GroupCommitter(writer, _SqliteTransaction(self._busy_timeout), name="sqlite")
        self._checkpointer = WalCheckpointer(self._connect)

    async def aclose(self) -> None:
        """Commit what is queued and close both connections."""
        writer, self._writer = self._writer, None
        checkpointer, self._checkpointer = self._checkpointer, None
        if checkpointer is not None:
            await asyncio.to_thread(checkpointer.close)
        if writer is not None:
            await asyncio.to_thread(writer.close)
            writer._conn.close()
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    @property
    def commits(self) -> int:
        """Transactions committed by this process (group commit makes it << messages)."""
        return self._writer.batches if self._writer is not None else 0

    async def _write(self, run: Callable[[sqlite3.Connection], T]) -> T:
        if self._writer is None:
            raise StoreUnavailable("the store is not open", source=self.location)
        try:
            return await self._writer.submit(run)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"commit failed: {exc}", source=self.location) from exc

    async def _read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        reader = self._reader
        if reader is None:
            raise StoreUnavailable("the store is not open", source=self.location)

        def run() -> list[tuple[Any, ...]]:
            with self._read_lock:
                return reader.execute(sql, args).fetchall()

        try:
            return await asyncio.to_thread(run)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"read failed: {exc}", source=self.location) from exc

    # inbox ---------------------------------------------------------------------------------

    async def accept(
        self,
        messages: Sequence[RawMessage],
        *,
        worker: str | None = None,
        lease: timedelta = timedelta(minutes=5),
    ) -> list[int | None]:
        """Insert new messages into the inbox (claimed by ``worker`` when given)."""
        until = time.time() + lease.total_seconds() if worker is not None else None
        rows = [
            (
                m.key,
                m.source,
                to_text(m.received_at),
                m.payload,
                metadata_json(m.metadata),
                worker,
                until,
            )
            for m in messages
        ]

        def run(conn: sqlite3.Connection) -> list[int | None]:
            seqs: list[int | None] = []
            for row in rows:
                cursor = conn.execute(
                    "INSERT INTO inbox (key, source, received_at, payload, metadata, "
                    "claimed_by, claim_until) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (key) DO NOTHING RETURNING seq",
                    row,
                )
                found = cursor.fetchone()
                seqs.append(int(found[0]) if found else None)
            return seqs

        return await self._write(run)

    async def claim(
        self, limit: int, *, worker: str, lease: timedelta, reclaim_own: bool = False
    ) -> list[InboxMessage]:
        """Claim the oldest unprocessed messages whose lease (if any) has expired."""
        now = time.time()

        def run(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
            return conn.execute(
                "UPDATE inbox SET claimed_by = ?, claim_until = ? WHERE seq IN ("
                " SELECT seq FROM inbox WHERE done = 0"
                " AND (claim_until IS NULL OR claim_until < ? OR (? AND claimed_by = ?))"
                " ORDER BY seq LIMIT ?)"
                " RETURNING seq, key, source, received_at, payload, metadata",
                (worker, now + lease.total_seconds(), now, reclaim_own, worker, limit),
            ).fetchall()

        rows = sorted(await self._write(run))
        return [
            InboxMessage(
                int(seq),
                RawMessage(source, key, bytes(payload or b""), from_text(at), json.loads(meta)),
            )
            for seq, key, source, at, payload, meta in rows
        ]

    async def commit(self, processed: Processed) -> list[int]:
        """Store records + outbox entries + dead letters, mark inbox entries done."""
        rows = [record_row(r) for r in processed.records]
        return await self._write(lambda conn: self._apply(conn, rows, processed, None))

    def _apply(
        self,
        conn: sqlite3.Connection,
        rows: Sequence[RecordRow],
        processed: Processed,
        only_sink: str | None,
    ) -> list[int]:
        stored_at = to_text(datetime.now(UTC))
        conn.executemany(
            "INSERT INTO records (id, kind, series, entity, property, time, protection, "
            "stored_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, series = excluded.series, "
            "entity = excluded.entity, property = excluded.property, time = excluded.time, "
            "protection = excluded.protection, stored_at = excluded.stored_at, "
            "body = excluded.body",
            [
                (
                    r.id,
                    r.kind,
                    r.series,
                    r.entity,
                    r.property,
                    to_text(r.time) if r.time else None,
                    r.protection,
                    stored_at,
                    r.body,
                )
                for r in rows
            ],
        )
        seqs: list[int] = []
        if rows:
            # one statement for all; AUTOINCREMENT keys of one writer's transaction are
            # consecutive, so the last one gives them all
            conn.executemany(
                "INSERT INTO outbox (record_id, only_sink) VALUES (?, ?)",
                [(r.id, only_sink) for r in rows],
            )
            last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
            seqs = list(range(last - len(rows) + 1, last + 1))
        if processed.dead_letters:
            self._insert_dead_letters(conn, processed.dead_letters)
        if processed.done:
            conn.executemany(
                "UPDATE inbox SET done = 1, payload = NULL, claimed_by = NULL, "
                "claim_until = NULL WHERE seq = ?",
                [(seq,) for seq in processed.done],
            )
        if processed.audit:
            conn.executemany(
                "INSERT INTO audit (action, field, sink, count) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (action, field, sink) DO UPDATE SET count = count + excluded.count",
                [(a, f, s, n) for (a, f, s), n in processed.audit.items()],
            )
        return seqs

    @staticmethod
    def _insert_dead_letters(conn: sqlite3.Connection, letters: Sequence[DeadLetter]) -> None:
        conn.executemany(
            "INSERT INTO dead_letters (source, stage, reason, code, at, payload, key, sink, "
            "metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    d.source,
                    d.stage.value,
                    d.reason,
                    d.code,
                    to_text(d.at),
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
        received = [to_text(i.message.received_at) for i in items]
        rows = [[record_row(r) for r in i.records] for i in items]
        extra_rows = [record_row(r) for r in extra]

        def run(conn: sqlite3.Connection) -> list[bool]:
            new: list[bool] = []
            keep: list[RecordRow] = list(extra_rows)
            letters: list[DeadLetter] = []
            for item, at, item_rows in zip(items, received, rows, strict=True):
                m = item.message
                found = conn.execute(
                    "INSERT INTO inbox (key, source, received_at, payload, metadata, done) "
                    "VALUES (?, ?, ?, NULL, ?, 1) ON CONFLICT (key) DO NOTHING RETURNING seq",
                    (m.key, m.source, at, metadata_json(m.metadata)),
                ).fetchone()
                new.append(found is not None)
                if found is not None:
                    keep.extend(item_rows)
                    if item.dead_letter is not None:
                        letters.append(item.dead_letter)
            self._apply(conn, keep, Processed(dead_letters=letters, audit=audit or {}), None)
            return new

        return await self._write(run)

    # records -------------------------------------------------------------------------------

    async def get(self, record_id: str) -> Record | None:
        """The stored record with this IRI."""
        rows = await self._read("SELECT body FROM records WHERE id = ?", (record_id,))
        return load_record(rows[0][0]) if rows else None

    async def history(
        self,
        series: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 1000,
    ) -> list[Record]:
        """One series' records in time order, within ``[start, end)``."""
        sql = "SELECT body FROM records WHERE series = ?"
        args: list[Any] = [series]
        if start is not None:
            sql += " AND time >= ?"
            args.append(to_text(start))
        if end is not None:
            sql += " AND time < ?"
            args.append(to_text(end))
        sql += " ORDER BY time, row LIMIT ?"
        args.append(limit)
        return [load_record(body) for (body,) in await self._read(sql, args)]

    async def latest(self, *, kind: str | None = None, limit: int = 1000) -> list[Record]:
        """The newest record of each series."""
        sql = _LATEST + (" AND r.kind = ?" if kind else "") + " ORDER BY r.series LIMIT ?"
        args: list[Any] = [kind, limit] if kind else [limit]
        return [load_record(body) for (body,) in await self._read(sql, args)]

    async def scan(self, *, after: int = 0, limit: int = 1000) -> list[tuple[int, Record]]:
        """Records in storage order after row ``after``."""
        rows = await self._read(
            "SELECT row, body FROM records WHERE row > ? ORDER BY row LIMIT ?", (after, limit)
        )
        return [(int(row), load_record(body)) for row, body in rows]

    # outbox --------------------------------------------------------------------------------

    async def register_sink(self, sink: str, *, from_start: bool = False) -> None:
        """Create ``sink``'s cursor if it has none."""
        _check_sink_name(sink)

        def run(conn: sqlite3.Connection) -> None:
            head = "0" if from_start else "(SELECT COALESCE(MAX(seq), 0) FROM outbox)"
            conn.execute(
                f"INSERT INTO cursors (sink, seq) VALUES (?, {head}) ON CONFLICT DO NOTHING",
                (sink,),
            )

        await self._write(run)

    async def pending(self, sink: str, *, limit: int) -> list[OutboxItem]:
        """Records after ``sink``'s cursor, in outbox order."""
        rows = await self._read(
            "SELECT o.seq, r.body FROM outbox o JOIN records r ON r.id = o.record_id "
            "WHERE o.seq > (SELECT seq FROM cursors WHERE sink = ?) "
            "AND (o.only_sink IS NULL OR o.only_sink = ?) ORDER BY o.seq LIMIT ?",
            (sink, sink, limit),
        )
        return [OutboxItem(int(seq), load_record(body)) for seq, body in rows]

    async def advance(self, sink: str, seq: int) -> None:
        """Move the cursor forward and drop outbox entries every sink has passed."""

        def run(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE cursors SET seq = MAX(seq, ?) WHERE sink = ?", (seq, sink))
            conn.execute("DELETE FROM outbox WHERE seq <= (SELECT MIN(seq) FROM cursors)")

        await self._write(run)

    async def acquire_sink(self, sink: str, *, worker: str, lease: timedelta) -> bool:
        """Take or renew the delivery lease of ``sink``."""
        now = time.time()

        def run(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE cursors SET lease_owner = ?, lease_until = ? WHERE sink = ? AND "
                "(lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)",
                (worker, now + lease.total_seconds(), sink, worker, now),
            )
            return cursor.rowcount == 1

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
        sql = (
            "SELECT id, source, stage, reason, code, at, payload, key, sink, metadata "
            "FROM dead_letters WHERE id > ?"
        )
        args: list[Any] = [after]
        if source is not None:
            sql += " AND source = ?"
            args.append(source)
        if stage is not None:
            sql += " AND stage = ?"
            args.append(stage.value)
        sql += " ORDER BY id LIMIT ?"
        args.append(limit)
        return [
            DeadLetter(
                source=src,
                stage=DeadLetterStage(stg),
                reason=reason,
                code=code,
                at=from_text(at),
                payload=bytes(payload),
                key=key,
                sink=sink,
                metadata=json.loads(meta),
                id=int(i),
            )
            for i, src, stg, reason, code, at, payload, key, sink, meta in await self._read(
                sql, args
            )
        ]

    async def resolve_dead_letters(
        self, ids: Sequence[int], processed: Processed, *, sink: str | None = None
    ) -> list[int]:
        """Store what a replay made and drop the replayed dead letters, atomically."""
        rows = [record_row(r) for r in processed.records]

        def run(conn: sqlite3.Connection) -> list[int]:
            seqs = self._apply(conn, rows, processed, sink)
            conn.executemany("DELETE FROM dead_letters WHERE id = ?", [(i,) for i in ids])
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

        def run(conn: sqlite3.Connection) -> dict[str, int]:
            counts: dict[str, int] = {}
            for rule in rules:
                sql = "DELETE FROM records WHERE COALESCE(time, stored_at) < ?"
                args: list[Any] = [to_text(now - rule.keep)]
                if rule.data_class is not None:
                    sql += " AND protection = ?"
                    args.append(rule.data_class.value)
                if rule.property is not None:
                    sql += " AND property = ?"
                    args.append(rule.property)
                if rule.kind is not None:
                    sql += " AND kind = ?"
                    args.append(rule.kind)
                counts[rule.label()] = conn.execute(sql, args).rowcount
            if dead_letter_keep is not None:
                counts["dead-letters"] = conn.execute(
                    "DELETE FROM dead_letters WHERE at < ?", (to_text(now - dead_letter_keep),)
                ).rowcount
            return counts

        return await self._write(run)

    async def stats(self) -> StoreStats:
        """Counts per table and each sink's lag."""
        (counts,) = await self._read(
            "SELECT (SELECT COUNT(*) FROM inbox WHERE done = 0), (SELECT COUNT(*) FROM inbox), "
            "(SELECT COUNT(*) FROM records), (SELECT COUNT(DISTINCT series) FROM records), "
            "(SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM dead_letters)"
        )
        sinks = await self._read(
            "SELECT c.sink, (SELECT COUNT(*) FROM outbox o WHERE o.seq > c.seq AND "
            "(o.only_sink IS NULL OR o.only_sink = c.sink)) FROM cursors c ORDER BY c.sink"
        )
        audit = await self._read("SELECT action, field, sink, count FROM audit ORDER BY 1, 2, 3")
        return StoreStats(
            engine=self.engine,
            location=self.location,
            inbox_pending=int(counts[0]),
            inbox_total=int(counts[1]),
            records=int(counts[2]),
            series=int(counts[3]),
            outbox=int(counts[4]),
            dead_letters=int(counts[5]),
            sinks={str(s): int(n) for s, n in sinks},
            audit={f"{a}/{f}/{s}": int(n) for a, f, s, n in audit},
        )


def _check_sink_name(sink: str) -> None:
    if not sink or len(sink) > 200:
        raise ValidationError("bad sink name", source=sink, expected="1 to 200 characters")
