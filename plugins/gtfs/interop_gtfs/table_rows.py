"""Read one GTFS file in blocks of rows as :class:`~interop_gtfs.record_table.RecordTable`.

Each block is checked a column at a time (:mod:`interop_gtfs.columnar`); a row whose every
cell its field accepts and whose values pass the model's record rules is kept as validated
columns. Any other row (a short or overlong row, a bad cell, a record rule that fails)
goes through the reader's per-row path, in file order, so its notices and set-aside items
are exactly what a per-row read gives. Reference and duplicate-id checks are the same calls
in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from interop.errors import DecodeError
from interop.model.records import Record
from interop_gtfs.columnar import BAD, Entry, FieldPlan, row_rules
from interop_gtfs.columns import Column, FileSpec, TranslatedRecord
from interop_gtfs.ids import gtfs_iri
from interop_gtfs.record_table import RecordTable
from interop_gtfs.tables import Table, read_rows

if TYPE_CHECKING:
    from interop_gtfs.reader import _Context, _FileState

__all__ = ["columnar_spec", "file_tables"]


def columnar_spec(spec: FileSpec) -> bool:
    """Whether ``spec``'s rows can be checked a column at a time.

    Not when a value's meaning depends on another column (``translations.txt``), when the
    id falls back to a key of another kind (``attributions.txt``), or when the model has
    validators a column plan cannot run.
    """
    if spec.key_kind is not None or row_rules(spec.model) is None:
        return False
    return not any(isinstance(column.type, TranslatedRecord) for column in spec.columns)


def _plans(spec: FileSpec, present: Sequence[Column], header: Sequence[str], ns: str) -> list[FieldPlan]:
    """One plan per canonical field of the present columns (both point columns together)."""
    by_field: dict[str, list[Column]] = {}
    for column in present:
        by_field.setdefault(column.field.split(".")[0], []).append(column)
    index = {name: position for position, name in enumerate(header)}
    return [
        FieldPlan(spec, field, columns, [index[c.name] for c in columns], ns)
        for field, columns in by_field.items()
    ]


class _Block:
    """Builds the table of one block of rows."""

    def __init__(self, ctx: _Context, state: _FileState, plans: list[FieldPlan]) -> None:
        self.ctx = ctx
        self.state = state
        self.spec = state.spec
        self.plans = plans
        self.rules = row_rules(state.spec.model)
        header = state.header
        self.width = len(header)
        self.index = {name: position for position, name in enumerate(header)}
        spec = state.spec
        self.id_position = self.index.get(spec.id_column, -1) if spec.id_column else -1
        exact = {c.name: c.type.exact for c in spec.columns}
        self.key_sources: list[tuple[int, int, int]] = []
        """Per key column: (header position, plan number, column number in the plan)."""
        for name in spec.key if spec.id_column is None else ():
            found = [i for i, p in enumerate(plans) if any(c.name == name for c in p.columns)]
            if not found:  # an optional key column the file leaves out reads as empty
                self.key_sources.append((-1, -1, -1))
                continue
            column_number = [c.name for c in plans[found[0]].columns].index(name)
            position = self.index[name] if exact[name] else -1
            self.key_sources.append((position, found[0], column_number))
        self.references = [(self.index[name], name, kind) for name, kind in state.references]
        self.extra_positions = [self.index[name] for name in state.extra]
        self.empty_row = [""] * self.width

    def table(self, rows: list[list[str]], first: int) -> RecordTable:
        """The table of ``rows`` (data rows ``first``, ``first + 1``, ...)."""
        ctx, spec, width = self.ctx, self.spec, self.width
        fixed = [row if len(row) == width else self.empty_row for row in rows]
        entries = [plan.entries(plan.keys(fixed)) for plan in self.plans]
        fields = [plan.field for plan in self.plans]
        keep: list[int] = []
        local_ids: list[str] = []
        records: dict[int, Record] = {}
        header = self.state.header
        for offset, row in enumerate(rows):
            number = first + offset
            local = self._clean(row, entries, fields, offset) if len(row) == width else None
            if local is None:
                if len(row) > width:
                    ctx.refuse_overlong(spec.name, number, len(row), width, row, header)
                    continue
                record = ctx.row_record(self.state, number, dict(zip(header, row, strict=False)))
                if record is None:
                    continue
                records[len(keep)] = ctx.carry_kept(record) if ctx.kept_rows else record
                local_ids.append("")
            else:
                self._check_references(row, number, local)
                if ctx.kept_rows:  # rows set aside before this one ride on its record
                    made = _single(self, row, entries, offset, local)
                    records[len(keep)] = ctx.carry_kept(made)
                local_ids.append(local)
            keep.append(offset)
        if len(keep) != len(rows):
            entries = [[column[offset] for offset in keep] for column in entries]
            rows = [rows[offset] for offset in keep]
        extra_values = [[row[p] if p < len(row) else "" for row in rows] for p in self.extra_positions]
        return RecordTable(
            spec,
            ctx.namespace,
            ctx.provenance,
            self.plans,
            entries,
            local_ids,
            self.state.extra,
            extra_values,
            records,
        )

    def _clean(
        self, row: list[str], entries: list[list[Entry]], fields: list[str], offset: int
    ) -> str | None:
        """The row's GTFS id (or derived key) if the column path holds it, else None."""
        values: dict[str, Any] = {}
        for field, column in zip(fields, entries, strict=True):
            entry = column[offset]
            if entry is BAD:
                return None
            if entry[0] is not None:
                values[field] = entry[0]
        if self.rules is not None and not self.rules.passes(values):
            return None
        spec = self.spec
        if spec.id_column is not None:
            local = row[self.id_position] if self.id_position >= 0 else ""
            if not local and not spec.empty_id:
                return None
            return local
        parts = []
        for position, plan_number, column_number in self.key_sources:
            if position >= 0:
                parts.append(row[position])
            elif plan_number < 0:
                parts.append("")
            else:
                parts.append(entries[plan_number][offset][1][column_number])
        return "/".join(parts)

    def _check_references(self, row: list[str], number: int, local: str) -> None:
        """The per-row path's reference and duplicate checks, for a row kept as columns."""
        check = self.ctx.references
        spec = self.spec
        name = spec.name
        if spec.id_column is None and spec.key:
            group = row[self.index[spec.key[0]]] if spec.key[0] in self.index else ""
            iri = gtfs_iri(spec.id_kind, self.ctx.namespace, local)
            check.keyed(name, group, iri, number, spec.key[-1])
        elif spec.id_column is not None and (local or spec.empty_id):
            check.define(spec.id_kind, local, name, number, spec.id_column, self.state.unique)
        for position, column, kind in self.references:
            text = row[position]
            if not text:
                continue
            if kind == "service" and name == "calendar_dates.txt":
                check.define(kind, text, name, number, column, False)
            else:
                check.refer(kind, text, name, number, column)


