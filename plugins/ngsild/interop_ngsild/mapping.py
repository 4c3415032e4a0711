"""Which Smart Data Model each canonical record becomes, attribute by attribute.

A :class:`ModelSpec` names the entity type, the attributes that carry canonical fields
(:class:`Attr`, with a pair of value conversions) and the attributes the model requires. The
encoder tries a record's specs in order and uses the first whose condition holds and whose
required attributes it can fill; a record no spec fits becomes an ``interop:<Class>`` entity.
Every field an attribute does not carry back exactly is also written as ``interop:<field>``,
so nothing is ever lost (checked value by value when encoding, not assumed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from interop.model.base import RecordBase
from interop.model.device import Device
from interop.model.lighting import LightPoint
from interop.model.place import Place
from interop.model.transit import (
    Call,
    Frequency,
    Journey,
    Line,
    Operator,
    ServiceCalendar,
    ServiceException,
    Shape,
    Stop,
    Transfer,
    format_service_time,
    parse_service_time,
)
from interop_ngsild.parking import category_of, implied_attributes
from interop_ngsild.services import calendar_rule_id

__all__ = ["SPECS", "Attr", "AttrKind", "ModelSpec", "specs_for_type"]

AttrKind = Literal["Property", "Relationship", "GeoProperty"]
Convert = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class Attr:
    """One NGSI-LD attribute carrying the canonical field ``field`` (JSON form).

    ``out`` turns the field's JSON value into the attribute value (``None``: the model cannot
    hold it, so only the ``interop:`` copy is written); ``back`` inverts it when decoding.
    """

    field: str
    name: str
    kind: AttrKind = "Property"
    out: Convert = _same
    back: Convert = _same


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """How one record class becomes one Smart Data Model entity type."""

    record: type[RecordBase]
    entity_type: str
    attrs: tuple[Attr, ...]
    required: tuple[str, ...] = ()
    """Attributes (besides id and type) the model's JSON Schema requires."""
    when: Callable[[Mapping[str, Any], Any], bool] = field(default=lambda data, batch: True)
    """Condition on the record's JSON form (and the batch) for this spec to apply."""
    derived: Callable[[RecordBase, Any], Mapping[str, Any]] | None = None
    """Extra attributes computed from the record and the batch (ignored when decoding)."""
    derived_names: tuple[str, ...] = ()
    """Names of the attributes ``derived`` writes."""
    subject: str = ""
    """Smart Data Models subject (``Weather``, ``UrbanMobility``, ...), for the schema path."""
    entity_id: Callable[[str], str] | None = None
    """The entity id for a record id (None: the record id); an ``id`` attr carries it back."""
    implied: Callable[[Mapping[str, Any]], frozenset[str]] | None = None
    """Attributes of a normalized entity that only restate its records (not kept on decode)."""


def _codes(values: Sequence[str], *, as_int: bool = False) -> tuple[Convert, Convert]:
    """``(out, back)`` between enum values and their GTFS codes, by position."""
    to_code = {value: (index if as_int else str(index)) for index, value in enumerate(values)}
    from_code = {code: value for value, code in to_code.items()}
    return (lambda v: to_code.get(v)), (lambda c: from_code.get(c, c))


_AVAILABILITY = ("no_information", "available", "not_available")
_PICKUP = ("regular", "none", "phone_agency", "coordinate_with_driver")
_TRANSFER = ("recommended", "timed", "minimum_time", "not_possible")
_avail_out, _avail_back = _codes(_AVAILABILITY, as_int=True)
_avail_str_out, _avail_str_back = _codes(_AVAILABILITY)
_pickup_out, _pickup_back = _codes(_PICKUP)
_direction_out, _direction_back = _codes(("outbound", "inbound"), as_int=True)
_transfer_out, _transfer_back = _codes(_TRANSFER)
_exception_out, _exception_back = (
    (lambda v: {"added": "1", "removed": "2"}.get(v)),
    (lambda c: {"1": "added", "2": "removed"}.get(c, c)),
)


def _time_out(seconds: Any) -> str | None:
    """GTFS time text when the Smart Data Model's pattern allows it (hours up to 47)."""
    if not isinstance(seconds, int) or seconds >= 48 * 3600:
        return None
    return format_service_time(seconds)


