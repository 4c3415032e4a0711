"""Fixtures: the Smart Data Models and NGSI-LD contexts in ../shared, when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
MODELS = SHARED / "ontologies" / "smart-data-models"


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The Smart Data Models schemas and contexts, or skip with the reason."""
    if not MODELS.is_dir():
        pytest.skip(f"Smart Data Models not present at {MODELS} (shared data, not in the repo)")
    return MODELS
