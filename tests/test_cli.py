"""The ``interop`` command line, driven in-process through typer's runner."""

import json

import pytest
from typer.testing import CliRunner

from interop.cli import app
from interop.model import Measurement, Place, Point, RecordAdapter
from interop.testing.strategies import records

runner = CliRunner()
TEMP = "https://saref.etsi.org/core/Temperature"
CEL = "http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius"


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_plugins_json_lists_the_template_with_its_manifest():
    result = _invoke("plugins", "--json", "--strict")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    template = next(p for p in payload["plugins"] if p["name"] == "template")
    assert template["api_version"] == 1
    assert template["distribution"] == "interop-template"
    assert "decode" in template["capabilities"]
    assert any(a["kind"] == "Codec" for a in template["adapters"])
    assert payload["failures"] == []


def test_plugins_table():
    result = _invoke("plugins")
    assert result.exit_code == 0
    assert "template" in result.stdout


def test_schema_of_one_kind_and_of_all(tmp_path):
    one = json.loads(_invoke("schema", "measurement").stdout)
    assert one["title"] == "Measurement"
    assert one["properties"]["unit"]["x-data-protection"] == "public"
    union = json.loads(_invoke("schema").stdout)
    assert union["discriminator"]["propertyName"] == "kind"
    result = _invoke("schema", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir())[0] == "command.schema.json"
    unknown = runner.invoke(app, ["schema", "teapot"])
    assert unknown.exit_code == 2
    assert "teapot" in unknown.stderr


def _write_records(path, recs):
    path.write_bytes(b"".join(RecordAdapter.dump_json(r) + b"\n" for r in recs))


SAMPLE = [
    Measurement(id="urn:m:1", property=TEMP, value=21.5, unit=CEL,
                timestamp="2026-11-25T10:00:00Z", device="urn:d:1"),
    Place(id="urn:p:1", name="Plaza Mayor", point=Point(lat=40.4155, lon=-3.7074)),
]  # fmt: skip


@pytest.mark.parametrize("suffix", [".nt", ".ttl", ".jsonld"])
def test_convert_records_to_rdf_and_back(tmp_path, suffix):
    source = tmp_path / "in.jsonl"
    _write_records(source, SAMPLE)
    rdf = tmp_path / f"out{suffix}"
    result = _invoke("convert", f"records:{source}", f"rdf:{rdf}")
    assert result.exit_code == 0, result.output
    assert "converted 2 records" in result.stdout
    back = tmp_path / "back.jsonl"
    assert _invoke("convert", f"rdf:{rdf}", f"records:{back}").exit_code == 0
    recovered = [RecordAdapter.validate_json(line) for line in back.read_bytes().splitlines()]
    assert sorted(recovered, key=lambda r: r.id) == sorted(SAMPLE, key=lambda r: r.id)


