"""Schemathesis over every operation the simulated Gateway serves: no 5xx, no schema breach.

Bounded: a few positive and negative examples per operation, generation phase only. The
TALQ envelope (version header, ``clientAddress``, ``talqRequestId``) and a valid token are
set on each case, so the examples reach the handlers instead of the envelope check.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from interop_talq.simulator import SPEC, TOKEN_PATH

from interop.simulation.server import serve_in_thread
from interop.simulation.world import LightWorld
from interop.testing.openapi_checks import exercise_operations

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (dev dependency)")
requests = pytest.importorskip("requests", reason="schemathesis calls through requests")

EXAMPLES = 4
"""Examples per operation and generation mode (kept small: the whole suite stays fast)."""


@pytest.fixture
def gateway_url() -> Iterator[tuple[str, str]]:
    """A simulated Gateway served from a background thread, and a valid access token."""
    world = LightWorld(5, seed=11)
    with serve_in_thread(SPEC, world) as url:
        answer = requests.post(url + TOKEN_PATH, json={"apiKey": world.token}, timeout=10)
        yield url, answer.json()["access_token"]


def _served() -> set[tuple[str, str]]:
    """(METHOD, path template) of every route the simulator's application serves."""
    app = SPEC.build_app(LightWorld(0))
    return {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None and route.method != "HEAD"
    } - {("POST", TOKEN_PATH)}


def test_no_server_error_and_no_response_schema_violation(
    talq_openapi: Path, gateway_url: tuple[str, str]
) -> None:
    url, token = gateway_url
    schema = schemathesis.openapi.from_path(
        str(talq_openapi / "talq-api-gateway-2-7-1-online.json")
    )
    served = _served()
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if (result.ok().method.upper(), result.ok().path) in served
    ]
    assert {(op.method.upper(), op.path) for op in operations} == served, (
        "the simulator serves operations the API file does not have"
    )

    def envelope(operation: Any, case: Any, data: st.DataObject) -> None:
        """The TALQ envelope and a valid token, so that examples reach the handlers."""
        case.query = {
            **(case.query or {}),
            "clientAddress": str(uuid.uuid4()),
            "talqRequestId": str(uuid.uuid4()),
        }
        case.headers = {
            **(case.headers or {}),
            "talq-api-version": "2.7.1",
            "Authorization": f"Bearer {token}",
        }

    failures = exercise_operations(operations, url, examples=EXAMPLES, prepare=envelope)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(set(failures))[:20])
