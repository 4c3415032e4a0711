"""Canonical schedules <-> dimmingscheduler calendars: noon-to-noon programs, DALI levels."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import orjson
import pytest
from hypothesis import assume, given, settings
from interop_slv.dali import arc_to_percent, percent_to_arc
from interop_slv.schedules import DAY_OFFSET, decode_schedule, encode_schedule
from pydantic import ValidationError as PydanticValidationError

from interop.errors import DecodeError, EncodeError
from interop.model.lighting import (
    CalendarRule,
    DimmingProgram,
    DimmingSchedule,
    ProgramStep,
    SolarEvent,
)
from interop.testing.strategies import lighting_dimming_schedules


def schedule(**changes: Any) -> DimmingSchedule:
    """The conformance schedule: weekday program with a noon-to-noon night, weekend default."""
    weekday = DimmingProgram(
        key="wd",
        name="Weekdays",
        steps=(
            ProgramStep(solar_event=SolarEvent.SUNSET, offset=10, level=100),
            ProgramStep(at=time(23, 0), level=50),
            ProgramStep(at=time(5, 30), level=100),
            ProgramStep(solar_event=SolarEvent.SUNRISE, offset=-15, level=0),
        ),
    )
    weekend = DimmingProgram(
        key="we",
        steps=(
            ProgramStep(solar_event=SolarEvent.SUNSET, level=100),
            ProgramStep(solar_event=SolarEvent.SUNRISE, level=0),
        ),
    )
    fields: dict[str, Any] = {
        "id": "urn:example:schedule:night",
        "name": "Night",
        "timezone": "Europe/Brussels",
        "programs": (weekday, weekend),
        "rules": (
            CalendarRule(priority=5, program="we", dates=(date(2026, 12, 25),)),
            CalendarRule(
                priority=2,
                program="wd",
                weekdays=frozenset({1, 2, 3, 4, 5}),
                start_date=date(2026, 1, 1),
            ),
        ),
        "default_program": "we",
    }
    fields.update(changes)
    return DimmingSchedule(**fields)


def stored(original: DimmingSchedule) -> dict[str, Any]:
    calendar, programs = encode_schedule(original)
    return calendar | {"id": "7", "programs": programs}


def test_encoding_is_talq_like_with_arcs_and_noon_to_noon_days() -> None:
    calendar, programs = encode_schedule(schedule())
    wd = programs[0]
    assert wd["dayOffset"] == DAY_OFFSET == 12
    assert wd["fixedTimeControls"] == [
        {"startTime": "23:00:00", "level": 229},
        {"startTime": "05:30:00", "level": 254},
    ]
    assert wd["astroClockTimeControls"] == [
        {"solarEventType": "sunset", "offset": 10, "level": 254},
        {"solarEventType": "sunrise", "offset": -15, "level": 0},
    ]
    assert calendar["rules"][1]["condition"] == {
        "type": "ccAll",
        "conditions": [
            {"type": "ccDay", "days": [{"start": 1, "end": 5}]},
            {"type": "ccDateRange", "start": "2026-01-01", "end": None},
        ],
    }
    assert calendar["defaultProgram"] == "we"


def test_round_trip_keeps_everything_but_id_within_level_tolerance() -> None:
    original = schedule()
    back = decode_schedule(stored(original), source="slv test", plugin_version="0")
    assert back.id == "urn:interop:schedule:slv:7"
    assert back.rules == original.rules
    assert back.default_program == "we"
    assert back.timezone == original.timezone
    assert back.name == original.name
    for got, want in zip(back.programs, original.programs, strict=True):
        assert (got.key, got.name) == (want.key, want.name)
        assert [(s.at, s.solar_event, s.offset) for s in got.steps] == [
            (s.at, s.solar_event, s.offset) for s in want.steps
        ]
        assert all(
            abs(a.level - b.level) <= 1.0 for a, b in zip(got.steps, want.steps, strict=True)
        )


def test_interleaved_steps_are_refused() -> None:
    odd = DimmingProgram(
        key="odd",
        steps=(
            ProgramStep(at=time(17, 0), level=100),
            ProgramStep(solar_event=SolarEvent.SUNSET, level=80),
        ),
    )
    with pytest.raises(EncodeError, match="separate lists"):
        encode_schedule(schedule(programs=(odd,), rules=(), default_program="odd"))


def test_unrepresentable_levels_and_times_are_refused() -> None:
    level = DimmingProgram(key="p", steps=(ProgramStep(at=time(22, 0), level=96),))
    with pytest.raises(EncodeError, match="DALI arc"):
        encode_schedule(schedule(programs=(level,), rules=(), default_program="p"))
    fraction = DimmingProgram(key="p", steps=(ProgramStep(at=time(22, 0, 0, 5), level=50),))
    with pytest.raises(EncodeError, match="fractions of a second"):
        encode_schedule(schedule(programs=(fraction,), rules=(), default_program="p"))


@pytest.mark.parametrize(
    "junk",
    [
        {"id": "1"},
        {"id": "1", "timezone": "Europe/Brussels", "programs": [{"key": "p", "dayOffset": 0}]},
        {"id": "1", "timezone": "Mars/Olympus", "programs": [{"key": "p"}]},
        {
            "id": "1",
            "timezone": "UTC",
            "programs": [{"key": "p", "fixedTimeControls": [{"startTime": "25:00", "level": 1}]}],
        },
        {
            "id": "1",
            "timezone": "UTC",
            "programs": [
                {"key": "p", "astroClockTimeControls": [{"solarEventType": "noon", "level": 1}]}
            ],
        },
        {
            "id": "1",
            "timezone": "UTC",
            "programs": [{"key": "p", "fixedTimeControls": [{"startTime": "20:00", "level": 999}]}],
        },
        {
            "id": "1",
            "timezone": "UTC",
            "programs": [{"key": "p", "fixedTimeControls": [{"startTime": "20:00", "level": 9}]}],
            "rules": [{"priority": 1, "program": "p", "condition": {"type": "ccMoon"}}],
        },
    ],
)
def test_junk_calendars_are_decode_errors(junk: dict[str, Any]) -> None:
    with pytest.raises(DecodeError):
        decode_schedule(junk, source="slv test", plugin_version="0")


def snapped(original: DimmingSchedule) -> DimmingSchedule:
    """The schedule with levels on DALI arcs and times to the second (what SLV can hold)."""
    programs = []
    for program in original.programs:
        steps = []
        for step in program.steps:
            update: dict[str, Any] = {"level": arc_to_percent(percent_to_arc(step.level))}
            if step.at is not None:
                update["at"] = step.at.replace(microsecond=0)
            steps.append(step.model_copy(update=update))
        try:
            programs.append(DimmingProgram(key=program.key, name=program.name, steps=tuple(steps)))
        except PydanticValidationError:
            assume(False)  # two fixed times in the same second
    return original.model_copy(update={"programs": tuple(programs)})


def assert_equivalent(back: DimmingSchedule, original: DimmingSchedule) -> None:
    assert back.rules == original.rules
    assert (back.name, back.timezone, back.default_program) == (
        original.name,
        original.timezone,
        original.default_program,
    )
    for got, want in zip(back.programs, original.programs, strict=True):
        assert (got.key, got.name, len(got.steps)) == (want.key, want.name, len(want.steps))
        for a, b in zip(got.steps, want.steps, strict=True):
            assert (a.at, a.solar_event, a.offset) == (b.at, b.solar_event, b.offset)
            assert abs(a.level - b.level) <= 1.0


@settings(max_examples=150, deadline=None)
@given(lighting_dimming_schedules())
def test_representable_schedules_round_trip(original: DimmingSchedule) -> None:
    """Levels on arcs, times to the second: SLV holds it and it reads back equal."""
    schedule = snapped(original)
    calendar, programs = encode_schedule(schedule)
    wire = orjson.loads(orjson.dumps(calendar | {"id": "3", "programs": programs}))
    assert_equivalent(decode_schedule(wire, source="slv test", plugin_version="0"), schedule)


@settings(max_examples=150, deadline=None)
@given(lighting_dimming_schedules())
def test_any_schedule_round_trips_or_is_refused_naming_the_field(original: DimmingSchedule) -> None:
    """Nothing is silently changed: a schedule either reads back equal or is refused."""
    refused: EncodeError | None = None
    try:
        calendar, programs = encode_schedule(original)
    except EncodeError as exc:
        refused = exc
    if refused is not None:
        assert refused.field is not None
        assert refused.field.startswith("programs[")
        return
    wire = orjson.loads(orjson.dumps(calendar | {"id": "3", "programs": programs}))
    assert_equivalent(decode_schedule(wire, source="slv test", plugin_version="0"), original)
