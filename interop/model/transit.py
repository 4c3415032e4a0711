"""Public transport, static schedules: every GTFS file, named after Transmodel/NeTEx.

One record type per GTFS file (``agency.txt`` -> :class:`Operator`, ``stops.txt`` ->
:class:`Stop`, ...). Identifiers and references are IRIs (the GTFS plugin mints them from
the feed, the file and the GTFS id); GTFS columns with no canonical field here go to
``extensions`` so a GTFS reader and writer round-trip losslessly. Code lists are enums with
readable values (GTFS ``pickup_type=2`` is :attr:`PickupDropOff.PHONE_AGENCY`). An optional
column left empty in the feed is ``None``: the GTFS default is applied by whoever reads it.

Times of day within a service day are :data:`ServiceTime` values: seconds since "noon minus
12h" of the service day, so ``25:35:00`` (a trip running past midnight) is ``92100``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StrictInt, model_validator

from interop.model.base import IRI, CanonicalModel, DataClass, Point, RecordBase, protected

__all__ = [
    "Attribution",
    "Availability",
    "BookingRule",
    "BookingType",
    "Call",
    "DirectionType",
    "ExceptionType",
    "FareAttribute",
    "FareRule",
    "FeedInfo",
    "Frequency",
    "Journey",
    "Level",
    "Line",
    "LocationGroup",
    "LocationGroupStop",
    "LocationType",
    "Operator",
    "Pathway",
    "PathwayMode",
    "PaymentMethod",
    "PickupDropOff",
    "ServiceCalendar",
    "ServiceException",
    "ServiceTime",
    "Shape",
    "ShapePoint",
    "Stop",
    "Transfer",
    "TransferType",
    "Translation",
    "format_service_time",
    "parse_service_time",
]

_GTFS_TIME = re.compile(r"^([0-9]{1,3}):([0-5][0-9]):([0-5][0-9])$")


def parse_service_time(text: str) -> int:
    """``"H:MM:SS"`` or ``"HH:MM:SS"`` (hours may exceed 23) -> seconds since noon minus 12h."""
    match = _GTFS_TIME.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a GTFS time (HH:MM:SS, hours may exceed 23)")
    hours, minutes, seconds = (int(part) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def format_service_time(seconds: int) -> str:
    """Seconds since noon minus 12h -> GTFS ``HH:MM:SS`` (``92100`` -> ``"25:35:00"``)."""
    if seconds < 0:
        raise ValueError("a service time is never negative")
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _service_time(value: object) -> object:
    return parse_service_time(value) if isinstance(value, str) else value


ServiceTime = Annotated[StrictInt, BeforeValidator(_service_time), Field(ge=0, lt=1000 * 3600)]
"""A time of the service day: seconds since noon minus 12h, ``>= 86400`` past midnight.

Accepts a GTFS ``HH:MM:SS`` string too (hours beyond 23 allowed); always stored as ``int``.
"""

_HEX_COLOUR = r"^[0-9A-Fa-f]{6}$"
_CURRENCY = r"^[A-Z]{3}$"


class LocationType(StrEnum):
    """``stops.txt`` ``location_type``: what a stop row describes (NeTEx names in the docs)."""

    STOP = "stop"
    """0: a stop or platform where passengers board (NeTEx ``Quay``)."""
    STATION = "station"
    """1: a station holding stops (NeTEx ``StopPlace``)."""
    ENTRANCE = "entrance"
    """2: an entrance or exit of a station (NeTEx ``StopPlaceEntrance``)."""
    GENERIC_NODE = "generic_node"
    """3: a node of the station's pathway graph (NeTEx ``PathJunction``)."""
    BOARDING_AREA = "boarding_area"
    """4: a place on a platform where passengers board (NeTEx ``BoardingPosition``)."""


class Availability(StrEnum):
    """Tri-state GTFS flags (``wheelchair_boarding``, ``bikes_allowed``): 0, 1, 2."""

    NO_INFORMATION = "no_information"
    AVAILABLE = "available"
    NOT_AVAILABLE = "not_available"


