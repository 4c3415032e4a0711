"""GtfsReader: GTFS files become canonical transit records, and bad rows a clear DecodeError."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from interop_gtfs.demo import sample_feed
from interop_gtfs.ids import gtfs_iri, slug
from interop_gtfs.reader import GtfsReader

from interop.errors import DecodeError
from interop.model.records import Record
from interop.model.transit import (
    Call,
    FareAttribute,
    LocationType,
    Operator,
    PickupDropOff,
    Shape,
    Stop,
    Translation,
)


def read_all(
    source: Path,
    namespace: str | None = None,
    chunk_size: int = 10_000,
    *,
    strict: bool | None = None,
) -> list[Record]:
    """Every record of a feed, in reading order."""
    reader = GtfsReader(namespace, strict=strict)
    return [r for chunk in reader.read(source, chunk_size=chunk_size) for r in chunk]


def write_feed(folder: Path, files: dict[str, str]) -> Path:
    """A feed folder holding ``files`` (name -> text, written as UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    return folder


MINIMAL = {
    "agency.txt": "agency_name,agency_url,agency_timezone\nDemo,https://x.example,UTC\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nS1,One,1.5,2.5\nS2,Two,1.6,2.6\n",
    "routes.txt": "route_id,route_short_name,route_type\nR,1,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR,WK,T1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "T1,08:00:00,08:00:00,S1,1\nT1,25:10:00,25:11:00,S2,2\n",
    "calendar_dates.txt": "service_id,date,exception_type\nWK,20260101,1\n",
}
"""A minimal valid feed: one agency without agency_id, two stops, one trip past midnight."""


def _one(records, cls, local_id):
    kind = {Stop: "stop", Operator: "agency", FareAttribute: "fare"}[cls]
    wanted = gtfs_iri(kind, "riverside", local_id)
    return next(r for r in records if isinstance(r, cls) and r.id == wanted)


def test_sample_feed_reads_every_file_into_records():
    records = read_all(sample_feed())
    kinds = Counter(r.kind for r in records)
    assert kinds["transit_call"] == 7
    assert kinds["transit_stop"] == 5
    assert len(kinds) == 17  # every record type of the transit model
    platform = _one(records, Stop, "CEN_P1")
    assert platform.parent_station == "urn:interop:stop:riverside:CEN"
    assert platform.location_type is LocationType.STOP
    assert platform.point is not None
    assert platform.point.lat == 50.8467
    assert platform.level == "urn:interop:level:riverside:L0"
    assert platform.extensions == {"gtfs": {"x_shelter": "yes"}}
    assert _one(records, Stop, "MKT").location_type is None  # empty column stays None
    fare = _one(records, FareAttribute, "SINGLE")
    assert fare.price == Decimal("2.10")
    assert str(fare.price) == "2.10"
    assert fare.transfers is None


def test_calls_keep_times_past_midnight_and_derive_their_ids():
    records = read_all(sample_feed())
    calls = [r for r in records if isinstance(r, Call)]
    night = [c for c in calls if c.journey.endswith(":N1-2450")]
    assert [c.arrival for c in night] == [24 * 3600 + 50 * 60, 25 * 3600 + 5 * 60]
    first = calls[0]
    assert first.id == "urn:interop:stop_time:riverside:R1-0800%2F1"
    assert first.drop_off_type is PickupDropOff.NONE
    assert first.timepoint is True


def test_unknown_files_and_translations_are_kept():
    records = read_all(sample_feed())
    operator = _one(records, Operator, "RVT")
    kept = operator.extensions["gtfs-files"]
    assert set(kept) == {"README.txt"}
    assert kept["README.txt"] == {
        "text": (sample_feed() / "README.txt").read_bytes().decode("utf-8")
    }
    translations = [r for r in records if isinstance(r, Translation)]
    assert {t.record for t in translations} == {"urn:interop:stop:riverside:CEN"}


def test_namespace_comes_from_the_feed_identity_and_can_be_set(tmp_path):
    feed = write_feed(tmp_path / "My Feed 2026", MINIMAL)
    assert read_all(feed)[0].id == "urn:interop:agency:demo:"  # agency_name "Demo"
    renamed = write_feed(tmp_path / "renamed", MINIMAL)
    assert read_all(renamed) == read_all(feed)  # renaming the file renames no IRI
    files = dict(MINIMAL)
    files["feed_info.txt"] = (
        "feed_publisher_name,feed_publisher_url,feed_lang\nRégion Sud Transports,https://x,fr\n"
    )
    publisher = read_all(write_feed(tmp_path / "p", files))
    assert publisher[0].id == "urn:interop:agency:region-sud-transports:"
    files["feed_info.txt"] = (
        "feed_publisher_name,feed_publisher_url,feed_lang,feed_id\nVendor,https://x,fr,metro-7\n"
    )
    assert read_all(write_feed(tmp_path / "i", files))[0].id == "urn:interop:agency:metro-7:"
    named = read_all(feed, namespace="city")
    assert {r.id.split(":")[3] for r in named} == {"city"}
    files = dict(MINIMAL)
    hebrew = "\u05ea\u05d7\u05d1\u05d5\u05e8\u05d4"
    url = "http://www.egged-taavura.co.il"
    files["agency.txt"] = f"agency_name,agency_url,agency_timezone\n{hebrew},{url},UTC\n"
    assert read_all(write_feed(tmp_path / "h", files))[0].id == (
        "urn:interop:agency:egged-taavura-co-il:"  # a name in another script: the URL host
    )
    files["agency.txt"] = f"agency_name,agency_url,agency_timezone\n{hebrew},/,UTC\n"
    assert read_all(write_feed(tmp_path / "My Feed 2026b", files))[0].id == (
        "urn:interop:agency:my-feed-2026b:"  # no ASCII identity left: the folder name
    )
    assert slug(Path("Sample-Feed-1.ZIP")) == "sample-feed-1"
    assert slug(Path("___.zip")) == "feed"


def test_chunks_respect_chunk_size_and_give_the_same_records(tmp_path):
    feed = sample_feed()
    chunks = list(GtfsReader().read(feed, chunk_size=4))
    assert all(1 <= len(chunk) <= 4 for chunk in chunks)
    assert [r for chunk in chunks for r in chunk] == read_all(feed)
    with pytest.raises(ValueError, match="chunk_size"):
        list(GtfsReader().read(feed, chunk_size=0))


def test_shape_rows_need_not_be_contiguous(tmp_path):
    files = dict(MINIMAL)
    files["shapes.txt"] = (
        "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,note\n"
        "A,1,1,2,a2\nB,5,5,1,b1\nA,0,0,1,a1\nB,6,6,7,b7\n"
    )
    shapes = [r for r in read_all(write_feed(tmp_path / "f", files)) if isinstance(r, Shape)]
    assert [s.id.rsplit(":", 1)[1] for s in shapes] == ["A", "B"]
    assert [p.sequence for p in shapes[0].points] == [1, 2]
    assert shapes[0].points[0].lat == 0.0
    assert shapes[0].extensions == {"gtfs": {"note": ["a1", "a2"]}}


def test_non_utf8_files_are_read(tmp_path):
    feed = write_feed(tmp_path / "f", MINIMAL)
    (feed / "stops.txt").write_bytes(
        b"stop_id,stop_name,stop_lat,stop_lon\nS1,Tr\xf8ndelag,1,2\nS2,B,1,2\n"
    )
    reader = GtfsReader()
    records = [r for chunk in reader.read(feed) for r in chunk]
    names = {r.name for r in records if isinstance(r, Stop)}
    assert "Trøndelag" in names
    assert any(n.code == "non_utf8_encoding" for n in reader.notices)


@pytest.mark.parametrize(
    ("file", "text", "fragment", "column"),
    [
        (
            "calendar_dates.txt",
            "service_id,date,exception_type\nWK,2026-01-01,1\n",
            "YYYYMMDD",
            "date",
        ),
        (
            "calendar_dates.txt",
            "service_id,date,exception_type\nWK,20260101,7\n",
            "codes",
            "exception_type",
        ),
        ("stops.txt", "stop_id,stop_name,stop_lat,stop_lon\n,One,1,2\n", "required", "stop_id"),
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\nS1,One,north,2\n",
            "not a number",
            "stop_lat",
        ),
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\nS1,One,91,2\n",
            "less than",
            "stop_lat",
        ),
        ("stops.txt", "stop_id,stop_name,stop_lat\nS1,One,1\n", "Field required", "stop_lon"),
        ("stops.txt", "stop_id,stop_name\nS1,One\n", "name and a point", None),
        ("routes.txt", "route_id,route_short_name\nR,1\n", "missing from the header", "route_type"),
        ("routes.txt", "route_id,route_short_name,route_type\nR,1,3,extra\n", "more fields", None),
        ("routes.txt", "route_id,route_id,route_type\nR,1,3\n", "repeats", None),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
            "T1,08:00:00,07:00:00,S1,1\n",
            "departure is before arrival",
            None,
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,8h,08:00:00,S1,1\n",
            "not a GTFS time",
            "arrival_time",
        ),
        (
            "shapes.txt",
            "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\nA,1,1,1\n",
            "shape 'A'",
            "shape_pt_sequence",
        ),
    ],
)
def test_strict_reading_raises_decode_error_naming_file_row_and_column(
    tmp_path, file, text, fragment, column
):
    files = dict(MINIMAL)
    files[file] = text
    with pytest.raises(DecodeError) as caught:
        read_all(write_feed(tmp_path / "f", files), strict=True)
    error = caught.value
    assert fragment in str(error)
    assert error.source is not None
    assert file in error.source
    assert error.field == column
    if "header" not in error.message:
        assert error.source.endswith(f"{file} data row 1")


