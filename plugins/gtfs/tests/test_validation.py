"""Tests for GTFS feed validation: corpus edge feeds, real feeds, one small feed per notice."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interop_gtfs.validation import SEVERITIES, validate_feed

from interop.errors import DecodeError
from interop.validate import Issue, Report, Severity

_BASE: dict[str, str] = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
    "A,Agency,https://a.example,Europe/Madrid\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
    "S1,One,40.4,-3.7,,\nS2,Two,40.5,-3.6,,\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type,route_color\n"
    "R1,A,1,,3,FF0000\n",
    "trips.txt": "route_id,service_id,trip_id\nR1,WD,T1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence,"
    "shape_dist_traveled\n"
    "T1,08:00:00,08:00:00,S1,1,0\nT1,08:10:00,08:10:00,S2,2,1.5\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\nWD,1,1,1,1,1,0,0,20240101,20241231\n",
}


_TODAY = date(2024, 6, 1)
"""The validation date of the fixtures (inside the base feed's calendar)."""
_TRANSITFEED_DAY = date(2008, 6, 1)
"""A date inside the service of Google's transitfeed test feeds (2007-2010)."""


def _validate(path: Path, **options: int) -> Report:
    """Validate ``path`` as on :data:`_TODAY`."""
    return validate_feed(path, today=_TODAY, **options)


def _feed(root: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the small valid base feed with ``changes`` (None deletes a file) into ``root``."""
    files: dict[str, str | bytes | None] = {**_BASE, **(changes or {})}
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is None:
            continue
        data = content.encode() if isinstance(content, str) else content
        (root / name).write_bytes(data)
    return root


def _codes(report: Report, severity: Severity | None = None) -> set[str]:
    return {i.code for i in report.issues if severity is None or i.severity is severity}


def _errors(report: Report) -> list[Issue]:
    return [i for i in report.issues if i.severity is Severity.ERROR]


def test_base_feed_is_clean(tmp_path: Path) -> None:
    report = _validate(_feed(tmp_path))
    assert report.issues == ()
    assert report.conforms
    assert report.checked == 8


def _stops(*rows: str) -> str:
    return "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n" + "".join(
        f"{row}\n" for row in rows
    )


def _times(*rows: str) -> str:
    header = "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
    return header + "".join(f"{row}\n" for row in rows)


_CAL_HEADER = _BASE["calendar.txt"].splitlines()[0] + "\n"
_FARES = "fare_id,price,currency_type,payment_method,transfers\n"
_TWO_STOPS = ("S1,One,40.4,-3.7,,", "S2,Two,40.5,-3.6,,")
_TIMEPOINT: dict[str, str | bytes | None] = {
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence,timepoint\n"
    "T1,08:00:00,08:00:00,S1,1,1\nT1,,,S2,2,1\nT1,08:20:00,08:20:00,S1,3,1\n"
}
_FAR_S2: dict[str, str | bytes | None] = {
    "stops.txt": _stops("S1,One,40.4,-3.7,,", "S2,Two,41.5,-3.6,,")
}
"""S2 122 km from S1, reached in ten minutes by bus."""
_BLOCK: dict[str, str | bytes | None] = {
    "trips.txt": "route_id,service_id,trip_id,block_id\nR1,WD,T1,B\nR1,WD,T2,B\n",
    "stop_times.txt": _times(
        "T1,08:00:00,08:00:00,S1,1,",
        "T1,08:10:00,08:10:00,S2,2,",
        "T2,08:05:00,08:05:00,S2,1,",
        "T2,08:15:00,08:15:00,S1,2,",
    ),
}


def _shaped(*points: str) -> dict[str, str | bytes | None]:
    """The base feed with T1 following shape SH through ``points``."""
    header = "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled\n"
    return {
        "shapes.txt": header + "".join(f"{point}\n" for point in points),
        "trips.txt": "route_id,service_id,trip_id,shape_id\nR1,WD,T1,SH\n",
    }


def _feed_info(
    end: str = "20241231", contact: str = "data@p.example"
) -> dict[str, str | bytes | None]:
    return {
        "feed_info.txt": "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,"
        f"feed_end_date,feed_contact_email\nP,https://p.example,es,20240101,{end},{contact}\n"
    }


def _agencies(*rows: str) -> str:
    return "agency_id,agency_name,agency_url,agency_timezone,agency_lang\n" + "".join(
        f"{row}\n" for row in rows
    )


def _routes(*rows: str) -> dict[str, str | bytes | None]:
    header = "route_id,agency_id,route_short_name,route_long_name,route_type,route_color,"
    return {"routes.txt": header + "route_text_color,route_url\n" + "".join(f"{r}\n" for r in rows)}


_Case = tuple[dict[str, str | bytes | None], str | None, int | None, str | None]
_CROSS_FILE_CASES: list[tuple[str, _Case]] = [
    (
        "stop_time_timepoint_without_times",
        (_TIMEPOINT, "stop_times.txt", 3, "arrival_time"),
    ),
    (
        "location_with_unexpected_stop_time",
        (
            {"stops.txt": _stops("S1,One,40.4,-3.7,1,", "S2,Two,40.5,-3.6,,")},
            "stop_times.txt",
            2,
            "stop_id",
        ),
    ),
    (
        "stop_without_stop_time",
        (
            {"stops.txt": _stops(*_TWO_STOPS, "S3,Three,40.6,-3.5,,")},
            "stops.txt",
            4,
            "stop_id",
        ),
    ),
    (
        "unused_station",
        (
            {"stops.txt": _stops(*_TWO_STOPS, "ST,Station,40.6,-3.5,1,")},
            "stops.txt",
            4,
            "stop_id",
        ),
    ),
    (
        "fast_travel_between_consecutive_stops",
        (_FAR_S2, "stop_times.txt", 3, "arrival_time"),
    ),
    ("fast_travel_between_far_stops", (_FAR_S2, "stop_times.txt", 3, "arrival_time")),
    ("block_trips_with_overlapping_stop_times", (_BLOCK, "trips.txt", 3, "block_id")),
    (
        "decreasing_shape_distance",
        (
            _shaped("SH,40.4,-3.7,1,0", "SH,40.5,-3.6,2,5", "SH,40.6,-3.5,3,4"),
            "shapes.txt",
            4,
            "shape_dist_traveled",
        ),
    ),
    (
        "equal_shape_distance_same_coordinates",
        (
            _shaped("SH,40.4,-3.7,1,0", "SH,40.5,-3.6,2,5", "SH,40.5,-3.6,3,5"),
            "shapes.txt",
            4,
            "shape_dist_traveled",
        ),
    ),
    (
        "equal_shape_distance_diff_coordinates",
        (
            _shaped("SH,40.4,-3.7,1,0", "SH,40.45,-3.65,2,5", "SH,40.5,-3.6,3,5"),
            "shapes.txt",
            4,
            "shape_dist_traveled",
        ),
    ),
    (
        "single_shape_point",
        (
            {"shapes.txt": _shaped("SH,40.4,-3.7,1,0")["shapes.txt"]},
            "shapes.txt",
            2,
            "shape_id",
        ),
    ),
    (
        "stop_too_far_from_shape",
        (_shaped("SH,40.4,-3.7,1,0", "SH,40.4,-3.5,2,2"), "stop_times.txt", 3, "stop_id"),
    ),
    (
        "trip_distance_exceeds_shape_distance",
        (_shaped("SH,40.4,-3.7,1,0", "SH,40.45,-3.65,2,1"), "trips.txt", 2, "shape_id"),
    ),
    (
        "trip_distance_exceeds_shape_distance_below_threshold",
        (_shaped("SH,40.4,-3.7,1,0", "SH,40.5,-3.6,2,1"), "trips.txt", 2, "shape_id"),
    ),
    (
        "expired_calendar",
        (
            {"calendar.txt": _CAL_HEADER + "WD,1,1,1,1,1,0,0,20240101,20240501\n"},
            "calendar.txt",
            2,
            "service_id",
        ),
    ),
    (
        "feed_expiration_date7_days",
        (_feed_info(end="20240605"), "feed_info.txt", 2, "feed_end_date"),
    ),
    (
        "feed_expiration_date30_days",
        (_feed_info(end="20240620"), "feed_info.txt", 2, "feed_end_date"),
    ),
    (
        "missing_feed_contact_email_and_url",
        (_feed_info(contact=""), "feed_info.txt", 2, "feed_contact_email"),
    ),
    (
        "feed_info_lang_and_agency_lang_mismatch",
        (
            {
                **_feed_info(),
                "agency.txt": _agencies("A,Agency,https://a.example,Europe/Madrid,en"),
            },
            "agency.txt",
            2,
            "agency_lang",
        ),
    ),
    (
        "inconsistent_agency_lang",
        (
            {
                "agency.txt": _agencies(
                    "A,Agency,https://a.example,Europe/Madrid,es",
                    "B,Other,https://b.example,Europe/Madrid,en",
                )
            },
            "agency.txt",
            3,
            "agency_lang",
        ),
    ),
    (
        "route_color_contrast",
        (_routes("R1,A,1,,3,FF0000,EE0000,"), "routes.txt", 2, "route_text_color"),
    ),
    (
        "duplicate_route_name",
        (_routes("R1,A,1,,3,,,", "R2,A,1,,3,,,"), "routes.txt", 3, "route_short_name"),
    ),
    (
        "same_route_and_agency_url",
        (_routes("R1,A,1,,3,,,https://a.example"), "routes.txt", 2, "route_url"),
    ),
    (
        "same_stop_and_agency_url",
        (
            {
                "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,stop_url\n"
                "S1,One,40.4,-3.7,https://a.example\nS2,Two,40.5,-3.6,\n"
            },
            "stops.txt",
            2,
            "stop_url",
        ),
    ),
    (
        "same_stop_and_route_url",
        (
            {
                **_routes("R1,A,1,,3,,,https://r.example/1"),
                "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,stop_url\n"
                "S1,One,40.4,-3.7,https://r.example/1\nS2,Two,40.5,-3.6,\n",
            },
            "stops.txt",
            2,
            "stop_url",
        ),
    ),
    (
        "platform_without_parent_station",
        (
            {
                "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,platform_code\n"
                "S1,One,40.4,-3.7,1\nS2,Two,40.5,-3.6,\n"
            },
            "stops.txt",
            2,
            "parent_station",
        ),
    ),
    (
        "attribution_without_role",
        (
            {"attributions.txt": "organization_name,is_producer\nOrg,0\n"},
            "attributions.txt",
            2,
            "is_producer",
        ),
    ),
    (
        "overlapping_frequency",
        (
            {
                "frequencies.txt": "trip_id,start_time,end_time,headway_secs\n"
                "T1,06:00:00,08:00:00,600\nT1,07:00:00,09:00:00,600\n"
            },
            "frequencies.txt",
            3,
            "start_time",
        ),
    ),
]
"""The cross-file notices: (code, (changes, file, row, field))."""

# (code, changes, file, row, field)
CASES: list[tuple[str, dict[str, str | bytes | None], str | None, int | None, str | None]] = [
    ("missing_required_file", {"routes.txt": None}, "routes.txt", None, None),
    ("missing_calendar_and_calendar_date_files", {"calendar.txt": None}, None, None, None),
    ("unknown_file", {"notes.txt": "a\n1\n"}, "notes.txt", None, None),
    ("empty_file", {"routes.txt": "route_id,route_type\n"}, "routes.txt", None, None),
    (
        "duplicated_column",
        {"trips.txt": "route_id,service_id,trip_id,trip_id\nR1,WD,T1,T1\n"},
        "trips.txt",
        1,
        "trip_id",
    ),
    (
        "empty_column_name",
        {"trips.txt": "route_id,service_id,trip_id,\nR1,WD,T1,\n"},
        "trips.txt",
        1,
        None,
    ),
    (
        "unknown_column",
        {"trips.txt": "route_id,service_id,trip_id,colour\nR1,WD,T1,x\n"},
        "trips.txt",
        1,
        "colour",
    ),
    (
        "missing_required_column",
        {"trips.txt": "route_id,trip_id\nR1,T1\n"},
        "trips.txt",
        1,
        "service_id",
    ),
    (
        "missing_required_field",
        {"trips.txt": "route_id,service_id,trip_id\n,WD,T1\n"},
        "trips.txt",
        2,
        "route_id",
    ),
    (
        "leading_or_trailing_whitespaces",
        {"trips.txt": "route_id,service_id,trip_id\nR1,WD, T1\n"},
        "trips.txt",
        2,
        "trip_id",
    ),
    (
        "csv_parsing_failed",
        # a field beyond the csv module's field size limit (131,072 characters)
        {"notes.txt": None, "routes.txt": b"route_id,route_type\nR" + b"x" * 200_000 + b",3\n"},
        "routes.txt",
        None,
        None,
    ),
    (
        "invalid_date",
        {"calendar.txt": _CAL_HEADER + "WD,1,1,1,1,1,0,0,2024-01-01,20241231\n"},
        "calendar.txt",
        2,
        "start_date",
    ),
    (
        "invalid_time",
        {"stop_times.txt": _times("T1,8h,08:00:00,S1,1,", "T1,9:00:00,9:00:00,S2,2,")},
        "stop_times.txt",
        2,
        "arrival_time",
    ),
    (
        "invalid_integer",
        {"stop_times.txt": _times("T1,8:00:00,8:00:00,S1,1,", "T1,9:00:00,9:00:00,S2,two,")},
        "stop_times.txt",
        3,
        "stop_sequence",
    ),
    (
        "invalid_float",
        {"stops.txt": _stops("S1,One,north,-3.7,,", "S2,Two,40.5,-3.6,,")},
        "stops.txt",
        2,
        "stop_lat",
    ),
    (
        "invalid_color",
        {"routes.txt": "route_id,route_short_name,route_type,route_color\nR1,1,3,red\n"},
        "routes.txt",
        2,
        "route_color",
    ),
    (
        "invalid_url",
        {"agency.txt": "agency_name,agency_url,agency_timezone\nA,www.a.example,UTC\n"},
        "agency.txt",
        2,
        "agency_url",
    ),
    (
        "invalid_timezone",
        {"agency.txt": "agency_name,agency_url,agency_timezone\nA,http://a.example,Mars/Base\n"},
        "agency.txt",
        2,
        "agency_timezone",
    ),
    (
        "invalid_currency",
        {"fare_attributes.txt": _FARES + "F1,1.5,EURO,0,\n"},
        "fare_attributes.txt",
        2,
        "currency_type",
    ),
    (
        "invalid_email",
        {
            "agency.txt": "agency_name,agency_url,agency_timezone,agency_email\n"
            "A,http://a.example,UTC,nobody\n"
        },
        "agency.txt",
        2,
        "agency_email",
    ),
    (
        "invalid_language_code",
        {
            "agency.txt": "agency_name,agency_url,agency_timezone,agency_lang\n"
            "A,http://a.example,UTC,english!\n"
        },
        "agency.txt",
        2,
        "agency_lang",
    ),
    (
        "number_out_of_range",
        {"stops.txt": _stops("S1,One,91,-3.7,,", "S2,Two,40.5,-3.6,,")},
        "stops.txt",
        2,
        "stop_lat",
    ),
    (
        "unexpected_enum_value",
        {"routes.txt": "route_id,route_short_name,route_type\nR1,1,42\n"},
        "routes.txt",
        2,
        "route_type",
    ),
    (
        "foreign_key_violation",
        {"stop_times.txt": _times("T1,8:00:00,8:00:00,S1,1,", "T1,9:00:00,9:00:00,NADAR,2,")},
        "stop_times.txt",
        3,
        "stop_id",
    ),
    (
        "duplicate_key",
        {"stops.txt": _stops("S1,One,40.4,-3.7,,", "S2,Two,40.5,-3.6,,", "S1,Again,40.6,-3.5,,")},
        "stops.txt",
        4,
        "stop_id",
    ),
    (
        "missing_stop_name",
        {"stops.txt": _stops("S1,,40.4,-3.7,,", "S2,Two,40.5,-3.6,,")},
        "stops.txt",
        2,
        "stop_name",
    ),
    (
        "location_without_parent_station",
        {"stops.txt": _stops("S1,One,40.4,-3.7,,", "S2,Two,40.5,-3.6,,", "E,Door,40.5,-3.6,2,")},
        "stops.txt",
        4,
        "parent_station",
    ),
    (
        "station_with_parent_station",
        {"stops.txt": _stops("S1,One,40.4,-3.7,,", "S2,Two,40.5,-3.6,1,S1")},
        "stops.txt",
        3,
        "parent_station",
    ),
    (
        "wrong_parent_location_type",
        {"stops.txt": _stops("S1,One,40.4,-3.7,,S2", "S2,Two,40.5,-3.6,,")},
        "stops.txt",
        2,
        "parent_station",
    ),
    (
        "point_near_origin",
        {"stops.txt": _stops("S1,One,0,0,,", "S2,Two,40.5,-3.6,,")},
        "stops.txt",
        2,
        "stop_lat",
    ),
    (
        "point_near_pole",
        {"stops.txt": _stops("S1,One,90,0,,", "S2,Two,40.5,-3.6,,")},
        "stops.txt",
        2,
        "stop_lat",
    ),
    (
        "route_both_short_and_long_name_missing",
        {"routes.txt": "route_id,route_type\nR1,3\n"},
        "routes.txt",
        2,
        "route_short_name",
    ),
    (
        "inconsistent_agency_timezone",
        {"agency.txt": _BASE["agency.txt"] + "B,Other,https://b.example,Europe/Oslo\n"},
        "agency.txt",
        3,
        "agency_timezone",
    ),
    (
        "missing_trip_edge",
        {"stop_times.txt": _times("T1,8:00:00,8:00:00,S1,1,", "T1,,,S2,2,")},
        "stop_times.txt",
        3,
        "arrival_time",
    ),
    (
        "stop_time_with_only_arrival_or_departure_time",
        {"stop_times.txt": _times("T1,8:00:00,,S1,1,", "T1,9:00:00,9:00:00,S2,2,")},
        "stop_times.txt",
        2,
        "departure_time",
    ),
    (
        "stop_time_with_arrival_before_previous_departure_time",
        {"stop_times.txt": _times("T1,8:00:00,8:30:00,S1,1,", "T1,8:10:00,8:10:00,S2,2,")},
        "stop_times.txt",
        3,
        "arrival_time",
    ),
    (
        "decreasing_or_equal_stop_time_distance",
        {"stop_times.txt": _times("T1,8:00:00,8:00:00,S1,1,2.0", "T1,8:10:00,8:10:00,S2,2,2.0")},
        "stop_times.txt",
        3,
        "shape_dist_traveled",
    ),
    ("unusable_trip", {"stop_times.txt": _times("T1,8:00:00,8:00:00,S1,1,")}, "trips.txt", 2, None),
    (
        "unused_trip",
        {"trips.txt": "route_id,service_id,trip_id\nR1,WD,T1\nR1,WD,T2\n"},
        "trips.txt",
        3,
        None,
    ),
    (
        "start_and_end_range_out_of_order",
        {"calendar.txt": _CAL_HEADER + "WD,1,1,1,1,1,0,0,20250101,20241231\n"},
        "calendar.txt",
        2,
        "end_date",
    ),
    (
        "start_and_end_range_equal",
        {"frequencies.txt": "trip_id,start_time,end_time,headway_secs\nT1,8:00:00,8:00:00,600\n"},
        "frequencies.txt",
        2,
        "end_time",
    ),
    (
        "service_never_active",
        {"calendar.txt": _CAL_HEADER + "WD,0,0,0,0,0,0,0,20240101,20241231\n"},
        "calendar.txt",
        2,
        "service_id",
    ),
    (
        "route_short_name_too_long",
        {"routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,A,Express Airport,3\n"},
        "routes.txt",
        2,
        "route_short_name",
    ),
    (
        "route_long_name_contains_short_name",
        {
            "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n"
            "R1,A,10,10 Airport - Centre,3\n"
        },
        "routes.txt",
        2,
        "route_long_name",
    ),
    (
        "same_name_and_description_for_route",
        {
            "routes.txt": "route_id,agency_id,route_long_name,route_desc,route_type\n"
            "R1,A,Airport,airport,3\n"
        },
        "routes.txt",
        2,
        "route_desc",
    ),
    (
        "same_name_and_description_for_stop",
        {
            "stops.txt": "stop_id,stop_name,stop_desc,stop_lat,stop_lon\n"
            "S1,One,One,40.4,-3.7\nS2,Two,,40.5,-3.6\n"
        },
        "stops.txt",
        2,
        "stop_desc",
    ),
    (
        "unused_shape",
        {
            "shapes.txt": "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n"
            "SH,40.4,-3.7,1\nSH,40.5,-3.6,2\n"
        },
        "shapes.txt",
        2,
        "shape_id",
    ),
    (
        "missing_feed_info_date",
        {
            "feed_info.txt": "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date\n"
            "P,https://p.example,en,20240101\n"
        },
        "feed_info.txt",
        2,
        "feed_end_date",
    ),
    *[(code, *case) for code, case in _CROSS_FILE_CASES],
]


@pytest.mark.parametrize(
    ("code", "changes", "file", "row", "field"), CASES, ids=[c[0] for c in CASES]
)
def test_notice(
    tmp_path: Path,
    code: str,
    changes: dict[str, str | bytes | None],
    file: str | None,
    row: int | None,
    field: str | None,
) -> None:
    report = _validate(_feed(tmp_path, changes))
    found = [i for i in report.issues if i.code == code]
    assert found, report.text
    assert (found[0].file, found[0].row, found[0].field) == (file, row, field), report.text
    assert found[0].severity is SEVERITIES[code] or code == "unknown_file"
    assert report.conforms is not any(SEVERITIES[i.code] is Severity.ERROR for i in found)


def test_every_code_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(SEVERITIES)


def test_feed_with_shapes_blocks_frequencies_and_feed_info_is_clean(tmp_path: Path) -> None:
    """The cross-file checks stay silent on a consistent feed that uses every file they read."""
    changes: dict[str, str | bytes | None] = {
        **_shaped("SH,40.4,-3.7,1,0", "SH,40.45,-3.65,2,0.8", "SH,40.5,-3.6,3,1.5"),
        **_feed_info(),
        "agency.txt": _agencies("A,Agency,https://a.example,Europe/Madrid,es"),
        "trips.txt": "route_id,service_id,trip_id,shape_id,block_id\nR1,WD,T1,SH,B\nR1,WD,T2,,B\n",
        "stop_times.txt": _times(
            "T1,08:00:00,08:00:00,S1,1,0",
            "T1,08:10:00,08:10:00,S2,2,1.5",
            "T2,08:10:00,08:10:00,S2,1,",
            "T2,08:30:00,08:30:00,S1,2,",
        ),
        "frequencies.txt": "trip_id,start_time,end_time,headway_secs\n"
        "T2,06:00:00,08:00:00,600\nT2,08:00:00,09:00:00,900\n",
        "attributions.txt": "organization_name,is_producer\nOrg,1\n",
        **_routes("R1,A,1,,3,FF0000,FFFFFF,https://a.example/1"),
    }
    report = _validate(_feed(tmp_path, changes))
    assert report.issues == (), report.text


def test_block_trips_on_different_days_do_not_overlap(tmp_path: Path) -> None:
    calendar = (
        _CAL_HEADER + "WD,1,1,1,1,1,0,0,20240101,20241231\nWE,0,0,0,0,0,1,1,20240101,20241231\n"
    )
    trips = "route_id,service_id,trip_id,block_id\nR1,WD,T1,B\nR1,WE,T2,B\n"
    changes = {**_BLOCK, "trips.txt": trips, "calendar.txt": calendar}
    assert _validate(_feed(tmp_path, changes)).issues == ()


def test_stops_of_a_flex_location_group_are_used(tmp_path: Path) -> None:
    stops = _stops(*_TWO_STOPS, "S3,Three,40.6,-3.5,,")
    groups = "location_group_id,stop_id\nG,S3\n"
    report = _validate(_feed(tmp_path, {"stops.txt": stops, "location_group_stops.txt": groups}))
    assert "stop_without_stop_time" not in _codes(report)


def test_json_report_is_keyed_as_mobilitydata(tmp_path: Path) -> None:
    """Notices by code with MobilityData's sample fields; totals count notices not listed."""
    trips = "route_id,service_id,trip_id\n" + "".join(f"R1,WD,X{i}\n" for i in range(7))
    report = _validate(
        _feed(tmp_path, {**_FAR_S2, "trips.txt": trips + "R1,WD,T1\n"}), notice_limit=3
    )
    notices = {n["code"]: n for n in report.as_notice_report()["notices"]}
    unused = notices["unused_trip"]
    assert (unused["severity"], unused["totalNotices"], len(unused["sampleNotices"])) == (
        "WARNING",
        7,
        3,
    )
    (fast,) = notices["fast_travel_between_consecutive_stops"]["sampleNotices"]
    assert fast["tripId"] == "T1"
    assert (fast["stopId1"], fast["stopId2"], fast["csvRowNumber2"]) == ("S1", "S2", 3)
    assert fast["speedKph"] > 150
    assert fast["filename"] == "stop_times.txt"


def test_misspelt_file_is_a_warning_other_unknown_file_is_info(tmp_path: Path) -> None:
    report = _validate(_feed(tmp_path, {"frecuencias.txt": "a\n", "notes.txt": "a\n"}))
    severity = {i.file: i.severity for i in report.issues if i.code == "unknown_file"}
    assert severity == {"frecuencias.txt": Severity.WARNING, "notes.txt": Severity.INFO}
    assert report.conforms


def test_duplicate_stop_sequence_is_a_duplicate_key(tmp_path: Path) -> None:
    times = _times(
        "T1,8:00:00,8:00:00,S1,1,", "T1,8:05:00,8:05:00,S2,1,", "T1,9:00:00,9:00:00,S1,2,"
    )
    report = _validate(_feed(tmp_path, {"stop_times.txt": times}))
    (issue,) = [i for i in report.issues if i.code == "duplicate_key"]
    assert (issue.file, issue.row, issue.field) == ("stop_times.txt", 3, "stop_sequence")


def test_unsorted_stop_times_are_grouped_per_trip(tmp_path: Path) -> None:
    """Rows of one trip spread through the file and out of order are still one trip."""
    trips = "route_id,service_id,trip_id\nR1,WD,T1\nR1,WD,T2\n"
    times = _times(
        "T1,8:10:00,8:10:00,S2,2,",
        "T2,9:00:00,9:00:00,S1,1,",
        "T1,8:00:00,8:00:00,S1,1,",
        "T2,9:10:00,9:10:00,S2,2,",
    )
    report = _validate(_feed(tmp_path, {"trips.txt": trips, "stop_times.txt": times}))
    assert report.issues == ()


def test_notices_are_capped_per_code(tmp_path: Path) -> None:
    rows = [f"S{i},Stop,91,0,," for i in range(1, 30)]
    report = _validate(_feed(tmp_path, {"stops.txt": _stops(*rows)}), notice_limit=5)
    out_of_range = [i for i in report.issues if i.code == "number_out_of_range"]
    assert len(out_of_range) == 6
    assert "24 more" in out_of_range[-1].message


def test_unopenable_input_raises_decode_error(tmp_path: Path) -> None:
    junk = tmp_path / "feed.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(DecodeError):
        _validate(junk)
    with pytest.raises(DecodeError):
        _validate(tmp_path / "absent")


_NAMES = st.sampled_from(
    [
        *sorted(_BASE),
        "frequencies.txt",
        "calendar_dates.txt",
        "shapes.txt",
        "feed_info.txt",
        "attributions.txt",
        "location_group_stops.txt",
        "x.txt",
    ]
)
_CELL = st.text(alphabet=st.sampled_from('a1:,."\n\r -\x81é0'), max_size=6)
_CSV = st.one_of(
    st.binary(max_size=40),
    st.lists(st.lists(_CELL, max_size=5), max_size=4).map(
        lambda rows: "\n".join(",".join(row) for row in rows)
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=st.dictionaries(_NAMES, st.one_of(st.none(), _CSV), max_size=4))
def test_arbitrary_tables_never_crash(tmp_path: Path, files: dict[str, str | bytes | None]) -> None:
    root = tmp_path / f"f{abs(hash(repr(files)))}"
    for name in list(_BASE):
        (root / name).unlink(missing_ok=True)
    try:
        report = _validate(_feed(root, files))
    except DecodeError:
        return
    assert isinstance(report, Report)
    assert all(isinstance(i, Issue) for i in report.issues)


_COORD = st.floats(min_value=-95, max_value=95, allow_nan=False).map(lambda x: f"{x:.5f}")
_SECONDS = st.one_of(st.none(), st.integers(min_value=0, max_value=30 * 3600))


def _clock(seconds: int | None) -> str:
    return (
        "" if seconds is None else f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stops=st.lists(st.tuples(_COORD, _COORD), min_size=1, max_size=4),
    calls=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 4), _SECONDS, _SECONDS, st.booleans()),
        max_size=8,
    ),
    points=st.lists(
        st.tuples(_COORD, _COORD, st.integers(0, 5), st.none() | st.floats(0, 50)), max_size=6
    ),
)
def test_arbitrary_geometry_and_times_never_crash(
    tmp_path: Path,
    stops: list[tuple[str, str]],
    calls: list[tuple[int, int, int | None, int | None, bool]],
    points: list[tuple[str, str, int, float | None]],
) -> None:
    """Any positions, times, sequences and shape distances give a report, never a crash."""
    root = tmp_path / f"g{abs(hash((tuple(stops), tuple(calls), tuple(points))))}"
    stop_rows = [f"S{i},Stop,{lat},{lon},," for i, (lat, lon) in enumerate(stops)]
    time_rows = [
        f"T{trip % 2},{_clock(a)},{_clock(d)},S{stop % len(stops)},{seq},"
        for stop, seq, a, d, trip in calls
    ]
    shape_rows = "".join(
        f"SH,{lat},{lon},{seq},{'' if dist is None else dist}\n" for lat, lon, seq, dist in points
    )
    changes: dict[str, str | bytes | None] = {
        "stops.txt": _stops(*stop_rows),
        "stop_times.txt": _times(*time_rows),
        "trips.txt": "route_id,service_id,trip_id,shape_id,block_id\n"
        "R1,WD,T0,SH,B\nR1,WD,T1,SH,B\n",
        "shapes.txt": f"{_shaped()['shapes.txt']!s}{shape_rows}",
        "frequencies.txt": "trip_id,start_time,end_time,headway_secs\n"
        + "".join(f"T0,{_clock(a or 0)},{_clock(d or 0)},60\n" for _, _, a, d, _ in calls[:3]),
    }
    report = _validate(_feed(root, changes))
    assert isinstance(report, Report)
    json.dumps(report.as_notice_report())


