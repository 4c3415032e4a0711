"""Read a GTFS Schedule feed (zip or folder) as chunks of canonical transit records.

Files are read one at a time in :data:`~interop_gtfs.columns.FILES` order and rows are
streamed, so ``stop_times.txt`` never sits in memory as records; only ``shapes.txt`` is
gathered (its rows of one ``shape_id`` need not be contiguous) into one
:class:`~interop.model.transit.Shape` per shape.

Nothing is dropped: a column the specification does not define is kept, as text, in the
record's ``extensions["gtfs"]`` (for shapes, as a list with one value per point, in point
order); a file the model has no record for (a misspelt ``frecuencias.txt``, GTFS-Fares v2
files, a ``README``) is kept byte for byte in ``extensions["gtfs-files"]`` of the first
``agency.txt`` record (or, without agencies, the ``feed_info.txt`` record) as
``{"text": ...}`` for UTF-8 content or ``{"base64": ...}`` otherwise.

The reader is strict and clear: a row that cannot become a valid record raises
:class:`~interop.errors.DecodeError` naming the file, the data row (1 is the first row after
the header) and the column.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from interop.adapters import DatasetReader
from interop.errors import DecodeError
from interop.model.base import Provenance
from interop.model.records import Record
from interop.model.transit import Shape
from interop.validate import Issue
from interop_gtfs.archive import ArchiveLimits, FeedArchive
from interop_gtfs.columns import (
    FILES,
    SHAPE_COLUMNS,
    SHAPES_FILE,
    Column,
    FileSpec,
    format_value,
)
from interop_gtfs.ids import FeedNamespace, gtfs_iri, slug
from interop_gtfs.manifest import PLUGIN, __version__
from interop_gtfs.tables import Table, read_table

__all__ = ["FILES_NAMESPACE", "KNOWN_FILES", "GtfsReader"]

FILES_NAMESPACE = "gtfs-files"
"""Extensions namespace holding the files the model has no record type for."""

KNOWN_FILES = frozenset({spec.name for spec in FILES} | {SHAPES_FILE})
"""Files read into records; every other file of the feed is kept as an unknown file."""


def _set(fields: dict[str, Any], path: str, value: object) -> None:
    *parents, last = path.split(".")
    target = fields
    for step in parents:
        target = target.setdefault(step, {})
    target[last] = value


def _lookup(fields: object, path: str) -> object:
    """The value at a dotted path of parsed fields (a mapping) or of a record."""
    value: object = fields
    for step in path.split("."):
        if value is None:
            return None
        value = value.get(step) if isinstance(value, Mapping) else getattr(value, step, None)
    return value


def _column_of(loc: tuple[int | str, ...], columns: Mapping[str, str]) -> str | None:
    """The GTFS column behind a pydantic error location (``("point", "lat")``)."""
    if not loc:
        return None
    return columns.get(".".join(str(step) for step in loc)) or columns.get(str(loc[0]))


class _Fields:
    """A row's parsed fields as attributes, for :func:`format_value` on key columns."""

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self.fields = fields

    def __getattr__(self, name: str) -> object:
        return self.fields.get(name)


def derived_local_id(
    spec: FileSpec,
    values: object,
    record: object,
    ids: FeedNamespace,
    where: str,
    row: Mapping[str, str] | None = None,
) -> str:
    """The GTFS-side id of a keyless row: its normalised key values joined by ``/``.

    ``values`` holds the row's canonical values (parsed fields or the record itself);
    ``row``, when given, supplies the text of ids and text columns directly (they read
    and write back unchanged, so this is only faster).
    """
    by_name = spec.by_name
    parts = []
    for name in spec.key:
        column = by_name[name]
        if row is not None and column.type.exact:
            parts.append(row.get(name, ""))
        else:
            value = _lookup(values, column.field)
            parts.append(format_value(column, value, record, ids, where))
    return "/".join(parts)


def _unknown_file(archive: FeedArchive, name: str) -> dict[str, str]:
    with archive.open(name) as handle:
        data = handle.read()
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


class _Rows:
    """One table's rows with their data-row numbers, refusing rows the reader would cut."""

    def __init__(self, archive: FeedArchive, name: str, source: str) -> None:
        self.table = Table(name)
        self.source = source
        self.name = name
        self._rows = read_table(archive, name, self.table)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        seen_notices = 0
        for number, row in enumerate(self._rows, start=1):
            if number == 1:
                self._check_header()
            notices = self.table.notices
            grew = len(notices) > seen_notices and notices[-1].code == "invalid_row_length"
            seen_notices = len(notices)
            if grew and len(row) == len(self.table.columns):
                raise DecodeError(
                    f"more fields than the header ({notices[-1].message}); the extra "
                    "values would be lost",
                    source=f"{self.source}/{self.name} data row {number}",
                    expected="as many fields per row as header columns",
                )
            yield number, row

    def _check_header(self) -> None:
        columns = self.table.columns
        if len(set(columns)) != len(columns) or "" in columns:
            duplicated = sorted({c for c in columns if columns.count(c) > 1 or not c})
            raise DecodeError(
                f"the header repeats or leaves empty the column names {duplicated}",
                source=f"{self.source}/{self.name}",
                expected="unique, non-empty column names",
            )


