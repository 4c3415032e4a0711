"""Pause Python's cyclic garbage collector while a block of rows is built.

Reading a block makes tens of thousands of small lists and tuples at once, none of them in a
reference cycle; every 700 allocations trigger a collection, and as the read tables pile up
the full collections walk all of them (on the NYC subway feed about half of a read + write's
time went to the collector). The pause covers the making of one item only (never a ``yield``
to the caller's code) and restores the collector's previous state, so garbage made
meanwhile is collected by the next collection as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["PausedItems", "collection_paused", "paused_items"]

T = TypeVar("T")


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


class PausedItems(Iterator[T]):
    """The items of an iterator of the project's own code, each made with collection paused.

    Between items the collector runs as usual. A consumer that itself runs only project
    code between items (the GTFS writer) may hold the pause across the whole stream: then
    the collector runs once at the end instead of once per item, walking the tables that
    are still alive each time. Closing closes ``items`` (a generator holding a file) at once.
    """

    def __init__(self, items: Iterator[T]) -> None:
        self._items = items

    def __iter__(self) -> PausedItems[T]:
        return self

    def __next__(self) -> T:
        with collection_paused():
            item = next(self._items, _END)
        if item is _END:
            self.close()
            raise StopIteration
        result: T = item
        return result

    def close(self) -> None:
        """Close the underlying iterator now (idempotent)."""
        close = getattr(self._items, "close", None)
        if close is not None:
            close()


def paused_items(items: Iterator[T]) -> PausedItems[T]:
    """The items of ``items``, each one made with automatic collection paused."""
    return PausedItems(items)


_END: Any = object()
