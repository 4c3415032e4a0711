"""Fixtures for the TALQ plugin's tests: the published OpenAPI files and a simulated Gateway."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from interop_talq.controller import TalqController
from interop_talq.simulator import SPEC, build_app

from interop.control.http import ClientSettings, RetryPolicy
from interop.simulation.server import SimulatorSpec, serve
from interop.simulation.world import LightWorld

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
TALQ = SHARED / "corpus" / "lighting" / "talq"


@pytest.fixture(scope="session")
def talq_openapi() -> Path:
    """The directory of the TALQ 2.7.1 OpenAPI files (../shared), or skip with the reason."""
    if not (TALQ / "talq-api-gateway-2-7-1-online.json").is_file():
        pytest.skip(
            f"TALQ OpenAPI files not present at {TALQ} (BSD-3 files kept outside the repository)"
        )
    pytest.importorskip("openapi_core", reason="needs the 'openapi' extra (openapi-core)")
    return TALQ


Seen = Callable[[web.Request], None]
FAST = ClientSettings(timeout=2.0, retry=RetryPolicy(attempts=4, base_delay=0.01), seed=1)


def spec_with(seen: Seen | None = None, **options: Any) -> SimulatorSpec:
    """SPEC whose app also calls ``seen(request)`` before each vendor handler."""

    def build(world: LightWorld) -> web.Application:
        app = build_app(world, **options)
        if seen is not None:

            @web.middleware
            async def spy(
                request: web.Request,
                handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
            ) -> web.StreamResponse:
                seen(request)
                return await handler(request)

            app.middlewares.insert(0, spy)
        return app

    return dataclasses.replace(SPEC, build_app=build)


@asynccontextmanager
async def gateway(
    world: LightWorld,
    *,
    seen: Seen | None = None,
    settings: ClientSettings | None = FAST,
    **options: Any,
) -> AsyncIterator[TalqController]:
    """A controller connected to a simulated Gateway over ``world``."""
    spec = spec_with(seen, **options)
    async with serve(spec, world) as url:
        controller = spec.connect(url, world, settings)
        assert isinstance(controller, TalqController)
        try:
            yield controller
        finally:
            await controller.aclose()


Gateway = Callable[..., AbstractAsyncContextManager[TalqController]]


@pytest.fixture
def talq_gateway() -> Gateway:
    """``async with talq_gateway(world, seen=..., settings=..., openapi=...) as controller``."""
    return gateway