def test_inputs_that_are_no_feed_raise_decode_error(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DecodeError, match="zip"):
        read_all(junk)
    only_unknown = write_feed(tmp_path / "u", {"readme.md": "hello"})
    with pytest.raises(DecodeError, match=r"no agency\.txt or feed_info\.txt"):
        read_all(only_unknown, strict=True)
    reader = GtfsReader()
    assert [r for chunk in reader.read(only_unknown) for r in chunk] == []
    assert [(item.code, item.raw) for item in reader.set_aside] == [("unknown_file", "hello")]
    with pytest.raises(DecodeError, match="no such file"):
        read_all(tmp_path / "absent")


def test_whitespace_only_codes_are_empty_but_text_is_kept(tmp_path):
    files = dict(MINIMAL)
    files["stops.txt"] = (
        "stop_id,stop_name,stop_lat,stop_lon,wheelchair_boarding\nS1, One ,1,2, \nS2,Two,1,2,\n"
    )
    stops = [r for r in read_all(write_feed(tmp_path / "f", files)) if isinstance(r, Stop)]
    assert stops[0].name == " One "
    assert stops[0].wheelchair_boarding is None


def test_every_corpus_input_reads_or_raises_decode_error(gtfs_corpus):
    outcomes = {}
    for feed in sorted(gtfs_corpus.rglob("*.zip")):
        if feed.stat().st_size > 300_000:
            continue  # the large real feeds are read by the round-trip tests
        try:
            outcomes[feed.name] = len(read_all(feed, strict=True))
        except DecodeError as exc:
            outcomes[feed.name] = exc.code
    assert outcomes["transitfeed_bad_date_format.zip"] == "decode-error"
    assert outcomes["validator_zip_with_invalid_content_sample.zip"] == "decode-error"
    assert outcomes["transitfeed_only_calendar_dates.zip"] > 0
    assert outcomes["partridge_empty.zip"] == 0
    assert len(outcomes) >= 22
    with pytest.raises(DecodeError, match="not a GTFS feed"):  # upper-case .csv files only
        read_all(gtfs_corpus / "madrid-bench/gtfsbench-csv-1.zip", strict=True)


def test_corpus_bom_and_region_nord_values(gtfs_corpus):
    bom = read_all(gtfs_corpus / "edge/transitfeed_utf8bom.zip")
    assert any(isinstance(r, Stop) and r.id.endswith(":FUR_CREEK_RES") for r in bom)
    nord = read_all(gtfs_corpus / "edge/partridge_region-nord-v2.zip")
    names = {r.name for r in nord if isinstance(r, Stop)}
    assert any("ø" in (name or "") for name in names)  # ISO-8859-1 stops.txt decoded
    late = [r for r in nord if isinstance(r, Call) and (r.arrival or 0) >= 24 * 3600]
    assert late
    dated = read_all(gtfs_corpus / "edge/transitfeed_only_calendar_dates.zip")
    dates = {r.service_date for r in dated if r.kind == "transit_service_exception"}
    assert date(2007, 6, 4) in dates
