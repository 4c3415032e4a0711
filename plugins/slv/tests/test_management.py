"""Schedules, assignments, alarms and light creation against the simulator; plugin hooks."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import time as clock

import interop_slv
from interop_slv.controller import SlvController

from interop.control.lighting import LEVEL
from interop.model.base import Point
from interop.model.command import CommandStatus
from interop.model.lighting import (
    AlarmState,
    AlarmType,
    CalendarRule,
    DimmingProgram,
    DimmingSchedule,
    LampType,
    LightPoint,
    ProgramStep,
    SolarEvent,
)
from interop.simulation.server import SimulatorSpec
from interop.simulation.world import LightWorld

Runner = Callable[..., None]


async def ids(controller: SlvController) -> list[str]:
    return [light.id async for light in controller.lights()]


def night(name: str = "Night") -> DimmingSchedule:
    return DimmingSchedule(
        id="urn:example:schedule:night",
        name=name,
        timezone="Europe/Brussels",
        programs=(
            DimmingProgram(
                key="wd",
                steps=(
                    ProgramStep(solar_event=SolarEvent.SUNSET, offset=10, level=100),
                    ProgramStep(at=clock(23, 0), level=50),
                    ProgramStep(at=clock(5, 30), level=100),
                    ProgramStep(solar_event=SolarEvent.SUNRISE, offset=-15, level=0),
                ),
            ),
            DimmingProgram(
                key="we",
                steps=(
                    ProgramStep(solar_event=SolarEvent.SUNSET, level=100),
                    ProgramStep(solar_event=SolarEvent.SUNRISE, level=0),
                ),
            ),
        ),
        rules=(CalendarRule(priority=1, program="wd", weekdays=frozenset({1, 2, 3, 4, 5})),),
        default_program="we",
    )


def test_schedule_round_trip_noon_to_noon_and_assignment(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        saved = await controller.save_schedule(night())
        stored = world.schedules[saved.id.rsplit(":", 1)[-1]]
        weekday = stored["programs"][0]
        assert weekday["dayOffset"] == 12  # 23:00 and 05:30 are one night
        assert [c["level"] for c in weekday["fixedTimeControls"]] == [229, 254]
        (back,) = await controller.schedules()
        assert back.id == saved.id
        assert back.rules == night().rules
        assert back.default_program == "we"
        levels = [s.level for p in back.programs for s in p.steps]
        wanted = [s.level for p in night().programs for s in p.steps]
        assert all(abs(a - b) <= 1.0 for a, b in zip(levels, wanted, strict=True))
        again = await controller.save_schedule(night())  # same name: replaced, same id
        assert again.id == saved.id
        assert len(await controller.schedules()) == 1
        lights = (await ids(controller))[:3]
        results = await controller.assign_schedule(saved.id, [*lights, "urn:example:x"])
        assert [r.status for r in results] == [CommandStatus.SUCCEEDED] * 3 + [CommandStatus.FAILED]
        assert await controller.assignments() == dict.fromkeys(lights, saved.id)

    run_slv(scenario)


def test_alarms_from_failure_flags(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        lights = await ids(controller)
        world.raise_alarm(world.lights[0].key, AlarmType.LAMP_FAILURE)
        world.raise_alarm(world.lights[1].key, AlarmType.RELAY_FAILURE)
        world.raise_alarm(world.lights[2].key, AlarmType.SUPPLY_LOSS)
        world.clear_alarm(world.lights[2].key, AlarmType.SUPPLY_LOSS)
        raw = await controller.client.get(
            "logging/getDeviceLastValues",
            [("param0", "10001"), ("param0", "10003"), ("valueName", "LampFailure")],
            what="raw",
        )
        assert [row["value"] for row in raw] == ["true", "false"]
        found = await controller.alarms()
        assert {(a.light, a.alarm_type) for a in found} == {
            (lights[0], AlarmType.LAMP_FAILURE),
            (lights[1], AlarmType.RELAY_FAILURE),
        }
        assert all(a.state is AlarmState.RAISED for a in found)
        assert [a.light for a in await controller.alarms(lights[1:2])] == [lights[1]]

    run_slv(scenario)


def test_add_lights_creates_category_devices(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        new = LightPoint(
            id="urn:example:light:new-1",
            name="NEW-1",
            location=Point(lat=50.85, lon=4.35),
            nominal_power=36.0,
            lamp_type=LampType.HIGH_PRESSURE_SODIUM,
        )
        (created,) = await controller.add_lights([new])
        assert created.id.startswith("urn:interop:light:slv:")
        assert (created.name, created.location, created.nominal_power) == (
            "NEW-1",
            new.location,
            36.0,
        )
        assert created.lamp_type is LampType.HIGH_PRESSURE_SODIUM
        sim = world.by_name("NEW-1")
        assert sim is not None
        assert sim.lamp_type == "high_pressure_sodium"
        assert created.id in await ids(controller)
        assert (await controller.set_level([created.id], 50))[0].status is CommandStatus.ACCEPTED

    run_slv(scenario)


def test_two_thousand_lights(run_slv: Runner) -> None:
    """Inventory, telemetry and a fleet-wide command over 2,000 lights in generous time."""
    world = LightWorld(2000, seed=9)

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        began = time.monotonic()
        lights = await ids(controller)
        assert len(lights) == 2000
        found = await controller.telemetry(lights)
        assert sum(1 for m in found if m.property == LEVEL) == 2000
        results = await controller.set_level(lights, 50)
        assert all(r.status is CommandStatus.ACCEPTED for r in results)
        saved = await controller.save_schedule(night())
        assigned = await controller.assign_schedule(saved.id, lights)  # several requests
        assert all(r.status is CommandStatus.SUCCEEDED for r in assigned)
        assert len(await controller.assignments()) == 2000
        assert time.monotonic() - began < 25

    run_slv(scenario, world=world)


def test_hooks_register_the_controller_and_the_simulator() -> None:
    assert interop_slv.interop_register_adapters() == [interop_slv.SlvController]
    (spec,) = interop_slv.interop_simulators()
    assert isinstance(spec, SimulatorSpec)
    assert (spec.name, spec.rate_limit_status, spec.default_port) == ("slv", 503, 8081)
    assert "TODO" not in interop_slv.MANIFEST.description
