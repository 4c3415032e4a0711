"""Move lights, their schedules and assignments from one supplier's system to another.

Everything goes through the canonical model: the source controller reads lights, dimming
schedules and assignments; the target controller writes them. Lights and schedules are matched
across the two systems by ``name`` (ids are each system's own). :func:`plan` shows what would
change (a diff) without writing; :func:`migrate` applies a plan, re-reads the target and
verifies that it now holds the same canonical data; the :class:`MigrationReport` lists what
could not be carried over and why. Nothing is dropped silently.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from interop.control.lighting import LEVEL_TOLERANCE, LightingController
from interop.errors import InteropError
from interop.model.command import CommandStatus
from interop.model.lighting import DimmingSchedule, LightPoint

__all__ = [
    "Difference",
    "MigrationPlan",
    "MigrationReport",
    "Skipped",
    "differences",
    "migrate",
    "plan",
    "portable_light",
    "portable_schedule",
]

_SYSTEM_FIELDS = frozenset({"id", "device", "provenance", "extensions", "kind"})
_IRI_FIELDS = ("group", "cabinet", "lamppost")
_LOCATION_DIGITS = 6


def _local_name(iri: str | None) -> str | None:
    """The last segment of an IRI: what stays the same when another system mints the id."""
    if iri is None:
        return None
    return iri.replace("#", "/").replace(":", "/").rstrip("/").rsplit("/", 1)[-1]


def portable_light(light: LightPoint) -> dict[str, Any]:
    """A light's fields that must survive a move between systems (ids and provenance excluded).

    Group, cabinet and lamppost are compared by their IRI's last segment (each system mints
    its own IRIs), locations to 6 decimals (about 0.1 m).
    """
    data = light.model_dump(mode="json", exclude=set(_SYSTEM_FIELDS))
    for name in _IRI_FIELDS:
        data[name] = _local_name(data[name])
    if data.get("location") is not None:
        data["location"] = {
            k: (round(v, _LOCATION_DIGITS) if isinstance(v, float) else v)
            for k, v in data["location"].items()
        }
    return data


def portable_schedule(schedule: DimmingSchedule) -> dict[str, Any]:
    """A schedule's fields that must survive a move (id, provenance and extensions excluded)."""
    return schedule.model_dump(mode="json", exclude=set(_SYSTEM_FIELDS))


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something that was not (or could not be) carried over, and why."""

    what: str
    """"light", "schedule" or "assignment"."""
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Difference:
    """A field whose value differs between the source and the target system."""

    what: str
    name: str
    field: str
    source: Any
    target: Any


def differences(
    what: str, name: str, source: Any, target: Any, path: str = ""
) -> Iterator[Difference]:
    """Every field where two portable views differ; levels within ``LEVEL_TOLERANCE``."""
    if isinstance(source, dict) and isinstance(target, dict):
        for key in sorted(set(source) | set(target)):
            yield from differences(
                what, name, source.get(key), target.get(key), f"{path}.{key}" if path else key
            )
    elif isinstance(source, list) and isinstance(target, list) and len(source) == len(target):
        for index, (a, b) in enumerate(zip(source, target, strict=True)):
            yield from differences(what, name, a, b, f"{path}[{index}]")
    elif (
        isinstance(source, (int, float))
        and isinstance(target, (int, float))
        and not isinstance(source, bool)
        and not isinstance(target, bool)
    ):
        tolerance = LEVEL_TOLERANCE if path.endswith(".level") else 1e-9
        if abs(source - target) > tolerance:
            yield Difference(what, name, path, source, target)
    elif source != target:
        yield Difference(what, name, path, source, target)


@dataclass(slots=True)
class MigrationPlan:
    """What a migration will do: lights to create, schedules to save, assignments to make."""

    source: str
    target: str
    create: list[LightPoint] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)
    """Light name -> target light id, for lights the target already has."""
    schedules: list[DimmingSchedule] = field(default_factory=list)
    replaced_schedules: set[str] = field(default_factory=set)
    """Names of schedules the target has and that will be replaced."""
    assignments: dict[str, list[str]] = field(default_factory=dict)
    """Schedule name -> names of the lights that follow it (and do not yet in the target)."""
    unchanged_schedules: list[str] = field(default_factory=list)
    """Schedules the target already holds, equal: not saved again."""
    unchanged: list[DimmingSchedule] = field(default_factory=list)
    """The source's copy of each unchanged schedule (for verification)."""
    unchanged_ids: dict[str, str] = field(default_factory=dict)
    """Name -> the target's id of each unchanged schedule (lights may still join it)."""
    unchanged_assignments: int = 0
    """Lights that already follow the same schedule in the target."""
    differences: list[Difference] = field(default_factory=list)
    """Fields of matched lights that differ (the target keeps its own values)."""
    skipped: list[Skipped] = field(default_factory=list)
    source_lights: dict[str, LightPoint] = field(default_factory=dict)

    def diff(self) -> list[str]:
        """The plan as diff lines: ``+`` creates, ``~`` replaces or differs, ``!`` skips."""
        lines = []
        for light in self.create:
            where = (
                f" at {light.location.lat:.6f},{light.location.lon:.6f}" if light.location else ""
            )
            power = f" {light.nominal_power:g} W" if light.nominal_power is not None else ""
            lines.append(f"+ light {light.name}{where}{power}")
        for schedule in self.schedules:
            sign = "~" if schedule.name in self.replaced_schedules else "+"
            lines.append(
                f"{sign} schedule {schedule.name} ({len(schedule.programs)} programs, "
                f"{len(schedule.rules)} rules, {schedule.timezone})"
            )
        for name in self.unchanged_schedules:
            lines.append(f"= schedule {name} (unchanged)")
        for name, lights in sorted(self.assignments.items()):
            lines.append(f"+ assign {len(lights)} lights to schedule {name}")
        if self.unchanged_assignments:
            lines.append(f"= {self.unchanged_assignments} assignments (unchanged)")
        for difference in self.differences:
            lines.append(
                f"~ light {difference.name}: {difference.field} is {difference.target!r} in the "
                f"target, {difference.source!r} in the source (kept)"
            )
        for skipped in self.skipped:
            lines.append(f"! {skipped.what} {skipped.name}: {skipped.reason}")
        return lines


