"""GTFS-Realtime: a ``FeedMessage`` (protobuf) to and from canonical real-time records.

Each ``FeedEntity`` becomes one record per payload it carries: a ``trip_update`` a
:class:`~interop.model.realtime.TripUpdate`, a ``vehicle`` a
:class:`~interop.model.realtime.VehiclePosition`, an ``alert`` a
:class:`~interop.model.realtime.ServiceAlert`, in that order. Record IRIs are minted from the
entity id (``mint_iri("trip-update", namespace, entity_id)``); references to the static
dataset from its GTFS ids exactly as the static reader mints them
(:func:`interop_gtfs.ids.gtfs_iri`: ``trip_id`` -> ``urn:interop:trip:<namespace>:<id>``,
``route_id`` -> ``route``, ``stop_id`` -> ``stop``, ``agency_id`` -> ``agency``), so real-time
records link to the static feed's records when both use the same feed ``namespace``: a
constructor argument, overridden per call by the context hint ``namespace``.

Nothing is lost. Every record keeps, under ``extensions["gtfs-rt"]``:

``header``
    the ``FeedHeader`` (``gtfs_realtime_version``, ``incrementality``, ``timestamp``,
    ``feed_version``), identical on every record of one message;
``rest``
    every protobuf field of its payload that has no canonical field (``multi_carriage_details``,
    ``trip_properties``, ``tts_header_text``, producer extensions, unknown fields, ...), as
    base64 protobuf residues per (nested) message, merged back by ``encode``;
``entity_rest``
    the same for the ``FeedEntity`` itself (``is_deleted``, experimental payloads).

Protobuf ``float`` fields (latitude, longitude, bearing, speed) are 32-bit: a canonical value
that is not a 32-bit float is rounded on encode (about 1e-5 degree for coordinates).
Timestamps are whole POSIX seconds: ``encode`` refuses fractions of a second.

A message without entities (a ``FULL_DATASET`` saying nothing is disrupted now) decodes to
one :class:`~interop.model.realtime.RealtimeFeed` record holding its header, which encodes
back to the same message; only the bare default header (version 2.0, nothing else, what
``encode([])`` writes) decodes to no record. Optional strings set to ``""`` (an empty
``vehicle.label``) stay ``""``: protobuf tells them from unset fields, and so does the model.
"""

from __future__ import annotations

import base64
import binascii
import math
import struct
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar, TypeVar

# protobuf ships no type information and types-protobuf is not a dependency: the protobuf
# boundary is typed as Any here (messages are duck-typed through their descriptors).
from google.protobuf.message import (  # type: ignore[import-untyped]
    DecodeError as ProtobufDecodeError,
)
from google.protobuf.message import Message
from google.protobuf.unknown_fields import UnknownFieldSet  # type: ignore[import-untyped]
from google.transit import gtfs_realtime_pb2 as pb
from pydantic import JsonValue

from interop.adapters import Codec, DecodeContext, EncodeContext
from interop.errors import DecodeError, EncodeError
from interop.model.base import Point, Provenance, mint_iri
from interop.model.realtime import (
    ActivePeriod,
    AlertCause,
    AlertEffect,
    CongestionLevel,
    InformedEntity,
    OccupancyStatus,
    RealtimeFeed,
    ServiceAlert,
    SeverityLevel,
    StopTimeEvent,
    StopTimeScheduleRelationship,
    StopTimeUpdate,
    TranslatedText,
    TripDescriptor,
    TripScheduleRelationship,
    TripUpdate,
    VehiclePosition,
    VehicleStopStatus,
)
from interop.model.records import Record
from interop.model.transit import DirectionType, format_service_time, parse_service_time
from interop_gtfs.ids import gtfs_iri, local_id

__all__ = [
    "DEFAULT_NAMESPACE",
    "EXTENSION",
    "PLUGIN",
    "PLUGIN_VERSION",
    "RECORD_KINDS",
    "REFERENCE_KINDS",
    "GtfsRealtimeCodec",
    "entity_iri",
]

PLUGIN = "gtfs"
"""``Provenance.plugin`` of decoded records: this plugin's name."""
EXTENSION = "gtfs-rt"
"""The ``extensions`` namespace holding the feed header and unmapped protobuf fields."""
DEFAULT_NAMESPACE = "gtfs"
"""The feed namespace of minted IRIs when neither the constructor nor a hint names one."""
RECORD_KINDS: Mapping[type[Record], str] = {
    TripUpdate: "trip-update",
    VehiclePosition: "vehicle-position",
    ServiceAlert: "service-alert",
}
"""The IRI kind of each record type (``urn:interop:<kind>:<namespace>:<entity id>``)."""
REFERENCE_KINDS: Mapping[str, str] = {
    "trip_id": "trip",
    "route_id": "route",
    "stop_id": "stop",
    "agency_id": "agency",
}
"""The IRI kind minted for each GTFS id: the static reader's (:mod:`interop_gtfs.ids`)."""

