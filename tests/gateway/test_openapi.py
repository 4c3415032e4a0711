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
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from interop.gateway import Gateway
from interop.simulation.server import serve
from interop.simulation.world import LightWorld

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
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

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
    failures: list[str] = []

    def explore(operation: Any) -> None:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
        admin = operation.path.startswith(("/admin", "/lighting", "/downlinks"))
        token = ADMIN if admin else TOKEN

        @settings(
            max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(case=strategy, authenticated=st.booleans())
        def exercise(case: Any, authenticated: bool) -> None:
            if authenticated:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            response = case.call(base_url=served.url, timeout=10)
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )
            except BaseException as exc:  # a check failure: collect, keep exploring
                first = getattr(exc, "exceptions", [exc])[0]
                failures.append(
                    f"{operation.method.upper()} {operation.path} -> HTTP "
                    f"{response.status_code}: {str(first).splitlines()[0]}"
                )

        exercise()

    for operation in operations:
        explore(operation)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(set(failures))[:20])
