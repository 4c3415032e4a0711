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

Reading is lenient by default, because real feeds always hold a few bad values: a bad value
of an optional column is kept verbatim in ``extensions["gtfs"]`` under its own column name
(the writer writes it back, so the round trip stays lossless) and raises a notice with
MobilityData's code (``invalid_color``, ``number_out_of_range``, ...); a row that cannot
become a record at all (a required value missing) is set aside through
:mod:`interop.setaside` with its reason. Duplicate ids and references to missing rows are
noticed (:mod:`interop_gtfs.references`) and kept. ``strict=True`` restores fail-fast
reading: the first bad value raises :class:`~interop.errors.DecodeError` naming the file,
the data row (1 is the first row after the header) and the column.
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from interop.adapters import DatasetReader
from interop.errors import DecodeError
from interop.model.base import Provenance
from interop.model.records import Record
from interop.model.transit import Shape
from interop.setaside import SetAside, current, set_aside
from interop.validate import Issue, Severity
from interop_gtfs.archive import ArchiveLimits, FeedArchive
from interop_gtfs.collection import paused_items
from interop_gtfs.columns import (
    FILES,
    SHAPE_COLUMNS,
    SHAPES_FILE,
    Column,
    FileSpec,
    Reference,
    format_value,
)
from interop_gtfs.identity import feed_namespace
from interop_gtfs.ids import FeedNamespace, gtfs_iri
from interop_gtfs.manifest import PLUGIN, __version__
from interop_gtfs.record_table import RecordTable
from interop_gtfs.references import ReferenceCheck
from interop_gtfs.shape_rows import ShapeTable, shape_tables
from interop_gtfs.table_rows import columnar_spec, file_tables, records_table
from interop_gtfs.tables import Table, read_header, read_table
from interop_gtfs.validation.notices import SEVERITIES

__all__ = ["FILES_NAMESPACE", "KNOWN_FILES", "ROWS_NAMESPACE", "GtfsReader", "RowError"]

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


class RowError(DecodeError):
    """A row that cannot become a record; ``notice`` is the MobilityData code of why."""

    def __init__(
        self, message: str, *, source: str, field: str | None, notice: str, row: int = 0
    ) -> None:
        super().__init__(message, source=source, field=field)
        self.notice = notice
        self.row = row


def _row_text(header: Sequence[str], row: Mapping[str, str] | Sequence[str]) -> str:
    """A row as one CSV line (the header's columns), for the dead letter."""
    out = io.StringIO()
    values = list(row) if not isinstance(row, Mapping) else [row[c] for c in header if c in row]
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


ROWS_NAMESPACE = "gtfs-rows"
"""Extensions namespace keeping rows that became no record, verbatim, by file name."""


def _with_rows(record: Record, ctx: _Context) -> Record:
    """``record`` carrying the rows set aside since the previous record, and clear them."""
    kept: dict[str, Any] = dict(record.extensions.get(ROWS_NAMESPACE, {}))
    for file, rows in ctx.kept_rows.items():
        kept[file] = [*kept.get(file, []), *rows]
    ctx.kept_rows = {}
    return record.model_copy(update={"extensions": {**record.extensions, ROWS_NAMESPACE: kept}})


def _with_files(record: Record, files: dict[str, dict[str, str]]) -> Record:
    """``record`` keeping the feed's unknown files in its ``gtfs-files`` extension."""
    extensions = {**record.extensions, FILES_NAMESPACE: dict(files)}
    return record.model_copy(update={"extensions": extensions})


def _broken_headers(archive: FeedArchive, ctx: _Context) -> set[str]:
    """Known files whose header repeats or leaves empty a column name (noticed).

    Their rows cannot be told apart by column, so a lenient read keeps such a file byte for
    byte, as it keeps files it has no record type for.
    """
    broken = set()
    for name in sorted(set(archive.files) & KNOWN_FILES):
        columns = read_header(archive, name)
        repeated = sorted({c for c in columns if columns.count(c) > 1 or not c})
        if repeated:
            broken.add(name)
            code = "empty_column_name" if "" in repeated else "duplicated_column"
            ctx.note(code, f"the header repeats or leaves empty {repeated}", name, 1, None)
    return broken


def _padded(header: Sequence[str], row: Mapping[str, str]) -> dict[str, str]:
    """A row with every header column (a short row's missing trailing values are empty)."""
    return {column: row.get(column, "") for column in header}


