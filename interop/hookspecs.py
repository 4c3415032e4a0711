"""The plugin contract: every hook a plugin may implement, each documented here.

Hooks are pluggy hooks with the ``interop_`` prefix. A plugin module marks its
implementations with :data:`hookimpl` and also holds a module-level ``MANIFEST``
(:class:`interop.adapters.PluginManifest`). Implementations may accept fewer arguments than
the spec, so within an API major version a hook only ever *gains* arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import pluggy

from interop.adapters import Adapter, DemoResult
from interop.egress import DownlinkRequest
from interop.ingress import Ingress
from interop.model.command import Command
from interop.model.properties import PropertySpec
from interop.model.units import Unit
from interop.report import Report

if TYPE_CHECKING:  # the CLI's framework, imported only by the CLI itself
    import typer

    from interop.simulation.server import SimulatorSpec  # needs aiohttp: typing only
    from interop.testing.cases import ConformanceCase  # the kit: typing only

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "interop"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Decorator for plugin hook implementations: ``@hookimpl def interop_register_adapters()``."""


@hookspec
def interop_register_adapters() -> Sequence[type[Adapter]]:
    """Return the adapter classes this plugin provides (codecs, readers, controllers, ...).

    Each class subclasses one adapter kind of :mod:`interop.adapters`; its ``name`` is unique
    among the plugin's adapters of that kind. The core instantiates them on demand.
    """


@hookspec
def interop_register_properties() -> Sequence[PropertySpec]:
    """Return properties this plugin adds to the property registry.

    Use SAREF or SAREF-extension IRIs where they exist; otherwise the plugin's own IRI,
    documented in its ontology. Biometric properties are refused by the registry.
    """


@hookspec
def interop_register_units() -> Sequence[Unit]:
    """Return units this plugin adds to the unit registry (OM-2 IRIs where they exist)."""


@hookspec(firstresult=True)
def interop_sniff(raw: bytes, hints: Mapping[str, str]) -> str | None:
    """Claim an unlabelled payload: return the name of the codec that can decode it, or None.

    Stops at the first non-None result; must be cheap and must never raise on junk.
    """


@hookspec
def interop_demo(output_dir: Path) -> DemoResult | None:
    """Run this plugin's demo on its built-in sample data, writing files under ``output_dir``.

    ``output_dir`` is a directory reserved for this plugin. Must work offline.
    """


@hookspec
def interop_validate(path: Path) -> Report:
    """Check a file or folder in this plugin's format and report every issue found.

    Called for ``interop validate <plugin>:<path>``. Must return a report for any input,
    broken or hostile: problems are issues in the report (severity, code, file, row,
    field, message), never exceptions, except for an input that cannot be opened at all.
    """


@hookspec
def interop_write_rdf_profile(
    profile: str,
    source: Path,
    out: TextIO,
    options: Mapping[str, str],
    progress: Callable[[int], None] | None,
) -> int:
    """Write ``source`` as N-Triples to ``out`` in ``profile``; return the triple count.

    For vocabularies a community already uses for the plugin's format (Linked GTFS for GTFS)
    beside the canonical SAREF mapping. ``profile`` is one of ``MANIFEST.rdf_profiles``;
    ``options`` are profile-specific (unknown keys raise ``ValidationError``); ``progress``,
    when given, is called with the number of rows or triples done since the last call.
    Streams: implementations never build a whole graph in memory.
    """


@hookspec
def interop_conformance_cases() -> Sequence[ConformanceCase]:
    """Return conformance cases (classes of :mod:`interop.testing.cases`) for the kit.

    Each case tells the conformance kit which records an adapter can represent (as a
    Hypothesis strategy), which it must refuse, and real sample messages it must decode.
    Only the kit calls this hook; implementations import Hypothesis inside the function so
    that the plugin never needs it at run time.
    """


@hookspec
def interop_simulators() -> Sequence[SimulatorSpec]:
    """Return simulators of this plugin's vendor system (``SimulatorSpec`` objects).

    See :class:`interop.simulation.server.SimulatorSpec`.
    Each serves the vendor API over a simulated fleet on 127.0.0.1 and knows how to connect
    the plugin's controller to it; ``interop sim NAME`` runs one, and the controller
    conformance suite (:mod:`interop.testing.lighting`) tests the plugin against it.
    Implementations import aiohttp inside the function.
    """


@hookspec
def interop_cli_groups() -> Sequence[typer.Typer]:
    """Return command groups this plugin adds to the ``interop`` command line.

    Each is a named ``typer.Typer`` (``typer.Typer(name="lorawan")``) mounted as
    ``interop <name> ...`` for commands that only make sense for this plugin's format
    (``interop lorawan codecs``); generic work belongs in the core commands. A name that a
    core command or an earlier plugin already uses is skipped with a warning. The CLI loads
    plugins leniently for this, so a broken plugin never breaks ``interop --help``; keep the
    module that builds the groups cheap to import (import heavy code inside the commands).
    """


@hookspec
def interop_ingress() -> Sequence[Ingress]:
    """Return the ways this plugin's systems push data to the gateway (webhooks, MQTT topics).

    See :class:`interop.ingress.Ingress`. ``interop serve`` mounts a webhook route
    ``POST /ingest/{plugin}/{name}`` for each and subscribes to its MQTT topics when the
    gateway config names a broker; messages go through the plugin's codec into the pipeline.
    The gateway itself knows no vendor.
    """


@hookspec
def interop_downlink(command: Command, settings: Mapping[str, Any]) -> DownlinkRequest | None:
    """Return the HTTP request that queues ``command`` on a network server, or None.

    See :class:`interop.egress.DownlinkRequest`. ``settings`` is the ``settings`` table of
    one ``[[downlink]]`` entry of the gateway config naming this plugin, with the secrets
    of its ``secrets`` table already resolved (never log them). Return None when the
    settings name a network this plugin does not write for; raise
    :class:`~interop.errors.EncodeError` naming the command and field when the command
    cannot be expressed (no downlink for its action, an unknown device). The gateway sends
    the request to the entry's base URL and stores the Command and its CommandResult;
    the plugin does no I/O here.
    """
