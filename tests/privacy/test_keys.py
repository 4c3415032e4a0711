"""Pseudonymisation keys: from a file or the environment, rotated without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from interop.errors import ValidationError
from interop.privacy import KEY_FILE_ENV, KEYS_ENV, KeyRing, is_pseudonym
from interop.privacy.keys import pseudonym_version

SECRET_1 = "first-secret-of-the-city"
SECRET_2 = "second-secret-after-rotation"


def test_inline_keys_from_the_environment() -> None:
    ring = KeyRing.from_env({KEYS_ENV: f"1:{SECRET_1}, 2:{SECRET_2}"})
    assert ring.versions == (1, 2)
    assert ring.current_version == 2
    pseudonym = ring.pseudonym("alice")
    assert is_pseudonym(pseudonym)
    assert pseudonym_version(pseudonym) == 2
    assert ring.pseudonym("alice", version=1) != pseudonym


def test_no_keys_is_an_empty_ring_that_refuses_to_pseudonymise() -> None:
    ring = KeyRing.from_env({})
    assert not ring
    with pytest.raises(LookupError):
        ring.pseudonym("alice")


def test_key_file_rotation_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(f'[keys]\n1 = "{SECRET_1}"\n', encoding="utf-8")
    ring = KeyRing.from_env({KEY_FILE_ENV: str(path), KEYS_ENV: f"9:{SECRET_2}"})
    assert ring.current_version == 1  # the file wins over the inline keys
    ring = KeyRing.from_file(path, recheck_s=0)
    before = ring.pseudonym("alice")
    path.write_text(f'[keys]\n1 = "{SECRET_1}"\n2 = "{SECRET_2}"\n', encoding="utf-8")
    after = ring.pseudonym("alice")
    assert pseudonym_version(before) == 1
    assert pseudonym_version(after) == 2
    assert ring.pseudonym("alice", version=1) == before
    path.write_text(f'current = 1\n[keys]\n1 = "{SECRET_1}"\n2 = "{SECRET_2}"\n', encoding="utf-8")
    assert ring.pseudonym("alice") == before
    path.write_text("[keys\n", encoding="utf-8")  # a half-written file keeps the keys in use
    assert ring.pseudonym("alice") == before


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[keys]\n1 = "short"\n', "keys.1"),
        ('[keys]\nx = "long-enough-secret-here"\n', "keys.x"),
        ('current = 3\n[keys]\n1 = "long-enough-secret-here"\n', "current"),
        ("keys = 1\n", "keys"),
    ],
)
def test_bad_key_files_name_the_field_never_the_secret(
    tmp_path: Path, text: str, field: str
) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        KeyRing.from_file(path)
    assert caught.value.field == field
    assert caught.value.source == str(path)
    assert "long-enough-secret-here" not in str(caught.value)
    assert "short" not in str(caught.value).replace("too short", "")


def test_bad_inline_keys_never_echo_the_secret() -> None:
    with pytest.raises(ValidationError) as caught:
        KeyRing.from_env({KEYS_ENV: "secret-without-a-version"})
    assert "without-a-version" not in str(caught.value)
    with pytest.raises(ValidationError):
        KeyRing.from_env({KEY_FILE_ENV: "/nonexistent/keys.toml"})