class PickupDropOff(StrEnum):
    """``pickup_type``/``drop_off_type``/``continuous_*``: 0 regular ... 3 ask the driver."""

    REGULAR = "regular"
    NONE = "none"
    PHONE_AGENCY = "phone_agency"
    COORDINATE_WITH_DRIVER = "coordinate_with_driver"


class DirectionType(StrEnum):
    """``trips.txt`` ``direction_id``: 0 outbound, 1 inbound (Transmodel ``DirectionType``)."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


class PathwayMode(StrEnum):
    """``pathways.txt`` ``pathway_mode`` 1..7 (NeTEx ``AccessFeatureType``)."""

    WALKWAY = "walkway"
    STAIRS = "stairs"
    MOVING_SIDEWALK = "moving_sidewalk"
    ESCALATOR = "escalator"
    ELEVATOR = "elevator"
    FARE_GATE = "fare_gate"
    EXIT_GATE = "exit_gate"


class TransferType(StrEnum):
    """``transfers.txt`` ``transfer_type`` 0..5."""

    RECOMMENDED = "recommended"
    TIMED = "timed"
    MINIMUM_TIME = "minimum_time"
    NOT_POSSIBLE = "not_possible"
    IN_SEAT = "in_seat"
    IN_SEAT_NOT_ALLOWED = "in_seat_not_allowed"


class ExceptionType(StrEnum):
    """``calendar_dates.txt`` ``exception_type``: 1 added, 2 removed."""

    ADDED = "added"
    REMOVED = "removed"


class BookingType(StrEnum):
    """``booking_rules.txt`` ``booking_type`` (GTFS-Flex): 0 real time, 1 same day, 2 prior days."""

    REAL_TIME = "real_time"
    SAME_DAY = "same_day"
    PRIOR_DAYS = "prior_days"


class PaymentMethod(StrEnum):
    """``fare_attributes.txt`` ``payment_method``: 0 on board, 1 before boarding."""

    ON_BOARD = "on_board"
    BEFORE_BOARDING = "before_boarding"


def _text(protection: DataClass = DataClass.PUBLIC, description: str | None = None) -> str | None:
    result: str | None = protected(protection, None, min_length=1, description=description)
    return result


def _check_line_type(route_type: int) -> None:
    if not (0 <= route_type <= 7 or route_type in (11, 12) or 100 <= route_type <= 1799):
        raise ValueError(
            f"route_type {route_type} is neither a basic GTFS type (0-7, 11, 12) nor an "
            "extended one (100-1799)"
        )


class Operator(RecordBase):
    """A transit agency, ``agency.txt`` (Transmodel/NeTEx ``Operator``)."""

    kind: Literal["transit_operator"] = protected(DataClass.PUBLIC, "transit_operator")
    name: str = protected(DataClass.PUBLIC, min_length=1, description="agency_name.")
    url: str = protected(DataClass.PUBLIC, min_length=1, description="agency_url.")
    timezone: str = protected(DataClass.PUBLIC, min_length=1, description="agency_timezone.")
    language: str | None = _text(description="agency_lang (BCP 47).")
    phone: str | None = _text(description="agency_phone (a public desk).")
    fare_url: str | None = _text(description="agency_fare_url.")
    email: str | None = _text(description="agency_email (a public desk).")


class Stop(RecordBase):
    """A row of ``stops.txt``: quay, stop place, entrance, node or boarding area (NeTEx)."""

    kind: Literal["transit_stop"] = protected(DataClass.PUBLIC, "transit_stop")
    location_type: LocationType | None = protected(
        DataClass.PUBLIC, None, description="location_type; None is a stop (GTFS default 0)."
    )
    name: str | None = _text(description="stop_name.")
    tts_name: str | None = _text(description="tts_stop_name.")
    code: str | None = _text(description="stop_code, the code shown to riders.")
    description: str | None = _text(description="stop_desc.")
    point: Point | None = protected(DataClass.PUBLIC, None, description="stop_lat, stop_lon.")
    zone_id: str | None = _text(description="zone_id, the fare zone.")
    url: str | None = _text(description="stop_url.")
    parent_station: IRI | None = protected(DataClass.PUBLIC, None, description="parent_station.")
    timezone: str | None = _text(description="stop_timezone.")
    wheelchair_boarding: Availability | None = protected(DataClass.PUBLIC, None)
    level: IRI | None = protected(DataClass.PUBLIC, None, description="level_id.")
    platform_code: str | None = _text(description="platform_code.")

    @model_validator(mode="after")
    def _gtfs_rules(self) -> Stop:
        location = self.location_type or LocationType.STOP
        located = location in (LocationType.STOP, LocationType.STATION, LocationType.ENTRANCE)
        if located and (self.point is None or self.name is None):
            raise ValueError(f"a {location.value} needs a name and a point (stop_lat/stop_lon)")
        if location is LocationType.STATION and self.parent_station is not None:
            raise ValueError("a station has no parent_station")
        needs_parent = location in (
            LocationType.ENTRANCE,
            LocationType.GENERIC_NODE,
            LocationType.BOARDING_AREA,
        )
        if needs_parent and self.parent_station is None:
            raise ValueError(f"a {location.value} needs a parent_station")
        return self


class Level(RecordBase):
    """A floor of a station, ``levels.txt`` (NeTEx ``Level``)."""

    kind: Literal["transit_level"] = protected(DataClass.PUBLIC, "transit_level")
    index: float = protected(DataClass.PUBLIC, description="level_index; 0 is ground level.")
    name: str | None = _text(description="level_name.")


class Pathway(RecordBase):
    """A walkable link between two stops, ``pathways.txt`` (NeTEx ``PathLink``)."""

    kind: Literal["transit_pathway"] = protected(DataClass.PUBLIC, "transit_pathway")
    from_stop: IRI = protected(DataClass.PUBLIC, description="from_stop_id.")
    to_stop: IRI = protected(DataClass.PUBLIC, description="to_stop_id.")
    mode: PathwayMode = protected(DataClass.PUBLIC, description="pathway_mode.")
    bidirectional: bool = protected(DataClass.PUBLIC, description="is_bidirectional.")
    length: float | None = protected(DataClass.PUBLIC, None, ge=0, description="Metres.")
    traversal_time: int | None = protected(
        DataClass.PUBLIC, None, gt=0, description="traversal_time, seconds."
    )
    stair_count: int | None = protected(
        DataClass.PUBLIC, None, description="Stairs; negative when going down."
    )
    max_slope: float | None = protected(DataClass.PUBLIC, None, description="Ratio, e.g. 0.083.")
    min_width: float | None = protected(DataClass.PUBLIC, None, gt=0, description="Metres.")
    signposted_as: str | None = _text(description="signposted_as.")
    reversed_signposted_as: str | None = _text(description="reversed_signposted_as.")


class Line(RecordBase):
    """A route, ``routes.txt`` (Transmodel ``Line``)."""

    kind: Literal["transit_line"] = protected(DataClass.PUBLIC, "transit_line")
    operator: IRI | None = protected(DataClass.PUBLIC, None, description="agency_id.")
    short_name: str | None = _text(description="route_short_name.")
    long_name: str | None = _text(description="route_long_name.")
    description: str | None = _text(description="route_desc.")
    route_type: int = protected(
        DataClass.PUBLIC, description="route_type: basic (0-7, 11, 12) or extended (100-1799)."
    )
    url: str | None = _text(description="route_url.")
    color: str | None = protected(DataClass.PUBLIC, None, pattern=_HEX_COLOUR)
    text_color: str | None = protected(DataClass.PUBLIC, None, pattern=_HEX_COLOUR)
    sort_order: int | None = protected(DataClass.PUBLIC, None, ge=0)
    continuous_pickup: PickupDropOff | None = protected(DataClass.PUBLIC, None)
    continuous_drop_off: PickupDropOff | None = protected(DataClass.PUBLIC, None)
    network_id: str | None = _text(description="network_id.")

    @model_validator(mode="after")
    def _gtfs_rules(self) -> Line:
        if self.short_name is None and self.long_name is None:
            raise ValueError("a line needs a short name or a long name")
        _check_line_type(self.route_type)
        return self


class Journey(RecordBase):
    """A trip, ``trips.txt`` (Transmodel ``ServiceJourney``)."""

    kind: Literal["transit_journey"] = protected(DataClass.PUBLIC, "transit_journey")
    line: IRI = protected(DataClass.PUBLIC, description="route_id.")
    service: IRI = protected(DataClass.PUBLIC, description="service_id (the calendar).")
    headsign: str | None = _text(description="trip_headsign (Transmodel DestinationDisplay).")
    short_name: str | None = _text(description="trip_short_name.")
    direction: DirectionType | None = protected(DataClass.PUBLIC, None)
    block_id: str | None = _text(description="block_id (Transmodel Block).")
    shape: IRI | None = protected(DataClass.PUBLIC, None, description="shape_id.")
    wheelchair_accessible: Availability | None = protected(DataClass.PUBLIC, None)
    bikes_allowed: Availability | None = protected(DataClass.PUBLIC, None)


class Call(RecordBase):
    """A stop time, ``stop_times.txt`` (Transmodel ``Call``/NeTEx ``TimetabledPassingTime``).

    ``arrival``/``departure`` are :data:`ServiceTime` seconds and may exceed 86400. A call
    serves exactly one of a ``stop``, a GTFS-Flex ``location_group`` or a Flex ``location``
    (a zone of ``locations.geojson``); a Flex call has a pickup/drop-off window instead of
    times (NeTEx ``FlexibleServiceProperties``).
    """

    kind: Literal["transit_call"] = protected(DataClass.PUBLIC, "transit_call")
    journey: IRI = protected(DataClass.PUBLIC, description="trip_id.")
    stop: IRI | None = protected(DataClass.PUBLIC, None, description="stop_id.")
    location_group: IRI | None = protected(
        DataClass.PUBLIC, None, description="location_group_id (GTFS-Flex)."
    )
    location: IRI | None = protected(
        DataClass.PUBLIC, None, description="location_id, a zone of locations.geojson (Flex)."
    )
    sequence: int = protected(DataClass.PUBLIC, ge=0, description="stop_sequence.")
    arrival: ServiceTime | None = protected(DataClass.PUBLIC, None, description="arrival_time.")
    departure: ServiceTime | None = protected(DataClass.PUBLIC, None, description="departure_time.")
    headsign: str | None = _text(description="stop_headsign.")
    pickup_type: PickupDropOff | None = protected(DataClass.PUBLIC, None)
    drop_off_type: PickupDropOff | None = protected(DataClass.PUBLIC, None)
    continuous_pickup: PickupDropOff | None = protected(DataClass.PUBLIC, None)
    continuous_drop_off: PickupDropOff | None = protected(DataClass.PUBLIC, None)
    distance_traveled: float | None = protected(
        DataClass.PUBLIC, None, ge=0, description="shape_dist_traveled, in the shape's unit."
    )
    timepoint: bool | None = protected(
        DataClass.PUBLIC, None, description="timepoint: True exact, False approximate."
    )
    start_pickup_drop_off_window: ServiceTime | None = protected(
        DataClass.PUBLIC, None, description="start_pickup_drop_off_window (GTFS-Flex)."
    )
    end_pickup_drop_off_window: ServiceTime | None = protected(
        DataClass.PUBLIC, None, description="end_pickup_drop_off_window (GTFS-Flex)."
    )
    pickup_booking_rule: IRI | None = protected(
        DataClass.PUBLIC, None, description="pickup_booking_rule_id (GTFS-Flex)."
    )
    drop_off_booking_rule: IRI | None = protected(
        DataClass.PUBLIC, None, description="drop_off_booking_rule_id (GTFS-Flex)."
    )

    @model_validator(mode="after")
    def _departs_after_arrival(self) -> Call:
        arrival, departure = self.arrival, self.departure
        if arrival is not None and departure is not None and departure < arrival:
            raise ValueError("departure is before arrival")
        served = [p for p in (self.stop, self.location_group, self.location) if p is not None]
        if len(served) != 1:
            raise ValueError("a call serves exactly one stop, location group or location")
        start, end = self.start_pickup_drop_off_window, self.end_pickup_drop_off_window
        if start is not None and end is not None and end < start:
            raise ValueError("the pickup/drop-off window ends before it starts")
        return self


class ServiceCalendar(RecordBase):
    """Weekly service pattern, ``calendar.txt`` (Transmodel ``DayType``/``OperatingPeriod``)."""

    kind: Literal["transit_service_calendar"] = protected(
        DataClass.PUBLIC, "transit_service_calendar"
    )
    monday: bool = protected(DataClass.PUBLIC)
    tuesday: bool = protected(DataClass.PUBLIC)
    wednesday: bool = protected(DataClass.PUBLIC)
    thursday: bool = protected(DataClass.PUBLIC)
    friday: bool = protected(DataClass.PUBLIC)
    saturday: bool = protected(DataClass.PUBLIC)
    sunday: bool = protected(DataClass.PUBLIC)
    start_date: date = protected(DataClass.PUBLIC)
    end_date: date = protected(DataClass.PUBLIC)

    @model_validator(mode="after")
    def _ordered(self) -> ServiceCalendar:
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class ServiceException(RecordBase):
    """A date added to or removed from a service, ``calendar_dates.txt``.

    NeTEx ``DayTypeAssignment``; ``service`` may name a service with no :class:`ServiceCalendar`
    (a feed may define services by ``calendar_dates.txt`` alone).
    """

    kind: Literal["transit_service_exception"] = protected(
        DataClass.PUBLIC, "transit_service_exception"
    )
    service: IRI = protected(DataClass.PUBLIC, description="service_id.")
    service_date: date = protected(DataClass.PUBLIC, description="date.")
    exception: ExceptionType = protected(DataClass.PUBLIC, description="exception_type.")


class ShapePoint(CanonicalModel):
    """One row of ``shapes.txt`` (NeTEx ``GisPoint`` of a ``ServiceLink``)."""

    lat: float = protected(DataClass.PUBLIC, ge=-90.0, le=90.0)
    lon: float = protected(DataClass.PUBLIC, ge=-180.0, le=180.0)
    sequence: int = protected(DataClass.PUBLIC, ge=0, description="shape_pt_sequence.")
    distance_traveled: float | None = protected(
        DataClass.PUBLIC, None, ge=0, description="shape_dist_traveled."
    )


class Shape(RecordBase):
    """A vehicle path, all ``shapes.txt`` rows of one ``shape_id`` (NeTEx ``ServiceLink``)."""

    kind: Literal["transit_shape"] = protected(DataClass.PUBLIC, "transit_shape")
    points: tuple[ShapePoint, ...] = protected(
        DataClass.PUBLIC, min_length=2, description="Ordered by increasing sequence."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Shape:
        sequences = [point.sequence for point in self.points]
        if any(b <= a for a, b in pairwise(sequences)):
            raise ValueError("shape point sequences must strictly increase")
        distances = [p.distance_traveled for p in self.points if p.distance_traveled is not None]
        if any(b < a for a, b in pairwise(distances)):
            raise ValueError("shape_dist_traveled must not decrease along the shape")
        return self


class Frequency(RecordBase):
    """Headway-based service of a journey, ``frequencies.txt`` (NeTEx ``HeadwayJourneyGroup``)."""

    kind: Literal["transit_frequency"] = protected(DataClass.PUBLIC, "transit_frequency")
    journey: IRI = protected(DataClass.PUBLIC, description="trip_id.")
    start_time: ServiceTime = protected(DataClass.PUBLIC)
    end_time: ServiceTime = protected(DataClass.PUBLIC)
    headway: int = protected(DataClass.PUBLIC, gt=0, description="headway_secs.")
    exact_times: bool | None = protected(DataClass.PUBLIC, None)

    @model_validator(mode="after")
    def _ordered(self) -> Frequency:
        if self.end_time < self.start_time:
            raise ValueError("end_time is before start_time")
        return self


class Transfer(RecordBase):
    """A transfer rule, ``transfers.txt`` (Transmodel ``Connection``/``InterchangeRule``)."""

    kind: Literal["transit_transfer"] = protected(DataClass.PUBLIC, "transit_transfer")
    from_stop: IRI | None = protected(DataClass.PUBLIC, None)
    to_stop: IRI | None = protected(DataClass.PUBLIC, None)
    from_line: IRI | None = protected(DataClass.PUBLIC, None, description="from_route_id.")
    to_line: IRI | None = protected(DataClass.PUBLIC, None, description="to_route_id.")
    from_journey: IRI | None = protected(DataClass.PUBLIC, None, description="from_trip_id.")
    to_journey: IRI | None = protected(DataClass.PUBLIC, None, description="to_trip_id.")
    transfer_type: TransferType = protected(DataClass.PUBLIC)
    min_transfer_time: int | None = protected(DataClass.PUBLIC, None, ge=0, description="Seconds.")


class FeedInfo(RecordBase):
    """The dataset's metadata, ``feed_info.txt`` (NeTEx ``PublicationDelivery``)."""

    kind: Literal["transit_feed_info"] = protected(DataClass.PUBLIC, "transit_feed_info")
    publisher_name: str = protected(DataClass.PUBLIC, min_length=1)
    publisher_url: str = protected(DataClass.PUBLIC, min_length=1)
    language: str = protected(DataClass.PUBLIC, min_length=1, description="feed_lang.")
    default_language: str | None = _text()
    start_date: date | None = protected(DataClass.PUBLIC, None)
    end_date: date | None = protected(DataClass.PUBLIC, None)
    version: str | None = _text()
    contact_email: str | None = _text(description="feed_contact_email (a public desk).")
    contact_url: str | None = _text()

    @model_validator(mode="after")
    def _ordered(self) -> FeedInfo:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("feed_end_date is before feed_start_date")
        return self


