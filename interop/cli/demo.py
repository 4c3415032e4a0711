"""``interop demo``: every plugin's demo on its sample data, SHACL-checked, plus a supplier swap."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from interop.cli.context import StrictOption, console, err_console, load_registry, reports_errors

__all__ = ["register"]

_RDF_SUFFIXES = frozenset({".nt", ".ttl", ".jsonld"})


@reports_errors
def demo(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the demo outputs.")
    ] = Path("interop-demo-output"),
    strict: StrictOption = False,
) -> None:
    """Run every installed plugin's demo on its built-in sample data."""
    registry = load_registry(strict)
    results = registry.demo(output)
    swap, swap_ok = _lighting_demo(registry, output)
    results += swap
    served, served_ok = _gateway_demo(registry, output)
    results += served
    if not results:
        err_console.print("no installed plugin has a demo (see `interop plugins`)")
        raise typer.Exit(1)
    from interop.validate import validate_file

    table = Table(title=f"interop demo: outputs in {output.resolve()}")
    table.add_column("plugin")
    table.add_column("what it did")
    table.add_column("outputs", overflow="fold")
    table.add_column("SHACL check of RDF outputs")
    failed = not (swap_ok and served_ok)
    for result in results:
        reports = [validate_file(str(p)) for p in result.outputs if p.suffix in _RDF_SUFFIXES]
        failed |= not all(r.conforms for r in reports)
        verdict = ", ".join(
            f"{r.checked} nodes {'conform' if r.conforms else 'DO NOT conform'}" for r in reports
        )
        table.add_row(
            result.plugin,
            result.summary,
            "\n".join(str(p) for p in result.outputs),
            verdict or "no RDF output",
        )
    console.print(table)
    for result in results:
        if result.rows:
            detail = Table(title=f"{result.plugin}: {len(result.rows)} rows")
            for column in result.columns:
                detail.add_column(column, overflow="fold")
            for row in result.rows:
                detail.add_row(*(escape(cell) for cell in row))
            console.print(detail)
    if failed:
        raise typer.Exit(1)


def _gateway_demo(registry: Any, output: Path) -> tuple[list[Any], bool]:
    """Start the gateway, post every ingress's sample messages over HTTP, say what happened."""
    import asyncio

    from interop.adapters import DemoResult
    from interop.gateway.demo import run_gateway_demo

    report = asyncio.run(run_gateway_demo(registry, output))
    if not report.posted:
        return [], True
    rows = tuple(
        (
            name,
            str(report.posted[name]),
            ", ".join(f"{n}x HTTP {status}" for status, n in sorted(report.answers[name].items())),
        )
        for name in sorted(report.posted)
    )
    delivered = ", ".join(f"{sink} {n}" for sink, n in sorted(report.delivered.items()))
    summary = (
        f"served on {report.url} with the sample city policy; posted "
        f"{sum(report.posted.values())} sample messages over HTTP: {report.stored} records "
        f"stored, {report.pseudonymised} values pseudonymised, {report.dead_lettered} "
        f"dead-lettered, delivered: {delivered or 'nothing'}"
    )
    result = DemoResult(
        plugin="gateway (interop serve)",
        summary=summary,
        outputs=report.outputs,
        columns=("ingress", "posted", "answers"),
        rows=rows,
    )
    return [result], report.ok


def _lighting_demo(registry: Any, output: Path) -> tuple[list[Any], bool]:
    """Swap suppliers between the first two lighting simulators installed, if there are two."""
    import asyncio

    from interop.adapters import DemoResult
    from interop.simulation.swap import demo_migration

    names = sorted(registry.simulators())
    if len(names) < 2:
        return [], True
    folder = output / "lighting"
    report_path, rdf_path = folder / "migration-report.json", folder / "target-sample.ttl"
    report = asyncio.run(demo_migration(registry, names[0], names[1], 500, report_path, rdf_path))
    verdict = "re-read equal" if report.verified else f"{len(report.mismatches)} differences"
    return [
        DemoResult(
            plugin=f"lighting {names[0]}->{names[1]}",
            summary=f"migrated {report.lights_created} lights, {report.schedules_saved} "
            f"schedules and {report.lights_assigned} assignments between simulators; "
            f"target {verdict}",
            outputs=(report_path, rdf_path),
        )
    ], report.verified


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the root command."""
    app.command()(demo)
