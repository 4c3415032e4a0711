"""The GTFS plugin through the ``interop`` command line: convert, profiles, validate."""

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from interop.cli import app

SAMPLE = Path(__file__).resolve().parents[1] / "interop_gtfs" / "samples" / "riverside"
runner = CliRunner()


def test_linked_gtfs_profile_through_convert(tmp_path):
    points, wkt = tmp_path / "points.nt", tmp_path / "wkt.nt"
    result = runner.invoke(
        app, ["convert", f"gtfs:{SAMPLE}", f"rdf:{points}", "--profile", "linked-gtfs"]
    )
    assert result.exit_code == 0, result.output
    assert "triples (linked-gtfs)" in result.stdout
    assert "<http://vocab.gtfs.org/terms#StopTime>" in points.read_text()
    result = runner.invoke(
        app,
        ["convert", f"gtfs:{SAMPLE}", f"rdf:{wkt}", "--profile", "linked-gtfs", "-O", "shapes=wkt"],
    )
    assert result.exit_code == 0, result.output
    text = wkt.read_text()
    assert "LINESTRING(" in text
    assert "ShapePoint" not in text


def test_bad_profile_options_are_refused_without_output(tmp_path):
    target = tmp_path / "out.nt"
    args = ["convert", f"gtfs:{SAMPLE}", f"rdf:{target}", "--profile", "linked-gtfs"]
    result = runner.invoke(app, [*args, "-O", "shapes=svg"])
    assert result.exit_code == 2
    assert "shapes='svg'" in result.stderr
    assert not target.exists()
    result = runner.invoke(app, [*args[:-1], "turtle-ish"])
    assert result.exit_code == 2
    assert "linked-gtfs" in result.stderr


def test_validate_a_feed_as_json(tmp_path):
    ok = runner.invoke(app, ["validate", f"gtfs:{SAMPLE}", "--json"])
    report = json.loads(ok.stdout)
    assert [i for i in report["issues"] if i["severity"] == "error"] == []
    assert ok.exit_code == 0
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLE, broken)
    (broken / "stops.txt").unlink()
    bad = runner.invoke(app, ["validate", f"gtfs:{broken}", "--json"])
    assert bad.exit_code == 1
    codes = {i["code"] for i in json.loads(bad.stdout)["issues"]}
    assert "missing_required_file" in codes


def test_validate_text_keeps_the_field_in_brackets(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLE, broken)
    stop_times = broken / "stop_times.txt"
    lines = stop_times.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[header.index("stop_id")] = "NOWHERE"
    stop_times.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n")
    result = runner.invoke(app, ["validate", f"gtfs:{broken}"])
    assert result.exit_code == 1
    assert "foreign_key_violation" in result.stdout
    assert "[stop_id]" in result.stdout


def test_validate_format_json_is_keyed_as_mobilitydata_report(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLE, broken)
    stop_times = broken / "stop_times.txt"
    lines = stop_times.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[header.index("stop_id")] = "NOWHERE"
    stop_times.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n")
    result = runner.invoke(app, ["validate", f"gtfs:{broken}", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["summary"]["conforms"] is False
    notice = next(n for n in report["notices"] if n["code"] == "foreign_key_violation")
    assert notice["severity"] == "ERROR"
    assert notice["totalNotices"] == len(notice["sampleNotices"]) >= 1
    sample = notice["sampleNotices"][0]
    assert sample["filename"] == "stop_times.txt"
    assert sample["csvRowNumber"] == 2  # the header is row 1, as in MobilityData's report
    assert sample["fieldName"] == "stop_id"
    unknown = runner.invoke(app, ["validate", f"gtfs:{broken}", "--format", "xml"])
    assert unknown.exit_code == 2
