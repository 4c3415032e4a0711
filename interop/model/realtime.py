"""Public transport in real time: GTFS-Realtime's three feed entity kinds, canonically.

:class:`VehiclePosition` (where a vehicle is), :class:`TripUpdate` (how a journey runs
against its timetable, Transmodel/SIRI ``EstimatedVehicleJourney``) and :class:`ServiceAlert`
(an incident affecting the network, SIRI ``PtSituationElement``). References to the static
dataset (``journey``, ``line``, ``stop``, ``operator``) are the IRIs the static records carry
(:class:`~interop.model.transit.Journey`, :class:`~interop.model.transit.Line`, ...), so a
real-time record links to its timetable in RDF. Code lists are enums with readable values
(GTFS-RT ``STOPPED_AT`` is :attr:`VehicleStopStatus.STOPPED_AT`, value ``"stopped_at"``).
An optional field the feed left out is ``None``; nothing is defaulted here.

Vehicle identifiers and labels are :attr:`~interop.model.base.DataClass.TECHNICAL`: they
name a bus or a train, not a person. Nothing in this module describes a person.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import model_validator

from interop.model.base import (
    IRI,
    CanonicalModel,
    DataClass,
    Point,
    RecordBase,
    UtcDateTime,
    protected,
)
from interop.model.transit import DirectionType, ServiceTime

__all__ = [
    "ActivePeriod",
    "AlertCause",
    "AlertEffect",
    "CongestionLevel",
    "Incrementality",
    "InformedEntity",
    "OccupancyStatus",
    "RealtimeFeed",
    "ServiceAlert",
    "SeverityLevel",
    "StopTimeEvent",
    "StopTimeScheduleRelationship",
    "StopTimeUpdate",
    "TranslatedText",
    "TripDescriptor",
    "TripScheduleRelationship",
    "TripUpdate",
    "VehiclePosition",
    "VehicleStopStatus",
]

TranslatedText = dict[str, str]
"""One text in several languages: BCP 47 tag -> text; ``""`` keys a text of unstated language."""


class TripScheduleRelationship(StrEnum):
    """How a journey relates to the timetable (GTFS-RT ``TripDescriptor.ScheduleRelationship``)."""

    SCHEDULED = "scheduled"
    """Runs as timetabled (a journey of the static dataset)."""
    ADDED = "added"
    """An extra journey added to the timetable (deprecated in GTFS-RT in favour of NEW)."""
    UNSCHEDULED = "unscheduled"
    """Runs with no timetable (frequency-based without exact times)."""
    CANCELED = "canceled"
    """A timetabled journey that was cancelled."""
    REPLACEMENT = "replacement"
    """Replaces the timetabled journey (deprecated in GTFS-RT)."""
    DUPLICATED = "duplicated"
    """A copy of a timetabled journey at another start time."""
    DELETED = "deleted"
    """Removed from the timetable; riders should not be told about it."""
    NEW = "new"
    """A journey unrelated to any timetabled one."""


class StopTimeScheduleRelationship(StrEnum):
    """How a call relates to the timetable (``StopTimeUpdate.ScheduleRelationship``)."""

    SCHEDULED = "scheduled"
    SKIPPED = "skipped"
    NO_DATA = "no_data"
    UNSCHEDULED = "unscheduled"


class VehicleStopStatus(StrEnum):
    """Where a vehicle is relative to its current stop (``VehicleStopStatus``)."""

    INCOMING_AT = "incoming_at"
    STOPPED_AT = "stopped_at"
    IN_TRANSIT_TO = "in_transit_to"


class CongestionLevel(StrEnum):
    """Road congestion around a vehicle (``CongestionLevel``)."""

    UNKNOWN_CONGESTION_LEVEL = "unknown_congestion_level"
    RUNNING_SMOOTHLY = "running_smoothly"
    STOP_AND_GO = "stop_and_go"
    CONGESTION = "congestion"
    SEVERE_CONGESTION = "severe_congestion"


class OccupancyStatus(StrEnum):
    """How full a vehicle is (``OccupancyStatus``)."""

    EMPTY = "empty"
    MANY_SEATS_AVAILABLE = "many_seats_available"
    FEW_SEATS_AVAILABLE = "few_seats_available"
    STANDING_ROOM_ONLY = "standing_room_only"
    CRUSHED_STANDING_ROOM_ONLY = "crushed_standing_room_only"
    FULL = "full"
    NOT_ACCEPTING_PASSENGERS = "not_accepting_passengers"
    NO_DATA_AVAILABLE = "no_data_available"
    NOT_BOARDABLE = "not_boardable"


class AlertCause(StrEnum):
    """Why an alert was raised (``Alert.Cause``)."""

    UNKNOWN_CAUSE = "unknown_cause"
    OTHER_CAUSE = "other_cause"
    TECHNICAL_PROBLEM = "technical_problem"
    STRIKE = "strike"
    DEMONSTRATION = "demonstration"
    ACCIDENT = "accident"
    HOLIDAY = "holiday"
    WEATHER = "weather"
    MAINTENANCE = "maintenance"
    CONSTRUCTION = "construction"
    POLICE_ACTIVITY = "police_activity"
    MEDICAL_EMERGENCY = "medical_emergency"
    SPECIAL_EVENT = "special_event"


class AlertEffect(StrEnum):
    """What an alert does to service (``Alert.Effect``)."""

    NO_SERVICE = "no_service"
    REDUCED_SERVICE = "reduced_service"
    SIGNIFICANT_DELAYS = "significant_delays"
    DETOUR = "detour"
    ADDITIONAL_SERVICE = "additional_service"
    MODIFIED_SERVICE = "modified_service"
    OTHER_EFFECT = "other_effect"
    UNKNOWN_EFFECT = "unknown_effect"
    STOP_MOVED = "stop_moved"
    NO_EFFECT = "no_effect"
    ACCESSIBILITY_ISSUE = "accessibility_issue"


class SeverityLevel(StrEnum):
    """How severe an alert is (``Alert.SeverityLevel``)."""

    UNKNOWN_SEVERITY = "unknown_severity"
    INFO = "info"
    WARNING = "warning"
    SEVERE = "severe"


def _text(protection: DataClass = DataClass.PUBLIC, description: str | None = None) -> str | None:
    """An optional protobuf string: ``None`` when unset, and possibly empty when set."""
    result: str | None = protected(protection, None, description=description)
    return result


class Incrementality(StrEnum):
    """``FeedHeader.incrementality``: the whole state, or changes to it."""

    FULL_DATASET = "full_dataset"
    DIFFERENTIAL = "differential"


class RealtimeFeed(RecordBase):
    """A GTFS-Realtime ``FeedHeader`` of a message without entities (SIRI ``ServiceDelivery``).

    A ``FULL_DATASET`` message with no entity says "nothing is running late, nothing is
    disrupted now"; this record keeps that statement (and its header) through a round trip.
    Messages with entities carry their header on each entity's record instead.
    """

    kind: Literal["transit_realtime_feed"] = protected(DataClass.PUBLIC, "transit_realtime_feed")
    realtime_version: str = protected(DataClass.PUBLIC, description="gtfs_realtime_version.")
    incrementality: Incrementality | None = protected(DataClass.PUBLIC, None)
    timestamp: UtcDateTime | None = protected(
        DataClass.PUBLIC, None, description="When the message's content was created."
    )
    feed_version: str | None = protected(
        DataClass.PUBLIC, None, description="The static feed_version the message matches."
    )


def _translated(description: str) -> TranslatedText | None:
    result: TranslatedText | None = protected(DataClass.PUBLIC, None, description=description)
    return result


class TripDescriptor(CanonicalModel):
    """Which journey a real-time message is about (GTFS-RT ``TripDescriptor``).

    A journey of the static dataset (``journey``), or one found by line, direction and start
    time (frequency-based or added journeys). Records flatten these fields;
    :class:`InformedEntity` nests them.
    """

    journey: IRI | None = protected(DataClass.PUBLIC, None, description="trip_id.")
    line: IRI | None = protected(DataClass.PUBLIC, None, description="route_id.")
    direction: DirectionType | None = protected(DataClass.PUBLIC, None, description="direction_id.")
    start_date: date | None = protected(DataClass.PUBLIC, None, description="Service day.")
    start_time: ServiceTime | None = protected(
        DataClass.PUBLIC, None, description="start_time, seconds since noon minus 12h."
    )
    schedule_relationship: TripScheduleRelationship | None = protected(DataClass.PUBLIC, None)


class StopTimeEvent(CanonicalModel):
    """Predicted arrival or departure at one call (``StopTimeEvent``): a delay, a time, or both."""

    delay: int | None = protected(
        DataClass.PUBLIC, None, description="Seconds late (negative: early)."
    )
    time: UtcDateTime | None = protected(DataClass.PUBLIC, None, description="Predicted instant.")
    uncertainty: int | None = protected(
        DataClass.PUBLIC, None, description="Expected error of the prediction, seconds; 0 exact."
    )


class StopTimeUpdate(CanonicalModel):
    """A prediction for one call of a journey (``StopTimeUpdate``; SIRI ``EstimatedCall``)."""

    stop_sequence: int | None = protected(
        DataClass.PUBLIC, None, ge=0, description="stop_sequence of the call (stop_times.txt)."
    )
    stop: IRI | None = protected(DataClass.PUBLIC, None, description="stop_id.")
    arrival: StopTimeEvent | None = protected(DataClass.PUBLIC, None)
    departure: StopTimeEvent | None = protected(DataClass.PUBLIC, None)
    schedule_relationship: StopTimeScheduleRelationship | None = protected(DataClass.PUBLIC, None)


class ActivePeriod(CanonicalModel):
    """When an alert applies (``TimeRange``); an open start or end is ``None``."""

    start: UtcDateTime | None = protected(DataClass.PUBLIC, None)
    end: UtcDateTime | None = protected(DataClass.PUBLIC, None)


class InformedEntity(CanonicalModel):
    """What an alert concerns (``EntitySelector``): an operator, line, journey, stop, ..."""

    operator: IRI | None = protected(DataClass.PUBLIC, None, description="agency_id.")
    line: IRI | None = protected(DataClass.PUBLIC, None, description="route_id.")
    route_type: int | None = protected(DataClass.PUBLIC, None, description="route_type.")
    trip: TripDescriptor | None = protected(DataClass.PUBLIC, None)
    stop: IRI | None = protected(DataClass.PUBLIC, None, description="stop_id.")
    direction: DirectionType | None = protected(DataClass.PUBLIC, None, description="direction_id.")


class VehiclePosition(RecordBase):
    """Where a public transport vehicle is and how it runs (GTFS-RT ``VehiclePosition``).

    Transmodel ``VehicleJourney`` monitoring (SIRI ``VehicleActivity``). The journey fields
    are the message's ``TripDescriptor``, flattened; ``point`` is ``Position``.
    """

    kind: Literal["transit_vehicle_position"] = protected(
        DataClass.PUBLIC, "transit_vehicle_position"
    )
    vehicle_id: str | None = _text(DataClass.TECHNICAL, "VehicleDescriptor.id (fleet number).")
    vehicle_label: str | None = _text(DataClass.TECHNICAL, "VehicleDescriptor.label.")
    vehicle_license_plate: str | None = _text(
        DataClass.TECHNICAL, "VehicleDescriptor.license_plate (a fleet vehicle's plate)."
    )
    journey: IRI | None = protected(DataClass.PUBLIC, None, description="trip_id.")
    line: IRI | None = protected(DataClass.PUBLIC, None, description="route_id.")
    direction: DirectionType | None = protected(DataClass.PUBLIC, None, description="direction_id.")
    start_date: date | None = protected(DataClass.PUBLIC, None)
    start_time: ServiceTime | None = protected(DataClass.PUBLIC, None)
    schedule_relationship: TripScheduleRelationship | None = protected(DataClass.PUBLIC, None)
    point: Point | None = protected(DataClass.PUBLIC, None, description="WGS84 position.")
    bearing: float | None = protected(
        DataClass.PUBLIC, None, description="Degrees clockwise from true north."
    )
    speed: float | None = protected(DataClass.PUBLIC, None, description="Metres per second.")
    odometer: float | None = protected(DataClass.PUBLIC, None, description="Metres.")
    current_stop_sequence: int | None = protected(
        DataClass.PUBLIC, None, ge=0, description="stop_sequence of the current call."
    )
    stop: IRI | None = protected(DataClass.PUBLIC, None, description="stop_id of the current stop.")
    current_status: VehicleStopStatus | None = protected(DataClass.PUBLIC, None)
    congestion_level: CongestionLevel | None = protected(DataClass.PUBLIC, None)
    occupancy_status: OccupancyStatus | None = protected(DataClass.PUBLIC, None)
    occupancy_percentage: int | None = protected(
        DataClass.PUBLIC, None, ge=0, description="Percent of nominal capacity; may exceed 100."
    )
    timestamp: UtcDateTime | None = protected(
        DataClass.PUBLIC, None, description="When the position was measured."
    )

    @model_validator(mode="after")
    def _no_altitude(self) -> VehiclePosition:
        if self.point is not None and self.point.alt is not None:
            raise ValueError("a vehicle position has no altitude (GTFS-Realtime Position)")
        return self


class TripUpdate(RecordBase):
    """How one journey runs against its timetable (GTFS-RT ``TripUpdate``).

    Transmodel/SIRI ``EstimatedVehicleJourney``: the journey fields are the message's
    ``TripDescriptor``, flattened; ``stop_time_updates`` are ordered along the journey.
    """

    kind: Literal["transit_trip_update"] = protected(DataClass.PUBLIC, "transit_trip_update")
    journey: IRI | None = protected(DataClass.PUBLIC, None, description="trip_id.")
    line: IRI | None = protected(DataClass.PUBLIC, None, description="route_id.")
    direction: DirectionType | None = protected(DataClass.PUBLIC, None, description="direction_id.")
    start_date: date | None = protected(DataClass.PUBLIC, None)
    start_time: ServiceTime | None = protected(DataClass.PUBLIC, None)
    schedule_relationship: TripScheduleRelationship | None = protected(DataClass.PUBLIC, None)
    vehicle_id: str | None = _text(DataClass.TECHNICAL, "VehicleDescriptor.id (fleet number).")
    vehicle_label: str | None = _text(DataClass.TECHNICAL, "VehicleDescriptor.label.")
    vehicle_license_plate: str | None = _text(
        DataClass.TECHNICAL, "VehicleDescriptor.license_plate (a fleet vehicle's plate)."
    )
    timestamp: UtcDateTime | None = protected(
        DataClass.PUBLIC, None, description="When the prediction was last updated."
    )
    delay: int | None = protected(
        DataClass.PUBLIC, None, description="Current delay of the journey, seconds."
    )
    stop_time_updates: tuple[StopTimeUpdate, ...] = protected(
        DataClass.PUBLIC, (), description="Predictions per call, in journey order."
    )


class ServiceAlert(RecordBase):
    """An incident or notice affecting public transport (GTFS-RT ``Alert``).

    SIRI ``PtSituationElement``. Texts are :data:`TranslatedText` mappings.
    """

    kind: Literal["transit_service_alert"] = protected(DataClass.PUBLIC, "transit_service_alert")
    active_periods: tuple[ActivePeriod, ...] = protected(
        DataClass.PUBLIC, (), description="When it applies; empty: as long as it is published."
    )
    informed_entities: tuple[InformedEntity, ...] = protected(
        DataClass.PUBLIC, (), description="What it concerns."
    )
    cause: AlertCause | None = protected(DataClass.PUBLIC, None)
    effect: AlertEffect | None = protected(DataClass.PUBLIC, None)
    url: TranslatedText | None = _translated("A web page with more detail, per language.")
    header: TranslatedText | None = _translated("Header text, per language.")
    description: TranslatedText | None = _translated("Description text, per language.")
    severity: SeverityLevel | None = protected(
        DataClass.PUBLIC, None, description="severity_level."
    )

    @model_validator(mode="after")
    def _texts_not_empty(self) -> ServiceAlert:
        for name in ("url", "header", "description"):
            text = getattr(self, name)
            if text is not None and not text:
                raise ValueError(f"{name}: a translated text has at least one translation")
        return self
