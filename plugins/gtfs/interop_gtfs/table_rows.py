"""Read one GTFS file in blocks of rows as :class:`~interop_gtfs.record_table.RecordTable`.

Each block is checked a column at a time (:mod:`interop_gtfs.columnar`); a row whose every
cell its field accepts and whose values pass the model's record rules is kept as validated
columns. Any other row (a short or overlong row, a bad cell, a record rule that fails)
goes through the reader's per-row path, in file order, so its notices and set-aside items
are exactly what a per-row read gives. Reference and duplicate-id checks are the same calls
in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from itertools import chain, compress
from operator import itemgetter, lt, ne, or_
from typing import TYPE_CHECKING, Any, overload

from interop.errors import DecodeError
from interop.model.records import Record
from interop_gtfs.columnar import BAD, Entry, EntryColumn, FieldPlan, row_rules
from interop_gtfs.columns import Column, FileSpec, TranslatedRecord
from interop_gtfs.ids import gtfs_iri
from interop_gtfs.record_table import RecordTable
from interop_gtfs.tables import Block, Table, read_blocks

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


def _plans(
    spec: FileSpec, present: Sequence[Column], header: Sequence[str], ns: str
) -> list[FieldPlan]:
    """One plan per canonical field of the present columns (both point columns together)."""
    by_field: dict[str, list[Column]] = {}
    for column in present:
        by_field.setdefault(column.field.split(".")[0], []).append(column)
    index = {name: position for position, name in enumerate(header)}
    return [
        FieldPlan(spec.model, spec.name, field, columns, [index[c.name] for c in columns], ns)
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

    def table(self, block: Block, first: int) -> RecordTable:
        """The table of ``block``'s rows (data rows ``first``, ``first + 1``, ...)."""
        ctx, spec = self.ctx, self.spec
        count = block.count
        by_column = block.columns
        keys = [plan.keys(by_column) for plan in self.plans]
        checked = [plan.column(k) for plan, k in zip(self.plans, keys, strict=True)]
        entries: list[Sequence[Entry]] = [column for column, _ in checked]
        distinct = [found for _, found in checked]
        del checked
        raw: list[Sequence[str] | None] = [
            k if plan.written_as_read(d) else None
            for plan, k, d in zip(self.plans, keys, distinct, strict=True)
        ]
        clean = [True] * count
        for offset in block.odd:
            clean[offset] = False
        for plan, column, d in zip(self.plans, entries, distinct, strict=True):
            if plan.any_bad(d):
                for offset, entry in enumerate(column):
                    if entry is BAD:
                        clean[offset] = False
        self._check_rules(entries, distinct, clean)
        ids, distinct_keys = self._local_ids(by_column, entries, raw, distinct, clean)
        records: dict[int, Record] = {}
        local_ids: Sequence[str]
        if all(clean) and self._quiet(block, ids, distinct_keys, first):
            local_ids = ids
            if ctx.kept_rows:  # rows set aside before this block ride on its first record
                records[0] = ctx.carry_kept(_single(self, block.row(0), entries, 0, local_ids[0]))
            extra_values = [by_column[p] for p in self.extra_positions]
        else:
            keep, local_ids = self._row_by_row(block, first, entries, clean, ids, records)
            extra_values = [
                [_cell(block, offset, p) for offset in keep] for p in self.extra_positions
            ]
            if len(keep) != count:
                entries = [[column[offset] for offset in keep] for column in entries]
                raw = [None if r is None else [r[offset] for offset in keep] for r in raw]
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
            raw,
        )

    def _row_by_row(
        self,
        block: Block,
        first: int,
        entries: Sequence[Sequence[Entry]],
        clean: list[bool],
        ids: Sequence[str],
        records: dict[int, Record],
    ) -> tuple[list[int], list[str]]:
        """Rows in file order, the unclean ones through the per-row path; kept offsets, ids."""
        ctx, spec, width = self.ctx, self.spec, self.width
        header = self.state.header
        keep: list[int] = []
        local_ids: list[str] = []
        for offset in range(block.count):
            number = first + offset
            if not clean[offset]:
                row = block.row(offset)
                if len(row) > width:
                    ctx.refuse_overlong(spec.name, number, len(row), width, row, header)
                    continue
                record = ctx.row_record(self.state, number, dict(zip(header, row, strict=False)))
                if record is None:
                    continue
                records[len(keep)] = ctx.carry_kept(record) if ctx.kept_rows else record
                local_ids.append("")
            else:
                local = ids[offset]
                self._check_references(block, offset, number, local)
                if ctx.kept_rows:  # rows set aside before this one ride on its record
                    made = _single(self, block.row(offset), entries, offset, local)
                    records[len(keep)] = ctx.carry_kept(made)
                local_ids.append(local)
            keep.append(offset)
        return keep, local_ids

    def _check_rules(
        self, entries: Sequence[Sequence[Entry]], distinct: Sequence[set[Any]], clean: list[bool]
    ) -> None:
        """Mark unclean the rows the model's record rules refuse."""
        rules = self.rules
        if rules is None or not (rules.functions or rules.twins):
            return
        columns = _FieldValues(
            {
                plan.field: _Values(column, found) if isinstance(column, EntryColumn) else column
                for plan, column, found in zip(self.plans, entries, distinct, strict=True)
            }
        )
        passed = rules.passing(columns, len(clean))
        if all(passed):
            return
        for offset, ok in enumerate(passed):
            if not ok:
                clean[offset] = False

    def _local_ids(
        self,
        by_column: Sequence[Sequence[str]],
        entries: Sequence[Sequence[Entry]],
        raw: Sequence[Sequence[str] | None],
        distinct: Sequence[set[Any]],
        clean: list[bool],
    ) -> tuple[Sequence[str], bool]:
        """Each row's GTFS id (or derived key), and whether the derived keys are all distinct.

        Rows without a required id are marked unclean. ``by_column`` holds the block's
        columns (an irregular row reads as empty: unclean); ``raw`` and ``distinct`` are
        per plan its texts as written (None if not) and its set of distinct keys. A derived
        key is built only when it is read (:class:`_Keys`).
        """
        spec = self.spec
        count = len(clean)
        if spec.id_column is not None:
            position = self.id_position
            ids: Sequence[str] = by_column[position] if position >= 0 else [""] * count
            if not spec.empty_id and "" in ids:
                for offset, local in enumerate(ids):
                    if not local:
                        clean[offset] = False
            return ids, True
        parts: list[Sequence[str]] = []
        plain = True  # no key part but the last holds "/": distinct parts, distinct keys
        groups: set[Any] | None = None
        for number, (position, plan_number, column_number) in enumerate(self.key_sources):
            last = number == len(self.key_sources) - 1
            if position >= 0:
                parts.append(by_column[position])
            elif plan_number < 0:
                parts.append([""] * count)
            elif raw[plan_number] is not None:  # written as read: its texts are its keys
                parts.append(by_column[self.plans[plan_number].positions[0]])
            else:
                texts = itemgetter(1)
                parts.append(
                    [t[column_number] if t else "" for t in map(texts, entries[plan_number])]
                )
            if not last:
                found = self._distinct_texts(position, plan_number, distinct)
                plain = plain and found is not None and "/" not in "".join(found)
                groups = found if number == 0 else None
        unique: bool | None = None
        if plain and groups is not None and len(parts) == 2:
            unique = self._rising_runs(parts[0], len(groups), entries, raw)
        if unique is None and plain and len(parts) > 1:
            unique = len(set(zip(*parts, strict=True))) == count
        elif unique is None:
            unique = len(set(map("/".join, zip(*parts, strict=True)))) == count
        return _Keys(parts, count), unique

    def _rising_runs(
        self,
        groups: Sequence[str],
        group_count: int,
        entries: Sequence[Sequence[Entry]],
        raw: Sequence[Sequence[str] | None],
    ) -> bool | None:
        """Whether two-part keys are all distinct, told without making them; None: unknown.

        True when each group (first part) is one run of rows and, within it, the second
        part's values strictly increase. That part must be written as read, so distinct
        values are distinct texts (one value formats to one text).
        """
        _, plan_number, _ = self.key_sources[1]
        if plan_number < 0 or raw[plan_number] is None:
            return None
        column = entries[plan_number]
        if not isinstance(column, EntryColumn) or len(groups) < 2:
            return None
        starts = list(map(ne, groups[1:], groups[:-1]))  # where a new run begins
        if sum(starts) + 1 != group_count:
            return None
        values = column.values()
        try:
            return all(map(or_, starts, map(lt, values[:-1], values[1:]))) or None
        except TypeError:  # an absent or unordered value
            return None

    def _distinct_texts(
        self, position: int, plan_number: int, distinct: Sequence[set[Any]]
    ) -> set[Any] | None:
        """The distinct texts of a key column read as written, if the block's check has them."""
        if plan_number < 0:
            return {""}
        plan = self.plans[plan_number]
        if len(plan.columns) == 1 and position >= 0:
            return distinct[plan_number]
        return None

    def _quiet(self, block: Block, ids: Sequence[str], distinct: bool, first: int) -> bool:
        """Check the block's ids and references at once when that notices nothing.

        ``distinct``: whether the block's derived keys are all distinct.
        """
        spec = self.spec
        defines: tuple[str, Sequence[str], bool] | None = None
        keyed = None
        refers: list[tuple[str, Sequence[str], str]] = []
        if spec.id_column is not None:
            defined = ids if spec.empty_id or "" not in ids else [i for i in ids if i]
            defines = (spec.id_kind, defined, self.state.unique)
        elif spec.key:
            position = self.index.get(spec.key[0], -1)
            groups = block.columns[position] if position >= 0 else [""] * block.count
            mint = partial(gtfs_iri, spec.id_kind, self.ctx.namespace)
            keyed = (groups, ids, mint, distinct)
        for position, column, kind in self.references:
            texts = block.columns[position]
            if kind == "service" and spec.name == "calendar_dates.txt":
                if defines is not None:
                    return False
                defines = (kind, [t for t in texts if t], False)
            else:
                refers.append((kind, texts, column))
        return self.ctx.references.quiet_block(spec.name, first, defines, keyed, refers)

    def _check_references(self, block: Block, offset: int, number: int, local: str) -> None:
        """The per-row path's reference and duplicate checks, for a row kept as columns."""
        check = self.ctx.references
        spec = self.spec
        name = spec.name
        columns = block.columns
        if spec.id_column is None and spec.key:
            group = columns[self.index[spec.key[0]]][offset] if spec.key[0] in self.index else ""
            iri = gtfs_iri(spec.id_kind, self.ctx.namespace, local)
            check.keyed(name, group, iri, number, spec.key[-1])
        elif spec.id_column is not None and (local or spec.empty_id):
            check.define(spec.id_kind, local, name, number, spec.id_column, self.state.unique)
        for position, column, kind in self.references:
            text = columns[position][offset]
            if not text:
                continue
            if kind == "service" and name == "calendar_dates.txt":
                check.define(kind, text, name, number, column, False)
            else:
                check.refer(kind, text, name, number, column)


