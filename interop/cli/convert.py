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
from interop.errors import ValidationError
from interop.setaside import SetAside, SetAsideLog

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
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Fail on the first bad value, row or message (and on a broken plugin).",
        ),
    ] = False,
    on_error: Annotated[
        str,
        typer.Option(
            help="An item that cannot become a record: 'skip' sets it aside in the dead "
            "letter, 'fail' stops.",
        ),
    ] = "skip",
    dead_letter: Annotated[
        Path | None,
        typer.Option(help="JSON Lines file of set-aside items [default: TARGET.set-aside.jsonl]."),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            help="JSON summary of notices and set-aside items [default: TARGET.summary.json]."
        ),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(help="Namespace of the IRIs the reader mints (default: the feed's identity)."),
    ] = None,
    codec: Annotated[
        str | None,
        typer.Option(help="Payload codec for a message source's codec: the hint 'codec'."),
    ] = None,
    profiles: ProfilesOption = None,
    hint: Annotated[
        list[str] | None,
        typer.Option("--hint", "-H", help="Decode hint KEY=VALUE for a message source's codec."),
    ] = None,
) -> None:
    """Convert data between any two formats through the canonical model.

    Reading is lenient unless --strict: bad values are kept verbatim with a notice, items
    that cannot become records are set aside. Exit status: 0 clean, 3 converted with error
    notices (nothing set aside), 4 items were set aside (see the dead letter), 2 failed.
    """
    from interop.convert import DataUri
    from interop.convert import convert as run

    options = parse_options(option)
    hints = _decode_hints(hint, codec, profiles)
    if on_error not in ("skip", "fail"):
        raise ValidationError("unknown --on-error", source=on_error, expected="skip or fail")
    registry = load_registry(strict)
    target_path = DataUri.parse(target).path
    letter = _DeadLetter(
        dead_letter or target_path.with_name(f"{target_path.name}.set-aside.jsonl")
    )
    log = SetAsideLog(strict=strict, on_error="fail" if on_error == "fail" else "skip")
    log.dead_letter = letter.write
    unit = "records" if profile is None else "rows"
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn(f"{{task.completed}} {unit}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(f"{source} -> {target}", total=None)
        try:
            count = run(
                registry,
                source,
                target,
                lambda n: progress.advance(task, n),
                profile=profile,
                options=options,
                log=log,
                adapter_options={"namespace": namespace} if namespace else None,
                hints=hints,
            )
        finally:
            letter.close()
    what = "records" if profile is None else f"triples ({profile})"
    console.print(f"converted {count} {what}: {source} -> {target}")
    _report_set_aside(log, source, target, count, letter.path if letter.count else None, summary)


class _DeadLetter:
    """Set-aside items as JSON Lines, the file opened at the first item only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: Any = None

    def write(self, item: SetAside) -> None:
        import orjson

        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("wb")
        self._handle.write(orjson.dumps(item.as_dict()) + b"\n")
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _report_set_aside(
    log: SetAsideLog,
    source: str,
    target: str,
    count: int,
    dead_letter: Path | None,
    summary: Path | None,
) -> None:
    """Print what was set aside and noticed, write the JSON summary, exit 3 or 4 if any."""
    import orjson

    from interop.convert import DataUri

    noticed = sum(log.notice_counts.values())
    if not noticed and not log.set_aside_total and summary is None:
        return
    data = {"source": source, "target": target, "records": count, **log.summary()}
    data["set_aside"]["dead_letter"] = str(dead_letter) if dead_letter else None
    target_path = DataUri.parse(target).path
    path = summary or target_path.with_name(f"{target_path.name}.summary.json")
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    table = Table(title=f"set aside {log.set_aside_total}, notices {noticed}")
    for column in ("what", "code", "severity", "count"):
        table.add_column(column)
    for code, n in sorted(log.set_aside_counts.items()):
        table.add_row("set aside", code, "", str(n))
    for code, entry in data["notices"]["by_code"].items():
        table.add_row("notice", code, entry["severity"], str(entry["count"]))
    err_console.print(table)
    where = f"; set-aside items in {dead_letter}" if dead_letter else ""
    err_console.print(f"summary in {path}{where}")
    if log.set_aside_total:
        raise typer.Exit(4)
    if log.has_errors:
        raise typer.Exit(3)


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
    profiles: ProfilesOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print records as JSON lines.")] = False,
    strict: StrictOption = False,
) -> None:
    """Decode one message with a plugin's codec and print the canonical records.

    A run that yields no measurement says so on standard error.
    """
    from datetime import UTC, datetime

    from interop.adapters import Codec, DecodeContext
    from interop.model.records import record_json

    hints = _decode_hints(hint, codec, profiles)
    raw = _payload_bytes(payload)
    registry = load_registry(strict)
    decoder = registry.adapter(Codec, plugin, adapter)()
    ctx = DecodeContext(
        source=f"{plugin}:{payload[:32]}", received_at=datetime.now(UTC), hints=hints
    )
    records = decoder.decode(raw, ctx)
    if not any(record.kind == "measurement" for record in records):
        err_console.print(
            f"[yellow]warning[/]: no measurement decoded ({len(records)} records)", highlight=False
        )
    if as_json:
        for record in records:
            sys.stdout.write(record_json(record).decode() + "\n")
        return
    table = Table(title=f"{len(records)} records from {len(raw)} bytes")
    for column in ("kind", "id", "what", "value"):
        table.add_column(column, overflow="fold")
    for record in records:
        what, value = _summary(record)
        table.add_row(record.kind, record.id, what, value)
    console.print(table)


ProfilesOption = Annotated[
    Path | None,
    typer.Option(help="Device profiles (TOML/JSON) for the codec: the hint 'profiles'."),
]


def _decode_hints(
    items: list[str] | None, codec: str | None, profiles: Path | None
) -> dict[str, str]:
    """``--hint`` items plus ``--codec`` and ``--profiles`` as the hints ``codec``/``profiles``.

    Hints are generic: a plugin's codec reads the keys it knows. A profiles file that does
    not exist is refused here, before anything is read.
    """
    hints = parse_options(items)
    if codec is not None:
        hints["codec"] = codec
    if profiles is not None:
        if not profiles.is_file():
            raise ValidationError("no such file", source=str(profiles), field="--profiles")
        hints["profiles"] = str(profiles)
    return hints


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
