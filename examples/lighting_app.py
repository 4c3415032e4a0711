"""A city's street-lighting application that works with any supplier's system, unchanged.

It does three everyday jobs through the canonical controller API only:

- **inventory**: every light with its position, lamp and rated power;
- **energy report**: kWh each light drew over a period, from its cumulative meter readings
  (a replaced meter starts a new counter epoch, so it never yields negative energy);
- **night dimming**: dim every light to a level for a few hours, then confirm by telemetry.

Which supplier it talks to is configuration: one address such as
``slv:http://operator:secret@127.0.0.1:8081`` or ``talq:http://:sim-token@127.0.0.1:8082``::

    uv run python examples/lighting_app.py slv:http://operator:secret@127.0.0.1:8081
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from interop.control.connect import open_lighting
from interop.control.lighting import ENERGY, LightingController
from interop.model.command import CommandKind
from interop.model.lighting import energy_delta
from interop.model.observation import Measurement
from interop.registry import Registry


async def inventory(controller: LightingController) -> list[dict[str, Any]]:
    """Every light, sorted by name, with what an asset register needs."""
    rows = []
    async for light in controller.lights():
        rows.append(
            {
                "name": light.name,
                "lat": round(light.location.lat, 6) if light.location else None,
                "lon": round(light.location.lon, 6) if light.location else None,
                "lamp": light.lamp_type,
                "rated_w": light.nominal_power,
                "controllable": light.controllable,
            }
        )
    return sorted(rows, key=lambda row: str(row["name"]))


async def energy_report(
    controller: LightingController, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Energy (kWh) drawn by each light between ``start`` and ``end``, from its meter history."""
    names = {light.id: light.name async for light in controller.lights()}
    readings: dict[str, list[Measurement]] = defaultdict(list)
    for reading in await controller.history(sorted(names), start, end):
        if reading.property == ENERGY and reading.feature_of_interest is not None:
            readings[reading.feature_of_interest].append(reading)
    rows = []
    for light_id, name in names.items():
        series = sorted(readings.get(light_id, []), key=lambda m: m.timestamp)
        kwh = sum(energy_delta(a, b) for a, b in pairwise(series))
        rows.append({"name": name, "kwh": round(kwh, 3), "readings": len(series)})
    return sorted(rows, key=lambda row: str(row["name"]))


async def night_dimming(
    controller: LightingController, level: float = 50.0, hours: float = 6.0, confirm: float = 10.0
) -> dict[str, int]:
    """Dim every controllable light to ``level`` % for ``hours``; count outcomes by status."""
    lights = [light.id async for light in controller.lights() if light.controllable]
    commands = [
        controller.command(
            light, CommandKind.SET_LEVEL, level=level, duration=timedelta(hours=hours)
        )
        for light in lights
    ]
    results = await controller.execute(commands)
    results = await controller.confirm(commands, results, timeout=confirm, interval=0.2)
    return dict(sorted(Counter(str(result.status) for result in results).items()))


async def run(address: str, *, since: timedelta = timedelta(days=1)) -> dict[str, Any]:
    """All three jobs against the system at ``address``; the output is canonical, vendor-free."""
    controller = open_lighting(Registry().load(), address)
    try:
        end = datetime.now(UTC)
        return {
            "inventory": await inventory(controller),
            "energy": await energy_report(controller, end - since, end),
            "dimming": await night_dimming(controller),
        }
    finally:
        await controller.aclose()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: lighting_app.py PLUGIN:URL  (e.g. slv:http://operator:secret@host:8081)")
    print(json.dumps(asyncio.run(run(sys.argv[1])), indent=2, default=str))
