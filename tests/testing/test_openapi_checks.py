"""The OpenAPI exerciser reports what a service gets wrong: a 5xx, an answer off its schema."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web

from interop.testing.openapi_checks import exercise_operations
from interop.testing.servers import free_port

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (dev dependency)")
pytest.importorskip("requests", reason="schemathesis calls through requests")

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        path: {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object", "required": ["n"],
                                    "properties": {"n": {"type": "integer"}},
                                }
                            }
                        },
                    }
                }
            }
        }
        for path in ("/good", "/off-schema", "/broken")
    },
}  # fmt: skip


async def good(request: web.Request) -> web.Response:
    return web.json_response({"n": 1})


async def off_schema(request: web.Request) -> web.Response:
    return web.json_response({"n": "one"})


async def broken(request: web.Request) -> web.Response:
    return web.Response(status=500, text="boom")


@pytest.fixture
def service() -> Iterator[str]:
    port = free_port()
    ready = threading.Event()
    loop = asyncio.new_event_loop()

    def run() -> None:
        app = web.Application()
        app.router.add_get("/good", good)
        app.router.add_get("/off-schema", off_schema)
        app.router.add_get("/broken", broken)
        runner = web.AppRunner(app)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_a_server_error_and_an_off_schema_answer_are_reported(service: str) -> None:
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures = exercise_operations(operations, service, examples=3)
    failing = {line.split(" -> ")[0] for line in failures}
    assert failing == {"GET /off-schema", "GET /broken"}
    assert any("HTTP 500" in line for line in failures)
