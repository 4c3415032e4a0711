"""Hypothesis strategies for every canonical record type (public API of the conformance kit).

Registered with :func:`hypothesis.strategies.register_type_strategy` when this module is
imported, which the ``hypothesis`` entry point (:mod:`interop.testing.hypothesis_setup`)
does, so ``st.from_type(Measurement)`` works in any test once ``interop-core[testing]`` is
installed. Generated records are valid by construction and use
only built-in properties and units, so they also export to SHACL-valid RDF.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from hypothesis import strategies as st

from interop.model.base import ExternalId, Geometry, Point, Provenance
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.device import Device, DeviceKind, FunctionKind
from interop.model.lighting import (
    AlarmSeverity,
    AlarmState,
    AlarmType,
    CalendarRule,
    DimmingProgram,
    DimmingSchedule,
    LampType,
    LightingAlarm,
    LightPoint,
    ProgramStep,
    SolarEvent,
)
from interop.model.observation import Measurement, State, StateValue
from interop.model.place import Place
from interop.model.properties import DEFAULT_PROPERTIES
from interop.model.realtime import (
    ActivePeriod,
    AlertCause,
    AlertEffect,
    CongestionLevel,
    Incrementality,
    InformedEntity,
    OccupancyStatus,
    RealtimeFeed,
    ServiceAlert,
    SeverityLevel,
    StopTimeEvent,
    StopTimeScheduleRelationship,
    StopTimeUpdate,
    TripDescriptor,
    TripScheduleRelationship,
    TripUpdate,
    VehiclePosition,
    VehicleStopStatus,
)
from interop.model.records import RECORD_TYPES, Record
from interop.model.transit import (
    Attribution,
    Availability,
    BookingRule,
    BookingType,
    Call,
    DirectionType,
    ExceptionType,
    FareAttribute,
    FareRule,
    FeedInfo,
    Frequency,
    Journey,
    Level,
    Line,
    LocationGroup,
    LocationGroupStop,
    LocationType,
    Operator,
    Pathway,
    PathwayMode,
    PaymentMethod,
    PickupDropOff,
    ServiceCalendar,
    ServiceException,
    Shape,
    ShapePoint,
    Stop,
    Transfer,
    TransferType,
    Translation,
)
from interop.model.units import DEFAULT_UNITS

__all__ = [
    "command_results",
    "commands",
    "devices",
    "extensions",
    "geometries",
    "iris",
    "lighting_alarms",
    "lighting_dimming_schedules",
    "lighting_light_points",
    "measurements",
    "places",
    "points",
    "provenances",
    "realtime_service_alerts",
    "realtime_trip_updates",
    "realtime_vehicle_positions",
    "records",
    "register_strategies",
    "states",
    "transit_attributions",
    "transit_calls",
    "transit_fare_rules",
    "transit_fares",
    "transit_feed_infos",
    "transit_frequencies",
    "transit_journeys",
    "transit_levels",
    "transit_lines",
    "transit_operators",
    "transit_pathways",
    "transit_service_calendars",
    "transit_service_exceptions",
    "transit_shapes",
    "transit_stops",
    "transit_transfers",
    "transit_translations",
    "utc_datetimes",
]

_SAFE = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N"), include_characters="-._~"),
    min_size=1,
    max_size=12,
)
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24
)


@st.composite
def iris(draw: st.DrawFn, kind: str = "thing") -> str:
    """Absolute IRIs: URNs and https IRIs with unreserved or non-ASCII letters."""
    local = draw(_SAFE)
    if draw(st.booleans()):
        return f"urn:interop:{kind}:test:{local}"
    return f"https://city.example/{kind}/{local}"


def utc_datetimes() -> st.SearchStrategy[datetime]:
    """Aware UTC instants between 1990 and 2100, with microseconds."""
    return st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )


_FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)


def points() -> st.SearchStrategy[Point]:
    """WGS84 points, with or without altitude."""
    return st.builds(
        Point,
        lat=st.floats(-90, 90),
        lon=st.floats(-180, 180),
        alt=st.none() | st.floats(-500, 9000),
    )


def _position() -> st.SearchStrategy[list[float]]:
    return st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list)


@st.composite
def geometries(draw: st.DrawFn) -> Geometry:
    """GeoJSON Points, LineStrings and closed Polygons."""
    choice = draw(st.sampled_from(["Point", "LineString", "Polygon"]))
    if choice == "Point":
        return Geometry(type="Point", coordinates=draw(_position()))
    if choice == "LineString":
        return Geometry(type="LineString", coordinates=draw(st.lists(_position(), min_size=2)))
    ring = draw(st.lists(_position(), min_size=3, max_size=6))
    return Geometry(type="Polygon", coordinates=[[*ring, ring[0]]])


_JSON_SCALAR = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _FINITE | _TEXT


def extensions() -> st.SearchStrategy[dict[str, dict[str, Any]]]:
    """Namespaced vendor fields: JSON scalars and small lists/objects of them."""
    value = st.recursive(
        _JSON_SCALAR,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_SAFE, inner, max_size=3),
        max_leaves=6,
    )
    return st.dictionaries(_SAFE, st.dictionaries(_SAFE, value, max_size=3), max_size=2)


def provenances() -> st.SearchStrategy[Provenance]:
    """Provenance blocks with every optional field sometimes present."""
    return st.builds(
        Provenance,
        plugin=_SAFE,
        plugin_version=st.from_regex(r"\A[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}\Z"),
        source_system=st.none() | _TEXT,
        original_id=st.none() | _TEXT,
        received_at=st.none() | utc_datetimes(),
    )


def _common(kind: str) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "id": iris(kind),
        "provenance": st.none() | provenances(),
        "extensions": extensions(),
    }


_PROPERTY_IRIS = st.sampled_from([p.iri for p in DEFAULT_PROPERTIES])
_UNIT_IRIS = st.sampled_from([u.iri for u in DEFAULT_UNITS])
_OPTIONAL_TEXT = st.none() | _TEXT


def devices() -> st.SearchStrategy[Device]:
    """Devices of every kind with random functions, properties and commands."""
    return st.builds(
        Device,
        **_common("device"),
        device_kind=st.sampled_from(DeviceKind),
        name=_OPTIONAL_TEXT,
        manufacturer=_OPTIONAL_TEXT,
        model=_OPTIONAL_TEXT,
        serial_number=_OPTIONAL_TEXT,
        firmware_version=_OPTIONAL_TEXT,
        functions=st.frozensets(st.sampled_from(FunctionKind)),
        measures=st.frozensets(_PROPERTY_IRIS, max_size=3),
        controls=st.frozensets(_PROPERTY_IRIS, max_size=2),
        commands=st.frozensets(st.sampled_from(CommandKind)),
        location=st.none() | points(),
        place=st.none() | iris("place"),
        gateway=st.none() | iris("device"),
    )


def measurements() -> st.SearchStrategy[Measurement]:
    """Measurements with integer or float values in built-in properties and units."""
    return st.builds(
        Measurement,
        **_common("measurement"),
        property=_PROPERTY_IRIS,
        value=st.integers(-(2**63), 2**63 - 1) | _FINITE,
        unit=_UNIT_IRIS,
        timestamp=utc_datetimes(),
        device=st.none() | iris("device"),
        feature_of_interest=st.none() | iris("place"),
    )


@st.composite
def states(draw: st.DrawFn) -> State:
    """Device states; a ``level`` state always carries a percentage."""
    value = draw(st.sampled_from(StateValue))
    level = draw(st.floats(0, 100)) if value is StateValue.LEVEL else None
    return State(
        **{k: draw(v) for k, v in _common("state").items()},
        device=draw(iris("device")),
        value=value,
        level=level,
        timestamp=draw(utc_datetimes()),
    )


@st.composite
def commands(draw: st.DrawFn) -> Command:
    """Commands of every kind; ``set_level`` always carries a level."""
    action = draw(st.sampled_from(CommandKind))
    level = draw(st.floats(0, 100)) if action is CommandKind.SET_LEVEL else None
    timed = action in (CommandKind.ON, CommandKind.OFF, CommandKind.SET_LEVEL)
    duration = draw(st.none() | st.floats(1, 86_400)) if timed else None
    return Command(
        **{k: draw(v) for k, v in _common("command").items()},
        action=action,
        target=draw(iris("device")),
        level=level,
        duration=duration,
        issued_at=draw(utc_datetimes()),
        issued_by=draw(_OPTIONAL_TEXT),
    )


def command_results() -> st.SearchStrategy[CommandResult]:
    """Results for any status, sometimes with a detail message."""
    return st.builds(
        CommandResult,
        **_common("command_result"),
        command=iris("command"),
        target=st.none() | iris("device"),
        status=st.sampled_from(CommandStatus),
        at=utc_datetimes(),
        detail=_OPTIONAL_TEXT,
    )


@st.composite
def places(draw: st.DrawFn) -> Place:
    """Places with a point, a geometry, a name or several of them."""
    point = draw(st.none() | points())
    geometry = draw(st.none() | geometries())
    name = draw(_TEXT if point is None and geometry is None else _OPTIONAL_TEXT)
    return Place(
        **{k: draw(v) for k, v in _common("place").items()},
        name=name,
        point=point,
        geometry=geometry,
        address=draw(_OPTIONAL_TEXT),
        within=draw(st.none() | iris("place")),
    )


# ---------------------------------------------------------------- transit (GTFS static)

_DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))
_SERVICE_TIMES = st.integers(0, 48 * 3600)
"""Service-day times up to 48:00:00, so times past midnight (>= 86400) are generated."""
_COLOURS = st.from_regex(r"\A[0-9A-Fa-f]{6}\Z")
_LINE_TYPES = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 11, 12]) | st.integers(100, 1799)
_SMALL_FLOATS = st.floats(0, 1e6)
_OPTIONAL_PICKUP = st.none() | st.sampled_from(PickupDropOff)
_OPTIONAL_AVAILABILITY = st.none() | st.sampled_from(Availability)
_OPTIONAL_BOOL = st.none() | st.booleans()


def _draw_common(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    return {k: draw(v) for k, v in _common(kind).items()}


def transit_operators() -> st.SearchStrategy[Operator]:
    """Operators (GTFS agencies)."""
    return st.builds(
        Operator,
        **_common("operator"),
        name=_TEXT,
        url=_TEXT,
        timezone=_TEXT,
        language=_OPTIONAL_TEXT,
        phone=_OPTIONAL_TEXT,
        fare_url=_OPTIONAL_TEXT,
        email=_OPTIONAL_TEXT,
    )


@st.composite
def transit_stops(draw: st.DrawFn) -> Stop:
    """Stops of every location type, with a point, name and parent where GTFS needs them."""
    location = draw(st.none() | st.sampled_from(LocationType))
    effective = location or LocationType.STOP
    located = effective in (LocationType.STOP, LocationType.STATION, LocationType.ENTRANCE)
    if effective is LocationType.STATION:
        parent = None
    elif effective is LocationType.STOP:
        parent = draw(st.none() | iris("stop"))
    else:
        parent = draw(iris("stop"))
    return Stop(
        **_draw_common(draw, "stop"),
        location_type=location,
        name=draw(_TEXT if located else _OPTIONAL_TEXT),
        tts_name=draw(_OPTIONAL_TEXT),
        code=draw(_OPTIONAL_TEXT),
        description=draw(_OPTIONAL_TEXT),
        point=draw(points() if located else st.none() | points()),
        zone_id=draw(_OPTIONAL_TEXT),
        url=draw(_OPTIONAL_TEXT),
        parent_station=parent,
        timezone=draw(_OPTIONAL_TEXT),
        wheelchair_boarding=draw(_OPTIONAL_AVAILABILITY),
        level=draw(st.none() | iris("level")),
        platform_code=draw(_OPTIONAL_TEXT),
    )


def transit_levels() -> st.SearchStrategy[Level]:
    """Station levels."""
    return st.builds(Level, **_common("level"), index=st.floats(-10, 100), name=_OPTIONAL_TEXT)


def transit_pathways() -> st.SearchStrategy[Pathway]:
    """Pathways of every mode."""
    return st.builds(
        Pathway,
        **_common("pathway"),
        from_stop=iris("stop"),
        to_stop=iris("stop"),
        mode=st.sampled_from(PathwayMode),
        bidirectional=st.booleans(),
        length=st.none() | _SMALL_FLOATS,
        traversal_time=st.none() | st.integers(1, 3600),
        stair_count=st.none() | st.integers(-200, 200),
        max_slope=st.none() | st.floats(-1, 1),
        min_width=st.none() | st.floats(0.1, 20),
        signposted_as=_OPTIONAL_TEXT,
        reversed_signposted_as=_OPTIONAL_TEXT,
    )


@st.composite
def transit_lines(draw: st.DrawFn) -> Line:
    """Lines with basic and extended route types; always a short or a long name."""
    short_name = draw(_OPTIONAL_TEXT)
    return Line(
        **_draw_common(draw, "line"),
        operator=draw(st.none() | iris("operator")),
        short_name=short_name,
        long_name=draw(_TEXT if short_name is None else _OPTIONAL_TEXT),
        description=draw(_OPTIONAL_TEXT),
        route_type=draw(_LINE_TYPES),
        url=draw(_OPTIONAL_TEXT),
        color=draw(st.none() | _COLOURS),
        text_color=draw(st.none() | _COLOURS),
        sort_order=draw(st.none() | st.integers(0, 10_000)),
        continuous_pickup=draw(_OPTIONAL_PICKUP),
        continuous_drop_off=draw(_OPTIONAL_PICKUP),
        network_id=draw(_OPTIONAL_TEXT),
    )


def transit_journeys() -> st.SearchStrategy[Journey]:
    """Journeys (GTFS trips)."""
    return st.builds(
        Journey,
        **_common("journey"),
        line=iris("line"),
        service=iris("service"),
        headsign=_OPTIONAL_TEXT,
        short_name=_OPTIONAL_TEXT,
        direction=st.none() | st.sampled_from(DirectionType),
        block_id=_OPTIONAL_TEXT,
        shape=st.none() | iris("shape"),
        wheelchair_accessible=_OPTIONAL_AVAILABILITY,
        bikes_allowed=_OPTIONAL_AVAILABILITY,
    )


@st.composite
def transit_calls(draw: st.DrawFn) -> Call:
    """Calls (GTFS stop times), with times past midnight and departure >= arrival."""
    arrival = draw(st.none() | _SERVICE_TIMES)
    departure = draw(st.none() | st.integers(arrival or 0, 48 * 3600 + 600))
    served = draw(st.sampled_from(["stop", "location_group", "location"]))
    window = sorted(draw(st.lists(_SERVICE_TIMES, min_size=2, max_size=2)))
    flex = served != "stop" and draw(st.booleans())
    return Call(
        **_draw_common(draw, "call"),
        journey=draw(iris("journey")),
        **{served: draw(iris(served))},
        start_pickup_drop_off_window=window[0] if flex else None,
        end_pickup_drop_off_window=window[1] if flex else None,
        pickup_booking_rule=draw(st.none() | iris("booking_rule")),
        drop_off_booking_rule=draw(st.none() | iris("booking_rule")),
        sequence=draw(st.integers(0, 10_000)),
        arrival=arrival,
        departure=departure,
        headsign=draw(_OPTIONAL_TEXT),
        pickup_type=draw(_OPTIONAL_PICKUP),
        drop_off_type=draw(_OPTIONAL_PICKUP),
        continuous_pickup=draw(_OPTIONAL_PICKUP),
        continuous_drop_off=draw(_OPTIONAL_PICKUP),
        distance_traveled=draw(st.none() | _SMALL_FLOATS),
        timepoint=draw(_OPTIONAL_BOOL),
    )


@st.composite
def transit_service_calendars(draw: st.DrawFn) -> ServiceCalendar:
    """Weekly service calendars with ordered start and end dates."""
    first, last = sorted((draw(_DATES), draw(_DATES)))
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return ServiceCalendar(
        **_draw_common(draw, "service"),
        **{day: draw(st.booleans()) for day in days},
        start_date=first,
        end_date=last,
    )


def transit_service_exceptions() -> st.SearchStrategy[ServiceException]:
    """Dates added to or removed from a service."""
    return st.builds(
        ServiceException,
        **_common("service-exception"),
        service=iris("service"),
        service_date=_DATES,
        exception=st.sampled_from(ExceptionType),
    )


@st.composite
def transit_shapes(draw: st.DrawFn) -> Shape:
    """Shapes of 2-6 points with increasing sequences and non-decreasing distances."""
    count = draw(st.integers(2, 6))
    sequences = sorted(draw(st.sets(st.integers(0, 100_000), min_size=count, max_size=count)))
    with_distance = draw(st.booleans())
    distances = sorted(draw(st.lists(_SMALL_FLOATS, min_size=count, max_size=count)))
    shape_points = tuple(
        ShapePoint(
            lat=draw(st.floats(-90, 90)),
            lon=draw(st.floats(-180, 180)),
            sequence=sequence,
            distance_traveled=distance if with_distance else None,
        )
        for sequence, distance in zip(sequences, distances, strict=True)
    )
    return Shape(**_draw_common(draw, "shape"), points=shape_points)


@st.composite
def transit_frequencies(draw: st.DrawFn) -> Frequency:
    """Headway windows, possibly past midnight."""
    start = draw(_SERVICE_TIMES)
    return Frequency(
        **_draw_common(draw, "frequency"),
        journey=draw(iris("journey")),
        start_time=start,
        end_time=draw(st.integers(start, 48 * 3600)),
        headway=draw(st.integers(1, 7200)),
        exact_times=draw(_OPTIONAL_BOOL),
    )


def transit_transfers() -> st.SearchStrategy[Transfer]:
    """Transfer rules of every type."""
    optional = {
        name: st.none() | iris(kind)
        for name, kind in (
            ("from_stop", "stop"),
            ("to_stop", "stop"),
            ("from_line", "line"),
            ("to_line", "line"),
            ("from_journey", "journey"),
            ("to_journey", "journey"),
        )
    }
    return st.builds(
        Transfer,
        **_common("transfer"),
        **optional,
        transfer_type=st.sampled_from(TransferType),
        min_transfer_time=st.none() | st.integers(0, 3600),
    )


@st.composite
def transit_feed_infos(draw: st.DrawFn) -> FeedInfo:
    """Feed metadata, with an ordered validity period when both dates are present."""
    start, end = draw(st.none() | _DATES), draw(st.none() | _DATES)
    if start is not None and end is not None and end < start:
        start, end = end, start
    return FeedInfo(
        **_draw_common(draw, "feed"),
        publisher_name=draw(_TEXT),
        publisher_url=draw(_TEXT),
        language=draw(_TEXT),
        default_language=draw(_OPTIONAL_TEXT),
        start_date=start,
        end_date=end,
        version=draw(_OPTIONAL_TEXT),
        contact_email=draw(_OPTIONAL_TEXT),
        contact_url=draw(_OPTIONAL_TEXT),
    )


def transit_fares() -> st.SearchStrategy[FareAttribute]:
    """Fares (GTFS fares v1) with exact decimal prices."""
    return st.builds(
        FareAttribute,
        **_common("fare"),
        price=st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False),
        currency=st.from_regex(r"\A[A-Z]{3}\Z"),
        payment_method=st.sampled_from(PaymentMethod),
        transfers=st.none() | st.integers(0, 2),
        operator=st.none() | iris("operator"),
        transfer_duration=st.none() | st.integers(0, 86400),
    )


def transit_fare_rules() -> st.SearchStrategy[FareRule]:
    """Fare rules by line and zones."""
    return st.builds(
        FareRule,
        **_common("fare-rule"),
        fare=iris("fare"),
        line=st.none() | iris("line"),
        origin_zone=_OPTIONAL_TEXT,
        destination_zone=_OPTIONAL_TEXT,
        contains_zone=_OPTIONAL_TEXT,
    )


@st.composite
def transit_attributions(draw: st.DrawFn) -> Attribution:
    """Attributions with at least one role."""
    roles = draw(st.tuples(_OPTIONAL_BOOL, _OPTIONAL_BOOL, st.booleans()))
    producer, operator, authority = roles
    if not (producer or operator or authority):
        authority = True
    return Attribution(
        **_draw_common(draw, "attribution"),
        organization_name=draw(_TEXT),
        operator=draw(st.none() | iris("operator")),
        line=draw(st.none() | iris("line")),
        journey=draw(st.none() | iris("journey")),
        is_producer=producer,
        is_operator=operator,
        is_authority=authority,
        url=draw(_OPTIONAL_TEXT),
        email=draw(_OPTIONAL_TEXT),
        phone=draw(_OPTIONAL_TEXT),
    )


@st.composite
def transit_translations(draw: st.DrawFn) -> Translation:
    """Translations of one record's field or of a value wherever it occurs."""
    by_record = draw(st.booleans())
    record = draw(iris("stop")) if by_record else None
    return Translation(
        **_draw_common(draw, "translation"),
        table_name=draw(st.sampled_from(["agency", "stops", "routes", "trips", "stop_times"])),
        field_name=draw(_SAFE),
        language=draw(_SAFE),
        translation=draw(_TEXT),
        record=record,
        record_sub_id=draw(_OPTIONAL_TEXT) if by_record else None,
        field_value=None if by_record else draw(_OPTIONAL_TEXT),
    )


