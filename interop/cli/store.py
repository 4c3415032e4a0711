"""``interop store``: what a store holds, export it, purge it, list and replay dead letters."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from interop.cli.context import (
    StoreOption,
    StrictOption,
    console,
    load_registry,
    parse_options,
    reports_errors,
)
from interop.errors import ValidationError
from interop.store.contract import DeadLetter, DeadLetterStage, StoreStats

__all__ = ["register"]

store_app = typer.Typer(
    name="store",
    help="Inspect, export and purge a store; list and replay dead letters.",
    no_args_is_help=True,
)
deadletter_app = typer.Typer(
    name="deadletter", help="What could not be used, kept with why.", no_args_is_help=True
)
store_app.add_typer(deadletter_app)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``2w`` or seconds as a timedelta."""
    number, unit = (text[:-1], text[-1]) if text and text[-1] in _UNITS else (text, "s")
    try:
        value = float(number)
    except ValueError:
        raise ValidationError(
            "not a duration", source=text, expected="a number with s, m, h, d or w"
        ) from None
    if value < 0:
        raise ValidationError("negative duration", source=text, expected="a positive duration")
    return timedelta(seconds=value * _UNITS[unit])


@store_app.command("stats")
@reports_errors
def stats(
    store: StoreOption = "interop-data",
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Counts of what the store holds and how far behind each sink is."""
    from interop.store import open_store

    async def run() -> StoreStats:
        async with open_store(store) as opened:
            return await opened.stats()

    data = asdict(asyncio.run(run()))
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        return
    table = Table(title=f"store {escape(str(data['location']))} ({data['engine']})")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in ("records", "series", "inbox_total", "inbox_pending", "outbox", "dead_letters"):
        table.add_row(key.replace("_", " "), str(data[key]))
    for sink, lag in data["sinks"].items():
        table.add_row(f"sink {escape(sink)}: waiting", str(lag))
    for key, count in data["audit"].items():
        table.add_row(f"policy {escape(key)}", str(count))
    console.print(table)


@store_app.command("export")
@reports_errors
def export(
    out: Annotated[Path, typer.Argument(help="Folder to write the export to.")],
    store: StoreOption = "interop-data",
    policy: Annotated[
        Path | None,
        typer.Option(help="Apply this policy's rules for the sink 'export' (else: as stored)."),
    ] = None,
) -> None:
    """Write everything the store holds as open formats (JSON Lines, N-Triples)."""
    from interop.store import open_store
    from interop.store.export import export_store

    enforcer = None
    if policy is not None:
        from interop.privacy import Enforcer, KeyRing, load_policy

        enforcer = Enforcer(load_policy(policy), KeyRing.from_env())

    async def run() -> dict[str, int]:
        async with open_store(store) as opened:
            return await export_store(opened, out, policy=enforcer)

    counts = asyncio.run(run())
    console.print(
        f"exported {counts['records']} records ({counts['triples']} triples) and "
        f"{counts['dead_letters']} dead letters to {out}",
        highlight=False,
    )


@store_app.command("purge")
@reports_errors
def purge(
    store: StoreOption = "interop-data",
    older_than: Annotated[
        str | None, typer.Option(help="Age beyond which records go, e.g. 90d.")
    ] = None,
    data_class: Annotated[
        str | None,
        typer.Option("--class", help="Only records whose most protected field has this class."),
    ] = None,
    property_iri: Annotated[
        str | None, typer.Option("--property", help="Only measurements of this property IRI.")
    ] = None,
    dead_letters_older_than: Annotated[
        str | None, typer.Option(help="Also drop dead letters older than this, e.g. 7d.")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="Apply the retention periods of this policy file.")
    ] = None,
) -> None:
    """Delete what is past its retention period (by age, data class, property or policy)."""
    from interop.model.base import DataClass
    from interop.store import PurgeRule, open_store

    rules: list[PurgeRule] = []
    keep_letters = parse_age(dead_letters_older_than) if dead_letters_older_than else None
    if policy is not None:
        from interop.privacy import load_policy

        loaded = load_policy(policy)
        rules += [
            PurgeRule(
                keep=r.keep, data_class=r.data_class, property=_property_iri(r.property),
                kind=r.kind,
            )
            for r in loaded.retention
        ]  # fmt: skip
        keep_letters = keep_letters or loaded.dead_letter_retention
    if older_than is not None:
        try:
            chosen = DataClass(data_class) if data_class else None
        except ValueError:
            raise ValidationError(
                "unknown data class",
                source=data_class,
                field="--class",
                expected=", ".join(c.value for c in DataClass),
            ) from None
        rules.append(PurgeRule(parse_age(older_than), chosen, property_iri))
    if not rules and keep_letters is None:
        raise ValidationError(
            "nothing to purge", expected="--older-than, --dead-letters-older-than or --policy"
        )

    async def run() -> dict[str, int]:
        async with open_store(store) as opened:
            return await opened.purge(rules, now=datetime.now(UTC), dead_letter_keep=keep_letters)

    for label, count in asyncio.run(run()).items():
        console.print(f"purged {count} ({label})", highlight=False)


def _property_iri(ref: str | None) -> str | None:
    """A policy's property reference (a registry key such as ``temperature``, or an IRI)."""
    if ref is None or ":" in ref:
        return ref
    from interop.model.properties import default_property_registry

    return default_property_registry().get(ref).iri


def _letter_json(letter: DeadLetter) -> str:
    return json.dumps(
        {
            "id": letter.id,
            "source": letter.source,
            "stage": letter.stage.value,
            "code": letter.code,
            "reason": letter.reason,
            "at": letter.at.isoformat(),
            "sink": letter.sink,
            "key": letter.key,
            "payload_base64": base64.b64encode(letter.payload).decode(),
        }
    )


@deadletter_app.command("list")
@reports_errors
def deadletter_list(
    store: StoreOption = "interop-data",
    source: Annotated[str | None, typer.Option(help="Only this source (route).")] = None,
    stage: Annotated[str | None, typer.Option(help="decode, policy or delivery.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON lines.")] = False,
) -> None:
    """List dead letters, oldest first, with their reasons."""
    from interop.store import open_store

    chosen = _stage(stage)

    async def run() -> list[DeadLetter]:
        async with open_store(store) as opened:
            return await opened.dead_letters(source=source, stage=chosen, limit=limit)

    letters = asyncio.run(run())
    if as_json:
        for letter in letters:
            sys.stdout.write(_letter_json(letter) + "\n")
        return
    table = Table(title=f"{len(letters)} dead letters")
    for column in ("id", "at", "source", "stage", "code", "reason"):
        table.add_column(column, overflow="fold")
    for letter in letters:
        table.add_row(
            str(letter.id),
            letter.at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(letter.source),
            letter.stage.value,
            letter.code,
            escape(letter.reason),
        )
    console.print(table)


@deadletter_app.command("replay")
@reports_errors
def deadletter_replay(
    store: StoreOption = "interop-data",
    ids: Annotated[
        list[int] | None, typer.Option("--id", help="Replay this dead letter (repeatable).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only this source (route).")] = None,
    stage: Annotated[str | None, typer.Option(help="decode, policy or delivery.")] = None,
    hint: Annotated[
        list[str] | None,
        typer.Option("--hint", "-H", help="Decode hint KEY=VALUE for the codec (repeatable)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 10_000,
    strict: StrictOption = False,
) -> None:
    """Try dead letters again after a fix; what now works is stored and delivered."""
    from interop.pipeline import RECORDS_PLUGIN, Pipeline, Route
    from interop.store import open_store

    chosen = _stage(stage)
    hints = parse_options(hint)
    wanted = set(ids or [])

    async def run() -> tuple[int, int, int]:
        async with open_store(store) as opened:
            letters: list[DeadLetter] = []
            after = 0
            while batch := await opened.dead_letters(
                source=source, stage=chosen, limit=1000, after=after
            ):
                letters += [d for d in batch if not wanted or d.id in wanted]
                after = batch[-1].id or after
                if len(letters) >= limit:
                    break
            letters = letters[:limit]
            routes = {
                d.source: Route.parse(d.source)
                for d in letters
                if d.stage is not DeadLetterStage.DELIVERY
            }
            routes = {k: Route(k, r.plugin, r.adapter, hints) for k, r in routes.items()}
            needs_registry = any(r.plugin != RECORDS_PLUGIN for r in routes.values())
            registry = load_registry(strict) if needs_registry else None
            pipeline = Pipeline(opened, registry, routes, deliver=False)
            done, failed = await pipeline.replay(letters)
            return len(letters), done, failed

    total, done, failed = asyncio.run(run())
    console.print(
        f"replayed {total} dead letters: {done} now stored, {failed} still failing",
        highlight=False,
    )
    if failed:
        raise typer.Exit(1)


def _stage(stage: str | None) -> DeadLetterStage | None:
    if stage is None:
        return None
    try:
        return DeadLetterStage(stage)
    except ValueError:
        raise ValidationError(
            "unknown stage", source=stage, field="--stage", expected="decode, policy or delivery"
        ) from None


def register(app: typer.Typer) -> None:
    """Add the ``store`` group to the root command."""
    app.add_typer(store_app)