class _Rows:
    """One table's rows with their data-row numbers; overlong rows are refused or set aside."""

    def __init__(self, ctx: _Context, name: str) -> None:
        self.table = Table(name)
        self.ctx = ctx
        self.name = name
        self._rows = read_table(ctx.archive, name, self.table)

    def close(self) -> None:
        """Close the underlying file now (also when reading stopped on an error)."""
        self._rows.close()

    def __enter__(self) -> _Rows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        seen_notices = 0
        source = f"{self.ctx.source}/{self.name}"
        for number, row in enumerate(self._rows, start=1):
            if number == 1:
                self._check_header()
            notices = self.table.notices
            grew = len(notices) > seen_notices and notices[-1].code == "invalid_row_length"
            seen_notices = len(notices)
            if grew and len(row) == len(self.table.columns):
                error = RowError(
                    f"more fields than the header ({notices[-1].message}); the extra "
                    "values would be lost",
                    source=f"{source} data row {number}",
                    field=None,
                    notice="invalid_row_length",
                    row=number,
                )
                self.ctx.refuse(error, self.name, _row_text(self.table.columns, row))
                continue
            yield number, row

    def _check_header(self) -> None:
        columns = self.table.columns
        if len(set(columns)) != len(columns) or "" in columns:
            duplicated = sorted({c for c in columns if columns.count(c) > 1 or not c})
            raise DecodeError(
                f"the header repeats or leaves empty the column names {duplicated}",
                source=f"{self.ctx.source}/{self.name}",
                expected="unique, non-empty column names",
            )


