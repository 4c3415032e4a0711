"""A two-way bridge between canonical transit records and a :class:`gtfs_kit.Feed`, in memory.

A GTFS analyst moves from interop to gtfs-kit's analysis (trip and route statistics,
timetables, maps) and back without writing files:

    feed = to_gtfs_kit(records)              # canonical records -> gtfs_kit.Feed
    stats = feed.compute_trip_stats()        # gtfs-kit's analysis
    records = from_gtfs_kit(feed)            # gtfs_kit.Feed -> canonical records

Tables are typed exactly as ``gtfs_kit.read_feed`` types them (it is the same
``pandas.read_csv`` call, on the tables :func:`interop_gtfs.writer.feed_files` builds in
memory); columns gtfs-kit does not know are kept as text. Files a ``Feed`` has no attribute
for (levels, pathways, translations, GTFS-Flex and Fares v2 files, ...) travel in the
feed's ``interop_files`` attribute (file name -> bytes), which :func:`from_gtfs_kit` reads
back, so records -> Feed -> records is lossless. Needs the plugin's ``gtfs-kit`` extra.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from interop.errors import DecodeError
from interop.model.records import Record
from interop_gtfs.archive import FeedArchive
from interop_gtfs.ids import namespace_of
from interop_gtfs.reader import GtfsReader
from interop_gtfs.writer import feed_files

__all__ = ["EXTRA_FILES", "NAMESPACE", "feed_statistics", "from_gtfs_kit", "to_gtfs_kit"]

EXTRA_FILES = "interop_files"
"""The ``Feed`` attribute holding the files gtfs-kit has no table for (name -> bytes)."""
NAMESPACE = "interop_namespace"
"""The ``Feed`` attribute naming the records' IRI namespace, so the way back mints the same."""

_CSV_OPTIONS: dict[str, Any] = {
    "na_values": ["", " ", "nan", "NaN", "null"],
    "keep_default_na": True,
    "dtype_backend": "numpy_nullable",
    "encoding": "utf-8-sig",
}
"""``read_feed``'s own options (gtfs-kit 13), so that both paths type the tables alike."""


def _gtfs_kit() -> Any:
    try:
        import gtfs_kit  # type: ignore[import-untyped]
    except ImportError as error:  # pragma: no cover - depends on the installed extras
        raise DecodeError(
            "gtfs-kit is not installed",
            source="interop_gtfs.kit_bridge",
            expected="pip install 'interop-gtfs[gtfs-kit]'",
        ) from error
    return gtfs_kit


def to_gtfs_kit(
    records: Iterable[Record], *, namespace: str | None = None, dist_units: str | None = None
) -> Any:
    """A ``gtfs_kit.Feed`` of ``records`` (refusals as :class:`~interop_gtfs.GtfsWriter`'s).

    ``dist_units`` (``km``, ``mi``, ...) is inferred from the shapes as ``read_feed`` does
    when not given.
    """
    import pandas as pd  # type: ignore[import-untyped]

    gtfs_kit = _gtfs_kit()
    records = list(records)
    if namespace is None:
        namespace = next((namespace_of(r.id) for r in records if namespace_of(r.id)), None)
    files = feed_files(records, namespace)
    tables: dict[str, Any] = {}
    extra: dict[str, bytes] = {}
    for name, data in files.items():
        table = name.removesuffix(".txt")
        if not name.endswith(".txt") or table not in gtfs_kit.constants.DTYPES:
            extra[name] = data
            continue
        known = gtfs_kit.constants.DTYPES[table]
        header = data.split(b"\r\n", 1)[0].decode("utf-8").split(",")
        dtypes = {column: known.get(column, "string") for column in header}
        frame = pd.read_csv(io.BytesIO(data), dtype=dtypes, **_CSV_OPTIONS)
        if not frame.empty:
            tables[table] = gtfs_kit.cleaners.clean_column_names(frame)
        else:
            extra[name] = data  # a header-only file: gtfs-kit keeps no empty tables
    if dist_units is None:
        dist_units = gtfs_kit.shapes.infer_dist_units(tables.get("shapes"))
    feed = gtfs_kit.Feed(dist_units=dist_units, **tables)
    setattr(feed, EXTRA_FILES, extra)
    setattr(feed, NAMESPACE, namespace)
    return feed


def from_gtfs_kit(
    feed: Any,
    *,
    namespace: str | None = None,
    strict: bool | None = None,
) -> list[Record]:
    """The canonical records of a ``gtfs_kit.Feed`` (read as :class:`GtfsReader` reads a zip).

    ``namespace`` and ``strict`` are the reader's; without a namespace it is the one
    :func:`to_gtfs_kit` noted on the feed, else the feed's identity (feed_info, agency).
    Tables are written as ``Feed.to_file`` writes them.
    """
    gtfs_kit = _gtfs_kit()
    files: dict[str, bytes] = dict(getattr(feed, EXTRA_FILES, None) or {})
    for table in gtfs_kit.constants.DTYPES:
        frame = getattr(feed, table, None)
        if frame is not None:
            files[f"{table}.txt"] = frame.to_csv(index=False).encode("utf-8")
    reader = GtfsReader(namespace or getattr(feed, NAMESPACE, None), strict=strict)
    archive = FeedArchive.in_memory(files, "gtfs_kit.Feed")
    return list(reader.archive_records(archive, Path("gtfs_kit.Feed")))


def feed_statistics(records: Iterable[Record], *, dist_units: str | None = None) -> Any:
    """gtfs-kit's one-row-per-indicator description of the feed (``Feed.describe()``)."""
    return to_gtfs_kit(records, dist_units=dist_units).describe()
