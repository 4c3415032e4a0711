"""A gateway-like child process for the crash tests: ingests, stores, delivers, gets killed.

Usage: crash_child.py STORE WORKDIR COUNT. Submits COUNT template sensor messages in small
batches (again from the start on every run: redeliveries must be stored once), appends the
key of every message whose submit returned to WORKDIR/acked (fsynced) and delivers to an
idempotent SQLite sink in WORKDIR/sink.sqlite3 that also logs every write. Prints
``ready`` once running and ``done`` once everything is processed and delivered.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from interop.adapters import Sink
from interop.model.records import Record, RecordAdapter
from interop.pipeline import Pipeline, Route, SinkBinding
from interop.pipeline.sources import message_key
from interop.registry import Registry
from interop.store import RawMessage, open_store

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class IdempotentSqliteSink(Sink):
    """Keeps one row per record id (an upsert) and logs every delivery attempt."""

    name = "idempotent"

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS kept (id TEXT PRIMARY KEY, body TEXT)")
        self.conn.execute("CREATE TABLE IF NOT EXISTS log (n INTEGER PRIMARY KEY, id TEXT)")

    async def write(self, records: Sequence[Record]) -> None:
        self.conn.execute("BEGIN")
        for record in records:
            self.conn.execute(
                "INSERT INTO kept (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE "
                "SET body = excluded.body",
                (record.id, RecordAdapter.dump_json(record).decode()),
            )
            self.conn.execute("INSERT INTO log (id) VALUES (?)", (record.id,))
        self.conn.execute("COMMIT")


def message(index: int) -> RawMessage:
    body = {
        "device": f"dev-{index % 7}",
        "time": (T0 + timedelta(seconds=index)).isoformat().replace("+00:00", "Z"),
        "readings": [
            {"property": "temperature", "value": index % 40, "unit": "Cel"},
            {"property": "humidity", "value": index % 100, "unit": "%"},
        ],
    }
    payload = json.dumps(body).encode()
    return RawMessage("template", message_key("template", payload), payload, T0)


async def main(store_location: str, workdir: Path, count: int) -> None:
    registry = Registry(strict=True).load()
    sink = IdempotentSqliteSink(workdir / "sink.sqlite3")
    acked = (workdir / "acked").open("a", encoding="utf-8")
    async with open_store(store_location) as store:
        binding = SinkBinding("idempotent", sink, "EEA", batch_size=50, from_start=True)
        async with Pipeline(
            store, registry, [Route("template", "template")], sinks=[binding], worker="crash-child"
        ) as pipeline:
            print("ready", flush=True)
            for start in range(0, count, 10):
                batch = [message(i) for i in range(start, min(start + 10, count))]
                await pipeline.submit(batch)
                acked.write("".join(m.key + "\n" for m in batch))
                acked.flush()
                os.fsync(acked.fileno())
            await pipeline.wait_processed()
            await pipeline.wait_delivered()
            print("done", flush=True)
            await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])))