# --- the shared corpus ---------------------------------------------------------------------


@cache
def _corpus_report(corpus: Path, name: str) -> Report:
    """Each corpus feed is validated once per test process."""
    return validate_feed(corpus / name, today=_TRANSITFEED_DAY)


def test_every_corpus_feed_validates_without_crashing(gtfs_corpus: Path) -> None:
    """Every feed of the corpus gives a report whose JSON form is MobilityData's shape."""
    feeds = sorted(str(p.relative_to(gtfs_corpus)) for p in gtfs_corpus.rglob("*.zip"))
    assert len(feeds) >= 20
    for name in feeds:
        try:
            report = _corpus_report(gtfs_corpus, name)
        except DecodeError:
            continue
        notices = json.loads(json.dumps(report.as_notice_report()))["notices"]
        assert {n["code"] for n in notices} == {i.code for i in report.issues}
        for notice in notices:
            assert notice["severity"] in ("ERROR", "WARNING", "INFO")
            assert notice["totalNotices"] >= len(notice["sampleNotices"]) >= 1


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("edge/transitfeed_missing_calendar.zip", "missing_calendar_and_calendar_date_files"),
        ("edge/transitfeed_missing_stops.zip", "missing_required_file"),
        ("edge/transitfeed_undefined_stop.zip", "foreign_key_violation"),
        ("edge/transitfeed_bad_date_format.zip", "invalid_date"),
        ("edge/transitfeed_missing_endpoint_times.zip", "missing_trip_edge"),
        ("edge/transitfeed_duplicate_stop_sequence.zip", "duplicate_key"),
        ("edge/validator_nested_folders_sample.zip", "missing_required_file"),
        ("edge/validator_zip_with_invalid_content_sample.zip", "missing_required_file"),
    ],
)
def test_invalid_edge_feeds(gtfs_corpus: Path, name: str, code: str) -> None:
    report = _corpus_report(gtfs_corpus, name)
    assert not report.conforms
    assert code in _codes(report, Severity.ERROR), report.text


