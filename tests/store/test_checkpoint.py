"""The SQLite store checkpoints its write-ahead log in the background, off the commit path."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from datetime import UTC, datetime

from interop.store import Ingested, RawMessage
from interop.store.sqlite import SqliteStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_committed_rows_reach_the_database_file_without_a_commit_checkpointing(tmp_path):
    """After a burst of commits, the main file alone (no log) holds them: a background copy.

    The writer's own checkpoints start only past SAFETY_PAGES, far above this burst.
    """
    store = SqliteStore(tmp_path / "store")

    async def burst() -> int:
        async with store:
            for batch in range(20):
                items = [
                    Ingested(RawMessage("s", f"k{batch}-{i}", b"x" * 200, T0)) for i in range(50)
                ]
                await store.ingest(items)
            checkpointer = store._checkpointer
            assert checkpointer is not None
            seen = checkpointer.checkpoints
            deadline = time.monotonic() + 10
            while checkpointer.checkpoints < seen + 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)  # a full pass after the last commit
            copy = tmp_path / "copy.sqlite3"
            shutil.copyfile(store.path, copy)  # the database file only, not its -wal
            conn = sqlite3.connect(copy)
            try:
                return int(conn.execute("SELECT count(*) FROM inbox").fetchone()[0])
            finally:
                conn.close()

    assert asyncio.run(burst()) == 1000
