"""The example application gives the same canonical results against either supplier's system."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

from interop.simulation.server import serve
from interop.simulation.world import LightWorld

from .conftest import address

APP = Path(__file__).resolve().parents[2] / "examples" / "lighting_app.py"


def _app() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lighting_app", APP)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fleet(now: datetime) -> LightWorld:
    """The same 24 lights with the same last day of meter readings, one meter replaced."""
    world = LightWorld(24, seed=11, apply_delay=0.05)
    for hours_ago in range(20, 0, -2):
        at = (now - timedelta(hours=hours_ago)).replace(microsecond=0)
        for light in world:
            world.record(light.key, at=at, energy=round(light.current.energy + 0.05, 3))
        if hours_ago == 6:
            world.replace_meter("0003", at=at + timedelta(hours=1))
    world.record("0003", at=(now - timedelta(hours=1)).replace(microsecond=0), energy=0.2)
    return world


def test_same_canonical_results_on_both_suppliers(simulators, run):
    app = _app()
    now = datetime.now(UTC)

    async def against(name: str) -> dict:
        world = _fleet(now)
        async with serve(simulators[name], world) as url:
            return await app.run(address(name, url, world))

    slv, talq = run(against("slv")), run(against("talq"))
    assert len(slv["inventory"]) == 24
    assert slv["inventory"] == talq["inventory"]
    assert slv["energy"] == talq["energy"]
    assert slv["dimming"] == talq["dimming"] == {"applied": 24}
    replaced = next(row for row in slv["energy"] if row["name"] == "LP-0003")
    assert replaced["kwh"] >= 0.2, "a replaced meter must count its new counter, never go negative"