def _single(block: _Block, row: list[str], entries: list[list[Entry]], offset: int, local: str) -> Record:
    """One clean row as its record (a one-row table's only record)."""
    extra = [[row[p]] for p in block.extra_positions]
    table = RecordTable(
        block.spec,
        block.ctx.namespace,
        block.ctx.provenance,
        block.plans,
        [[column[offset]] for column in entries],
        [local],
        block.state.extra,
        extra,
        {},
    )
    return table[0]


def file_tables(ctx: _Context, spec: FileSpec, size: int) -> Iterator[RecordTable]:
    """The file's rows as tables of at most ``size`` rows, in file order."""
    from interop_gtfs.reader import _FileState  # noqa: PLC0415 - the reader imports this module

    table = Table(spec.name)
    rows = read_rows(ctx.archive, spec.name, table)
    try:
        block: _Block | None = None
        first = 1
        while chunk := list(islice(rows, size)):
            if block is None:
                columns = table.columns
                if len(set(columns)) != len(columns) or "" in columns:
                    duplicated = sorted({c for c in columns if columns.count(c) > 1 or not c})
                    raise DecodeError(
                        f"the header repeats or leaves empty the column names {duplicated}",
                        source=f"{ctx.source}/{spec.name}",
                        expected="unique, non-empty column names",
                    )
                state = _FileState(ctx, spec, columns)
                if any(c.name not in columns for c in state.present):
                    yield from _records_as_tables(ctx, state, chunk, rows, first, size)
                    break
                block = _Block(ctx, state, _plans(spec, state.present, columns, ctx.namespace))
            yield block.table(chunk, first)
            first += len(chunk)
    finally:
        rows.close()
    for issue in table.notices:
        ctx.note_issue(issue)
    ctx.references.finished(spec.name)


def _records_as_tables(
    ctx: _Context,
    state: _FileState,
    chunk: list[list[str]],
    rest: Iterator[list[str]],
    first: int,
    size: int,
) -> Iterator[RecordTable]:
    """Every row through the per-row path (a required column is missing from the header)."""
    header = state.header
    made: list[Record] = []
    number = first
    for row in chain(chunk, rest):
        if len(row) > len(header):
            ctx.refuse_overlong(state.spec.name, number, len(row), len(header), row, header)
        else:
            record = ctx.row_record(state, number, dict(zip(header, row, strict=False)))
            if record is not None:
                made.append(ctx.carry_kept(record) if ctx.kept_rows else record)
        number += 1
        if len(made) >= size:
            yield records_table(ctx, state.spec, made)
            made = []
    if made:
        yield records_table(ctx, state.spec, made)


def records_table(ctx: _Context, spec: FileSpec, records: Sequence[Record]) -> RecordTable:
    """A table of records already made (every row held as its record)."""
    return RecordTable(
        spec,
        ctx.namespace,
        ctx.provenance,
        (),
        (),
        [""] * len(records),
        (),
        (),
        dict(enumerate(records)),
    )
