"""Known answers of the GTFS reader and writer, file by file, from the GTFS reference.

The feed of :mod:`interop_gtfs.expected` sets every column of every file to a distinct value;
here each file is checked on its own, so a failure names the file, in both directions: the
records the reader gives for its rows and the bytes the writer gives for those records. The
number forms are checked value by value against the reference's types (Float without
exponent, Time past 24:00, Date as ``YYYYMMDD``, Currency amount with its digits).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from interop_gtfs.columns import DAY, FLOAT, MONEY, TIME
from interop_gtfs.expected import FEED, NAMESPACE, RECORDS
from interop_gtfs.ids import FeedNamespace
from interop_gtfs.reader import GtfsReader
from interop_gtfs.writer import GtfsWriter

from interop.model.records import Record
from interop.testing.conformance import assert_bytes_equal, assert_records_equal

KIND_OF_FILE = {
    "agency.txt": "transit_operator", "levels.txt": "transit_level", "stops.txt": "transit_stop",
    "routes.txt": "transit_line", "trips.txt": "transit_journey", "stop_times.txt": "transit_call",
    "calendar.txt": "transit_service_calendar",
    "calendar_dates.txt": "transit_service_exception",
    "fare_attributes.txt": "transit_fare", "fare_rules.txt": "transit_fare_rule",
    "shapes.txt": "transit_shape", "frequencies.txt": "transit_frequency",
    "transfers.txt": "transit_transfer", "pathways.txt": "transit_pathway",
    "feed_info.txt": "transit_feed_info",
}  # fmt: skip


def _by_id(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda record: record.id)


@pytest.fixture(scope="module")
def read_back(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    folder = tmp_path_factory.mktemp("known-answer") / "feed"
    folder.mkdir()
    for name, content in FEED.items():
        (folder / name).write_bytes(content)
    return [record for chunk in GtfsReader().read(folder) for record in chunk]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("written") / "feed"
    GtfsWriter().write([RECORDS], target)
    return target


def test_the_table_of_kinds_covers_the_feed() -> None:
    assert set(KIND_OF_FILE) == set(FEED)
    assert {record.kind for record in RECORDS} == set(KIND_OF_FILE.values())


@pytest.mark.parametrize("name", sorted(FEED))
def test_reader_gives_the_records_the_reference_defines(read_back: list[Record], name: str) -> None:
    kind = KIND_OF_FILE[name]
    expected = _by_id([r for r in RECORDS if r.kind == kind])
    got = _by_id([r for r in read_back if r.kind == kind])
    assert_records_equal(expected, got, what=f"reading {name} (expected != got)")


@pytest.mark.parametrize("name", sorted(FEED))
def test_writer_gives_the_bytes_the_reference_defines(written: Path, name: str) -> None:
    assert_bytes_equal(FEED[name], (written / name).read_bytes(), f"writing {name}")


def test_writer_writes_no_other_file(written: Path) -> None:
    assert sorted(path.name for path in written.iterdir()) == sorted(FEED)


def test_the_feed_namespace_is_the_publishers_slug(read_back: list[Record]) -> None:
    assert {record.id.split(":")[3] for record in read_back} == {NAMESPACE}


IDS = FeedNamespace(NAMESPACE)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.00001, "0.00001"),
        (-0.00005, "-0.00005"),
        (1e-7, "0.0000001"),
        (123456789012345680.0, "123456789012345680"),
        (1e22, "10000000000000000000000"),
        (4.35, "4.35"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-1.5, "-1.5"),
        (0.0, "0.0"),
    ],
)
def test_float_is_written_positionally_with_the_shortest_exact_digits(value: float, text: str):
    written = FLOAT.format(value, None, IDS, "test")
    assert written == text
    assert "e" not in written.lower()
    assert float(written) == value


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "00:00:00"), (5 * 3600 + 7, "05:00:07"), (24 * 3600, "24:00:00"),
     (25 * 3600 + 35 * 60, "25:35:00"), (47 * 3600 + 59 * 60 + 59, "47:59:59")],
)  # fmt: skip
def test_times_past_midnight(seconds: int, text: str) -> None:
    assert TIME.format(seconds, None, IDS, "test") == text
    assert TIME.parse(text, {}, NAMESPACE) == seconds


def test_a_one_digit_hour_reads_as_the_reference_allows() -> None:
    assert TIME.parse("5:00:07", {}, NAMESPACE) == 5 * 3600 + 7


@pytest.mark.parametrize("text", ["1.50", "0.00", "12", "1000000.25"])
def test_a_currency_amount_keeps_its_digits(text: str) -> None:
    value = MONEY.parse(text, {}, NAMESPACE)
    assert value == Decimal(text)
    assert MONEY.format(value, None, IDS, "test") == text


def test_a_date_is_yyyymmdd() -> None:
    from datetime import date

    assert DAY.parse("20240229", {}, NAMESPACE) == date(2024, 2, 29)
    assert DAY.format(date(2024, 2, 29), None, IDS, "test") == "20240229"


REQUIRED_BY_THE_REFERENCE = {
    "agency.txt": {"agency_name", "agency_url", "agency_timezone"},
    "stops.txt": set(),  # stop_name, stop_lat/lon are conditionally required
    "routes.txt": {"route_type"},  # agency_id and the names are conditionally required
    "trips.txt": {"route_id", "service_id"},
    "stop_times.txt": {"trip_id", "stop_sequence"},  # times and stop_id: conditionally
    "calendar.txt": {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "start_date", "end_date",
    },
    "calendar_dates.txt": {"service_id", "date", "exception_type"},
    "fare_attributes.txt": {"price", "currency_type", "payment_method"},
    "fare_rules.txt": {"fare_id"},
    "shapes.txt": {"shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"},
    "frequencies.txt": {"trip_id", "start_time", "end_time", "headway_secs"},
    "transfers.txt": {"transfer_type"},
    "pathways.txt": {"from_stop_id", "to_stop_id", "pathway_mode", "is_bidirectional"},
    "levels.txt": {"level_index"},
    "feed_info.txt": {"feed_publisher_name", "feed_publisher_url", "feed_lang"},
    "translations.txt": {"table_name", "field_name", "language", "translation"},
    "attributions.txt": {"organization_name"},
    "location_groups.txt": set(),
    "location_group_stops.txt": {"location_group_id", "stop_id"},
    "booking_rules.txt": {"booking_type"},
}  # fmt: skip
"""Non-id fields the GTFS Schedule reference marks **Required**, file by file."""


def test_required_columns_are_the_references() -> None:
    from interop_gtfs.columns import FILES, SHAPE_COLUMNS

    table = {spec.name: {c.name for c in spec.columns if c.required} for spec in FILES}
    table["shapes.txt"] = {c.name for c in SHAPE_COLUMNS if c.required}
    for name, required in table.items():
        assert name in REQUIRED_BY_THE_REFERENCE, f"{name}: add its required fields here"
        assert required == REQUIRED_BY_THE_REFERENCE[name], name


def test_all_columns_put_the_id_column_first_and_nothing_else_added() -> None:
    from interop_gtfs.columns import SPEC_BY_MODEL

    by_name = {spec.name: spec for spec in SPEC_BY_MODEL.values()}
    assert by_name["agency.txt"].all_columns == (
        "agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang",
        "agency_phone", "agency_fare_url", "agency_email",
    )  # fmt: skip
    assert by_name["calendar_dates.txt"].all_columns == ("service_id", "date", "exception_type")
    assert by_name["levels.txt"].all_columns == ("level_id", "level_index", "level_name")


def test_only_agency_id_may_be_empty() -> None:
    """The reference makes every id field Required except ``agency_id`` (one-agency feeds)
    and ``attribution_id`` (Optional: a row without one is known by its key columns)."""
    from interop_gtfs.columns import FILES

    assert {spec.name for spec in FILES if spec.empty_id} == {"agency.txt"}
    keyed = {spec.name for spec in FILES if spec.id_column is not None and spec.key}
    assert keyed == {"attributions.txt"}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:00", 0), ("23:59:59", 86399), ("08:07:06", 29226), ("8:07:06", 29226),
     ("24:00:00", 86400), ("47:59:59", 172799)],
)  # fmt: skip
def test_a_gtfs_time_reads_as_seconds_past_noon_minus_twelve_hours(text: str, seconds: int):
    assert TIME.parse(text, {}, NAMESPACE) == seconds


FULLWIDTH_NOON = "\uff11\uff12:\uff10\uff10:\uff10\uff10"
FULLWIDTH_DAY = "\uff12\uff10\uff12\uff14\uff10\uff11\uff10\uff11"


@pytest.mark.parametrize(
    "text",
    ["12:60:00", "12:61:00", "12:00:60", "12:00:61", "12/34:56", "12:34/56", "12:00:000",
     "1200:00", "12:00", "ab:cd:ef", FULLWIDTH_NOON, "12:0a:00", ""],
)  # fmt: skip
def test_what_is_not_a_gtfs_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a GTFS time"):
        TIME.parse(text, {}, NAMESPACE)


@pytest.mark.parametrize("text", ["202401011", "2024011", "2024-01-01", FULLWIDTH_DAY, "20241301"])
def test_what_is_not_a_gtfs_date_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"YYYYMMDD|month must be"):
        DAY.parse(text, {}, NAMESPACE)


@pytest.mark.parametrize("text", ["12:70:00", "12:00:70", "12:99:99"])
def test_minutes_and_seconds_stop_at_59(text: str) -> None:
    with pytest.raises(ValueError, match="not a GTFS time"):
        TIME.parse(text, {}, NAMESPACE)


def test_the_column_table_is_immutable() -> None:
    from dataclasses import FrozenInstanceError

    from interop_gtfs.columns import FILES

    with pytest.raises(FrozenInstanceError):
        FILES[0].columns[0].required = False  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        FILES[0].name = "other.txt"  # type: ignore[misc]


def test_a_value_that_cannot_be_written_names_its_column() -> None:
    from interop_gtfs.columns import Column, format_value

    from interop.errors import EncodeError

    column = Column("shape_dist_traveled", "distance_traveled", FLOAT)
    for value in ([1.5], "far"):
        with pytest.raises(EncodeError) as caught:
            format_value(column, value, None, IDS, "test")
        assert caught.value.field == "shape_dist_traveled"


def test_columns_the_reference_requires_are_written_even_when_empty(tmp_path: Path) -> None:
    """``transfers`` is Required with an empty value meaning unlimited transfers; the times
    and ``stop_id`` of ``stop_times.txt`` are conditionally required: their headers stay."""
    fare = next(r for r in RECORDS if r.kind == "transit_fare")
    call = next(r for r in RECORDS if r.kind == "transit_call")
    GtfsWriter().write(
        [[fare.model_copy(update={"transfers": None, "operator": None,
                                  "transfer_duration": None}),
          call.model_copy(update={"arrival": None, "departure": None, "headsign": None,
                                  "pickup_type": None, "drop_off_type": None,
                                  "continuous_pickup": None, "continuous_drop_off": None,
                                  "distance_traveled": None, "timepoint": None})]],
        tmp_path / "feed",
    )  # fmt: skip
    fares = (tmp_path / "feed" / "fare_attributes.txt").read_bytes()
    assert fares == b"fare_id,price,currency_type,payment_method,transfers\r\nF1,1.50,EUR,1,\r\n"
    times = (tmp_path / "feed" / "stop_times.txt").read_bytes()
    assert times == (b"trip_id,arrival_time,departure_time,stop_id,stop_sequence\r\nT1,,,P2,4\r\n")