class GtfsReader(DatasetReader):
    """GTFS Schedule zip or folder -> canonical transit records, streamed in chunks.

    ``namespace`` is the feed namespace of the minted IRIs (default: the feed's identity,
    see :mod:`interop_gtfs.identity`). ``provenance=True`` stamps every record with a
    :class:`~interop.model.base.Provenance` naming the plugin and namespace (off by default:
    bulk exports stay lean).

    Reading is lenient unless ``strict``: a bad optional value is kept verbatim in
    ``extensions["gtfs"]`` under its column's name with a notice, and a row that cannot
    become a record is set aside (:func:`interop.setaside.set_aside`) with its reason.
    ``strict=None`` follows the caller's :class:`~interop.setaside.SetAsideLog` if one is
    collecting, else is lenient. After a read, ``notices`` lists what was noticed (the first
    1,000 of each code) and ``set_aside`` the items set aside (when no log collected them).

    Files are checked a column at a time (:mod:`interop_gtfs.table_rows`,
    :mod:`interop_gtfs.shape_rows`): each distinct text once, by the model's own field
    rules, and only rows that need a notice go through the per-row path. ``columnar=False``
    reads every row through the per-row path, the reference the column path is tested
    against (same records, notices and set-aside items, only slower).
    """

    name = "gtfs"
    description = "GTFS Schedule feed (zip or folder) -> canonical transit records."

    def __init__(
        self,
        namespace: str | None = None,
        *,
        provenance: bool = False,
        limits: ArchiveLimits | None = None,
        strict: bool | None = None,
        columnar: bool = True,
    ) -> None:
        self.columnar = columnar
        self.namespace = namespace
        self.provenance = provenance
        self.limits = limits
        self.strict = strict
        self.notices: list[Issue] = []
        self.set_aside: list[SetAside] = []

    def read(self, source: Path, *, chunk_size: int = 10_000) -> Iterator[list[Record]]:
        """Yield the feed's records in chunks of at most ``chunk_size``, file by file."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        return paused_items(self._chunks(self._records(Path(source), chunk_size), chunk_size))

    def read_tables(
        self, source: Path, *, chunk_size: int = 10_000
    ) -> Iterator[RecordTable | ShapeTable]:
        """Yield the feed as :class:`RecordTable` blocks of at most ``chunk_size`` rows.

        The same records, notices and set-aside items as :meth:`read`, held as validated
        columns: a record is assembled when it is looked at, and
        :class:`~interop_gtfs.writer.GtfsWriter` writes a table without assembling any.
        """
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        return paused_items(self._tables(Path(source), chunk_size))

    def _tables(self, source: Path, size: int) -> Iterator[RecordTable | ShapeTable]:
        with FeedArchive(source, self.limits) as archive:
            yield from self.archive_tables(archive, source, size)

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

    def _records(self, source: Path, size: int = 10_000) -> Iterator[Record]:
        with FeedArchive(source, self.limits) as archive:
            for table in self.archive_tables(archive, source, size):
                yield from table

    def archive_records(self, archive: FeedArchive, source: Path) -> Iterator[Record]:
        """Stream the records of an opened feed (an in-memory one too); ``source`` names it."""
        for table in self.archive_tables(archive, source, 10_000):
            yield from table

    def archive_tables(
        self, archive: FeedArchive, source: Path, size: int
    ) -> Iterator[RecordTable | ShapeTable]:
        """Stream an opened feed as tables of at most ``size`` rows; ``source`` names it."""
        self.notices = []
        self.set_aside = []
        log = current()
        strict = self.strict if self.strict is not None else (log is not None and log.strict)
        namespace = self.namespace or feed_namespace(archive, source)
        ctx = _Context(archive, str(source), namespace, self._provenance(namespace), strict, self)
        for issue in archive.notices:
            ctx.note_issue(issue)
        unreadable = set() if strict else _broken_headers(archive, ctx)
        unknown = {
            name: _unknown_file(archive, name)
            for name in archive.files
            if name not in KNOWN_FILES or name in unreadable
        }
        hosts = [spec for spec in FILES if spec.name in ("agency.txt", "feed_info.txt")]
        early = {spec.name: list(ctx.file_records(spec)) for spec in hosts}
        pending: dict[str, dict[str, str]] = {}
        previous: RecordTable | ShapeTable | None = None
        if unknown and (strict or any(early.values())):
            self._attach(early, unknown, str(source))
        elif unknown:
            pending = unknown  # no agency or feed_info row: the first record keeps them
        for spec in FILES:
            if spec.name in early:
                tables: Iterator[RecordTable | ShapeTable] = iter(
                    [records_table(ctx, spec, early[spec.name])]
                )
            elif spec.name in archive.files and spec.name not in unreadable:
                tables = (
                    ctx.file_tables(spec, size)
                    if self.columnar
                    else ctx.record_tables(spec, ctx.file_records(spec), size)
                )
            else:
                tables = iter(())
            if spec.name == "frequencies.txt" and SHAPES_FILE in set(archive.files) - unreadable:
                shapes = (
                    shape_tables(ctx, size)
                    if self.columnar
                    else ctx.record_tables(spec, ctx.shapes(), size)
                )
                tables = itertools.chain(tables, shapes)
            for table in tables:
                if not len(table):
                    continue
                if pending:
                    table = table.replaced(0, _with_files(table[0], pending))
                    pending = {}
                if ctx.kept_rows and spec.name in early:
                    # read before every other file: rows set aside since the previous
                    # record ride on its first record (tables read in turn carry their own)
                    table = table.replaced(0, _with_rows(table[0], ctx))
                if previous is not None:
                    yield previous
                previous = table
        if previous is not None:  # rows set aside after the last record ride on it
            if ctx.kept_rows:
                previous = previous.replaced(-1, _with_rows(previous[-1], ctx))
            yield previous
        for name, content in pending.items():
            error = RowError(
                "a file of a feed without any record to keep it on",
                source=f"{source}/{name}",
                field=None,
                notice="unknown_file",
            )
            ctx.refuse(error, name, content.get("text", content.get("base64", "")))
        ctx.references.finish()

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
                early[name][0] = _with_files(early[name][0], unknown)
                return
        raise DecodeError(
            f"the feed has files {sorted(unknown)} but no agency.txt or feed_info.txt row to "
            "keep them on: not a GTFS feed",
            source=source,
            expected="a GTFS feed with agency.txt",
        )


_NOTICE_CAP = 1000
_BOUND_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def _pydantic_notice(error_type: str, column: str) -> str:
    """The MobilityData notice code for a value the model refuses."""
    if error_type in _BOUND_ERRORS:
        return "number_out_of_range"
    if error_type == "string_pattern_mismatch":
        if "color" in column:
            return "invalid_color"
        if "currency" in column:
            return "invalid_currency"
    return "invalid_field_value"


class _FileState:
    """What reading one file needs of its header: extra and present columns, references."""

    def __init__(self, ctx: _Context, spec: FileSpec, header: Sequence[str]) -> None:
        known = set(spec.all_columns)
        self.spec = spec
        self.header = tuple(header)
        self.columns_of = {column.field: column.name for column in spec.columns}
        for column in spec.columns:
            self.columns_of.setdefault(column.field.split(".")[0], column.name)
        self.extra = [name for name in header if name not in known]
        self.present = ctx._present(spec.name, header, spec.columns)
        self.references = [
            (c.name, c.type.kind) for c in self.present if isinstance(c.type, Reference)
        ]
        self.unique = spec.id_column is not None and spec.key_kind is None


class _Context:
    """One read of one feed: turns rows into records, noticing and setting aside for the reader."""

    def __init__(
        self,
        archive: FeedArchive,
        source: str,
        namespace: str,
        provenance: Provenance | None,
        strict: bool,
        reader: GtfsReader,
    ) -> None:
        self.archive = archive
        self.source = source
        self.namespace = namespace
        self.ids = FeedNamespace(namespace)
        self.provenance = provenance
        self.strict = strict
        self.reader = reader
        self.log = current()
        self._counts: Counter[str] = Counter()
        self.references = ReferenceCheck(set(archive.files), self.note)
        self.kept_rows: dict[str, list[dict[str, str]]] = {}
        self.shape_header: tuple[str, ...] = ()

    # -- notices and set-aside items ------------------------------------------------------

    def note_issue(self, issue: Issue) -> None:
        """Record a notice for the reader and the collecting log, if any."""
        self._counts[issue.code] += 1
        if self._counts[issue.code] <= _NOTICE_CAP:
            self.reader.notices.append(issue)
        if self.log is not None:
            self.log.note(issue)

    def note(self, code: str, message: str, file: str, row: int | None, field: str | None) -> None:
        """Record a notice with MobilityData's severity for ``code``."""
        severity = SEVERITIES.get(code, Severity.ERROR)
        self.note_issue(Issue(severity, code, message, file, row, field))

    def refuse(
        self, error: RowError, file: str, raw: str, row: Mapping[str, str] | None = None
    ) -> None:
        """Set a row aside (lenient) or raise ``error`` (strict, or the log refuses).

        A ``row`` given as columns is also kept verbatim for the next record to carry, so
        that writing the feed back loses nothing.
        """
        if self.strict:
            raise error
        if row is not None and (self.log is None or not self.log.refuses):
            self.kept_rows.setdefault(file, []).append(dict(row))
        self.note(error.notice, error.message, file, error.row or None, error.field)
        if self.log is not None:
            set_aside(error, code=error.notice, raw=raw)
        else:
            item = SetAside(error.source or file, error.notice, str(error), raw)
            self.reader.set_aside.append(item)

    def refuse_overlong(
        self,
        file: str,
        number: int,
        length: int,
        width: int,
        row: Sequence[str],
        header: Sequence[str],
    ) -> None:
        """Set aside a row with more fields than the header (its extra values would be lost)."""
        error = RowError(
            f"more fields than the header ({length} fields where the header has {width}); "
            "the extra values would be lost",
            source=f"{self.source}/{file} data row {number}",
            field=None,
            notice="invalid_row_length",
            row=number,
        )
        self.refuse(error, file, _row_text(header, dict(zip(header, row, strict=False))))

    def file_state(self, spec: FileSpec, header: Sequence[str]) -> _FileState:
        """What reading ``spec``'s rows under ``header`` needs (notices missing columns)."""
        return _FileState(self, spec, header)

    @staticmethod
    def shape_item(
        number: int, point: dict[str, Any], values: list[str], distance: str
    ) -> _ShapeRow:
        """A clean ``shapes.txt`` row as :meth:`build_shape` takes it."""
        return _ShapeRow(number, point, values, None, distance)

    def build_shape(self, shape_id: str, rows: list[_ShapeRow], extra: list[str]) -> Shape | None:
        """The Shape of ``rows`` (sorted, repaired, points set aside); None if none is left."""
        return _ShapeBuilder(self, shape_id, rows, extra).build()

    def carry_kept(self, record: Record) -> Record:
        """``record`` carrying the rows set aside since the previous record."""
        return _with_rows(record, self)

    def file_tables(self, spec: FileSpec, size: int) -> Iterator[RecordTable]:
        """One file as tables: a column at a time where the model allows, else row by row."""
        if columnar_spec(spec):
            return file_tables(self, spec, size)
        return self.record_tables(spec, self.file_records(spec), size)

    def record_tables(
        self, spec: FileSpec, records: Iterable[Record], size: int
    ) -> Iterator[RecordTable]:
        """Records made row by row, in tables of at most ``size``; set-aside rows ride on."""
        made: list[Record] = []
        for record in records:
            made.append(_with_rows(record, self) if self.kept_rows else record)
            if len(made) >= size:
                yield records_table(self, spec, made)
                made = []
        if made:
            yield records_table(self, spec, made)

    def _error(
        self, file: str, number: int, message: str, column: str | None, notice: str
    ) -> RowError:
        return RowError(
            message,
            source=f"{self.source}/{file} data row {number}",
            field=column,
            notice=notice,
            row=number,
        )

    # -- values -----------------------------------------------------------------------------

    def _parse(
        self,
        file: str,
        number: int,
        row: Mapping[str, str],
        columns: Sequence[Column],
        kept: dict[str, str],
    ) -> dict[str, Any]:
        """Parse the row's values of ``columns`` into canonical fields.

        A bad value of an optional column is kept verbatim in ``kept`` (lenient) with a
        notice; a bad or empty required value is a :class:`RowError`.
        """
        fields: dict[str, Any] = {}
        namespace = self.namespace
        for column in columns:
            text = row.get(column.name, "")
            if not text or (not column.type.exact and not text.strip()):
                if column.required:
                    raise self._error(
                        file,
                        number,
                        "a required value is empty",
                        column.name,
                        "missing_required_field",
                    )
                continue
            try:
                value = column.type.parse(text, row, namespace)
            except ValueError as exc:
                if column.required or self.strict:
                    raise self._error(
                        file, number, str(exc), column.name, column.type.notice
                    ) from None
                kept[column.name] = text
                self.note(column.type.notice, str(exc), file, number, column.name)
                continue
            if "." in column.field:
                _set(fields, column.field, value)
            else:
                fields[column.field] = value
        return fields

    def _present(self, file: str, header: Sequence[str], columns: Sequence[Column]) -> list[Column]:
        """The columns in ``header``; a missing required column is refused (strict) or noticed."""
        missing = [c.name for c in columns if c.required and c.name not in header]
        if missing:
            if self.strict:
                raise DecodeError(
                    f"required columns {missing} are missing from the header",
                    source=f"{self.source}/{file}",
                    field=missing[0],
                )
            for name in missing:
                self.note("missing_required_column", "not in the header", file, 1, name)
        return [column for column in columns if column.name in header or column.required]

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
            raise self._error(
                spec.name,
                number,
                "a required value is empty",
                spec.id_column,
                "missing_required_field",
            )
        local = derived_local_id(spec, fields, _Fields(fields), self.ids, where, row)
        return gtfs_iri(spec.id_kind, self.namespace, local)

    def _build(
        self,
        spec: FileSpec,
        number: int,
        row: Mapping[str, str],
        fields: dict[str, Any],
        columns: Mapping[str, str],
        kept: dict[str, str],
    ) -> Record:
        """Validate the record; leniently, move values the model refuses into ``kept``."""
        model: Any = spec.model
        for _ in range(len(spec.columns) + 1):
            try:
                record: Record = model.model_validate(fields)
                return record
            except PydanticValidationError as exc:
                errors = exc.errors()
                if self.strict or not self._demote(
                    spec, number, row, fields, errors, columns, kept
                ):
                    raise self._refusal(spec.name, number, errors, columns) from None
        raise self._refusal(spec.name, number, [], columns)

    def _refusal(
        self, file: str, number: int, errors: Sequence[Any], columns: Mapping[str, str]
    ) -> RowError:
        if not errors:
            return self._error(file, number, "the row is not a valid record", None, "invalid_row")
        column = _column_of(errors[0]["loc"], columns)
        problems = [errors[0]["msg"]]
        for error in errors[1:]:
            other = _column_of(error["loc"], columns)
            problems.append(f"{other}: {error['msg']}" if other else error["msg"])
        code = _pydantic_notice(errors[0]["type"], column or "") if column else "invalid_row"
        return self._error(file, number, "; ".join(problems), column, code)

    def _demote(
        self,
        spec: FileSpec,
        number: int,
        row: Mapping[str, str],
        fields: dict[str, Any],
        errors: Sequence[Any],
        columns: Mapping[str, str],
        kept: dict[str, str],
    ) -> bool:
        """Move the values behind ``errors`` out of ``fields`` into ``kept``; False if none can.

        A value error names its column; an error of the whole record (departure before
        arrival) is resolved by the one optional value whose removal makes the record valid.
        """
        by_name = spec.by_name
        targets: list[tuple[Column, str]] = []
        for error in errors:
            name = _column_of(error["loc"], columns)
            column = by_name.get(name) if name else None
            if column is None:
                targets = []
                break
            if column.required:
                return False
            targets.append((column, _pydantic_notice(error["type"], column.name)))
        if not targets:
            found = self._culprit(spec, fields)
            if found is None:
                return False
            targets = [(found, "inconsistent_field_values")]
            message = f"{found.name} contradicts the row's other values: {errors[0]['msg']}"
        else:
            message = "; ".join(str(error["msg"]) for error in errors)
        for column, code in targets:
            self._keep(spec, column, row, fields, kept)
            self.note(code, message, spec.name, number, column.name)
        return True

    @staticmethod
    def _keep(
        spec: FileSpec,
        column: Column,
        row: Mapping[str, str],
        fields: dict[str, Any],
        kept: dict[str, str],
    ) -> None:
        """Drop ``column``'s field (a whole nested group: both point columns) into ``kept``."""
        top = column.field.split(".")[0]
        fields.pop(top, None)
        for other in spec.columns:
            if other.field.split(".")[0] == top and row.get(other.name, ""):
                kept[other.name] = row[other.name]

    @staticmethod
    def _culprit(spec: FileSpec, fields: dict[str, Any]) -> Column | None:
        """The last optional column whose removal makes the record valid, if any."""
        for column in reversed(spec.columns):
            top = column.field.split(".")[0]
            if column.required or top not in fields:
                continue
            trial = {key: value for key, value in fields.items() if key != top}
            try:
                spec.model.model_validate(trial)
            except PydanticValidationError:
                continue
            return column
        return None

    # -- files ------------------------------------------------------------------------------

    def file_records(self, spec: FileSpec) -> Iterator[Record]:
        """Stream the records of one file of the feed (none if the file is absent)."""
        if spec.name not in self.archive.files:
            return
        with _Rows(self, spec.name) as rows:
            yield from self._file_rows(spec, rows)

    def _file_rows(self, spec: FileSpec, rows: _Rows) -> Iterator[Record]:
        state: _FileState | None = None
        for number, row in rows:
            if state is None:
                state = _FileState(self, spec, rows.table.columns)
            record = self.row_record(state, number, row)
            if record is not None:
                yield record
        for issue in rows.table.notices:
            self.note_issue(issue)
        self.references.finished(spec.name)

    def row_record(self, state: _FileState, number: int, row: Mapping[str, str]) -> Record | None:
        """One row (column -> text) as its record, noticing; None if it was set aside."""
        spec = state.spec
        kept: dict[str, str] = {}
        try:
            fields = self._parse(spec.name, number, row, state.present, kept)
            fields["id"] = self._record_id(spec, number, row, fields)
            if state.extra or kept:
                values = {name: row.get(name, "") for name in state.extra}
                fields["extensions"] = {PLUGIN: values}
            if self.provenance is not None:
                fields["provenance"] = self.provenance
            record = self._build(spec, number, row, fields, state.columns_of, kept)
        except RowError as error:
            self.refuse(
                error,
                spec.name,
                _row_text(state.header, row),
                _padded(state.header, row),
            )
            return None
        if kept:
            merged: dict[str, Any] = {**record.extensions.get(PLUGIN, {}), **kept}
            extensions = {**record.extensions, PLUGIN: merged}
            record = record.model_copy(update={"extensions": extensions})
        self._check_references(spec, number, row, state.references, state.unique, record.id)
        return record

    def _check_references(
        self,
        spec: FileSpec,
        number: int,
        row: Mapping[str, str],
        references: Sequence[tuple[str, str]],
        unique: bool,
        record_id: str,
    ) -> None:
        check = self.references
        name = spec.name
        if spec.id_column is None and spec.key:
            first = spec.key[0]
            check.keyed(name, row.get(first, ""), record_id, number, spec.key[-1])
        elif spec.id_column is not None:
            local = row.get(spec.id_column, "")
            if local or spec.empty_id:
                check.define(spec.id_kind, local, name, number, spec.id_column, unique)
        for column, kind in references:
            local = row.get(column, "")
            if not local:
                continue
            if kind == "service" and name == "calendar_dates.txt":
                check.define(kind, local, name, number, column, False)
            else:
                check.refer(kind, local, name, number, column)

    def shapes(self) -> Iterator[Record]:
        """Gather ``shapes.txt`` by ``shape_id``; yield one Shape each, in first-seen order."""
        with _Rows(self, SHAPES_FILE) as rows:
            points, extra = self._shape_rows(rows)
            self.shape_header = rows.table.columns
        for issue in rows.table.notices:
            self.note_issue(issue)
        for shape_id in points:
            self.references.define("shape", shape_id, SHAPES_FILE, 0, "shape_id", False)
        self.references.finished(SHAPES_FILE)
        for shape_id, rows_of_shape in points.items():
            shape = _ShapeBuilder(self, shape_id, rows_of_shape, extra).build()
            if shape is not None:
                yield shape

    def _shape_rows(self, rows: _Rows) -> tuple[dict[str, list[_ShapeRow]], list[str]]:
        """The parsed rows of ``shapes.txt`` by ``shape_id``, and its extra columns."""
        points: dict[str, list[_ShapeRow]] = {}
        extra: list[str] | None = None
        known = {"shape_id", *(column.name for column in SHAPE_COLUMNS)}
        present: list[Column] = []
        for number, row in rows:
            if extra is None:
                extra = [name for name in rows.table.columns if name not in known]
                present = self._present(SHAPES_FILE, rows.table.columns, SHAPE_COLUMNS)
            item = self.shape_row(number, row, present, extra, rows.table.columns)
            if item is not None:
                points.setdefault(row["shape_id"], []).append(item)
        return points, extra or []

    def shape_row(
        self,
        number: int,
        row: Mapping[str, str],
        present: Sequence[Column],
        extra: Sequence[str],
        header: Sequence[str],
    ) -> _ShapeRow | None:
        """One ``shapes.txt`` row (column -> text) as a point, noticing; None if set aside."""
        shape_id = row.get("shape_id", "")
        kept: dict[str, str] = {}
        try:
            if not shape_id:
                raise self._error(
                    SHAPES_FILE,
                    number,
                    "a required value is empty",
                    "shape_id",
                    "missing_required_field",
                )
            point = self._parse(SHAPES_FILE, number, row, present, kept)
            self._check_point(number, point)
        except RowError as error:
            self.refuse(error, SHAPES_FILE, _row_text(header, row), _padded(header, row))
            return None
        values = [row.get(name, "") for name in extra]
        distance = row.get("shape_dist_traveled", "")
        return _ShapeRow(number, point, values, kept or None, distance)

    def _check_point(self, number: int, point: Mapping[str, Any]) -> None:
        """A point outside the globe, or with a negative sequence, is no point of a shape."""
        for field, low, high in (("lat", -90, 90), ("lon", -180, 180), ("sequence", 0, None)):
            value = point.get(field)
            if value is not None and (value < low or (high is not None and value > high)):
                column = _SHAPE_COLUMN[field]
                raise self._error(
                    SHAPES_FILE, number, f"{value} is out of range", column, "number_out_of_range"
                )


