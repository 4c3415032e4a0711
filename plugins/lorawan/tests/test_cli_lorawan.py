"""The LoRaWAN plugin through ``interop decode`` and ``interop convert``."""

from pathlib import Path

from typer.testing import CliRunner

from interop.cli import app
from interop.model import Measurement, RecordAdapter

SAMPLES = Path(__file__).resolve().parents[1] / "interop_lorawan" / "samples" / "tts-v3.jsonl"
runner = CliRunner()


def test_decode_a_bare_cayenne_payload():
    result = runner.invoke(
        app,
        ["decode", "lorawan", "--codec", "cayenne-lpp", "0367010a0268500373278d", "--json"],
    )
    assert result.exit_code == 0, result.output
    records = [RecordAdapter.validate_json(line) for line in result.stdout.splitlines()]
    values = sorted(r.value for r in records if isinstance(r, Measurement))
    assert values == [26.6, 40.0, 1012.5]


def test_decode_refuses_bad_hints_and_garbage():
    bad_port = runner.invoke(
        app, ["decode", "lorawan", "--codec", "cayenne-lpp", "0367010a", "-H", "f_port=0"]
    )
    assert bad_port.exit_code == 2
    assert "1..223" in bad_port.stderr
    truncated = runner.invoke(app, ["decode", "lorawan", "--codec", "cayenne-lpp", "0367"])
    assert truncated.exit_code == 2
    assert "[decode-error]" in truncated.stderr
    assert "offset" in truncated.stderr


def test_convert_sample_uplinks_to_turtle(tmp_path):
    target = tmp_path / "out.ttl"
    result = runner.invoke(app, ["convert", f"lorawan:{SAMPLES}", f"rdf:{target}"])
    assert result.exit_code == 0, result.output
    check = runner.invoke(app, ["validate", str(target)])
    assert check.exit_code == 0, check.stdout


