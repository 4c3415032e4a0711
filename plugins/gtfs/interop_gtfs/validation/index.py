"""What the cross-file checks need to know about stops, routes and trips, kept compact.

:class:`FeedIndex` is fed by row hooks while the generic checks stream stops.txt, routes.txt
and trips.txt; it keeps positions, names, route types and each trip's references (never
whole rows), so that the per-trip checks of stop_times.txt can look them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from interop_gtfs.validation.formats import parse_number
from interop_gtfs.validation.rows import RowHook

__all__ = ["FeedIndex", "StopInfo", "TripInfo", "chain"]


class StopInfo(NamedTuple):
    """A stop's row, name, location_type, parent and position (``None`` when not given)."""

    row: int
    name: str
    location_type: int
    parent: str
    lat: float | None
    lon: float | None


class TripInfo(NamedTuple):
    """A trip's row and the ids it refers to (empty strings when not given)."""

    row: int
    route_id: str
    service_id: str
    shape_id: str
    block_id: str


def _get(row: dict[str, str], column: str) -> str:
    return row.get(column, "").strip()


def _float(value: str) -> float | None:
    return parse_number(value, "float") if value else None


def chain(*hooks: RowHook) -> RowHook:
    """One row hook that calls ``hooks`` in order."""
    if len(hooks) == 1:
        return hooks[0]

    def call(row: int, r: dict[str, str]) -> None:
        for hook in hooks:
            hook(row, r)

    return call


@dataclass(slots=True)
class FeedIndex:
    """Stops, route types and trips by id, as the per-trip checks need them."""

    stops: dict[str, StopInfo] = field(default_factory=dict)
    route_types: dict[str, int] = field(default_factory=dict)
    route_rows: dict[str, int] = field(default_factory=dict)
    trips: dict[str, TripInfo] = field(default_factory=dict)

    def hooks(self) -> dict[str, RowHook]:
        """The row hook of each file the index reads."""
        return {"stops.txt": self.stop, "routes.txt": self.route, "trips.txt": self.trip}

    def stop(self, row: int, r: dict[str, str]) -> None:
        """Remember a stop's name, type, parent and position (first definition wins)."""
        stop_id = _get(r, "stop_id")
        if not stop_id or stop_id in self.stops:
            return
        kind = parse_number(_get(r, "location_type") or "0", "integer")
        self.stops[stop_id] = StopInfo(
            row,
            _get(r, "stop_name"),
            0 if kind is None else int(kind),
            _get(r, "parent_station"),
            _float(_get(r, "stop_lat")),
            _float(_get(r, "stop_lon")),
        )

    def route(self, row: int, r: dict[str, str]) -> None:
        """Remember a route's row and type."""
        route_id = _get(r, "route_id")
        if not route_id or route_id in self.route_rows:
            return
        self.route_rows[route_id] = row
        kind = parse_number(_get(r, "route_type") or "x", "integer")
        if kind is not None:
            self.route_types[route_id] = int(kind)

    def trip(self, row: int, r: dict[str, str]) -> None:
        """Remember a trip's row, route, service, shape and block."""
        trip_id = _get(r, "trip_id")
        if not trip_id or trip_id in self.trips:
            return
        self.trips[trip_id] = TripInfo(
            row,
            _get(r, "route_id"),
            _get(r, "service_id"),
            _get(r, "shape_id"),
            _get(r, "block_id"),
        )

    def position(self, stop_id: str) -> tuple[float, float] | None:
        """The stop's position, else its parent station's (as MobilityData's validator does)."""
        stop = self.stops.get(stop_id)
        for _ in range(3):
            if stop is None:
                return None
            if stop.lat is not None and stop.lon is not None:
                return stop.lat, stop.lon
            stop = self.stops.get(stop.parent) if stop.parent else None
        return None