PLUGIN_VERSION: str
"""``Provenance.plugin_version`` of decoded records: the installed interop-gtfs version."""
try:
    PLUGIN_VERSION = version("interop-gtfs")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
    PLUGIN_VERSION = "0.0.0"

_E = TypeVar("_E", bound=StrEnum)
_JsonDict = dict[str, JsonValue]
_Spec = Mapping[str, "_Spec | None"]
"""Which fields of a message have canonical homes: None for a whole field, a spec to recurse."""

_TRIP: _Spec = dict.fromkeys(
    ("trip_id", "route_id", "direction_id", "start_time", "start_date", "schedule_relationship")
)
_VEHICLE: _Spec = dict.fromkeys(("id", "label", "license_plate"))
_EVENT: _Spec = dict.fromkeys(("delay", "time", "uncertainty"))
_STOP_TIME_UPDATE: _Spec = {
    "stop_sequence": None,
    "stop_id": None,
    "arrival": _EVENT,
    "departure": _EVENT,
    "schedule_relationship": None,
}
_TRIP_UPDATE: _Spec = {
    "trip": _TRIP,
    "vehicle": _VEHICLE,
    "stop_time_update": _STOP_TIME_UPDATE,
    "timestamp": None,
    "delay": None,
}
_POSITION: _Spec = dict.fromkeys(("latitude", "longitude", "bearing", "odometer", "speed"))
_VEHICLE_POSITION: _Spec = {
    "trip": _TRIP,
    "vehicle": _VEHICLE,
    "position": _POSITION,
    **dict.fromkeys(
        (
            "current_stop_sequence",
            "stop_id",
            "current_status",
            "timestamp",
            "congestion_level",
            "occupancy_status",
            "occupancy_percentage",
        )
    ),
}
_TRANSLATED: _Spec = {"translation": dict.fromkeys(("text", "language"))}
_ALERT: _Spec = {
    "active_period": dict.fromkeys(("start", "end")),
    "informed_entity": {
        **dict.fromkeys(("agency_id", "route_id", "route_type", "stop_id", "direction_id")),
        "trip": _TRIP,
    },
    "cause": None,
    "effect": None,
    "url": _TRANSLATED,
    "header_text": _TRANSLATED,
    "description_text": _TRANSLATED,
    "severity_level": None,
}
_ENTITY: _Spec = dict.fromkeys(("id", "trip_update", "vehicle", "alert"))
_HEADER: _Spec = dict.fromkeys(
    ("gtfs_realtime_version", "incrementality", "timestamp", "feed_version")
)
_MESSAGE: _Spec = dict.fromkeys(("header", "entity"))
_DEFAULT_HEADER: _JsonDict = {"gtfs_realtime_version": "2.0"}
_EXTENSION_KEYS = frozenset({"header", "rest", "entity_rest"})
_INT32 = range(-(2**31), 2**31)
_UINT32 = range(2**32)
_INT64 = range(-(2**63), 2**63)
_UINT64 = range(2**64)
_DIRECTIONS = (DirectionType.OUTBOUND, DirectionType.INBOUND)


def entity_iri(kind: str, namespace: str, entity_id: str) -> str:
    """The IRI of the record of payload ``kind`` decoded from entity ``entity_id``."""
    return mint_iri(kind, namespace, entity_id)


def _local_id(iri: str, kind: str, namespace: str, what: str) -> str:
    """The GTFS id an IRI was minted from, or EncodeError when this feed did not mint it."""
    try:
        return local_id(iri, kind, namespace)
    except EncodeError as error:
        raise EncodeError(error.message, field=what, expected=error.expected) from None


# ---------------------------------------------------------------- lossless residues


def _residue(message: Message, spec: _Spec) -> _JsonDict | None:
    """The parts of ``message`` that ``spec`` does not map, as JSON (None when there are none)."""
    fields = message.ListFields()
    if not len(UnknownFieldSet(message)) and all(fd.name in spec for fd, _ in fields):
        out: _JsonDict = {}  # fast path: every field has a canonical home; check nested ones
        for fd, value in fields:
            sub = spec[fd.name]
            if sub is None:
                continue
            if fd.is_repeated:
                parts = [_residue(item, sub) for item in value]
                if any(part is not None for part in parts):
                    out[fd.name] = [part or {} for part in parts]
            else:
                part = _residue(value, sub)
                if part is not None:
                    out[fd.name] = part
        return out or None
    return _full_residue(message, spec)