class FareAttribute(RecordBase):
    """A fare, ``fare_attributes.txt`` (GTFS fares v1; Transmodel ``FareProduct``)."""

    kind: Literal["transit_fare"] = protected(DataClass.PUBLIC, "transit_fare")
    price: Decimal = protected(DataClass.PUBLIC, ge=0, allow_inf_nan=False)
    currency: str = protected(DataClass.PUBLIC, pattern=_CURRENCY, description="ISO 4217.")
    payment_method: PaymentMethod = protected(DataClass.PUBLIC)
    transfers: int | None = protected(
        DataClass.PUBLIC, None, ge=0, le=2, description="Transfers allowed; None: unlimited."
    )
    operator: IRI | None = protected(DataClass.PUBLIC, None, description="agency_id.")
    transfer_duration: int | None = protected(
        DataClass.PUBLIC, None, ge=0, description="Seconds a ticket stays valid."
    )


class FareRule(RecordBase):
    """Where a fare applies, ``fare_rules.txt`` (Transmodel ``FareStructureElement``)."""

    kind: Literal["transit_fare_rule"] = protected(DataClass.PUBLIC, "transit_fare_rule")
    fare: IRI = protected(DataClass.PUBLIC, description="fare_id.")
    line: IRI | None = protected(DataClass.PUBLIC, None, description="route_id.")
    origin_zone: str | None = _text(description="origin_id (a zone_id).")
    destination_zone: str | None = _text(description="destination_id (a zone_id).")
    contains_zone: str | None = _text(description="contains_id (a zone_id).")


