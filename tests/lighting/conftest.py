"""Fixtures for the cross-plugin lighting tests: simulators from the installed plugins."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from interop.registry import Registry
from interop.simulation.server import SimulatorSpec, serve
from interop.simulation.world import LightWorld


@pytest.fixture(scope="session")
def simulators() -> dict[str, SimulatorSpec]:
    """The slv and talq simulators, or skip when either plugin is not installed."""
    specs: dict[str, SimulatorSpec] = Registry().load().simulators()
    missing = {"slv", "talq"} - set(specs)
    if missing:
        pytest.skip(f"lighting plugins not installed: {sorted(missing)}")
    return specs


def address(name: str, url: str, world: LightWorld) -> str:
    """The configuration string the example app and the CLI take for a simulator."""
    scheme, rest = url.split("://", 1)
    if name == "slv":
        return f"{name}:{scheme}://{world.username}:{world.password}@{rest}"
    return f"{name}:{scheme}://:{world.token}@{rest}"


@contextmanager
def threaded(spec: SimulatorSpec, world: LightWorld) -> Iterator[str]:
    """Serve a simulator from a background thread (for code that runs its own event loop)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: dict[str, Any] = {}

    async def main() -> None:
        async with serve(spec, world) as url:
            box["url"] = url
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10), "simulator did not start"
    try:
        yield box["url"]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()


@pytest.fixture
def run() -> Callable[[Any], Any]:
    """Run a coroutine to completion in a fresh event loop."""
    return asyncio.run
