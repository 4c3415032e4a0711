"""``interop ingest PLUGIN:PATH --store DIR``: raw messages through the whole pipeline.

Each message is committed to the store's inbox, decoded by the plugin's codec, passed
through the policy stage and stored with its outbox entries; undecodable ones go to the
dead letter. With ``--sink``, records are then delivered to built-in sinks.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from interop.cli.context import (
    StoreOption,
    StrictOption,
    console,
    err_console,
    load_registry,
    parse_options,
    reports_errors,
)

if TYPE_CHECKING:
    from interop.pipeline import PipelineCounters
    from interop.privacy import Enforcer
    from interop.registry import Registry

__all__ = ["register"]


@reports_errors
def ingest(
    source: Annotated[str, typer.Argument(help="PLUGIN:PATH, e.g. lorawan:uplinks.jsonl")],
    store: StoreOption = "interop-data",
    sink: Annotated[
        list[str] | None,
        typer.Option(
            "--sink",
            help="Deliver to a built-in sink KIND:PATH (jsonl, nt, ttl, oxigraph); repeatable.",
        ),
    ] = None,
    hint: Annotated[
        list[str] | None,
        typer.Option("--hint", "-H", help="Decode hint KEY=VALUE for the codec (repeatable)."),
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="The city's privacy policy (TOML); the safe default else.")
    ] = None,
    jurisdiction: Annotated[
        str, typer.Option(help="Where this machine and its --sink files are (for the policy).")
    ] = "EEA",
    durability: Annotated[
        str, typer.Option(help="full (survives an OS crash) or process (survives kill -9).")
    ] = "full",
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    strict: StrictOption = False,
) -> None:
    """Run a file or folder of raw messages through the pipeline into a store."""
    from interop.convert import DataUri
    from interop.pipeline import RECORDS_PLUGIN, Pipeline, Route, SinkBinding
    from interop.pipeline.sinks import build_sink
    from interop.pipeline.sources import raw_messages
    from interop.store import Durability, open_store

    uri = DataUri.parse(source)
    route_name = f"{uri.scheme}+{uri.adapter}" if uri.adapter else uri.scheme
    route = Route(route_name, uri.scheme, uri.adapter, parse_options(hint))
    registry = None if uri.scheme == RECORDS_PLUGIN else load_registry(strict)
    bindings = []
    for spec in sink or []:
        name, built = build_sink(spec)
        bindings.append(SinkBinding(name, built, jurisdiction=jurisdiction, from_start=True))
    messages = list(raw_messages(uri.path, route_name))

    async def run() -> tuple[PipelineCounters, str]:
        async with open_store(store, durability=Durability(durability)) as opened:
            enforcer = _enforcer(policy, registry)
            pipeline = Pipeline(opened, registry, [route], sinks=bindings, policy=enforcer)
            columns = (
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} messages"),
                TimeElapsedColumn(),
            )
            async with pipeline:
                with Progress(*columns, console=err_console, transient=True) as progress:
                    task = progress.add_task(f"{source} -> {store}", total=len(messages))
                    for start in range(0, len(messages), 256):
                        chunk = messages[start : start + 256]
                        await pipeline.submit(chunk)
                        progress.advance(task, len(chunk))
                    await pipeline.wait_processed()
            return pipeline.counters, opened.location

    counters, location = asyncio.run(run())
    dead = sum(counters.dead_lettered.values())
    if as_json:
        payload = {**counters.as_dict(), "store": location}
        sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    else:
        delivered = ", ".join(f"{k} {v}" for k, v in counters.delivered.items()) or "no sink"
        console.print(
            f"ingested {counters.received} messages ({counters.duplicates} already stored): "
            f"{counters.stored} records stored, {dead} dead-lettered, delivered: {delivered}; "
            f"store {location}",
            highlight=False,
        )
    if dead:
        err_console.print(
            f"[yellow]{dead} messages could not be used[/]; see "
            f"`interop store deadletter list --store {store}`",
            highlight=False,
        )
        raise typer.Exit(1)


def _enforcer(policy: Path | None, registry: Registry | None) -> Enforcer:
    """The policy file's enforcer (the safe default without one), with the plugins' properties."""
    from interop.privacy import Enforcer, KeyRing, load_policy

    properties = registry.properties if registry is not None else None
    return Enforcer(load_policy(policy), KeyRing.from_env(), properties=properties)


def register(app: typer.Typer) -> None:
    """Add ``ingest`` to the root command."""
    app.command()(ingest)