class Attribution(RecordBase):
    """Who produced, operates or authorises data, ``attributions.txt``."""

    kind: Literal["transit_attribution"] = protected(DataClass.PUBLIC, "transit_attribution")
    organization_name: str = protected(DataClass.PUBLIC, min_length=1)
    operator: IRI | None = protected(DataClass.PUBLIC, None, description="agency_id.")
    line: IRI | None = protected(DataClass.PUBLIC, None, description="route_id.")
    journey: IRI | None = protected(DataClass.PUBLIC, None, description="trip_id.")
    is_producer: bool | None = protected(DataClass.PUBLIC, None)
    is_operator: bool | None = protected(DataClass.PUBLIC, None)
    is_authority: bool | None = protected(DataClass.PUBLIC, None)
    url: str | None = _text(description="attribution_url.")
    email: str | None = _text(description="attribution_email (a public desk).")
    phone: str | None = _text(description="attribution_phone (a public desk).")

    @model_validator(mode="after")
    def _has_a_role(self) -> Attribution:
        if not (self.is_producer or self.is_operator or self.is_authority):
            raise ValueError("an attribution is a producer, an operator or an authority")
        return self


class Translation(RecordBase):
    """A translated field value, ``translations.txt`` (NeTEx ``AlternativeText``)."""

    kind: Literal["transit_translation"] = protected(DataClass.PUBLIC, "transit_translation")
    table_name: str = protected(DataClass.PUBLIC, min_length=1, description="GTFS file stem.")
    field_name: str = protected(DataClass.PUBLIC, min_length=1)
    language: str = protected(DataClass.PUBLIC, min_length=1, description="BCP 47.")
    translation: str = protected(DataClass.PUBLIC, min_length=1)
    record: IRI | None = protected(DataClass.PUBLIC, None, description="record_id, as an IRI.")
    record_sub_id: str | None = _text()
    field_value: str | None = _text()

    @model_validator(mode="after")
    def _one_selector(self) -> Translation:
        if self.record is not None and self.field_value is not None:
            raise ValueError("a translation names a record or a field value, not both")
        if self.record_sub_id is not None and self.record is None:
            raise ValueError("record_sub_id needs record")
        return self