def test_edge_feed_details(gtfs_corpus: Path) -> None:
    missing_stops = _corpus_report(gtfs_corpus, "edge/transitfeed_missing_stops.zip")
    assert any(
        i.code == "missing_required_file" and i.file == "stops.txt" for i in missing_stops.issues
    )
    undefined = _corpus_report(gtfs_corpus, "edge/transitfeed_undefined_stop.zip")
    (fk,) = [i for i in undefined.issues if i.code == "foreign_key_violation"]
    assert (fk.file, fk.field) == ("stop_times.txt", "stop_id")
    assert "NADAR" in fk.message
    dates = _corpus_report(gtfs_corpus, "edge/transitfeed_bad_date_format.zip")
    bad = {(i.file, i.field) for i in dates.issues if i.code == "invalid_date"}
    assert bad == {("calendar.txt", "start_date"), ("calendar_dates.txt", "date")}
    edges = _corpus_report(gtfs_corpus, "edge/transitfeed_missing_endpoint_times.zip")
    assert {i.file for i in edges.issues} == {"stop_times.txt"}
    duplicate = _corpus_report(gtfs_corpus, "edge/transitfeed_duplicate_stop_sequence.zip")
    assert [(i.code, i.field) for i in duplicate.issues] == [("duplicate_key", "stop_sequence")]