@dataclass(slots=True)
class MigrationReport:
    """What a migration did, what it could not carry over, and whether the target now agrees."""

    source: str
    target: str
    dry_run: bool
    lights_created: int = 0
    lights_matched: int = 0
    schedules_saved: int = 0
    lights_assigned: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    mismatches: list[Difference] = field(default_factory=list)
    """Differences between source and target found when re-reading the target."""
    verified: bool = False
    seconds: float = 0.0
    schedules_unchanged: int = 0
    assignments_unchanged: int = 0
    plan: list[str] = field(default_factory=list)
    """The plan as diff lines (see :meth:`MigrationPlan.diff`): what a dry run would do."""
    completed: bool = False
    """False when the migration stopped early; the counts say what was done before."""
    error: str | None = None
    """Why it stopped early (secrets redacted)."""

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "source": self.source,
            "target": self.target,
            "dry_run": self.dry_run,
            "completed": self.completed,
            "error": self.error,
            "lights_created": self.lights_created,
            "lights_matched": self.lights_matched,
            "schedules_saved": self.schedules_saved,
            "schedules_unchanged": self.schedules_unchanged,
            "lights_assigned": self.lights_assigned,
            "assignments_unchanged": self.assignments_unchanged,
            "verified": self.verified,
            "seconds": round(self.seconds, 3),
            "plan": self.plan,
            "not_carried_over": [
                {"what": s.what, "name": s.name, "reason": s.reason} for s in self.skipped
            ],
            "mismatches": [
                {
                    "what": d.what,
                    "name": d.name,
                    "field": d.field,
                    "source": d.source,
                    "target": d.target,
                }
                for d in self.mismatches
            ],
        }


