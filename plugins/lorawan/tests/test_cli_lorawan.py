"""The LoRaWAN plugin through ``interop decode`` and ``interop convert``."""

from pathlib import Path

from typer.testing import CliRunner

from interop.cli import app
from interop.model import Measurement, RecordAdapter

SAMPLES = Path(__file__).resolve().parents[1] / "interop_lorawan" / "samples" / "uplinks.jsonl"
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
    assert "lorawan: 16 rows" in result.stdout
    assert "hectopascal" in result.stdout
