"""Lossless round trips: read -> write -> read gives equal records, for real and drawn feeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from interop_gtfs.conformance import feeds
from interop_gtfs.demo import sample_feed
from interop_gtfs.ids import slug
from interop_gtfs.reader import GtfsReader
from interop_gtfs.writer import GtfsWriter

from interop.model.records import Record
from interop.testing.conformance import assert_records_equal

VALID_FEEDS = [
    "sample-feed-1.zip",
    "gtfs_kit/sample_gtfs.zip",
    "gtfs_kit/sample_gtfs_2.zip",
    "gtfs_kit/cairns_gtfs.zip",
    "edge/transitfeed_only_calendar_dates.zip",
    "edge/transitfeed_utf8bom.zip",
    "edge/transitfeed_bad_eol.zip",
    "edge/transitfeed_unknown_file.zip",
    "edge/transitfeed_filter_unusual_trips.zip",
    "edge/transitfeed_au-sydney-entrances.zip",
    "edge/partridge_region-nord-v2.zip",
    "edge/partridge_caltrain-2017-07-24.zip",
    "edge/partridge_nested.zip",
    "edge/partridge_israel-public-transportation-route-2126.zip",
    "realtime/bullrunner-gtfs.zip",
]
"""Valid corpus feeds (and the readable edge feeds); the NYC subway has its own test."""


def _read(source: Path, namespace: str) -> list[Record]:
    return [r for chunk in GtfsReader(namespace).read(source, chunk_size=5000) for r in chunk]


def _round_trip(source: Path, target: Path) -> tuple[list[Record], list[Record]]:
    namespace = slug(source)
    first = _read(source, namespace)
    assert GtfsWriter().write(
        (first[i : i + 5000] for i in range(0, len(first), 5000)), target
    ) == len(first)
    return first, _read(target, namespace)


def _assert_same(first: list[Record], again: list[Record]) -> None:
    if first != again:  # fast path first; the kit's comparison explains any difference
        assert_records_equal(first, again)
    assert first == again


@pytest.mark.parametrize("name", VALID_FEEDS)
def test_corpus_feed_round_trips(gtfs_corpus, tmp_path, name):
    first, again = _round_trip(gtfs_corpus / name, tmp_path / "out.zip")
    assert first, f"{name} read to no records"
    _assert_same(first, again)


def test_unknown_file_survives_byte_for_byte(gtfs_corpus, tmp_path):
    import zipfile

    source = gtfs_corpus / "edge/transitfeed_unknown_file.zip"
    _round_trip(source, tmp_path / "out.zip")
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(tmp_path / "out.zip") as copy:
        assert copy.read("frecuencias.txt") == original.read("frecuencias.txt")


def test_largest_feed_round_trips(gtfs_corpus, tmp_path):
    """The NYC subway feed (86k stop_times): the big round trip (timed in bench.gtfs_timings)."""
    first, again = _round_trip(gtfs_corpus / "gtfs_kit/nyc_subway_gtfs.zip", tmp_path / "nyc")
    assert len(first) > 86_000
    _assert_same(first, again)


def test_sample_feed_round_trips_through_a_folder(tmp_path):
    first, again = _round_trip(sample_feed(), tmp_path / "copy")
    assert {p.name for p in (tmp_path / "copy").iterdir()} == {
        p.name for p in sample_feed().iterdir()
    }
    _assert_same(first, again)  # the copy is read in the source's namespace, "riverside"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batch=feeds(namespace="drawn"))
def test_drawn_feeds_round_trip_in_any_chunking(tmp_path_factory, batch):
    target = tmp_path_factory.mktemp("drawn") / "drawn.zip"
    written = GtfsWriter().write([batch[::2], batch[1::2]], target)
    assert written == len(batch)
    back = _read(target, "drawn")
    assert_records_equal(sorted(batch, key=_identity), sorted(back, key=_identity))


def _identity(record: Record) -> tuple[str, str]:
    return (record.kind, record.id)


def test_shape_extension_columns_and_non_utf8_input_round_trip(tmp_path):
    feed = tmp_path / "odd"
    feed.mkdir()
    (feed / "agency.txt").write_bytes(b"agency_name,agency_url,agency_timezone\nA\xe9,u,UTC\n")
    (feed / "shapes.txt").write_text(
        "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,note\n"
        "B,1,1,2,b2\nA,0,0,1,\nB,1,1,1,b1\nA,0.5,0.5,3,a3\n",
        encoding="utf-8",
    )
    first, again = _round_trip(feed, tmp_path / "odd.zip")
    assert first[0].name == "Aé"  # Windows-1252 input, written back as UTF-8
    assert [shape.extensions for shape in first[1:]] == [
        {"gtfs": {"note": ["b1", "b2"]}},  # shapes in first-seen order, points by sequence
        {"gtfs": {"note": ["", "a3"]}},
    ]
    _assert_same(first, again)
