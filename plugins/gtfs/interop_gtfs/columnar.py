"""Validate a GTFS file a column at a time, with the model's own field rules.

The per-row path (:mod:`interop_gtfs.reader`) parses every cell and validates every row as a
whole record. Real columns repeat themselves (a trip id on every stop time, a few hundred
distinct times), so this module parses and validates each *distinct* text of a column once,
in one pydantic call per column, and remembers the canonical value and the text the writer
will write for it. Validation stays the model's: each field is checked by a validator built
from that very field (its type, constraints and validators, under the model's config), and
a row's record-level rules are the model's own ``mode="after"`` validators, run on the row's
values. A model with any other kind of validator gets no column plan (the per-row path
reads it), so a new model rule can never be skipped silently.

A cell whose text does not parse, or whose value its field refuses, makes its row *unclean*:
the reader sends that row through the per-row path, which raises the notices, keeps the bad
value or sets the row aside exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from itertools import compress
from operator import and_, itemgetter, ne
from typing import Annotated, Any, overload

from pydantic import BaseModel, TypeAdapter, ValidationError

from interop.errors import EncodeError
from interop.model.base import RecordBase
from interop_gtfs.column_rules import twin_of
from interop_gtfs.columns import Column, format_value
from interop_gtfs.ids import FeedNamespace

__all__ = ["BAD", "Entry", "EntryColumn", "FieldPlan", "RowRules", "field_values", "row_rules"]

Entry = tuple[Any, tuple[str, ...]]
"""A validated cell: the canonical value (None: the field is absent) and the written texts."""

BAD: Entry = (None, ())
"""The entry of a cell the per-row path must handle (it does not parse, or is refused)."""

_NO_ROW: dict[str, str] = {}
"""The row a context-free value type is given (it never looks at it)."""

_MEMO_LIMIT = 1 << 17
"""Distinct texts remembered per column before the memo starts afresh (bounds memory)."""


@cache
def _field_checker(model: type[BaseModel], field: str) -> TypeAdapter[list[Any]]:
    """A checker of a list of values as ``model.field``, so one call checks a whole column.

    The items carry the field's annotation and metadata (constraints, before/after
    validators) under the model's config; built per field on first use, and shared by the
    fields (of any model) with equal annotation, metadata and config.
    """
    info = model.model_fields[field]
    try:
        key = (info.annotation, tuple(info.metadata), tuple(sorted(model.model_config.items())))
        hash(key)
    except TypeError:  # an unhashable part: this field's own checker
        return _built(info.annotation, tuple(info.metadata), model.model_config)
    return _shared_checker(key)


@cache
def _shared_checker(key: tuple[Any, tuple[Any, ...], tuple[Any, ...]]) -> TypeAdapter[list[Any]]:
    """The checker of every field whose (annotation, metadata, config items) is ``key``."""
    annotation, metadata, config = key
    return _built(annotation, metadata, dict(config))


def _built(annotation: Any, metadata: tuple[Any, ...], config: Any) -> TypeAdapter[list[Any]]:
    item: Any = annotation
    if metadata:
        item = Annotated[(item, *metadata)]
    adapter: TypeAdapter[list[Any]] = TypeAdapter(list[item], config=config)
    return adapter


def field_values(model: type[BaseModel], field: str, values: list[Any]) -> list[Any | None]:
    """Each value as ``model.field`` validates it, or None where the field refuses it."""
    if not values:
        return []
    checker = _field_checker(model, field)
    try:
        return list(checker.validate_python(values))
    except ValidationError as exc:
        bad = {e["loc"][0] for e in exc.errors() if e["loc"] and isinstance(e["loc"][0], int)}
    if not bad:  # an error of the list itself: check one by one
        for index, value in enumerate(values):
            try:
                checker.validate_python([value])
            except ValidationError:
                bad.add(index)
    keep = [index for index in range(len(values)) if index not in bad]
    good = field_values(model, field, [values[index] for index in keep])
    out: list[Any | None] = [None] * len(values)
    for index, value in zip(keep, good, strict=True):
        out[index] = value
    return out


class FieldPlan:
    """One canonical field of a file: its columns' header positions and a memo of entries.

    ``entries(rows)`` turns a block of positional rows into one :data:`Entry` per row:
    ``(value, texts)`` for a valid cell (``value`` None when every column is empty), or
    :data:`BAD`. ``texts`` holds, per column, what the writer writes for the value.
    """

    def __init__(
        self,
        model: type[BaseModel],
        file: str,
        field: str,
        columns: Sequence[Column],
        positions: Sequence[int],
        namespace: str,
    ) -> None:
        self.field = field
        self.columns = tuple(columns)
        self.positions = tuple(positions)
        self.namespace = namespace
        self.ids = FeedNamespace(namespace)
        self.where = f"{file} {field}"
        self.nested = len(columns) > 1 or "." in columns[0].field
        self.required = any(column.required for column in columns)
        self.model = model
        self.absent: Entry = (None, ("",) * len(columns))
        self.memo: dict[Any, Entry] = {}
        self.changed: set[Any] = set()
        """Keys not written back as read (``01`` is written ``1``), or not valid."""
        self.bad: set[Any] = set()
        """Keys whose entry is :data:`BAD`."""

    def keys(self, columns: Sequence[Sequence[str]]) -> Sequence[Any]:
        """The memo key of every row, from the block's columns (``columns[p]``: column ``p``).

        A row's key is its text, or the tuple of its texts of a nested field.
        """
        if len(self.positions) == 1:
            return columns[self.positions[0]]
        return list(zip(*(columns[p] for p in self.positions), strict=True))

    def entries(self, keys: Sequence[Any]) -> list[Entry]:
        """The entry of every key (texts of one block), computing the new ones in one call."""
        return self.checked(keys)[0]

    def checked(self, keys: Sequence[Any]) -> tuple[list[Entry], set[Any]]:
        """:meth:`entries` of ``keys`` and the set of their distinct keys.

        Each cell is hashed once (into the set); only the distinct keys are looked up
        against the memo, and the per-row entries are a lookup of known keys. The distinct
        keys answer :meth:`any_bad` and :meth:`written_as_read` for the block.
        """
        entries, distinct = self.column(keys)
        return list(entries), distinct

    def column(self, keys: Sequence[Any]) -> tuple[EntryColumn, set[Any]]:
        """:meth:`checked`, the entries looked up in the memo only when they are read."""
        if len(self.memo) > _MEMO_LIMIT:  # a new memo: earlier columns keep the one they read
            self.memo = {}
            self.changed = set()
            self.bad = set()
        memo = self.memo
        distinct = set(keys)
        new = distinct.difference(memo)
        if new:
            self._learn(list(new))
        return EntryColumn(keys, memo), distinct

    def any_bad(self, keys: Iterable[Any]) -> bool:
        """Whether a key of the block is :data:`BAD` (known after :meth:`entries`).

        ``keys`` may be the block's keys or the set of its distinct keys.
        """
        return bool(self.bad) and not self.bad.isdisjoint(keys)

    def _parse(self, key: Any) -> Any:
        """The parsed value of one key; :data:`BAD` if a text does not parse."""
        texts = (key,) if len(self.columns) == 1 else key
        parsed: dict[str, Any] = {}
        value: Any = None
        for column, text in zip(self.columns, texts, strict=True):
            if not text or (not column.type.exact and not text.strip()):
                if column.required:
                    return BAD
                continue
            try:
                value = column.type.parse(text, {}, self.namespace)
            except ValueError:
                return BAD
            parsed[column.field.split(".", 1)[-1]] = value
        if not self.nested:
            return value
        return parsed or None

    def _parse_all(self, keys: list[Any]) -> list[Any]:
        """:meth:`_parse` of every key (one column: the same steps, without the calls)."""
        if self.nested:
            return [self._parse(key) for key in keys]
        (column,) = self.columns
        parse, exact, required = column.type.parse, column.type.exact, column.required
        namespace, row = self.namespace, _NO_ROW
        parsed: list[Any] = []
        for key in keys:
            if not key or (not exact and not key.strip()):
                parsed.append(BAD if required else None)
                continue
            try:
                parsed.append(parse(key, row, namespace))
            except ValueError:
                parsed.append(BAD)
        return parsed

    def _learn(self, keys: list[Any]) -> None:
        if not self.nested and self._learn_at_once(keys):
            return
        parsed = self._parse_all(keys)
        todo = [
            index for index, value in enumerate(parsed) if value is not None and value is not BAD
        ]
        checked = field_values(self.model, self.field, [parsed[index] for index in todo])
        memo = self.memo
        for key, value in zip(keys, parsed, strict=True):
            if value is None:
                memo[key] = self.absent
            elif value is BAD:
                memo[key] = BAD
        for index, value in zip(todo, checked, strict=True):
            key = keys[index]
            if value is None:
                memo[key] = BAD
            elif self.nested:
                memo[key] = self._entry(key, value)
            else:
                memo[key] = self._single_entry(key, value, parsed[index])
        for key in keys:
            known = memo[key]
            if known is BAD:
                self.bad.add(key)
            if known[1] != ((key,) if len(self.columns) == 1 else key):
                self.changed.add(key)

    def _learn_at_once(self, keys: list[str]) -> bool:
        """Learn a one-column field's keys in whole-column steps; False if one needs more.

        Taken when every key parses through the type's :meth:`ValueType.parse_many`, the
        field accepts every value and every value formats; the entries are then the ones
        the key-by-key steps make. Otherwise nothing is learnt and the caller goes key by key.
        """
        column_type = self.columns[0].type
        if "" in keys:  # an empty cell: the field is absent (or the row bad, if required)
            self.memo[""] = BAD if self.columns[0].required else self.absent
            if self.columns[0].required:  # as the key-by-key steps note a BAD key
                self.bad.add("")
                self.changed.add("")
            keys = [key for key in keys if key]
            if not keys:
                return True
        parsed = column_type.parse_many(keys, self.namespace)
        if parsed is None:
            return False
        checked = field_values(self.model, self.field, parsed)
        if None in checked:
            return False
        texts: list[str] | None = None
        try:
            same = checked == parsed and list(map(type, checked)) == list(map(type, parsed))
            if same and (column_type.verbatim or column_type.verbatim_many):
                texts = keys
            else:
                texts = column_type.format_many(checked)
            if texts is None:
                where, ids, write = self.where, self.ids, column_type.format
                texts = [write(value, value, ids, where) for value in checked]
        except (EncodeError, ValueError, KeyError, TypeError):
            return False
        entries = zip(checked, zip(texts, strict=True), strict=True)
        self.memo.update(zip(keys, entries, strict=True))
        self.changed.update(compress(keys, map(ne, texts, keys)))
        return True

    def written_as_read(self, keys: Iterable[Any]) -> bool:
        """Whether the writer writes every key of a block back as the very text it was read as."""
        return len(self.columns) == 1 and (not self.changed or self.changed.isdisjoint(keys))

    def _single_entry(self, key: Any, value: Any, parsed: Any = None) -> Entry:
        """:meth:`_entry` of a one-column field (``format_value``'s refusals give BAD).

        A verbatim type's value that validation left as parsed is written as its own key.
        """
        column_type = self.columns[0].type
        if column_type.verbatim and value == parsed and type(value) is type(parsed):
            return (value, (key,))
        try:
            return (value, (self.columns[0].type.format(value, value, self.ids, self.where),))
        except (EncodeError, ValueError, KeyError, TypeError):
            return BAD

    def _entry(self, key: Any, value: Any) -> Entry:
        """The value with the texts the writer writes for it; :data:`BAD` if it cannot."""
        texts = []
        for column in self.columns:
            part = value
            if self.nested:
                part = getattr(value, column.field.split(".", 1)[-1], None)
            try:
                texts.append(format_value(column, part, value, self.ids, self.where))
            except EncodeError:
                return BAD
        del key
        return (value, tuple(texts))


class EntryColumn(Sequence[Entry]):
    """A block's entries of one field: its keys, each looked up in the plan's memo when read.

    Nothing per row is built until a row is looked at, so a column the writer writes from
    its texts and no rule reads costs nothing beyond its check.
    """

    __slots__ = ("keys", "memo")

    def __init__(self, keys: Sequence[Any], memo: dict[Any, Entry]) -> None:
        self.keys = keys
        self.memo = memo

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return list(map(self.memo.__getitem__, self.keys[index]))
        return self.memo[self.keys[index]]

    def __iter__(self) -> Iterator[Entry]:
        return map(self.memo.__getitem__, self.keys)

    def values(self) -> list[Any]:
        """The canonical value of every row (None: absent or BAD)."""
        return list(map(_VALUE, map(self.memo.__getitem__, self.keys)))


_VALUE = itemgetter(0)


class RowRules:
    """A model's record-level (``mode="after"``) validators, run on columns of row values.

    A validator with a column twin (:mod:`interop_gtfs.column_rules`) runs as that twin;
    the others run row by row on a plain object with the model's field names as
    attributes, every field at its default unless the row sets it, which is what the
    validators read on the record the row would become.
    """

    def __init__(self, model: type[RecordBase], functions: Sequence[Callable[[Any], Any]]) -> None:
        self.twins = [twin for twin in map(twin_of, functions) if twin is not None]
        self.functions = tuple(f for f in functions if twin_of(f) is None)
        self.defaults = {
            name: info.get_default(call_default_factory=True)
            for name, info in model.model_fields.items()
        }

    def passing(self, columns: Mapping[str, Sequence[Any]], rows: int) -> list[bool]:
        """Whether each row passes every rule; ``columns`` are per field (None: absent).

        ``columns`` may compute a field's values when it is first looked up: a twin reads
        only the fields its rule needs.
        """
        ok: list[bool] | None = None
        for twin in self.twins:
            passed = twin(columns, rows)
            ok = list(passed) if ok is None else list(map(and_, ok, passed))
        if ok is None:
            ok = [True] * rows
        if not self.functions:
            return ok
        view = _RowView()
        values = view.__dict__
        values.update(self.defaults)
        fields = list(columns)
        restore = {
            name: self.defaults[name] for name in fields if self.defaults.get(name) is not None
        }
        functions = self.functions
        for index, row in enumerate(zip(*columns.values(), strict=True)):
            if not ok[index]:
                continue
            values.update(zip(fields, row, strict=True))
            for name, default in restore.items():
                if values[name] is None:
                    values[name] = default
            try:
                for function in functions:
                    function(view)
            except Exception:  # any refusal, of any kind: the per-row path decides
                ok[index] = False
        return ok


class _RowView:
    """A row's values as attributes, for the model's after-validators."""


@cache
def row_rules(model: type[RecordBase]) -> RowRules | None:
    """The model's record-level rules; None if it has a validator a column plan cannot run.

    Field validators and ``before``/``wrap`` model validators see raw input, so a model with
    any of them is read by the per-row path only.
    """
    decorators = model.__pydantic_decorators__
    if decorators.field_validators or decorators.validators or decorators.root_validators:
        return None
    functions = []
    for decorator in decorators.model_validators.values():
        if decorator.info.mode != "after":
            return None
        functions.append(decorator.func)
    return RowRules(model, functions)
