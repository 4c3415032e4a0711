"""Canonical dimming schedules as TALQ ``Calendar`` + ``ControlProgramOne`` documents, and back.

A :class:`~interop.model.lighting.DimmingSchedule` becomes one Calendar (its id is the
schedule's name) whose rules carry ``ccDay`` conditions and date ranges, plus one
ControlProgramOne per program (id ``<calendar>:<key>``, so programs of different calendars
never clash on the Gateway) with ``fixedTimeControls`` and ``astroClockTimeControls``
(operation ``Set``) and an all-day ``AbsoluteActivePeriod``. The night runs noon to noon
(ControlService ``dayOffset`` 12). What TALQ cannot hold is refused with
:class:`~interop.errors.EncodeError`: unnamed schedules, program names, specific dates,
sub-second times and a zone other than the Gateway's. Rule priorities are kept as order
(TALQ: first matching rule wins) and read back as ``n .. 1``; levels are whole percent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from itertools import groupby
from typing import Any

from interop.errors import DecodeError, EncodeError
from interop.model.lighting import (
    CalendarRule,
    DimmingProgram,
    DimmingSchedule,
    ProgramStep,
    SolarEvent,
)
from interop_talq.ids import schedule_iri

__all__ = ["PROGRAM_TYPE", "decode_schedule", "encode_schedule", "program_id"]

PROGRAM_TYPE = "ControlProgramOne"
_ALL_NIGHT = {"name": "AbsoluteActivePeriod", "startTime": "12:00:00", "endTime": "12:00:00"}


def program_id(calendar: str, key: str) -> str:
    """The Gateway-wide id of program ``key`` of calendar ``calendar``."""
    return f"{calendar}:{key}"


def _key_of(calendar: str, program: str) -> str:
    prefix = f"{calendar}:"
    return program[len(prefix) :] if program.startswith(prefix) else program


def _command(level: float) -> dict[str, Any]:
    return {"state": {"name": "LevelState", "value": round(level)}}


def _day_ranges(days: frozenset[int]) -> list[dict[str, int]]:
    ranges = []
    ordered = sorted(days)
    for _, run in groupby(enumerate(ordered), key=lambda pair: pair[1] - pair[0]):
        members = [day for _, day in run]
        ranges.append({"start": members[0], "end": members[-1]})
    return ranges


def encode_schedule(
    schedule: DimmingSchedule, *, owner: str, timezone: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The Calendar and ControlPrograms of ``schedule``; EncodeError for what TALQ cannot hold."""
    source = f"schedule {schedule.id}"
    if not schedule.name:
        raise EncodeError(
            "a TALQ calendar is identified by the schedule's name, which is missing",
            source=source,
            field="name",
            expected="a named schedule",
        )
    if schedule.timezone != timezone:
        raise EncodeError(
            f"TALQ calendars run in the Gateway's local time ({timezone}), not {schedule.timezone}",
            source=source,
            field="timezone",
            expected=timezone,
        )
    calendar_id = schedule.name
    programs = []
    for program in schedule.programs:
        if program.name is not None:
            raise EncodeError(
                f"program {program.key!r} has a name; TALQ control programs have only an id",
                source=source,
                field="programs.name",
                expected="no program name",
            )
        fixed, astro = [], []
        for step in program.steps:
            if step.at is not None:
                if step.at.microsecond:
                    raise EncodeError(
                        f"{step.at} has a fraction of a second",
                        source=source,
                        field=f"programs[{program.key}].steps.at",
                        expected="whole seconds (hh:mm:ss)",
                    )
                fixed.append(
                    {"startTime": step.at.strftime("%H:%M:%S"), "command": _command(step.level)}
                )
            else:
                assert step.solar_event is not None
                astro.append(
                    {
                        "solarEventType": step.solar_event.value,
                        "offset": step.offset,
                        "operation": "Set",
                        "command": _command(step.level),
                    }
                )
        document: dict[str, Any] = {
            "type": PROGRAM_TYPE,
            "id": program_id(calendar_id, program.key),
            "ownerCMS": owner,
            "activePeriods": [dict(_ALL_NIGHT)],
            "fixedTimeControls": fixed,
        }
        if astro:
            document["astroClockTimeControls"] = astro
        programs.append(document)
    rules = []
    for index, rule in enumerate(schedule.rules):
        if rule.dates:
            raise EncodeError(
                "TALQ calendar rules hold recurring days and date ranges, not lists of dates",
                source=source,
                field=f"rules[{index}].dates",
                expected="start_date/end_date instead",
            )
        talq: dict[str, Any] = {"program": program_id(calendar_id, rule.program)}
        if rule.start_date is not None:
            talq["startDate"] = rule.start_date.isoformat()
        if rule.end_date is not None:
            talq["endDate"] = rule.end_date.isoformat()
        if rule.weekdays:
            talq["condition"] = {"type": "ccDay", "days": _day_ranges(rule.weekdays)}
        rules.append(talq)
    calendar: dict[str, Any] = {"id": calendar_id, "ownerCMS": owner, "rules": rules}
    if schedule.default_program is not None:
        calendar["defaultProgram"] = program_id(calendar_id, schedule.default_program)
    return calendar, programs


