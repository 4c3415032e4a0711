"""Every gateway configuration shown to a city (README, docs) is one the gateway accepts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from interop.gateway.config import GatewayConfig

ROOT = Path(__file__).resolve().parents[2]
TOML = re.compile(r"^```toml\n(?P<text>.*?)^```", re.M | re.S)


def _gateway_blocks() -> list[tuple[str, str]]:
    """TOML blocks made only of gateway config sections (a policy's TOML is not one)."""
    sections = set(GatewayConfig.model_fields)
    found = []
    for page in (ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))):
        for index, match in enumerate(TOML.finditer(page.read_text(encoding="utf-8"))):
            text = match.group("text")
            keys = tomllib.loads(text).keys()
            if keys and keys <= sections and keys & {"ingress", "sink", "store", "lighting"}:
                found.append((f"{page.relative_to(ROOT)}#{index}", text))
    return found


@pytest.mark.parametrize(("where", "text"), _gateway_blocks(), ids=lambda v: v[:60])
def test_gateway_config_examples_validate(where, text):
    GatewayConfig.model_validate(tomllib.loads(text))


def test_the_readme_shows_a_whole_city():
    (text,) = [t for w, t in _gateway_blocks() if w.startswith("README")]
    config = GatewayConfig.model_validate(tomllib.loads(text))
    assert config.policy
    assert config.lighting
    assert len(config.sink or []) == 2
    assert {i.name for i in config.ingress or []} == {"tts-uplink", "chirpstack"}
