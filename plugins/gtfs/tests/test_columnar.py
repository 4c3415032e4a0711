"""The column path reads exactly what the per-row path reads: records, notices, bytes written.

``GtfsReader(columnar=False)`` sends every row through the per-row path (parse each cell,
validate each record); the default checks each distinct text of a column once with the
model's field rules and sends only unclean rows through the per-row path. Both must give
the same records, the same notices and set-aside items, and the same written feed.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_gtfs.column_rules import call_rules, twin_of
from interop_gtfs.reader import GtfsReader
from interop_gtfs.record_table import RecordTable
from interop_gtfs.writer import GtfsWriter
from pydantic import ValidationError

from interop.errors import InteropError
from interop.model.transit import Call

SMALL_FEEDS = [
    "sample-feed-1.zip",
    "gtfs_kit/sample_gtfs.zip",
    "realtime/bullrunner-gtfs.zip",
    "edge/partridge_caltrain-2017-07-24.zip",
    "edge/transitfeed_duplicate_stop_sequence.zip",
    "edge/transitfeed_missing_endpoint_times.zip",
    "edge/transitfeed_bad_date_format.zip",
    "edge/transitfeed_undefined_stop.zip",
    "edge/transitfeed_unknown_file.zip",
    "edge/transitfeed_utf8bom.zip",
    "edge/transitfeed_bad_eol.zip",
    "edge/transitfeed_au-sydney-entrances.zip",
]
"""Corpus feeds small enough to read twice per test, several with bad rows."""


def _outcome(source: Path, target: Path, *, columnar: bool, strict: bool | None) -> Any:
    """Everything a read and a write produce: records, notices, set-aside items, files."""
    reader = GtfsReader(strict=strict, columnar=columnar)
    try:
        tables = list(reader.read_tables(source, chunk_size=7))
    except InteropError as error:
        return ("refused", type(error).__name__, str(error))
    records = [record for table in tables for record in table]
    try:
        GtfsWriter().write(tables, target)
    except InteropError as error:
        return records, reader.notices, reader.set_aside, ("refused", str(error))
    with zipfile.ZipFile(target) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return records, reader.notices, reader.set_aside, files


def _assert_same_read(source: Path, folder: Path, strict: bool | None) -> None:
    rows = _outcome(source, folder / "rows.zip", columnar=False, strict=strict)
    columns = _outcome(source, folder / "columns.zip", columnar=True, strict=strict)
    assert columns == rows


@pytest.mark.parametrize("strict", [None, True])
@pytest.mark.parametrize("name", SMALL_FEEDS)
def test_corpus_feed_reads_the_same_by_column(gtfs_corpus, tmp_path, name, strict):
    _assert_same_read(gtfs_corpus / name, tmp_path, strict)


def test_record_table_is_a_sequence_of_the_records_read(gtfs_corpus):
    source = gtfs_corpus / "sample-feed-1.zip"
    tables = list(GtfsReader().read_tables(source, chunk_size=4))
    listed = [record for chunk in GtfsReader().read(source) for record in chunk]
    assert [record for table in tables for record in table] == listed
    table = next(t for t in tables if isinstance(t, RecordTable) and len(t) > 2)
    assert table[-1] == table[len(table) - 1] == list(table)[-1]
    assert table[1:3] == list(table)[1:3]
    with pytest.raises(IndexError):
        table[len(table)]


# -- drawn feeds ---------------------------------------------------------------------------

TIMES = st.sampled_from(
    ["08:00:00", "8:05:00", "25:10:00", "07:59:59", "", " ", "08:60:00", "x", "08:00", "09:00:00"]
)
SEQUENCES = st.sampled_from(["1", "2", "02", "3", "-1", "a", "", "10", " 4"])
STOPS = st.sampled_from(["S1", "S2", "S3", "", "missing", "S 1"])
TRIPS = st.sampled_from(["T1", "T2", "T3", "T/4", ""])
PICKUPS = st.sampled_from(["", "0", "1", "3", "9", "x"])
DISTANCES = st.sampled_from(["", "0", "1.5", "1.50", "-2", "1e3", "nan", "x"])
LATS = st.sampled_from(["-16.7", "40.7", "91", "0", "", "1e1", "-0", "x", "45.123456789"])
SHAPE_IDS = st.sampled_from(["A", "B", "", "A"])

STOP_TIME = st.tuples(TRIPS, TIMES, TIMES, STOPS, SEQUENCES, PICKUPS, DISTANCES, st.booleans())
SHAPE_ROW = st.tuples(SHAPE_IDS, LATS, LATS, SEQUENCES, DISTANCES)

BASE = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\r\nA,Agency,http://a.example,UTC\r\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\r\nS1,One,1.0,2.0\r\nS2,Two,1.5,2.5\r\n"
    "S3,Three,1.25,2.25\r\nS 1,Spaced,1,2\r\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\r\nR1,A,1,3\r\n",
    "trips.txt": "route_id,service_id,trip_id,shape_id\r\nR1,WK,T1,A\r\nR1,WK,T2,B\r\n"
    "R1,WK,T/4,\r\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\r\nWK,1,1,1,1,1,0,0,20240101,20241231\r\n",
}


def _feed(stop_times: list[tuple[Any, ...]], shapes: list[tuple[str, ...]]) -> bytes:
    lines = [
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,"
        "shape_dist_traveled,note"
    ]
    for trip, arrival, departure, stop, sequence, pickup, distance, extra in stop_times:
        row = [trip, arrival, departure, stop, sequence, pickup, distance, "n"]
        if extra:  # a short or an overlong row
            row = row[:5] if len(trip) % 2 else [*row, "surplus"]
        lines.append(",".join(row))
    shape_lines = ["shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled"]
    shape_lines += [",".join(row) for row in shapes]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in BASE.items():
            archive.writestr(name, text)
        archive.writestr("stop_times.txt", "\r\n".join(lines) + "\r\n")
        archive.writestr("shapes.txt", "\r\n".join(shape_lines) + "\r\n")
    return buffer.getvalue()


@settings(max_examples=40, deadline=None)
@given(
    stop_times=st.lists(STOP_TIME, max_size=14),
    shapes=st.lists(SHAPE_ROW, max_size=10),
    strict=st.sampled_from([None, True]),
)
def test_drawn_feed_reads_the_same_by_column(stop_times, shapes, strict):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "drawn.zip"
        source.write_bytes(_feed(stop_times, shapes))
        _assert_same_read(source, folder, strict)


# -- record rules restated over columns ----------------------------------------------------

OPTIONAL_TIME = st.none() | st.integers(min_value=0, max_value=200_000)
OPTIONAL_PLACE = st.none() | st.just("urn:interop:stop:f:S1")


@settings(max_examples=200, deadline=None)
@given(
    arrival=OPTIONAL_TIME,
    departure=OPTIONAL_TIME,
    stop=OPTIONAL_PLACE,
    group=st.none() | st.just("urn:interop:location_group:f:G"),
    location=st.none() | st.just("urn:interop:location:f:L"),
    start=OPTIONAL_TIME,
    end=OPTIONAL_TIME,
)
def test_call_twin_accepts_what_the_model_accepts(
    arrival, departure, stop, group, location, start, end
):
    values = {
        "arrival": arrival,
        "departure": departure,
        "stop": stop,
        "location_group": group,
        "location": location,
        "start_pickup_drop_off_window": start,
        "end_pickup_drop_off_window": end,
    }
    try:
        Call.model_validate({"id": "urn:interop:stop_time:f:T1%2F1", "journey": "urn:x:T1",
                             "sequence": 1, **values})  # fmt: skip
        accepted = True
    except ValidationError:
        accepted = False
    assert call_rules({name: [value] for name, value in values.items()}, 1) == [accepted]


_CALL_ROW = st.fixed_dictionaries(
    {
        "arrival": OPTIONAL_TIME,
        "departure": OPTIONAL_TIME,
        "stop": st.just("urn:interop:stop:f:S1") | OPTIONAL_PLACE,
        "location_group": st.none() | st.just("urn:interop:location_group:f:G"),
        "start_pickup_drop_off_window": st.none() | OPTIONAL_TIME,
    }
)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(_CALL_ROW, min_size=1, max_size=6), flex=st.booleans())
def test_call_twin_over_a_block_is_its_rows(rows, flex):
    """A block of calls (with or without Flex columns) passes row by row as each row alone."""
    names = list(rows[0]) if flex else ["arrival", "departure", "stop"]
    columns = {name: [row[name] for row in rows] for name in names}
    alone = [call_rules({name: [row[name]] for name in names}, 1)[0] for row in rows]
    assert call_rules(columns, len(rows)) == alone


def test_call_twin_is_in_use_for_the_current_model_rule():
    """A changed Call rule disables its twin (reads stay right, only slower): update both."""
    (decorator,) = Call.__pydantic_decorators__.model_validators.values()
    assert twin_of(decorator.func) is call_rules
