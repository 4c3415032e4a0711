"""Fixtures for the SLV plugin tests: run a scenario against a served simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from interop_slv.controller import SlvController
from interop_slv.simulator import simulator_spec

from interop.control.http import ClientSettings, RetryPolicy
from interop.simulation.server import SimulatorSpec, serve
from interop.simulation.world import LightWorld

Scenario = Callable[[SlvController, LightWorld, str], Awaitable[None]]
Runner = Callable[..., None]

FAST = ClientSettings(timeout=2.0, retry=RetryPolicy(attempts=4, base_delay=0.02, max_delay=0.2))
"""Client settings for tests: a short timeout and quick back-off."""


@pytest.fixture
def run_slv() -> Runner:
    """Run ``scenario(controller, world, url)`` against an SLV simulator in a fresh loop."""

    def run(
        scenario: Scenario,
        *,
        world: LightWorld | None = None,
        spec: SimulatorSpec | None = None,
        settings: ClientSettings | None = None,
        **controller: Any,
    ) -> None:
        used = world if world is not None else LightWorld(8, seed=3)
        served = spec or simulator_spec()

        async def main() -> None:
            async with serve(served, used) as url:
                client = SlvController(
                    url,
                    username=used.username,
                    password=used.password,
                    settings=settings or FAST,
                    **controller,
                )
                try:
                    await asyncio.wait_for(scenario(client, used, url), 30)
                finally:
                    await client.aclose()

        asyncio.run(main())

    return run