def test_demo_prints_the_measurements_as_a_table(tmp_path):
    result = runner.invoke(app, ["demo", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "lorawan: 17 rows" in result.stdout  # DF702 sample: level, temperature, angle
    assert "hectopascal" in result.stdout


JS = Path(__file__).resolve().parent / "fixtures" / "js"
LPP_HEX = "016700d7026850037327" + "4f"


def _uplink(decoded: dict, dev_eui: str = "70B3D57ED0001A99", f_cnt: int = 1) -> str:
    """A minimal TTS v3 uplink carrying a network-server decoded payload."""
    import json

    return json.dumps({
        "end_device_ids": {"device_id": "node-1", "dev_eui": dev_eui,
                           "application_ids": {"application_id": "city"}},
        "received_at": "2024-05-01T10:00:00Z",
        "uplink_message": {"f_port": 2, "f_cnt": f_cnt, "frm_payload": "AQ==",
                           "decoded_payload": decoded},
    })  # fmt: skip


def _measurements(stdout: str) -> list[Measurement]:
    records = [RecordAdapter.validate_json(line) for line in stdout.splitlines()]
    return [r for r in records if isinstance(r, Measurement)]


def test_codecs_lists_ids_makers_and_models():
    result = runner.invoke(app, ["lorawan", "codecs", "--json"])
    assert result.exit_code == 0, result.output
    rows = [__import__("json").loads(line) for line in result.stdout.splitlines()]
    by_id = {row["codec"]: row for row in rows}
    assert by_id["r718x-codec"]["maker"] == "netvox"
    assert "ultrasonic" in by_id["r718x-codec"]["model"]
    assert "cayenne-lpp" in by_id


def test_coverage_report_per_model(tmp_path):
    lines = [
        '{"battery": 3600, "temperature": 21.5, "x": 4}',
        '{"battery": 3, "temperature": 6553.5}',
        _uplink({"BatV": 3.1, "TempC_SHT": 20.1}),
    ]
    source = tmp_path / "fleet.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["lorawan", "coverage", str(source)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "battery -> battery_voltage [V]" in out
    assert "read as battery_voltage in mV" in out
    assert "x (no rule for this name)" in out
    assert "temperature (implausible" in out
    assert "battery (ambiguous" in out
    assert "TempC_SHT -> temperature" in out
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert runner.invoke(app, ["lorawan", "coverage", str(empty)]).exit_code == 1
    missing = runner.invoke(app, ["lorawan", "coverage", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2


def test_decode_refuses_an_unknown_codec_and_a_missing_profiles_file(tmp_path):
    unknown = runner.invoke(app, ["decode", "lorawan", "--codec", "no-such", "0367010a"])
    assert unknown.exit_code == 2
    assert "unknown payload codec 'no-such'" in unknown.stderr
    missing = runner.invoke(
        app, ["decode", "lorawan", "--profiles", str(tmp_path / "p.toml"), "@x"]
    )
    assert missing.exit_code == 2
    assert "--profiles" in missing.stderr


def test_decode_with_a_profile_mapping_any_field(tmp_path):
    message = tmp_path / "up.json"
    message.write_text(_uplink({"x17": 3300, "t": 21.0}))
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(
        '[profiles.acme]\n[profiles.acme.fields]\nx17 = "battery_voltage mV"\n'
        't = "temperature"\n[devices]\n"70b3d57ed0001a99" = "acme"\n'
    )
    result = runner.invoke(
        app, ["decode", "lorawan", f"@{message}", "--profiles", str(profiles), "--json"]
    )
    assert result.exit_code == 0, result.output
    placed = {m.extensions["lorawan"]["field"]: m.value for m in _measurements(result.stdout)}
    assert placed == {"x17": 3.3, "t": 21.0}


def test_decode_a_bare_payload_with_a_device_repository_codec_yaml():
    codec = str(JS / "lpp-subset.yaml")
    no_port = runner.invoke(app, ["decode", "lorawan", "--codec", codec, LPP_HEX])
    assert no_port.exit_code == 2
    assert "FPort" in no_port.stderr
    result = runner.invoke(
        app,
        ["decode", "lorawan", "--codec", codec, LPP_HEX, "-H", "f_port=1",
         "-H", "dev_eui=70B3D57ED0001A99", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    values = sorted(m.value for m in _measurements(result.stdout))
    assert values == [21.5, 40, 1006.3]
    assert all(m.device == "urn:interop:device:lorawan:70b3d57ed0001a99" for m in
               _measurements(result.stdout))  # fmt: skip


def test_a_bare_payload_without_dev_eui_names_the_placeholder_device():
    result = runner.invoke(app, ["decode", "lorawan", "--codec", "cayenne-lpp", "0367010a",
                                 "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    (measurement,) = _measurements(result.stdout)
    assert measurement.device == "urn:interop:device:lorawan:unidentified"


def test_decode_refuses_an_uplink_whose_fields_none_can_be_placed(tmp_path):
    message = tmp_path / "up.json"
    message.write_text(_uplink({"status": 4}))
    result = runner.invoke(app, ["decode", "lorawan", f"@{message}"])
    assert result.exit_code != 0
    assert "no field of the decoded payload could be placed: status" in result.output


def test_decode_warns_when_nothing_is_measured(tmp_path):
    message = tmp_path / "up.json"
    message.write_text(_uplink({}))
    result = runner.invoke(app, ["decode", "lorawan", f"@{message}"])
    assert result.exit_code == 0, result.output
    assert "no measurement decoded" in result.stderr


def test_convert_sets_bad_lines_aside_and_takes_codec_and_profiles(tmp_path):
    good = _uplink({"temperature": 20.5})
    source = tmp_path / "ups.jsonl"
    source.write_text(good + "\n{not json\n" + _uplink({"temperature": 21.0}, f_cnt=2) + "\n")
    target = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["convert", f"lorawan:{source}", f"records:{target}"])
    assert result.exit_code == 4, result.output
    letter = tmp_path / "out.jsonl.set-aside.jsonl"
    assert len(letter.read_text().splitlines()) == 1
    assert len(_measurements(target.read_text())) == 2
    # a TTS export without decoded payloads, decoded by a Device Repository codec file
    import base64
    import json

    doc = json.loads(good)
    doc["uplink_message"].pop("decoded_payload")
    doc["uplink_message"]["f_port"] = 1
    doc["uplink_message"]["frm_payload"] = base64.b64encode(bytes.fromhex(LPP_HEX)).decode()
    source.write_text(json.dumps(doc) + "\n")
    result = runner.invoke(
        app, ["convert", f"lorawan:{source}", f"records:{target}", "--codec",
              str(JS / "lpp-subset.yaml")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(m.value for m in _measurements(target.read_text())) == [21.5, 40, 1006.3]


def test_storage_integration_export_through_coverage_and_convert(tmp_path):
    """TTS Storage Integration lines ({"result": uplink}) with raw payloads and a codec file."""
    import base64
    import json

    doc = json.loads(_uplink({}))
    doc["uplink_message"].pop("decoded_payload")
    doc["uplink_message"].update(f_port=1, frm_payload=base64.b64encode(
        bytes.fromhex(LPP_HEX)).decode())  # fmt: skip
    export = tmp_path / "storage.jsonl"
    export.write_text(json.dumps({"result": doc}) + "\n")
    profiles = tmp_path / "profiles.json"
    profiles.write_text(json.dumps({
        "profiles": {"lpp-node": {"codec": str(JS / "lpp-subset.yaml"),
                                  "fields": {"barometric_pressure_3": "unmapped"}}},
        "devices": {"70b3d57ed0001a99": "lpp-node"},
    }))  # fmt: skip
    covered = runner.invoke(app, ["lorawan", "coverage", str(export), "--profiles", str(profiles)])
    assert covered.exit_code == 0, covered.output
    assert "lpp-node: 1 objects" in covered.stdout
    assert "temperature_1 -> temperature" in covered.stdout
    assert "barometric_pressure_3 (kept unmapped by a device profile)" in covered.stdout
    target = tmp_path / "out.jsonl"
    converted = runner.invoke(
        app, ["convert", f"lorawan:{export}", f"records:{target}", "--profiles", str(profiles)]
    )
    assert converted.exit_code == 0, converted.output
    assert sorted(m.value for m in _measurements(target.read_text())) == [21.5, 40]
