"""The declarative map from canonical records to RDF: one :class:`RecordMap` per record type.

Every model field has exactly one entry, and each entry kind says how its value becomes
triples. :mod:`interop.rdf.export` (graph and N-Triples) and :mod:`interop.rdf.graph`
(import) interpret this table generically, so a new record type is a new table entry, not
new code. The record's own IRI is the subject; its ``kind`` is implied by the record map's
``anchor`` class, which no other record map may share.

SAREF core v3.1.1 is the target profile (the one SAREF4CITY/ENER/WATR 1.x build on). Where
SAREF has no fitting term the ``interop:`` vocabulary (``ontologies/interop.ttl``) fills in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pydantic

from interop.errors import ValidationError
from interop.model.base import CanonicalModel, Geometry, Point, Provenance
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.device import Device, DeviceKind, FunctionKind
from interop.model.lighting import (
    CalendarRule,
    DimmingProgram,
    DimmingSchedule,
    LightingAlarm,
    LightPoint,
)
from interop.model.observation import Measurement, State, StateValue
from interop.model.place import Place
from interop.model.properties import DEFAULT_PROPERTIES
from interop.model.realtime import (
    ActivePeriod,
    InformedEntity,
    RealtimeFeed,
    ServiceAlert,
    StopTimeUpdate,
    TranslatedText,
    TripUpdate,
    VehiclePosition,
)
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
    ShapePoint,
    Stop,
    Transfer,
    Translation,
)
from interop.model.units import DEFAULT_UNITS
from interop.rdf.literals import (
    RDF_JSON,
    XSD_DECIMAL,
    decode_decimal,
    dump_json,
    encode_decimal,
    load_json,
)
from interop.rdf.namespaces import (
    GEO,
    INTEROP,
    PROV,
    RDFS,
    S4CITY,
    S4ENER,
    S4ENVI,
    S4WATR,
    SAREF,
    WGS84,
    iri,
)

__all__ = [
    "RDF_TYPE",
    "RECORD_MAPS",
    "EncodedNode",
    "EnumNodes",
    "EnumRef",
    "FieldMap",
    "JsonLiteral",
    "Kind",
    "Nested",
    "NodeLiteral",
    "RecordMap",
    "Ref",
    "Subject",
    "TypeOf",
    "TypedValue",
    "Value",
    "emitted_iris",
    "record_map",
    "unmapped_fields",
]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# ---------------------------------------------------------------- entry kinds


@dataclass(frozen=True, slots=True)
class Subject:
    """The field holding the record's IRI, which is the subject of its triples."""


@dataclass(frozen=True, slots=True)
class Kind:
    """The union tag; implied by the record map's anchor class, so no triple of its own."""


@dataclass(frozen=True, slots=True)
class Value:
    """A scalar (str, int, float, datetime) written as one literal; datatype from its type."""

    predicate: str


@dataclass(frozen=True, slots=True)
class TypedValue:
    """A scalar written as one literal of a fixed ``datatype`` with its own lexical form.

    For values whose Python type has no general literal form (a fare's ``Decimal`` price
    as ``xsd:decimal``); import refuses a literal of any other datatype.
    """

    predicate: str
    datatype: str
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class Ref:
    """An IRI-valued field (one IRI, or a set when ``many``).

    ``inverse`` writes ``object predicate subject`` (``saref:hasState`` points from the
    device to its state). ``typing`` names the classes the referenced IRI is typed with
    (units and properties), written once per IRI per export.
    """

    predicate: str
    many: bool = False
    inverse: bool = False
    typing: Callable[[str], tuple[str, ...]] | None = None


