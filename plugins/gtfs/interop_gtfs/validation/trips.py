"""Checks of a whole trip against the other files: speed, shape, stops used, blocks.

:class:`TripChecks` is called once per trip (its stop times sorted) by the second pass over
stop_times.txt. It looks stops, routes and shapes up in the :class:`FeedIndex`, keeps only
what the feed-wide checks need (stops used, each block trip's first and last times), and
:meth:`TripChecks.finish` reports unused stops and overlapping block trips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import NamedTuple

from interop_gtfs.validation.calendars import ServiceCalendar
from interop_gtfs.validation.geo import distance_m
from interop_gtfs.validation.index import FeedIndex
from interop_gtfs.validation.notices import Notices
from interop_gtfs.validation.shapes import Shape
from interop_gtfs.validation.stop_times import INVALID_TIME, StopTime
from interop_gtfs.validation.travel import FastTravel, fast_travel, max_speed_kph

__all__ = ["TripChecks"]

_FILE = "stop_times.txt"
_STOP_TO_SHAPE_M = 100.0
"""A stop further than this from its trip's shape is reported (MobilityData's default)."""
_SHAPE_END_THRESHOLD_M = 11.1
"""A trip longer than its shape by less than this is a warning only (MobilityData)."""
_STATION = 1


class _Interval(NamedTuple):
    first_arrival: int
    first_departure: int
    last_arrival: int
    last_departure: int
    trip_id: str


def _time(value: int | None) -> int | None:
    return None if value is None or value == INVALID_TIME else value


@dataclass(slots=True)
class TripChecks:
    """The per-trip hook and the feed-wide checks that follow from every trip."""

    index: FeedIndex
    shapes: dict[str, Shape]
    calendar: ServiceCalendar
    notices: Notices
    used_stops: set[str] = field(default_factory=set)
    blocks: dict[str, list[_Interval]] = field(default_factory=dict)
    _checked_pairs: set[tuple[str, str]] = field(default_factory=set)
    _speed_cache: dict[int, list[FastTravel]] = field(default_factory=dict)

    def __call__(self, trip_id: str, group: list[StopTime]) -> None:
        """Check one trip (stop times sorted by stop_sequence)."""
        for stop_time in group:
            if stop_time.stop_id:
                self.used_stops.add(stop_time.stop_id)
        self._unexpected_locations(trip_id, group)
        trip = self.index.trips.get(trip_id)
        if trip is None:
            return
        self._speed(trip_id, trip.route_id, trip.row, group)
        shape = self.shapes.get(trip.shape_id) if trip.shape_id else None
        if shape is not None:
            self._shape(trip_id, trip.shape_id, trip.row, shape, group)
        if trip.block_id:
            self._remember_block(trip_id, trip.block_id, group)

    def _unexpected_locations(self, trip_id: str, group: list[StopTime]) -> None:
        for stop_time in group:
            stop = self.index.stops.get(stop_time.stop_id)
            if stop is not None and stop.location_type != 0:
                self.notices.add(
                    "location_with_unexpected_stop_time",
                    f"trip {trip_id} calls at {stop_time.stop_id}, of location_type "
                    f"{stop.location_type} (only stops and platforms, type 0, are served)",
                    _FILE,
                    stop_time.row,
                    "stop_id",
                    details={"tripId": trip_id, "stopId": stop_time.stop_id},
                )

    def _speed(self, trip_id: str, route_id: str, trip_row: int, group: list[StopTime]) -> None:
        positions = [self.index.position(st.stop_id) for st in group]
        if len(group) < 2 or any(p is None for p in positions):
            return
        arrivals = [_time(st.arrival) for st in group]
        departures = [_time(st.departure) for st in group]
        key = hash((route_id, tuple((st.stop_id, st.arrival, st.departure) for st in group)))
        found = self._speed_cache.get(key)
        if found is None:
            gaps = [
                distance_m(a[0], a[1], b[0], b[1]) / 1000
                for a, b in pairwise(p for p in positions if p is not None)
            ]
            limit = max_speed_kph(self.index.route_types.get(route_id))
            found = fast_travel(gaps, arrivals, departures, limit)
            self._speed_cache[key] = found
        for far, first, second, speed, distance in found:
            one, two = group[first], group[second]
            code = (
                "fast_travel_between_far_stops" if far else "fast_travel_between_consecutive_stops"
            )
            self.notices.add(
                code,
                f"trip {trip_id}: {speed:.0f} km/h over {distance:.2f} km from stop "
                f"{one.stop_id} to {two.stop_id}",
                _FILE,
                two.row,
                "arrival_time",
                details={
                    "tripCsvRowNumber": trip_row,
                    "tripId": trip_id,
                    "routeId": route_id,
                    "speedKph": round(speed, 2),
                    "distanceKm": round(distance, 3),
                    "csvRowNumber1": one.row,
                    "stopSequence1": one.sequence,
                    "stopId1": one.stop_id,
                    "csvRowNumber2": two.row,
                    "stopSequence2": two.sequence,
                    "stopId2": two.stop_id,
                },
            )

    def _shape(
        self, trip_id: str, shape_id: str, trip_row: int, shape: Shape, group: list[StopTime]
    ) -> None:
        for stop_time in group:
            pair = (shape_id, stop_time.stop_id)
            position = self.index.position(stop_time.stop_id)
            if position is None or pair in self._checked_pairs:
                continue
            self._checked_pairs.add(pair)
            far = shape.distance_if_far(position[0], position[1], _STOP_TO_SHAPE_M)
            if far is None:
                continue
            self.notices.add(
                "stop_too_far_from_shape",
                f"stop {stop_time.stop_id} is {far:.0f} m from shape {shape_id} (trip {trip_id})",
                _FILE,
                stop_time.row,
                "stop_id",
                details={
                    "tripCsvRowNumber": trip_row,
                    "shapeId": shape_id,
                    "tripId": trip_id,
                    "stopTimeCsvRowNumber": stop_time.row,
                    "stopId": stop_time.stop_id,
                    "stopName": self.index.stops[stop_time.stop_id].name,
                    "geoDistanceToShape": round(far, 1),
                },
            )
        self._trip_longer_than_shape(trip_id, shape_id, trip_row, shape, group)

    def _trip_longer_than_shape(
        self, trip_id: str, shape_id: str, trip_row: int, shape: Shape, group: list[StopTime]
    ) -> None:
        distances = [st.distance for st in group if st.distance is not None]
        if not distances or shape.max_distance is None or max(distances) <= shape.max_distance:
            return
        last = self.index.position(group[-1].stop_id)
        if last is None:
            return
        apart = distance_m(last[0], last[1], shape.lats[-1], shape.lons[-1])
        code = "trip_distance_exceeds_shape_distance"
        if apart <= _SHAPE_END_THRESHOLD_M:
            code += "_below_threshold"
        self.notices.add(
            code,
            f"trip {trip_id} travels {max(distances):g} along shape {shape_id}, which ends at "
            f"{shape.max_distance:g}",
            "trips.txt",
            trip_row,
            "shape_id",
            details={
                "tripId": trip_id,
                "shapeId": shape_id,
                "maxTripDistanceTraveled": max(distances),
                "maxShapeDistanceTraveled": shape.max_distance,
                "geoDistanceToShape": round(apart, 1),
            },
        )

    def _remember_block(self, trip_id: str, block_id: str, group: list[StopTime]) -> None:
        first, last = group[0], group[-1]
        times = (
            _time(first.arrival),
            _time(first.departure),
            _time(last.arrival),
            _time(last.departure),
        )
        if None in times:
            return
        a, b, c, d = (t for t in times if t is not None)
        self.blocks.setdefault(block_id, []).append(_Interval(a, b, c, d, trip_id))

    def finish(self) -> None:
        """Report unused stops and stations, and block trips that overlap on a service date."""
        self._unused_stops()
        for block_id, intervals in self.blocks.items():
            self._overlaps(block_id, intervals)

    def _unused_stops(self) -> None:
        used_parents = {
            self.index.stops[s].parent for s in self.used_stops if s in self.index.stops
        }
        for stop_id, stop in self.index.stops.items():
            if stop.location_type == 0 and stop_id not in self.used_stops:
                self.notices.add(
                    "stop_without_stop_time",
                    f"no trip calls at stop {stop_id}",
                    "stops.txt",
                    stop.row,
                    "stop_id",
                    details={"stopId": stop_id, "stopName": stop.name},
                )
            elif stop.location_type == _STATION and stop_id not in used_parents:
                self.notices.add(
                    "unused_station",
                    f"no trip calls at a stop of station {stop_id}",
                    "stops.txt",
                    stop.row,
                    "stop_id",
                    details={"stopId": stop_id, "stopName": stop.name},
                )

    def _overlaps(self, block_id: str, intervals: list[_Interval]) -> None:
        intervals.sort(key=lambda interval: (interval.first_arrival, interval.last_departure))
        for i, one in enumerate(intervals):
            for two in intervals[i + 1 :]:
                if one.last_departure <= two.first_arrival:
                    break
                if (one.last_arrival, one.last_departure) == (
                    two.first_arrival,
                    two.first_departure,
                ):
                    continue
                day = self._common_date(one.trip_id, two.trip_id)
                if day is not None:
                    self._overlap(block_id, one.trip_id, two.trip_id, day)

    def _common_date(self, trip_a: str, trip_b: str) -> date | None:
        service_a = self.index.trips[trip_a].service_id
        service_b = self.index.trips[trip_b].service_id
        common = self.calendar.dates(service_a) & self.calendar.dates(service_b)
        return min(common) if common else None

    def _overlap(self, block_id: str, trip_a: str, trip_b: str, day: date) -> None:
        a, b = self.index.trips[trip_a], self.index.trips[trip_b]
        self.notices.add(
            "block_trips_with_overlapping_stop_times",
            f"trips {trip_a} and {trip_b} of block {block_id} overlap on {day:%Y%m%d}",
            "trips.txt",
            b.row,
            "block_id",
            details={
                "csvRowNumberA": a.row,
                "tripIdA": trip_a,
                "serviceIdA": a.service_id,
                "csvRowNumberB": b.row,
                "tripIdB": trip_b,
                "serviceIdB": b.service_id,
                "blockId": block_id,
                "intersection": f"{day:%Y%m%d}",
            },
        )