def _full_residue(message: Message, spec: _Spec) -> _JsonDict | None:
    """:func:`_residue` for a message holding fields or unknown fields with no canonical home."""
    rest = type(message)()
    rest.CopyFrom(message)
    out: _JsonDict = {}
    for name, sub in spec.items():
        if sub is not None:
            field = getattr(message, name)
            if message.DESCRIPTOR.fields_by_name[name].is_repeated:
                parts = [_residue(item, sub) for item in field]
                if any(part is not None for part in parts):
                    out[name] = [part or {} for part in parts]
            elif message.HasField(name):
                part = _residue(field, sub)
                if part is not None:
                    out[name] = part
        rest.ClearField(name)
    raw = rest.SerializePartialToString(deterministic=True)
    if raw:
        out["_"] = base64.b64encode(raw).decode("ascii")
    return out or None


def _restore(message: Message, residue: JsonValue, spec: _Spec, where: str) -> None:
    """Merge a residue made by :func:`_residue` back into ``message``."""
    if not isinstance(residue, dict):
        raise EncodeError("a residue is a JSON object", field=where, expected="gtfs-rt residue")
    for key, part in residue.items():
        if key == "_":
            if not isinstance(part, str):
                raise EncodeError("residue bytes are base64 text", field=where)
            try:
                message.MergeFromString(base64.b64decode(part, validate=True))
            except (binascii.Error, ProtobufDecodeError, ValueError) as error:
                raise EncodeError(f"residue does not parse: {error}", field=where) from None
            continue
        sub = spec.get(key)
        if sub is None:
            raise EncodeError(f"residue names an unknown part {key!r}", field=where)
        if message.DESCRIPTOR.fields_by_name[key].is_repeated:
            items = getattr(message, key)
            if not isinstance(part, list) or len(part) != len(items):
                raise EncodeError(
                    f"residue of {key} does not match its {len(items)} elements", field=where
                )
            for index, (item, item_part) in enumerate(zip(items, part, strict=True)):
                _restore(item, item_part, sub, f"{where}.{key}[{index}]")
        else:
            _restore(getattr(message, key), part, sub, f"{where}.{key}")


# ---------------------------------------------------------------- decoding helpers


def _utf8(value: Any, name: str) -> Any:
    """``value``, unless it is the bytes protobuf gives for a string that is not UTF-8."""
    if isinstance(value, bytes):
        raise ValueError(f"{name} is not valid UTF-8: {value[:40]!r}")
    return value


def _optional(message: Message, name: str) -> Any:
    return _utf8(getattr(message, name), name) if message.HasField(name) else None


def _instant(seconds: int | None) -> datetime | None:
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"timestamp {seconds} is out of range") from None


def _enum(message: Message, name: str, cls: type[_E]) -> _E | None:
    if not message.HasField(name):
        return None
    number = getattr(message, name)
    label = message.DESCRIPTOR.fields_by_name[name].enum_type.values_by_number[number].name
    return cls[label]


def _ref(message: Message, name: str, namespace: str) -> str | None:
    if not message.HasField(name):
        return None
    return gtfs_iri(REFERENCE_KINDS[name], namespace, _utf8(getattr(message, name), name))


def _direction(message: Message) -> DirectionType | None:
    if not message.HasField("direction_id"):
        return None
    value = message.direction_id
    if value not in (0, 1):
        raise ValueError(f"direction_id {value} is neither 0 nor 1")
    return _DIRECTIONS[value]


def _start_date(text: str | None) -> date | None:
    if text is None:
        return None
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise ValueError(f"start_date {text!r} is not YYYYMMDD")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _trip_fields(trip: Any, namespace: str) -> dict[str, Any]:
    start_time = _optional(trip, "start_time")
    return {
        "journey": _ref(trip, "trip_id", namespace),
        "line": _ref(trip, "route_id", namespace),
        "direction": _direction(trip),
        "start_date": _start_date(_optional(trip, "start_date")),
        "start_time": None if start_time is None else parse_service_time(start_time),
        "schedule_relationship": _enum(trip, "schedule_relationship", TripScheduleRelationship),
    }


def _vehicle_fields(owner: Any) -> dict[str, Any]:
    if not owner.HasField("vehicle"):
        return {}
    vehicle = owner.vehicle
    return {
        "vehicle_id": _optional(vehicle, "id"),
        "vehicle_label": _optional(vehicle, "label"),
        "vehicle_license_plate": _optional(vehicle, "license_plate"),
    }