class GtfsReader(DatasetReader):
    """GTFS Schedule zip or folder -> canonical transit records, streamed in chunks.

    ``namespace`` is the feed namespace of the minted IRIs (default: a slug of the feed's
    file name, ``sample-feed-1.zip`` -> ``sample-feed-1``). ``provenance=True`` stamps every
    record with a :class:`~interop.model.base.Provenance` naming the plugin and namespace
    (off by default: bulk exports stay lean). ``notices`` collects what the access layer
    reported on the last read (non-UTF-8 files, a feed in a sub-folder, short rows).
    """

    name = "gtfs"
    description = "GTFS Schedule feed (zip or folder) -> canonical transit records."

    def __init__(
        self,
        namespace: str | None = None,
        *,
        provenance: bool = False,
        limits: ArchiveLimits | None = None,
    ) -> None:
        self.namespace = namespace
        self.provenance = provenance
        self.limits = limits
        self.notices: list[Issue] = []

    def read(self, source: Path, *, chunk_size: int = 10_000) -> Iterator[list[Record]]:
        """Yield the feed's records in chunks of at most ``chunk_size``, file by file."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        return self._chunks(self._records(Path(source)), chunk_size)

    @staticmethod
    def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
        chunk: list[Record] = []
        for record in records:
            chunk.append(record)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _records(self, source: Path) -> Iterator[Record]:
        namespace = self.namespace or slug(source)
        self.notices = []
        with FeedArchive(source, self.limits) as archive:
            self.notices.extend(archive.notices)
            ctx = _Context(archive, str(source), namespace, self._provenance(namespace))
            unknown = {
                name: _unknown_file(archive, name)
                for name in archive.files
                if name not in KNOWN_FILES
            }
            hosts = [spec for spec in FILES if spec.name in ("agency.txt", "feed_info.txt")]
            early = {spec.name: list(ctx.file_records(spec)) for spec in hosts}
            if unknown:
                self._attach(early, unknown, str(source))
            for spec in FILES:
                if spec.name in early:
                    yield from early[spec.name]
                elif spec.name in archive.files:
                    yield from ctx.file_records(spec)
                if spec.name == "frequencies.txt" and SHAPES_FILE in archive.files:
                    yield from ctx.shapes()
            self.notices.extend(ctx.notices)

    def _provenance(self, namespace: str) -> Provenance | None:
        if not self.provenance:
            return None
        return Provenance(plugin=PLUGIN, plugin_version=__version__, source_system=namespace)

    @staticmethod
    def _attach(
        early: dict[str, list[Record]], unknown: dict[str, dict[str, str]], source: str
    ) -> None:
        for name in ("agency.txt", "feed_info.txt"):
            if early[name]:
                host = early[name][0]
                extensions = {**host.extensions, FILES_NAMESPACE: dict(unknown)}
                early[name][0] = host.model_copy(update={"extensions": extensions})
                return
        raise DecodeError(
            f"the feed has files {sorted(unknown)} but no agency.txt or feed_info.txt row to "
            "keep them on: not a GTFS feed",
            source=source,
            expected="a GTFS feed with agency.txt",
        )


class _Context:
    """One read of one feed: turns rows into records for the reader."""

    def __init__(
        self, archive: FeedArchive, source: str, namespace: str, provenance: Provenance | None
    ) -> None:
        self.archive = archive
        self.source = source
        self.namespace = namespace
        self.ids = FeedNamespace(namespace)
        self.provenance = provenance
        self.notices: list[Issue] = []

    def _error(self, file: str, number: int, message: str, column: str | None) -> DecodeError:
        return DecodeError(message, source=f"{self.source}/{file} data row {number}", field=column)

    def _parse(
        self,
        file: str,
        number: int,
        row: Mapping[str, str],
        columns: Sequence[Column],
    ) -> dict[str, Any]:
        """Parse the row's values of ``columns`` (those in the header) into canonical fields."""
        fields: dict[str, Any] = {}
        namespace = self.namespace
        for column in columns:
            text = row.get(column.name, "")
            if not text or (not column.type.exact and not text.strip()):
                if column.required:
                    raise self._error(file, number, "a required value is empty", column.name)
                continue
            try:
                value = column.type.parse(text, row, namespace)
            except ValueError as exc:
                raise self._error(file, number, str(exc), column.name) from None
            if "." in column.field:
                _set(fields, column.field, value)
            else:
                fields[column.field] = value
        return fields

    def _present(self, file: str, header: Sequence[str], columns: Sequence[Column]) -> list[Column]:
        """The columns in ``header``; a required column missing from it is a DecodeError."""
        missing = [c.name for c in columns if c.required and c.name not in header]
        if missing:
            raise DecodeError(
                f"required columns {missing} are missing from the header",
                source=f"{self.source}/{file}",
                field=missing[0],
            )
        return [column for column in columns if column.name in header]

    def _record_id(self, spec: FileSpec, number: int, row: Mapping[str, str], fields: Any) -> str:
        where = f"{self.source}/{spec.name} data row {number}"
        if spec.id_column is not None:
            text = row.get(spec.id_column, "")
            if text:
                return gtfs_iri(spec.id_kind, self.namespace, text)
            if spec.key_kind is not None:
                local = derived_local_id(spec, fields, _Fields(fields), self.ids, where, row)
                return gtfs_iri(spec.key_kind, self.namespace, local)
            if spec.empty_id:
                return gtfs_iri(spec.id_kind, self.namespace, "")
            raise self._error(spec.name, number, "a required value is empty", spec.id_column)
        local = derived_local_id(spec, fields, _Fields(fields), self.ids, where, row)
        return gtfs_iri(spec.id_kind, self.namespace, local)

    def _build(
        self,
        spec_name: str,
        model: type[Any],
        number: int,
        fields: dict[str, Any],
        columns: Mapping[str, str],
    ) -> Record:
        try:
            record: Record = model.model_validate(fields)
        except PydanticValidationError as exc:
            errors = exc.errors()
            column = _column_of(errors[0]["loc"], columns)
            problems = [errors[0]["msg"]]
            for error in errors[1:]:
                other = _column_of(error["loc"], columns)
                problems.append(f"{other}: {error['msg']}" if other else error["msg"])
            raise self._error(spec_name, number, "; ".join(problems), column) from None
        return record

    def file_records(self, spec: FileSpec) -> Iterator[Record]:
        """Stream the records of one file of the feed (none if the file is absent)."""
        if spec.name not in self.archive.files:
            return
        rows = _Rows(self.archive, spec.name, self.source)
        known = set(spec.all_columns)
        columns_of = {column.field: column.name for column in spec.columns}
        for column in spec.columns:
            columns_of.setdefault(column.field.split(".")[0], column.name)
        extra: list[str] | None = None
        present: list[Column] = []
        for number, row in rows:
            if extra is None:
                extra = [name for name in rows.table.columns if name not in known]
                present = self._present(spec.name, rows.table.columns, spec.columns)
            fields = self._parse(spec.name, number, row, present)
            fields["id"] = self._record_id(spec, number, row, fields)
            if extra:
                fields["extensions"] = {PLUGIN: {name: row.get(name, "") for name in extra}}
            if self.provenance is not None:
                fields["provenance"] = self.provenance
            yield self._build(spec.name, spec.model, number, fields, columns_of)
        self.notices.extend(rows.table.notices)

    def shapes(self) -> Iterator[Record]:
        """Gather ``shapes.txt`` by ``shape_id``; yield one Shape each, in first-seen order."""
        rows = _Rows(self.archive, SHAPES_FILE, self.source)
        points: dict[str, list[tuple[int, dict[str, Any], list[str]]]] = {}
        first_row: dict[str, int] = {}
        extra: list[str] | None = None
        known = {"shape_id", *(column.name for column in SHAPE_COLUMNS)}
        present: list[Column] = []
        for number, row in rows:
            if extra is None:
                extra = [name for name in rows.table.columns if name not in known]
                present = self._present(SHAPES_FILE, rows.table.columns, SHAPE_COLUMNS)
            shape_id = row.get("shape_id", "")
            if not shape_id:
                raise self._error(SHAPES_FILE, number, "a required value is empty", "shape_id")
            point = self._parse(SHAPES_FILE, number, row, present)
            first_row.setdefault(shape_id, number)
            values = [row.get(name, "") for name in extra]
            points.setdefault(shape_id, []).append((number, point, values))
        self.notices.extend(rows.table.notices)
        columns_of = {"points": "shape_pt_sequence"}
        for shape_id, rows_of_shape in points.items():
            rows_of_shape.sort(key=lambda item: item[1]["sequence"])
            fields: dict[str, Any] = {
                "id": gtfs_iri("shape", self.namespace, shape_id),
                "points": [point for _, point, _ in rows_of_shape],
            }
            if extra:
                fields["extensions"] = {
                    PLUGIN: {
                        name: [values[index] for _, _, values in rows_of_shape]
                        for index, name in enumerate(extra)
                    }
                }
            if self.provenance is not None:
                fields["provenance"] = self.provenance
            try:
                yield Shape.model_validate(fields)
            except PydanticValidationError as exc:
                message = "; ".join(error["msg"] for error in exc.errors())
                raise self._error(
                    SHAPES_FILE,
                    first_row[shape_id],
                    f"shape {shape_id!r} (first row shown): {message}",
                    _column_of(exc.errors()[0]["loc"], columns_of),
                ) from None
