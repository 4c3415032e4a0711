"""Fixtures for the GTFS plugin's tests: the shared GTFS corpus, when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def gtfs_corpus() -> Path:
    """The real-world GTFS corpus (../shared/corpus/gtfs), or skip with the reason."""
    corpus = SHARED / "corpus" / "gtfs"
    if not corpus.is_dir():
        pytest.skip(f"GTFS corpus not present at {corpus} (it lives outside the repository)")
    return corpus