def transit_location_groups() -> st.SearchStrategy[LocationGroup]:
    """GTFS-Flex location groups."""
    return st.builds(LocationGroup, **_common("location_group"), name=_OPTIONAL_TEXT)


def transit_location_group_stops() -> st.SearchStrategy[LocationGroupStop]:
    """GTFS-Flex memberships of a stop in a location group."""
    return st.builds(
        LocationGroupStop,
        **_common("location_group_stop"),
        location_group=iris("location_group"),
        stop=iris("stop"),
    )


def transit_booking_rules() -> st.SearchStrategy[BookingRule]:
    """GTFS-Flex booking rules."""
    counts = st.none() | st.integers(0, 10_000)
    times = st.none() | _SERVICE_TIMES
    return st.builds(
        BookingRule,
        **_common("booking_rule"),
        booking_type=st.sampled_from(BookingType),
        prior_notice_duration_min=counts,
        prior_notice_duration_max=counts,
        prior_notice_last_day=counts,
        prior_notice_last_time=times,
        prior_notice_start_day=counts,
        prior_notice_start_time=times,
        prior_notice_service=st.none() | iris("service"),
        message=_OPTIONAL_TEXT,
        pickup_message=_OPTIONAL_TEXT,
        drop_off_message=_OPTIONAL_TEXT,
        phone_number=_OPTIONAL_TEXT,
        info_url=_OPTIONAL_TEXT,
        booking_url=_OPTIONAL_TEXT,
    )


