"""Policy files: the samples load, and every mistake names the file and the field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from interop.errors import InteropError, PolicyViolation, ValidationError
from interop.model import DataClass
from interop.privacy import Action, default_policy, load_policy
from interop.privacy.durations import format_duration, parse_duration

SAMPLES = Path(__file__).resolve().parents[2] / "interop" / "privacy" / "samples"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_policy_pseudonymises_personal_and_keeps_the_rest() -> None:
    policy = load_policy(None)
    assert policy == default_policy()
    assert policy.actions[DataClass.PERSONAL] is Action.PSEUDONYMISE
    assert {policy.actions[c] for c in DataClass if c is not DataClass.PERSONAL} == {Action.KEEP}
    assert policy.dead_letter_retention == timedelta(days=7)
    assert policy.jurisdictions == ("EEA",)


@pytest.mark.parametrize("name", ["city", "footfall"])
def test_samples_load(name: str) -> None:
    policy = load_policy(SAMPLES / f"{name}.toml")
    assert policy.source.endswith(f"{name}.toml")
    assert policy.processing is not None
    assert policy.processing.purposes


def test_footfall_sample_aggregates_and_drops_identifiers() -> None:
    policy = load_policy(SAMPLES / "footfall.toml")
    (rule,) = policy.aggregate
    assert (rule.statistic, rule.window, rule.k) == ("count", timedelta(minutes=15), 5)
    assert policy.fields["extensions.wifi"] is Action.SUPPRESS
    assert policy.dead_letter.mode == "drop"


def test_a_partial_actions_table_keeps_the_safe_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, '[actions]\npublic = "keep"\n'))
    assert policy.actions[DataClass.PERSONAL] is Action.PSEUDONYMISE


@pytest.mark.parametrize(
    ("text", "error", "field"),
    [
        ('[actions]\npersonal = "keep"\n', PolicyViolation, "actions.personal"),
        ('[sinks.x.actions]\npersonal = "keep"\n', PolicyViolation, "sinks.x.actions.personal"),
        ('[fields]\n"command.issued_by" = "keep"\n', PolicyViolation, "fields.command.issued_by"),
        ('[fields]\n"device.locaton" = "suppress"\n', ValidationError, "fields.device.locaton"),
        ('[actions]\npersonal = "encrypt"\n', ValidationError, "actions.personal"),
        ('[generalise]\ntime = "soon"\n', ValidationError, "generalise.time"),
        ("colour = 3\n", ValidationError, "colour"),
        ('[[retention]]\nclass = "secret"\nkeep = "1d"\n', ValidationError, "retention.0.class"),
        ('[[aggregate]]\nname = "x"\n', ValidationError, "aggregate.0.window"),
    ],
)
def test_bad_policies_name_file_and_field(
    tmp_path: Path, text: str, error: type[InteropError], field: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(error) as caught:
        load_policy(path)
    assert caught.value.source == str(path)
    assert caught.value.field == field


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read"):
        load_policy(tmp_path / "missing.toml")
    with pytest.raises(ValidationError, match="not valid TOML"):
        load_policy(write(tmp_path, "[actions\n"))


@pytest.mark.parametrize(
    ("text", "value"),
    [("15m", timedelta(minutes=15)), ("1h30m", timedelta(minutes=90)), ("7d", timedelta(days=7))],
)
def test_durations(text: str, value: timedelta) -> None:
    assert parse_duration(text) == value
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize("text", ["", "15", "m", "0s", "1y", "-1d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
