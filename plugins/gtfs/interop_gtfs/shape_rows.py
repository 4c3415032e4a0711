"""Read ``shapes.txt`` a column at a time as :class:`ShapeTable` blocks of shapes.

Points are checked per column with :class:`~interop.model.transit.ShapePoint`'s own field
rules (:mod:`interop_gtfs.columnar`). A shape whose every row is clean, whose sequences
already increase in file order and whose distances never decrease is kept as columns; its
:class:`~interop.model.transit.Shape` is assembled when looked at. Any other row goes
through the reader's per-row path in file order, and any other shape through the reader's
shape builder (which sorts, repairs and sets aside), so notices and set-aside items are the
per-row read's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain, compress, pairwise, repeat
from operator import itemgetter, le, lt, ne
from typing import TYPE_CHECKING, Any

from interop.errors import DecodeError
from interop.model.base import Provenance
from interop.model.records import Record
from interop.model.transit import Shape, ShapePoint
from interop_gtfs.columnar import BAD, Entry, FieldPlan
from interop_gtfs.columns import SHAPE_COLUMNS, SHAPES_FILE
from interop_gtfs.ids import gtfs_iri
from interop_gtfs.manifest import PLUGIN
from interop_gtfs.record_table import LazyRecords, construct
from interop_gtfs.tables import Block, Table, read_blocks

if TYPE_CHECKING:
    from interop_gtfs.reader import _Context, _ShapeRow

__all__ = ["SHAPE_ALWAYS", "SHAPE_ORDER", "ShapeTable", "shape_tables"]

SHAPE_ORDER = ("shape_id", *(column.name for column in SHAPE_COLUMNS))
"""The columns of ``shapes.txt`` in specification order."""

SHAPE_ALWAYS = ("shape_id", *(column.name for column in SHAPE_COLUMNS if column.required))
"""The columns always in the header of ``shapes.txt``."""


class ShapeTable(LazyRecords):
    """Shapes of one block: per shape its GTFS id and the file rows of its points.

    ``entries`` are the file's point columns by field (one entry per file row) and
    ``records`` the shapes the reader's builder made, by position.
    """

    def __init__(
        self,
        namespace: str,
        provenance: Provenance | None,
        shape_ids: list[str],
        rows: list[list[int]],
        entries: dict[str, list[Entry]],
        extra: Sequence[str],
        extra_values: Sequence[Sequence[str]],
        records: dict[int, Record],
        texts: dict[str, Sequence[str]] | None = None,
    ) -> None:
        self.namespace = namespace
        self.provenance = provenance
        self.shape_ids = shape_ids
        self.rows = rows
        self.entries = entries
        self.extra = tuple(extra)
        self.extra_values = tuple(extra_values)
        self.records = records
        self.texts = texts if texts is not None else _texts_of(entries)
        """Per field, the text the writer writes for each file row (empty for a BAD cell)."""

    def __len__(self) -> int:
        return len(self.shape_ids)

    def replaced(self, index: int, record: Record) -> ShapeTable:
        """A copy of the table with shape ``index`` held as ``record`` (tables never change)."""
        if index < 0:
            index += len(self)
        return ShapeTable(
            self.namespace,
            self.provenance,
            self.shape_ids,
            self.rows,
            self.entries,
            self.extra,
            self.extra_values,
            {**self.records, index: record},
            self.texts,
        )

    def _record(self, index: int) -> Record:
        made = self.records.get(index)
        if made is not None:
            return made
        rows = self.rows[index]
        points = []
        for row in rows:
            point = {f: column[row][0] for f, column in self.entries.items()}
            points.append(construct(ShapePoint, {f: v for f, v in point.items() if v is not None}))
        values: dict[str, Any] = {
            "id": gtfs_iri("shape", self.namespace, self.shape_ids[index]),
            "points": tuple(points),
        }
        if self.extra:
            values["extensions"] = {
                PLUGIN: {
                    name: [texts[row] for row in rows]
                    for name, texts in zip(self.extra, self.extra_values, strict=True)
                }
            }
        if self.provenance is not None:
            values["provenance"] = self.provenance
        shape: Record = construct(Shape, values)
        return shape

    def columns(self) -> list[str]:
        """The columns the point rows of the built shapes write."""
        used = set(SHAPE_ALWAYS)
        made = self.records
        groups = [group for i, group in enumerate(self.rows) if i not in made]
        rows = list(chain.from_iterable(groups))
        for field, texts in self.texts.items():
            name = _COLUMN_OF[field]
            if name not in used and any(_picked(texts, rows)):
                used.add(name)
        return [name for name in SHAPE_ORDER if name in used] + list(self.extra)

    def text_columns(self, layout: Sequence[str], start: int, stop: int) -> list[Sequence[str]]:
        """The point rows of shapes ``start:stop`` (none in ``records``), per ``layout`` column."""
        groups = self.rows[start:stop]
        rows = list(chain.from_iterable(groups))
        ids = list(chain.from_iterable(map(repeat, self.shape_ids[start:stop], map(len, groups))))
        sources: dict[str, Sequence[str]] = {"shape_id": ids}
        for field, texts in self.texts.items():
            sources[_COLUMN_OF[field]] = _picked(texts, rows)
        for name, texts in zip(self.extra, self.extra_values, strict=True):
            sources[name] = _picked(texts, rows)
        empty = [""] * len(rows)
        return [sources.get(name, empty) for name in layout]


def _picked(texts: Sequence[str], rows: list[int]) -> Sequence[str]:
    """``texts`` at ``rows`` (ascending file rows): a slice when they are consecutive."""
    if not rows:
        return []
    if rows[-1] - rows[0] + 1 == len(rows):
        return texts[rows[0] : rows[-1] + 1]
    return list(map(texts.__getitem__, rows))


def _texts_of(entries: dict[str, list[Entry]]) -> dict[str, Sequence[str]]:
    """Per field, each entry's one written text (empty for a BAD entry)."""
    made: dict[str, Sequence[str]] = {}
    for field, column in entries.items():
        try:
            made[field] = list(map(_FIRST, map(_TEXTS, column)))
        except IndexError:  # a BAD entry has no text
            made[field] = [texts[0] if texts else "" for texts in map(_TEXTS, column)]
    return made