# ---------------------------------------------------------------- transit (GTFS-Realtime)

_OPTIONAL_DIRECTION = st.none() | st.sampled_from(DirectionType)
_LANGUAGES = st.sampled_from(["", "en", "fr", "de", "nl", "es-419", "zh-Hans"])
_TRANSLATED = st.none() | st.dictionaries(_LANGUAGES, _TEXT, min_size=1, max_size=3)
_SECONDS = st.integers(-86_400, 86_400)


def _trip_fields() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "journey": st.none() | iris("journey"),
        "line": st.none() | iris("line"),
        "direction": _OPTIONAL_DIRECTION,
        "start_date": st.none() | _DATES,
        "start_time": st.none() | _SERVICE_TIMES,
        "schedule_relationship": st.none() | st.sampled_from(TripScheduleRelationship),
    }


def _vehicle_fields() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "vehicle_id": _OPTIONAL_TEXT,
        "vehicle_label": _OPTIONAL_TEXT,
        "vehicle_license_plate": _OPTIONAL_TEXT,
    }


def _flat_points() -> st.SearchStrategy[Point]:
    return st.builds(Point, lat=st.floats(-90, 90), lon=st.floats(-180, 180), alt=st.none())


def realtime_feeds() -> st.SearchStrategy[RealtimeFeed]:
    """Headers of GTFS-Realtime messages without entities."""
    return st.builds(
        RealtimeFeed,
        **_common("realtime_feed"),
        realtime_version=st.sampled_from(["2.0", "1.0"]),
        incrementality=st.none() | st.sampled_from(Incrementality),
        timestamp=st.none() | utc_datetimes(),
        feed_version=_OPTIONAL_TEXT,
    )


