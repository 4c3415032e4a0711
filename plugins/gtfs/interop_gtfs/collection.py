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
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["collection_paused", "paused_items"]

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


def paused_items(items: Iterator[T]) -> Generator[T]:
    """The items of ``items``, each one made with automatic collection paused.

    Closing this generator closes ``items`` (a generator holding a file, say) at once.
    """
    try:
        while True:
            with collection_paused():
                item = next(items, _END)
            if item is _END:
                return
            yield item
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()


_END: Any = object()
