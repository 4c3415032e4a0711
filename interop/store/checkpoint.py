"""WAL checkpoints in a thread of their own, off the writers' commit path.

SQLite copies the write-ahead log back into the database (a checkpoint) inside the commit
that pushes the log past ``wal_autocheckpoint`` pages, while that commit holds the write
lock: every thousand pages or so one commit takes several times longer, and every other
writer (another gateway worker) waits for it. Here a background connection checkpoints
``PASSIVE``ly (never blocking readers or writers) a few times a second, so commits only
append to the log; a page rewritten by many commits is copied back once. The writers keep
a high ``wal_autocheckpoint`` as a safety net should this thread fall behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

__all__ = ["SAFETY_PAGES", "WalCheckpointer"]

log = logging.getLogger("interop.store.sqlite")

SAFETY_PAGES = 16384
"""Log pages (64 MiB at 4 KiB) past which a commit checkpoints in line after all."""


class WalCheckpointer:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` every ``interval`` seconds until closed."""

    def __init__(
        self, connect: Callable[[], sqlite3.Connection], *, interval: float = 0.2, name: str = ""
    ) -> None:
        self._connect = connect
        self._interval = interval
        self._stop = threading.Event()
        self.checkpoints = 0
        """Checkpoints run (for tests)."""
        self._thread = threading.Thread(
            target=self._run, name=f"{name or 'sqlite'}-checkpoint", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        try:
            conn = self._connect()
        except Exception as exc:  # the writers' own safety net still checkpoints
            log.warning("no background checkpoints: %s", exc)
            return
        try:
            while not self._stop.wait(self._interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error as exc:  # busy (another process checkpoints) or gone
                    log.debug("checkpoint skipped: %s", exc)
        finally:
            conn.close()

    def close(self) -> None:
        """Stop after the checkpoint in progress (the last commits stay in the log: durable)."""
        self._stop.set()
        self._thread.join()
