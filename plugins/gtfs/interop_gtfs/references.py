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

from collections.abc import Callable, Sequence

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

    def quiet_block(
        self,
        file: str,
        first_row: int,
        defines: tuple[str, Sequence[str], bool] | None,
        keyed: tuple[Sequence[str], Sequence[str], Callable[[str], str], bool] | None,
        refers: Sequence[tuple[str, Sequence[str], str]],
    ) -> bool:
        """Check a block of rows at once if none of them is noticed; False (nothing done) if not.

        Equivalent, for such a block, to the per-row calls in row order: ``defines`` is
        ``(kind, ids, unique)``, ``keyed`` ``(groups, local keys, key -> IRI, whether the
        keys are all distinct)`` (only the first and last run's keys are read) and ``refers``
        ``(kind, ids, column)`` per reference column, every sequence one item per row (an
        empty id is no reference). References to ids not read yet are deferred in row order.
        """
        own = None
        if defines is not None:
            own, ids, unique = defines
            known = self.ids.get(own)
            if (
                known is not None
                and unique
                and (len(set(ids)) != len(ids) or not known.isdisjoint(ids))
            ):
                return False
        deferred: list[tuple[int, int, tuple[str, str, str, int, str]]] = []
        for order, (kind, ids, column) in enumerate(refers):
            target = self.ids.get(kind)
            if target is None:
                continue
            if kind == own:
                return False
            missing = set(ids) - target
            missing.discard("")
            if not missing:
                continue
            if not self._pending[kind] & self.files:
                return False
            for index, local in enumerate(ids):
                if local in missing:
                    deferred.append((index, order, (kind, local, file, first_row + index, column)))
        if keyed is not None:
            groups, keys, mint, distinct = keyed
            if not distinct:  # stricter than per run: then row by row
                return False
            if groups and (file, groups[0]) == self._group:
                end = 1
                while end < len(groups) and groups[end] == groups[0]:
                    end += 1
                if not self._keys.isdisjoint(map(mint, keys[:end])):
                    return False
        if defines is not None:
            known = self.ids.get(defines[0])
            if known is not None:
                known.update(defines[1])
        if keyed is not None and keyed[0]:
            groups, keys, mint, _ = keyed
            last = groups[-1]
            start = len(groups)
            while start and groups[start - 1] == last:
                start -= 1
            run_keys = {mint(key) for key in keys[start:]}
            if start == 0 and (file, last) == self._group:
                self._keys |= run_keys
            else:
                self._keys = run_keys
            self._group = (file, last)
        deferred.sort(key=lambda item: (item[0], item[1]))
        self._deferred.extend(item[2] for item in deferred)
        return True

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