_TEXTS = itemgetter(1)
_FIRST = itemgetter(0)


_COLUMN_OF = {column.field: column.name for column in SHAPE_COLUMNS}
_VALUE = itemgetter(0)


def ctx_item(
    ctx: _Context, number: int, point: dict[str, Any], values: list[str], distance: str
) -> _ShapeRow:
    """A clean point row as the reader's shape builder takes it."""
    return ctx.shape_item(number, point, values, distance)


def shape_tables(ctx: _Context, size: int) -> Iterator[ShapeTable]:
    """``shapes.txt`` as tables of at most ``size`` shapes, in first-seen order."""
    table = Table(SHAPES_FILE)
    source = read_blocks(ctx.archive, SHAPES_FILE, table, 1 << 62)
    try:
        rows = next(source, None)
    finally:
        source.close()
    header = table.columns
    if rows and (len(set(header)) != len(header) or "" in header):
        duplicated = sorted({c for c in header if header.count(c) > 1 or not c})
        raise DecodeError(
            f"the header repeats or leaves empty the column names {duplicated}",
            source=f"{ctx.source}/{SHAPES_FILE}",
            expected="unique, non-empty column names",
        )
    reading = _Reading(ctx, header, rows) if rows else None
    del rows  # the reading keeps what it needs: no read row outlives it across the yields
    for issue in table.notices:
        ctx.note_issue(issue)
    if reading is not None:
        for shape_id in reading.groups:
            ctx.references.define("shape", shape_id, SHAPES_FILE, 0, "shape_id", False)
    ctx.references.finished(SHAPES_FILE)
    if reading is not None:
        yield from reading.tables(size)


