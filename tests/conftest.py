"""Shared fixtures for the core's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared reference data (../shared), or skip with the reason."""
    if not SHARED.is_dir():
        pytest.skip(f"shared reference data not present at {SHARED} (not part of the repository)")
    return SHARED
