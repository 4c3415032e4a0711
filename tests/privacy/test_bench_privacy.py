"""Smoke test of ``python -m bench.privacy``: every row ran and did the same work.

Shape and consistency only, never speed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_bench_privacy_quick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO))
    from bench.privacy import main

    assert main(["--quick", "--records", "200", "--results", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "privacy.json").read_text(encoding="utf-8"))
    outputs = {row["benchmark"]: row["output"] for row in data["policy"]}
    assert outputs["model: validate decoded records (no policy)"] == 200
    assert outputs["default policy (store + 2 sinks)"] == 3 * 200  # nothing refused
    assert len(outputs) == 4
    assert all(row["wall_s"] > 0 for row in data["policy"])
    assert [row["benchmark"] for row in data["pipeline"]] == [
        "pipeline, no policy (PassThrough)",
        "pipeline, default policy",
        "pipeline, city policy",
    ]
    assert all(row["wall_s"] > 0 and row["n"] == 200 for row in data["pipeline"])
    assert "The whole pipeline" in (tmp_path / "privacy.md").read_text(encoding="utf-8")
