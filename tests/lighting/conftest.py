"""Fixtures for the cross-plugin lighting tests: simulators from the installed plugins."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from interop.registry import Registry
from interop.simulation.server import SimulatorSpec
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


@pytest.fixture
def run() -> Callable[[Any], Any]:
    """Run a coroutine to completion in a fresh event loop."""
    return asyncio.run
