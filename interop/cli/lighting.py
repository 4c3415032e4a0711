"""The street-lighting commands of the CLI: ``interop sim`` and ``interop lighting ...``.

``interop sim NAME`` serves a plugin's simulated vendor system on 127.0.0.1 until
interrupted; ``interop lighting migrate`` moves inventory, schedules and assignments from one
supplier's system to another through the canonical model, showing the diff first and writing
a report; ``interop lighting demo`` does that between two simulators.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="TCP port, 1-65535 (default: the simulator's)."),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to bind (127.0.0.1, ::1 or [::1]); keep it on loopback.")
    ] = "127.0.0.1",
    lights: Annotated[int, typer.Option(min=0, help="Number of simulated lights.")] = 50,
    schedules: Annotated[
        bool,
        typer.Option(
            "--schedules", help="Give the system two dimming schedules, every light assigned."
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the simulated fleet.")] = 0,
    latency: Annotated[float, typer.Option(min=0, help="Seconds added to every response.")] = 0.0,
    apply_delay: Annotated[
        float, typer.Option(min=0, help="Seconds before a command shows in telemetry.")
    ] = 2.0,
    error_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of requests answered 503.")
    ] = 0.0,
    throttle_rate: Annotated[
        float,
        typer.Option(min=0, max=1, help="Share of requests answered as rate-limited (429)."),
    ] = 0.0,
    drop_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of connections closed unanswered.")
    ] = 0.0,
    hang_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of requests never answered.")
    ] = 0.0,
    retry_after: Annotated[
        float, typer.Option(min=0, help="Seconds announced in Retry-After on overload.")
    ] = 1.0,
    rate_limit: Annotated[
        float | None, typer.Option(help="Requests per second per client before overload.")
    ] = None,
    offline: Annotated[int, typer.Option(min=0, help="Lights whose node is offline.")] = 0,
    session_ttl: Annotated[
        float | None, typer.Option(help="Seconds a session or token stays valid.")
    ] = None,
    tls_cert: Annotated[
        Path | None, typer.Option(help="Serve HTTPS with this PEM certificate (+ key).")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="The certificate's PEM key.")] = None,
    client_ca: Annotated[
        Path | None,
        typer.Option(help="Require client certificates signed by this CA (mutual TLS)."),
    ] = None,
) -> None:
    """Serve a simulated vendor lighting system until interrupted (Ctrl-C)."""
    from interop.cli.context import load_registry
    from interop.simulation.swap import simulator
    from interop.simulation.world import LightWorld

    spec = simulator(load_registry(False), name)
    world = LightWorld(lights, seed=seed, apply_delay=apply_delay, session_ttl=session_ttl)
    faults = world.faults
    faults.latency, faults.error_rate, faults.throttle_rate = latency, error_rate, throttle_rate
    faults.drop_rate, faults.hang_rate = drop_rate, hang_rate
    faults.rate_limit, faults.retry_after = rate_limit, retry_after
    for light in list(world)[:offline]:
        light.offline = True
    bind = host.removeprefix("[").removesuffix("]")
    try:
        asyncio.run(
            _serve_until_interrupted(
                spec,
                world,
                bind,
                port if port is not None else spec.default_port,
                schedules=schedules,
                tls=(tls_cert, tls_key, client_ca),
            )
        )
    except KeyboardInterrupt:
        console.print(f"{spec.name} simulator stopped")


async def _serve_until_interrupted(
    spec: Any,
    world: Any,
    host: str,
    port: int,
    *,
    schedules: bool,
    tls: tuple[Path | None, Path | None, Path | None],
) -> None:
    """Serve, seed the schedules (through the plugin's own controller), print how to connect."""
    from interop.errors import ValidationError
    from interop.simulation.server import serve, tls_context
    from interop.simulation.swap import seed_schedules

    certificate, key, client_ca = tls
    if certificate is None and (key is not None or client_ca is not None):
        raise ValidationError(
            "--tls-key and --client-ca need --tls-cert",
            field="tls_cert",
            expected="the server's PEM certificate",
        )
    context = tls_context(certificate, key, client_ca=client_ca) if certificate else None
    try:
        served = serve(spec, world, host=host, port=port, ssl_context=context)
        url = await served.__aenter__()
    except OSError as exc:
        raise ValidationError(
            f"cannot listen on {host}:{port} ({exc.strerror or type(exc).__name__})",
            field="port",
            expected="a free port on a local address (another simulator may be running there)",
        ) from None
    try:
        if schedules and context is None:
            controller = spec.connect(url, world, None)
            try:
                await seed_schedules(controller, len(world))
            finally:
                await controller.aclose()
        variable = f"INTEROP_{spec.name.upper()}"
        console.print(
            f"[bold]{escape(spec.name)}[/] simulator: {escape(spec.description)}\n"
            f"  {len(world)} lights on {url}"
            + (", 2 dimming schedules" if schedules else "")
            + "; Ctrl-C stops it\n"
            "  its credentials, for the controllers that connect to it:\n"
            f"  export {variable}_USERNAME={world.username} "
            f"{variable}_PASSWORD={world.password} {variable}_TOKEN={world.token}",
            highlight=False,
            soft_wrap=True,
        )
        console.file.flush()
        await asyncio.Event().wait()
    finally:
        await served.__aexit__(None, None, None)


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


CredentialsOption = Annotated[
    Path | None,
    typer.Option(
        "--credentials",
        envvar="INTEROP_CREDENTIALS",
        help="TOML credentials file ([slv] username/password, [talq] token/client_cert ...).",
    ),
]


@lighting.command("migrate")
def migrate_command(
    source: Annotated[str, typer.Option("--from", help="Source, e.g. slv:http://host:8081")],
    target: Annotated[str, typer.Option("--to", help="Target, e.g. talq:http://host:8082")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the diff; write nothing.")
    ] = False,
    report: ReportOption = Path("migration-report.json"),
    credentials: CredentialsOption = None,
) -> None:
    """Copy inventory, schedules and assignments from one system to another, then verify.

    Credentials come from INTEROP_<PLUGIN>_USERNAME/_PASSWORD/_TOKEN (and _CA_BUNDLE,
    _CLIENT_CERT, _CLIENT_KEY) or --credentials; never put them on the command line.
    """
    from interop.control.credentials import Redactor

    redactor = Redactor()

    def run() -> None:
        from interop.cli.context import load_registry
        from interop.control.connect import credentials_for, open_lighting
        from interop.simulation.swap import run_migration

        for address in (source, target):
            redactor.add(credentials_for(address, credentials_file=credentials)[2].values())
        registry = load_registry(False)
        result = asyncio.run(
            run_migration(
                open_lighting(registry, source, credentials_file=credentials),
                open_lighting(registry, target, credentials_file=credentials),
                dry_run,
                report,
                on_plan=_print_plan,
                redact=redactor,
            )
        )
        _print_report(result, report)
        if not dry_run and not result.verified:
            raise typer.Exit(1)

    def guarded() -> None:
        with _redacting(redactor):
            run()

    _wrap(guarded)()


@contextmanager
def _redacting(redactor: Any) -> Iterator[None]:
    """Redact log records and interop errors raised inside the block."""
    from interop.errors import InteropError

    root = logging.getLogger()
    root.addFilter(redactor)
    handlers = list(root.handlers)
    for handler in handlers:
        handler.addFilter(redactor)
    try:
        yield
    except InteropError as error:
        error.message = redactor(error.message)
        if error.source is not None:
            error.source = redactor(error.source)
        error.args = (redactor(str(error)),)
        raise
    finally:
        root.removeFilter(redactor)
        for handler in handlers:
            handler.removeFilter(redactor)


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
