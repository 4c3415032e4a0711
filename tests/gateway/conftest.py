"""A gateway started in-process on a free loopback port, with the template plugin's ingress."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from interop.gateway import Gateway, GatewayConfig
from interop.registry import Registry

TOKEN = "test-ingest-token"
ADMIN = "test-admin-token"


@pytest.fixture(scope="module")
def registry():
    return Registry(strict=True).load()


@contextlib.asynccontextmanager
async def running(config: GatewayConfig, registry) -> AsyncIterator[Gateway]:
    gateway = Gateway(config, registry)
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.stop()


def config_for(tmp_path, monkeypatch, **sections) -> GatewayConfig:
    monkeypatch.setenv("INTEROP_INGEST_TOKEN", TOKEN)
    monkeypatch.setenv("TEST_ADMIN_TOKEN", ADMIN)
    data = {
        "server": {"port": 0, "admin_token": "env:TEST_ADMIN_TOKEN", "max_body_bytes": 4096},
        "store": {"location": str(tmp_path / "data")},
        "sink": [{"name": "files", "kind": "jsonl", "path": str(tmp_path / "out")}],
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    return GatewayConfig.model_validate(data)


def run(coro):
    return asyncio.run(coro)
