"""The NGSI-LD plugin through the ``interop`` command line: convert both ways, validate."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from interop_ngsild.conformance import sample_records
from interop_ngsild.validation import SDM_ENV
from typer.testing import CliRunner

from interop.cli import app
from interop.model.records import Record, RecordAdapter

runner = CliRunner()


def _write_records(path: Path, records: list[Record]) -> None:
    path.write_bytes(b"".join(RecordAdapter.dump_json(record) + b"\n" for record in records))


def _read_records(path: Path) -> list[Record]:
    lines = path.read_bytes().splitlines()
    return [RecordAdapter.validate_json(line) for line in lines if line.strip()]


def test_convert_records_to_entities_and_back(tmp_path: Path) -> None:
    source, entities, back = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "back.jsonl"
    records = sample_records()
    _write_records(source, records)
    result = runner.invoke(app, ["convert", f"records:{source}", f"ngsild:{entities}"])
    assert result.exit_code == 0, result.output
    written = [orjson.loads(line) for line in entities.read_bytes().splitlines()]
    assert {entity["type"] for entity in written} == {"Device", "WeatherObserved"}
    assert all(entity["@context"][-1].startswith("https://uri.etsi.org/") for entity in written)
    result = runner.invoke(app, ["convert", f"ngsild:{entities}", f"records:{back}"])
    assert result.exit_code == 0, result.output
    by_id = {record.id: record for record in _read_records(back)}
    assert by_id == {record.id: record for record in records}


def test_validate_entities_against_the_smart_data_models(
    tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SDM_ENV, str(models_dir))
    source, entities = tmp_path / "in.jsonl", tmp_path / "city.jsonl"
    _write_records(source, sample_records())
    assert runner.invoke(app, ["convert", f"records:{source}", f"ngsild:{entities}"]).exit_code == 0
    result = runner.invoke(app, ["validate", f"ngsild:{entities}", "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert report["conforms"] is True
    assert report["checked"] == 2
    assert report["issues"] == []


def test_validate_reports_schema_and_mapping_errors(
    tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SDM_ENV, str(models_dir))
    broken = tmp_path / "broken.jsonl"
    route = {"id": "urn:x:route:1", "type": "GtfsRoute", "shortName": "1", "routeType": "700"}
    nameless = {"type": "GtfsStop", "name": "no id"}
    broken.write_bytes(orjson.dumps(route) + b"\n" + orjson.dumps(nameless) + b"\n")
    result = runner.invoke(app, ["validate", f"ngsild:{broken}", "--json"])
    assert result.exit_code != 0
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    codes = {(issue["code"], issue.get("row")) for issue in report["issues"]}
    assert ("ngsild-schema", 1) in codes
    assert ("decode-error", 2) in codes
    schema_issue = next(i for i in report["issues"] if i["code"] == "ngsild-schema")
    assert "routeType" in schema_issue["message"]