def _time_back(text: Any) -> Any:
    return parse_service_time(text) if isinstance(text, str) else text


def _point_out(point: Any) -> dict[str, Any] | None:
    if not isinstance(point, Mapping):
        return None
    coordinates = [point["lon"], point["lat"]]
    if point.get("alt") is not None:
        coordinates.append(point["alt"])
    return {"type": "Point", "coordinates": coordinates}


def _point_back(geometry: Any) -> Any:
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Point":
        return geometry
    lon, lat, *alt = geometry.get("coordinates", [None, None])
    point: dict[str, Any] = {"lat": lat, "lon": lon}
    if alt:
        point["alt"] = alt[0]
    return point


def _only_point_back(geometry: Any) -> Any:
    """A ``location`` back to a point, when it is one (else it is the place's geometry)."""
    is_point = isinstance(geometry, Mapping) and geometry.get("type") == "Point"
    return _point_back(geometry) if is_point else None


def _geometry_out(geometry: Any) -> Any:
    """A geometry as ``location`` unless it is a point (that goes through the ``point`` attr)."""
    if not isinstance(geometry, Mapping) or geometry.get("type") == "Point":
        return None
    return geometry


def _geometry_back(geometry: Any) -> Any:
    is_point = isinstance(geometry, Mapping) and geometry.get("type") == "Point"
    return None if is_point else geometry


def _route_type_out(value: Any) -> str | None:
    return str(value) if isinstance(value, int) and 0 <= value <= 7 else None