@dataclass(frozen=True, slots=True)
class TypeOf:
    """An enum expressed as ``rdf:type`` classes of the record itself (device kind, state)."""

    classes: Mapping[Any, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class EnumRef:
    """An enum (or a set of them, when ``many``) written as IRIs of individuals or classes."""

    predicate: str
    iris: Mapping[Any, str]
    many: bool = False


@dataclass(frozen=True, slots=True)
class EnumNodes:
    """A set of enum members, each a node typed with the member's class (device functions)."""

    predicate: str
    classes: Mapping[Any, str]


@dataclass(frozen=True, slots=True)
class Nested:
    """A nested model written as a node of ``node_class`` whose fields are literals.

    ``lifted`` fields of the nested model are written on the record itself instead (the
    provenance's source message and time are ``prov:wasDerivedFrom`` and
    ``prov:generatedAtTime`` of the record, a ``prov:Entity``, not of the activity).
    """

    predicate: str
    node_class: str
    model: type[CanonicalModel]
    fields: Mapping[str, Value]
    lifted: Mapping[str, Value | Ref] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NodeLiteral:
    """One literal on an :class:`EncodedNode`; ``decode`` is None for derived, write-only forms."""

    predicate: str
    datatype: str
    encode: Callable[[Any], str | None]
    decode: Callable[[str], Any] | None = None


@dataclass(frozen=True, slots=True)
class EncodedNode:
    """A nested model written as a node carrying whole-value literals (a GeoJSON geometry)."""

    predicate: str
    node_class: str
    literals: tuple[NodeLiteral, ...]


@dataclass(frozen=True, slots=True)
class JsonLiteral:
    """A JSON mapping written as one ``rdf:JSON`` literal (sorted keys), absent when empty."""

    predicate: str


FieldMap = (
    Subject
    | Kind
    | Value
    | TypedValue
    | Ref
    | TypeOf
    | EnumRef
    | EnumNodes
    | Nested
    | EncodedNode
    | JsonLiteral
)


@dataclass(frozen=True, slots=True)
class RecordMap:
    """How one record class maps to RDF: its anchor class and one entry per model field."""

    cls: type[CanonicalModel]
    anchor: str
    fields: Mapping[str, FieldMap]

    @property
    def kind(self) -> str:
        """The record's ``kind`` tag."""
        return str(self.cls.model_fields["kind"].default)


# ---------------------------------------------------------------- vocabulary pieces


def _s(local: str) -> str:
    return iri(SAREF, local)


def _i(local: str) -> str:
    return iri(INTEROP, local)


_UNIT_CLASS = _s("UnitOfMeasure")
_PROPERTY_CLASS = _s("Property")
_UNIT_SUBCLASS = {unit.iri: unit.saref_class for unit in DEFAULT_UNITS}


def unit_classes(unit_iri: str) -> tuple[str, ...]:
    """``saref:UnitOfMeasure`` and, for a built-in unit that has one, its SAREF subclass."""
    subclass = _UNIT_SUBCLASS.get(unit_iri)
    return (_UNIT_CLASS, subclass) if subclass else (_UNIT_CLASS,)


def property_classes(property_iri: str) -> tuple[str, ...]:
    """Every property IRI is typed ``saref:Property`` (OWL 2 punning for class IRIs)."""
    return (_PROPERTY_CLASS,)


DEVICE_CLASSES: Mapping[DeviceKind, tuple[str, ...]] = {
    DeviceKind.SENSOR: (_s("Sensor"),),
    DeviceKind.ACTUATOR: (_s("Actuator"),),
    DeviceKind.METER: (_s("Meter"),),
    DeviceKind.LIGHTING_DEVICE: (iri(S4ENVI, "LightPoint"), _s("Actuator")),
    DeviceKind.GATEWAY: (_i("Gateway"),),
    DeviceKind.SWITCH: (_s("Switch"),),
    DeviceKind.APPLIANCE: (_s("Appliance"),),
    DeviceKind.CONTROLLER: (_i("Controller"),),
    DeviceKind.OTHER: (_i("OtherDevice"),),
}

FUNCTION_CLASSES: Mapping[FunctionKind, str] = {
    FunctionKind.SENSING: _s("SensingFunction"),
    FunctionKind.METERING: _s("MeteringFunction"),
    FunctionKind.ACTUATING: _s("ActuatingFunction"),
    FunctionKind.ON_OFF: _s("OnOffFunction"),
    FunctionKind.LEVEL_CONTROL: _s("LevelControlFunction"),
    FunctionKind.OPEN_CLOSE: _s("OpenCloseFunction"),
    FunctionKind.START_STOP: _s("StartStopFunction"),
    FunctionKind.EVENT: _s("EventFunction"),
}

COMMAND_CLASSES: Mapping[CommandKind, str] = {
    CommandKind.ON: _s("OnCommand"),
    CommandKind.OFF: _s("OffCommand"),
    CommandKind.TOGGLE: _s("ToggleCommand"),
    CommandKind.SET_LEVEL: _s("SetAbsoluteLevelCommand"),
    CommandKind.STEP_UP: _s("StepUpCommand"),
    CommandKind.STEP_DOWN: _s("StepDownCommand"),
    CommandKind.OPEN: _s("OpenCommand"),
    CommandKind.CLOSE: _s("CloseCommand"),
    CommandKind.START: _s("StartCommand"),
    CommandKind.STOP: _s("StopCommand"),
    CommandKind.RESUME_SCHEDULE: _i("ResumeScheduleCommand"),
}

STATE_CLASSES: Mapping[StateValue, tuple[str, ...]] = {
    StateValue.ON: (_s("OnState"),),
    StateValue.OFF: (_s("OffState"),),
    StateValue.OPEN: (_s("OpenState"),),
    StateValue.CLOSED: (_s("CloseState"),),
    StateValue.STARTED: (_s("StartState"),),
    StateValue.STOPPED: (_s("StopState"),),
    StateValue.LEVEL: (_s("MultiLevelState"),),
}

COMMAND_STATUSES: Mapping[CommandStatus, str] = {
    CommandStatus.ACCEPTED: _i("CommandAccepted"),
    CommandStatus.APPLIED: _i("CommandApplied"),
    CommandStatus.SUCCEEDED: _i("CommandSucceeded"),
    CommandStatus.FAILED: _i("CommandFailed"),
    CommandStatus.REJECTED: _i("CommandRejected"),
    CommandStatus.TIMED_OUT: _i("CommandTimedOut"),
    CommandStatus.UNKNOWN: _i("CommandOutcomeUnknown"),
}


# ---------------------------------------------------------------- geometry literals


def _geojson(geometry: Geometry) -> str:
    return dump_json(geometry.model_dump(mode="json"))


def _from_geojson(text: str) -> Geometry:
    return Geometry.model_validate(load_json(text))


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else format(Decimal(repr(value)), "f")


_WKT_DEPTH = {"LineString": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}


def _wkt(geometry: Geometry) -> str | None:
    """Simple Features WKT in CRS84 (lon lat), or None when empty or mixing 2D and 3D."""
    dimensions: set[int] = set()

    def text(value: Any, depth: int) -> str:
        if depth == 0:
            dimensions.add(len(value))
            return " ".join(_number(number) for number in value)
        return "(" + ", ".join(text(item, depth - 1) for item in value) + ")"

    coordinates = geometry.coordinates
    if geometry.type == "Point":
        body = "(" + text(coordinates, 0) + ")"
    elif geometry.type == "MultiPoint":
        body = "(" + ", ".join("(" + text(point, 0) + ")" for point in coordinates) + ")"
    else:
        body = text(coordinates, _WKT_DEPTH[geometry.type])
    if len(dimensions) != 1:
        return None
    z = " Z" if dimensions == {3} else ""
    return f"{geometry.type.upper()}{z} {body}"


def _shape_points(points: tuple[ShapePoint, ...]) -> str:
    return dump_json([point.model_dump(mode="json") for point in points])


def _from_shape_points(text: str) -> tuple[ShapePoint, ...]:
    data = load_json(text)
    if not isinstance(data, list):
        raise ValidationError("shape points are a JSON list", expected="rdf:JSON list")
    try:
        return tuple(ShapePoint.model_validate(item) for item in data)
    except pydantic.ValidationError as error:
        raise ValidationError(f"malformed shape point: {error}", expected="shape points") from None


def _shape_line(points: tuple[ShapePoint, ...]) -> Geometry:
    return Geometry(type="LineString", coordinates=[[point.lon, point.lat] for point in points])


# ---------------------------------------------------------------- nested lists as JSON literals


def _json_list(
    model: type[CanonicalModel], what: str
) -> tuple[Callable[[Any], str], Callable[[str], Any]]:
    """Encode/decode an ordered tuple of nested models as one ``rdf:JSON`` array literal."""

    def encode(values: tuple[CanonicalModel, ...]) -> str:
        return dump_json([value.model_dump(mode="json", exclude_none=True) for value in values])

    def decode(text: str) -> tuple[CanonicalModel, ...]:
        data = load_json(text)
        if not isinstance(data, list):
            raise ValidationError(f"{what} are a JSON list", expected="rdf:JSON list")
        try:
            return tuple(model.model_validate(item) for item in data)
        except pydantic.ValidationError as error:
            raise ValidationError(f"malformed {what}: {error}", expected=what) from None

    return encode, decode


def _translated_text(text: TranslatedText) -> str:
    return dump_json(text)


def _from_translated_text(text: str) -> TranslatedText:
    data = load_json(text)
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValidationError(
            "a translated text is a JSON object of language -> text", expected="rdf:JSON object"
        )
    return {str(language): value for language, value in data.items()}


def _json_value(
    predicate: str, codec: tuple[Callable[[Any], str], Callable[[str], Any]]
) -> TypedValue:
    return TypedValue(predicate, RDF_JSON, codec[0], codec[1])


_TRANSLATED = (_translated_text, _from_translated_text)


# ---------------------------------------------------------------- the table

_LABEL = iri(RDFS, "label")
_COMMENT = iri(RDFS, "comment")
_TIMESTAMP = _s("hasTimestamp")
_LEVEL = _i("level")

_COMMON: Mapping[str, FieldMap] = {
    "kind": Kind(),
    "id": Subject(),
    "provenance": Nested(
        iri(PROV, "wasGeneratedBy"),
        iri(PROV, "Activity"),
        Provenance,
        {
            "plugin": Value(_i("plugin")),
            "plugin_version": Value(_i("pluginVersion")),
            "source_system": Value(_i("sourceSystem")),
            "original_id": Value(_i("originalId")),
            "policy_version": Value(_i("policyVersion")),
        },
        {
            "received_at": Value(iri(PROV, "generatedAtTime")),
            "raw_message_id": Ref(iri(PROV, "wasDerivedFrom")),
        },
    ),
    "extensions": JsonLiteral(_i("extensions")),
}

_POINT = Nested(
    iri(WGS84, "location"),
    iri(WGS84, "Point"),
    Point,
    {
        "lat": Value(iri(WGS84, "lat")),
        "lon": Value(iri(WGS84, "long")),
        "alt": Value(iri(WGS84, "alt")),
    },
)

_SHAPE_POINTS = EncodedNode(
    iri(GEO, "hasGeometry"),
    iri(GEO, "Geometry"),
    (
        NodeLiteral(_i("shapePoints"), RDF_JSON, _shape_points, _from_shape_points),
        NodeLiteral(
            iri(GEO, "asGeoJSON"),
            iri(GEO, "geoJSONLiteral"),
            lambda points: _geojson(_shape_line(points)),
        ),
        NodeLiteral(iri(GEO, "asWKT"), iri(GEO, "wktLiteral"), lambda p: _wkt(_shape_line(p))),
    ),
)
"""A shape's ordered points as one JSON literal (read back), plus its line as GeoJSON/WKT."""

_TRIP: Mapping[str, FieldMap] = {
    "journey": Ref(_i("inJourney")),
    "line": Ref(_i("onLine")),
    "direction": Value(_i("direction")),
    "start_date": Value(_i("serviceDay")),
    "start_time": Value(_i("journeyStartTime")),
    "schedule_relationship": Value(_i("scheduleRelationship")),
}
"""A GTFS-RT TripDescriptor, flattened into a vehicle position or a trip update."""

_VEHICLE: Mapping[str, FieldMap] = {
    "vehicle_id": Value(_i("vehicleId")),
    "vehicle_label": Value(_i("vehicleLabel")),
    "vehicle_license_plate": Value(_i("licensePlate")),
}
"""A GTFS-RT VehicleDescriptor, flattened."""

RECORD_MAPS: tuple[RecordMap, ...] = (
    RecordMap(
        Device,
        _s("Device"),
        {
            **_COMMON,
            "device_kind": TypeOf(DEVICE_CLASSES),
            "name": Value(_LABEL),
            "manufacturer": Value(_s("hasManufacturer")),
            "model": Value(_s("hasModel")),
            "serial_number": Value(iri(S4ENER, "serialNumber")),
            "firmware_version": Value(iri(S4WATR, "hasFirmwareVersion")),
            "functions": EnumNodes(_s("hasFunction"), FUNCTION_CLASSES),
            "measures": Ref(_s("measuresProperty"), many=True, typing=property_classes),
            "controls": Ref(_s("controlsProperty"), many=True, typing=property_classes),
            "commands": EnumRef(_i("acceptsCommand"), COMMAND_CLASSES, many=True),
            "location": _POINT,
            "place": Ref(_i("isLocatedIn")),
            "gateway": Ref(_i("communicatesThrough")),
        },
    ),
    RecordMap(
        Measurement,
        _s("Measurement"),
        {
            **_COMMON,
            "property": Ref(_s("relatesToProperty"), typing=property_classes),
            "value": Value(_s("hasValue")),
            "unit": Ref(_s("isMeasuredIn"), typing=unit_classes),
            "timestamp": Value(_TIMESTAMP),
            "device": Ref(_s("measurementMadeBy")),
            "feature_of_interest": Ref(_s("isMeasurementOf")),
        },
    ),
    RecordMap(
        State,
        _s("State"),
        {
            **_COMMON,
            "device": Ref(_s("hasState"), inverse=True),
            "value": TypeOf(STATE_CLASSES),
            "level": Value(_LEVEL),
            "timestamp": Value(_TIMESTAMP),
        },
    ),
    RecordMap(
        Command,
        _s("Command"),
        {
            **_COMMON,
            "action": TypeOf({kind: (cls,) for kind, cls in COMMAND_CLASSES.items()}),
            "target": Ref(_i("targetsDevice")),
            "level": Value(_LEVEL),
            "duration": Value(_i("overrideDuration")),
            "issued_at": Value(_TIMESTAMP),
            "issued_by": Value(_i("issuedBy")),
        },
    ),
    RecordMap(
        CommandResult,
        _i("CommandResult"),
        {
            **_COMMON,
            "command": Ref(_i("resultOf")),
            "target": Ref(_i("resultFor")),
            "status": EnumRef(_i("commandStatus"), COMMAND_STATUSES),
            "at": Value(_TIMESTAMP),
            "detail": Value(iri(RDFS, "comment")),
        },
    ),
    RecordMap(
        Place,
        _s("FeatureOfInterest"),
        {
            **_COMMON,
            "name": Value(_LABEL),
            "point": _POINT,
            "geometry": EncodedNode(
                iri(GEO, "hasGeometry"),
                iri(GEO, "Geometry"),
                (
                    NodeLiteral(iri(GEO, "asGeoJSON"), iri(GEO, "geoJSONLiteral"), _geojson,
                                _from_geojson),
                    NodeLiteral(iri(GEO, "asWKT"), iri(GEO, "wktLiteral"), _wkt),
                ),
            ),
            "address": Value(_i("address")),
            "within": Ref(iri(GEO, "sfWithin")),
        },
    ),
    RecordMap(
        Operator,
        _i("Operator"),
        {
            **_COMMON,
            "name": Value(_LABEL),
            "url": Value(_i("url")),
            "timezone": Value(_i("timezone")),
            "language": Value(_i("language")),
            "phone": Value(_i("phone")),
            "fare_url": Value(_i("fareUrl")),
            "email": Value(_i("email")),
        },
    ),
    RecordMap(
        Stop,
        _i("Stop"),
        {
            **_COMMON,
            "location_type": Value(_i("locationType")),
            "name": Value(_LABEL),
            "tts_name": Value(_i("ttsName")),
            "code": Value(_i("code")),
            "description": Value(_COMMENT),
            "point": _POINT,
            "zone_id": Value(_i("fareZone")),
            "url": Value(_i("url")),
            "parent_station": Ref(_i("parentStation")),
            "timezone": Value(_i("timezone")),
            "wheelchair_boarding": Value(_i("wheelchairAccessibility")),
            "level": Ref(_i("onLevel")),
            "platform_code": Value(_i("platformCode")),
        },
    ),
    RecordMap(
        Level,
        _i("Level"),
        {
            **_COMMON,
            "index": Value(_i("levelIndex")),
            "name": Value(_LABEL),
        },
    ),
    RecordMap(
        Pathway,
        _i("Pathway"),
        {
            **_COMMON,
            "from_stop": Ref(_i("fromStop")),
            "to_stop": Ref(_i("toStop")),
            "mode": Value(_i("pathwayMode")),
            "bidirectional": Value(_i("bidirectional")),
            "length": Value(_i("length")),
            "traversal_time": Value(_i("traversalTime")),
            "stair_count": Value(_i("stairCount")),
            "max_slope": Value(_i("maxSlope")),
            "min_width": Value(_i("minWidth")),
            "signposted_as": Value(_i("signpostedAs")),
            "reversed_signposted_as": Value(_i("reversedSignpostedAs")),
        },
    ),
    RecordMap(
        Line,
        _i("Line"),
        {
            **_COMMON,
            "operator": Ref(_i("operatedBy")),
            "short_name": Value(_i("shortName")),
            "long_name": Value(_i("longName")),
            "description": Value(_COMMENT),
            "route_type": Value(_i("routeType")),
            "url": Value(_i("url")),
            "color": Value(_i("colour")),
            "text_color": Value(_i("textColour")),
            "sort_order": Value(_i("sortOrder")),
            "continuous_pickup": Value(_i("continuousPickup")),
            "continuous_drop_off": Value(_i("continuousDropOff")),
            "network_id": Value(_i("networkId")),
        },
    ),
    RecordMap(
        Journey,
        _i("ServiceJourney"),
        {
            **_COMMON,
            "line": Ref(_i("onLine")),
            "service": Ref(_i("serviceCalendar")),
            "headsign": Value(_i("headsign")),
            "short_name": Value(_i("shortName")),
            "direction": Value(_i("direction")),
            "block_id": Value(_i("blockId")),
            "shape": Ref(_i("followsShape")),
            "wheelchair_accessible": Value(_i("wheelchairAccessibility")),
            "bikes_allowed": Value(_i("bikesAllowed")),
        },
    ),
    RecordMap(
        Call,
        _i("Call"),
        {
            **_COMMON,
            "journey": Ref(_i("inJourney")),
            "stop": Ref(_i("atStop")),
            "sequence": Value(_i("sequence")),
            "arrival": Value(_i("arrivalTime")),
            "departure": Value(_i("departureTime")),
            "headsign": Value(_i("headsign")),
            "pickup_type": Value(_i("pickupType")),
            "drop_off_type": Value(_i("dropOffType")),
            "continuous_pickup": Value(_i("continuousPickup")),
            "continuous_drop_off": Value(_i("continuousDropOff")),
            "distance_traveled": Value(_i("distanceTraveled")),
            "timepoint": Value(_i("timepoint")),
            "location_group": Ref(_i("atLocationGroup")),
            "location": Ref(_i("atLocation")),
            "start_pickup_drop_off_window": Value(_i("pickupDropOffWindowStart")),
            "end_pickup_drop_off_window": Value(_i("pickupDropOffWindowEnd")),
            "pickup_booking_rule": Ref(_i("pickupBookingRule")),
            "drop_off_booking_rule": Ref(_i("dropOffBookingRule")),
        },
    ),
    RecordMap(
        ServiceCalendar,
        _i("ServiceCalendar"),
        {
            **_COMMON,
            "monday": Value(_i("monday")),
            "tuesday": Value(_i("tuesday")),
            "wednesday": Value(_i("wednesday")),
            "thursday": Value(_i("thursday")),
            "friday": Value(_i("friday")),
            "saturday": Value(_i("saturday")),
            "sunday": Value(_i("sunday")),
            "start_date": Value(_i("startDate")),
            "end_date": Value(_i("endDate")),
        },
    ),
    RecordMap(
        ServiceException,
        _i("ServiceException"),
        {
            **_COMMON,
            "service": Ref(_i("serviceCalendar")),
            "service_date": Value(_i("serviceDate")),
            "exception": Value(_i("exceptionType")),
        },
    ),
    RecordMap(
        Shape,
        _i("Shape"),
        {
            **_COMMON,
            "points": _SHAPE_POINTS,
        },
    ),
    RecordMap(
        Frequency,
        _i("HeadwayJourneyGroup"),
        {
            **_COMMON,
            "journey": Ref(_i("inJourney")),
            "start_time": Value(_i("startTime")),
            "end_time": Value(_i("endTime")),
            "headway": Value(_i("headway")),
            "exact_times": Value(_i("exactTimes")),
        },
    ),
    RecordMap(
        Transfer,
        _i("Transfer"),
        {
            **_COMMON,
            "from_stop": Ref(_i("fromStop")),
            "to_stop": Ref(_i("toStop")),
            "from_line": Ref(_i("fromLine")),
            "to_line": Ref(_i("toLine")),
            "from_journey": Ref(_i("fromJourney")),
            "to_journey": Ref(_i("toJourney")),
            "transfer_type": Value(_i("transferType")),
            "min_transfer_time": Value(_i("minTransferTime")),
        },
    ),
    RecordMap(
        FeedInfo,
        _i("FeedInfo"),
        {
            **_COMMON,
            "publisher_name": Value(_i("publisherName")),
            "publisher_url": Value(_i("publisherUrl")),
            "language": Value(_i("language")),
            "default_language": Value(_i("defaultLanguage")),
            "start_date": Value(_i("startDate")),
            "end_date": Value(_i("endDate")),
            "version": Value(_i("version")),
            "contact_email": Value(_i("email")),
            "contact_url": Value(_i("contactUrl")),
        },
    ),
    RecordMap(
        FareAttribute,
        _i("Fare"),
        {
            **_COMMON,
            "price": TypedValue(_i("price"), XSD_DECIMAL, encode_decimal, decode_decimal),
            "currency": Value(_i("currency")),
            "payment_method": Value(_i("paymentMethod")),
            "transfers": Value(_i("transfersAllowed")),
            "operator": Ref(_i("operatedBy")),
            "transfer_duration": Value(_i("transferDuration")),
        },
    ),
    RecordMap(
        FareRule,
        _i("FareRule"),
        {
            **_COMMON,
            "fare": Ref(_i("forFare")),
            "line": Ref(_i("onLine")),
            "origin_zone": Value(_i("originZone")),
            "destination_zone": Value(_i("destinationZone")),
            "contains_zone": Value(_i("containsZone")),
        },
    ),
    RecordMap(
        Attribution,
        _i("Attribution"),
        {
            **_COMMON,
            "organization_name": Value(_LABEL),
            "operator": Ref(_i("forOperator")),
            "line": Ref(_i("forLine")),
            "journey": Ref(_i("forJourney")),
            "is_producer": Value(_i("isProducer")),
            "is_operator": Value(_i("isOperator")),
            "is_authority": Value(_i("isAuthority")),
            "url": Value(_i("url")),
            "email": Value(_i("email")),
            "phone": Value(_i("phone")),
        },
    ),
    RecordMap(
        Translation,
        _i("Translation"),
        {
            **_COMMON,
            "table_name": Value(_i("tableName")),
            "field_name": Value(_i("fieldName")),
            "language": Value(_i("language")),
            "translation": Value(_i("translation")),
            "record": Ref(_i("translates")),
            "record_sub_id": Value(_i("recordSubId")),
            "field_value": Value(_i("fieldValue")),
        },
    ),
    RecordMap(LocationGroup, _i("LocationGroup"), {**_COMMON, "name": Value(_LABEL)}),
    RecordMap(
        LocationGroupStop,
        _i("LocationGroupMembership"),
        {
            **_COMMON,
            "location_group": Ref(_i("inLocationGroup")),
            "stop": Ref(_i("atStop")),
        },
    ),
    RecordMap(
        BookingRule,
        _i("BookingRule"),
        {
            **_COMMON,
            "booking_type": Value(_i("bookingType")),
            "prior_notice_duration_min": Value(_i("priorNoticeDurationMin")),
            "prior_notice_duration_max": Value(_i("priorNoticeDurationMax")),
            "prior_notice_last_day": Value(_i("priorNoticeLastDay")),
            "prior_notice_last_time": Value(_i("priorNoticeLastTime")),
            "prior_notice_start_day": Value(_i("priorNoticeStartDay")),
            "prior_notice_start_time": Value(_i("priorNoticeStartTime")),
            "prior_notice_service": Ref(_i("priorNoticeService")),
            "message": Value(_COMMENT),
            "pickup_message": Value(_i("pickupMessage")),
            "drop_off_message": Value(_i("dropOffMessage")),
            "phone_number": Value(_i("phone")),
            "info_url": Value(_i("infoUrl")),
            "booking_url": Value(_i("bookingUrl")),
        },
    ),
    RecordMap(
        VehiclePosition,
        _i("VehiclePosition"),
        {
            **_COMMON,
            **_VEHICLE,
            **_TRIP,
            "point": _POINT,
            "bearing": Value(_i("bearing")),
            "speed": Value(_i("speed")),
            "odometer": Value(_i("odometer")),
            "current_stop_sequence": Value(_i("currentStopSequence")),
            "stop": Ref(_i("currentStop")),
            "current_status": Value(_i("currentStatus")),
            "congestion_level": Value(_i("congestionLevel")),
            "occupancy_status": Value(_i("occupancyStatus")),
            "occupancy_percentage": Value(_i("occupancyPercentage")),
            "timestamp": Value(_TIMESTAMP),
        },
    ),
    RecordMap(
        TripUpdate,
        _i("TripUpdate"),
        {
            **_COMMON,
            **_TRIP,
            **_VEHICLE,
            "timestamp": Value(_TIMESTAMP),
            "delay": Value(_i("delay")),
            "stop_time_updates": _json_value(
                _i("stopTimeUpdates"), _json_list(StopTimeUpdate, "stop time updates")
            ),
        },
    ),
    RecordMap(
        RealtimeFeed,
        _i("RealtimeFeed"),
        {
            **_COMMON,
            "realtime_version": Value(_i("realtimeVersion")),
            "incrementality": Value(_i("incrementality")),
            "timestamp": Value(_TIMESTAMP),
            "feed_version": Value(_i("feedVersion")),
        },
    ),
    RecordMap(
        ServiceAlert,
        _i("ServiceAlert"),
        {
            **_COMMON,
            "active_periods": _json_value(
                _i("activePeriods"), _json_list(ActivePeriod, "active periods")
            ),
            "informed_entities": _json_value(
                _i("informedEntities"), _json_list(InformedEntity, "informed entities")
            ),
            "cause": Value(_i("alertCause")),
            "effect": Value(_i("alertEffect")),
            "url": _json_value(_i("alertUrl"), _TRANSLATED),
            "header": _json_value(_i("headerText"), _TRANSLATED),
            "description": _json_value(_i("descriptionText"), _TRANSLATED),
            "severity": Value(_i("severityLevel")),
        },
    ),
    RecordMap(
        LightPoint,
        _i("StreetLight"),
        {
            **_COMMON,
            "name": Value(_LABEL),
            "device": Ref(_i("controlledBy")),
            "lamp_type": Value(_i("lampType")),
            "nominal_power": Value(_i("nominalPower")),
            "manufacturer": Value(_s("hasManufacturer")),
            "model": Value(_s("hasModel")),
            "location": _POINT,
            "lamppost": Ref(_i("mountedOn")),
            "group": Ref(_i("inLightingGroup")),
            "cabinet": Ref(_i("fedByCabinet")),
            "installation_date": Value(_i("installationDate")),
            "dali_address": Value(_i("daliAddress")),
            "driver": Value(_i("controlGear")),
            "controllable": Value(_i("controllable")),
        },
    ),
    RecordMap(
        LightingAlarm,
        _i("LightingAlarm"),
        {
            **_COMMON,
            "light": Ref(_i("alarmOf")),
            "alarm_type": Value(_i("alarmType")),
            "state": Value(_i("alarmState")),
            "timestamp": Value(_TIMESTAMP),
            "severity": Value(_i("alarmSeverity")),
            "detail": Value(_COMMENT),
        },
    ),
    RecordMap(
        DimmingSchedule,
        _i("DimmingSchedule"),
        {
            **_COMMON,
            "name": Value(_LABEL),
            "timezone": Value(_i("timezone")),
            "programs": _json_value(
                _i("dimmingPrograms"), _json_list(DimmingProgram, "dimming programs")
            ),
            "rules": _json_value(_i("calendarRules"), _json_list(CalendarRule, "calendar rules")),
            "default_program": Value(_i("defaultProgram")),
        },
    ),
)  # fmt: skip
"""One entry per record type in :data:`interop.model.records.RECORD_TYPES`."""

EXTRA_CLASSES: Mapping[type[CanonicalModel], tuple[str, ...]] = {
    Place: (iri(GEO, "Feature"),),
    Stop: (iri(S4CITY, "Facility"),),
    # Not the anchor: a lighting Device is typed s4envi:LightPoint too (DEVICE_CLASSES), and
    # an anchor must name one record type; interop:StreetLight is a subclass of it.
    LightPoint: (iri(S4ENVI, "LightPoint"),),
}
"""Classes a record is typed with besides its anchor, whatever its field values."""

_BY_CLASS = {entry.cls: entry for entry in RECORD_MAPS}
_NODE_LABEL = re.compile(r"[^A-Za-z0-9_]")


def record_map(cls: type[CanonicalModel]) -> RecordMap:
    """The :class:`RecordMap` of a record class; KeyError names the unmapped class."""
    try:
        return _BY_CLASS[cls]
    except KeyError:
        raise KeyError(f"no RDF mapping for record class {cls.__name__}") from None


def node_role(*parts: str) -> str:
    """A blank-node label suffix made only of characters N-Triples labels allow."""
    return _NODE_LABEL.sub("_", "_".join(parts))


def unmapped_fields() -> dict[str, set[str]]:
    """Model fields (``Class.field`` or ``Class.nested.field``) the table does not map.

    Also reports table entries naming fields the model no longer has. Empty when complete.
    """
    gaps: dict[str, set[str]] = {}
    for entry in RECORD_MAPS:
        fields, mapped = set(entry.cls.model_fields), set(entry.fields)
        missing = fields ^ mapped
        for name, field_map in entry.fields.items():
            if isinstance(field_map, Nested):
                nested = set(field_map.model.model_fields) ^ (
                    set(field_map.fields) | set(field_map.lifted)
                )
                missing |= {f"{name}.{sub}" for sub in nested}
        if missing:
            gaps[entry.cls.__name__] = missing
    return gaps


def emitted_iris() -> Iterator[str]:
    """Every class and predicate IRI the table can emit (units and properties included)."""
    yield RDF_TYPE
    for entry in RECORD_MAPS:
        yield entry.anchor
        yield from EXTRA_CLASSES.get(entry.cls, ())
        for field_map in entry.fields.values():
            yield from _iris_of(field_map)
    for unit in DEFAULT_UNITS:
        yield from unit_classes(unit.iri)
    for spec in DEFAULT_PROPERTIES:
        yield spec.iri
        yield from property_classes(spec.iri)


def _iris_of(field_map: FieldMap) -> Iterator[str]:
    if isinstance(field_map, Value | TypedValue | Ref | JsonLiteral):
        yield field_map.predicate  # literal datatypes (XSD) are not listed, as for Value
    elif isinstance(field_map, TypeOf):
        for classes in field_map.classes.values():
            yield from classes
    elif isinstance(field_map, EnumRef):
        yield field_map.predicate
        yield from field_map.iris.values()
    elif isinstance(field_map, EnumNodes):
        yield field_map.predicate
        yield from field_map.classes.values()
    elif isinstance(field_map, Nested):
        yield field_map.predicate
        yield field_map.node_class
        for value in (*field_map.fields.values(), *field_map.lifted.values()):
            yield value.predicate
    elif isinstance(field_map, EncodedNode):
        yield field_map.predicate
        yield field_map.node_class
        for literal in field_map.literals:
            yield literal.predicate
            yield literal.datatype
