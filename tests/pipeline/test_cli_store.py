"""``interop ingest`` and ``interop store ...`` through the CLI, on real files and stores."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from interop.cli import app
from interop.model.records import RecordAdapter

SAMPLES = Path(__file__).resolve().parents[2] / "plugins/template/interop_template/samples"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def records_of(path: Path):
    return sorted(
        (RecordAdapter.validate_json(line) for line in path.read_text().splitlines() if line),
        key=lambda r: r.id,
    )


def test_ingest_export_and_reingest_give_the_same_records(tmp_path):
    store, again, out = tmp_path / "store", tmp_path / "again", tmp_path / "export"
    result = invoke(
        "ingest", f"template:{SAMPLES}", "--store", str(store), "--sink", f"jsonl:{tmp_path / 'j'}"
    )
    assert result.exit_code == 0, result.output
    assert "9 records stored" in result.output
    assert "delivered: jsonl 9" in result.output
    repeat = invoke("ingest", f"template:{SAMPLES}", "--store", str(store), "--json")
    assert json.loads(repeat.output)["duplicates"] == 3
    assert invoke("store", "export", str(out), "--store", str(store)).exit_code == 0
    exported = records_of(out / "records.jsonl")
    assert len(exported) == 9
    assert (out / "records.nt").read_text().count(" .\n") > 9
    assert json.loads((out / "manifest.json").read_text())["counts"]["records"] == 9
    assert (
        invoke("ingest", f"records:{out / 'records.jsonl'}", "--store", str(again)).exit_code == 0
    )
    assert (
        invoke("store", "export", str(tmp_path / "export2"), "--store", str(again)).exit_code == 0
    )
    assert records_of(tmp_path / "export2" / "records.jsonl") == exported
    delivered = records_of(next((tmp_path / "j").glob("records-*.jsonl")))
    assert delivered == exported
    stats = json.loads(invoke("store", "stats", "--store", str(store), "--json").output)
    assert stats["records"] == 9
    assert stats["sinks"] == {"jsonl": 0}


def test_dead_letters_listed_and_replayed_after_a_fix(tmp_path):
    payloads = tmp_path / "payloads"
    payloads.mkdir()
    (payloads / "uplink-1.bin").write_bytes(bytes.fromhex("0367010a"))  # Cayenne LPP 26.6 °C
    (payloads / "uplink-2.bin").write_bytes(bytes.fromhex("0168" + "64"))  # humidity 50 %
    store = str(tmp_path / "store")
    first = invoke("ingest", f"lorawan:{payloads}", "--store", store)
    assert first.exit_code == 1  # nothing could be decoded: no codec was named
    assert "2 dead-lettered" in first.output
    listed = invoke("store", "deadletter", "list", "--store", store, "--json")
    letters = [json.loads(line) for line in listed.output.splitlines()]
    assert [(d["stage"], d["code"]) for d in letters] == [("decode", "decode-error")] * 2
    assert all("codec" in d["reason"] for d in letters)
    replay = invoke(
        "store", "deadletter", "replay", "--store", store, "--hint", "codec=cayenne-lpp"
    )
    assert replay.exit_code == 0, replay.output
    assert "2 now stored, 0 still failing" in replay.output
    stats = json.loads(invoke("store", "stats", "--store", store, "--json").output)
    assert stats["dead_letters"] == 0
    assert stats["records"] >= 2


def test_purge_and_bad_arguments(tmp_path):
    store = str(tmp_path / "store")
    invoke("ingest", f"template:{SAMPLES}", "--store", store)
    nothing = invoke("store", "purge", "--store", store)
    assert nothing.exit_code == 2
    assert "nothing to purge" in nothing.output
    bad = invoke("store", "purge", "--store", store, "--older-than", "ten days")
    assert bad.exit_code == 2
    assert "not a duration" in bad.output
    kept = invoke("store", "purge", "--store", store, "--older-than", "36500d")
    assert "purged 0" in kept.output
    gone = invoke("store", "purge", "--store", store, "--older-than", "0s", "--class", "technical")
    assert gone.exit_code == 0
    stats = json.loads(invoke("store", "stats", "--store", store, "--json").output)
    assert stats["records"] == 0
