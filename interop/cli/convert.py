"""``interop convert`` (any format to any other via the model) and ``interop decode``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from interop.cli.context import (
    StrictOption,
    console,
    err_console,
    load_registry,
    parse_options,
    reports_errors,
)

__all__ = ["register"]


@reports_errors
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

    options = parse_options(option)
    registry = load_registry(strict)
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


@reports_errors
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

    hints = parse_options(hint)
    if codec is not None:
        hints["codec"] = codec
    raw = _payload_bytes(payload)
    registry = load_registry(strict)
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


def register(app: typer.Typer) -> None:
    """Add ``convert`` and ``decode`` to the root command."""
    app.command()(convert)
    app.command()(decode)
