"""DimmingSchedule <-> TALQ Calendar + ControlProgramOne: round trips and refusals."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_talq.schedules import decode_schedule, encode_schedule

from interop.errors import DecodeError, EncodeError
from interop.model.lighting import (
    CalendarRule,
    DimmingProgram,
    DimmingSchedule,
    ProgramStep,
    SolarEvent,
)
from interop.testing.strategies import lighting_dimming_schedules

ZONE = "Europe/Brussels"
OWNER = "5b0c4a57-8f0a-4a58-9c53-0b36f1b0d6a1"
_KEYS = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=6)
_DATES = st.dates(date(2024, 1, 1), date(2030, 12, 31))


def _night(seconds: int) -> time:
    value = (seconds + 12 * 3600) % 86400
    return time(value // 3600, value // 60 % 60, value % 60)


@st.composite
def _programs(draw: st.DrawFn, key: str) -> DimmingProgram:
    fixed = sorted(draw(st.sets(st.integers(0, 86399), max_size=3)))
    solar = sorted(draw(st.sets(st.tuples(st.integers(0, 1), st.integers(-720, 720)), max_size=3)))
    if not fixed and not solar:
        fixed = [draw(st.integers(0, 86399))]
    level = st.integers(0, 100).map(float)
    events = (SolarEvent.SUNSET, SolarEvent.SUNRISE)
    astro = [ProgramStep(solar_event=events[e], offset=o, level=draw(level)) for e, o in solar]
    clock = [ProgramStep(at=_night(s), level=draw(level)) for s in fixed]
    return DimmingProgram(
        key=key,
        steps=(
            *[s for s in astro if s.solar_event is SolarEvent.SUNSET],
            *clock,
            *[s for s in astro if s.solar_event is SolarEvent.SUNRISE],
        ),
    )


@st.composite
def representable_schedules(draw: st.DrawFn) -> DimmingSchedule:
    """Schedules a TALQ calendar can hold: named, in the Gateway's zone, no date lists."""
    keys = sorted(draw(st.sets(_KEYS, min_size=1, max_size=3)))
    rules = []
    count = draw(st.integers(0, 3))
    for index in range(count):
        start, end = sorted((draw(_DATES), draw(_DATES)))
        ranged = draw(st.booleans())
        rules.append(
            CalendarRule(
                priority=count - index,
                program=draw(st.sampled_from(keys)),
                weekdays=draw(st.frozensets(st.integers(1, 7))),
                start_date=start if ranged else None,
                end_date=end if ranged else None,
            )
        )
    return DimmingSchedule(
        id="urn:interop:dimming-schedule:test:x",
        name=draw(_KEYS),
        timezone=ZONE,
        programs=tuple(draw(_programs(key)) for key in keys),
        rules=tuple(rules),
        default_program=draw(st.none() | st.sampled_from(keys)),
    )


def _round_trip(schedule: DimmingSchedule) -> DimmingSchedule:
    calendar, programs = encode_schedule(schedule, owner=OWNER, timezone=ZONE)
    return decode_schedule(
        calendar, {p["id"]: p for p in programs}, timezone=ZONE, source="test gateway"
    )


@settings(max_examples=150, deadline=None)
@given(representable_schedules())
def test_representable_schedules_round_trip(schedule: DimmingSchedule) -> None:
    back = _round_trip(schedule)
    assert back.model_dump(exclude={"id"}) == schedule.model_dump(exclude={"id"})
    assert back.id == "urn:interop:dimming-schedule:talq:" + str(schedule.name)


@settings(max_examples=50, deadline=None)
@given(representable_schedules(), st.floats(0, 100))
def test_levels_are_whole_percent_within_tolerance(schedule: DimmingSchedule, level: float) -> None:
    program = schedule.programs[0]
    steps = tuple(step.model_copy(update={"level": level}) for step in program.steps)
    changed = schedule.model_copy(
        update={"programs": (program.model_copy(update={"steps": steps}), *schedule.programs[1:])}
    )
    back = _round_trip(changed)
    assert all(abs(step.level - level) <= 0.5 for step in back.programs[0].steps)


def test_the_calendar_uses_ccday_ranges_and_program_ids_per_calendar() -> None:
    schedule = DimmingSchedule(
        id="urn:x:s",
        name="night",
        timezone=ZONE,
        programs=(DimmingProgram(key="wd", steps=(ProgramStep(at=time(23, 0), level=50),)),),
        rules=(CalendarRule(priority=5, program="wd", weekdays=frozenset({1, 2, 3, 5, 7})),),
        default_program="wd",
    )
    calendar, programs = encode_schedule(schedule, owner=OWNER, timezone=ZONE)
    assert calendar == {
        "id": "night",
        "ownerCMS": OWNER,
        "rules": [
            {
                "program": "night:wd",
                "condition": {
                    "type": "ccDay",
                    "days": [
                        {"start": 1, "end": 3},
                        {"start": 5, "end": 5},
                        {"start": 7, "end": 7},
                    ],
                },
            }
        ],
        "defaultProgram": "night:wd",
    }
    assert programs[0]["fixedTimeControls"] == [
        {"startTime": "23:00:00", "command": {"state": {"name": "LevelState", "value": 50}}}
    ]
    assert _round_trip(schedule).rules[0].priority == 1


