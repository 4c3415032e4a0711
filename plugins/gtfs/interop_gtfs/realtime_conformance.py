"""What the conformance kit needs to test the GTFS-Realtime codec: strategies and sample messages.

:func:`realtime_cases` is what the plugin's ``interop_conformance_cases`` hook returns for the
codec. Hypothesis is imported only inside the functions that build strategies, so importing
this module (or calling :func:`example_messages`) never needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from google.transit import gtfs_realtime_pb2 as pb

from interop.adapters import DecodeContext
from interop.model.base import Point, Provenance, mint_iri
from interop.model.realtime import (
    ActivePeriod,
    AlertCause,
    AlertEffect,
    CongestionLevel,
    InformedEntity,
    OccupancyStatus,
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
from interop.model.records import Record
from interop.model.transit import DirectionType
from interop.testing.cases import CodecCase
from interop_gtfs.expected import realtime_known_answers
from interop_gtfs.realtime import (
    DEFAULT_NAMESPACE,
    EXTENSION,
    PLUGIN,
    PLUGIN_VERSION,
    RECORD_KINDS,
    GtfsRealtimeCodec,
    entity_iri,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "ROUND_TRIP_CONTEXT",
    "example_messages",
    "feed_records",
    "realtime_cases",
    "unrepresentable",
]

ROUND_TRIP_CONTEXT = DecodeContext(
    source="conformance", received_at=datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
)
"""The context round trips decode with; generated records carry its provenance."""

_MAX_SECONDS = 4_102_444_800  # 2100-01-01
_INT32 = (-(2**31), 2**31 - 1)


def example_messages() -> tuple[bytes, ...]:
    """Small FeedMessages built with the bindings: one per feed kind, mixed, and extended.

    Entity ids differ across the messages, because records keep their entity's identity
    (the kit exports all examples into one graph, where equal ids would merge).

    The last one carries fields with no canonical home (carriage details, trip properties,
    text-to-speech texts, an experimental shape on a deleted entity) and an unknown field.
    """
    trips = pb.FeedMessage()
    trips.header.gtfs_realtime_version = "2.0"
    trips.header.timestamp = 1_714_564_800
    update = trips.entity.add(id="tu-1").trip_update
    update.trip.trip_id = "T1"
    update.trip.start_date = "20240501"
    update.trip.start_time = "25:10:00"
    update.delay = -45
    first = update.stop_time_update.add(stop_sequence=1, stop_id="S1")
    first.arrival.delay = 60
    first.departure.time = 1_714_564_900
    first.departure.uncertainty = 30
    update.stop_time_update.add(
        stop_sequence=2,
        schedule_relationship=pb.TripUpdate.StopTimeUpdate.SKIPPED,
    )

    vehicles = pb.FeedMessage()
    vehicles.header.gtfs_realtime_version = "2.0"
    vehicles.header.incrementality = pb.FeedHeader.DIFFERENTIAL
    position = vehicles.entity.add(id="v-1").vehicle
    position.trip.route_id = "R1"
    position.trip.direction_id = 1
    position.vehicle.id = "4711"
    position.vehicle.label = "Tram 11"
    position.position.latitude = 50.5
    position.position.longitude = 4.25
    position.position.bearing = 90.0
    position.position.speed = 8.5
    position.stop_id = "S1"
    position.current_status = pb.VehiclePosition.STOPPED_AT
    position.occupancy_percentage = 35
    position.timestamp = 1_714_564_800

    alerts = pb.FeedMessage()
    alerts.header.gtfs_realtime_version = "2.0"
    alert = alerts.entity.add(id="a-1").alert
    alert.active_period.add(start=1_714_564_800, end=1_714_600_000)
    alert.informed_entity.add(route_id="R1")
    selector = alert.informed_entity.add(stop_id="S1")
    selector.trip.trip_id = "T1"
    alert.cause = pb.Alert.CONSTRUCTION
    alert.effect = pb.Alert.DETOUR
    alert.header_text.translation.add(text="Stop moved", language="en")
    alert.header_text.translation.add(text="Arrêt déplacé", language="fr")
    alert.description_text.translation.add(text="Use the temporary stop.")
    alert.severity_level = pb.Alert.WARNING

    mixed = pb.FeedMessage()
    mixed.CopyFrom(trips)
    mixed.entity[0].id = "m-0"
    both = mixed.entity.add(id="m-1")
    both.trip_update.trip.trip_id = "T2"
    both.vehicle.CopyFrom(position)
    mixed.entity.add(id="m-2").alert.CopyFrom(alert)

    extended = pb.FeedMessage()
    extended.CopyFrom(vehicles)
    extended.entity[0].id = "v-x"
    carriage = extended.entity[0].vehicle.multi_carriage_details.add(id="c1", label="A")
    carriage.occupancy_status = pb.VehiclePosition.FULL
    extra_update = extended.entity.add(id="tu-x").trip_update
    extra_update.trip.trip_id = "T3"
    extra_update.trip_properties.trip_headsign = "Airport"
    extra_update.stop_time_update.add(
        stop_sequence=4
    ).departure_occupancy_status = pb.VehiclePosition.EMPTY
    extra_alert = extended.entity.add(id="a-x", is_deleted=True).alert
    extra_alert.tts_header_text.translation.add(text="Stop moved")
    extended.entity[-1].shape.shape_id = "experimental"
    extended.header.feed_version = "v7"
    raw = extended.SerializeToString()
    unknown_field = b"\xa8\x06\x2a"  # field 101, varint 42: unknown to the bindings
    plain = (message.SerializeToString() for message in (trips, vehicles, alerts, mixed))
    return (*plain, raw + unknown_field)


def _provenance(ctx: DecodeContext, entity_id: str) -> Provenance:
    return Provenance(
        plugin=PLUGIN,
        plugin_version=PLUGIN_VERSION,
        source_system=ctx.source,
        original_id=entity_id,
        received_at=ctx.received_at,
    )


def feed_records(
    ctx: DecodeContext = ROUND_TRIP_CONTEXT, namespace: str = DEFAULT_NAMESPACE
) -> SearchStrategy[list[Record]]:
    """Records of one FeedMessage, exactly as :class:`GtfsRealtimeCodec` decodes them in ``ctx``.

    Entities carry one to three payloads; values are what the wire holds (32-bit floats, whole
    seconds, minted IRIs), so ``decode(encode(records)) == records``.
    """
    from hypothesis import strategies as st

    ids = st.text(max_size=10)
    seconds = st.integers(0, _MAX_SECONDS).map(lambda s: datetime.fromtimestamp(s, UTC))
    signed_seconds = st.integers(-2_208_988_800, _MAX_SECONDS).map(
        lambda s: datetime.fromtimestamp(s, UTC)
    )
    int32 = st.integers(*_INT32)
    uint32 = st.integers(0, 2**32 - 1)

    def ref(kind: str) -> SearchStrategy[str | None]:
        return st.none() | ids.map(lambda local: mint_iri(kind, namespace, local))

    def optional(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
        return st.none() | strategy

    trip_fields: dict[str, SearchStrategy[Any]] = {
        "journey": ref("trip"),
        "line": ref("route"),
        "direction": optional(st.sampled_from(DirectionType)),
        "start_date": optional(st.dates()),
        "start_time": optional(st.integers(0, 999 * 3600)),
        "schedule_relationship": optional(st.sampled_from(TripScheduleRelationship)),
    }
    vehicle_fields: dict[str, SearchStrategy[Any]] = {
        "vehicle_id": optional(st.text(min_size=1, max_size=8)),
        "vehicle_label": optional(st.text(min_size=1, max_size=8)),
        "vehicle_license_plate": optional(st.text(min_size=1, max_size=8)),
    }
    events = st.builds(
        StopTimeEvent,
        delay=optional(int32),
        time=optional(signed_seconds),
        uncertainty=optional(int32),
    )
    stop_time_updates = st.builds(
        StopTimeUpdate,
        stop_sequence=optional(uint32),
        stop=ref("stop"),
        arrival=optional(events),
        departure=optional(events),
        schedule_relationship=optional(st.sampled_from(StopTimeScheduleRelationship)),
    )
    float32 = st.floats(0, 1e6, width=32)

    @st.composite
    def vehicle_positions(draw: st.DrawFn) -> dict[str, Any]:
        point = draw(
            optional(
                st.builds(
                    Point, lat=st.floats(-90, 90, width=32), lon=st.floats(-180, 180, width=32)
                )
            )
        )
        motion = {"bearing": None, "speed": None, "odometer": None}
        if point is not None:
            motion = {
                "bearing": draw(optional(st.floats(0, 360, width=32))),
                "speed": draw(optional(float32)),
                "odometer": draw(optional(st.floats(0, 1e12))),
            }
        return {
            **{name: draw(strategy) for name, strategy in trip_fields.items()},
            **{name: draw(strategy) for name, strategy in vehicle_fields.items()},
            "point": point,
            **motion,
            "current_stop_sequence": draw(optional(uint32)),
            "stop": draw(ref("stop")),
            "current_status": draw(optional(st.sampled_from(VehicleStopStatus))),
            "congestion_level": draw(optional(st.sampled_from(CongestionLevel))),
            "occupancy_status": draw(optional(st.sampled_from(OccupancyStatus))),
            "occupancy_percentage": draw(optional(uint32)),
            "timestamp": draw(optional(seconds)),
        }

    trip_updates = st.fixed_dictionaries(
        {
            **trip_fields,
            **vehicle_fields,
            "timestamp": optional(seconds),
            "delay": optional(int32),
            "stop_time_updates": st.lists(stop_time_updates, max_size=3).map(tuple),
        }
    )
    translated = optional(
        st.dictionaries(st.sampled_from(["", "en", "fr", "de-CH"]), st.text(max_size=8), min_size=1)
    )
    informed = st.builds(
        InformedEntity,
        operator=ref("agency"),
        line=ref("route"),
        route_type=optional(int32),
        trip=optional(st.builds(TripDescriptor, **trip_fields)),
        stop=ref("stop"),
        direction=optional(st.sampled_from(DirectionType)),
    )
    alerts = st.fixed_dictionaries(
        {
            "active_periods": st.lists(
                st.builds(ActivePeriod, start=optional(seconds), end=optional(seconds)),
                max_size=2,
            ).map(tuple),
            "informed_entities": st.lists(informed, max_size=3).map(tuple),
            "cause": optional(st.sampled_from(AlertCause)),
            "effect": optional(st.sampled_from(AlertEffect)),
            "url": translated,
            "header": translated,
            "description": translated,
            "severity": optional(st.sampled_from(SeverityLevel)),
        }
    )
    header = st.fixed_dictionaries(
        {"gtfs_realtime_version": st.sampled_from(["1.0", "2.0"])},
        optional={
            "incrementality": st.sampled_from(["FULL_DATASET", "DIFFERENTIAL"]),
            "timestamp": st.integers(0, 2**64 - 1),
            "feed_version": st.text(max_size=8),
        },
    )
    payloads: list[tuple[type[Record], SearchStrategy[dict[str, Any]]]] = [
        (TripUpdate, trip_updates),
        (VehiclePosition, vehicle_positions()),
        (ServiceAlert, alerts),
    ]

    @st.composite
    def messages(draw: st.DrawFn) -> list[Record]:
        feed_header = draw(header)
        records: list[Record] = []
        for entity_id in draw(st.lists(ids, max_size=4, unique=True)):
            chosen = draw(st.sets(st.sampled_from(range(3)), min_size=1))
            for index in sorted(chosen):
                cls, fields = payloads[index]
                records.append(
                    cls.model_validate(
                        {
                            "id": entity_iri(RECORD_KINDS[cls], namespace, entity_id),
                            "provenance": _provenance(ctx, entity_id),
                            "extensions": {EXTENSION: {"header": feed_header}},
                            **draw(fields),
                        }
                    )
                )
        return records

    return messages()


def unrepresentable(
    ctx: DecodeContext = ROUND_TRIP_CONTEXT, namespace: str = DEFAULT_NAMESPACE
) -> SearchStrategy[Sequence[Record]]:
    """Record lists a FeedMessage cannot hold, which ``encode`` must refuse."""
    from hypothesis import strategies as st

    from interop.testing import strategies as canonical

    foreign = st.one_of(  # other record kinds, and real-time records minted elsewhere
        canonical.devices(),
        canonical.measurements(),
        canonical.transit_stops(),
        canonical.transit_journeys(),
        canonical.realtime_vehicle_positions(),
        canonical.realtime_trip_updates(),
        canonical.realtime_service_alerts(),
    ).map(lambda record: [record])
    batches = feed_records(ctx, namespace).filter(bool)

    def vendor(batch: list[Record]) -> list[Record]:
        extended = {**batch[0].extensions, "acme": {"colour": "red"}}
        return [batch[0].model_copy(update={"extensions": extended})]

    def fractional(batch: list[Record]) -> list[Record]:
        instant = datetime(2024, 5, 1, 12, 0, 0, 250_000, tzinfo=UTC)
        record = batch[0]
        if isinstance(record, ServiceAlert):
            update: dict[str, Any] = {"active_periods": (ActivePeriod(start=instant),)}
        else:
            update = {"timestamp": instant}
        return [record.model_copy(update=update)]

    def twice(batch: list[Record]) -> list[Record]:
        return [batch[0], batch[0]]

    def other_header(batch: list[Record]) -> list[Record]:
        header = {"gtfs_realtime_version": "3.0-unknown"}
        second = batch[0].model_copy(
            update={
                "id": batch[0].id + "-2",
                "extensions": {EXTENSION: {"header": header}},
            }
        )
        return [batch[0], second]

    def foreign_reference(batch: list[Record]) -> list[Record]:
        position = VehiclePosition(
            id=entity_iri("vehicle-position", namespace, "v"),
            stop="https://elsewhere.example/stop/1",
        )
        return [*batch, position]

    motion_without_point: list[Record] = [
        VehiclePosition(id=entity_iri("vehicle-position", namespace, "v"), speed=3.0)
    ]

    return st.one_of(
        foreign,
        batches.map(vendor),
        batches.map(fractional),
        batches.map(twice),
        batches.map(other_header),
        batches.map(foreign_reference),
        st.just(motion_without_point),
    )


def realtime_cases() -> CodecCase:
    """The :class:`CodecCase` of :class:`GtfsRealtimeCodec`, for ``interop_conformance_cases``."""
    return CodecCase(
        codec=GtfsRealtimeCodec,
        examples=example_messages(),
        batches=feed_records(),
        unrepresentable=unrepresentable(),
        decode_context=ROUND_TRIP_CONTEXT,
        known_answers=realtime_known_answers(ROUND_TRIP_CONTEXT),
    )
