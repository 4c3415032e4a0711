"""A block of one GTFS file's rows as validated columns: a sequence of records built on access.

:meth:`interop_gtfs.reader.GtfsReader.read_tables` yields these instead of lists, the way
gtfs-kit yields DataFrames: every value is already validated (a row that needed a notice
went through the per-row path and is held as the record it made), so ``table[i]`` only
assembles the record. :class:`~interop_gtfs.writer.GtfsWriter` writes a table's rows from
the texts its columns remember, which are the texts formatting those records gives, so the
output is the same as writing the records one by one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from operator import itemgetter
from typing import Any, TypeVar, overload

from pydantic import BaseModel

from interop.model.base import Provenance
from interop.model.records import Record
from interop_gtfs.columnar import Entry, FieldPlan
from interop_gtfs.columns import FileSpec
from interop_gtfs.ids import gtfs_iri
from interop_gtfs.manifest import PLUGIN

M = TypeVar("M", bound=BaseModel)

_TEXTS = itemgetter(1)
"""An entry's written texts."""
_FIRST = itemgetter(0)

__all__ = ["LazyRecords", "RecordTable", "construct"]


@cache
def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    return {
        name: info.get_default(call_default_factory=False)
        for name, info in model.model_fields.items()
    }


def construct(model: type[M], values: dict[str, Any]) -> M:
    """An instance of ``model`` from already validated ``values``, as validation makes it.

    Fields not given take their defaults and are not marked as set.
    """
    fields = _defaults(model).copy()
    if "extensions" in fields:
        fields["extensions"] = {}
    fields.update(values)
    instance = model.__new__(model)
    setter = object.__setattr__
    setter(instance, "__dict__", fields)
    setter(instance, "__pydantic_fields_set__", set(values))
    setter(instance, "__pydantic_extra__", None)
    setter(instance, "__pydantic_private__", None)
    return instance


class LazyRecords(Sequence[Record]):
    """A sequence of records built only when looked at (``_record(index)``, cached by it)."""

    def __len__(self) -> int:
        raise NotImplementedError

    def _record(self, index: int) -> Record:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | Sequence[Record]:
        if isinstance(index, slice):
            return [self._record(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._record(index)

    def __iter__(self) -> Iterator[Record]:
        for index in range(len(self)):
            yield self._record(index)


class RecordTable(LazyRecords):
    """Rows of one file: per field a column of entries, per row its GTFS id or key.

    ``records`` holds the rows the per-row path made (by position): they are returned as
    they are and written as records. ``extra`` names the file's columns the specification
    does not define (kept in ``extensions["gtfs"]``) and ``extra_values`` their texts.
    """

    def __init__(
        self,
        spec: FileSpec,
        namespace: str,
        provenance: Provenance | None,
        plans: Sequence[FieldPlan],
        entries: Sequence[Sequence[Entry]],
        local_ids: Sequence[str],
        extra: Sequence[str],
        extra_values: Sequence[Sequence[str]],
        records: dict[int, Record],
        raw: Sequence[Sequence[str] | None] = (),
    ) -> None:
        self.spec = spec
        self.namespace = namespace
        self.provenance = provenance
        self.plans = tuple(plans)
        self.entries = tuple(entries)
        self.local_ids = local_ids
        self.extra = tuple(extra)
        self.extra_values = tuple(extra_values)
        self.records = records
        self.raw = tuple(raw) or (None,) * len(self.plans)
        """Per plan, its column's texts when the writer writes them back exactly as read."""

    def __len__(self) -> int:
        return len(self.local_ids)

    def _record(self, index: int) -> Record:
        """Row ``index`` as its record (every value was validated when the table was read)."""
        made = self.records.get(index)
        if made is not None:
            return made
        spec = self.spec
        values: dict[str, Any] = {
            "id": gtfs_iri(spec.id_kind, self.namespace, self.local_ids[index])
        }
        for plan, column in zip(self.plans, self.entries, strict=True):
            value = column[index][0]
            if value is not None:
                values[plan.field] = value
        if self.extra:
            values["extensions"] = {
                PLUGIN: {
                    name: texts[index]
                    for name, texts in zip(self.extra, self.extra_values, strict=True)
                }
            }
        if self.provenance is not None:
            values["provenance"] = self.provenance
        record: Any = construct(spec.model, values)
        made_record: Record = record
        return made_record

    def replaced(self, index: int, record: Record) -> RecordTable:
        """A copy of the table with row ``index`` held as ``record`` (tables never change)."""
        if index < 0:
            index += len(self)
        copy = RecordTable(
            self.spec,
            self.namespace,
            self.provenance,
            self.plans,
            self.entries,
            self.local_ids,
            self.extra,
            self.extra_values,
            {**self.records, index: record},
            self.raw,
        )
        return copy

    def columns(self) -> list[str]:
        """The GTFS columns this table's built rows write (id, used spec columns, extras)."""
        made = self.records
        used = set()
        for plan, entries, raw in zip(self.plans, self.entries, self.raw, strict=True):
            if raw is not None and not made:
                if any(raw):
                    used.add(plan.columns[0].name)
                continue
            rows = entries if not made else [e for i, e in enumerate(entries) if i not in made]
            for position, column in enumerate(plan.columns):
                if any(entry[1][position] for entry in rows if entry[1]):
                    used.add(column.name)
        if self.spec.id_column is not None and any(self.local_ids):
            used.add(self.spec.id_column)
        return [name for name in self.spec.all_columns if name in used] + list(self.extra)

    def text_columns(self, layout: Sequence[str], start: int, stop: int) -> list[Sequence[str]]:
        """The written texts of rows ``start:stop`` (none in ``records``), per ``layout`` column."""
        sources: dict[str, Sequence[str]] = {}
        if self.spec.id_column is not None:
            sources[self.spec.id_column] = self.local_ids[start:stop]
        for plan, entries, raw in zip(self.plans, self.entries, self.raw, strict=True):
            if raw is not None:
                sources[plan.columns[0].name] = raw[start:stop]
                continue
            texts = list(map(_TEXTS, entries[start:stop]))
            if len(plan.columns) == 1:
                sources[plan.columns[0].name] = list(map(_FIRST, texts))
                continue
            by_column = list(zip(*texts, strict=True))
            for column, column_texts in zip(plan.columns, by_column, strict=True):
                sources[column.name] = column_texts
        for name, values in zip(self.extra, self.extra_values, strict=True):
            sources[name] = values[start:stop]
        empty = [""] * (stop - start)
        return [sources.get(name, empty) for name in layout]
