"""The street-lighting commands of the CLI: ``interop sim`` and ``interop lighting ...``.

``interop sim NAME`` serves a plugin's simulated vendor system on 127.0.0.1 until
interrupted; ``interop lighting migrate`` moves inventory, schedules and assignments from one
supplier's system to another through the canonical model, showing the diff first and writing
a report; ``interop lighting demo`` does that between two simulators.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from interop.errors import PluginNotFoundError

__all__ = ["register"]

console = Console()
lighting = typer.Typer(
    name="lighting",
    help="Street lighting: migrate between suppliers' systems, run the swap demo.",
    no_args_is_help=True,
)

_DIFF_LINES = 25


def _simulator(registry: Any, name: str) -> Any:
    specs = registry.simulators()
    if name not in specs:
        raise PluginNotFoundError(
            f"no simulator named {name!r}",
            source=name,
            expected=f"one of {sorted(specs)} (plugins declaring the 'simulate' capability)",
        )
    return specs[name]


def sim(
    name: Annotated[str, typer.Argument(help="Simulator name (see `interop plugins`).")],
    port: Annotated[int | None, typer.Option(help="TCP port (default: the simulator's).")] = None,
    host: Annotated[str, typer.Option(help="Address to bind; keep it on loopback.")] = "127.0.0.1",
    lights: Annotated[int, typer.Option(help="Number of simulated lights.")] = 50,
    seed: Annotated[int, typer.Option(help="Seed of the simulated fleet.")] = 0,
    latency: Annotated[float, typer.Option(help="Seconds added to every response.")] = 0.0,
    apply_delay: Annotated[
        float, typer.Option(help="Seconds before a command shows in telemetry.")
    ] = 2.0,
    error_rate: Annotated[float, typer.Option(help="Share of requests answered 503.")] = 0.0,
    rate_limit: Annotated[
        float | None, typer.Option(help="Requests per second per client before overload.")
    ] = None,
    offline: Annotated[int, typer.Option(help="Lights whose node is offline.")] = 0,
    session_ttl: Annotated[
        float | None, typer.Option(help="Seconds a session or token stays valid.")
    ] = None,
) -> None:
    """Serve a simulated vendor lighting system until interrupted (Ctrl-C)."""
    from aiohttp import web

    from interop.cli import _registry
    from interop.simulation.server import build
    from interop.simulation.world import LightWorld

    spec = _simulator(_registry(False), name)
    world = LightWorld(lights, seed=seed, apply_delay=apply_delay, session_ttl=session_ttl)
    world.faults.latency = latency
    world.faults.error_rate = error_rate
    world.faults.rate_limit = rate_limit
    for light in list(world)[:offline]:
        light.offline = True
    bound = port if port is not None else spec.default_port
    console.print(
        f"[bold]{escape(spec.name)}[/] simulator: {escape(spec.description)}\n"
        f"  {len(world)} lights on http://{host}:{bound} (user {world.username!r}, "
        f"password {world.password!r}, token {world.token!r}); Ctrl-C stops it",
        highlight=False,
    )
    web.run_app(build(spec, world), host=host, port=bound, print=None, access_log=None)


def _write_report(report: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(report.as_dict(), indent=2, default=str) + "\n", "utf-8")
    partial.replace(path)


def _print_plan(work: Any) -> None:
    lines = work.diff()
    console.print(
        f"[bold]plan[/] {escape(work.source)} -> {escape(work.target)}: "
        f"{len(work.create)} lights to create, {len(work.matched)} already there, "
        f"{len(work.schedules)} schedules to save, "
        f"{sum(len(v) for v in work.assignments.values())} assignments, "
        f"{len(work.skipped)} not carried over",
        highlight=False,
    )
    for line in lines[:_DIFF_LINES]:
        colour = {"+": "green", "~": "yellow", "!": "red"}.get(line[:1], "white")
        console.print(f"  [{colour}]{escape(line)}[/]", highlight=False)
    if len(lines) > _DIFF_LINES:
        console.print(f"  ... and {len(lines) - _DIFF_LINES} more lines (see the report)")


def _print_report(report: Any, path: Path) -> None:
    verdict = (
        "[green]target re-read equal to source[/]"
        if report.verified
        else (f"[red]{len(report.mismatches)} differences after re-reading the target[/]")
    )
    if report.dry_run:
        verdict = "dry run: nothing written"
    console.print(
        f"[bold]migrated[/] {report.lights_created} lights created, {report.lights_matched} "
        f"matched, {report.schedules_saved} schedules saved, {report.lights_assigned} lights "
        f"assigned, {len(report.skipped)} not carried over in {report.seconds:.1f} s; "
        f"{verdict}; report {path}",
        highlight=False,
    )


async def _migrate(
    source: Any, target: Any, dry_run: bool, report_path: Path, *, quiet: bool = False
) -> Any:
    from interop.control.migrate import migrate, plan

    try:
        work = await plan(source, target)
        if not quiet:
            _print_plan(work)
        report = await migrate(source, target, dry_run=dry_run, prepared=work)
    finally:
        await source.aclose()
        await target.aclose()
    _write_report(report, report_path)
    if not quiet:
        _print_report(report, report_path)
    return report


ReportOption = Annotated[
    Path, typer.Option("--report", help="Where to write the JSON migration report.")
]


def _wrap(func: Callable[..., None]) -> Callable[..., None]:
    from interop.cli import _reports_errors

    return _reports_errors(func)


@lighting.command("migrate")
def migrate_command(
    source: Annotated[str, typer.Option("--from", help="Source, e.g. slv:http://u:p@host:8081")],
    target: Annotated[str, typer.Option("--to", help="Target, e.g. talq:http://:token@host:8082")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the diff; write nothing.")
    ] = False,
    report: ReportOption = Path("migration-report.json"),
) -> None:
    """Copy inventory, schedules and assignments from one system to another, then verify."""

    def run() -> None:
        from interop.cli import _registry
        from interop.control.connect import open_lighting

        registry = _registry(False)
        result = asyncio.run(
            _migrate(
                open_lighting(registry, source),
                open_lighting(registry, target),
                dry_run,
                report,
            )
        )
        if not dry_run and not result.verified:
            raise typer.Exit(1)

    _wrap(run)()


async def demo_migration(
    registry: Any,
    source_sim: str,
    target_sim: str,
    lights: int,
    report_path: Path,
    rdf_path: Path | None = None,
    *,
    quiet: bool = False,
) -> Any:
    """Serve two simulators, the source with ``lights`` lights and schedules, and migrate.

    With ``rdf_path``, also writes a sample of the target's canonical data (schedules, the
    first 50 lights, their controller nodes and telemetry) as Turtle, for a SHACL check.
    """
    from interop.control.http import ClientSettings
    from interop.simulation.server import serve
    from interop.simulation.world import LightWorld

    source_spec = _simulator(registry, source_sim)
    target_spec = _simulator(registry, target_sim)
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
        report = await _migrate(source, target, False, report_path, quiet=quiet)
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


@lighting.command("demo")
def demo_command(
    source_sim: Annotated[str, typer.Option("--from-sim", help="Source simulator.")] = "slv",
    target_sim: Annotated[str, typer.Option("--to-sim", help="Target simulator.")] = "talq",
    lights: Annotated[int, typer.Option(help="Lights in the source system.")] = 2000,
    report: ReportOption = Path("interop-demo-output/lighting/migration-report.json"),
) -> None:
    """Swap suppliers on simulators: migrate a fleet with schedules and verify it."""

    def run() -> None:
        from interop.cli import _registry

        result = asyncio.run(
            demo_migration(_registry(False), source_sim, target_sim, lights, report)
        )
        if not result.verified:
            raise typer.Exit(1)

    _wrap(run)()


def register(app: typer.Typer) -> None:
    """Add ``sim`` and the ``lighting`` group to the ``interop`` command."""
    app.command("sim")(_wrap(sim))
    app.add_typer(lighting)
