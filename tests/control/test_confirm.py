"""LightingController.confirm, driven through the reference controller and simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from interop.control.http import ClientSettings, RetryPolicy
from interop.control.lighting import LightingController
from interop.model.command import CommandKind, CommandStatus
from interop.model.lighting import LightPoint
from interop.simulation.server import serve
from interop.simulation.world import LightWorld
from interop.testing.reference_lighting import reference_spec

SETTINGS = ClientSettings(timeout=2.0, retry=RetryPolicy(3, 0.01, 0.05), seed=1)


def run(
    world: LightWorld,
    scenario: Callable[[LightingController, list[LightPoint]], Awaitable[None]],
) -> None:
    async def main() -> None:
        spec = reference_spec()
        async with serve(spec, world) as url:
            controller = spec.connect(url, world, SETTINGS)
            try:
                await scenario(controller, [x async for x in controller.lights()])
            finally:
                await controller.aclose()

    asyncio.run(asyncio.wait_for(main(), 30))


def test_confirm_marks_applied_once_telemetry_shows_the_level():
    world = LightWorld(4, apply_delay=0.1)

    async def scenario(controller: LightingController, lights: list[LightPoint]) -> None:
        commands = [controller.command(x.id, CommandKind.SET_LEVEL, level=40) for x in lights[:2]]
        commands.append(controller.command(lights[2].id, CommandKind.OFF))
        results = await controller.execute(commands)
        assert [r.status for r in results] == [CommandStatus.ACCEPTED] * 3
        final = await controller.confirm(commands, results, timeout=5, interval=0.02)
        assert [r.status for r in final] == [CommandStatus.APPLIED] * 3
        assert all(r.detail is None for r in final)
        assert [r.target for r in final] == [x.id for x in lights[:3]]
        levels = [x.current.level for x in list(world)[:3]]
        assert levels == [40.0, 40.0, 0.0]

    run(world, scenario)


def test_confirm_leaves_unconfirmed_commands_accepted_with_a_reason():
    world = LightWorld(2, apply_delay=3600)

    async def scenario(controller: LightingController, lights: list[LightPoint]) -> None:
        commands = [controller.command(lights[0].id, CommandKind.SET_LEVEL, level=20)]
        results = await controller.execute(commands)
        final = await controller.confirm(commands, results, timeout=0.3, interval=0.05)
        assert final[0].status is CommandStatus.ACCEPTED
        assert final[0].detail == "not confirmed by telemetry within 0.3 s"

    run(world, scenario)


def test_confirm_leaves_failed_and_levelless_results_alone():
    world = LightWorld(3, apply_delay=0.01)
    world.lights[1].offline = True

    async def scenario(controller: LightingController, lights: list[LightPoint]) -> None:
        commands = [
            controller.command(lights[0].id, CommandKind.RESUME_SCHEDULE),
            controller.command(lights[1].id, CommandKind.SET_LEVEL, level=10),
        ]
        results = await controller.execute(commands)
        assert [r.status for r in results] == [CommandStatus.ACCEPTED, CommandStatus.FAILED]
        final = await controller.confirm(commands, results, timeout=0.2, interval=0.05)
        assert final == results

    run(world, scenario)