class _ShapeRow:
    """One parsed ``shapes.txt`` row: its number, point fields, extra values, kept values."""

    __slots__ = ("distance", "kept", "number", "point", "values")

    def __init__(
        self,
        number: int,
        point: dict[str, Any],
        values: list[str],
        kept: dict[str, str] | None,
        distance: str,
    ) -> None:
        self.distance = distance
        self.number = number
        self.point = point
        self.values = values
        self.kept = kept

    def row(self, shape_id: str, extra: Sequence[str]) -> dict[str, str]:
        """The row again, as text (values normalised as the writer writes them)."""
        point = self.point
        row = {"shape_id": shape_id}
        for column in SHAPE_COLUMNS:
            value = point.get(column.field)
            row[column.name] = "" if value is None else format_value(column, value, None, _IDS, "")
        if self.distance:
            row["shape_dist_traveled"] = self.distance
        row.update((self.kept or {}).items())
        row.update(zip(extra, self.values, strict=True))
        return row


_SHAPE_COLUMN = {column.field: column.name for column in SHAPE_COLUMNS}
_IDS = FeedNamespace()


def _point_order(item: _ShapeRow) -> tuple[Any, ...]:
    """Points by sequence; a repeated sequence ordered by content, not by file position.

    Which of two points with one sequence is set aside then does not depend on where the
    writer put them, so a feed read, written and read again gives the same shape.
    """
    point = item.point
    return (
        point.get("sequence", 0),
        point.get("lat", 0.0),
        point.get("lon", 0.0),
        item.distance,
        item.values,
    )


