"""The gateway's own OpenAPI document, checked against the running service by schemathesis.

Every operation, with valid and invalid generated requests, authenticated or not: no
server error, and every response matches the schema of its status code.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

import pytest
from hypothesis import strategies as st

from interop.gateway import Gateway
from interop.simulation.server import serve
from interop.simulation.world import LightWorld
from interop.testing.openapi_checks import exercise_operations

from .conftest import ADMIN, TOKEN, config_for
from .network_server import CS_TOKEN, TTS_KEY, downlink_entries, network_server

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (dev dependency)")
requests = pytest.importorskip("requests", reason="schemathesis calls through requests")

EXAMPLES = 30


@pytest.fixture
def served(tmp_path, monkeypatch, registry):
    """The gateway with a TALQ simulator as lighting system and a loopback network server."""
    specs = registry.simulators()
    loaded = {p.name for p in registry.plugins}
    world = LightWorld(4, seed=2)
    monkeypatch.setenv("TEST_TALQ_TOKEN", world.token)
    monkeypatch.setenv("TEST_TTS_KEY", TTS_KEY)
    monkeypatch.setenv("TEST_CS_TOKEN", CS_TOKEN)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, Any] = {}
    servers = contextlib.AsyncExitStack()

    async def start() -> None:
        sections: dict[str, Any] = {}
        if "talq" in specs:
            url = await servers.enter_async_context(serve(specs["talq"], world))
            sections["lighting"] = [
                {"name": "city", "url": f"talq:{url}", "credentials": "env:TEST_TALQ_TOKEN",
                 "poll_seconds": 1.0, "command_deadline": 5.0}
            ]  # fmt: skip
        if "lorawan" in loaded:
            url, _ = await servers.enter_async_context(network_server())
            sections["downlink"] = downlink_entries(tmp_path / "downlinks", url)
        box["gateway"] = Gateway(config_for(tmp_path, monkeypatch, **sections), registry)
        await box["gateway"].start()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(box["gateway"].stop())
        loop.run_until_complete(servers.aclose())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30)
    yield box["gateway"]
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


def test_no_server_error_and_every_response_matches_its_schema(served):
    document = requests.get(f"{served.url}/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/ingest/template/sensors", "/healthz", "/readyz", "/metrics", "/admin/deadletters",
    }  # fmt: skip
    paths = {op.path for op in operations}
    assert "/lighting" in paths
    if served.lighting:  # the TALQ simulator's commands and inventory are exercised too
        assert {"/lighting/{system}/commands", "/lighting/{system}/lights"} <= paths
    if served.downlinks:
        assert "/downlinks/{name}/commands" in paths

    def authenticate(operation: Any, case: Any, data: st.DataObject) -> None:
        """Half the requests carry the right token (the admin one for admin operations)."""
        if data.draw(st.booleans(), label="authenticated"):
            admin = operation.path.startswith(("/admin", "/lighting", "/downlinks"))
            bearer = f"Bearer {ADMIN if admin else TOKEN}"
            case.headers = {**(case.headers or {}), "Authorization": bearer}

    failures = exercise_operations(operations, served.url, examples=EXAMPLES, prepare=authenticate)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(set(failures))[:20])
