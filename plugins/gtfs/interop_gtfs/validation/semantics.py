"""Rules the column table cannot express: conditional fields, station hierarchy, calendars.

:class:`FeedRules` gives a row hook per file and a :meth:`FeedRules.finish` for checks that
need the whole feed (a parent station defined later in stops.txt, a service never active).
State is ids and small integers only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from interop_gtfs.validation.formats import parse_date, parse_number, parse_time
from interop_gtfs.validation.notices import Notices
from interop_gtfs.validation.rows import FeedState, RowHook

__all__ = ["FeedRules"]

_SHORT_NAME_MAX = 12
"""MobilityData's limit for route_short_name before ``route_short_name_too_long``."""
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_STATION, _ENTRANCE, _NODE, _BOARDING_AREA = 1, 2, 3, 4
_NEEDS_NAME_AND_POSITION = frozenset({0, 1, 2})
_NEEDS_PARENT = frozenset({_ENTRANCE, _NODE, _BOARDING_AREA})
_EXPECTED_PARENT = {0: _STATION, _ENTRANCE: _STATION, _NODE: _STATION, _BOARDING_AREA: 0}
"""location_type of a stop -> the location_type its parent_station must have."""


def _get(row: dict[str, str], column: str) -> str:
    return row.get(column, "").strip()


def _clock(seconds: int) -> str:
    """``HH:MM:SS`` for seconds after the start of the service day."""
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _int(value: str, default: int) -> int:
    number = parse_number(value, "integer") if value else None
    return default if number is None else int(number)


def _check_point(
    notices: Notices, name: str, row: int, lat_column: str, lon_column: str, r: dict[str, str]
) -> None:
    """Report coordinates at (0, 0) or at a pole, which are almost always placeholders."""
    lat = parse_number(_get(r, lat_column), "float") if _get(r, lat_column) else None
    lon = parse_number(_get(r, lon_column), "float") if _get(r, lon_column) else None
    if lat is None or lon is None:
        return
    if abs(lat) <= 1.0 and abs(lon) <= 1.0:
        notices.add(
            "point_near_origin", f"({lat:g}, {lon:g}) is near (0, 0)", name, row, lat_column
        )
    elif 89.0 <= abs(lat) <= 90.0:
        notices.add("point_near_pole", f"latitude {lat:g} is at a pole", name, row, lat_column)