class LocationGroup(RecordBase):
    """Stops served alike, ``location_groups.txt`` (GTFS-Flex; NeTEx ``FlexibleArea``)."""

    kind: Literal["transit_location_group"] = protected(DataClass.PUBLIC, "transit_location_group")
    name: str | None = _text(description="location_group_name.")


class LocationGroupStop(RecordBase):
    """A stop's membership of a location group, ``location_group_stops.txt`` (GTFS-Flex)."""

    kind: Literal["transit_location_group_stop"] = protected(
        DataClass.PUBLIC, "transit_location_group_stop"
    )
    location_group: IRI = protected(DataClass.PUBLIC, description="location_group_id.")
    stop: IRI = protected(DataClass.PUBLIC, description="stop_id.")


class BookingRule(RecordBase):
    """How a Flex service is booked, ``booking_rules.txt`` (NeTEx ``BookingArrangement``)."""

    kind: Literal["transit_booking_rule"] = protected(DataClass.PUBLIC, "transit_booking_rule")
    booking_type: BookingType = protected(DataClass.PUBLIC, description="booking_type.")
    prior_notice_duration_min: int | None = protected(
        DataClass.PUBLIC, None, ge=0, description="Minutes."
    )
    prior_notice_duration_max: int | None = protected(
        DataClass.PUBLIC, None, ge=0, description="Minutes."
    )
    prior_notice_last_day: int | None = protected(DataClass.PUBLIC, None, ge=0)
    prior_notice_last_time: ServiceTime | None = protected(DataClass.PUBLIC, None)
    prior_notice_start_day: int | None = protected(DataClass.PUBLIC, None, ge=0)
    prior_notice_start_time: ServiceTime | None = protected(DataClass.PUBLIC, None)
    prior_notice_service: IRI | None = protected(
        DataClass.PUBLIC, None, description="prior_notice_service_id (a service calendar)."
    )
    message: str | None = _text(description="message.")
    pickup_message: str | None = _text(description="pickup_message.")
    drop_off_message: str | None = _text(description="drop_off_message.")
    phone_number: str | None = _text(description="phone_number (a public booking desk).")
    info_url: str | None = _text(description="info_url.")
    booking_url: str | None = _text(description="booking_url.")
