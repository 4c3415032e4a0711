"""The linked-gtfs profile: exact triples of small hand-made feeds, WKT shapes, streaming."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from interop_gtfs.linked import write_linked_gtfs

M = "http://transport.linkeddata.es/madrid/metro/"
R = "http://transport.linkeddata.es/resource/"
G = "http://vocab.gtfs.org/terms#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _feed(tmp_path: Path, files: dict[str, str], *, bom: bool = False) -> Path:
    path = tmp_path / "feed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            data = text.encode("utf-8")
            archive.writestr(name, (b"\xef\xbb\xbf" + data) if bom else data)
    return path


def _export(feed: Path, **options: object) -> tuple[int, list[str]]:
    out = io.StringIO()
    count = write_linked_gtfs(feed, out, **options)  # type: ignore[arg-type]
    return count, out.getvalue().splitlines()


def test_stop_times_exact_triples_with_empty_values_and_late_times(tmp_path: Path) -> None:
    feed = _feed(
        tmp_path,
        {
            "stops.txt": "stop_id,stop_name\nS1,One\n",
            "trips.txt": "route_id,service_id,trip_id\nR,X,T1\n",
            "stop_times.txt": (
                "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n"
                "T1,25:10:00,,S1,01,\n"
                "T1,,26:00:00,S1,2,1\n"  # no arrival: the subject is NULL, nothing written
                "T2,07:00:00,07:00:00,S9,3,nan\n"  # unknown trip and stop: no join triples
            ),
        },
    )
    count, lines = _export(feed)
    s = f"<{M}stoptimes/T1-S1-25%3A10%3A00>"
    t2 = f"<{M}stoptimes/T2-S9-07%3A00%3A00>"
    stop_times = [line for line in lines if "stoptimes/" in line.split(" ")[0]]
    assert stop_times == [
        f"{s} {TYPE} <{G}StopTime> .",
        f'{s} <{G}arrivalTime> "25:10:00" .',
        f'{s} <{G}stopSequence> "1"^^<{XSD}integer> .',
        f"{s} <{G}trip> <{M}trips/T1> .",
        f"{s} <{G}stop> <{M}stops/S1> .",
        f"{t2} {TYPE} <{G}StopTime> .",
        f'{t2} <{G}arrivalTime> "07:00:00" .',
        f'{t2} <{G}departureTime> "07:00:00" .',
        f'{t2} <{G}stopSequence> "3"^^<{XSD}integer> .',
    ]
    assert count == len(lines)
    # trips: no route/service rows exist, so only the type (joins are inner joins)
    assert [line for line in lines if line.startswith(f"<{M}trips/")] == [
        f"<{M}trips/T1> {TYPE} <{G}Trip> ."
    ]


def test_percent_encoding_and_literal_escaping(tmp_path: Path) -> None:
    feed = _feed(
        tmp_path,
        {
            "stops.txt": (
                "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,stop_url\n"
                'a b/é?#,"say ""hi""\\",1.5,-2,1,,http://x.org/a\n'
                "c~d_e.f-g,Child,,,0,a b/é?#,\n"
            ),
        },
    )
    _, lines = _export(feed)
    a = f"<{M}stops/a%20b%2F%C3%A9%3F%23>"
    c = f"<{M}stops/c~d_e.f-g>"
    assert lines == [
        f"{a} {TYPE} <{G}Stop> .",
        f'{a} <http://purl.org/dc/terms/identifier> "a b/é?#" .',
        f'{a} <http://xmlns.com/foaf/0.1/name> "say \\"hi\\"\\\\" .',
        f'{a} <http://www.w3.org/2003/01/geo/wgs84_pos#lat> "1.5"^^<{XSD}double> .',
        f'{a} <http://www.w3.org/2003/01/geo/wgs84_pos#long> "-2"^^<{XSD}double> .',
        f"{a} <{G}locationType> <{R}LocationType/1> .",
        f"{a} <http://xmlns.com/foaf/0.1/page> <http://x.org/a> .",
        f"{c} {TYPE} <{G}Stop> .",
        f'{c} <http://purl.org/dc/terms/identifier> "c~d_e.f-g" .',
        f'{c} <http://xmlns.com/foaf/0.1/name> "Child" .',
        f"{c} <{G}locationType> <{R}LocationType/0> .",
        f"{c} <{G}parentStation> {a} .",
    ]


def test_bom_uppercase_csv_calendar_and_base(tmp_path: Path) -> None:
    feed = _feed(
        tmp_path,
        {
            "CALENDAR.csv": (
                "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                "start_date,end_date\nWK,1,TRUE,0,0,0,0,0,20240101,\n"
            ),
            "CALENDAR_DATES.csv": "service_id,date,exception_type\nWK,20240105,2\nWK,20240106,1\n",
            "AGENCY.csv": "agency_id,agency_name,agency_url\nA,Agency,http://a.example\n",
        },
        bom=True,
    )
    count, lines = _export(feed, base="http://example.org/")
    svc, rule = "<http://example.org/metro/services/WK>", "<http://example.org/metro/"
    assert f"{svc} {TYPE} <{G}Service> ." in lines
    assert lines.count(f"{svc} {TYPE} <{G}Service> .") == 1
    assert f"{svc} <{G}serviceRule> {rule}calendar_rules/WK> ." in lines
    assert f'{rule}calendar_rules/WK> <{G}tuesday> "true"^^<{XSD}boolean> .' in lines
    assert f'{rule}calendar_rules/WK> <{G}monday> "1"^^<{XSD}boolean> .' in lines
    assert f'{rule}calendar_rules/WK> <http://schema.org/startDate> "20240101"^^<{XSD}date> .' in (
        lines
    )
    assert not any("endDate" in line for line in lines)
    assert f"{svc} <{G}serviceRule> {rule}calendar_date_rule/WK-20240105> ." in lines
    assert f'{rule}calendar_date_rule/WK-20240105> <{G}dateAddition> "2"^^<{XSD}boolean> .' in (
        lines
    )
    assert f"<http://example.org/agency/A> {TYPE} <{G}Agency> ." in lines
    assert count == len(lines) == len(set(lines))


SHAPES = {
    "shapes.txt": (
        "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled\n"
        "SH,1.0,2.0,2,\n"
        "SH,3.0,4.0,1,0.5\n"
        "ONE,5,6,1,\n"
    ),
    "trips.txt": "route_id,service_id,trip_id,shape_id\nR,X,T,SH\n",
}


def test_shape_points(tmp_path: Path) -> None:
    count, lines = _export(_feed(tmp_path, SHAPES))
    sh, p1 = f"<{M}shape/SH>", f"<{M}shape_point/SH-1>"
    assert f"{sh} {TYPE} <{G}Shape> ." in lines
    assert lines.count(f"{sh} {TYPE} <{G}Shape> .") == 1
    assert f"{sh} <{G}shapePoint> {p1} ." in lines
    assert f'{p1} <{G}pointSequence> "1" .' in lines
    assert f'{p1} <{G}distanceTraveled> "0.5"^^<{XSD}double> .' in lines
    assert f"<{M}trips/T> <{G}shape> {sh} ." in lines
    assert count == 2 + 3 * 5 + 1 + 2  # 2 shape types, 3 points, trip type + shape link


@pytest.mark.parametrize("grouped", [True, False])
def test_shapes_as_wkt(tmp_path: Path, grouped: bool) -> None:
    files = dict(SHAPES)
    if not grouped:
        files["shapes.txt"] += "SH,7,8,0,\n"
    count, lines = _export(_feed(tmp_path, files), shapes_as_wkt=True)
    geo = "http://www.opengis.net/ont/geosparql#"
    wkt = f"<{geo}wktLiteral>"
    sh, one = f"<{M}shape/SH>", f"<{M}shape/ONE>"
    coordinates = "8 7, 4.0 3.0, 2.0 1.0" if not grouped else "4.0 3.0, 2.0 1.0"
    expected = {
        f"{sh} {TYPE} <{G}Shape> .",
        f"{sh} <{geo}hasGeometry> <{M}shape/SH/geometry> .",
        f'<{M}shape/SH/geometry> <{geo}asWKT> "LINESTRING({coordinates})"^^{wkt} .',
        f"{one} {TYPE} <{G}Shape> .",
        f"{one} <{geo}hasGeometry> <{M}shape/ONE/geometry> .",
        f'<{M}shape/ONE/geometry> <{geo}asWKT> "POINT(6 5)"^^{wkt} .',
        f"<{M}trips/T> {TYPE} <{G}Trip> .",
        f"<{M}trips/T> <{G}shape> {sh} .",
    }
    assert set(lines) == expected
    assert count == len(lines) == 8
    assert not any("ShapePoint" in line for line in lines)


def test_colliding_stop_time_subjects_written_once(tmp_path: Path) -> None:
    feed = _feed(
        tmp_path,
        {
            "stop_times.txt": (
                "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                "L,08:00:00,08:00:00,S,1\nL,08:00:00,08:00:00,S,2\n"
            )
        },
    )
    count, lines = _export(feed)
    assert count == len(lines) == len(set(lines)) == 5  # type, arr, dep, 2 sequences


class _Recorder(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def write(self, text: str) -> int:
        self.calls.append(len(text))
        return super().write(text)


def test_streams_in_batches_with_progress(tmp_path: Path) -> None:
    rows = "".join(
        f"T{i // 20},{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d},,S,{i}\n" for i in range(5000)
    )
    feed = _feed(
        tmp_path, {"stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                   + rows}
    )  # fmt: skip
    seen: list[int] = []
    out = _Recorder()
    count = write_linked_gtfs(feed, out, progress=seen.append)
    assert count == 15000
    assert len(out.calls) >= 2  # written while reading, not at the end in one piece
    assert len(seen) >= 2
    assert all(n > 0 for n in seen)
    assert sum(seen) == count
    assert out.getvalue().count("\n") == count


def test_folder_feed_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "agency.txt").write_text("agency_id,agency_name\n,Nameless\n", encoding="utf-8")
    assert write_linked_gtfs(tmp_path, io.StringIO()) == 0


def test_sample_feed_1(gtfs_corpus: Path) -> None:
    count, lines = _export(gtfs_corpus / "sample-feed-1.zip")
    assert count == len(lines) == len(set(lines))  # the whole graph: test_linked_peer.py
    assert f"<{M}trips/AB1> <{G}route> <{M}routes/AB> ." in lines
    assert sum(1 for line in lines if line.endswith(f"{TYPE} <{G}Frequency> .")) == 11


def test_a_very_long_trip_is_written_in_pieces(tmp_path: Path) -> None:
    rows = "".join(
        f"T,{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d},,S,{i}\n" for i in range(60000)
    )
    feed = _feed(
        tmp_path, {"stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                   + rows}
    )  # fmt: skip
    out = _Recorder()
    assert write_linked_gtfs(feed, out) == 180000
    assert len(out.calls) >= 2
