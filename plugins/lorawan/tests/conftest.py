"""Fixtures for the LoRaWAN plugin's tests: the shared corpus of makers' vectors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
VECTORS = SHARED / "corpus" / "lorawan" / "vectors.jsonl"


@pytest.fixture(scope="session")
def lorawan_vectors() -> Path:
    """The corpus vectors file (../shared/corpus/lorawan), or skip with the reason."""
    if not VECTORS.is_file():
        pytest.skip(f"LoRaWAN corpus not present at {VECTORS} (it lives outside the repository)")
    return VECTORS
