"""serve() and the fault middleware: latency, drops, hangs, injected failures, rate limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web

from interop.control.http import ClientSettings
from interop.control.lighting import LightingController
from interop.simulation.server import SimulatorSpec, default_overload, serve, world_key
from interop.simulation.world import LightWorld


def ping_app(world: LightWorld) -> web.Application:
    """A vendor API with one route answering the first light's level."""

    async def ping(request: web.Request) -> web.Response:
        level = request.app[world_key].lights[0].current.level
        return web.json_response({"level": level})

    app = web.Application()
    app.router.add_get("/ping", ping)
    return app


def no_controller(
    url: str, world: LightWorld, settings: ClientSettings | None
) -> LightingController:
    raise AssertionError("these tests talk HTTP directly")


def vendor_overload(status: int, retry_after: float | None) -> web.Response:
    return web.json_response({"busy": status, "wait": retry_after}, status=status)


SPEC = SimulatorSpec(
    name="ping",
    description="one route",
    build_app=ping_app,
    connect=no_controller,
    overload=vendor_overload,
    rate_limit_status=429,
)


def run(
    world: LightWorld,
    scenario: Callable[[aiohttp.ClientSession, str], Awaitable[None]],
    *,
    timeout: float = 5.0,
) -> None:
    async def main() -> None:
        async with (
            serve(SPEC, world) as url,
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http,
        ):
            await scenario(http, url)

    asyncio.run(asyncio.wait_for(main(), 30))


def test_serve_picks_free_loopback_ports():
    async def main() -> tuple[str, str]:
        async with serve(SPEC, LightWorld(1)) as one, serve(SPEC, LightWorld(1)) as two:
            async with aiohttp.ClientSession() as http:
                for url in (one, two):
                    async with http.get(url + "/ping") as answer:
                        assert answer.status == 200
            return one, two

    one, two = asyncio.run(main())
    assert one.startswith("http://127.0.0.1:")
    assert two.startswith("http://127.0.0.1:")
    assert one != two
    assert not one.endswith(":0")


def test_every_request_ticks_the_world_and_is_counted():
    world = LightWorld(1, apply_delay=0.05)

    async def scenario(http: aiohttp.ClientSession, url: str) -> None:
        world.command([world.lights[0].key], 30.0)
        await asyncio.sleep(0.06)
        async with http.get(url + "/ping") as answer:
            assert await answer.json() == {"level": 30.0}

    run(world, scenario)
    assert world.requests == 1


def test_latency_delays_every_answer():
    world = LightWorld(1)
    world.faults.latency = 0.2

    async def scenario(http: aiohttp.ClientSession, url: str) -> None:
        began = time.monotonic()
        async with http.get(url + "/ping") as answer:
            assert answer.status == 200
        assert time.monotonic() - began >= 0.19

    run(world, scenario)


def test_drop_closes_the_connection_without_an_answer():
    world = LightWorld(1)
    world.faults.drop_next = 2  # aiohttp itself resends an idempotent request once

    async def scenario(http: aiohttp.ClientSession, url: str) -> None:
        with pytest.raises(aiohttp.ClientError):
            async with http.get(url + "/ping"):
                pass
        async with http.get(url + "/ping") as answer:
            assert answer.status == 200

    run(world, scenario)
    assert world.faults.drop_next == 0
    assert world.requests == 3


def test_hang_leaves_the_request_unanswered_until_the_client_gives_up():
    world = LightWorld(1)
    world.faults.hang_next = 1

    async def scenario(http: aiohttp.ClientSession, url: str) -> None:
        began = time.monotonic()
        with pytest.raises(TimeoutError):
            async with http.get(url + "/ping"):
                pass
        assert time.monotonic() - began >= 0.29
        async with http.get(url + "/ping") as answer:
            assert answer.status == 200

    run(world, scenario, timeout=0.3)


def test_fail_next_answers_with_the_vendor_overload_in_turn():
    world = LightWorld(1)
    world.faults.fail_next = [(503, 2.0), (429, None)]

    async def scenario(http: aiohttp.ClientSession, url: str) -> None:
        seen = []
        for _ in range(3):
            async with http.get(url + "/ping") as answer:
                seen.append((answer.status, await answer.json()))
        assert seen == [
            (503, {"busy": 503, "wait": 2.0}),
            (429, {"busy": 429, "wait": None}),
            (200, {"level": 100.0}),
        ]

    run(world, scenario)


def test_default_overload_sets_retry_after_when_known():
    assert default_overload(503, 1.5).headers["Retry-After"] == "1.5"
    assert "Retry-After" not in default_overload(429, None).headers
    assert default_overload(429, None).status == 429


def test_rate_limit_is_a_token_bucket_per_client():
    world = LightWorld(1)
    world.faults.rate_limit = 5.0
    world.faults.retry_after = 0.7

    async def get(http: aiohttp.ClientSession, url: str, who: str) -> int:
        async with http.get(url + "/ping", headers={"Authorization": who}) as answer:
            return answer.status

    async def scenario(http: aiohttp.ClientSession, url: str) -> None:
        burst = [await get(http, url, "a") for _ in range(6)]
        assert burst == [200] * 5 + [429]
        assert await get(http, url, "b") == 200  # another client has its own bucket
        async with http.get(url + "/ping", headers={"Authorization": "a"}) as answer:
            assert answer.status == 429
            assert await answer.json() == {"busy": 429, "wait": 0.7}
        await asyncio.sleep(0.25)  # 5 per second: one token back
        assert await get(http, url, "a") == 200

    run(world, scenario)
