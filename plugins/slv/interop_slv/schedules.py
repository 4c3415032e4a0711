"""Canonical dimming schedules <-> SLV ``dimmingscheduler`` calendars and programs.

An SLV program is TALQ-like: ``fixedTimeControls`` (local ``startTime``) and
``astroClockTimeControls`` (``solarEventType`` + ``offset`` minutes) with levels as DALI
arcs, and ``dayOffset: 12`` (a program day runs noon to noon, so 23:00 and 05:30 belong to
one night). A calendar lists rules (``condition`` + ``program``, with a priority) and a
default program. What the format cannot hold is refused with EncodeError, never dropped.
"""

from __future__ import annotations

from datetime import date, time
from itertools import groupby, pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from interop.control.lighting import LEVEL_TOLERANCE
from interop.errors import DecodeError, EncodeError
from interop.model.base import Provenance, mint_iri
from interop.model.lighting import (
    CalendarRule,
    DimmingProgram,
    DimmingSchedule,
    ProgramStep,
    SolarEvent,
)
from interop_slv.dali import arc_to_percent, percent_to_arc
from interop_slv.wire import validate

__all__ = ["DAY_OFFSET", "CalendarDoc", "decode_schedule", "encode_schedule"]

DAY_OFFSET = 12
"""Hours after midnight a program day starts: noon to noon, one night per program."""