def test_validate_rdf_and_records(tmp_path):
    source = tmp_path / "in.jsonl"
    _write_records(source, SAMPLE)
    nt = tmp_path / "out.nt"
    _invoke("convert", f"records:{source}", f"rdf:{nt}")
    ok = _invoke("validate", str(nt))
    assert ok.exit_code == 0, ok.output
    assert "conforms" in ok.stdout
    broken = tmp_path / "broken.nt"
    broken.write_text(
        "".join(line + "\n" for line in nt.read_text().splitlines() if "isMeasuredIn" not in line)
    )
    bad = _invoke("validate", str(broken), "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["conforms"] is False
    bad_records = tmp_path / "bad.jsonl"
    bad_records.write_text('{"kind": "measurement", "id": "urn:m:1"}\n')
    report = _invoke("validate", f"records:{bad_records}", "--json")
    assert report.exit_code == 1
    issues = json.loads(report.stdout)["issues"]
    assert {i["field"] for i in issues} >= {"measurement.value", "measurement.unit"}
    assert all(i["row"] == 1 for i in issues)


def test_convert_errors_are_one_line_not_tracebacks(tmp_path):
    out = f"rdf:{tmp_path / 'x.nt'}"
    missing = runner.invoke(app, ["convert", f"records:{tmp_path / 'nope.jsonl'}", out])
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
    bare = runner.invoke(app, ["convert", "feed.zip", out])
    assert bare.exit_code == 2
    assert "scheme:path" in bare.stderr
    assert "[validation-error]" in bare.stderr
    unknown = tmp_path / "x.bin"
    unknown.write_bytes(b"\x00")
    plugin = runner.invoke(app, ["convert", f"nosuchplugin:{unknown}", out])
    assert plugin.exit_code == 2
    assert "nosuchplugin" in plugin.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.bin"], "no partial output left"


def test_a_failing_conversion_leaves_no_partial_output(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(RecordAdapter.dump_json(SAMPLE[0]) + b"\n" + b'{"kind": "teapot"}\n')
    target = tmp_path / "out.nt"
    result = runner.invoke(app, ["convert", f"records:{source}", f"rdf:{target}"])
    assert result.exit_code == 2
    assert "line 2" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_convert_through_a_plugin_codec(tmp_path):
    samples = tmp_path / "messages"
    samples.mkdir()
    (samples / "a.json").write_text(
        '{"device": "ts-1", "time": "2026-11-25T10:00:00Z",'
        ' "readings": [{"property": "temperature", "value": 21.5, "unit": "Cel"}]}'
    )
    records_out = tmp_path / "out.jsonl"
    result = _invoke("convert", f"template:{samples}", f"records:{records_out}")
    assert result.exit_code == 0, result.output
    (measurement,) = [RecordAdapter.validate_json(x) for x in records_out.read_bytes().splitlines()]
    assert measurement.value == 21.5
    assert measurement.unit == CEL
    back = tmp_path / "back.json"
    assert _invoke("convert", f"records:{records_out}", f"template:{back}").exit_code == 0
    assert b'"Cel"' in back.read_bytes()


def test_demo_runs_every_plugin_and_says_where_outputs_are(tmp_path):
    result = _invoke("demo", "--output", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "template" in result.stdout
    outputs = list((tmp_path / "template").iterdir())
    assert outputs, "the template demo wrote nothing"


def test_many_generated_records_survive_records_to_rdf_to_records(tmp_path):
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(records())
    def check(record):
        source = tmp_path / "one.jsonl"
        _write_records(source, [record])
        _invoke("convert", f"records:{source}", f"rdf:{tmp_path / 'one.nt'}")
        _invoke("convert", f"rdf:{tmp_path / 'one.nt'}", f"records:{tmp_path / 'back.jsonl'}")
        assert RecordAdapter.validate_json((tmp_path / "back.jsonl").read_bytes()) == record

    check()


TEMPLATE_MESSAGE = (
    b'{"device": "ts-1", "time": "2026-11-25T10:00:00Z",'
    b' "readings": [{"property": "temperature", "value": 21.5, "unit": "Cel"}]}'
)


def test_decode_hex_and_file_payloads(tmp_path):
    as_hex = _invoke("decode", "template", TEMPLATE_MESSAGE.hex(), "--json")
    assert as_hex.exit_code == 0, as_hex.output
    (measurement,) = [RecordAdapter.validate_json(x) for x in as_hex.stdout.splitlines()]
    assert measurement.value == 21.5
    message = tmp_path / "m.json"
    message.write_bytes(TEMPLATE_MESSAGE)
    table = _invoke("decode", "template", f"@{message}")
    assert table.exit_code == 0
    assert "21.5" in table.stdout


def test_decode_errors_are_one_line():
    bad_hex = runner.invoke(app, ["decode", "template", "zz"])
    assert bad_hex.exit_code == 2
    assert "not hexadecimal" in bad_hex.stderr
    junk = runner.invoke(app, ["decode", "template", "00ff"])
    assert junk.exit_code == 2
    assert "[decode-error]" in junk.stderr
    bad_hint = runner.invoke(app, ["decode", "template", "00", "-H", "novalue"])
    assert bad_hint.exit_code == 2
    assert "KEY=VALUE" in bad_hint.stderr


def test_plugin_plus_adapter_names_one_codec(tmp_path):
    message = tmp_path / "m.json"
    message.write_bytes(TEMPLATE_MESSAGE)
    out = tmp_path / "out.jsonl"
    ok = _invoke("convert", f"template+template-json:{message}", f"records:{out}")
    assert ok.exit_code == 0, ok.output
    wrong = runner.invoke(app, ["convert", f"template+nope:{message}", f"records:{out}"])
    assert wrong.exit_code == 2
    assert "template-json" in wrong.stderr
    decoded = _invoke("decode", "template", f"@{message}", "--adapter", "template-json", "--json")
    assert decoded.exit_code == 0
