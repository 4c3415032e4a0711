"""Per-trip checks of stop_times.txt in bounded memory: sequences, edges, times, distances.

stop_times is the largest file and is often, but not always, grouped by trip. A first pass
(the generic table check) counts rows per trip; a second pass buffers each trip's compact
tuples only until its last row is read, then checks and frees it. A feed grouped by trip
therefore holds one trip at a time; an unsorted one degrades gracefully to all trips.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from interop_gtfs.archive import FeedArchive
from interop_gtfs.tables import Table
from interop_gtfs.validation.formats import parse_number, parse_time
from interop_gtfs.validation.notices import Notices
from interop_gtfs.validation.rows import safe_rows

__all__ = ["INVALID_TIME", "StopTime", "StopTimeCounter", "TripHook", "check_trips"]

_FILE = "stop_times.txt"
INVALID_TIME = -1
"""Stands for a time that is present but malformed (already reported as invalid_time)."""
_INVALID = INVALID_TIME


class StopTime(NamedTuple):
    """The fields of one stop_times row the per-trip checks read (times in seconds)."""

    sequence: int
    row: int
    arrival: int | None
    departure: int | None
    distance: float | None
    flexible: bool
    stop_id: str
    timepoint: bool


_StopTime = StopTime

TripHook = Callable[[str, list[StopTime]], None]
"""Called with a trip_id and its stop times sorted by stop_sequence, once per trip."""


class StopTimeCounter:
    """Row hook for the first pass: how many stop_times each trip has."""

    def __init__(self) -> None:
        self.per_trip: Counter[str] = Counter()

    def __call__(self, row: int, r: dict[str, str]) -> None:
        """Count one row of its trip."""
        self.per_trip[r.get("trip_id", "").strip()] += 1


def _time(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    seconds = parse_time(value)
    return _INVALID if seconds is None else seconds


def _parse(row: int, r: dict[str, str]) -> _StopTime | None:
    sequence = parse_number(r.get("stop_sequence", "").strip() or "x", "integer")
    if sequence is None:
        return None
    distance_text = r.get("shape_dist_traveled", "").strip()
    return _StopTime(
        int(sequence),
        row,
        _time(r.get("arrival_time", "")),
        _time(r.get("departure_time", "")),
        parse_number(distance_text, "float") if distance_text else None,
        bool(
            r.get("start_pickup_drop_off_window", "").strip()
            or r.get("end_pickup_drop_off_window", "").strip()
        ),
        r.get("stop_id", "").strip(),
        r.get("timepoint", "").strip() == "1",
    )


def check_trips(
    archive: FeedArchive,
    per_trip: Counter[str],
    notices: Notices,
    on_trip: TripHook | None = None,
) -> None:
    """Second pass over stop_times.txt: check each trip once all its rows are read.

    ``on_trip`` runs the cross-file checks (speed, shape, blocks) on each complete trip.
    """
    pending: dict[str, list[_StopTime]] = {}
    for row, r in safe_rows(archive, _FILE, Table(_FILE), Notices()):
        trip_id = r.get("trip_id", "").strip()
        stop_time = _parse(row, r)
        group = pending.setdefault(trip_id, [])
        if stop_time is not None:
            group.append(stop_time)
            _check_row(stop_time, notices)
        per_trip[trip_id] -= 1
        if per_trip[trip_id] <= 0:
            _check_trip(trip_id, pending.pop(trip_id), notices, on_trip)
    for trip_id, group in pending.items():
        _check_trip(trip_id, group, notices, on_trip)


def _check_row(stop_time: _StopTime, notices: Notices) -> None:
    if (stop_time.arrival is None) != (stop_time.departure is None):
        missing = "arrival_time" if stop_time.arrival is None else "departure_time"
        notices.add(
            "stop_time_with_only_arrival_or_departure_time",
            "arrival_time and departure_time must both be given or both be empty",
            _FILE,
            stop_time.row,
            missing,
        )
    if stop_time.timepoint and stop_time.arrival is None and stop_time.departure is None:
        notices.add(
            "stop_time_timepoint_without_times",
            "a timepoint (timepoint=1) needs arrival_time and departure_time",
            _FILE,
            stop_time.row,
            "arrival_time",
        )


def _check_trip(
    trip_id: str, group: list[_StopTime], notices: Notices, on_trip: TripHook | None
) -> None:
    if not trip_id or not group:
        return
    group.sort()
    _check_times(trip_id, group, notices)
    if on_trip is not None:
        on_trip(trip_id, group)


def _check_times(trip_id: str, group: list[_StopTime], notices: Notices) -> None:
    _check_edges(trip_id, group, notices)
    previous: _StopTime | None = None
    last_departure: int | None = None
    last_distance: float | None = None
    for stop_time in group:
        if previous is not None and stop_time.sequence == previous.sequence:
            notices.add(
                "duplicate_key",
                f"trip_id {trip_id} stop_sequence {stop_time.sequence} already at row "
                f"{previous.row}",
                _FILE,
                stop_time.row,
                "stop_sequence",
            )
        arrival = stop_time.arrival
        if arrival is not None and last_departure is not None and 0 <= arrival < last_departure:
            notices.add(
                "stop_time_with_arrival_before_previous_departure_time",
                f"trip_id {trip_id} arrives before the previous stop's departure",
                _FILE,
                stop_time.row,
                "arrival_time",
            )
        if stop_time.departure is not None and stop_time.departure >= 0:
            last_departure = stop_time.departure
        distance = stop_time.distance
        if distance is not None and last_distance is not None and distance <= last_distance:
            notices.add(
                "decreasing_or_equal_stop_time_distance",
                f"trip_id {trip_id}: {distance:g} after {last_distance:g}",
                _FILE,
                stop_time.row,
                "shape_dist_traveled",
            )
        if distance is not None:
            last_distance = distance
        previous = stop_time


def _check_edges(trip_id: str, group: list[_StopTime], notices: Notices) -> None:
    """The first and last stop of a trip must have both times (unless it is a Flex window)."""
    edges = [group[0]] if len(group) == 1 else [group[0], group[-1]]
    for edge in edges:
        if edge.flexible:
            continue
        for column, value in (("arrival_time", edge.arrival), ("departure_time", edge.departure)):
            if value is None:
                notices.add(
                    "missing_trip_edge",
                    f"trip_id {trip_id}: first and last stops need {column}",
                    _FILE,
                    edge.row,
                    column,
                )
