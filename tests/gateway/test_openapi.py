"""The gateway's own OpenAPI document, checked against the running service by schemathesis.

Every operation, with valid and invalid generated requests, authenticated or not: no
server error, and every response matches the schema of its status code.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from interop.gateway import Gateway

from .conftest import ADMIN, TOKEN, config_for

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (dev dependency)")
requests = pytest.importorskip("requests", reason="schemathesis calls through requests")

EXAMPLES = 30


@pytest.fixture
def served(tmp_path, monkeypatch, registry):
    config = config_for(tmp_path, monkeypatch)
    gateway = Gateway(config, registry)
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(gateway.start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(gateway.stop())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30)
    yield gateway
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
    failures: list[str] = []

    def explore(operation: Any) -> None:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
        token = ADMIN if operation.path.startswith("/admin") else TOKEN

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