@dataclass(slots=True)
class FeedRules:
    """Table-specific rules; ``hooks()`` maps a file name to its row hook."""

    state: FeedState
    stop_types: dict[str, int] = field(default_factory=dict)
    parents: list[tuple[int, str, str, int]] = field(default_factory=list)
    agency_rows_without_id: list[int] = field(default_factory=list)
    agency_count: int = 0
    timezone: str | None = None
    calendar_rows: dict[str, tuple[int, bool]] = field(default_factory=dict)
    added_services: set[str] = field(default_factory=set)
    trip_rows: dict[str, int] = field(default_factory=dict)
    trip_shapes: set[str] = field(default_factory=set)
    shape_rows: dict[str, int] = field(default_factory=dict)
    frequencies: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)

    def hooks(self) -> dict[str, RowHook]:
        """The row hook of each file that has table-specific rules."""
        return {
            "agency.txt": self.agency,
            "stops.txt": self.stop,
            "routes.txt": self.route,
            "shapes.txt": self.shape_point,
            "calendar.txt": self.calendar,
            "calendar_dates.txt": self.calendar_date,
            "trips.txt": self.trip,
            "frequencies.txt": self.frequency,
            "feed_info.txt": self.feed_info,
        }

    @property
    def notices(self) -> Notices:
        """Where the rules report."""
        return self.state.notices

    def agency(self, row: int, r: dict[str, str]) -> None:
        """agency_id is required with several agencies; all share one timezone."""
        self.agency_count += 1
        if not _get(r, "agency_id"):
            self.agency_rows_without_id.append(row)
        zone = _get(r, "agency_timezone")
        if self.timezone is None:
            self.timezone = zone
        elif zone and zone != self.timezone:
            self.notices.add(
                "inconsistent_agency_timezone",
                f"{zone} differs from {self.timezone}",
                "agency.txt",
                row,
                "agency_timezone",
            )

    def finish_agency(self) -> None:
        """Report agencies without agency_id once the number of agencies is known."""
        if self.agency_count > 1:
            for row in self.agency_rows_without_id:
                self.notices.add(
                    "missing_required_field",
                    "required when there are several agencies",
                    "agency.txt",
                    row,
                    "agency_id",
                )

    def stop(self, row: int, r: dict[str, str]) -> None:
        """Name and position by location_type; parent_station presence; remember hierarchy."""
        name = "stops.txt"
        stop_id = _get(r, "stop_id")
        kind = _int(_get(r, "location_type"), 0)
        if stop_id:
            self.stop_types[stop_id] = kind
        if kind in _NEEDS_NAME_AND_POSITION:
            if not _get(r, "stop_name"):
                self.notices.add(
                    "missing_stop_name", f"location_type {kind}", name, row, "stop_name"
                )
            for column in ("stop_lat", "stop_lon"):
                if not _get(r, column):
                    self.notices.add(
                        "missing_required_field",
                        f"required for location_type {kind}",
                        name,
                        row,
                        column,
                    )
            _check_point(self.notices, name, row, "stop_lat", "stop_lon", r)
        stop_name = _get(r, "stop_name")
        if stop_name and stop_name.casefold() == _get(r, "stop_desc").casefold():
            self.notices.add(
                "same_name_and_description_for_stop",
                "stop_desc repeats stop_name",
                name,
                row,
                "stop_desc",
            )
        parent = _get(r, "parent_station")
        if kind == _STATION and parent:
            self.notices.add(
                "station_with_parent_station",
                "a station has no parent",
                name,
                row,
                "parent_station",
            )
        elif kind in _NEEDS_PARENT and not parent:
            self.notices.add(
                "location_without_parent_station",
                f"required for location_type {kind}",
                name,
                row,
                "parent_station",
            )
        elif parent:
            self.parents.append((row, stop_id, parent, kind))

    def finish_stops(self) -> None:
        """Check every parent_station exists and has the location_type its child needs."""
        for row, stop_id, parent, kind in self.parents:
            parent_kind = self.stop_types.get(parent)
            if parent_kind is None:
                self.notices.add(
                    "foreign_key_violation",
                    f"{parent!r} is not a known stop",
                    "stops.txt",
                    row,
                    "parent_station",
                )
            elif kind in _EXPECTED_PARENT and parent_kind != _EXPECTED_PARENT[kind]:
                self.notices.add(
                    "wrong_parent_location_type",
                    f"{stop_id} (location_type {kind}) has parent {parent} of location_type "
                    f"{parent_kind}, expected {_EXPECTED_PARENT[kind]}",
                    "stops.txt",
                    row,
                    "parent_station",
                )
        self.parents.clear()

    def route(self, row: int, r: dict[str, str]) -> None:
        """A route needs a short or a long name, and agency_id when agencies are several."""
        if not _get(r, "route_short_name") and not _get(r, "route_long_name"):
            self.notices.add(
                "route_both_short_and_long_name_missing",
                "no name",
                "routes.txt",
                row,
                "route_short_name",
            )
        if self.agency_count > 1 and not _get(r, "agency_id"):
            self.notices.add(
                "missing_required_field",
                "required when there are several agencies",
                "routes.txt",
                row,
                "agency_id",
            )
        self._route_names(row, r)

    def _route_names(self, row: int, r: dict[str, str]) -> None:
        """Names riders read: a short name that is short, a description that says more."""
        short, long = _get(r, "route_short_name"), _get(r, "route_long_name")
        if len(short) > _SHORT_NAME_MAX:
            self.notices.add(
                "route_short_name_too_long",
                f"{len(short)} characters (at most {_SHORT_NAME_MAX} recommended)",
                "routes.txt",
                row,
                "route_short_name",
            )
        if short and long and long.casefold().startswith(short.casefold()):
            self.notices.add(
                "route_long_name_contains_short_name",
                "route_long_name starts with route_short_name",
                "routes.txt",
                row,
                "route_long_name",
            )
        description = _get(r, "route_desc").casefold()
        if description and description in (short.casefold(), long.casefold()):
            self.notices.add(
                "same_name_and_description_for_route",
                "route_desc repeats a route name",
                "routes.txt",
                row,
                "route_desc",
            )

    def shape_point(self, row: int, r: dict[str, str]) -> None:
        """Shape points at (0, 0) or a pole; remember where each shape starts."""
        _check_point(self.notices, "shapes.txt", row, "shape_pt_lat", "shape_pt_lon", r)
        shape_id = _get(r, "shape_id")
        if shape_id:
            self.shape_rows.setdefault(shape_id, row)

    def calendar(self, row: int, r: dict[str, str]) -> None:
        """Dates in order; remember whether the service runs on any weekday."""
        self._date_range("calendar.txt", row, r, "start_date", "end_date")
        service = _get(r, "service_id")
        if service:
            active = any(_get(r, day) == "1" for day in _DAYS)
            self.calendar_rows.setdefault(service, (row, active))

    def calendar_date(self, row: int, r: dict[str, str]) -> None:
        """Remember services that calendar_dates adds on some date."""
        if _get(r, "exception_type") == "1":
            self.added_services.add(_get(r, "service_id"))

    def trip(self, row: int, r: dict[str, str]) -> None:
        """Remember where each trip is defined (for unused and unusable trips)."""
        trip_id = _get(r, "trip_id")
        if trip_id:
            self.trip_rows.setdefault(trip_id, row)
        shape_id = _get(r, "shape_id")
        if shape_id:
            self.trip_shapes.add(shape_id)

    def frequency(self, row: int, r: dict[str, str]) -> None:
        """start_time must come before end_time; remember the range for overlaps."""
        start = parse_time(_get(r, "start_time"))
        end = parse_time(_get(r, "end_time"))
        if start is None or end is None:
            return
        self.frequencies.setdefault(_get(r, "trip_id"), []).append((start, end, row))
        if start > end:
            self.notices.add(
                "start_and_end_range_out_of_order",
                "start_time after end_time",
                "frequencies.txt",
                row,
                "end_time",
            )
        elif start == end:
            self.notices.add(
                "start_and_end_range_equal",
                "start_time equals end_time",
                "frequencies.txt",
                row,
                "end_time",
            )

    def feed_info(self, row: int, r: dict[str, str]) -> None:
        """feed_start_date must not come after feed_end_date; one without the other is odd."""
        self._date_range("feed_info.txt", row, r, "feed_start_date", "feed_end_date")
        start, end = _get(r, "feed_start_date"), _get(r, "feed_end_date")
        if bool(start) != bool(end):
            missing = "feed_end_date" if start else "feed_start_date"
            self.notices.add(
                "missing_feed_info_date", f"{missing} is empty", "feed_info.txt", row, missing
            )

    def _date_range(self, name: str, row: int, r: dict[str, str], start: str, end: str) -> None:
        first, last = parse_date(_get(r, start)), parse_date(_get(r, end))
        if first is not None and last is not None and first > last:
            self.notices.add(
                "start_and_end_range_out_of_order",
                f"{start} {first} is after {end} {last}",
                name,
                row,
                end,
            )

    def _overlapping_frequencies(self) -> None:
        """Two headway periods of one trip must not overlap (MobilityData's rule)."""
        for trip_id, ranges in self.frequencies.items():
            ranges.sort()
            for (_, previous_end, previous_row), (start, _, row) in itertools.pairwise(ranges):
                if start < previous_end:
                    self.notices.add(
                        "overlapping_frequency",
                        f"trip {trip_id}: a period starts before the one at row "
                        f"{previous_row} ends",
                        "frequencies.txt",
                        row,
                        "start_time",
                        details={
                            "prevCsvRowNumber": previous_row,
                            "prevEndTime": _clock(previous_end),
                            "currCsvRowNumber": row,
                            "currStartTime": _clock(start),
                            "tripId": trip_id,
                        },
                    )

    def finish(self) -> None:
        """Checks over the whole feed: services that never run, shapes no trip follows."""
        self._overlapping_frequencies()
        for shape_id, row in self.shape_rows.items():
            if shape_id not in self.trip_shapes:
                self.notices.add(
                    "unused_shape",
                    f"no trip follows shape {shape_id}",
                    "shapes.txt",
                    row,
                    "shape_id",
                )
        for service, (row, active) in self.calendar_rows.items():
            if not active and service not in self.added_services:
                self.notices.add(
                    "service_never_active",
                    f"service {service} runs on no weekday and calendar_dates adds no date",
                    "calendar.txt",
                    row,
                    "service_id",
                )