class _Keys(Sequence[str]):
    """A block's derived keys (its key columns' texts joined by ``/``), each made when read."""

    __slots__ = ("parts", "size")

    def __init__(self, parts: Sequence[Sequence[str]], size: int) -> None:
        self.parts = parts
        self.size = size

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return list(map("/".join, zip(*(part[index] for part in self.parts), strict=True)))
        return "/".join(part[index] for part in self.parts)


class _Values(Sequence[Any]):
    """One field's canonical values over a block, looked up only as far as they are read.

    Whether a value occurs is answered from the block's distinct keys; the rows' values are
    made once something reads them all.
    """

    def __init__(self, column: EntryColumn, distinct: set[Any]) -> None:
        self.column = column
        self.distinct = distinct
        self._all: list[Any] | None = None

    def all(self) -> list[Any]:
        """Every row's value (made on first use)."""
        if self._all is None:
            self._all = self.column.values()
        return self._all

    def __len__(self) -> int:
        return len(self.column)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self.all()[index]
        return self.column[index][0]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.all())

    def __contains__(self, value: object) -> bool:
        memo = self.column.memo
        return any(
            found is value or found == value for found in (memo[k][0] for k in self.distinct)
        )

    def count(self, value: object) -> int:
        return self.all().count(value)

    def keys(self) -> Sequence[Any]:
        """The block's keys of this field, one per row."""
        return self.column.keys


