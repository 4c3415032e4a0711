"""LightWorld: a deterministic fleet, command fates, delayed application, meters, alarms, faults."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interop.model.lighting import AlarmType
from interop.simulation.world import LightWorld


def snapshot(world: LightWorld) -> list[tuple[object, ...]]:
    return [
        (x.key, x.name, x.latitude, x.longitude, x.nominal_power, x.group, tuple(x.history))
        for x in world
    ]


@given(st.integers(0, 2**32), st.integers(0, 30))
def test_same_seed_same_world(seed, count):
    assert snapshot(LightWorld(count, seed=seed)) == snapshot(LightWorld(count, seed=seed))


def test_different_seeds_differ_and_lights_are_plausible():
    one, two = LightWorld(20, seed=1), LightWorld(20, seed=2)
    assert snapshot(one) != snapshot(two)
    assert [x.name for x in one] == [f"LP-{n:04d}" for n in range(1, 21)]
    for light in one:
        assert abs(light.latitude - 50.8466) <= 0.02
        assert abs(light.longitude - 4.3517) <= 0.03
        first = light.current
        assert first.at == datetime(2026, 1, 15, tzinfo=UTC)
        assert first.level == 100.0
        assert first.power == light.nominal_power
        assert first.epoch == 0
        assert 225.0 <= first.voltage <= 235.0
        assert 0.9 <= first.power_factor <= 0.99


def test_fleet_edits():
    world = LightWorld(3)
    front = world.add_light(position=0, name="FRONT", nominal_power=45.0)
    assert next(iter(world)).name == "FRONT"
    assert front.key == "0004"
    assert world.get("0004") is front
    assert world.by_name("FRONT") is front
    world.remove_light("0001")
    assert world.get("0001") is None
    assert world.by_name("LP-0001") is None
    assert len(world) == 3


def test_command_fates():
    world = LightWorld(3)
    world.lights[1].offline = True
    fates = world.command(["0001", "0002", "9999"], 40.0)
    assert fates == {"0001": "queued", "0002": "offline", "9999": "unknown"}
    assert world.get("0001").override == 40.0  # type: ignore[union-attr]
    assert world.get("0002").override is None  # type: ignore[union-attr]
    assert world.get("0002").pending == []  # type: ignore[union-attr]


def test_commands_apply_after_the_delay_on_tick():
    world = LightWorld(1, apply_delay=0.05)
    light = world.lights[0]
    world.command([light.key], 25.0)
    assert light.current.level == 100.0
    world.tick()
    assert light.current.level == 100.0
    time.sleep(0.06)
    world.tick()
    assert light.current.level == 25.0
    assert light.current.power == round(light.nominal_power * 0.25, 3)
    assert light.pending == []


def test_no_delay_applies_at_once_and_resume_clears_the_override():
    world = LightWorld(1)
    light = world.lights[0]
    world.command([light.key], 0.0, duration=60)
    assert light.current.level == 0.0
    assert light.override_until is not None
    assert light.override_until - datetime.now(UTC) <= timedelta(seconds=60)
    world.command([light.key], None)
    assert light.override is None
    assert light.override_until is None
    assert light.current.level == 100.0


def test_applied_readings_keep_strictly_increasing_instants():
    world = LightWorld(1)
    light = world.lights[0]
    future = datetime.now(UTC) + timedelta(hours=1)
    world.record(light.key, at=future)
    world.command([light.key], 10.0)
    assert light.current.at > future


def test_record_carries_the_other_values_over():
    world = LightWorld(1)
    key = world.lights[0].key
    before = world.lights[0].current
    at = datetime(2026, 2, 1, tzinfo=UTC)
    reading = world.record(key, at=at, level=30.0, energy=before.energy + 1)
    assert reading.at == at
    assert (reading.level, reading.energy) == (30.0, before.energy + 1)
    assert (reading.power, reading.voltage, reading.epoch) == (
        before.power,
        before.voltage,
        before.epoch,
    )
    assert world.lights[0].current is reading


def test_replace_meter_starts_a_new_epoch_at_zero():
    world = LightWorld(1)
    key = world.lights[0].key
    first = world.replace_meter(key)
    second = world.replace_meter(key)
    assert (first.epoch, first.energy, first.burning_hours) == (1, 0.0, 0.0)
    assert second.epoch == 2


def test_alarms_raise_once_and_clear():
    world = LightWorld(1)
    light = world.lights[0]
    world.raise_alarm(light.key, AlarmType.LAMP_FAILURE)
    world.raise_alarm(light.key, AlarmType.LAMP_FAILURE)
    world.raise_alarm(light.key, AlarmType.SUPPLY_LOSS)
    assert [a.alarm_type for a in light.active_alarms()] == [
        AlarmType.LAMP_FAILURE,
        AlarmType.SUPPLY_LOSS,
    ]
    world.clear_alarm(light.key, AlarmType.LAMP_FAILURE)
    assert [a.alarm_type for a in light.active_alarms()] == [AlarmType.SUPPLY_LOSS]
    assert light.alarms[0].cleared_at is not None
    world.raise_alarm(light.key, AlarmType.LAMP_FAILURE)
    assert len(light.alarms) == 3


def test_faults_are_consumed_in_order():
    world = LightWorld(0)
    world.faults.drop_next = 1
    world.faults.hang_next = 1
    world.faults.fail_next = [(429, 0.5), (503, None)]
    taken = [world.take_fault() for _ in range(5)]
    assert taken == [
        ("drop", None),
        ("hang", None),
        ("status:429", 0.5),
        ("status:503", None),
        None,
    ]
    assert world.requests == 5
    assert (world.faults.drop_next, world.faults.hang_next, world.faults.fail_next) == (0, 0, [])


@pytest.mark.parametrize(("rate", "expected"), [(0.0, 0), (1.0, 50)])
def test_error_rate_answers_overload(rate, expected):
    world = LightWorld(0)
    world.faults.error_rate = rate
    world.faults.retry_after = 2.0
    taken = [world.take_fault() for _ in range(50)]
    assert taken.count(("status:503", 2.0)) == expected


def test_error_rate_is_a_share_drawn_from_the_seeded_rng():
    def draws(seed: int) -> list[object]:
        world = LightWorld(0, seed=seed)
        world.faults.error_rate = 0.5
        return [world.take_fault() for _ in range(200)]

    assert draws(3) == draws(3)
    assert 50 < sum(x is not None for x in draws(3)) < 150


def test_reports_are_a_time_series():
    world = LightWorld(1)
    latest = world.record("0001", at=world.start + timedelta(hours=2), level=40.0)
    with pytest.raises(ValueError, match="older than its latest"):
        world.record("0001", at=world.start + timedelta(hours=1), level=30.0)
    assert world.get("0001").current == latest