class _Doc(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class FixedControl(_Doc):
    """A level at a local wall-clock time."""

    startTime: str
    level: int


class AstroControl(_Doc):
    """A level at minutes from sunset or sunrise."""

    solarEventType: str
    offset: int = 0
    level: int


class ProgramDoc(_Doc):
    """One program of a calendar."""

    key: str
    label: str | None = None
    dayOffset: int = DAY_OFFSET
    fixedTimeControls: list[FixedControl] = []
    astroClockTimeControls: list[AstroControl] = []


class Condition(_Doc):
    """A calendar condition: ``ccDay`` (weekday ranges), ``ccDateRange``, ``ccDates``, ``ccAll``."""

    type: str
    days: list[dict[str, int]] = []
    start: str | None = None
    end: str | None = None
    dates: list[str] = []
    conditions: list[Condition] = []


class RuleDoc(_Doc):
    """A calendar rule: when ``condition`` holds, ``program`` runs (highest priority wins)."""

    priority: int
    condition: Condition
    program: str


class CalendarDoc(_Doc):
    """A calendar as ``dimmingscheduler/getSchedules`` returns it (programs embedded)."""

    id: str | int
    name: str | None = None
    timezone: str
    rules: list[RuleDoc] = []
    defaultProgram: str | None = None
    programs: list[ProgramDoc] = []


# ---------------------------------------------------------------------- encoding


def _arc(level: float, where: str) -> int:
    arc = percent_to_arc(level)
    if abs(arc_to_percent(arc) - level) > LEVEL_TOLERANCE:
        below = max(0, arc - 1)
        raise EncodeError(
            f"level {level:g} % has no DALI arc within {LEVEL_TOLERANCE:g} point(s) "
            f"(nearest: {arc_to_percent(arc):.2f} %, {arc_to_percent(below):.2f} %)",
            source="slv",
            field=where,
            expected="a level on the DALI logarithmic curve",
        )
    return arc


def _phase(step: ProgramStep) -> int:
    if step.solar_event is SolarEvent.SUNSET:
        return 0
    return 1 if step.at is not None else 2


def _encode_program(program: DimmingProgram) -> dict[str, Any]:
    where = f"programs[{program.key}]"
    phases = [_phase(step) for step in program.steps]
    if any(b < a for a, b in pairwise(phases)):
        raise EncodeError(
            "SLV keeps fixed-time and astronomical controls in separate lists, so only "
            "programs ordered sunset steps, then fixed times, then sunrise steps read back "
            "unchanged",
            source="slv",
            field=f"{where}.steps",
            expected="sunset steps, fixed-time steps, sunrise steps",
        )
    fixed: list[dict[str, Any]] = []
    astro: list[dict[str, Any]] = []
    for index, step in enumerate(program.steps):
        level = _arc(step.level, f"{where}.steps[{index}].level")
        if step.at is not None:
            if step.at.microsecond:
                raise EncodeError(
                    f"{step.at.isoformat()} has fractions of a second",
                    source="slv",
                    field=f"{where}.steps[{index}].at",
                    expected="a time to the second",
                )
            fixed.append({"startTime": step.at.strftime("%H:%M:%S"), "level": level})
        else:
            assert step.solar_event is not None  # guaranteed by ProgramStep
            astro.append(
                {"solarEventType": step.solar_event.value, "offset": step.offset, "level": level}
            )
    return {
        "key": program.key,
        "label": program.name,
        "dayOffset": DAY_OFFSET,
        "fixedTimeControls": fixed,
        "astroClockTimeControls": astro,
    }


def _day_ranges(weekdays: frozenset[int]) -> list[dict[str, int]]:
    ordered = sorted(weekdays)
    ranges = []
    for _, run in groupby(enumerate(ordered), key=lambda pair: pair[1] - pair[0]):
        days = [day for _, day in run]
        ranges.append({"start": days[0], "end": days[-1]})
    return ranges


def _encode_condition(rule: CalendarRule) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    if rule.weekdays:
        parts.append({"type": "ccDay", "days": _day_ranges(rule.weekdays)})
    if rule.start_date is not None or rule.end_date is not None:
        parts.append(
            {
                "type": "ccDateRange",
                "start": rule.start_date.isoformat() if rule.start_date else None,
                "end": rule.end_date.isoformat() if rule.end_date else None,
            }
        )
    if rule.dates:
        parts.append({"type": "ccDates", "dates": [day.isoformat() for day in rule.dates]})
    if len(parts) == 1:
        return parts[0]
    return {"type": "ccAll", "conditions": parts}


def encode_schedule(schedule: DimmingSchedule) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The SLV calendar document and its program documents; EncodeError for the unrepresentable."""
    programs = [_encode_program(program) for program in schedule.programs]
    calendar = {
        "name": schedule.name,
        "timezone": schedule.timezone,
        "programs": [program.key for program in schedule.programs],
        "rules": [
            {
                "priority": rule.priority,
                "condition": _encode_condition(rule),
                "program": rule.program,
            }
            for rule in schedule.rules
        ],
        "defaultProgram": schedule.default_program,
    }
    return calendar, programs


# ---------------------------------------------------------------------- decoding


def _decode_time(text: str, where: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise DecodeError(f"{text!r} is not a time", field=where, expected="HH:MM:SS") from None


def _decode_date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DecodeError(f"{text!r} is not a date", field=where, expected="YYYY-MM-DD") from None


def _percent(arc: int, where: str) -> float:
    try:
        return round(arc_to_percent(arc), 3)
    except DecodeError:
        raise DecodeError(
            f"level {arc!r} is not a DALI arc", field=where, expected="0..254"
        ) from None


def _decode_program(doc: ProgramDoc) -> DimmingProgram:
    where = f"programs[{doc.key}]"
    if doc.dayOffset != DAY_OFFSET:
        raise DecodeError(
            f"dayOffset {doc.dayOffset} is not supported",
            field=f"{where}.dayOffset",
            expected=f"{DAY_OFFSET} (a program day runs noon to noon)",
        )
    sunset: list[ProgramStep] = []
    sunrise: list[ProgramStep] = []
    for control in doc.astroClockTimeControls:
        try:
            event = SolarEvent(control.solarEventType.lower())
        except ValueError:
            raise DecodeError(
                f"unknown solar event {control.solarEventType!r}",
                field=f"{where}.astroClockTimeControls.solarEventType",
                expected="sunset or sunrise",
            ) from None
        step = ProgramStep(
            solar_event=event,
            offset=control.offset,
            level=_percent(control.level, f"{where}.astroClockTimeControls.level"),
        )
        (sunset if event is SolarEvent.SUNSET else sunrise).append(step)
    fixed = [
        ProgramStep(
            at=_decode_time(control.startTime, f"{where}.fixedTimeControls.startTime"),
            level=_percent(control.level, f"{where}.fixedTimeControls.level"),
        )
        for control in doc.fixedTimeControls
    ]
    return DimmingProgram(key=doc.key, name=doc.label, steps=(*sunset, *fixed, *sunrise))


def _decode_condition(condition: Condition, into: dict[str, Any], where: str) -> None:
    if condition.type == "ccAll":
        for part in condition.conditions:
            _decode_condition(part, into, where)
    elif condition.type == "ccDay":
        days: set[int] = set(into.get("weekdays", ()))
        for span in condition.days:
            if "start" not in span or "end" not in span:
                raise DecodeError("a day range lacks start or end", field=f"{where}.days")
            days.update(range(span["start"], span["end"] + 1))
        into["weekdays"] = frozenset(days)
    elif condition.type == "ccDateRange":
        if condition.start:
            into["start_date"] = _decode_date(condition.start, f"{where}.start")
        if condition.end:
            into["end_date"] = _decode_date(condition.end, f"{where}.end")
    elif condition.type == "ccDates":
        into["dates"] = tuple(_decode_date(day, f"{where}.dates") for day in condition.dates)
    elif condition.type != "ccAlways":
        raise DecodeError(
            f"unknown calendar condition {condition.type!r}",
            field=f"{where}.type",
            expected="ccDay, ccDateRange, ccDates, ccAll or ccAlways",
        )


def decode_schedule(data: Any, *, source: str, plugin_version: str) -> DimmingSchedule:
    """A canonical schedule from one calendar of ``getSchedules``; DecodeError if malformed."""
    doc = validate(CalendarDoc, data, source=source, what="calendar")
    try:
        rules = []
        for index, rule in enumerate(doc.rules):
            fields: dict[str, Any] = {"priority": rule.priority, "program": rule.program}
            _decode_condition(rule.condition, fields, f"rules[{index}].condition")
            rules.append(CalendarRule(**fields))
        return DimmingSchedule(
            id=mint_iri("schedule", "slv", str(doc.id)),
            provenance=Provenance(
                plugin="slv",
                plugin_version=plugin_version,
                source_system=source,
                original_id=str(doc.id),
            ),
            name=doc.name,
            timezone=doc.timezone,
            programs=tuple(_decode_program(program) for program in doc.programs),
            rules=tuple(rules),
            default_program=doc.defaultProgram,
        )
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        raise DecodeError(
            f"calendar {doc.id!r} is not a valid schedule: {first['msg']}",
            source=source,
            field=".".join(str(part) for part in first["loc"]) or None,
            expected="a calendar the canonical DimmingSchedule can hold",
        ) from None
