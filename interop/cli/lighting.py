"""The street-lighting commands of the CLI: ``interop sim`` and ``interop lighting ...``.

``interop sim NAME`` serves a plugin's simulated vendor system on 127.0.0.1 until
interrupted; ``interop lighting migrate`` moves inventory, schedules and assignments from one
supplier's system to another through the canonical model, showing the diff first and writing
a report; ``interop lighting demo`` does that between two simulators.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["register"]

console = Console()
lighting = typer.Typer(
    name="lighting",
    help="Street lighting: migrate between suppliers' systems, run the swap demo.",
    no_args_is_help=True,
)

_DIFF_LINES = 25


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

    from interop.cli.context import load_registry
    from interop.simulation.server import build
    from interop.simulation.swap import simulator
    from interop.simulation.world import LightWorld

    spec = simulator(load_registry(False), name)
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


ReportOption = Annotated[
    Path, typer.Option("--report", help="Where to write the JSON migration report.")
]


def _wrap(func: Callable[..., None]) -> Callable[..., None]:
    from interop.cli.context import reports_errors

    return reports_errors(func)


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
        from interop.cli.context import load_registry
        from interop.control.connect import open_lighting
        from interop.simulation.swap import run_migration

        registry = load_registry(False)
        result = asyncio.run(
            run_migration(
                open_lighting(registry, source),
                open_lighting(registry, target),
                dry_run,
                report,
                on_plan=_print_plan,
            )
        )
        _print_report(result, report)
        if not dry_run and not result.verified:
            raise typer.Exit(1)

    _wrap(run)()


@lighting.command("demo")
def demo_command(
    source_sim: Annotated[str, typer.Option("--from-sim", help="Source simulator.")] = "slv",
    target_sim: Annotated[str, typer.Option("--to-sim", help="Target simulator.")] = "talq",
    lights: Annotated[int, typer.Option(help="Lights in the source system.")] = 2000,
    report: ReportOption = Path("interop-demo-output/lighting/migration-report.json"),
) -> None:
    """Swap suppliers on simulators: migrate a fleet with schedules and verify it."""

    def run() -> None:
        from interop.cli.context import load_registry
        from interop.simulation.swap import demo_migration

        result = asyncio.run(
            demo_migration(
                load_registry(False), source_sim, target_sim, lights, report, on_plan=_print_plan
            )
        )
        _print_report(result, report)
        if not result.verified:
            raise typer.Exit(1)

    _wrap(run)()


def register(app: typer.Typer) -> None:
    """Add ``sim`` and the ``lighting`` group to the ``interop`` command."""
    app.command("sim")(_wrap(sim))
    app.add_typer(lighting)
