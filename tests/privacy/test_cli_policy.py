"""``interop policy check|report`` on the sample policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interop.cli import app
from interop.privacy import KEY_FILE_ENV, KEYS_ENV, RecordOfProcessing

SAMPLES = Path(__file__).resolve().parents[2] / "interop" / "privacy" / "samples"
runner = CliRunner()
ART30 = (
    "controller",
    "dpo",
    "purposes",
    "data_subjects",
    "personal_data",
    "recipients",
    "transfers",
    "erasure",
    "security_measures",
)


@pytest.fixture(autouse=True)
def _no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEYS_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def test_check_explains_each_field_per_sink() -> None:
    city = str(SAMPLES / "city.toml")
    result = runner.invoke(
        app, ["policy", "check", city, "--sink", "opendata=FR", "--changed", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    fields = {(f["kind"], f["field"]): f["actions"] for f in payload["fields"]}
    assert fields[("command", "issued_by")] == {"store": "pseudonymise", "opendata": "suppress"}
    assert fields[("device", "location")] == {"store": "keep", "opendata": "generalise"}
    assert payload["pseudonymisation_key"] is None


def test_check_refuses_a_sink_outside_the_allowed_jurisdictions() -> None:
    city = str(SAMPLES / "city.toml")
    result = runner.invoke(app, ["policy", "check", city, "--sink", "analytics=US"])
    assert result.exit_code == 2
    assert "analytics" in result.stderr
    assert "policy-violation" in result.stderr


@pytest.mark.parametrize("name", ["city", "footfall"])
def test_report_writes_an_art30_record(tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}-art30"
    args = ["policy", "report", str(SAMPLES / f"{name}.toml"), "-o", str(out)]
    result = runner.invoke(app, [*args, "--sink", "opendata=FR", "--sink", "broker=US"])
    assert result.exit_code == 0, result.output
    document = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    RecordOfProcessing.model_validate(document)
    assert all(document[key] for key in ART30)
    assert {r["name"]: r["jurisdiction"] for r in document["recipients"]} == {
        "opendata": "FR",
        "broker": "US",
    }
    assert any(t["recipient"] == "broker" for t in document["transfers"])
    markdown = out.with_suffix(".md").read_text(encoding="utf-8")
    for heading in ("Controller", "Purposes", "data subjects", "personal data", "Recipients"):
        assert heading in markdown
    for heading in ("Transfers", "erasure", "Security measures"):
        assert heading in markdown


def test_report_schema_matches_the_docs() -> None:
    result = runner.invoke(app, ["policy", "report", "--schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text("utf-8")
    block = docs.split("<!-- art30-schema -->")[1].split("```json")[1].split("```")[0]
    assert json.loads(block) == schema


def test_report_needs_the_processing_section() -> None:
    result = runner.invoke(app, ["policy", "report"])
    assert result.exit_code == 2
    assert "processing" in result.stderr


@pytest.mark.parametrize("name", ["city", "footfall"])
def test_docs_show_the_sample_policies_as_shipped(name: str) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text("utf-8")
    block = docs.split(f"<!-- sample:{name} -->")[1].split("```toml\n")[1].split("```")[0]
    assert block == (SAMPLES / f"{name}.toml").read_text(encoding="utf-8")
