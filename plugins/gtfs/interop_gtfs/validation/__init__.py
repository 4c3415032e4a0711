"""Validate a GTFS Schedule feed on its raw tables and report every problem found.

:func:`validate_feed` streams each file once (stop_times twice) through
:class:`~interop_gtfs.archive.FeedArchive` and :func:`~interop_gtfs.tables.read_table`; it
keeps identifiers, never whole rows, and never builds the canonical model. Notice codes and
severities follow MobilityData's gtfs-validator where the check is the same.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from interop.validate import Report
from interop_gtfs.archive import FeedArchive
from interop_gtfs.tables import Table
from interop_gtfs.validation.calendars import ServiceCalendar
from interop_gtfs.validation.files import check_files
from interop_gtfs.validation.index import FeedIndex, chain
from interop_gtfs.validation.notices import SEVERITIES, Notices
from interop_gtfs.validation.presentation import PresentationRules
from interop_gtfs.validation.rows import FeedState, RowHook, check_table, safe_rows
from interop_gtfs.validation.schema import FILE_ORDER, SPECS
from interop_gtfs.validation.semantics import FeedRules
from interop_gtfs.validation.shapes import Shape, ShapeCollector
from interop_gtfs.validation.stop_times import StopTimeCounter, check_trips
from interop_gtfs.validation.trips import TripChecks

__all__ = ["SEVERITIES", "validate_feed"]


def validate_feed(path: Path, *, notice_limit: int = 1000, today: date | None = None) -> Report:
    """Check the feed at ``path`` (zip or folder) and return a report of its notices.

    Raises :class:`~interop.errors.DecodeError` only when the input cannot be opened at all
    (no such path, not a zip, a zip bomb or path traversal); anything else is a notice. At
    most ``notice_limit`` notices are listed per code, the rest are counted. ``today`` is
    the date expiry is judged against (default: the current date).
    """
    notices = Notices(notice_limit)
    with FeedArchive(path) as archive:
        notices.extend(archive.notices)
        names = set(archive.files)
        check_files(names, notices)
        state = FeedState(notices)
        rules = FeedRules(state)
        index = FeedIndex()
        calendar = ServiceCalendar(today or date.today(), notices)
        shape_points = ShapeCollector()
        counter = StopTimeCounter()
        extra: dict[str, RowHook] = {"shapes.txt": shape_points, "stop_times.txt": counter}
        presentation = PresentationRules(notices)
        hooks = _hooks(rules.hooks(), presentation.hooks(), index.hooks(), calendar.hooks(), extra)
        shapes: dict[str, Shape] = {}
        for name in FILE_ORDER:
            if name not in names:
                continue
            rows, has_header = check_table(archive, name, SPECS[name], state, hooks.get(name))
            if name == "agency.txt":
                rules.finish_agency()
            elif name == "stops.txt":
                rules.finish_stops()
            elif name == "shapes.txt":
                shapes = shape_points.finish(notices)
            elif name == "stop_times.txt":
                _check_trip_usage(rules, counter, notices)
                trip_checks = TripChecks(index, shapes, calendar, notices)
                check_trips(archive, counter.per_trip, notices, trip_checks)
                if _GROUP_STOPS in names:
                    trip_checks.used_stops.update(_grouped_stops(archive))
                trip_checks.finish()
            if rows == 0 and has_header and name in _MUST_HAVE_ROWS:
                notices.add("empty_file", "a required file has no rows", name)
        if "trips.txt" in names and "stop_times.txt" not in names:
            _check_trip_usage(rules, counter, notices)
        rules.finish()
        presentation.finish()
        calendar.finish()
    return Report(str(path), state.checked, notices.issues())


_GROUP_STOPS = "location_group_stops.txt"


def _grouped_stops(archive: FeedArchive) -> set[str]:
    """Stops a GTFS-Flex location group serves (they are used without a stop time)."""
    rows = safe_rows(archive, _GROUP_STOPS, Table(_GROUP_STOPS), Notices())
    return {r.get("stop_id", "").strip() for _, r in rows}


def _hooks(*tables: dict[str, RowHook]) -> dict[str, RowHook]:
    """One row hook per file, calling the hooks of every table in order."""
    names = {name for table in tables for name in table}
    return {name: chain(*(table[name] for table in tables if name in table)) for name in names}


_MUST_HAVE_ROWS = frozenset(
    {"agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt"}
)


def _check_trip_usage(rules: FeedRules, counter: StopTimeCounter, notices: Notices) -> None:
    """Trips with no stop_times are unused; with one, unusable (a trip needs two stops)."""
    for trip_id, row in rules.trip_rows.items():
        count = counter.per_trip.get(trip_id, 0)
        if count == 0:
            notices.add("unused_trip", f"trip {trip_id} has no stop_times", "trips.txt", row)
        elif count == 1:
            notices.add("unusable_trip", f"trip {trip_id} has one stop_time", "trips.txt", row)