def realtime_vehicle_positions() -> st.SearchStrategy[VehiclePosition]:
    """Vehicle positions, from a bare timestamp to every field set."""
    return st.builds(
        VehiclePosition,
        **_common("vehicle-position"),
        **_vehicle_fields(),
        **_trip_fields(),
        point=st.none() | _flat_points(),
        bearing=st.none() | st.floats(0, 360),
        speed=st.none() | st.floats(0, 100),
        odometer=st.none() | st.floats(0, 1e9),
        current_stop_sequence=st.none() | st.integers(0, 10_000),
        stop=st.none() | iris("stop"),
        current_status=st.none() | st.sampled_from(VehicleStopStatus),
        congestion_level=st.none() | st.sampled_from(CongestionLevel),
        occupancy_status=st.none() | st.sampled_from(OccupancyStatus),
        occupancy_percentage=st.none() | st.integers(0, 200),
        timestamp=st.none() | utc_datetimes(),
    )


def _stop_time_events() -> st.SearchStrategy[StopTimeEvent]:
    return st.builds(
        StopTimeEvent,
        delay=st.none() | _SECONDS,
        time=st.none() | utc_datetimes(),
        uncertainty=st.none() | st.integers(0, 3600),
    )


def _stop_time_updates() -> st.SearchStrategy[StopTimeUpdate]:
    return st.builds(
        StopTimeUpdate,
        stop_sequence=st.none() | st.integers(0, 10_000),
        stop=st.none() | iris("stop"),
        arrival=st.none() | _stop_time_events(),
        departure=st.none() | _stop_time_events(),
        schedule_relationship=st.none() | st.sampled_from(StopTimeScheduleRelationship),
    )


