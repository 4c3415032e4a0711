"""Collect validation notices with bounded memory: a cap per code, then a count.

A broken national feed can repeat one mistake millions of times; keeping every notice would
defeat the streaming design. The first ``limit`` notices of each code are kept as samples
(as MobilityData's validator exports samples) and the rest are counted in one summary notice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from interop.validate import Issue, Severity

__all__ = ["SEVERITIES", "Notices"]

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

SEVERITIES: dict[str, Severity] = {
    # files and CSV structure
    "missing_required_file": _E,
    "missing_calendar_and_calendar_date_files": _E,
    "unknown_file": _I,
    "empty_file": _E,
    "csv_parsing_failed": _E,
    "duplicated_column": _E,
    "empty_column_name": _E,
    "unknown_column": _I,
    "missing_required_column": _E,
    "leading_or_trailing_whitespaces": _W,
    # fields
    "missing_required_field": _E,
    "invalid_integer": _E,
    "invalid_float": _E,
    "invalid_time": _E,
    "invalid_date": _E,
    "invalid_color": _E,
    "invalid_url": _E,
    "invalid_email": _E,
    "invalid_language_code": _E,
    "invalid_timezone": _E,
    "invalid_currency": _E,
    "number_out_of_range": _E,
    "unexpected_enum_value": _W,
    # keys and references
    "duplicate_key": _E,
    "foreign_key_violation": _E,
    # stops, routes, agencies
    "missing_stop_name": _E,
    "location_without_parent_station": _E,
    "station_with_parent_station": _E,
    "wrong_parent_location_type": _E,
    "point_near_origin": _E,
    "point_near_pole": _E,
    "route_both_short_and_long_name_missing": _E,
    "route_short_name_too_long": _W,
    "route_long_name_contains_short_name": _W,
    "same_name_and_description_for_route": _W,
    "same_name_and_description_for_stop": _W,
    "unused_shape": _W,
    "missing_feed_info_date": _W,
    "inconsistent_agency_timezone": _E,
    # schedule
    "missing_trip_edge": _E,
    "stop_time_with_only_arrival_or_departure_time": _E,
    "stop_time_with_arrival_before_previous_departure_time": _E,
    "decreasing_or_equal_stop_time_distance": _E,
    "unusable_trip": _W,
    "unused_trip": _W,
    "start_and_end_range_out_of_order": _E,
    "start_and_end_range_equal": _E,
    "service_never_active": _W,
    "stop_time_timepoint_without_times": _E,
    "location_with_unexpected_stop_time": _E,
    "stop_without_stop_time": _W,
    "unused_station": _I,
    "fast_travel_between_consecutive_stops": _W,
    "fast_travel_between_far_stops": _W,
    "block_trips_with_overlapping_stop_times": _E,
    # shapes
    "decreasing_shape_distance": _E,
    "equal_shape_distance_same_coordinates": _W,
    "equal_shape_distance_diff_coordinates": _E,
    "single_shape_point": _W,
    "stop_too_far_from_shape": _W,
    "trip_distance_exceeds_shape_distance": _E,
    "trip_distance_exceeds_shape_distance_below_threshold": _W,
    # rider-facing information
    "route_color_contrast": _W,
    "duplicate_route_name": _W,
    "same_route_and_agency_url": _W,
    "same_stop_and_agency_url": _W,
    "same_stop_and_route_url": _W,
    "platform_without_parent_station": _I,
    "inconsistent_agency_lang": _W,
    "feed_info_lang_and_agency_lang_mismatch": _W,
    "missing_feed_contact_email_and_url": _W,
    "attribution_without_role": _W,
    "overlapping_frequency": _E,
    # dates
    "expired_calendar": _W,
    "feed_expiration_date7_days": _W,
    "feed_expiration_date30_days": _W,
}
"""Every notice code this validator emits, with its severity (MobilityData's where it has one)."""


class Notices:
    """An append-only list of :class:`~interop.validate.Issue` with a cap per code."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._issues: list[Issue] = []
        self._counts: Counter[str] = Counter()
        self._severity: dict[str, Severity] = {}

    def add(
        self,
        code: str,
        message: str,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        severity: Severity | None = None,
        details: Mapping[str, str | int | float | bool] | None = None,
    ) -> None:
        """Record one notice (kept while its code is under the cap); severity from the table.

        ``details`` are the notice's own fields, named as in MobilityData's report.
        """
        severity = severity or SEVERITIES.get(code, Severity.ERROR)
        self._counts[code] += 1
        self._severity.setdefault(code, severity)
        if self._counts[code] <= self.limit:
            pairs = tuple(details.items()) if details else ()
            self._issues.append(Issue(severity, code, message, file, row, field, pairs))

    def extend(self, issues: list[Issue]) -> None:
        """Record notices produced elsewhere (archive and table reading)."""
        for issue in issues:
            self.add(
                issue.code,
                issue.message,
                issue.file,
                issue.row,
                issue.field,
                issue.severity,
                dict(issue.details),
            )

    def count(self, code: str) -> int:
        """How many notices of ``code`` were found, including those not kept."""
        return self._counts[code]

    def issues(self) -> tuple[Issue, ...]:
        """The kept notices, followed by one summary per code that exceeded the cap."""
        summaries = [
            Issue(
                self._severity[code],
                code,
                f"{count - self.limit} more {code} notices were found and not listed",
                details=(("moreNotices", count - self.limit),),
            )
            for code, count in sorted(self._counts.items())
            if count > self.limit
        ]
        return (*self._issues, *summaries)