def _route_type_back(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _single(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _bool_code_out(value: Any) -> str | None:
    return None if value is None else ("1" if value else "0")


def _bool_code_back(value: Any) -> Any:
    return {"1": True, "0": False}.get(value, value)


def _positive_sequence_out(value: Any) -> int | None:
    return value if isinstance(value, int) and value >= 1 else None


def _shape_location(points: Any) -> dict[str, Any] | None:
    if not isinstance(points, Sequence) or len(points) < 2:
        return None
    return {"type": "LineString", "coordinates": [[p["lon"], p["lat"]] for p in points]}


_name = Attr("name", "name")
_rel: AttrKind = "Relationship"

_STOP_COMMON = (
    _name,
    Attr("code", "code"),
    Attr("description", "description"),
    Attr("point", "location", "GeoProperty", _point_out, _point_back),
    Attr("zone_id", "zoneCode"),
    Attr("url", "page"),
    Attr("parent_station", "hasParentStation", _rel),
    Attr(
        "wheelchair_boarding", "wheelChairAccessible", "Property", _avail_str_out, _avail_str_back
    ),
)


def _lighting_status(record: RecordBase, batch: Any) -> Mapping[str, Any]:
    status = batch.light_status(record.id) if batch is not None else "ok"
    return {"status": {"type": "Property", "value": status}}


def _station_stops(record: RecordBase, batch: Any) -> Mapping[str, Any]:
    children = batch.children_of(record.id) if batch is not None else []
    return {"hasStop": {"type": "Relationship", "object": children}}


def _agency_source(record: RecordBase, batch: Any) -> Mapping[str, Any]:
    url = getattr(record, "url", None) or record.id
    return {"source": {"type": "Property", "value": url}}


def _shape_derived(record: RecordBase, batch: Any) -> Mapping[str, Any]:
    assert isinstance(record, Shape)
    points = [point.model_dump(mode="json") for point in record.points]
    out: dict[str, Any] = {"location": {"type": "GeoProperty", "value": _shape_location(points)}}
    distances = [point.distance_traveled for point in record.points]
    if all(distance is not None for distance in distances):
        out["distanceTravelled"] = {"type": "Property", "value": distances}
    return out


_DEVICE_ATTRS = (
    Attr("name", "name"),
    Attr("serial_number", "serialNumber"),
    Attr("firmware_version", "firmwareVersion"),
    Attr("location", "location", "GeoProperty", _point_out, _point_back),
)


def _device_derived(record: RecordBase, batch: Any) -> Mapping[str, Any]:
    from interop_ngsild.measurements import controlled_properties

    assert isinstance(record, Device)
    names = controlled_properties(record.measures | record.controls)
    return {"controlledProperty": {"type": "Property", "value": names}}


def _cabinet_derived(record: RecordBase, batch: Any) -> Mapping[str, Any]:
    assert isinstance(record, Device)
    groups = batch.groups_of_cabinet(record.id) if batch is not None else []
    controlled = bool({"on_off", "level_control"} & {f.value for f in record.functions})
    return {
        "refStreetlightGroup": {"type": "Relationship", "object": groups},
        "workingMode": {"type": "Property", "value": "automatic" if controlled else "manual"},
    }


def _parking_derived(record: RecordBase, batch: Any) -> Mapping[str, Any]:
    assert isinstance(record, Place)
    out: dict[str, Any] = {"status": batch.parking_status(record)}
    category = category_of(record)
    if category is not None:
        out["category"] = category
    return out


def _is_stop(data: Mapping[str, Any], batch: Any) -> bool:
    return data.get("location_type") in (None, "stop", "boarding_area", "generic_node")


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        Operator,
        "GtfsAgency",
        (
            Attr("name", "agencyName"),
            Attr("url", "page"),
            Attr("timezone", "timezone"),
            Attr("language", "language"),
            Attr("phone", "phone"),
        ),
        required=("agencyName",),
        derived=_agency_source,
        derived_names=("source",),
        subject="UrbanMobility",
    ),
    ModelSpec(
        Stop,
        "GtfsStation",
        _STOP_COMMON,
        required=("name", "location"),
        when=lambda data, batch: data.get("location_type") == "station",
        derived=_station_stops,
        derived_names=("hasStop",),
        subject="UrbanMobility",
    ),
    ModelSpec(
        Stop,
        "GtfsAccessPoint",
        _STOP_COMMON,
        required=("name", "location"),
        when=lambda data, batch: data.get("location_type") == "entrance",
        subject="UrbanMobility",
    ),
    ModelSpec(
        Stop,
        "GtfsStop",
        _STOP_COMMON,
        required=("name", "location"),
        when=_is_stop,
        subject="UrbanMobility",
    ),
    ModelSpec(
        Line,
        "GtfsRoute",
        (
            Attr("short_name", "shortName"),
            Attr("long_name", "name"),
            Attr("description", "description"),
            Attr("route_type", "routeType", "Property", _route_type_out, _route_type_back),
            Attr("url", "page"),
            Attr("color", "routeColor"),
            Attr("text_color", "routeTextColor"),
            Attr("sort_order", "routeSortOrder"),
            Attr("operator", "operatedBy", _rel),
        ),
        subject="UrbanMobility",
    ),
    ModelSpec(
        Journey,
        "GtfsTrip",
        (
            Attr("line", "hasRoute", _rel),
            Attr("service", "hasService", _rel),
            Attr("headsign", "headSign"),
            Attr("short_name", "shortName"),
            Attr("direction", "direction", "Property", _direction_out, _direction_back),
            Attr("block_id", "block"),
            Attr("shape", "hasShape", _rel),
            Attr(
                "wheelchair_accessible", "wheelChairAccessible", "Property", _avail_out, _avail_back
            ),
            Attr("bikes_allowed", "bikesAllowed", "Property", _avail_out, _avail_back),
        ),
        required=("hasRoute", "hasService"),
        subject="UrbanMobility",
    ),
    ModelSpec(
        Call,
        "GtfsStopTime",
        (
            Attr("journey", "hasTrip", _rel),
            Attr("stop", "hasStop", _rel),
            Attr("sequence", "stopSequence", "Property", _positive_sequence_out),
            Attr("arrival", "arrivalTime", "Property", _time_out, _time_back),
            Attr("departure", "departureTime", "Property", _time_out, _time_back),
            Attr("headsign", "stopHeadsign"),
            Attr("pickup_type", "pickupType", "Property", _pickup_out, _pickup_back),
            Attr("drop_off_type", "dropOffType", "Property", _pickup_out, _pickup_back),
            Attr("distance_traveled", "distanceTravelled"),
            Attr("timepoint", "timepoint", "Property", _bool_code_out, _bool_code_back),
        ),
        required=("hasTrip", "hasStop", "stopSequence", "arrivalTime", "departureTime"),
        subject="UrbanMobility",
    ),
    ModelSpec(
        ServiceCalendar,
        "GtfsCalendarRule",
        (
            Attr("id", "hasService", _rel),
            *(
                Attr(day, day)
                for day in (
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                )
            ),
            Attr("start_date", "startDate"),
            Attr("end_date", "endDate"),
        ),
        required=("hasService",),
        subject="UrbanMobility",
        entity_id=calendar_rule_id,
    ),
    ModelSpec(
        ServiceException,
        "GtfsCalendarDateRule",
        (
            Attr("service", "hasService", _rel),
            Attr("service_date", "appliesOn"),
            Attr("exception", "exceptionType", "Property", _exception_out, _exception_back),
        ),
        required=("hasService", "appliesOn", "exceptionType"),
        subject="UrbanMobility",
    ),
    ModelSpec(
        Shape,
        "GtfsShape",
        (),
        derived=_shape_derived,
        derived_names=("location", "distanceTravelled"),
        subject="UrbanMobility",
    ),
    ModelSpec(
        Frequency,
        "GtfsFrequency",
        (
            Attr("journey", "hasTrip", _rel),
            Attr("start_time", "startTime", "Property", _time_out, _time_back),
            Attr("end_time", "endTime", "Property", _time_out, _time_back),
            Attr("headway", "headwaySeconds"),
            Attr("exact_times", "exactTimes"),
        ),
        required=("hasTrip", "startTime", "endTime", "headwaySeconds"),
        subject="UrbanMobility",
    ),
    ModelSpec(
        Transfer,
        "GtfsTransferRule",
        (
            Attr("from_stop", "hasOrigin", _rel),
            Attr("to_stop", "hasDestination", _rel),
            Attr("transfer_type", "transferType", "Property", _transfer_out, _transfer_back),
            Attr(
                "min_transfer_time",
                "minimumTransferTime",
                "Property",
                lambda v: v if isinstance(v, int) and v >= 1 else None,
            ),
        ),
        required=("hasOrigin", "hasDestination", "transferType"),
        subject="UrbanMobility",
    ),
    ModelSpec(
        LightPoint,
        "Streetlight",
        (
            Attr("location", "location", "GeoProperty", _point_out, _point_back),
            Attr("device", "refDevice", _rel, lambda v: [v], _single),
            Attr("group", "refStreetlightGroup", _rel),
            Attr("cabinet", "refStreetlightControlCabinet", _rel),
            Attr("nominal_power", "powerRating"),
            Attr("name", "name"),
        ),
        required=("location",),
        derived=_lighting_status,
        derived_names=("status",),
        subject="Streetlighting",
    ),
    ModelSpec(
        Place,
        "ParkingSpot",
        (
            _name,
            Attr("point", "location", "GeoProperty", _point_out, _only_point_back),
            Attr("geometry", "location", "GeoProperty", _geometry_out, _geometry_back),
            Attr("within", "refParkingSite", _rel),
        ),
        required=("location", "refParkingSite", "status", "category"),
        when=lambda data, batch: batch is not None and batch.is_parking_spot(data["id"]),
        derived=_parking_derived,
        subject="Parking",
        implied=implied_attributes,
    ),
    ModelSpec(
        Device,
        "StreetlightControlCabinet",
        _DEVICE_ATTRS,
        required=("location",),
        when=lambda data, batch: batch is not None and batch.is_cabinet(data["id"]),
        derived=_cabinet_derived,
        derived_names=("refStreetlightGroup", "workingMode"),
        subject="Streetlighting",
    ),
    ModelSpec(
        Device,
        "Device",
        _DEVICE_ATTRS,
        derived=_device_derived,
        derived_names=("controlledProperty",),
        subject="Device",
    ),
)
"""Every mapping to a Smart Data Model, in the order the encoder tries them."""

_BY_TYPE: dict[str, list[ModelSpec]] = {}
for _spec in SPECS:
    _BY_TYPE.setdefault(_spec.entity_type, []).append(_spec)


def specs_for_type(entity_type: str) -> list[ModelSpec]:
    """The specs that write ``entity_type`` (empty for a type interop does not map)."""
    return _BY_TYPE.get(entity_type, [])
