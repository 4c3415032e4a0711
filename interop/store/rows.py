"""How a record is indexed in a store: its series, entity, time and protection class.

Shared by every engine so that SQLite and PostgreSQL index records identically. A
measurement's series is ``device|property`` (its time series); a state's is ``device|state``;
any other record is its own series (its versions are its history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from pydantic import BaseModel

from interop.model.base import DataClass, protection_of
from interop.model.observation import Measurement, State
from interop.model.records import Record, RecordAdapter

__all__ = ["RecordRow", "load_record", "record_row"]

_TIME_FIELDS = ("timestamp", "issued_at", "at")
"""Fields that date a record (a reading, a command, a command's outcome), first found wins;
records without one are dated by when they were stored."""

_RANK = {
    DataClass.PUBLIC: 0,
    DataClass.TECHNICAL: 1,
    DataClass.PSEUDONYMOUS: 2,
    DataClass.PERSONAL: 3,
}


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
    for name in _TIME_FIELDS:
        value = getattr(record, name, None)
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
        entity = getattr(record, "device", None) or record.id
        series = record.id
    return RecordRow(
        id=record.id,
        kind=record.kind,
        series=series,
        entity=entity,
        property=prop,
        time=time,
        protection=protection_class(record).value,
        body=RecordAdapter.dump_json(record),
    )


def load_record(body: bytes | str) -> Record:
    """A stored JSON body back as a record (validated, as anything entering the model)."""
    return RecordAdapter.validate_json(body)


def protection_class(model: BaseModel) -> DataClass:
    """The most protected class among the fields of ``model`` that hold a value.

    Nested models count through their own fields; a field at its default counts only when
    the default is not empty. Used to purge by data-protection class.
    """
    best = DataClass.PUBLIC
    for name, data_class, nested in _sensitive_fields(type(model)):
        value = getattr(model, name)
        if value is None or value == {} or value == () or value == []:
            continue
        found = data_class
        if nested and isinstance(value, BaseModel):
            inner = protection_class(value)
            found = inner if _RANK[inner] > _RANK[found] else found
        if _RANK[found] > _RANK[best]:
            best = found
            if best is DataClass.PERSONAL:
                break
    return best


@cache
def _sensitive_fields(cls: type[BaseModel]) -> tuple[tuple[str, DataClass, bool], ...]:
    """Fields that can raise a record above ``public``: classed above it, or nested models."""
    fields: list[tuple[str, DataClass, bool]] = []
    for name, info in cls.model_fields.items():
        data_class = protection_of(info) or DataClass.TECHNICAL
        nested = _is_model(info.annotation)
        if nested or data_class is not DataClass.PUBLIC:
            fields.append((name, data_class, nested))
    return tuple(fields)


def _is_model(annotation: Any) -> bool:
    args = getattr(annotation, "__args__", None)
    candidates = args if args else (annotation,)
    return any(isinstance(a, type) and issubclass(a, BaseModel) for a in candidates)
