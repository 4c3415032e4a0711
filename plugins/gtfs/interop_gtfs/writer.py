"""Write canonical transit records as a GTFS Schedule feed: a zip, or a folder.

Records may arrive in any chunking and order. Each row goes at once to a temporary CSV file
of its GTFS file, so memory stays flat however large the feed; at the end each file gets a
header of the columns actually used (required columns always, then the extension columns)
and the feed is assembled next to the target and moved into place. Files are UTF-8 with
CRLF line endings, quoted only where needed, as GTFS recommends.

The writer refuses, with :class:`~interop.errors.EncodeError`, anything GTFS cannot hold:
non-transit records, IRIs that are not GTFS ids of one feed namespace, a derived id that
does not match its row, a point altitude, extensions outside ``gtfs``/``gtfs-files`` or
that are not text. It never drops a value silently. Rows the reader could not turn into
records ride, verbatim, in ``extensions["gtfs-rows"]`` of the next record and are written
back to their file. An extension named after an optional GTFS column whose canonical value
is empty is that column's value as the reader kept it verbatim (a bad value of a real feed,
``route_text_color`` ``0``), and is written back.
(``provenance`` is metadata about the records, not feed content, and is not written.)
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Any

from interop.adapters import DatasetWriter
from interop.errors import EncodeError
from interop.model.base import RecordBase
from interop.model.records import Record
from interop.model.transit import Shape, Stop
from interop_gtfs.collection import PausedItems, collection_paused
from interop_gtfs.columns import (
    FILES,
    SHAPE_COLUMNS,
    SHAPES_FILE,
    SPEC_BY_MODEL,
    FileSpec,
    format_value,
    get_path,
)
from interop_gtfs.ids import FeedNamespace, gtfs_iri, kind_of
from interop_gtfs.manifest import PLUGIN
from interop_gtfs.reader import FILES_NAMESPACE, KNOWN_FILES, ROWS_NAMESPACE
from interop_gtfs.record_table import RecordTable
from interop_gtfs.shape_rows import SHAPE_ALWAYS, SHAPE_ORDER, ShapeTable

__all__ = ["GtfsWriter", "feed_files"]

_ALLOWED_NAMESPACES = frozenset({PLUGIN, FILES_NAMESPACE, ROWS_NAMESPACE})
_SPEC_BY_FILE = {spec.name: spec for spec in FILES}


class _TableFile:
    """Rows of one GTFS file, spooled to a temporary CSV whose columns grow as needed.

    While no column is added after the first row, the spooled rows are already the file's
    rows (when their column order is the header's), and finishing copies them as bytes.
    """

    def __init__(
        self, folder: Path, name: str, order: Sequence[str], always: Iterable[str]
    ) -> None:
        self.name = name
        self.order = list(order)
        self.columns: list[str] = list(always)
        self.index = {column: position for position, column in enumerate(self.columns)}
        self.count = 0
        self.grown = False
        self.path = folder / f"{name}.rows"
        self._handle: IO[str] = self.path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._handle, lineterminator="\r\n")

    def _grow(self, columns: Iterable[str]) -> None:
        for column in columns:
            if column not in self.index:
                if self.count:
                    self.grown = True
                self.index[column] = len(self.columns)
                self.columns.append(column)

    def _header(self) -> list[str]:
        """Known columns in specification order, then the others in order of appearance."""
        known = [column for column in self.order if column in self.index]
        return known + [column for column in self.columns if column not in self.order]

    def add(self, row: dict[str, str]) -> None:
        """Spool one row (column -> text)."""
        self._grow(row)
        values = [""] * len(self.columns)
        for column, text in row.items():
            values[self.index[column]] = text
        self._write([values])

    def add_columns(self, layout: Sequence[str], columns: list[Sequence[str]]) -> None:
        """Spool rows given as one sequence of texts per ``layout`` column (all one length).

        An empty text is an absent value.
        """
        count = len(columns[0]) if columns else 0
        if not self.count:  # nothing spooled yet: lay the spool out in header order
            self._grow(layout)
            self.columns = self._header()
            self.index = {column: position for position, column in enumerate(self.columns)}
        else:
            self._grow(layout)
        if list(layout) != self.columns:
            given = dict(zip(layout, columns, strict=True))
            empty = [""] * count
            columns = [given.get(column, empty) for column in self.columns]
        self._write_columns(columns, count)

    def _write_columns(self, columns: list[Sequence[str]], count: int) -> None:
        text = _plain_columns(columns, count)
        if text is None:
            self._write(list(zip(*columns, strict=True)))
        else:
            self._handle.write(text)
            self.count += count

    def _write(self, rows: Sequence[Sequence[str]]) -> None:
        text = _plain_block(rows)
        if text is None:
            self._csv.writerows(rows)
        else:
            self._handle.write(text)
        self.count += len(rows)

    def close(self) -> None:
        """Close the spool file (idempotent)."""
        self._handle.close()

    def finish(self, out: IO[bytes]) -> None:
        """Write the header (spec order, then extension columns) and every row to ``out``."""
        self._handle.close()
        header = self._header()
        text = _TextOut(out)
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        if not self.grown and header == self.columns:
            text.flush()
            with self.path.open("rb") as spooled:
                shutil.copyfileobj(spooled, out, 1 << 20)
            return
        positions = [self.index[column] for column in header]
        with self.path.open(encoding="utf-8", newline="") as spooled:
            for row in csv.reader(spooled):
                row += [""] * (len(self.columns) - len(row))
                writer.writerow([row[position] for position in positions])
        text.flush()


def _plain_columns(columns: list[Sequence[str]], count: int) -> str | None:
    """Rows given by column as the csv writer writes them, when no field needs quoting.

    The cells and their separators are laid into one list by slice assignment (no row is
    made) and joined once; the same separator count as :func:`_plain_block` proves no field
    holds a character the csv writer would quote. None when one does, or for rows of one
    field (the csv writer quotes a lone empty field).
    """
    width = len(columns)
    if width < 2 or not count:
        return None
    step = 2 * width
    flat: list[object] = [","] * (step * count)
    for position, column in enumerate(columns):
        flat[2 * position :: step] = column
    flat[step - 1 :: step] = _LINE_ENDS[:count] if count <= len(_LINE_ENDS) else ["\r\n"] * count
    try:
        text = "".join(flat)  # type: ignore[arg-type]
    except TypeError:  # a value that is not text: the csv writer's own conversion
        return None
    if (
        text.count(",") != count * (width - 1)
        or text.count("\n") != count
        or text.count("\r") != count
        or '"' in text
    ):
        return None
    return text


_LINE_ENDS = ["\r\n"] * 10_000


def _plain_block(rows: Sequence[Sequence[str]]) -> str | None:
    """``rows`` as the csv writer writes them, when no field needs quoting; else None.

    The rows are joined with commas and CRLF and the result's commas, CRs, LFs and quotes
    counted: when they are exactly the separators, no field holds a character the csv
    writer would quote, so the text is what it writes. A row of one field is left to the
    csv writer (it quotes a lone empty field).
    """
    if not rows:
        return ""
    try:
        text = "\r\n".join(map(",".join, rows))
    except TypeError:  # a value that is not text: the csv writer's own conversion
        return None
    count = len(rows)
    commas = sum(map(len, rows)) - count
    if (
        commas < count
        or text.count(",") != commas
        or text.count("\n") != count - 1
        or text.count("\r") != count - 1
        or '"' in text
    ):
        return None
    return text + "\r\n"


class _MemoryTable(_TableFile):
    """Rows of one GTFS file held in memory (for :func:`feed_files`), same header rules."""

    def __init__(self, name: str, order: Sequence[str], always: Iterable[str]) -> None:
        self.name = name
        self.order = list(order)
        self.columns = list(always)
        self.index = {column: position for position, column in enumerate(self.columns)}
        self.count = 0
        self.grown = False
        self.rows: list[list[str]] = []

    def _write(self, rows: Sequence[Sequence[str]]) -> None:
        self.rows.extend(list(row) for row in rows)
        self.count += len(rows)

    def close(self) -> None:
        """Nothing to close."""

    def finish(self, out: IO[bytes]) -> None:
        """Write the header and every row to ``out``."""
        header = self._header()
        positions = [self.index[column] for column in header]
        text = _TextOut(out)
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        width = len(self.columns)
        for row in self.rows:
            row += [""] * (width - len(row))
            writer.writerow([row[position] for position in positions])
        text.flush()


class _TextOut:
    """A minimal text sink over a binary stream (what csv.writer needs), encoding UTF-8."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.buffer: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.buffer.append(text)
        self.size += len(text)
        if self.size > 1 << 16:
            self.flush()
        return len(text)

    def flush(self) -> None:
        self.out.write("".join(self.buffer).encode("utf-8"))
        self.buffer.clear()
        self.size = 0


class _Feed:
    """One write in progress: the temporary folder, the table files and the unknown files."""

    def __init__(self, folder: Path, namespace: str | None) -> None:
        self.folder = folder
        self.ids = FeedNamespace(namespace)
        self.tables: dict[str, _TableFile] = {}
        self.files: dict[str, bytes] = {}

    def close(self) -> None:
        """Close every spooled table (idempotent)."""
        for table in self.tables.values():
            table.close()

    def table(self, name: str, order: Sequence[str], always: Iterable[str]) -> _TableFile:
        if name not in self.tables:
            self.tables[name] = _TableFile(self.folder, name, order, always)
        return self.tables[name]

    def add(self, record: object) -> None:
        where = f"{getattr(record, 'kind', type(record).__name__)} {getattr(record, 'id', '')}"
        spec = SPEC_BY_MODEL.get(type(record)) if isinstance(record, RecordBase) else None
        if isinstance(record, RecordBase) and ROWS_NAMESPACE in record.extensions:
            self._kept_rows(record.extensions[ROWS_NAMESPACE], where)
        if isinstance(record, Shape):
            self._shape(record, where)
        elif spec is not None:
            self._row(spec, record, where)
        else:
            raise EncodeError(
                f"a {type(record).__name__} has no place in a GTFS Schedule feed",
                source=where,
                expected="transit records (interop.model.transit)",
            )
        self._extensions(record, where)

    def add_table(self, table: RecordTable | ShapeTable) -> None:
        """Write a reader's table: its built rows from their texts, its records as records."""
        if isinstance(table, ShapeTable):
            name, order, always = SHAPES_FILE, SHAPE_ORDER, SHAPE_ALWAYS
        else:
            name, order, always = (
                table.spec.name,
                table.spec.all_columns,
                tuple(_always(table.spec)),
            )
        namespace = self.ids.namespace
        if namespace not in (None, table.namespace) or (
            isinstance(table, RecordTable) and not table.plans
        ):
            for record in table:
                self.add(record)
            return
        self.ids.namespace = table.namespace
        self._extension_columns(None, order, f"{name} rows", (), table.extra)
        columns = set(table.columns()) | set(always)
        layout = [column for column in order if column in columns] + list(table.extra)
        target = self.tables.get(name) or self.table(name, order, always)
        start = 0
        for index in [*sorted(table.records), len(table)]:
            if index > start:
                target.add_columns(layout, table.text_columns(layout, start, index))
            if index < len(table):
                self.add(table.records[index])
            start = index + 1

    def _extension_columns(
        self,
        record: Any,
        known: Iterable[str],
        where: str,
        free: Iterable[str] = (),
        names: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """The record's extension columns; ``free`` GTFS columns may hold a kept raw value.

        ``names`` checks column names alone (a table's extra columns) instead of a record's.
        """
        if names is not None:
            values: dict[str, Any] = dict.fromkeys(names, "")
        else:
            values = dict(record.extensions.get(PLUGIN, {}))
        known = set(known) - set(free)
        for column in values:
            if not column or column != column.strip() or column in known:
                raise EncodeError(
                    f"extension column {column!r} cannot be a GTFS column of its own",
                    source=where,
                    field=f"extensions.{PLUGIN}",
                    expected="a non-empty name without surrounding spaces, not a GTFS column",
                )
        return values

    def _row(self, spec: FileSpec, record: Any, where: str) -> None:
        row: dict[str, str] = {}
        id_column = spec.id_column
        own_id = id_column is not None and kind_of(record.id) == spec.id_kind
        ids = self.ids
        if id_column is not None and own_id:
            local = self.ids.local_id(record.id, spec.id_kind, where)
            if local:
                row[id_column] = local
            elif not spec.empty_id:
                raise EncodeError(
                    "an empty GTFS id", source=where, field=spec.id_column, expected="an id"
                )
        for column in spec.columns:
            value = get_path(record, column.field)
            if value is not None:
                row[column.name] = format_value(column, value, record, ids, where)
        if isinstance(record, Stop) and record.point is not None and record.point.alt is not None:
            raise EncodeError(
                "GTFS stops have no altitude", source=where, field="point.alt", expected="None"
            )
        if not own_id:
            self._check_derived_id(spec, record, row, where)
        table = self.tables.get(spec.name) or self.table(spec.name, spec.all_columns, _always(spec))
        if PLUGIN not in record.extensions:
            table.add(row)
            return
        free = [c.name for c in spec.columns if c.name not in row and not c.required]
        for name, text in self._extension_columns(record, spec.all_columns, where, free).items():
            if not isinstance(text, str):
                raise EncodeError(
                    f"extension value {text!r} is not text; a CSV cell holds text only",
                    source=where,
                    field=f"extensions.{PLUGIN}.{name}",
                    expected="a string",
                )
            row[name] = text
        table.add(row)

    def _check_derived_id(
        self, spec: FileSpec, record: Any, row: dict[str, str], where: str
    ) -> None:
        """Refuse a keyless row whose IRI is not the one its key columns give back.

        ``row`` holds the key columns as written, which is what the reader derives from.
        """
        kind = spec.key_kind or spec.id_kind
        if not spec.key:
            raise EncodeError(
                f"{record.id!r} is not a GTFS {spec.id_kind} IRI",
                source=where,
                expected=f"an IRI minted for kind {spec.id_kind!r}",
            )
        expected = "/".join(row.get(name, "") for name in spec.key)
        namespace = self.ids.namespace
        if namespace is not None and record.id == gtfs_iri(kind, namespace, expected):
            return
        if self.ids.local_id(record.id, kind, where) != expected:
            raise EncodeError(
                f"a {spec.name} row has no id column: its IRI is derived from "
                f"{', '.join(spec.key)}, so {record.id!r} would not survive",
                source=where,
                field="id",
                expected=f"the id for {expected!r} in kind {kind!r}",
            )

    def _shape(self, shape: Shape, where: str) -> None:
        shape_id = self.ids.local_id(shape.id, "shape", where)
        names = ["shape_id", *(column.name for column in SHAPE_COLUMNS)]
        free = [
            column.name
            for column in SHAPE_COLUMNS
            if not column.required
            and all(getattr(point, column.field) is None for point in shape.points)
        ]
        extra = self._extension_columns(shape, names, where, free)
        for name, values in extra.items():
            if not (
                isinstance(values, list)
                and len(values) == len(shape.points)
                and all(isinstance(value, str) for value in values)
            ):
                raise EncodeError(
                    "a shape's extension column holds one text per point",
                    source=where,
                    field=f"extensions.{PLUGIN}.{name}",
                    expected=f"a list of {len(shape.points)} strings",
                )
        always = ["shape_id", *(c.name for c in SHAPE_COLUMNS if c.required)]
        table = self.table(SHAPES_FILE, names, always)
        for index, point in enumerate(shape.points):
            row = {"shape_id": shape_id}
            for column in SHAPE_COLUMNS:
                value = getattr(point, column.field)
                if value is not None:
                    row[column.name] = format_value(column, value, point, self.ids, where)
            for name, values in extra.items():
                row[name] = values[index]
            table.add(row)

    def _kept_rows(self, kept: Any, where: str) -> None:
        """Write rows the reader kept verbatim (they became no record) before the record's own."""
        field = f"extensions.{ROWS_NAMESPACE}"
        if not isinstance(kept, dict):
            raise EncodeError("kept rows are a mapping of file names", source=where, field=field)
        for name, rows in kept.items():
            valid = isinstance(rows, list) and all(
                isinstance(row, dict)
                and all(isinstance(k, str) and k and isinstance(v, str) for k, v in row.items())
                for row in rows
            )
            if name not in KNOWN_FILES or not valid:
                raise EncodeError(
                    f"kept rows of {name!r} are not rows of a GTFS file read into records",
                    source=where,
                    field=f"{field}.{name}",
                    expected="{file name: [{column: text}]}",
                )
            spec = _SPEC_BY_FILE.get(name)
            if spec is None:  # shapes.txt
                names = ["shape_id", *(column.name for column in SHAPE_COLUMNS)]
                table = self.table(SHAPES_FILE, names, names[:4])
            else:
                table = self.table(name, spec.all_columns, _always(spec))
            for row in rows:
                table.add(row)

    def _extensions(self, record: Any, where: str) -> None:
        foreign = set(record.extensions) - _ALLOWED_NAMESPACES
        if foreign:
            raise EncodeError(
                f"extensions {sorted(foreign)} have no place in GTFS",
                source=where,
                field="extensions",
                expected=f"only the namespaces {sorted(_ALLOWED_NAMESPACES)}",
            )
        for name, content in record.extensions.get(FILES_NAMESPACE, {}).items():
            data = _file_bytes(name, content, where)
            if self.files.get(name, data) != data:
                raise EncodeError(
                    f"two records carry different contents for the file {name!r}",
                    source=where,
                    field=f"extensions.{FILES_NAMESPACE}.{name}",
                )
            self.files[name] = data

    def check_files(self) -> None:
        """Refuse a kept file named like a table that records were also written to."""
        clash = sorted(set(self.files) & set(self.tables))
        if clash:
            raise EncodeError(
                f"the feed has both records and a kept file for {clash}",
                field=f"extensions.{FILES_NAMESPACE}",
                expected="a GTFS file kept byte for byte only when no record is written to it",
            )

    def assemble(self, out: Path, as_zip: bool) -> None:
        """Write every table and unknown file into ``out`` (a zip file or a folder)."""
        self.check_files()
        order = [spec.name for spec in FILES] + [SHAPES_FILE]
        names = [name for name in order if name in self.tables]
        if as_zip:
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name in names:
                    with archive.open(name, "w", force_zip64=True) as member:
                        self.tables[name].finish(member)
                for name, data in sorted(self.files.items()):
                    archive.writestr(name, data)
            return
        out.mkdir()
        for name in names:
            with (out / name).open("wb") as member:
                self.tables[name].finish(member)
        for name, data in sorted(self.files.items()):
            (out / name).write_bytes(data)


class _InMemory(_Feed):
    """A write whose tables stay in memory."""

    def table(self, name: str, order: Sequence[str], always: Iterable[str]) -> _TableFile:
        if name not in self.tables:
            self.tables[name] = _MemoryTable(name, order, always)
        return self.tables[name]


def feed_files(records: Iterable[Record], namespace: str | None = None) -> dict[str, bytes]:
    """The GTFS files of ``records`` (file name -> bytes), built in memory: no disk used.

    The same rows, headers and refusals as :class:`GtfsWriter`, for callers that hand the
    tables to another library (the gtfs-kit bridge) rather than to a file.
    """
    feed = _InMemory(Path(), namespace)
    for record in records:
        feed.add(record)
    order = [spec.name for spec in FILES] + [SHAPES_FILE]
    files: dict[str, bytes] = {}
    for name in order:
        if name in feed.tables:
            buffer = io.BytesIO()
            feed.tables[name].finish(buffer)
            files[name] = buffer.getvalue()
    feed.check_files()
    files.update(sorted(feed.files.items()))
    return files


def _always(spec: FileSpec) -> list[str]:
    """The columns always in ``spec``'s header: the id column, required and header ones."""
    always = [c.name for c in spec.columns if c.required or c.header]
    if spec.id_column is not None and not spec.empty_id and spec.key_kind is None:
        always.insert(0, spec.id_column)
    return always


def _file_bytes(name: str, content: Any, where: str) -> bytes:
    """The bytes of an unknown file kept as ``{"text": ...}`` or ``{"base64": ...}``."""
    field = f"extensions.{FILES_NAMESPACE}.{name}"
    unsafe = not name or name in (".", "..") or any(char in name for char in "/\\:\x00")
    if unsafe:
        raise EncodeError(
            f"{name!r} cannot be kept as a file of the feed",
            source=where,
            field=field,
            expected="a plain file name",
        )
    if isinstance(content, dict) and len(content) == 1:
        if isinstance(content.get("text"), str):
            return str(content["text"]).encode("utf-8")
        if isinstance(content.get("base64"), str):
            try:
                return base64.b64decode(str(content["base64"]), validate=True)
            except (binascii.Error, ValueError):
                pass
    raise EncodeError(
        "an unknown file is kept as {'text': str} or {'base64': str}",
        source=where,
        field=field,
        expected="{'text': ...} or {'base64': ...}",
    )


class GtfsWriter(DatasetWriter):
    """Canonical transit records -> a GTFS Schedule zip (``.zip`` target) or folder.

    ``namespace`` fixes the feed namespace the IRIs must belong to; by default the first
    IRI written fixes it, and IRIs of any other namespace are refused. A folder target must
    not exist yet (or be empty); a zip target is replaced.
    """

    name = "gtfs"
    description = "Canonical transit records -> GTFS Schedule feed (zip or folder)."

    def __init__(self, namespace: str | None = None) -> None:
        self.namespace = namespace

    def write(self, chunks: Iterable[Sequence[Record]], target: Path) -> int:
        """Write every record of ``chunks`` to ``target``; return how many were written."""
        target = Path(target)
        as_zip = target.suffix.lower() == ".zip"
        if not as_zip and target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise EncodeError(
                "the target folder exists and is not empty",
                source=str(target),
                expected="a new folder, or a .zip file name",
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".partial-{target.name}-", dir=target.parent))
        feed = _Feed(work, self.namespace)
        # a reader's stream runs only project code between its items: hold the pause across it
        held = collection_paused() if isinstance(chunks, PausedItems) else nullcontext()
        try:
            count = 0
            with held:
                count = self._write_chunks(feed, chunks)
            out = work / ("feed.zip" if as_zip else "feed")
            with collection_paused():
                feed.assemble(out, as_zip)
            if as_zip:
                os.replace(out, target)
            else:
                if target.exists():
                    target.rmdir()
                out.rename(target)
            return count
        finally:
            feed.close()
            shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def _write_chunks(feed: _Feed, chunks: Iterable[Sequence[Record]]) -> int:
        """Spool every chunk (a reader's table or a list of records); how many records."""
        count = 0
        for chunk in chunks:
            if isinstance(chunk, (RecordTable, ShapeTable)):
                with collection_paused():
                    feed.add_table(chunk)
                count += len(chunk)
                continue
            with collection_paused():
                for record in chunk:
                    feed.add(record)
                    count += 1
        return count
