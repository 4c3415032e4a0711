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


def _require_server(found: object, what: str) -> None:
    """Skip when a server binary is missing, except in CI, where it must be installed."""
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is not installed; .ci/run installs it")
        pytest.skip(f"{what} is not installed (Debian package); CI installs it")


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole session (a fresh database per test below)."""
    from interop.testing.servers import postgres_binaries, running_postgres

    _require_server(postgres_binaries(), "PostgreSQL")
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_dsn(postgres_server, request):
    """A fresh, empty database on the session's server; its DSN."""
    import asyncio
    import re

    import asyncpg

    name = "t_" + re.sub(r"[^a-z0-9]", "_", request.node.name.lower())[:40] + f"_{id(request)}"

    async def create() -> None:
        conn = await asyncpg.connect(postgres_server.dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return postgres_server.dsn.rsplit("/", 1)[0] + "/" + name
