"""The reference controller's login: lazy, once for concurrent callers, never recursive."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from interop.errors import AuthenticationFailed
from interop.simulation.server import serve
from interop.simulation.world import LightWorld
from interop.testing.reference_lighting import (
    ReferenceController,
    build_reference_app,
    reference_spec,
)

from .conftest import tiny_server


def test_concurrent_first_calls_log_in_once():
    logins: list[str] = []

    def counting_app(world: LightWorld) -> web.Application:
        app = build_reference_app(world)

        @web.middleware
        async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
            if request.path == "/auth/token":
                logins.append(request.method)
            return await handler(request)

        app.middlewares.insert(0, count)
        return app

    spec = replace(reference_spec(), build_app=counting_app)

    async def main() -> None:
        world = LightWorld(5)
        async with serve(spec, world) as url:
            controller = spec.connect(url, world, None)
            try:
                lights = [x async for x in controller.lights()]
                readings = await asyncio.gather(*(controller.telemetry([x.id]) for x in lights))
            finally:
                await controller.aclose()
        assert all(len(r) == 6 for r in readings)

    asyncio.run(main())
    assert logins == ["POST"]


def test_a_refused_login_request_raises_instead_of_logging_in_again():
    calls: list[str] = []

    async def refuse(request: web.Request) -> web.Response:
        calls.append(request.path)
        return web.Response(status=401)

    async def main() -> None:
        routes = {("GET", "/lights"): refuse, ("POST", "/auth/token"): refuse}
        async with tiny_server(routes) as url:
            controller = ReferenceController(url, username="u", password="p")
            try:
                with pytest.raises(AuthenticationFailed, match="POST /auth/token was refused"):
                    await asyncio.wait_for(anext(controller.lights()), 10)
            finally:
                await controller.aclose()

    asyncio.run(main())
    assert calls == ["/lights", "/auth/token"]
