"""Lenient conversion in the core: a codec's undecodable lines are set aside, not fatal.

Uses the template plugin's JSON codec on a JSON Lines file (one message per line), the path
any codec plugin takes through ``interop convert``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interop.cli import app
from interop.convert import convert
from interop.errors import DecodeError
from interop.registry import Registry
from interop.report import Issue, Severity
from interop.setaside import SetAside, SetAsideLog, collecting, notice, set_aside

runner = CliRunner()

GOOD = (
    '{"device": "lamp-1", "time": "2026-01-01T06:30:00Z", '
    '"readings": [{"property": "temperature", "value": 3.5, "unit": "Cel"}]}'
)
BAD = '{"device": "lamp-2", "time": "yesterday", "readings": []}'


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    path = tmp_path / "uplinks.jsonl"
    path.write_text(f"{GOOD}\n{BAD}\nnot json at all\n{GOOD}\n", encoding="utf-8")
    return path


def test_codec_lines_are_set_aside_with_their_reason(lines, tmp_path):
    registry = Registry().load()
    items: list[SetAside] = []
    log = SetAsideLog(dead_letter=items.append)
    count = convert(registry, f"template:{lines}", f"records:{tmp_path / 'out.jsonl'}", log=log)
    assert count == 2
    assert [item.source for item in items] == [f"{lines}:2", f"{lines}:3"]
    assert items[0].raw == BAD.encode()
    assert items[0].code == "decode-error"
    assert log.summary()["set_aside"]["by_code"] == {"decode-error": 2}


def test_without_a_log_or_strictly_the_first_bad_line_stops(lines, tmp_path):
    registry = Registry().load()
    with pytest.raises(DecodeError):
        convert(registry, f"template:{lines}", f"records:{tmp_path / 'a.jsonl'}")
    with pytest.raises(DecodeError):
        convert(
            registry,
            f"template:{lines}",
            f"records:{tmp_path / 'b.jsonl'}",
            log=SetAsideLog(strict=True),
        )
    assert not (tmp_path / "a.jsonl").exists()


def test_cli_dead_letter_summary_and_exit_status(lines, tmp_path):
    target = tmp_path / "out.jsonl"
    letter = tmp_path / "rejected.jsonl"
    result = runner.invoke(
        app,
        ["convert", f"template:{lines}", f"records:{target}", "--dead-letter", str(letter)],
    )
    assert result.exit_code == 4, result.output
    assert len(target.read_text().splitlines()) == 2
    rejected = [json.loads(line) for line in letter.read_text().splitlines()]
    assert [item["raw"] for item in rejected] == [BAD, "not json at all"]
    summary = json.loads((tmp_path / "out.jsonl.summary.json").read_text())
    assert summary["set_aside"]["count"] == 2
    assert summary["set_aside"]["dead_letter"] == str(letter)
    failed = runner.invoke(
        app, ["convert", "--on-error", "fail", f"template:{lines}", f"records:{tmp_path / 'f'}"]
    )
    assert failed.exit_code == 2
    assert ":2" in failed.stderr


def test_notices_and_set_aside_outside_a_log():
    error = DecodeError("bad", source="x")
    with pytest.raises(DecodeError):
        set_aside(error)
    notice(Issue(Severity.WARNING, "w", "ignored without a log"))
    log = SetAsideLog(sample_limit=1)
    with collecting(log):
        set_aside(error, raw=b"\xff\xfe")
        set_aside(error, raw="second")
        notice(Issue(Severity.WARNING, "w", "kept"))
    assert log.set_aside_total == 2
    assert len(log.samples) == 1
    assert log.samples[0].as_dict()["raw_base64"] == "//4="
    assert not log.has_errors
