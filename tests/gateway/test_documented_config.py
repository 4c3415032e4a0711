"""The configuration examples of docs/gateway.md for lighting and downlinks are valid config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interop.gateway.config import load_config

DOC = Path(__file__).resolve().parents[2] / "docs" / "gateway.md"
BLOCKS = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("section", ["[[lighting]]", "[[downlink]]"], ids=["lighting", "downlink"])
def test_documented_sections_load(section, tmp_path):
    examples = [block for block in BLOCKS if section in block]
    assert examples, f"docs/gateway.md shows no {section} example"
    for number, text in enumerate(examples):
        path = tmp_path / f"example-{number}.toml"
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        entries = config.lighting if section == "[[lighting]]" else config.downlink
        assert entries, text
        for entry in entries:
            secrets = (
                [entry.credentials] if section == "[[lighting]]" else list(entry.secrets.values())
            )
            assert all(s is None or s.startswith(("env:", "file:")) for s in secrets)
