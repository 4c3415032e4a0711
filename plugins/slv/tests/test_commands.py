"""Dimming batches against the simulator: arcs, partial failure, BATCH_LIMIT, resume."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from interop_slv.controller import SlvController
from interop_slv.simulator import simulator_spec

from interop.control.lighting import LEVEL
from interop.model.command import CommandKind, CommandStatus
from interop.simulation.world import LightWorld

Runner = Callable[..., None]


async def ids(controller: SlvController) -> list[str]:
    return [light.id async for light in controller.lights()]


def test_fifty_percent_is_sent_as_arc_229_and_reads_back(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        lights = (await ids(controller))[:2]
        results = await controller.set_level(lights, 50)
        assert [r.status for r in results] == [CommandStatus.ACCEPTED] * 2
        assert [r.target for r in results] == lights
        assert world.raw_log == [(sim.key, "dimmingLevel", 229) for sim in world.lights[:2]]
        found = await controller.telemetry(lights)
        levels = [float(m.value) for m in found if m.property == LEVEL]
        assert all(abs(level - 50) <= 1.0 for level in levels)

    run_slv(scenario)


def test_offline_light_fails_in_a_partially_failed_batch(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        lights = (await ids(controller))[:4:2]  # two lights on the same segment controller
        world.lights[2].offline = True
        commands = [controller.command(x, CommandKind.SET_LEVEL, level=30) for x in lights]
        results = await controller.execute(commands)
        assert results[0].status is CommandStatus.ACCEPTED
        assert results[1].status is CommandStatus.FAILED
        assert "TIMEOUT" in (results[1].detail or "")
        final = await controller.confirm(commands, results, timeout=2, interval=0.05)
        assert final[0].status is CommandStatus.APPLIED
        assert final[1].status is CommandStatus.FAILED

    run_slv(scenario)


def test_batch_limit_is_waited_out(run_slv: Runner) -> None:
    spec = simulator_spec(batch_seconds=0.15, max_batches=1)

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        lights = (await ids(controller))[:3]
        sent = controller.client.http.requests
        began = time.monotonic()
        results = await controller.execute(
            [
                controller.command(light, CommandKind.SET_LEVEL, level=level)
                for light, level in zip(lights, (20, 40, 60), strict=True)
            ]
        )
        took = time.monotonic() - began
        assert [r.status for r in results] == [CommandStatus.ACCEPTED] * 3
        assert took >= 0.3  # three batches, one at a time
        assert controller.client.http.requests - sent > 6  # BATCH_LIMIT answers were retried

    run_slv(scenario, spec=spec)


def test_resume_schedule_sends_minus_one(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[0]
        await controller.set_level([light], 30, duration=timedelta(minutes=5))
        sim = world.lights[0]
        assert sim.override is not None
        assert sim.override_until is not None  # the duration reached the node
        results = await controller.resume_schedule([light])
        assert results[0].status is CommandStatus.ACCEPTED
        assert sim.override is None
        assert world.raw_log[-1] == (sim.key, "dimmingLevel", -1)

    run_slv(scenario)


def test_on_and_off_are_arcs_254_and_0(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[0]
        await controller.switch([light], False)
        await controller.switch([light], True)
        assert [arc for _, _, arc in world.raw_log] == [0, 254]

    run_slv(scenario)


def test_unknown_lights_fail_without_failing_the_rest(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        known = (await ids(controller))[0]
        unknown = "urn:interop:light:slv:gw-g1%2Fnot-there"
        foreign = "urn:example:lamp:7"
        results = await controller.set_level([known, unknown, foreign], 80)
        assert [r.target for r in results] == [known, unknown, foreign]
        assert [r.status for r in results] == [
            CommandStatus.ACCEPTED,
            CommandStatus.FAILED,
            CommandStatus.FAILED,
        ]
        assert "UNKNOWN_DEVICE" in (results[1].detail or "")
        assert "not an SLV light" in (results[2].detail or "")

    run_slv(scenario)
