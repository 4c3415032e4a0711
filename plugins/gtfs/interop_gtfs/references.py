"""Duplicate ids and references to missing rows, noticed while the reader streams a feed.

The reader keeps every record (the data is the producer's, and the round trip must stay
lossless) but says what MobilityData's validator would say: ``duplicate_key`` for a second
row with the same id, ``foreign_key_violation`` for a reference to an id no row defines.
Only ids are kept, never rows; a reference to a file not read yet is checked at the end.
Rows without an id column (``stop_times.txt``) are checked for a repeated key within each
run of rows sharing their first key column (one trip's stop times), which is how feeds
are laid out, so memory stays bounded by the longest trip.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["DEFINED_BY", "ReferenceCheck"]

DEFINED_BY: dict[str, tuple[str, ...]] = {
    "agency": ("agency.txt",),
    "stop": ("stops.txt",),
    "route": ("routes.txt",),
    "trip": ("trips.txt",),
    "service": ("calendar.txt", "calendar_dates.txt"),
    "shape": ("shapes.txt",),
    "level": ("levels.txt",),
    "fare": ("fare_attributes.txt",),
    "location_group": ("location_groups.txt",),
    "booking_rule": ("booking_rules.txt",),
}
"""Entity kind -> the files whose rows define ids of that kind."""

Notify = Callable[[str, str, str, int, str], None]
"""``(code, message, file, row, column)``."""


class ReferenceCheck:
    """Ids seen per kind, duplicates and dangling references reported through ``notify``."""

    def __init__(self, files: set[str], notify: Notify) -> None:
        self.files = files
        self.notify = notify
        self.ids: dict[str, set[str]] = {kind: set() for kind in DEFINED_BY}
        self._pending: dict[str, set[str]] = {
            kind: set(names) for kind, names in DEFINED_BY.items()
        }
        self._deferred: list[tuple[str, str, str, int, str]] = []
        self._group: tuple[str, str] = ("", "")
        self._keys: set[str] = set()

    def define(self, kind: str, local: str, file: str, row: int, column: str, unique: bool) -> None:
        """Register an id; a second row with the same id is a duplicate when ``unique``."""
        known = self.ids.get(kind)
        if known is None:
            return
        if unique and local in known:
            self.notify("duplicate_key", f"{column} {local!r} is defined twice", file, row, column)
        known.add(local)

    def keyed(self, file: str, group: str, key: str, row: int, column: str) -> None:
        """A keyless row's key (its derived id) within the run of rows of one ``group``."""
        if (file, group) != self._group:
            self._group = (file, group)
            self._keys = set()
        if key in self._keys:
            self.notify("duplicate_key", f"the key {key!r} repeats", file, row, column)
        self._keys.add(key)

    def finished(self, file: str) -> None:
        """``file`` has been read to its end: its kinds' id sets are complete for it."""
        for names in self._pending.values():
            names.discard(file)

    def refer(self, kind: str, local: str, file: str, row: int, column: str) -> None:
        """A reference from ``file`` row ``row`` to id ``local`` of ``kind``."""
        known = self.ids.get(kind)
        if known is None or local in known:
            return
        if self._pending[kind] & self.files:
            self._deferred.append((kind, local, file, row, column))
        else:
            self._dangling(kind, local, file, row, column)

    def finish(self) -> None:
        """Check the references whose target file was read after them."""
        for kind, local, file, row, column in self._deferred:
            if local not in self.ids[kind]:
                self._dangling(kind, local, file, row, column)
        self._deferred.clear()

    def _dangling(self, kind: str, local: str, file: str, row: int, column: str) -> None:
        self.notify(
            "foreign_key_violation",
            f"{column} {local!r} names no row of {' or '.join(DEFINED_BY[kind])}",
            file,
            row,
            column,
        )