def realtime_trip_updates() -> st.SearchStrategy[TripUpdate]:
    """Trip updates with zero to four stop time updates."""
    return st.builds(
        TripUpdate,
        **_common("trip-update"),
        **_trip_fields(),
        **_vehicle_fields(),
        timestamp=st.none() | utc_datetimes(),
        delay=st.none() | _SECONDS,
        stop_time_updates=st.lists(_stop_time_updates(), max_size=4).map(tuple),
    )


def _informed_entities() -> st.SearchStrategy[InformedEntity]:
    return st.builds(
        InformedEntity,
        operator=st.none() | iris("operator"),
        line=st.none() | iris("line"),
        route_type=st.none() | _LINE_TYPES,
        trip=st.none() | st.builds(TripDescriptor, **_trip_fields()),
        stop=st.none() | iris("stop"),
        direction=_OPTIONAL_DIRECTION,
    )


def realtime_service_alerts() -> st.SearchStrategy[ServiceAlert]:
    """Service alerts with periods, informed entities and translated texts."""
    return st.builds(
        ServiceAlert,
        **_common("service-alert"),
        active_periods=st.lists(
            st.builds(
                ActivePeriod, start=st.none() | utc_datetimes(), end=st.none() | utc_datetimes()
            ),
            max_size=3,
        ).map(tuple),
        informed_entities=st.lists(_informed_entities(), max_size=3).map(tuple),
        cause=st.none() | st.sampled_from(AlertCause),
        effect=st.none() | st.sampled_from(AlertEffect),
        url=_TRANSLATED,
        header=_TRANSLATED,
        description=_TRANSLATED,
        severity=st.none() | st.sampled_from(SeverityLevel),
    )