def _event(update: Any, name: str) -> StopTimeEvent | None:
    if not update.HasField(name):
        return None
    event = getattr(update, name)
    return StopTimeEvent(
        delay=_optional(event, "delay"),
        time=_instant(_optional(event, "time")),
        uncertainty=_optional(event, "uncertainty"),
    )


def _translated(owner: Any, name: str) -> TranslatedText | None:
    if not owner.HasField(name):
        return None
    text: TranslatedText = {}
    for translation in getattr(owner, name).translation:
        language = _utf8(translation.language, "language")
        if language in text:
            raise ValueError(f"{name} has two translations in language {language!r}")
        text[language] = _utf8(translation.text, "text")
    return text or None


# ---------------------------------------------------------------- encoding helpers


def _check_int(value: int, bounds: range, what: str) -> int:
    if value not in bounds:
        raise EncodeError(f"{value} does not fit the protobuf field", field=what)
    return value


def _float32(value: float, what: str) -> float:
    try:
        struct.pack("<f", value)
    except OverflowError:
        raise EncodeError(f"{value} does not fit a 32-bit float", field=what) from None
    return value


def _seconds(instant: datetime, what: str, bounds: range = _UINT64) -> int:
    if instant.microsecond:
        raise EncodeError(
            f"{instant.isoformat()} has a fraction of a second",
            field=what,
            expected="whole seconds",
        )
    return _check_int(math.floor(instant.timestamp()), bounds, what)


def _set_enum(message: Message, name: str, member: StrEnum | None) -> None:
    if member is None:
        return
    enum_type = message.DESCRIPTOR.fields_by_name[name].enum_type
    value = enum_type.values_by_name.get(member.name)
    if value is None:
        raise EncodeError(f"{member.value!r} has no GTFS-Realtime value", field=name)
    setattr(message, name, value.number)


