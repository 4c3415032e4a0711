"""Pause Python's cyclic garbage collector while a block of rows is built.

Reading a block makes tens of thousands of small lists and tuples at once, none of them in a
reference cycle; each few hundred allocations trigger a collection that walks every young
object, which costs a read about a fifth of its time. The pause covers the building of one
block only (never a ``yield`` to the caller) and restores the collector's previous state, so
garbage made meanwhile is collected by the next collection as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]


@contextmanager
def collection_paused() -> Iterator[None]:
    """Disable automatic collection for the ``with`` body, then restore it if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