def _require(document: Mapping[str, Any], key: str, kind: type, source: str) -> Any:
    value = document.get(key)
    if not isinstance(value, kind):
        raise DecodeError(
            f"{key} is {value!r:.60}", source=source, field=key, expected=kind.__name__
        )
    return value


def _level(command: object, source: str, field: str) -> float:
    state = command.get("state") if isinstance(command, dict) else None
    if not isinstance(state, dict) or state.get("name") not in ("LevelState", "levelState"):
        raise DecodeError(
            f"command is {command!r:.60}", source=source, field=field, expected="a LevelState"
        )
    value = state.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise DecodeError(f"level {value!r}", source=source, field=field, expected="0..100")
    return float(value)


def _night_order(at: time) -> tuple[int, int, int]:
    return ((at.hour - 12) % 24, at.minute, at.second)


def _decode_program(document: Mapping[str, Any], calendar: str, source: str) -> DimmingProgram:
    program = _require(document, "id", str, source)
    where = f"{source} program {program}"
    if document.get("type") != PROGRAM_TYPE:
        raise DecodeError(
            f"program type {document.get('type')!r}", source=where, expected=PROGRAM_TYPE
        )
    if document.get("dynamicControls"):
        raise DecodeError(
            "sensor-driven dynamicControls have no canonical form",
            source=where,
            field="dynamicControls",
            expected="fixed-time and astronomical controls only",
        )
    fixed = []
    for index, control in enumerate(_require(document, "fixedTimeControls", list, where)):
        field = f"fixedTimeControls[{index}]"
        text = control.get("startTime") if isinstance(control, dict) else None
        try:
            at = time.fromisoformat(str(text)).replace(tzinfo=None)
        except ValueError:
            raise DecodeError(
                f"startTime {text!r}", source=where, field=field, expected="hh:mm:ss"
            ) from None
        fixed.append(ProgramStep(at=at, level=_level(control.get("command"), where, field)))
    fixed.sort(key=lambda step: _night_order(step.at) if step.at else (0, 0, 0))
    solar: list[ProgramStep] = []
    astro = document.get("astroClockTimeControls") or []
    if not isinstance(astro, list):
        raise DecodeError(
            "astroClockTimeControls is not an array", source=where, field="astroClockTimeControls"
        )
    for index, control in enumerate(astro):
        field = f"astroClockTimeControls[{index}]"
        if not isinstance(control, dict) or control.get("operation", "Set") != "Set":
            raise DecodeError(
                f"control {control!r:.60}", source=where, field=field, expected="operation Set"
            )
        event = control.get("solarEventType")
        offset = control.get("offset")
        if event not in ("sunset", "sunrise") or not isinstance(offset, int):
            raise DecodeError(
                f"event {event!r} offset {offset!r}",
                source=where,
                field=field,
                expected="sunset|sunrise with whole minutes",
            )
        solar.append(
            ProgramStep(
                solar_event=SolarEvent(event),
                offset=offset,
                level=_level(control.get("command"), where, field),
            )
        )
    solar.sort(key=lambda s: (s.solar_event is SolarEvent.SUNRISE, s.offset))
    sunsets = [s for s in solar if s.solar_event is SolarEvent.SUNSET]
    sunrises = [s for s in solar if s.solar_event is SolarEvent.SUNRISE]
    try:
        return DimmingProgram(key=_key_of(calendar, program), steps=(*sunsets, *fixed, *sunrises))
    except ValueError as exc:
        raise DecodeError(str(exc), source=where, expected="a valid program") from None