class _Writer:
    """Fills protobuf messages from canonical records in one namespace."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def ref(self, message: Message, name: str, iri: str | None) -> None:
        if iri is not None:
            setattr(message, name, _local_id(iri, REFERENCE_KINDS[name], self.namespace, name))

    def trip(self, trip: Any, fields: TripDescriptor) -> None:
        trip.SetInParent()
        self.ref(trip, "trip_id", fields.journey)
        self.ref(trip, "route_id", fields.line)
        if fields.direction is not None:
            trip.direction_id = _DIRECTIONS.index(fields.direction)
        if fields.start_date is not None:
            day = fields.start_date
            trip.start_date = f"{day.year:04d}{day.month:02d}{day.day:02d}"
        if fields.start_time is not None:
            trip.start_time = format_service_time(fields.start_time)
        _set_enum(trip, "schedule_relationship", fields.schedule_relationship)

    @staticmethod
    def vehicle(owner: Any, record: VehiclePosition | TripUpdate) -> None:
        values = (record.vehicle_id, record.vehicle_label, record.vehicle_license_plate)
        if all(value is None for value in values):
            return
        vehicle = owner.vehicle
        vehicle.SetInParent()
        for name, value in zip(("id", "label", "license_plate"), values, strict=True):
            if value is not None:
                setattr(vehicle, name, value)

    @staticmethod
    def event(update: Any, name: str, event: StopTimeEvent | None) -> None:
        if event is None:
            return
        target = getattr(update, name)
        target.SetInParent()
        if event.delay is not None:
            target.delay = _check_int(event.delay, _INT32, f"{name}.delay")
        if event.time is not None:
            target.time = _seconds(event.time, f"{name}.time", _INT64)
        if event.uncertainty is not None:
            target.uncertainty = _check_int(event.uncertainty, _INT32, f"{name}.uncertainty")

    @staticmethod
    def translated(owner: Any, name: str, text: TranslatedText | None) -> None:
        if text is None:
            return
        target = getattr(owner, name)
        for language, value in text.items():
            translation = target.translation.add(text=value)
            if language:
                translation.language = language

    def trip_update(self, target: Any, record: TripUpdate) -> None:
        self.trip(target.trip, _descriptor(record))
        self.vehicle(target, record)
        if record.timestamp is not None:
            target.timestamp = _seconds(record.timestamp, "timestamp")
        if record.delay is not None:
            target.delay = _check_int(record.delay, _INT32, "delay")
        for update in record.stop_time_updates:
            stu = target.stop_time_update.add()
            if update.stop_sequence is not None:
                stu.stop_sequence = _check_int(update.stop_sequence, _UINT32, "stop_sequence")
            self.ref(stu, "stop_id", update.stop)
            self.event(stu, "arrival", update.arrival)
            self.event(stu, "departure", update.departure)
            _set_enum(stu, "schedule_relationship", update.schedule_relationship)

    def vehicle_position(self, target: Any, record: VehiclePosition) -> None:
        target.SetInParent()
        descriptor = _descriptor(record)
        if descriptor != TripDescriptor():
            self.trip(target.trip, descriptor)
        self.vehicle(target, record)
        motion = (record.bearing, record.odometer, record.speed)
        if record.point is not None:
            position = target.position
            position.latitude = _float32(record.point.lat, "point.lat")
            position.longitude = _float32(record.point.lon, "point.lon")
            if record.bearing is not None:
                position.bearing = _float32(record.bearing, "bearing")
            if record.odometer is not None:
                position.odometer = record.odometer
            if record.speed is not None:
                position.speed = _float32(record.speed, "speed")
        elif any(value is not None for value in motion):
            raise EncodeError(
                "bearing, odometer and speed need a point (GTFS-Realtime Position)",
                field="point",
            )
        if record.current_stop_sequence is not None:
            target.current_stop_sequence = _check_int(
                record.current_stop_sequence, _UINT32, "current_stop_sequence"
            )
        self.ref(target, "stop_id", record.stop)
        _set_enum(target, "current_status", record.current_status)
        if record.timestamp is not None:
            target.timestamp = _seconds(record.timestamp, "timestamp")
        _set_enum(target, "congestion_level", record.congestion_level)
        _set_enum(target, "occupancy_status", record.occupancy_status)
        if record.occupancy_percentage is not None:
            target.occupancy_percentage = _check_int(
                record.occupancy_percentage, _UINT32, "occupancy_percentage"
            )

    def alert(self, target: Any, record: ServiceAlert) -> None:
        target.SetInParent()
        for period in record.active_periods:
            time_range = target.active_period.add()
            if period.start is not None:
                time_range.start = _seconds(period.start, "active_periods.start")
            if period.end is not None:
                time_range.end = _seconds(period.end, "active_periods.end")
        for informed in record.informed_entities:
            selector = target.informed_entity.add()
            self.ref(selector, "agency_id", informed.operator)
            self.ref(selector, "route_id", informed.line)
            if informed.route_type is not None:
                selector.route_type = _check_int(informed.route_type, _INT32, "route_type")
            if informed.trip is not None:
                self.trip(selector.trip, informed.trip)
            self.ref(selector, "stop_id", informed.stop)
            if informed.direction is not None:
                selector.direction_id = _DIRECTIONS.index(informed.direction)
        _set_enum(target, "cause", record.cause)
        _set_enum(target, "effect", record.effect)
        self.translated(target, "url", record.url)
        self.translated(target, "header_text", record.header)
        self.translated(target, "description_text", record.description)
        _set_enum(target, "severity_level", record.severity)


def _descriptor(record: VehiclePosition | TripUpdate) -> TripDescriptor:
    return TripDescriptor(
        journey=record.journey,
        line=record.line,
        direction=record.direction,
        start_date=record.start_date,
        start_time=record.start_time,
        schedule_relationship=record.schedule_relationship,
    )


def _trip_update_fields(update: Any, namespace: str) -> dict[str, Any]:
    return {
        **_trip_fields(update.trip, namespace),
        **_vehicle_fields(update),
        "timestamp": _instant(_optional(update, "timestamp")),
        "delay": _optional(update, "delay"),
        "stop_time_updates": tuple(
            StopTimeUpdate(
                stop_sequence=_optional(stu, "stop_sequence"),
                stop=_ref(stu, "stop_id", namespace),
                arrival=_event(stu, "arrival"),
                departure=_event(stu, "departure"),
                schedule_relationship=_enum(
                    stu, "schedule_relationship", StopTimeScheduleRelationship
                ),
            )
            for stu in update.stop_time_update
        ),
    }


def _vehicle_position_fields(vehicle: Any, namespace: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if vehicle.HasField("trip"):
        fields.update(_trip_fields(vehicle.trip, namespace))
    if vehicle.HasField("position"):
        position = vehicle.position
        fields["point"] = Point(lat=position.latitude, lon=position.longitude)
        fields["bearing"] = _optional(position, "bearing")
        fields["odometer"] = _optional(position, "odometer")
        fields["speed"] = _optional(position, "speed")
    return {
        **fields,
        **_vehicle_fields(vehicle),
        "current_stop_sequence": _optional(vehicle, "current_stop_sequence"),
        "stop": _ref(vehicle, "stop_id", namespace),
        "current_status": _enum(vehicle, "current_status", VehicleStopStatus),
        "timestamp": _instant(_optional(vehicle, "timestamp")),
        "congestion_level": _enum(vehicle, "congestion_level", CongestionLevel),
        "occupancy_status": _enum(vehicle, "occupancy_status", OccupancyStatus),
        "occupancy_percentage": _optional(vehicle, "occupancy_percentage"),
    }


def _alert_fields(alert: Any, namespace: str) -> dict[str, Any]:
    return {
        "active_periods": tuple(
            ActivePeriod(
                start=_instant(_optional(period, "start")),
                end=_instant(_optional(period, "end")),
            )
            for period in alert.active_period
        ),
        "informed_entities": tuple(
            InformedEntity(
                operator=_ref(selector, "agency_id", namespace),
                line=_ref(selector, "route_id", namespace),
                route_type=_optional(selector, "route_type"),
                trip=(
                    TripDescriptor(**_trip_fields(selector.trip, namespace))
                    if selector.HasField("trip")
                    else None
                ),
                stop=_ref(selector, "stop_id", namespace),
                direction=_direction(selector),
            )
            for selector in alert.informed_entity
        ),
        "cause": _enum(alert, "cause", AlertCause),
        "effect": _enum(alert, "effect", AlertEffect),
        "url": _translated(alert, "url"),
        "header": _translated(alert, "header_text"),
        "description": _translated(alert, "description_text"),
        "severity": _enum(alert, "severity_level", SeverityLevel),
    }


_Builder = Callable[[Any, str], dict[str, Any]]
_BUILDERS: Mapping[str, tuple[type[Record], _Builder]] = {
    "trip_update": (TripUpdate, _trip_update_fields),
    "vehicle": (VehiclePosition, _vehicle_position_fields),
    "alert": (ServiceAlert, _alert_fields),
}


_PAYLOADS: Mapping[type[Record], tuple[str, _Spec]] = {
    TripUpdate: ("trip_update", _TRIP_UPDATE),
    VehiclePosition: ("vehicle", _VEHICLE_POSITION),
    ServiceAlert: ("alert", _ALERT),
}


class GtfsRealtimeCodec(Codec):
    """GTFS-Realtime ``FeedMessage`` bytes <-> real-time records (trip updates, vehicles, alerts).

    TripUpdates, VehiclePositions and Alerts feeds decode alike, and so do mixed ones.

    ``namespace`` is the feed namespace of minted IRIs, the one the static dataset's records
    were minted with; the context hint ``namespace`` overrides it for one call.
    """

    name: ClassVar[str] = "gtfs-rt"
    description: ClassVar[str] = (
        "GTFS-Realtime FeedMessage (protobuf): trip updates, vehicles, alerts"
    )
    media_type: ClassVar[str] = "application/x-protobuf"

    def __init__(self, namespace: str = DEFAULT_NAMESPACE) -> None:
        if not namespace:
            raise ValueError("the feed namespace is a non-empty string")
        self.namespace = namespace

    # -------------------------------------------------------------- decode

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        """Decode one ``FeedMessage``; malformed input raises only :class:`DecodeError`."""
        namespace = ctx.hints.get("namespace") or self.namespace
        feed = pb.FeedMessage()
        try:
            feed.ParseFromString(bytes(raw))
        except (ProtobufDecodeError, ValueError, TypeError, RuntimeError) as error:
            raise DecodeError(
                f"not a GTFS-Realtime FeedMessage: {error}", source=ctx.source
            ) from None
        if not feed.IsInitialized():
            missing = ", ".join(feed.FindInitializationErrors())
            raise DecodeError(
                f"required fields are missing: {missing}",
                source=ctx.source,
                expected="a complete FeedMessage",
            )
        try:
            header = self._header(feed)
        except ValueError as error:
            raise DecodeError(f"feed header: {error}", source=ctx.source) from None
        records: list[Record] = []
        seen: set[str] = set()
        for entity in feed.entity:
            if isinstance(entity.id, bytes):
                raise DecodeError("an entity id is not valid UTF-8", source=ctx.source)
            if entity.id in seen:
                raise DecodeError(
                    f"entity id {entity.id!r} appears twice", source=ctx.source, field="entity.id"
                )
            seen.add(entity.id)
            try:
                records.extend(self._entity(entity, header, namespace, ctx))
            except (
                ValueError,
                KeyError,
                OverflowError,
            ) as error:  # pydantic errors are ValueErrors
                raise DecodeError(
                    f"entity {entity.id!r}: {error}", source=ctx.source, field="entity"
                ) from None
        if not feed.entity and header != _DEFAULT_HEADER:
            try:
                records.append(_feed_record(header, namespace, ctx))
            except ValueError as error:
                raise DecodeError(f"feed header: {error}", source=ctx.source) from None
        return records

    @staticmethod
    def _header(feed: Any) -> _JsonDict:
        header = feed.header
        version_text = _utf8(header.gtfs_realtime_version, "gtfs_realtime_version")
        out: _JsonDict = {"gtfs_realtime_version": version_text}
        if header.HasField("incrementality"):
            out["incrementality"] = pb.FeedHeader.Incrementality.Name(header.incrementality)
        if header.HasField("timestamp"):
            out["timestamp"] = header.timestamp
        if header.HasField("feed_version"):
            out["feed_version"] = _utf8(header.feed_version, "feed_version")
        rest = _residue(header, _HEADER)
        if rest is not None:
            out["rest"] = rest
        message_rest = _residue(feed, _MESSAGE)
        if message_rest is not None:
            out["message_rest"] = message_rest
        return out

    def _entity(
        self, entity: Any, header: _JsonDict, namespace: str, ctx: DecodeContext
    ) -> list[Record]:
        payloads = [name for name in ("trip_update", "vehicle", "alert") if entity.HasField(name)]
        if not payloads:
            raise ValueError("it carries none of trip_update, vehicle and alert")
        entity_rest = _residue(entity, _ENTITY)
        provenance = Provenance(
            plugin=PLUGIN,
            plugin_version=PLUGIN_VERSION,
            source_system=ctx.source,
            original_id=entity.id,
            received_at=ctx.received_at,
        )
        records: list[Record] = []
        for name in payloads:
            payload = getattr(entity, name)
            cls, build = _BUILDERS[name]
            spec = _PAYLOADS[cls][1]
            extension: _JsonDict = {"header": header}
            rest = _residue(payload, spec)
            if rest is not None:
                extension["rest"] = rest
            if entity_rest is not None:
                extension["entity_rest"] = entity_rest
            fields = build(payload, namespace)
            records.append(
                cls.model_validate(
                    {
                        "id": entity_iri(RECORD_KINDS[cls], namespace, entity.id),
                        "provenance": provenance,
                        "extensions": {EXTENSION: extension},
                        **fields,
                    }
                )
            )
        return records

    # -------------------------------------------------------------- encode

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        """Encode records as one ``FeedMessage``; refuse what GTFS-Realtime cannot hold."""
        namespace = ctx.hints.get("namespace") or self.namespace
        writer = _Writer(namespace)
        feed = pb.FeedMessage()
        entities: dict[str, Any] = {}
        headers: list[_JsonDict] = []
        for index, record in enumerate(records):
            if isinstance(record, RealtimeFeed):
                headers.append(_feed_header(record))
                continue
            payload = _PAYLOADS.get(type(record))
            if payload is None:
                raise EncodeError(
                    f"record {index} is a {record.kind}, which GTFS-Realtime cannot hold",
                    source=ctx.target,
                    expected="transit_trip_update, transit_vehicle_position or "
                    "transit_service_alert or transit_realtime_feed",
                )
            name, spec = payload
            kind = RECORD_KINDS[type(record)]
            entity_id = _local_id(record.id, kind, namespace, "id")
            extension = _extension(record)
            entity = entities.get(entity_id)
            if entity is None:
                entity = entities[entity_id] = feed.entity.add(id=entity_id)
                if "entity_rest" in extension:
                    _restore(entity, extension["entity_rest"], _ENTITY, "entity_rest")
            if entity.HasField(name):
                raise EncodeError(
                    f"two {name} payloads for entity {entity_id!r}", source=ctx.target, field="id"
                )
            target = getattr(entity, name)
            try:
                if isinstance(record, TripUpdate):
                    writer.trip_update(target, record)
                elif isinstance(record, VehiclePosition):
                    writer.vehicle_position(target, record)
                elif isinstance(record, ServiceAlert):
                    writer.alert(target, record)
            except (ValueError, TypeError) as error:  # protobuf refuses e.g. lone surrogates
                raise EncodeError(
                    f"record {index} ({record.id}): {error}", source=ctx.target
                ) from None
            if "rest" in extension:
                _restore(target, extension["rest"], spec, "rest")
            if "header" in extension:
                header = extension["header"]
                if not isinstance(header, dict):
                    raise EncodeError("the feed header is a JSON object", field="header")
                headers.append(header)
        if any(header != headers[0] for header in headers):
            raise EncodeError(
                "the records come from feed messages with different headers",
                source=ctx.target,
                expected="one FeedHeader per message",
            )
        _write_header(feed, headers[0] if headers else _DEFAULT_HEADER)
        missing = feed.FindInitializationErrors()
        if missing:
            raise EncodeError(f"required fields are missing: {', '.join(missing)}")
        return bytes(feed.SerializeToString(deterministic=True))


def _feed_record(header: _JsonDict, namespace: str, ctx: DecodeContext) -> RealtimeFeed:
    """The record of a message without entities: its header, so that it survives."""
    stamp = header.get("timestamp")
    incrementality = header.get("incrementality")
    return RealtimeFeed(
        id=mint_iri("realtime-feed", namespace, "" if stamp is None else str(stamp)),
        provenance=Provenance(
            plugin=PLUGIN,
            plugin_version=PLUGIN_VERSION,
            source_system=ctx.source,
            received_at=ctx.received_at,
        ),
        extensions={EXTENSION: {"header": header}},
        realtime_version=str(header["gtfs_realtime_version"]),
        incrementality=None if incrementality is None else str(incrementality).lower(),
        timestamp=_instant(stamp if isinstance(stamp, int) else None),
        feed_version=None if header.get("feed_version") is None else str(header["feed_version"]),
    )


def _feed_header(record: RealtimeFeed) -> _JsonDict:
    """The FeedHeader a RealtimeFeed record stands for: as decoded, else from its fields."""
    extension = _extension(record)
    if "header" in extension:
        header = extension["header"]
        if not isinstance(header, dict):
            raise EncodeError("the feed header is a JSON object", field="header")
        return header
    built: _JsonDict = {"gtfs_realtime_version": record.realtime_version}
    if record.incrementality is not None:
        built["incrementality"] = record.incrementality.value.upper()
    if record.timestamp is not None:
        seconds = record.timestamp.timestamp()
        if seconds != int(seconds):
            raise EncodeError("a header timestamp is whole seconds", field="timestamp")
        built["timestamp"] = int(seconds)
    if record.feed_version is not None:
        built["feed_version"] = record.feed_version
    return built


def _extension(record: Record) -> _JsonDict:
    """The record's ``gtfs-rt`` extension; EncodeError for vendor fields the feed cannot hold."""
    foreign = set(record.extensions) - {EXTENSION}
    if foreign:
        raise EncodeError(
            f"extensions {sorted(foreign)} have no place in GTFS-Realtime",
            field="extensions",
            expected=f"only {EXTENSION!r}",
        )
    extension = dict(record.extensions.get(EXTENSION, {}))
    unknown = set(extension) - _EXTENSION_KEYS
    if unknown:
        raise EncodeError(
            f"unknown {EXTENSION} extension fields {sorted(unknown)}",
            field="extensions",
            expected=f"{sorted(_EXTENSION_KEYS)}",
        )
    return extension


