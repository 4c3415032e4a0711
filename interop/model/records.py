"""``Record``: the tagged union of every canonical record type, discriminated by ``kind``.

Adapters produce and consume ``Record`` values; pydantic picks the right class from ``kind``
in one step, and reports one clear error when a document matches none of them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from interop.model.command import Command, CommandResult
from interop.model.device import Device
from interop.model.lighting import DimmingSchedule, LightingAlarm, LightPoint
from interop.model.observation import Measurement, State
from interop.model.place import Place
from interop.model.realtime import RealtimeFeed, ServiceAlert, TripUpdate, VehiclePosition
from interop.model.transit import (
    Attribution,
    BookingRule,
    Call,
    FareAttribute,
    FareRule,
    FeedInfo,
    Frequency,
    Journey,
    Level,
    Line,
    LocationGroup,
    LocationGroupStop,
    Operator,
    Pathway,
    ServiceCalendar,
    ServiceException,
    Shape,
    Stop,
    Transfer,
    Translation,
)

__all__ = ["RECORD_TYPES", "AnyRecord", "Record", "RecordAdapter", "record_json", "record_type"]

AnyRecord = (
    Device
    | Measurement
    | State
    | Command
    | CommandResult
    | Place
    | Operator
    | Stop
    | Level
    | Pathway
    | Line
    | Journey
    | Call
    | ServiceCalendar
    | ServiceException
    | Shape
    | Frequency
    | Transfer
    | FeedInfo
    | FareAttribute
    | FareRule
    | Attribution
    | Translation
    | LocationGroup
    | LocationGroupStop
    | BookingRule
    | VehiclePosition
    | TripUpdate
    | ServiceAlert
    | RealtimeFeed
    | LightPoint
    | LightingAlarm
    | DimmingSchedule
)
"""Every record class, as a plain union (no discriminator)."""

RECORD_TYPES: tuple[type[AnyRecord], ...] = (
    Device,
    Measurement,
    State,
    Command,
    CommandResult,
    Place,
    Operator,
    Stop,
    Level,
    Pathway,
    Line,
    Journey,
    Call,
    ServiceCalendar,
    ServiceException,
    Shape,
    Frequency,
    Transfer,
    FeedInfo,
    FareAttribute,
    FareRule,
    Attribution,
    Translation,
    LocationGroup,
    LocationGroupStop,
    BookingRule,
    VehiclePosition,
    TripUpdate,
    ServiceAlert,
    RealtimeFeed,
    LightPoint,
    LightingAlarm,
    DimmingSchedule,
)
"""Every record class, in documentation order."""

Record = Annotated[
    AnyRecord,
    Field(discriminator="kind"),
]
"""Any canonical record; ``record.kind`` names its type."""

RecordAdapter: TypeAdapter[Record] = TypeAdapter(Record)
"""Validates or dumps any record (``RecordAdapter.validate_python(data)``)."""


def record_json(record: Record) -> bytes:
    """One record as JSON bytes, equal to ``RecordAdapter.dump_json(record)``.

    Through the record's own serializer: no dispatch over the union of record types, which
    makes it 3-5x faster on the store's and the sinks' hot paths.
    """
    return record.__pydantic_serializer__.to_json(record)


_BY_KIND = {cls.model_fields["kind"].default: cls for cls in RECORD_TYPES}


def record_type(kind: str) -> type[AnyRecord]:
    """Return the record class whose ``kind`` tag is ``kind``."""
    try:
        return _BY_KIND[kind]
    except KeyError:
        raise KeyError(f"unknown record kind {kind!r}; known: {sorted(_BY_KIND)}") from None
