"""Durability under SIGKILL: a real child process ingests and is killed at random points.

After every restart, each message whose ``submit`` had returned is in the store exactly
once, and delivery resumes from the cursor: the idempotent sink ends with every stored
record, none missing and none twice. Bounded: a fixed number of kills, each within a few
seconds.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from interop.store import open_store

CHILD = Path(__file__).with_name("crash_child.py")
COUNT = 800
KILLS = 5


def _start(store: str, workdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), store, str(workdir), str(COUNT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "INTEROP_PLUGINS": "template"},
    )


def _wait_for(process: subprocess.Popen[str], word: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.strip() == word:
            return
        if not line and process.poll() is not None:
            raise AssertionError(f"child exited {process.returncode}: {process.stderr.read()}")  # type: ignore[union-attr]
    raise AssertionError(f"child did not print {word!r} within {timeout} s")


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def _crash_and_check(store: str, workdir: Path) -> None:
    rng = random.Random(20261203)
    for _ in range(KILLS):
        child = _start(store, workdir)
        _wait_for(child, "ready", 60)
        time.sleep(rng.uniform(0.02, 1.0))
        _kill(child)
    child = _start(store, workdir)
    try:
        _wait_for(child, "done", 120)
    finally:
        _kill(child)

    acked = set((workdir / "acked").read_text().split())
    assert acked, "no message was ever acknowledged"

    async def stored() -> tuple[set[str], list[str], int]:
        async with open_store(store) as opened:
            stats = await opened.stats()
            ids: list[str] = []
            after = 0
            while rows := await opened.scan(after=after, limit=5000):
                ids += [r.id for _, r in rows]
                after = rows[-1][0]
            keys = {
                m.message.key
                for m in await opened.claim(
                    10_000, worker="x", lease=__import__("datetime").timedelta(seconds=1)
                )
            }
            assert not keys, "messages left unprocessed"
            return set(ids), ids, stats.inbox_total

    unique, ids, inbox = asyncio.run(stored())
    assert len(ids) == len(unique), "a record is stored twice"
    assert inbox == COUNT  # every message once, whatever was redelivered
    assert len(unique) == 2 * COUNT  # two readings per message, each once
    sink = sqlite3.connect(workdir / "sink.sqlite3")
    kept = {row[0] for row in sink.execute("SELECT id FROM kept")}
    writes = sink.execute("SELECT COUNT(*) FROM log").fetchone()[0]
    assert kept == unique, "the sink misses records or holds records the store lacks"
    assert writes >= len(kept)  # at-least-once: redeliveries possible, losses not


def test_sigkill_sqlite(tmp_path):
    _crash_and_check(str(tmp_path / "store"), tmp_path)


def test_sigkill_postgresql(tmp_path, postgres_dsn):
    _crash_and_check(postgres_dsn, tmp_path)