def _write_header(feed: Any, header: _JsonDict) -> None:
    known = {"gtfs_realtime_version", "incrementality", "timestamp", "feed_version"}
    unknown = set(header) - known - {"rest", "message_rest"}
    if unknown:
        raise EncodeError(f"unknown feed header fields {sorted(unknown)}", field="header")
    target = feed.header
    version_text = header.get("gtfs_realtime_version")
    if not isinstance(version_text, str):
        raise EncodeError("gtfs_realtime_version is a string", field="header")
    target.gtfs_realtime_version = version_text
    if "incrementality" in header:
        value = header["incrementality"]
        names = pb.FeedHeader.Incrementality.keys()
        if value not in names:
            raise EncodeError(f"incrementality {value!r} is not one of {names}", field="header")
        target.incrementality = pb.FeedHeader.Incrementality.Value(str(value))
    if "timestamp" in header:
        stamp = header["timestamp"]
        if not isinstance(stamp, int) or isinstance(stamp, bool):
            raise EncodeError("the header timestamp is an integer", field="header")
        target.timestamp = _check_int(stamp, _UINT64, "header.timestamp")
    if "feed_version" in header:
        feed_version = header["feed_version"]
        if not isinstance(feed_version, str):
            raise EncodeError("feed_version is a string", field="header")
        target.feed_version = feed_version
    if "rest" in header:
        _restore(target, header["rest"], _HEADER, "header.rest")
    if "message_rest" in header:
        _restore(feed, header["message_rest"], _MESSAGE, "header.message_rest")
