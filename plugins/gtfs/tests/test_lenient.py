"""Real-feed failures, read leniently: the feed read, its notices raised, the round trip lossless.

One small feed per failure seen on published feeds: a ``route_text_color`` of ``0``, a
``traversal_time`` of 0, a GTFS-Flex feed, a few bad rows in a large file, a negative
``shape_dist_traveled``, Fares v2 files, a duplicate id and a trip on a missing route.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from interop_gtfs.reader import GtfsReader
from interop_gtfs.writer import GtfsWriter
from typer.testing import CliRunner

from interop.cli import app
from interop.errors import DecodeError
from interop.model.records import Record
from interop.model.transit import (
    BookingRule,
    BookingType,
    Call,
    Line,
    LocationGroup,
    Pathway,
    Shape,
)
from interop.setaside import SetAsideLog, collecting

runner = CliRunner()

BASE = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Lenient Transit,https://x.example,UTC\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nS1,One,1.5,2.5\nS2,Two,1.6,2.6\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\nR,A,1,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR,WK,T1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "T1,08:00:00,08:00:00,S1,1\nT1,08:10:00,08:11:00,S2,2\n",
    "calendar_dates.txt": "service_id,date,exception_type\nWK,20260101,1\n",
}


def feed(tmp_path: Path, name: str = "feed", **files: str) -> Path:
    """A feed folder: the base feed with ``files`` (``stops_txt=...``) replaced or added."""
    folder = tmp_path / name
    folder.mkdir()
    contents = dict(BASE)
    contents.update(
        {
            key.replace("_txt", ".txt").replace("_geojson", ".geojson"): text
            for key, text in files.items()
        }
    )
    for file, text in contents.items():
        (folder / file).write_text(text, encoding="utf-8", newline="")
    return folder


def read(source: Path, log: SetAsideLog | None = None) -> tuple[list[Record], GtfsReader]:
    reader = GtfsReader()
    if log is None:
        return [r for chunk in reader.read(source) for r in chunk], reader
    with collecting(log):
        return [r for chunk in reader.read(source) for r in chunk], reader


def round_trip(records: list[Record], target: Path) -> list[Record]:
    """Write the records, read them back; the caller compares."""
    assert GtfsWriter().write([records], target) == len(records)
    again, _ = read(target)
    return again


def codes(reader: GtfsReader) -> set[str]:
    return {notice.code for notice in reader.notices}


def test_route_text_color_zero_is_kept_verbatim_with_a_notice(tmp_path):
    source = feed(
        tmp_path,
        routes_txt="route_id,agency_id,route_short_name,route_type,route_color,route_text_color\n"
        "R,A,1,3,00FF00,0\n",
    )
    records, reader = read(source)
    (line,) = [r for r in records if isinstance(r, Line)]
    assert line.color == "00FF00"
    assert line.text_color is None
    assert line.extensions == {"gtfs": {"route_text_color": "0"}}
    notice = next(n for n in reader.notices if n.code == "invalid_color")
    assert (notice.file, notice.row, notice.field) == ("routes.txt", 1, "route_text_color")
    assert reader.set_aside == []
    target = tmp_path / "out.zip"
    assert round_trip(records, target) == records
    with zipfile.ZipFile(target) as archive:
        assert "R,A,1,3,00FF00,0" in archive.read("routes.txt").decode()
    with pytest.raises(DecodeError, match="route_text_color"):
        list(GtfsReader(strict=True).read(source))


def test_zero_traversal_time_is_kept_verbatim_with_a_notice(tmp_path):
    source = feed(
        tmp_path,
        stops_txt="stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
        "ST,Station,1.5,2.5,1,\nS1,One,1.5,2.5,0,ST\nS2,Two,1.6,2.6,0,ST\n",
        pathways_txt="pathway_id,from_stop_id,to_stop_id,pathway_mode,is_bidirectional,"
        "traversal_time\nP1,S1,S2,1,1,0\n",
    )
    records, reader = read(source)
    (pathway,) = [r for r in records if isinstance(r, Pathway)]
    assert pathway.traversal_time is None
    assert pathway.extensions == {"gtfs": {"traversal_time": "0"}}
    assert "number_out_of_range" in codes(reader)
    assert round_trip(records, tmp_path / "out") == records
    assert "P1,S1,S2,1,1,0" in (tmp_path / "out" / "pathways.txt").read_text()


FLEX = {
    "stop_times_txt": "trip_id,stop_id,location_group_id,location_id,stop_sequence,"
    "arrival_time,departure_time,start_pickup_drop_off_window,end_pickup_drop_off_window,"
    "pickup_type,drop_off_type,pickup_booking_rule_id,drop_off_booking_rule_id\n"
    "T1,,LG1,,1,,,08:00:00,18:00:00,2,1,BR1,BR1\n"
    "T1,,,Z1,2,,,08:00:00,18:30:00,1,2,BR1,BR1\n"
    "T1,S2,,,3,18:40:00,18:40:00,,,0,0,,\n",
    "location_groups_txt": "location_group_id,location_group_name\nLG1,Village stops\n",
    "location_group_stops_txt": "location_group_id,stop_id\nLG1,S1\nLG1,S2\n",
    "booking_rules_txt": "booking_rule_id,booking_type,prior_notice_duration_min,message,"
    "phone_number\nBR1,1,60,Call an hour ahead,+1 555 0100\n",
    "locations_geojson": json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": "Z1",
                    "properties": {"stop_name": "Zone 1"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[2, 1], [3, 1], [3, 2], [2, 1]]],
                    },
                }
            ],
        }
    ),
}


def test_flex_feed_is_read_modelled_and_round_trips(tmp_path):
    source = feed(tmp_path, **FLEX)
    records, reader = read(source)
    calls = [r for r in records if isinstance(r, Call)]
    assert [c.stop is None for c in calls] == [True, True, False]
    group_call, zone_call, _ = calls
    assert group_call.location_group == "urn:interop:location_group:lenient-transit:LG1"
    assert zone_call.location == "urn:interop:location:lenient-transit:Z1"
    assert group_call.start_pickup_drop_off_window == 8 * 3600
    assert zone_call.end_pickup_drop_off_window == 18 * 3600 + 1800
    assert group_call.pickup_booking_rule == "urn:interop:booking_rule:lenient-transit:BR1"
    (rule,) = [r for r in records if isinstance(r, BookingRule)]
    assert rule.booking_type is BookingType.SAME_DAY
    assert rule.prior_notice_duration_min == 60
    assert [r.name for r in records if isinstance(r, LocationGroup)] == ["Village stops"]
    assert sum(r.kind == "transit_location_group_stop" for r in records) == 2
    assert reader.set_aside == []
    assert not {"foreign_key_violation", "missing_required_field"} & codes(reader)
    target = tmp_path / "out.zip"
    assert round_trip(records, target) == records
    with zipfile.ZipFile(target) as archive:  # the zones are kept byte for byte
        assert archive.read("locations.geojson").decode() == FLEX["locations_geojson"]


def test_a_few_bad_rows_in_a_large_file_are_set_aside(tmp_path):
    rows = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"]
    bad = {137: "T1,08:00:00,08:00:00,S1,", 5000: "T1,08:00:00,08:00:00,,5000", 15_999: "T1,1,2"}
    for number in range(1, 20_001):
        rows.append(bad.get(number, f"T1,08:00:00,08:00:00,S{1 + number % 2},{number}"))
    source = feed(tmp_path, stop_times_txt="\n".join(rows) + "\n")
    items = []
    log = SetAsideLog(dead_letter=items.append)
    records, _ = read(source, log)
    assert sum(isinstance(r, Call) for r in records) == 20_000 - 3
    assert log.set_aside_total == 3
    assert [item.source.rsplit(" ", 1)[1] for item in items] == ["137", "5000", "15999"]
    assert [item.code for item in items] == [
        "missing_required_field",
        "invalid_row",
        "missing_required_field",
    ]
    assert items[0].raw == "T1,08:00:00,08:00:00,S1,"
    carriers = [r for r in records if "gtfs-rows" in r.extensions]  # kept for writing back
    assert [r.sequence for r in carriers] == [138, 5001, 16000]
    assert carriers[0].extensions["gtfs-rows"] == {
        "stop_times.txt": [
            {
                "trip_id": "T1",
                "arrival_time": "08:00:00",
                "departure_time": "08:00:00",
                "stop_id": "S1",
                "stop_sequence": "",
            }
        ]
    }
    target = tmp_path / "out.zip"
    assert round_trip(records, target) == records
    with zipfile.ZipFile(target) as archive:
        written = archive.read("stop_times.txt").decode().splitlines()
    assert len(written) == 20_001
    assert "T1,08:00:00,08:00:00,S1," in written
    assert "T1,1,2,," in written  # the short row, its missing values written empty
    with pytest.raises(DecodeError, match="data row 137"):
        read(source, SetAsideLog(strict=True))
    with pytest.raises(DecodeError, match="data row 137"):
        read(source, SetAsideLog(on_error="fail"))


def test_convert_sets_rows_aside_writes_dead_letter_and_summary(tmp_path):
    source = feed(
        tmp_path,
        routes_txt="route_id,agency_id,route_short_name,route_type,route_text_color\n"
        "R,A,1,3,0\nR2,A,2,\n",
    )
    target = tmp_path / "out.zip"
    result = runner.invoke(app, ["convert", f"gtfs:{source}", f"gtfs:{target}"])
    assert result.exit_code == 4, result.output
    letter = tmp_path / "out.zip.set-aside.jsonl"
    (item,) = [json.loads(line) for line in letter.read_text().splitlines()]
    assert item["code"] == "missing_required_field"
    assert item["raw"] == "R2,A,2,"
    assert "routes.txt data row 2" in item["source"]
    summary = json.loads((tmp_path / "out.zip.summary.json").read_text())
    assert summary["set_aside"]["count"] == 1
    assert summary["notices"]["by_code"]["invalid_color"] == {"severity": "error", "count": 1}
    assert "set aside 1" in result.stderr
    strict = runner.invoke(
        app, ["convert", "--strict", f"gtfs:{source}", f"gtfs:{tmp_path / 's.zip'}"]
    )
    assert strict.exit_code == 2
    assert "route_text_color" in strict.stderr
    assert not (tmp_path / "s.zip").exists()


def test_convert_exit_status_three_when_values_were_only_noticed(tmp_path):
    source = feed(
        tmp_path,
        routes_txt="route_id,agency_id,route_short_name,route_type,route_text_color\nR,A,1,3,0\n",
    )
    summary = tmp_path / "report.json"
    target = tmp_path / "out.zip"
    result = runner.invoke(
        app, ["convert", f"gtfs:{source}", f"gtfs:{target}", "--summary", str(summary)]
    )
    assert result.exit_code == 3, result.output
    assert json.loads(summary.read_text())["set_aside"]["count"] == 0
    assert not (tmp_path / "out.zip.set-aside.jsonl").exists()
    clean = runner.invoke(app, ["convert", f"gtfs:{target}", f"gtfs:{tmp_path / 'again.zip'}"])
    assert clean.exit_code == 3  # the kept "0" is written back, and noticed again


def test_negative_shape_distance_is_named_by_its_column_and_kept(tmp_path):
    source = feed(
        tmp_path,
        shapes_txt="shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled\n"
        "SH,1,1,1,0\nSH,1.1,1.1,2,-5\nSH,1.2,1.2,3,7.5\n",
    )
    with pytest.raises(DecodeError) as caught:
        list(GtfsReader(strict=True).read(source))
    assert caught.value.field == "shape_dist_traveled"
    assert "'points'" not in str(caught.value)
    assert "point 1" in caught.value.message
    records, reader = read(source)
    (shape,) = [r for r in records if isinstance(r, Shape)]
    assert [p.distance_traveled for p in shape.points] == [None, None, None]
    assert shape.extensions == {"gtfs": {"shape_dist_traveled": ["0", "-5", "7.5"]}}
    assert "number_out_of_range" in codes(reader)
    assert round_trip(records, tmp_path / "out.zip") == records


FARES_V2 = {
    "fare_media_txt": "fare_media_id,fare_media_name,fare_media_type\ncard,Card,2\n",
    "fare_products_txt": "fare_product_id,fare_product_name,amount,currency\nP,Single,2.50,EUR\n",
    "fare_leg_rules_txt": "leg_group_id,network_id,fare_product_id\nL,N,P\n",
    "fare_transfer_rules_txt": "from_leg_group_id,to_leg_group_id,fare_transfer_type\nL,L,0\n",
    "areas_txt": "area_id,area_name\nAR,Centre\n",
    "stop_areas_txt": "area_id,stop_id\nAR,S1\n",
    "networks_txt": "network_id,network_name\nN,City\n",
    "route_networks_txt": "network_id,route_id\nN,R\n",
    "timeframes_txt": "timeframe_group_id,start_time,end_time,service_id\n"
    "PEAK,07:00:00,09:00:00,WK\n",
}


def test_fares_v2_files_are_kept_byte_for_byte(tmp_path):
    source = feed(tmp_path, **FARES_V2)
    records, reader = read(source)
    assert reader.set_aside == []
    target = tmp_path / "out"
    assert round_trip(records, target) == records
    for key, text in FARES_V2.items():
        assert (target / key.replace("_txt", ".txt")).read_text(encoding="utf-8") == text


def test_duplicate_ids_and_missing_references_are_noticed_and_kept(tmp_path):
    source = feed(
        tmp_path,
        stops_txt="stop_id,stop_name,stop_lat,stop_lon\nS1,One,1.5,2.5\nS2,Two,1.6,2.6\n"
        "S1,One again,1.5,2.5\n",
        trips_txt="route_id,service_id,trip_id,shape_id\nR,WK,T1,\nGHOST,WK,T2,NOSHAPE\n",
    )
    records, reader = read(source)
    assert sum(r.kind == "transit_stop" for r in records) == 3
    found = {(n.code, n.file, n.row, n.field) for n in reader.notices}
    assert ("duplicate_key", "stops.txt", 3, "stop_id") in found
    assert ("foreign_key_violation", "trips.txt", 2, "route_id") in found
    assert ("foreign_key_violation", "trips.txt", 2, "shape_id") in found
    assert round_trip(records, tmp_path / "out.zip") == records


def test_every_corpus_zip_reads_leniently_and_round_trips(gtfs_corpus, tmp_path):
    """Broken and valid corpus feeds alike: read, noticed, written back and read equal."""
    outcomes = {}
    for number, feed in enumerate(sorted(gtfs_corpus.rglob("*.zip"))):
        if feed.stat().st_size > 300_000:
            continue  # the large real feeds have their own round-trip tests
        log = SetAsideLog()
        records, _ = read(feed, log)
        assert round_trip(records, tmp_path / f"{number}.zip") == records, feed.name
        outcomes[feed.name] = (log.set_aside_total, set(log.notice_counts))
    assert outcomes["transitfeed_bad_date_format.zip"] == (
        2,
        {"invalid_date", "foreign_key_violation"},
    )
    assert "duplicate_key" in outcomes["transitfeed_duplicate_stop_sequence.zip"][1]
    assert "foreign_key_violation" in outcomes["transitfeed_undefined_stop.zip"][1]
    assert outcomes["validator_zip_with_invalid_content_sample.zip"][0] == 1
    assert outcomes["sample_gtfs.zip"] == (0, set())


def test_a_file_with_a_repeated_column_name_is_kept_byte_for_byte(tmp_path):
    fares = "fare_id,price,price,currency_type,payment_method\nF,1.00,2.00,EUR,0\n"
    source = feed(tmp_path, fare_attributes_txt=fares)
    records, reader = read(source)
    assert "duplicated_column" in codes(reader)
    assert not any(r.kind == "transit_fare" for r in records)
    target = tmp_path / "out"
    assert round_trip(records, target) == records
    assert (target / "fare_attributes.txt").read_text(encoding="utf-8") == fares


def test_bad_shape_points_are_set_aside_and_written_back(tmp_path):
    source = feed(
        tmp_path,
        shapes_txt="shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled,note\n"
        "SH,1,1,1,0,a\nSH,95,1.1,2,1,b\nSH,1.2,1.2,2,2,c\nSH,1.3,1.3,2,3,d\nONE,1,1,1,,e\n",
    )
    log = SetAsideLog()
    records, _ = read(source, log)
    assert log.set_aside_counts == {
        "number_out_of_range": 1,  # latitude 95
        "invalid_shape_point": 1,  # sequence 2 again
        "single_shape_point": 1,  # a shape of one point
    }
    (shape,) = [r for r in records if isinstance(r, Shape)]
    assert [(p.sequence, p.lat) for p in shape.points] == [(1, 1.0), (2, 1.2)]
    kept = shape.extensions["gtfs-rows"]["shapes.txt"]
    assert [row["note"] for row in kept] == ["b", "d", "e"]
    target = tmp_path / "out"
    assert round_trip(records, target) == records
    assert len((target / "shapes.txt").read_text().splitlines()) == 6
