"""Shared fixtures of the pipeline tests."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest


@contextlib.contextmanager
def _held(path: Path) -> Iterator[None]:
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


@pytest.fixture
def write_lock() -> Callable[[Path], AbstractContextManager[None]]:
    """``with write_lock(store.path):`` another connection, as another process would, holds
    the SQLite store's write lock: commits fail (StoreUnavailable) until the block ends."""
    return _held
