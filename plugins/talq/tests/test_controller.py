"""TalqController against the simulated Gateway: envelope, paging, telemetry, commands, errors."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from interop_talq.controller import TalqController
from interop_talq.protocol import API_VERSION, is_uuid

from interop.control.http import ClientSettings, RetryPolicy
from interop.control.lighting import (
    BURNING_HOURS,
    ENERGY,
    LEVEL,
    POWER,
    POWER_FACTOR,
    VOLTAGE,
)
from interop.errors import AuthenticationFailed, NotFound, RateLimited
from interop.model.base import Point
from interop.model.command import CommandKind, CommandStatus
from interop.model.lighting import AlarmState, AlarmType, LightPoint, counter_epoch, energy_delta
from interop.model.units import OM
from interop.simulation.world import LightWorld


def test_every_request_carries_the_talq_envelope(talq_gateway) -> None:
    seen: list[tuple[str, str, dict[str, str], str | None]] = []

    def spy(request: web.Request) -> None:
        if request.path == "/auth/token":
            return
        seen.append(
            (
                request.method,
                request.path,
                dict(request.query),
                request.headers.get("talq-api-version"),
            )
        )

    async def scenario() -> None:
        async with talq_gateway(LightWorld(3), seen=spy) as controller:
            ids = [light.id async for light in controller.lights()]
            await controller.telemetry(ids[:1])
            await controller.set_level(ids[:1], 40)

    asyncio.run(scenario())
    assert {path for _, path, _, _ in seen} >= {"/devices", "/override-commands"}
    request_ids = [query["talqRequestId"] for _, _, query, _ in seen]
    assert len(set(request_ids)) == len(request_ids)
    for _method, _path, query, version in seen:
        assert version == API_VERSION
        assert is_uuid(query["clientAddress"])
        assert is_uuid(query["talqRequestId"])


def test_inventory_maps_devices_to_light_points(talq_gateway) -> None:
    world = LightWorld(7, seed=3)
    world.lights[2].lamp_type = "high_pressure_sodium"

    async def scenario() -> list[LightPoint]:
        async with talq_gateway(world) as controller:
            return [light async for light in controller.lights(page_size=3)]

    lights = asyncio.run(scenario())
    assert [light.name for light in lights] == [sim.name for sim in world.lights]
    for light, sim in zip(lights, world.lights, strict=True):
        assert light.location == Point(lat=sim.latitude, lon=sim.longitude)
        assert light.nominal_power == sim.nominal_power
        assert light.controllable
        assert light.device is not None
        assert light.device.startswith("urn:interop:device:talq:")
        assert light.group is not None
        assert light.group.endswith(str(sim.group))
    assert lights[2].lamp_type == "high_pressure_sodium"
    assert lights[0].lamp_type == "led"


def test_paging_survives_inserts_and_an_invalidated_listing(talq_gateway) -> None:
    world = LightWorld(9)
    original = {light.name for light in world.lights}
    pages = 0

    def insert_after_first_page(request: web.Request) -> None:
        nonlocal pages
        if request.path == "/devices" and request.query.get("offset") not in (None, "0"):
            pages += 1
            if pages == 1:
                world.add_light(position=0)
                world.faults.expire_listings = True

    async def scenario() -> list[LightPoint]:
        async with talq_gateway(world, seen=insert_after_first_page) as controller:
            return [light async for light in controller.lights(page_size=2)]

    lights = asyncio.run(scenario())
    names = [light.name for light in lights]
    assert len(names) == len(set(names))
    assert original <= set(names)
    assert world.faults.expire_listings is False


def test_telemetry_values_units_timestamps_and_counter_epochs(talq_gateway) -> None:
    world = LightWorld(2)
    key = world.lights[0].key
    at = datetime(2026, 3, 1, 18, 0, 5, tzinfo=UTC)
    world.record(key, at=at, level=40.0, power=25.6, energy=1234.567, burning_hours=4321.0)

    async def scenario() -> tuple[list, list]:
        async with talq_gateway(world) as controller:
            light, *_ = [x async for x in controller.lights()]
            before = await controller.telemetry([light.id])
            world.replace_meter(key)
            after = await controller.telemetry([light.id])
            with pytest.raises(NotFound):
                await controller.telemetry(["urn:interop:light:talq:" + str(uuid.uuid4())])
            with pytest.raises(NotFound):
                await controller.telemetry(["urn:interop:light:slv:1"])
            return before, after

    before, after = asyncio.run(scenario())
    values = {m.property: m for m in before}
    assert values[LEVEL].value == 40.0
    assert values[LEVEL].unit == OM + "percent"
    assert values[POWER].value == 25.6
    assert values[POWER].unit == OM + "watt"
    assert values[ENERGY].value == 1234.567
    assert values[ENERGY].unit == OM + "kilowattHour"
    assert values[BURNING_HOURS].value == 4321.0
    assert values[BURNING_HOURS].unit == OM + "hour"
    assert values[VOLTAGE].unit == OM + "volt"
    assert values[POWER_FACTOR].unit == OM + "one"
    assert all(m.timestamp == at for m in before)
    assert values[ENERGY].feature_of_interest.startswith("urn:interop:light:talq:")
    assert values[ENERGY].device.startswith("urn:interop:device:talq:")
    new_energy = next(m for m in after if m.property == ENERGY)
    assert counter_epoch(new_energy) == counter_epoch(values[ENERGY]) + 1
    assert energy_delta(values[ENERGY], new_energy) == 0.0


def test_history_across_dst_changes_is_exact_and_ordered(talq_gateway) -> None:
    world = LightWorld(1, start=datetime(2026, 3, 28, 22, 0, tzinfo=UTC))
    key = world.lights[0].key
    instants = []
    for day_start in (
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
        datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
    ):
        for step in range(16):
            at = day_start + timedelta(minutes=15 * step)
            world.record(key, at=at, level=float(step * 5), energy=100.0 + step)
            instants.append(at)

    async def scenario() -> list:
        async with talq_gateway(world) as controller:
            light, *_ = [x async for x in controller.lights()]
            return await controller.history(
                [light.id],
                datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
                datetime(2026, 12, 1, tzinfo=UTC),
            )

    readings = asyncio.run(scenario())
    energy = [m for m in readings if m.property == ENERGY]
    level = [m for m in readings if m.property == LEVEL]
    assert [m.timestamp for m in energy] == instants
    assert [m.timestamp for m in level] == instants
    assert [m.value for m in level][:3] == [0.0, 5.0, 10.0]


def test_override_commands_are_accepted_then_applied(talq_gateway) -> None:
    world = LightWorld(4, apply_delay=0.2)
    world.lights[1].offline = True

    async def scenario() -> None:
        async with talq_gateway(world) as controller:
            ids = [x.id async for x in controller.lights()]
            unknown = "urn:interop:light:talq:" + str(uuid.uuid4())
            commands = [
                controller.command(light, CommandKind.SET_LEVEL, level=50) for light in ids[:3]
            ]
            commands.append(controller.command(unknown, CommandKind.SET_LEVEL, level=50))
            results = await controller.execute(commands)
            assert [r.target for r in results] == [*ids[:3], unknown]
            assert [r.status for r in results[:3]] == [CommandStatus.ACCEPTED] * 3
            assert results[3].status is CommandStatus.FAILED
            assert "resourceNotFound" in str(results[3].detail)
            confirmed = await controller.confirm(commands, results, timeout=3, interval=0.1)
            assert [r.status for r in confirmed[:3]] == [
                CommandStatus.APPLIED,
                CommandStatus.ACCEPTED,
                CommandStatus.APPLIED,
            ]
            assert world.lights[0].current.level == 50.0
            assert world.lights[1].current.level == 100.0
            off = await controller.switch(ids[:1], False)
            assert off[0].status is CommandStatus.ACCEPTED
            resumed = await controller.resume_schedule(ids[:1])
            assert resumed[0].status is CommandStatus.ACCEPTED
            assert world.lights[0].override is None
            timed = await controller.set_level(ids[2:3], 30, duration=timedelta(minutes=10))
            assert timed[0].status is CommandStatus.ACCEPTED
            assert world.lights[2].override_until is not None
            bad = await controller.set_level(["urn:interop:light:other:x"], 20)
            assert bad[0].status is CommandStatus.FAILED

    asyncio.run(scenario())
    sent = [value for _, name, value in world.raw_log if name == "targetCommand"]
    assert {"name": "LevelState", "value": 50} in [v["state"] for v in sent if v]
    assert None in sent


def test_lost_connections_give_failed_results_not_exceptions(talq_gateway) -> None:
    world = LightWorld(2)
    settings = ClientSettings(timeout=0.5, retry=RetryPolicy(attempts=2, base_delay=0.01))

    async def scenario() -> None:
        async with talq_gateway(world, settings=settings) as controller:
            ids = [x.id async for x in controller.lights()]
            world.faults.drop_next = 1  # an override is idempotent: resent, then accepted
            resent = await controller.set_level(ids, 20)
            assert [r.status for r in resent] == [CommandStatus.ACCEPTED] * 2
            world.faults.drop_next = 2  # both attempts dropped
            dropped = await controller.set_level(ids, 20)
            assert [r.status for r in dropped] == [CommandStatus.FAILED] * 2
            world.faults.hang_next = 2
            started = time.monotonic()
            hung = await controller.set_level(ids, 20)
            assert time.monotonic() - started < 5
            assert [r.status for r in hung] == [CommandStatus.FAILED] * 2

    asyncio.run(scenario())


def test_retry_after_is_honoured_and_persistent_overload_raises(talq_gateway) -> None:
    world = LightWorld(2)

    async def scenario() -> None:
        async with talq_gateway(world) as controller:
            ids = [x.id async for x in controller.lights()]
            world.faults.fail_next = [(429, 0.3)] * 2
            started = time.monotonic()
            readings = await controller.telemetry(ids[:1])
            assert time.monotonic() - started >= 0.6
            assert readings
            world.faults.fail_next = [(429, 0.01)] * 10
            with pytest.raises(RateLimited):
                await controller.telemetry(ids[:1])

    asyncio.run(scenario())


def test_wrong_token_fails_and_expired_tokens_are_refreshed(talq_gateway) -> None:
    world = LightWorld(2, session_ttl=0.2)
    tokens: list[str] = []

    def spy(request: web.Request) -> None:
        if request.path == "/auth/token":
            tokens.append(request.path)

    async def scenario() -> None:
        async with talq_gateway(world, seen=spy) as controller:
            ids = [x.id async for x in controller.lights()]
            await asyncio.sleep(0.3)
            assert await controller.telemetry(ids[:1])
            stale = TalqController(
                controller.url, token="wrong", settings=controller.gateway.http.settings
            )
            try:
                with pytest.raises(AuthenticationFailed):
                    await stale.telemetry(ids[:1])
            finally:
                await stale.aclose()

    asyncio.run(scenario())
    assert len(tokens) == 3  # the first login, the refresh after expiry, the refused key


def test_alarms_follow_the_lamp_monitor_events(talq_gateway) -> None:
    world = LightWorld(3)
    world.raise_alarm(world.lights[1].key, AlarmType.LAMP_FAILURE)
    world.raise_alarm(world.lights[2].key, AlarmType.RELAY_FAILURE)
    world.clear_alarm(world.lights[2].key, AlarmType.RELAY_FAILURE)

    async def scenario() -> None:
        async with talq_gateway(world) as controller:
            ids = [x.id async for x in controller.lights()]
            alarms = await controller.alarms()
            assert [(a.light, a.alarm_type, a.state) for a in alarms] == [
                (ids[1], AlarmType.LAMP_FAILURE, AlarmState.RAISED)
            ]
            assert await controller.alarms([ids[0], ids[2]]) == []

    asyncio.run(scenario())


def test_add_lights_creates_devices(talq_gateway) -> None:
    world = LightWorld(1)
    new = LightPoint(
        id="urn:example:light:1",
        name="Rue Neuve 12",
        location=Point(lat=50.85, lon=4.355),
        nominal_power=36.0,
        lamp_type="metal_halide",
    )

    async def scenario() -> None:
        async with talq_gateway(world) as controller:
            created = await controller.add_lights([new])
            assert created[0].id.startswith("urn:interop:light:talq:")
            listed = {x.name: x async for x in controller.lights()}
            copy = listed["Rue Neuve 12"]
            assert copy.id == created[0].id
            assert (copy.location, copy.nominal_power, copy.lamp_type) == (
                new.location,
                36.0,
                "metal_halide",
            )

    asyncio.run(scenario())
    assert world.by_name("Rue Neuve 12") is not None


def test_many_lights_are_read_from_the_listing(talq_gateway) -> None:
    world = LightWorld(20)
    paths: list[str] = []

    async def scenario() -> int:
        async with talq_gateway(world, seen=lambda request: paths.append(request.path)) as c:
            ids = [x.id async for x in c.lights(page_size=50)]
            paths.clear()
            readings = await c.telemetry(ids)
            assert {m.feature_of_interest for m in readings} == set(ids)
            with pytest.raises(NotFound):
                await c.telemetry([*ids, "urn:interop:light:talq:" + str(uuid.uuid4())])
            return len(readings)

    assert asyncio.run(scenario()) == 20 * 6
    assert set(paths) == {"/devices"}