class _FieldValues(Mapping[str, Sequence[Any]]):
    """A block's canonical values per field, each field's made when a rule first reads it.

    :meth:`differing` tells a rule which rows have different texts in two fields (rows
    where they read alike hold equal values).
    """

    def __init__(self, columns: dict[str, Sequence[Any]]) -> None:
        self.columns = columns

    def __getitem__(self, field: str) -> Sequence[Any]:
        column = self.columns[field]
        if isinstance(column, _Values):
            return column
        made = [entry[0] for entry in column]
        self.columns[field] = made
        return made

    def differing(self, first: str, second: str) -> list[int] | None:
        """Rows whose texts of fields ``first`` and ``second`` differ; None if not known."""
        a, b = self.columns.get(first), self.columns.get(second)
        if not (isinstance(a, _Values) and isinstance(b, _Values)):
            return None
        keys = a.keys()
        return list(compress(range(len(keys)), map(ne, keys, b.keys())))

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


def _cell(block: Block, offset: int, position: int) -> str:
    """The text at header ``position`` of row ``offset`` as read (empty past a short row's end)."""
    odd = block.odd.get(offset)
    if odd is None:
        return block.columns[position][offset]
    return odd[position] if position < len(odd) else ""


_NO_ROW: list[str] = []


def _single(
    block: _Block, row: list[str], entries: Sequence[Sequence[Entry]], offset: int, local: str
) -> Record:
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
    table = Table(spec.name)
    blocks = read_blocks(ctx.archive, spec.name, table, size)
    rows: Iterator[list[str]] = chain.from_iterable(blocks)
    try:
        block: _Block | None = None
        first = 1
        for chunk in blocks:
            if block is None:
                columns = table.columns
                if len(set(columns)) != len(columns) or "" in columns:
                    duplicated = sorted({c for c in columns if columns.count(c) > 1 or not c})
                    raise DecodeError(
                        f"the header repeats or leaves empty the column names {duplicated}",
                        source=f"{ctx.source}/{spec.name}",
                        expected="unique, non-empty column names",
                    )
                state = ctx.file_state(spec, columns)
                if any(c.name not in columns for c in state.present):
                    yield from _records_as_tables(ctx, state, chunk, rows, first, size)
                    break
                block = _Block(ctx, state, _plans(spec, state.present, columns, ctx.namespace))
            made = block.table(chunk, first)
            first += chunk.count
            del chunk  # free the rows before the caller resumes (no collector walk over them)
            yield made
    finally:
        blocks.close()
    for issue in table.notices:
        ctx.note_issue(issue)
    ctx.references.finished(spec.name)


def _records_as_tables(
    ctx: _Context,
    state: _FileState,
    chunk: Block,
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
