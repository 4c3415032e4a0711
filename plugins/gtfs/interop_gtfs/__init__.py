"""interop-gtfs: GTFS Schedule feeds to canonical transit records and back, losslessly.

This module is what the ``interop.plugins`` entry point names: it holds the ``MANIFEST``
and the hook implementations. The column table is :mod:`interop_gtfs.columns`, IRIs are
:mod:`interop_gtfs.ids`, the dataset adapters :mod:`interop_gtfs.reader` and
:mod:`interop_gtfs.writer`, the feed access layer :mod:`interop_gtfs.archive` and
:mod:`interop_gtfs.tables`, the demo :mod:`interop_gtfs.demo` and the kit's strategies
:mod:`interop_gtfs.conformance` (imported only when the kit asks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from interop.adapters import Adapter, DemoResult
from interop.errors import ValidationError
from interop.hookspecs import hookimpl
from interop.validate import Report
from interop_gtfs.manifest import MANIFEST, __version__
from interop_gtfs.reader import GtfsReader
from interop_gtfs.realtime import GtfsRealtimeCodec
from interop_gtfs.writer import GtfsWriter

__all__ = [
    "MANIFEST",
    "GtfsReader",
    "GtfsRealtimeCodec",
    "GtfsWriter",
    "__version__",
    "interop_conformance_cases",
    "interop_demo",
    "interop_register_adapters",
    "interop_validate",
    "interop_write_rdf_profile",
]


@hookimpl
def interop_register_adapters() -> Sequence[type[Adapter]]:
    """The GTFS Schedule dataset reader and writer, and the GTFS-Realtime codec."""
    return [GtfsReader, GtfsWriter, GtfsRealtimeCodec]


@hookimpl
def interop_conformance_cases() -> Sequence[object]:
    """Conformance cases for the kit (imports Hypothesis, so only when the kit calls)."""
    from interop_gtfs.conformance import conformance_cases
    from interop_gtfs.realtime_conformance import realtime_cases

    return [*conformance_cases(), realtime_cases()]


@hookimpl
def interop_validate(path: Path) -> Report:
    """Check a GTFS feed (zip or folder) with MobilityData's notice codes."""
    from interop_gtfs.validation import validate_feed

    return validate_feed(path)


_LINKED_OPTIONS = frozenset({"base", "shapes"})


@hookimpl
def interop_write_rdf_profile(
    profile: str,
    source: Path,
    out: TextIO,
    options: Mapping[str, str],
    progress: Callable[[int], None] | None,
) -> int:
    """Write a feed as Linked GTFS, the graph of the GTFS-Madrid-Bench RML mapping.

    Options: ``base=IRI/`` (subject namespace), ``shapes=wkt`` (one GeoSPARQL line per
    shape instead of shape points) or ``shapes=points`` (the default).
    """
    from interop_gtfs.linked import DEFAULT_BASE, write_linked_gtfs

    unknown = sorted(set(options) - _LINKED_OPTIONS)
    shapes = options.get("shapes", "points")
    if unknown or shapes not in ("points", "wkt"):
        raise ValidationError(
            f"unsupported options {unknown}" if unknown else f"shapes={shapes!r}",
            source=f"{profile} profile",
            field="options",
            expected="base=<IRI ending in />, shapes=points|wkt",
        )
    return write_linked_gtfs(
        source,
        out,
        base=options.get("base", DEFAULT_BASE),
        shapes_as_wkt=shapes == "wkt",
        progress=progress,
    )


@hookimpl
def interop_demo(output_dir: Path) -> DemoResult | None:
    """Read the built-in sample feed and write its records as JSON lines and N-Triples."""
    from interop_gtfs.demo import run_demo

    return run_demo(output_dir)
