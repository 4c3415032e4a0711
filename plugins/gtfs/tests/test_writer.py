"""GtfsWriter: records become a GTFS zip or folder; what GTFS cannot hold is refused."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from interop_gtfs.demo import sample_feed
from interop_gtfs.reader import GtfsReader
from interop_gtfs.writer import GtfsWriter

from interop.errors import EncodeError
from interop.model.base import Point
from interop.model.place import Place
from interop.model.records import Record
from interop.model.transit import Call, Operator, Stop


def _sample() -> list[Record]:
    return [r for chunk in GtfsReader().read(sample_feed()) for r in chunk]


def _stop(**update: object) -> Stop:
    stop = next(r for r in _sample() if isinstance(r, Stop))
    return stop.model_copy(update=update)


def test_zip_has_one_csv_per_file_crlf_minimal_quoting_and_used_columns(tmp_path):
    target = tmp_path / "out.zip"
    records = _sample()
    assert GtfsWriter().write([records], target) == len(records)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        stops = archive.read("stops.txt").decode("utf-8")
        routes = archive.read("routes.txt").decode("utf-8")
        readme = archive.read("README.txt")
    assert names[:3] == ["agency.txt", "stops.txt", "routes.txt"]
    assert "README.txt" in names
    assert len(names) == 18
    assert readme == (sample_feed() / "README.txt").read_bytes()
    lines = stops.split("\r\n")
    assert lines[0] == (
        "stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station,"
        "wheelchair_boarding,level_id,platform_code,x_shelter"
    )
    assert '"University, main gate"' in stops
    assert '"Market Square"' not in stops
    assert "\n" not in stops.replace("\r\n", "")
    assert routes.startswith("route_id,agency_id,route_short_name,route_long_name,route_type,")
    assert "route_desc" not in routes  # a column no record uses is not written


def test_folder_target_and_required_columns_always_written(tmp_path):
    records = [r for r in _sample() if r.kind in ("transit_operator", "transit_call")]
    target = tmp_path / "feed"
    GtfsWriter().write([records[:3], records[3:]], target)
    header = (target / "stop_times.txt").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[:5] == [
        "trip_id",
        "arrival_time",
        "departure_time",
        "stop_id",
        "stop_sequence",
    ]
    assert sorted(p.name for p in target.iterdir()) == [
        "README.txt",
        "agency.txt",
        "stop_times.txt",
    ]


def test_chunks_are_consumed_lazily_and_counted(tmp_path):
    seen: list[int] = []

    def chunks() -> Iterator[Sequence[Record]]:
        for index, record in enumerate(_sample()):
            seen.append(index)
            yield [record]

    assert GtfsWriter().write(chunks(), tmp_path / "f.zip") == len(seen) == 33


def test_existing_folder_is_not_overwritten(tmp_path):
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "keep.txt").write_text("mine")
    with pytest.raises(EncodeError, match="not empty"):
        GtfsWriter().write([_sample()], tmp_path / "feed")
    assert (tmp_path / "feed" / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("records", "fragment"),
    [
        ([Place(id="urn:x:place:1", name="Square")], "no place in a GTFS"),
        ([_stop(id="https://example.org/stop/1")], "not a GTFS stop IRI"),
        ([_stop(id="urn:interop:stop:riverside:a%41")], "not a GTFS stop IRI"),
        ([_stop(id="urn:interop:trip:riverside:X")], "not a GTFS stop IRI"),
        ([_stop(level="urn:interop:level:other:L0")], "namespace 'other'"),
        ([_stop(point=Point(lat=1, lon=2, alt=30))], "altitude"),
        ([_stop(extensions={"acme": {"colour": "red"}})], "no place in GTFS"),
        ([_stop(extensions={"gtfs": {"x_shelter": 3}})], "not text"),
        ([_stop(extensions={"gtfs": {"stop_name": "dup"}})], "cannot be a GTFS column"),
        (
            [_stop(extensions={"gtfs-files": {"stops.txt": {"text": "x"}}})],
            "both records and a kept file",
        ),
        (
            [_stop(extensions={"gtfs-files": {"../evil": {"text": "x"}}})],
            "cannot be kept as a file",
        ),
        ([_stop(extensions={"gtfs-files": {"a.txt": {"bytes": "x"}}})], "kept as"),
    ],
)
def test_unrepresentable_records_raise_encode_error(tmp_path, records, fragment):
    target = tmp_path / "out.zip"
    with pytest.raises(EncodeError, match=fragment):
        GtfsWriter().write([records], target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no partial output left behind


def test_derived_ids_must_match_their_row(tmp_path):
    call = next(r for r in _sample() if isinstance(r, Call))
    moved = call.model_copy(update={"sequence": call.sequence + 100})
    with pytest.raises(EncodeError, match="derived from trip_id, stop_sequence"):
        GtfsWriter().write([[moved]], tmp_path / "out.zip")


def test_namespace_option_refuses_other_feeds(tmp_path):
    with pytest.raises(EncodeError, match="namespace 'riverside', not 'city'"):
        GtfsWriter(namespace="city").write([_sample()], tmp_path / "out.zip")


def test_conflicting_unknown_files_are_refused(tmp_path):
    first = next(r for r in _sample() if isinstance(r, Operator))
    other = first.model_copy(
        update={
            "id": "urn:interop:agency:riverside:X",
            "extensions": {"gtfs-files": {"README.txt": {"text": "different"}}},
        }
    )
    with pytest.raises(EncodeError, match="different contents"):
        GtfsWriter().write([[first, other]], tmp_path / "out.zip")


def test_written_zip_replaces_an_old_one(tmp_path: Path):
    target = tmp_path / "out.zip"
    target.write_bytes(b"old")
    GtfsWriter().write([_sample()], target)
    assert zipfile.is_zipfile(target)