def _date(value: object, source: str, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DecodeError(
            f"date {value!r} (recurring --mm-dd dates have no canonical form)",
            source=source,
            field=field,
            expected="yyyy-mm-dd",
        ) from None


def _weekdays(condition: object, source: str, field: str) -> frozenset[int]:
    if condition is None:
        return frozenset()
    if (
        not isinstance(condition, dict)
        or condition.get("type") != "ccDay"
        or condition.get("occurrences")
    ):
        raise DecodeError(
            f"condition {condition!r:.80}",
            source=source,
            field=field,
            expected="a ccDay condition without occurrences",
        )
    days: set[int] = set()
    listed = condition.get("days") or []
    if not isinstance(listed, list):
        raise DecodeError("days is not an array", source=source, field=field + ".days")
    for item in listed:
        start = item.get("start") if isinstance(item, dict) else None
        end = item.get("end", start) if isinstance(item, dict) else None
        if not isinstance(start, int) or not isinstance(end, int) or not 1 <= start <= end <= 7:
            raise DecodeError(f"day range {item!r}", source=source, field=field, expected="1..7")
        days.update(range(start, end + 1))
    return frozenset(days)


def decode_schedule(
    calendar: Mapping[str, Any],
    programs: Mapping[str, Mapping[str, Any]],
    *,
    timezone: str,
    source: str,
) -> DimmingSchedule:
    """The canonical schedule of a Calendar and the programs (by id) it names."""
    calendar_id = _require(calendar, "id", str, source)
    where = f"{source} calendar {calendar_id}"
    raw_rules = calendar.get("rules") or []
    if not isinstance(raw_rules, list):
        raise DecodeError("rules is not an array", source=where, field="rules")
    used: list[str] = []
    rules = []
    for index, rule in enumerate(raw_rules):
        field = f"rules[{index}]"
        if not isinstance(rule, dict) or not isinstance(rule.get("program"), str):
            raise DecodeError(f"rule {rule!r:.60}", source=where, field=field)
        used.append(rule["program"])
        try:
            rules.append(
                CalendarRule(
                    priority=len(raw_rules) - index,
                    program=_key_of(calendar_id, rule["program"]),
                    weekdays=_weekdays(rule.get("condition"), where, field + ".condition"),
                    start_date=_date(rule.get("startDate"), where, field + ".startDate"),
                    end_date=_date(rule.get("endDate"), where, field + ".endDate"),
                )
            )
        except ValueError as exc:
            raise DecodeError(str(exc), source=where, field=field) from None
    default = calendar.get("defaultProgram")
    if default is not None:
        used.append(str(default))
    own = [name for name in programs if name.startswith(f"{calendar_id}:")]
    decoded = []
    for program in dict.fromkeys([*own, *used]):
        if program not in programs:
            raise DecodeError(
                f"program {program!r} is not on the Gateway",
                source=where,
                expected="a program listed by /control-programs",
            )
        decoded.append(_decode_program(programs[program], calendar_id, where))
    try:
        return DimmingSchedule(
            id=schedule_iri(calendar_id),
            name=calendar_id,
            timezone=timezone,
            programs=tuple(decoded),
            rules=tuple(rules),
            default_program=_key_of(calendar_id, str(default)) if default is not None else None,
        )
    except ValueError as exc:
        raise DecodeError(str(exc), source=where, expected="a valid calendar") from None
