"""The ``interop`` command: list plugins, print schemas, convert, validate and run demos.

The outermost ring of the project: it composes the registry, the converters and the RDF
layer and turns every :class:`~interop.errors.InteropError` into a one-line message and exit
status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from interop.errors import InteropError

app = typer.Typer(
    name="interop",
    help="Plug any supplier's devices, feeds and platforms into one open, SAREF-aligned model.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

_RDF_SUFFIXES = frozenset({".nt", ".ttl", ".jsonld"})
P = ParamSpec("P")
R = TypeVar("R")

StrictOption = Annotated[
    bool, typer.Option("--strict", help="Fail on a broken plugin instead of skipping it.")
]


def _reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn interop errors into a red one-line message and exit status 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InteropError as error:
            err_console.print(
                f"[bold red]error[/]: {escape(str(error))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(2) from error

    return wrapper


def _registry(strict: bool) -> Any:
    from interop.registry import Registry

    return Registry(strict=strict).load()


@app.command()
@_reports_errors
def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="Print manifests as JSON.")] = False,
    strict: StrictOption = False,
) -> None:
    """List installed plugins with their manifests and capabilities."""
    registry = _registry(strict)
    if as_json:
        payload = {
            "plugins": [
                {
                    **p.manifest.model_dump(mode="json"),
                    "distribution": p.distribution,
                    "adapters": [
                        {"kind": _kind_name(cls), "name": cls.name, "class": _qualname(cls)}
                        for cls in p.adapters
                    ],
                }
                for p in registry.plugins
            ],
            "failures": [{"name": f.name, "error": str(f.error)} for f in registry.failures],
        }
        sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        return
    table = Table(title="interop plugins")
    for column in ("name", "version", "vendor", "protocols", "capabilities", "adapters"):
        table.add_column(column)
    for p in registry.plugins:
        m = p.manifest
        table.add_row(
            m.name,
            m.version,
            m.vendor,
            ", ".join(m.protocols),
            ", ".join(sorted(m.capabilities)),
            ", ".join(f"{_kind_name(c)}:{c.name}" for c in p.adapters),
        )
    console.print(table)
    for failure in registry.failures:
        message = escape(f"{failure.name}: {failure.error}")
        err_console.print(f"[yellow]skipped[/] {message}", highlight=False)


def _kind_name(cls: type) -> str:
    from interop.adapters import adapter_kind

    return adapter_kind(cls).__name__


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@app.command()
@_reports_errors
def schema(
    kind: Annotated[
        str | None, typer.Argument(help="Record kind (e.g. measurement); all when omitted.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write one <kind>.schema.json per kind here.")
    ] = None,
) -> None:
    """Print the JSON Schema of every record type (or of one kind)."""
    from interop.model.records import RECORD_TYPES, RecordAdapter, record_type

    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for cls in RECORD_TYPES:
            name = cls.model_fields["kind"].default
            text = json.dumps(cls.model_json_schema(), indent=2, sort_keys=True)
            (out / f"{name}.schema.json").write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {len(RECORD_TYPES)} schemas to {out}")
        return
    if kind is None:
        document = RecordAdapter.json_schema()
    else:
        try:
            document = record_type(kind).model_json_schema()
        except KeyError as exc:
            from interop.errors import ValidationError

            raise ValidationError(str(exc.args[0]), source=kind, field="kind") from None
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")


@app.command()
@_reports_errors
def convert(
    source: Annotated[str, typer.Argument(help="scheme:path to read, e.g. gtfs:feed.zip")],
    target: Annotated[str, typer.Argument(help="scheme:path to write, e.g. rdf:out.nt")],
    profile: Annotated[
        str | None,
        typer.Option(help="RDF profile of the source's plugin, e.g. linked-gtfs (N-Triples)."),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-O", help="Profile option KEY=VALUE (repeatable)."),
    ] = None,
    strict: StrictOption = False,
) -> None:
    """Convert data between any two formats through the canonical model."""
    from interop.convert import convert as run

    options = _parse_options(option)
    registry = _registry(strict)
    unit = "records" if profile is None else "rows"
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn(f"{{task.completed}} {unit}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(f"{source} -> {target}", total=None)
        count = run(
            registry,
            source,
            target,
            lambda n: progress.advance(task, n),
            profile=profile,
            options=options,
        )
    what = "records" if profile is None else f"triples ({profile})"
    console.print(f"converted {count} {what}: {source} -> {target}")


def _parse_options(items: list[str] | None) -> dict[str, str]:
    """``["k=v", ...]`` as a dict; a malformed item is a ValidationError."""
    from interop.errors import ValidationError

    options: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValidationError("malformed option", source=item, expected="KEY=VALUE")
        options[key] = value
    return options


def _payload_bytes(payload: str) -> bytes:
    """Hex text, ``@FILE`` (raw bytes) or ``-`` (raw bytes from standard input)."""
    from interop.errors import ValidationError

    if payload == "-":
        return sys.stdin.buffer.read()
    if payload.startswith("@"):
        path = Path(payload[1:])
        if not path.is_file():
            raise ValidationError("no such file", source=payload, field="payload")
        return path.read_bytes()
    text = payload.replace(" ", "").removeprefix("0x")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValidationError(
            "not hexadecimal", source=payload, field="payload", expected="hex, @FILE or -"
        ) from None


@app.command()
@_reports_errors
def decode(
    plugin: Annotated[str, typer.Argument(help="Plugin whose codec decodes, e.g. lorawan")],
    payload: Annotated[str, typer.Argument(help="Hex bytes, @FILE (raw bytes) or - (stdin)")],
    codec: Annotated[
        str | None, typer.Option(help="Payload codec inside the plugin, e.g. cayenne-lpp.")
    ] = None,
    adapter: Annotated[
        str | None, typer.Option(help="The plugin's Codec adapter, when it has several.")
    ] = None,
    hint: Annotated[
        list[str] | None,
        typer.Option("--hint", "-H", help="Decode hint KEY=VALUE for the codec (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print records as JSON lines.")] = False,
    strict: StrictOption = False,
) -> None:
    """Decode one message with a plugin's codec and print the canonical records."""
    from datetime import UTC, datetime

    from interop.adapters import Codec, DecodeContext
    from interop.model.records import RecordAdapter

    hints = _parse_options(hint)
    if codec is not None:
        hints["codec"] = codec
    raw = _payload_bytes(payload)
    registry = _registry(strict)
    decoder = registry.adapter(Codec, plugin, adapter)()
    ctx = DecodeContext(
        source=f"{plugin}:{payload[:32]}", received_at=datetime.now(UTC), hints=hints
    )
    records = decoder.decode(raw, ctx)
    if as_json:
        for record in records:
            sys.stdout.write(RecordAdapter.dump_json(record).decode() + "\n")
        return
    table = Table(title=f"{len(records)} records from {len(raw)} bytes")
    for column in ("kind", "id", "what", "value"):
        table.add_column(column, overflow="fold")
    for record in records:
        what, value = _summary(record)
        table.add_row(record.kind, record.id, what, value)
    console.print(table)