def lighting_light_points() -> st.SearchStrategy[LightPoint]:
    """Light points with every optional inventory field sometimes present."""
    return st.builds(
        LightPoint,
        **_common("light-point"),
        name=_OPTIONAL_TEXT,
        device=st.none() | iris("device"),
        lamp_type=st.none() | st.sampled_from(LampType),
        nominal_power=st.none() | st.floats(0, 2000),
        manufacturer=_OPTIONAL_TEXT,
        model=_OPTIONAL_TEXT,
        location=st.none() | points(),
        lamppost=st.none() | iris("lamppost"),
        group=st.none() | iris("lighting-group"),
        cabinet=st.none() | iris("cabinet"),
        installation_date=st.none() | _DATES,
        dali_address=st.none() | st.integers(0, 63),
        driver=_OPTIONAL_TEXT,
        controllable=st.booleans(),
    )


def lighting_alarms() -> st.SearchStrategy[LightingAlarm]:
    """Alarms of every TALQ type, raised or cleared."""
    return st.builds(
        LightingAlarm,
        **_common("lighting-alarm"),
        light=iris("light-point"),
        alarm_type=st.sampled_from(AlarmType),
        state=st.sampled_from(AlarmState),
        timestamp=utc_datetimes(),
        severity=st.none() | st.sampled_from(AlarmSeverity),
        detail=_OPTIONAL_TEXT,
    )