class _ShapeBuilder:
    """Builds one Shape; leniently sets aside bad points and keeps a bad distance column."""

    def __init__(
        self, ctx: _Context, shape_id: str, rows: list[_ShapeRow], extra: list[str]
    ) -> None:
        self.ctx = ctx
        self.shape_id = shape_id
        self.rows = sorted(rows, key=_point_order)
        self.extra = extra
        self.kept_columns: set[str] = {name for item in rows for name in item.kept or ()}

    def _fields(self) -> dict[str, Any]:
        ctx = self.ctx
        for name in self.kept_columns:  # a column kept verbatim for one point is kept for all
            for item in self.rows:
                item.point.pop(next(f for f, c in _SHAPE_COLUMN.items() if c == name), None)
        fields: dict[str, Any] = {
            "id": gtfs_iri("shape", ctx.namespace, self.shape_id),
            "points": [item.point for item in self.rows],
        }
        extension: dict[str, list[str]] = {
            name: [item.values[index] for item in self.rows]
            for index, name in enumerate(self.extra)
        }
        for name in sorted(self.kept_columns):
            extension[name] = [self._text(item, name) for item in self.rows]
        if extension:
            fields["extensions"] = {PLUGIN: extension}
        if ctx.provenance is not None:
            fields["provenance"] = ctx.provenance
        return fields

    @staticmethod
    def _text(item: _ShapeRow, name: str) -> str:
        """The text of an optional point column as read (only shape_dist_traveled is one)."""
        return (item.kept or {}).get(name, item.distance)

    def build(self) -> Shape | None:
        """The Shape, or None when every row of it was set aside."""
        for _ in range(len(self.rows) + 2):
            if len(self.rows) < 2 and not self.ctx.strict:
                for item in self.rows:
                    self._set_aside(item, "a shape needs at least two points", None)
                return None
            try:
                return Shape.model_validate(self._fields())
            except PydanticValidationError as exc:
                if self.ctx.strict or not self._repair(exc.errors()):
                    raise self._failure(exc.errors()) from None
        raise self._failure([])

    def _repair(self, errors: Sequence[Any]) -> bool:
        """Set aside bad points or keep a bad distance column verbatim; False if it cannot."""
        point_errors = [e for e in errors if len(e["loc"]) >= 3 and e["loc"][0] == "points"]
        if any(e["loc"][-1] == "distance_traveled" for e in point_errors):
            return self._keep_distances(str(point_errors[0]["msg"]), "number_out_of_range")
        if point_errors:
            for index in sorted({e["loc"][1] for e in point_errors}, reverse=True):
                item = self.rows.pop(index)
                column = _SHAPE_COLUMN.get(str(point_errors[0]["loc"][-1]), "shape_pt_lat")
                self._set_aside(item, "a point the model refuses", column)
            return True
        message = str(errors[0]["msg"]) if errors else ""
        if "sequences" in message:
            duplicate = next(
                i
                for i, (a, b) in enumerate(pairwise(self.rows), start=1)
                if b.point["sequence"] <= a.point["sequence"]
            )
            self._set_aside(
                self.rows.pop(duplicate), "a repeated shape_pt_sequence", "shape_pt_sequence"
            )
            return True
        if "shape_dist_traveled" in message:
            return self._keep_distances(message, "decreasing_shape_distance")
        return False

    def _keep_distances(self, message: str, code: str) -> bool:
        """Keep the shape's whole ``shape_dist_traveled`` column verbatim, with a notice."""
        if "shape_dist_traveled" in self.kept_columns:
            return False
        self.kept_columns.add("shape_dist_traveled")
        number = self.rows[0].number if self.rows else 0
        self.ctx.note(code, message, SHAPES_FILE, number, "shape_dist_traveled")
        return True

    def _set_aside(self, item: _ShapeRow, reason: str, column: str | None) -> None:
        error = self.ctx._error(
            SHAPES_FILE,
            item.number,
            f"shape {self.shape_id!r}: {reason}",
            column,
            "invalid_shape_point" if column else "single_shape_point",
        )
        header = self.ctx.shape_header
        kept = _padded(header, item.row(self.shape_id, self.extra))
        self.ctx.refuse(error, SHAPES_FILE, _row_text(header, kept), kept)

    def _failure(self, errors: Sequence[Any]) -> RowError:
        parts = []
        for error in errors:
            loc = error["loc"]
            column = _SHAPE_COLUMN.get(str(loc[-1])) if loc else None
            where = f"point {loc[1]} " if len(loc) >= 2 else ""
            parts.append(f"{where}{column + ': ' if column else ''}{error['msg']}")
        first = errors[0]["loc"] if errors else ()
        column = _SHAPE_COLUMN.get(str(first[-1])) if first else None
        if column is None and errors and "sequences" in str(errors[0]["msg"]):
            column = "shape_pt_sequence"
        if column is None and errors and "shape_dist_traveled" in str(errors[0]["msg"]):
            column = "shape_dist_traveled"
        if column is None and errors and errors[0]["type"] == "too_short":
            column = "shape_pt_sequence"
        number = self.rows[0].number if self.rows else 0
        return self.ctx._error(
            SHAPES_FILE,
            number,
            f"shape {self.shape_id!r} (first row shown): " + "; ".join(parts),
            column,
            "invalid_shape",
        )