@pytest.mark.parametrize(
    "name",
    [
        "sample-feed-1.zip",
        "gtfs_kit/cairns_gtfs.zip",
        "gtfs_kit/nyc_subway_gtfs.zip",
        "gtfs_kit/sample_gtfs.zip",
        "gtfs_kit/sample_gtfs_2.zip",
        "edge/transitfeed_utf8bom.zip",
        "edge/transitfeed_only_calendar_dates.zip",
        "edge/transitfeed_unknown_file.zip",
        "edge/partridge_region-nord-v2.zip",
        "edge/partridge_nested.zip",
        "edge/transitfeed_filter_unusual_trips.zip",
        "edge/partridge_israel-public-transportation-route-2126.zip",
    ],
)
def test_valid_feeds_have_no_errors(gtfs_corpus: Path, name: str) -> None:
    report = _corpus_report(gtfs_corpus, name)
    errors = _errors(report)
    if name == "sample-feed-1.zip":
        # Google's sample really has 13 stop_times rows with 5 of 9 fields (rows 17-29):
        # MobilityData reports the same invalid_row_length; nothing else is an error.
        assert {(i.code, i.file) for i in errors} == {("invalid_row_length", "stop_times.txt")}
        assert sorted(i.row or 0 for i in errors) == list(range(17, 30))
    else:
        assert errors == [], report.text


def test_edge_feed_warnings(gtfs_corpus: Path) -> None:
    unknown = _corpus_report(gtfs_corpus, "edge/transitfeed_unknown_file.zip")
    assert [(i.code, i.severity, i.file) for i in unknown.issues] == [
        ("unknown_file", Severity.WARNING, "frecuencias.txt")
    ]
    assert _corpus_report(gtfs_corpus, "edge/transitfeed_utf8bom.zip").issues == ()
    nord = _corpus_report(gtfs_corpus, "edge/partridge_region-nord-v2.zip")
    encoding = [i for i in nord.issues if i.code == "non_utf8_encoding"]
    assert [(i.file, i.severity) for i in encoding] == [("stops.txt", Severity.WARNING)]
    nested = _corpus_report(gtfs_corpus, "edge/partridge_nested.zip")
    assert "invalid_input_files_in_subfolder" in _codes(nested, Severity.WARNING)


def test_nyc_is_validated(gtfs_corpus: Path) -> None:
    """Every row of the NYC subway feed is checked (its speed is in bench.gtfs_timings)."""
    report = _corpus_report(gtfs_corpus, "gtfs_kit/nyc_subway_gtfs.zip")
    assert report.checked > 86_150
