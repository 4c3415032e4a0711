"""How a record is indexed in a store: its series, entity, time and protection class.

Shared by every engine so that SQLite and PostgreSQL index records identically. A
measurement's series is ``device|property`` (its time series); a state's is ``device|state``;
any other record is its own series (its versions are its history).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from pydantic import BaseModel

from interop.model.base import DataClass, protection_of
from interop.model.observation import Measurement, State
from interop.model.records import Record, RecordAdapter, record_json

__all__ = ["RecordRow", "load_record", "metadata_json", "record_row", "time_fields"]

_TIME_FIELDS = ("timestamp", "issued_at", "at")
"""Fields that date a record (a reading, a command, a command's outcome), first found wins;
records without one are dated by when they were stored."""

_RANK = {
    DataClass.PUBLIC: 0,
    DataClass.TECHNICAL: 1,
    DataClass.PSEUDONYMOUS: 2,
    DataClass.PERSONAL: 3,
}
_BY_RANK = {rank: data_class for data_class, rank in _RANK.items()}
_TOP = max(_RANK.values())


@dataclass(frozen=True, slots=True)
class RecordRow:
    """The indexed columns of one record and its canonical JSON body."""

    id: str
    kind: str
    series: str
    entity: str
    property: str | None
    time: datetime | None
    protection: str
    body: bytes


def record_row(record: Record) -> RecordRow:
    """Index one record: series, entity, time, protection class, JSON body."""
    prop: str | None = None
    time: datetime | None = None
    for name in time_fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, datetime):
            time = value
            break
    if isinstance(record, Measurement):
        entity = record.device or record.feature_of_interest or record.id
        series = f"{entity}|{record.property}"
        prop = record.property
    elif isinstance(record, State):
        entity = record.device
        series = f"{entity}|state"
    else:
        entity = record.__dict__.get("device") or record.id
        series = record.id
    return RecordRow(
        id=record.id,
        kind=record.kind,
        series=series,
        entity=entity,
        property=prop,
        time=time,
        protection=protection_class(record).value,
        body=record_json(record),
    )


@cache
def time_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The time fields ``cls`` has, in the order a record's time is looked for."""
    return tuple(name for name in _TIME_FIELDS if name in cls.model_fields)


def metadata_json(metadata: Mapping[str, str]) -> str:
    """A message's metadata as stored by every engine: JSON text, keys sorted."""
    return orjson.dumps(dict(metadata), option=orjson.OPT_SORT_KEYS).decode()


def load_record(body: bytes | str) -> Record:
    """A stored JSON body back as a record (validated, as anything entering the model)."""
    return RecordAdapter.validate_json(body)


def protection_class(model: BaseModel) -> DataClass:
    """The most protected class among the fields of ``model`` that hold a value.

    Nested models count through their own fields; a field at its default counts only when
    the default is not empty. Used to purge by data-protection class. A field whose
    ceiling (its own class, or the most protected class its nested model can reach) cannot
    raise the class found so far is not looked at.
    """
    best = 0
    for name, data_class, ceiling, nested in _sensitive_fields(type(model)):
        if ceiling <= best:
            continue
        value = getattr(model, name)
        if value is None or value == {} or value == () or value == []:
            continue
        found = _RANK[data_class]
        if nested and isinstance(value, BaseModel):
            found = max(found, _RANK[protection_class(value)])
        if found > best:
            best = found
            if best == _TOP:
                break
    return _BY_RANK[best]


@cache
def _sensitive_fields(cls: type[BaseModel]) -> tuple[tuple[str, DataClass, int, bool], ...]:
    """Fields that can raise a record above ``public``, most protected ceiling first.

    Each is (name, its class, the rank of the most protected class it can reach, nested).
    """
    fields: list[tuple[str, DataClass, int, bool]] = []
    for name, info in cls.model_fields.items():
        data_class = protection_of(info) or DataClass.TECHNICAL
        models = _models(info.annotation)
        ceiling = max([_RANK[data_class], *(_ceiling(m) for m in models)])
        if models or data_class is not DataClass.PUBLIC:
            fields.append((name, data_class, ceiling, bool(models)))
    fields.sort(key=lambda field: -field[2])
    return tuple(fields)


@cache
def _ceiling(cls: type[BaseModel]) -> int:
    """The rank of the most protected class any instance of ``cls`` can have."""
    return max((field[2] for field in _sensitive_fields(cls)), default=0)


def _models(annotation: Any) -> tuple[type[BaseModel], ...]:
    args = getattr(annotation, "__args__", None)
    candidates = args if args else (annotation,)
    return tuple(a for a in candidates if isinstance(a, type) and issubclass(a, BaseModel))