_TIME_ZONES = st.sampled_from(
    ["UTC", "Europe/Paris", "Europe/Lisbon", "America/New_York", "Asia/Kolkata"]
)
_LEVELS = st.floats(0, 100)
_NIGHT = 24 * 3600 * 10**6


def _night_time(since_noon: int) -> time:
    micros = (since_noon + _NIGHT // 2) % _NIGHT
    seconds, micro = divmod(micros, 10**6)
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


@st.composite
def _dimming_programs(draw: st.DrawFn, key: str) -> DimmingProgram:
    fixed = sorted(draw(st.sets(st.integers(0, _NIGHT - 1), max_size=3)))
    solar = sorted(draw(st.sets(st.tuples(st.integers(0, 1), st.integers(-720, 720)), max_size=3)))
    if not fixed and not solar:
        fixed = [draw(st.integers(0, _NIGHT - 1))]
    events = (SolarEvent.SUNSET, SolarEvent.SUNRISE)
    astro = [
        ProgramStep(solar_event=events[event], offset=offset, level=draw(_LEVELS))
        for event, offset in solar
    ]
    clock = [ProgramStep(at=_night_time(at), level=draw(_LEVELS)) for at in fixed]
    sunsets = [step for step in astro if step.solar_event is SolarEvent.SUNSET]
    sunrises = [step for step in astro if step.solar_event is SolarEvent.SUNRISE]
    return DimmingProgram(key=key, name=draw(_OPTIONAL_TEXT), steps=(*sunsets, *clock, *sunrises))


@st.composite
def lighting_dimming_schedules(draw: st.DrawFn) -> DimmingSchedule:
    """Schedules of 1-3 programs (fixed-time and sunset/sunrise steps) and prioritised rules."""
    keys = sorted(draw(st.sets(_SAFE, min_size=1, max_size=3)))
    programs = tuple(draw(_dimming_programs(key)) for key in keys)
    priorities = sorted(draw(st.sets(st.integers(0, 1000), max_size=3)), reverse=True)
    rules = []
    for priority in priorities:
        start, end = sorted((draw(_DATES), draw(_DATES)))
        with_range = draw(st.booleans())
        rules.append(
            CalendarRule(
                priority=priority,
                program=draw(st.sampled_from(keys)),
                weekdays=draw(st.frozensets(st.integers(1, 7))),
                start_date=start if with_range else None,
                end_date=end if with_range else None,
                dates=tuple(draw(st.lists(_DATES, max_size=3))),
            )
        )
    return DimmingSchedule(
        **_draw_common(draw, "dimming-schedule"),
        name=draw(_OPTIONAL_TEXT),
        timezone=draw(_TIME_ZONES),
        programs=programs,
        rules=tuple(rules),
        default_program=draw(st.none() | st.sampled_from(keys)),
    )


_BY_TYPE: dict[type[Any], st.SearchStrategy[Any]] = {
    Device: devices(),
    Measurement: measurements(),
    State: states(),
    Command: commands(),
    CommandResult: command_results(),
    Place: places(),
    Operator: transit_operators(),
    Stop: transit_stops(),
    Level: transit_levels(),
    Pathway: transit_pathways(),
    Line: transit_lines(),
    Journey: transit_journeys(),
    Call: transit_calls(),
    ServiceCalendar: transit_service_calendars(),
    ServiceException: transit_service_exceptions(),
    Shape: transit_shapes(),
    Frequency: transit_frequencies(),
    Transfer: transit_transfers(),
    FeedInfo: transit_feed_infos(),
    FareAttribute: transit_fares(),
    FareRule: transit_fare_rules(),
    Attribution: transit_attributions(),
    Translation: transit_translations(),
    LocationGroup: transit_location_groups(),
    LocationGroupStop: transit_location_group_stops(),
    BookingRule: transit_booking_rules(),
    VehiclePosition: realtime_vehicle_positions(),
    TripUpdate: realtime_trip_updates(),
    ServiceAlert: realtime_service_alerts(),
    RealtimeFeed: realtime_feeds(),
    LightPoint: lighting_light_points(),
    LightingAlarm: lighting_alarms(),
    DimmingSchedule: lighting_dimming_schedules(),
    Point: points(),
    Geometry: geometries(),
    Provenance: provenances(),
    ExternalId: st.builds(ExternalId, system=_SAFE, value=_TEXT),
}
assert all(cls in _BY_TYPE for cls in RECORD_TYPES), "every record type needs a strategy"


def records() -> st.SearchStrategy[Record]:
    """Any record, of any type."""
    return st.one_of(*(_BY_TYPE[cls] for cls in RECORD_TYPES))


def register_strategies() -> None:
    """Make ``st.from_type`` build valid instances of every model class above."""
    for cls, strategy in _BY_TYPE.items():
        st.register_type_strategy(cls, strategy)


register_strategies()  # on import, so the hypothesis entry point needs no second call