def _summary(record: Any) -> tuple[str, str]:
    """A short 'what' and 'value' column for a record in the decode table."""
    from interop.model.observation import Measurement

    if isinstance(record, Measurement):
        unit = record.unit.rsplit("/", 1)[-1]
        return record.property.rsplit("/", 1)[-1].rsplit("#", 1)[-1], f"{record.value} {unit}"
    for field in ("name", "device_kind", "action", "value", "status"):
        value = getattr(record, field, None)
        if value is not None:
            return field, str(value)
    return "", ""


@app.command()
@_reports_errors
def validate(
    file: Annotated[
        str, typer.Argument(help="RDF file (.ttl, .nt, .jsonld), records:FILE or plugin:PATH")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    strict: StrictOption = False,
) -> None:
    """Check a file: RDF against SHACL, records against the model, vendor files by plugin."""
    from interop.validate import validate_file

    scheme = file.partition(":")[0]
    needs_plugin = ":" in file and len(scheme) > 1 and scheme not in ("records", "rdf")
    report = validate_file(file, _registry(strict) if needs_plugin else None)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
    else:
        console.print(report.text, highlight=False, markup=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
@_reports_errors
def demo(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the demo outputs.")
    ] = Path("interop-demo-output"),
    strict: StrictOption = False,
) -> None:
    """Run every installed plugin's demo on its built-in sample data."""
    registry = _registry(strict)
    results = registry.demo(output)
    swap, swap_ok = _lighting_demo(registry, output)
    results += swap
    if not results:
        err_console.print("no installed plugin has a demo (see `interop plugins`)")
        raise typer.Exit(1)
    from interop.validate import validate_file

    table = Table(title=f"interop demo: outputs in {output.resolve()}")
    table.add_column("plugin")
    table.add_column("what it did")
    table.add_column("outputs", overflow="fold")
    table.add_column("SHACL check of RDF outputs")
    failed = not swap_ok
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


def _lighting_demo(registry: Any, output: Path) -> tuple[list[Any], bool]:
    """Swap suppliers between the first two lighting simulators installed, if there are two."""
    import asyncio

    from interop.adapters import DemoResult
    from interop.cli_lighting import demo_migration

    names = sorted(registry.simulators())
    if len(names) < 2:
        return [], True
    folder = output / "lighting"
    report_path, rdf_path = folder / "migration-report.json", folder / "target-sample.ttl"
    report = asyncio.run(
        demo_migration(registry, names[0], names[1], 500, report_path, rdf_path, quiet=True)
    )
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


def main() -> None:  # pragma: no cover - console entry point
    """Run the CLI."""
    app()


def _register_lighting() -> None:
    from interop.cli_lighting import register

    register(app)


_register_lighting()