def _base(**changes: Any) -> DimmingSchedule:
    fields: dict[str, Any] = {
        "id": "urn:x:s",
        "name": "night",
        "timezone": ZONE,
        "programs": (DimmingProgram(key="wd", steps=(ProgramStep(at=time(23, 0), level=50),)),),
    }
    fields.update(changes)
    return DimmingSchedule(**fields)


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        (_base(name=None), "name"),
        (_base(timezone="UTC"), "timezone"),
        (
            _base(
                programs=(
                    DimmingProgram(
                        key="wd", name="Weekdays", steps=(ProgramStep(at=time(23), level=5),)
                    ),
                )
            ),
            "programs.name",
        ),
        (
            _base(
                programs=(
                    DimmingProgram(key="wd", steps=(ProgramStep(at=time(23, 0, 0, 5), level=5),)),
                )
            ),
            "programs[wd].steps.at",
        ),
        (
            _base(rules=(CalendarRule(priority=1, program="wd", dates=(date(2026, 12, 25),)),)),
            "rules[0].dates",
        ),
    ],
)
def test_what_talq_cannot_hold_is_refused(schedule: DimmingSchedule, field: str) -> None:
    with pytest.raises(EncodeError) as caught:
        encode_schedule(schedule, owner=OWNER, timezone=ZONE)
    assert caught.value.field == field


_LEAF = st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=8)
_JSON = st.recursive(
    _LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_RULE = st.fixed_dictionaries(
    {"program": st.sampled_from(["c:p", "x"]) | _JSON},
    optional={"condition": _JSON, "startDate": _JSON, "endDate": _JSON},
)
_CALENDARS = st.fixed_dictionaries(
    {"id": st.just("c")},
    optional={"rules": st.lists(_RULE, max_size=3) | _JSON, "defaultProgram": _JSON},
)
_PROGRAMS = st.fixed_dictionaries(
    {"type": st.just("ControlProgramOne") | _JSON, "id": st.just("c:p")},
    optional={
        "fixedTimeControls": st.lists(_JSON, max_size=2) | _JSON,
        "astroClockTimeControls": st.lists(_JSON, max_size=2) | _JSON,
        "dynamicControls": _JSON,
    },
)


@settings(max_examples=300, deadline=None)
@given(_CALENDARS, _PROGRAMS)
def test_junk_calendars_raise_decode_error_only(calendar: dict, program: dict) -> None:
    outcome: DimmingSchedule | DecodeError
    try:
        outcome = decode_schedule(calendar, {"c:p": program}, timezone=ZONE, source="junk")
    except DecodeError as exc:
        outcome = exc
    if isinstance(outcome, DecodeError):
        assert "junk" in str(outcome)
    else:
        assert outcome.name == "c"


def test_sensor_programs_and_recurring_dates_are_not_decoded() -> None:
    program = {
        "type": "ControlProgramOne",
        "id": "p",
        "ownerCMS": OWNER,
        "activePeriods": [],
        "fixedTimeControls": [],
        "dynamicControls": [{"sensor": "x"}],
    }
    with pytest.raises(DecodeError, match="dynamicControls"):
        decode_schedule(
            {"id": "c", "defaultProgram": "p"}, {"p": program}, timezone=ZONE, source="t"
        )
    calendar = {"id": "c", "rules": [{"program": "p", "startDate": "--12-24"}]}
    program["dynamicControls"] = []
    with pytest.raises(DecodeError, match="recurring"):
        decode_schedule(calendar, {"p": program}, timezone=ZONE, source="t")


@settings(max_examples=200, deadline=None)
@given(lighting_dimming_schedules())
def test_any_schedule_round_trips_or_is_refused(schedule: DimmingSchedule) -> None:
    outcome: DimmingSchedule | EncodeError
    try:
        calendar, programs = encode_schedule(schedule, owner=OWNER, timezone=schedule.timezone)
    except EncodeError as exc:
        outcome = exc
    else:
        outcome = decode_schedule(
            calendar, {p["id"]: p for p in programs}, timezone=schedule.timezone, source="t"
        )
    if isinstance(outcome, EncodeError):
        assert outcome.field is not None
        return
    count = len(schedule.rules)
    expected = schedule.model_copy(
        update={
            "id": outcome.id,
            "rules": tuple(
                rule.model_copy(update={"priority": count - index})
                for index, rule in enumerate(schedule.rules)
            ),
            "programs": tuple(
                program.model_copy(
                    update={
                        "steps": tuple(
                            step.model_copy(update={"level": float(round(step.level))})
                            for step in program.steps
                        )
                    }
                )
                for program in schedule.programs
            ),
        }
    )
    assert outcome.model_dump(exclude={"provenance", "extensions"}) == expected.model_dump(
        exclude={"provenance", "extensions"}
    )
