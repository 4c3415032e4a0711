"""The supplier swap on simulators: serve two vendor simulators, seed one, migrate, verify.

Runtime code shared by ``interop demo`` and ``interop lighting demo|migrate``: a migration
that writes its report atomically, the seeding of demo schedules and a canonical sample of
the target system for a SHACL check.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from interop.errors import PluginNotFoundError

__all__ = ["demo_migration", "run_migration", "seed_schedules", "simulator", "write_report"]


def simulator(registry: Any, name: str) -> Any:
    """The simulator spec ``name`` of an installed plugin, or PluginNotFoundError."""
    specs = registry.simulators()
    if name not in specs:
        raise PluginNotFoundError(
            f"no simulator named {name!r}",
            source=name,
            expected=f"one of {sorted(specs)} (plugins declaring the 'simulate' capability)",
        )
    return specs[name]


def write_report(report: Any, path: Path) -> None:
    """Write a migration report as JSON, atomically (a partial file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(report.as_dict(), indent=2, default=str) + "\n", "utf-8")
    partial.replace(path)


async def run_migration(
    source: Any,
    target: Any,
    dry_run: bool,
    report_path: Path,
    *,
    on_plan: Callable[[Any], None] | None = None,
    redact: Callable[[str], str] | None = None,
) -> Any:
    """Plan, migrate and verify, close both controllers and write the report; return it.

    The report is written whatever happens: when the migration stops early (an error,
    Ctrl-C) it says so, why (through ``redact``, which hides secrets) and what was done.
    """
    from interop.control.credentials import redact_url
    from interop.control.migrate import MigrationReport, migrate, plan

    hide = redact or redact_url
    report = MigrationReport(source=source.system, target=target.system, dry_run=dry_run)
    try:
        work = await plan(source, target)
        if on_plan is not None:
            on_plan(work)
        await migrate(source, target, dry_run=dry_run, prepared=work, report=report)
    except (Exception, KeyboardInterrupt, asyncio.CancelledError) as exc:
        report.error = hide(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        raise
    finally:
        try:
            await source.aclose()
            await target.aclose()
        finally:
            write_report(report, report_path)
    return report


async def demo_migration(
    registry: Any,
    source_sim: str,
    target_sim: str,
    lights: int,
    report_path: Path,
    rdf_path: Path | None = None,
    *,
    on_plan: Callable[[Any], None] | None = None,
) -> Any:
    """Serve two simulators, the source with ``lights`` lights and schedules, and migrate.

    With ``rdf_path``, also writes a sample of the target's canonical data (schedules, the
    first 50 lights, their controller nodes and telemetry) as Turtle, for a SHACL check.
    """
    from interop.control.http import ClientSettings
    from interop.simulation.server import serve
    from interop.simulation.world import LightWorld

    source_spec = simulator(registry, source_sim)
    target_spec = simulator(registry, target_sim)
    source_world = LightWorld(lights, seed=1)
    target_world = LightWorld(0, seed=2)
    settings = ClientSettings(concurrency=16)
    async with (
        serve(source_spec, source_world) as source_url,
        serve(target_spec, target_world) as target_url,
    ):
        source = source_spec.connect(source_url, source_world, settings)
        await seed_schedules(source, lights)
        target = target_spec.connect(target_url, target_world, settings)
        report = await run_migration(source, target, False, report_path, on_plan=on_plan)
        if rdf_path is not None:
            target = target_spec.connect(target_url, target_world, settings)
            try:
                await _write_sample(target, rdf_path)
            finally:
                await target.aclose()
        return report


async def _write_sample(controller: Any, path: Path) -> None:
    from interop.control.lighting import light_device
    from interop.rdf import to_turtle

    sample = []
    async for light in controller.lights():
        sample.append(light)
        if len(sample) == 50:
            break
    records: list[Any] = [*await controller.schedules(), *sample]
    records += [light_device(light) for light in sample if light.device]
    records += await controller.telemetry([light.id for light in sample])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_turtle(records), "utf-8")


async def seed_schedules(controller: Any, lights: int) -> None:
    """Give a demo system two dimming schedules and assign every light to one of them."""
    from datetime import time

    from interop.model.base import mint_iri
    from interop.model.lighting import (
        CalendarRule,
        DimmingProgram,
        DimmingSchedule,
        ProgramStep,
        SolarEvent,
    )

    def schedule(name: str, night: float) -> DimmingSchedule:
        return DimmingSchedule(
            id=mint_iri("schedule", "demo", name),
            name=name,
            timezone="Europe/Brussels",
            programs=(
                DimmingProgram(
                    key="wd",
                    steps=(
                        ProgramStep(solar_event=SolarEvent.SUNSET, offset=10, level=100),
                        ProgramStep(at=time(23, 0), level=night),
                        ProgramStep(at=time(5, 30), level=100),
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

    saved = [
        await controller.save_schedule(schedule("residential-50", 50)),
        await controller.save_schedule(schedule("arterial-70", 70)),
    ]
    ids = [light.id async for light in controller.lights()]
    for index, chosen in enumerate(saved):
        await controller.assign_schedule(chosen.id, ids[index :: len(saved)])
    del lights