async def _read(
    controller: LightingController,
) -> tuple[dict[str, LightPoint], list[LightPoint], dict[str, DimmingSchedule], Mapping[str, str]]:
    """Lights by name, lights that cannot be matched by name, schedules by name, assignments."""
    named: dict[str, LightPoint] = {}
    unmatched: list[LightPoint] = []
    shared: set[str] = set()
    async for light in controller.lights():
        if light.name is None:
            unmatched.append(light)
        elif light.name in named or light.name in shared:
            shared.add(light.name)
            unmatched.append(light)
        else:
            named[light.name] = light
    for name in shared:
        unmatched.append(named.pop(name))
    schedules = {s.name or s.id: s for s in await controller.schedules()}
    return named, unmatched, schedules, await controller.assignments()


async def plan(source: LightingController, target: LightingController) -> MigrationPlan:
    """Read both systems and work out what moving ``source`` onto ``target`` involves."""
    result = MigrationPlan(source=source.system, target=target.system)
    lights, unnamed, schedules, assigned = await _read(source)
    target_lights, _, target_schedules, target_assigned = await _read(target)
    result.source_lights = lights
    for name, reason in source.untranslatable_schedules():
        result.skipped.append(Skipped("schedule", name, f"not translatable: {reason}"))
    for light in unnamed:
        reason = (
            "it has no name to match it across systems"
            if light.name is None
            else f"its name {light.name!r} is shared by other lights, so it cannot be matched"
        )
        result.skipped.append(Skipped("light", light.id, reason))
    for name, light in sorted(lights.items()):
        existing = target_lights.get(name)
        if existing is None:
            result.create.append(light)
        else:
            result.matched[name] = existing.id
            result.differences.extend(
                differences("light", name, portable_light(light), portable_light(existing))
            )
    schedule_names = {s.id: name for name, s in schedules.items()}
    target_schedule_names = {s.id: name for name, s in target_schedules.items()}
    target_names = {light.id: name for name, light in target_lights.items()}
    already = {
        target_names[light]: target_schedule_names.get(schedule)
        for light, schedule in target_assigned.items()
        if light in target_names
    }
    for name, schedule in sorted(schedules.items()):
        if schedule.name is None:
            result.skipped.append(
                Skipped("schedule", schedule.id, "it has no name to match it across systems")
            )
            continue
        existing_schedule = target_schedules.get(name)
        if existing_schedule is not None and not any(
            differences(
                "schedule", name, portable_schedule(schedule), portable_schedule(existing_schedule)
            )
        ):
            result.unchanged_schedules.append(name)
            result.unchanged.append(schedule)
            result.unchanged_ids[name] = existing_schedule.id
            continue
        result.schedules.append(schedule)
        if existing_schedule is not None:
            result.replaced_schedules.add(name)
    by_id = {light.id: name for name, light in lights.items()}
    for light_id, schedule_id in sorted(assigned.items()):
        light_name = by_id.get(light_id)
        schedule_name = schedule_names.get(schedule_id)
        if light_name is None or schedule_name is None:
            result.skipped.append(
                Skipped(
                    "assignment",
                    light_name or light_id,
                    f"light or schedule {schedule_id} is not being migrated",
                )
            )
            continue
        if already.get(light_name) == schedule_name and schedule_name in result.unchanged_schedules:
            result.unchanged_assignments += 1
            continue
        result.assignments.setdefault(schedule_name, []).append(light_name)
    return result


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def migrate(
    source: LightingController,
    target: LightingController,
    *,
    dry_run: bool = False,
    chunk_size: int = 200,
    prepared: MigrationPlan | None = None,
    report: MigrationReport | None = None,
) -> MigrationReport:
    """Carry out a migration (or only plan it with ``dry_run``), then verify the target.

    ``report``, when given, is filled as the work goes, so that a caller whose migration is
    interrupted (an exception, Ctrl-C) still holds what was done before.
    """
    started = time.perf_counter()
    work = prepared or await plan(source, target)
    if report is None:
        report = MigrationReport(source=work.source, target=work.target, dry_run=dry_run)
    report.source, report.target, report.dry_run = work.source, work.target, dry_run
    report.lights_matched = len(work.matched)
    report.skipped = list(work.skipped)
    report.plan = work.diff()
    report.schedules_unchanged = len(work.unchanged_schedules)
    report.assignments_unchanged = work.unchanged_assignments
    if dry_run:
        report.seconds = time.perf_counter() - started
        report.completed = True
        return report
    target_ids = dict(work.matched)
    for chunk in _chunks(work.create, chunk_size):
        try:
            created = await target.add_lights(list(chunk))
        except InteropError as error:
            report.skipped.extend(Skipped("light", str(light.name), str(error)) for light in chunk)
            continue
        for light in created:
            if light.name is not None:
                target_ids[light.name] = light.id
        report.lights_created += len(created)
    schedule_ids: dict[str, str] = dict(work.unchanged_ids)
    for schedule in work.schedules:
        try:
            saved = await target.save_schedule(schedule)
        except InteropError as error:
            report.skipped.append(Skipped("schedule", str(schedule.name), str(error)))
            continue
        schedule_ids[str(schedule.name)] = saved.id
        report.schedules_saved += 1
    for schedule_name, light_names in sorted(work.assignments.items()):
        schedule_id = schedule_ids.get(schedule_name)
        if schedule_id is None:
            report.skipped.extend(
                Skipped("assignment", n, f"schedule {schedule_name} was not saved")
                for n in light_names
            )
            continue
        ids = [target_ids[n] for n in light_names if n in target_ids]
        report.skipped.extend(
            Skipped("assignment", n, "the light was not created in the target")
            for n in light_names
            if n not in target_ids
        )
        for chunk in _chunks(ids, chunk_size):
            results = await target.assign_schedule(schedule_id, list(chunk))
            for result in results:
                if result.status in (
                    CommandStatus.FAILED,
                    CommandStatus.REJECTED,
                    CommandStatus.UNKNOWN,
                    CommandStatus.TIMED_OUT,
                ):
                    report.skipped.append(
                        Skipped("assignment", str(result.target), result.detail or "refused")
                    )
                else:
                    report.lights_assigned += 1
    report.mismatches = await verify(work, target)
    report.verified = not report.mismatches
    report.seconds = time.perf_counter() - started
    report.completed = True
    return report


