"""Generic, table-driven checks of one GTFS file: header, required fields, formats, keys.

One streaming pass per file. Only identifiers are kept (in :class:`FeedState` key sets), never
whole rows; files are read in :data:`~interop_gtfs.validation.schema.FILE_ORDER` so that a
foreign key is checked the moment it is read. Table-specific rules plug in as a row hook.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from interop_gtfs.archive import FeedArchive
from interop_gtfs.tables import Table, read_table
from interop_gtfs.validation.formats import CHECKERS, RANGES, parse_number
from interop_gtfs.validation.notices import Notices
from interop_gtfs.validation.schema import FieldSpec, TableSpec

__all__ = ["FeedState", "RowHook", "check_table", "safe_rows"]

RowHook = Callable[[int, dict[str, str]], None]
"""Called with the CSV record number (header = 1) and the row, after the generic checks."""


@dataclass(slots=True)
class FeedState:
    """What survives between files: notices, key namespaces and a row count."""

    notices: Notices
    keys: dict[str, set[str]] = field(default_factory=dict)
    checked: int = 0

    def key_set(self, namespace: str) -> set[str]:
        """The values registered in ``namespace`` (``"stop"``, ``"trip"`` ...)."""
        return self.keys.setdefault(namespace, set())


def safe_rows(
    archive: FeedArchive, name: str, table: Table, notices: Notices
) -> Iterator[tuple[int, dict[str, str]]]:
    """Number the rows of ``name``; a file that cannot be decoded ends with a notice."""
    try:
        for index, row in enumerate(read_table(archive, name, table)):
            yield index + 2, row
    except (UnicodeDecodeError, csv.Error) as exc:
        notices.add("csv_parsing_failed", f"reading stopped: {exc}", name)


def _check_header(name: str, table: Table, spec: TableSpec, notices: Notices) -> None:
    for column, count in Counter(table.columns).items():
        if not column:
            notices.add("empty_column_name", "a column has no name", name, 1)
        elif count > 1:
            notices.add("duplicated_column", f"{column} appears {count} times", name, 1, column)
        elif column not in spec.fields:
            notices.add("unknown_column", "not a column of this file", name, 1, column)
    for column in spec.required_columns:
        if column not in table.columns:
            notices.add("missing_required_column", "required column absent", name, 1, column)


def _check_value(
    name: str, row: int, column: str, spec: FieldSpec, value: str, state: FeedState
) -> None:
    """Check one non-empty, stripped value against its spec."""
    notices = state.notices
    checker = CHECKERS.get(spec.kind)
    if checker is not None and (code := checker(value)) is not None:
        notices.add(code, f"{value!r} is not a valid {spec.kind}", name, row, column)
        return
    if spec.enum is not None or spec.minimum is not None or spec.kind in RANGES:
        number = parse_number(value, spec.kind)
        if number is not None:
            _check_number(name, row, column, spec, number, notices)
    if spec.ref is not None and value not in state.key_set(spec.ref):
        notices.add(
            "foreign_key_violation", f"{value!r} is not a known {spec.ref}", name, row, column
        )
    if spec.key is not None:
        state.key_set(spec.key).add(value)


def _check_number(
    name: str, row: int, column: str, spec: FieldSpec, number: float, notices: Notices
) -> None:
    if spec.enum is not None and number not in spec.enum:
        notices.add(
            "unexpected_enum_value", f"{number:g} is not a defined value", name, row, column
        )
        return
    low, high = RANGES.get(spec.kind, (spec.minimum, spec.maximum))
    too_low = low is not None and (number < low or (spec.exclusive_minimum and number == low))
    if too_low or (high is not None and number > high):
        notices.add("number_out_of_range", f"{number:g} is out of range", name, row, column)


def check_table(
    archive: FeedArchive,
    name: str,
    spec: TableSpec,
    state: FeedState,
    hook: RowHook | None = None,
) -> tuple[int, bool]:
    """Run the generic checks over ``name``; return its number of rows and if it has a header."""
    notices = state.notices
    table = Table(name)
    rows = safe_rows(archive, name, table, notices)
    first = next(rows, None)
    if table.columns:
        _check_header(name, table, spec, notices)
    active = [(column, spec.fields[column]) for column in table.columns if column in spec.fields]
    required = {column for column, fspec in active if fspec.required}
    pk = [column for column in spec.primary_key if column in table.columns]
    seen: dict[object, int] = {}
    count = 0
    for row_number, row in _chain(first, rows):
        count += 1
        for column, fspec in active:
            raw = row.get(column, "")
            value = raw.strip()
            if value != raw:
                notices.add("leading_or_trailing_whitespaces", f"{raw!r}", name, row_number, column)
            if value:
                _check_value(name, row_number, column, fspec, value, state)
            elif column in required:
                notices.add("missing_required_field", "no value", name, row_number, column)
        if pk:
            _check_key(name, row_number, row, pk, seen, notices)
        if hook is not None:
            hook(row_number, row)
    notices.extend(table.notices)
    state.checked += count
    return count, bool(table.columns)


def _chain(
    first: tuple[int, dict[str, str]] | None, rest: Iterator[tuple[int, dict[str, str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    if first is not None:
        yield first
        yield from rest


def _check_key(
    name: str,
    row_number: int,
    row: dict[str, str],
    pk: list[str],
    seen: dict[object, int],
    notices: Notices,
) -> None:
    values = tuple(row.get(column, "").strip() for column in pk)
    if not all(values):
        return
    key: object = values[0] if len(values) == 1 else values
    previous = seen.setdefault(key, row_number)
    if previous != row_number:
        notices.add(
            "duplicate_key",
            f"{'+'.join(pk)} {'/'.join(values)} already at row {previous}",
            name,
            row_number,
            pk[-1],
        )