class _Reading:
    """One read of ``shapes.txt``: the rows checked per column and grouped by shape."""

    def __init__(self, ctx: _Context, header: Sequence[str], rows: Block) -> None:
        self.ctx = ctx
        self.header = tuple(header)
        ctx.shape_header = self.header
        index = {name: position for position, name in enumerate(header)}
        known = set(SHAPE_ORDER)
        self.extra = [name for name in header if name not in known]
        self.present = ctx._present(SHAPES_FILE, header, SHAPE_COLUMNS)
        columnar = "shape_id" in index and all(c.name in index for c in self.present)
        by_column = rows.columns
        self.entries: dict[str, list[Entry]] = {}
        self.texts: dict[str, Sequence[str]] = {}
        bad: set[int] = set()
        if columnar:
            for column in self.present:
                plan = FieldPlan(
                    ShapePoint,
                    SHAPES_FILE,
                    column.field,
                    [column],
                    [index[column.name]],
                    ctx.namespace,
                )
                keys = plan.keys(by_column)
                entries, distinct = plan.checked(keys)
                self.entries[column.field] = entries
                if plan.written_as_read(distinct):
                    self.texts[column.field] = keys
                else:
                    self.texts.update(_texts_of({column.field: entries}))
                if plan.any_bad(distinct):
                    bad.update(i for i, entry in enumerate(entries) if entry is BAD)
            ids = by_column[index["shape_id"]]
        else:
            ids = [""] * rows.count
        self.distances = (
            list(by_column[index["shape_dist_traveled"]])
            if "shape_dist_traveled" in index
            else None
        )
        self.extra_values = [list(by_column[index[name]]) for name in self.extra]
        self.groups: dict[str, list[int]] = {}
        self.slow: dict[int, _ShapeRow] = {}
        self.values = {  # what a shape's order check reads
            field: list(map(_VALUE, column))
            for field, column in self.entries.items()
            if field in ("sequence", "distance_traveled")
        }
        groups = self.groups
        odd = rows.odd
        if not bad and not odd and "" not in ids:  # every row clean: group the runs of ids
            starts = [0, *compress(range(1, len(ids)), map(ne, ids[1:], ids[:-1])), len(ids)]
            for start, stop in pairwise(starts):
                group = groups.get(ids[start])
                if group is None:
                    groups[ids[start]] = list(range(start, stop))
                else:
                    group.extend(range(start, stop))
            return
        for offset, shape_id in enumerate(ids):
            if shape_id and offset not in bad and offset not in odd:
                groups.setdefault(shape_id, []).append(offset)
                continue
            self._row_by_row(offset, rows.row(offset))

    def _row_by_row(self, offset: int, row: list[str]) -> None:
        ctx, header = self.ctx, self.header
        number = offset + 1
        if len(row) > len(header):
            ctx.refuse_overlong(SHAPES_FILE, number, len(row), len(header), row, header)
            return
        values = dict(zip(header, row, strict=False))
        item = ctx.shape_row(number, values, self.present, self.extra, header)
        if item is not None:
            self.slow[offset] = item
            self.groups.setdefault(values["shape_id"], []).append(offset)

    def _fast(self, rows: list[int]) -> bool:
        """Whether a shape of clean rows is valid as it stands (no sorting, no repair)."""
        if len(rows) < 2 or (self.slow and not self.slow.keys().isdisjoint(rows)):
            return False
        sequences = _picked(self.values["sequence"], rows)
        if not all(map(lt, sequences, sequences[1:])):
            return False
        distance = self.values.get("distance_traveled")
        if distance is not None:
            values = _picked(distance, rows)
            if None in values:
                values = [value for value in values if value is not None]
            if not all(map(le, values, values[1:])):
                return False
        return True

    def _item(self, row: int) -> _ShapeRow:
        """A clean row as the reader's builder takes it."""
        slow = self.slow.get(row)
        if slow is not None:
            return slow
        point = {
            f: column[row][0] for f, column in self.entries.items() if column[row][0] is not None
        }
        values = [texts[row] for texts in self.extra_values]
        distance = self.distances[row] if self.distances is not None else ""
        return ctx_item(self.ctx, row + 1, point, values, distance)

    def tables(self, size: int) -> Iterator[ShapeTable]:
        """The shapes in first-seen order, ``size`` per table."""
        ctx = self.ctx
        shape_ids: list[str] = []
        rows: list[list[int]] = []
        records: dict[int, Record] = {}
        for shape_id, group in self.groups.items():
            if self._fast(group):
                if ctx.kept_rows:
                    records[len(rows)] = ctx.carry_kept(self._single(shape_id, group))
            else:
                items = [self._item(row) for row in group]
                shape = ctx.build_shape(shape_id, items, self.extra)
                if shape is None:
                    continue
                records[len(rows)] = ctx.carry_kept(shape) if ctx.kept_rows else shape
            shape_ids.append(shape_id)
            rows.append(group)
            if len(rows) >= size:
                yield self._table(shape_ids, rows, records)
                shape_ids, rows, records = [], [], {}
        if rows:
            yield self._table(shape_ids, rows, records)

    def _single(self, shape_id: str, group: list[int]) -> Record:
        return self._table([shape_id], [group], {})[0]

    def _table(
        self, shape_ids: list[str], rows: list[list[int]], records: dict[int, Record]
    ) -> ShapeTable:
        return ShapeTable(
            self.ctx.namespace,
            self.ctx.provenance,
            shape_ids,
            rows,
            self.entries,
            self.extra,
            self.extra_values,
            records,
            self.texts,
        )
