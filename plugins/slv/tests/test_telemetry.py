"""Telemetry and history against the simulator: arcs, W, deltas, hours, local times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from interop_slv.controller import SlvController

from interop.control.lighting import BURNING_HOURS, ENERGY, LEVEL, POWER
from interop.errors import NotFound
from interop.model.lighting import counter_epoch, energy_delta
from interop.model.observation import Measurement
from interop.simulation.world import LightWorld

Runner = Callable[..., None]


def by_property(found: list[Measurement], light: str) -> dict[str, Measurement]:
    return {m.property: m for m in found if m.feature_of_interest == light}


async def ids(controller: SlvController) -> list[str]:
    return [light.id async for light in controller.lights()]


def test_values_arrive_as_strings_in_watts_and_local_time(run_slv: Runner) -> None:
    world = LightWorld(3, seed=1)
    sim = world.lights[0]
    world.record(sim.key, at=datetime(2026, 7, 1, 20, 0, 5, tzinfo=UTC), power=44.7, level=50.0)

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        await ids(controller)
        raw = await controller.client.get(
            "logging/getDeviceLastValues",
            [("param0", "10001"), ("valueName", "MeteredPower"), ("valueName", "LampLevel")],
            what="raw",
        )
        assert {row["name"]: row["value"] for row in raw} == {
            "MeteredPower": "44.7",
            "LampLevel": "229",
        }
        assert {row["eventTime"] for row in raw} == {"2026-07-01 22:00:05"}  # CEST, no offset

    run_slv(scenario, world=world)


def test_telemetry_is_canonical(run_slv: Runner) -> None:
    world = LightWorld(3, seed=1)
    sim = world.lights[1]
    at = datetime(2026, 2, 1, 18, 30, 0, tzinfo=UTC)
    world.record(sim.key, at=at, power=44.7, level=50.0, energy=sim.current.energy + 1.25)

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[1]
        found = by_property(await controller.telemetry([light]), light)
        assert found[POWER].value == 44.7  # MeteredPower is in W
        assert abs(float(found[LEVEL].value) - 50.0) <= 1.0  # arc 229 -> 50.5 %
        assert abs(float(found[ENERGY].value) - sim.current.energy) < 0.001
        assert abs(float(found[BURNING_HOURS].value) - sim.current.burning_hours) < 0.01
        assert {m.timestamp for m in found.values()} == {at}
        assert all(m.device == controller.device_iri(light) for m in found.values())

    run_slv(scenario, world=world)


def test_energy_deltas_become_cumulative_with_an_epoch_per_lamp_change(run_slv: Runner) -> None:
    world = LightWorld(2, seed=2)
    sim = world.lights[0]
    start = datetime(2026, 5, 1, tzinfo=UTC)
    energy, hours = sim.current.energy, sim.current.burning_hours
    for step in range(1, 5):
        energy, hours = round(energy + 0.4, 3), hours + 0.25
        world.record(sim.key, at=start + timedelta(hours=step), energy=energy, burning_hours=hours)
    world.replace_meter(sim.key, at=start + timedelta(hours=5))
    world.record(sim.key, at=start + timedelta(hours=6), energy=0.3, burning_hours=1.0)

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[0]
        raw = await controller.client.get(
            "logging/getDevicesLogValues",
            [("deviceId", "10001"), ("valueName", "Energy")],
            what="raw",
        )
        assert [row["value"] for row in raw][1:] == ["0.4", "0.4", "0.4", "0.4", "0", "0.3"]
        now = by_property(await controller.telemetry([light]), light)[ENERGY]
        assert now.value == 0.3
        assert counter_epoch(now) == 1
        series = [
            m
            for m in await controller.history([light], start, start + timedelta(hours=6))
            if m.property == ENERGY
        ]
        assert [m.value for m in series] == [
            round(sim.history[0].energy + 0.4 * n, 6) for n in range(1, 5)
        ] + [0.0, 0.3]
        assert [counter_epoch(m) for m in series] == [0, 0, 0, 0, 1, 1]
        assert all(energy_delta(a, b) >= 0 for a, b in pairwise(series))

    run_slv(scenario, world=world)


def test_history_across_both_dst_changes(run_slv: Runner) -> None:
    world = LightWorld(2, seed=4)
    sim = world.lights[0]
    windows = [
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, 0, tzinfo=UTC)),
        (datetime(2026, 10, 24, 23, 0, tzinfo=UTC), datetime(2026, 10, 25, 3, 0, tzinfo=UTC)),
    ]
    for begin, end in windows:
        at = begin
        while at <= end:
            world.record(sim.key, at=at, level=100.0 if at.minute < 30 else 50.0)
            at += timedelta(minutes=15)

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[0]
        raw = await controller.client.get(
            "logging/getDevicesLogValues",
            [("deviceId", "10001"), ("valueName", "LampLevel")],
            what="raw",
        )
        local = [row["eventTime"] for row in raw]
        assert not any(t.startswith("2026-03-29 02:") for t in local)  # the skipped hour
        assert local.count("2026-10-25 02:15:00") == 2  # the repeated hour
        for begin, end in windows:
            found = await controller.history([light], begin, end)
            levels = [m for m in found if m.property == LEVEL]
            want = [r for r in sim.history if begin <= r.at <= end]
            assert [m.timestamp for m in levels] == [r.at for r in want]
            assert all(
                abs(float(m.value) - r.level) <= 1.0 for m, r in zip(levels, want, strict=True)
            )

    run_slv(scenario, world=world)


def test_unknown_light_is_not_found(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        first = (await ids(controller))[0]
        world.remove_light(world.lights[0].key)
        world.add_light()  # the fleet size is unchanged: the simulator's index must notice
        for light in (first, "urn:interop:light:slv:gw-x%2Fnothing", "urn:example:lamp"):
            with pytest.raises(NotFound, match=r"UNKNOWN_DEVICE|no light|not an SLV light"):
                await controller.telemetry([light])

    run_slv(scenario)


def test_telemetry_sums_only_new_log_values_and_stays_exact(run_slv: Runner) -> None:
    """A controller that keeps its ledger agrees with a fresh one and with the meter."""
    world = LightWorld(2, seed=8)
    sim = world.lights[0]
    fold = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)

    async def energy(controller: SlvController, light: str) -> tuple[float, int, datetime]:
        found = by_property(await controller.telemetry([light]), light)[ENERGY]
        return float(found.value), counter_epoch(found), found.timestamp

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[0]
        meter = sim.current.energy
        for step in range(14):
            at = fold + timedelta(minutes=15 * step)
            if step == 7:
                world.replace_meter(sim.key, at=at)
                meter = 0.0
            else:
                meter = round(meter + 0.013, 3)
                hours = sim.current.burning_hours + 0.25
                world.record(sim.key, at=at, energy=meter, burning_hours=hours)
            if step == 9:  # a second report in the same second
                meter = round(meter + 0.002, 3)
                world.record(sim.key, at=at, energy=meter)
            kept = await energy(controller, light)
            fresh = SlvController(url, username=world.username, password=world.password)
            try:
                again = await energy(fresh, light)
            finally:
                await fresh.aclose()
            assert kept == again
            assert abs(kept[0] - sim.current.energy) < 0.001
            assert kept[1] == sim.current.epoch
            assert kept[2] == at

    run_slv(scenario, world=world)


def test_a_light_asked_twice_is_read_once(run_slv: Runner) -> None:
    world = LightWorld(2, seed=10)
    sim = world.lights[0]
    start = datetime(2026, 6, 1, tzinfo=UTC)
    for step in range(3):
        world.record(sim.key, at=start + timedelta(hours=step), energy=sim.current.energy + 1)

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[0]
        found = await controller.history([light, light], start, start + timedelta(hours=3))
        energy = [float(m.value) for m in found if m.property == ENERGY]
        assert energy == [r.energy for r in sim.history[1:]]
        now = await controller.telemetry([light, light])
        assert len(now) == 6

    run_slv(scenario, world=world)