async def verify(work: MigrationPlan, target: LightingController) -> list[Difference]:
    """Re-read the target and list every difference from the source's canonical data."""
    lights, _, schedules, assigned = await _read(target)
    mismatches: list[Difference] = []
    for name, light in sorted(work.source_lights.items()):
        other = lights.get(name)
        if other is None:
            mismatches.append(Difference("light", name, "", "present", "missing"))
            continue
        if name not in work.matched:
            mismatches.extend(
                differences("light", name, portable_light(light), portable_light(other))
            )
    for schedule in [*work.schedules, *work.unchanged]:
        name = str(schedule.name)
        other_schedule = schedules.get(name)
        if other_schedule is None:
            mismatches.append(Difference("schedule", name, "", "present", "missing"))
            continue
        mismatches.extend(
            differences(
                "schedule", name, portable_schedule(schedule), portable_schedule(other_schedule)
            )
        )
    names_by_id = {s.id: name for name, s in schedules.items()}
    light_names = {light.id: name for name, light in lights.items()}
    actual = {light_names.get(k, k): names_by_id.get(v, v) for k, v in assigned.items()}
    for schedule_name, members in sorted(work.assignments.items()):
        for member in members:
            if actual.get(member) != schedule_name:
                mismatches.append(
                    Difference("assignment", member, "schedule", schedule_name, actual.get(member))
                )
    return mismatches
