"""The canonical real-time transit model (GTFS-Realtime): records, protection classes, RDF."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pydantic
import pytest
from hypothesis import given, settings
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from interop.errors import ValidationError
from interop.model import RECORD_TYPES, DataClass, Point, RecordAdapter, protection_of
from interop.model.realtime import (
    ActivePeriod,
    AlertCause,
    InformedEntity,
    ServiceAlert,
    StopTimeEvent,
    StopTimeScheduleRelationship,
    StopTimeUpdate,
    TripDescriptor,
    TripScheduleRelationship,
    TripUpdate,
    VehiclePosition,
    VehicleStopStatus,
)
from interop.model.transit import DirectionType
from interop.rdf import from_graph, to_graph, validate
from interop.rdf.literals import RDF_JSON
from interop.rdf.namespaces import INTEROP, SAREF
from interop.testing.strategies import (
    realtime_service_alerts,
    realtime_trip_updates,
    realtime_vehicle_positions,
)

_WHEN = datetime(2024, 5, 1, 12, 0, 30, tzinfo=UTC)
_JOURNEY = "urn:interop:journey:city:T1"
_STOP = "urn:interop:stop:city:S1"


def _trip_update() -> TripUpdate:
    return TripUpdate(
        id="urn:interop:trip-update:city:e1",
        journey=_JOURNEY,
        start_date=date(2024, 5, 1),
        start_time="25:10:00",
        schedule_relationship=TripScheduleRelationship.SCHEDULED,
        vehicle_id="bus-17",
        timestamp=_WHEN,
        delay=-30,
        stop_time_updates=(
            StopTimeUpdate(stop_sequence=3, stop=_STOP, arrival=StopTimeEvent(delay=60)),
            StopTimeUpdate(
                stop_sequence=4,
                departure=StopTimeEvent(time=_WHEN, uncertainty=30),
                schedule_relationship=StopTimeScheduleRelationship.SKIPPED,
            ),
        ),
    )


def test_realtime_records_are_in_the_union() -> None:
    for cls in (VehiclePosition, TripUpdate, ServiceAlert):
        assert cls in RECORD_TYPES
    update = _trip_update()
    assert RecordAdapter.validate_python(update.model_dump()) == update
    assert RecordAdapter.validate_json(update.model_dump_json()) == update
    assert update.start_time == 25 * 3600 + 600


def test_vehicle_fields_are_technical_and_nothing_is_personal() -> None:
    for cls in (VehiclePosition, TripUpdate):
        for name in ("vehicle_id", "vehicle_label", "vehicle_license_plate"):
            assert protection_of(cls.model_fields[name]) is DataClass.TECHNICAL
    nested = (TripDescriptor, StopTimeEvent, StopTimeUpdate, ActivePeriod, InformedEntity)
    for cls in (VehiclePosition, TripUpdate, ServiceAlert, *nested):
        for name, field in cls.model_fields.items():
            protection = protection_of(field)
            assert protection is not None, f"{cls.__name__}.{name}"
            assert protection in (DataClass.PUBLIC, DataClass.TECHNICAL)


def test_vehicle_position_refuses_altitude_and_naive_times() -> None:
    with pytest.raises(pydantic.ValidationError, match="no altitude"):
        VehiclePosition(id="urn:x:v", point=Point(lat=1, lon=2, alt=3))
    with pytest.raises(pydantic.ValidationError, match="time zone"):
        VehiclePosition(id="urn:x:v", timestamp=datetime(2024, 1, 1))
    with pytest.raises(pydantic.ValidationError):
        VehiclePosition(id="urn:x:v", bearing=float("nan"))


def test_alert_texts_are_not_empty_mappings() -> None:
    with pytest.raises(pydantic.ValidationError, match="at least one translation"):
        ServiceAlert(id="urn:x:a", header={})
    alert = ServiceAlert(id="urn:x:a", header={"en": "Closed", "": "Fermé"})
    assert alert.header == {"en": "Closed", "": "Fermé"}


def test_trip_update_rdf_links_to_the_timetable_and_keeps_order() -> None:
    update = _trip_update()
    graph = to_graph([update])
    subject = URIRef(update.id)
    assert (subject, RDF.type, INTEROP.TripUpdate) in graph
    assert (subject, INTEROP.inJourney, URIRef(_JOURNEY)) in graph
    assert (subject, SAREF.hasTimestamp, None) in graph
    literal = graph.value(subject, INTEROP.stopTimeUpdates)
    assert isinstance(literal, Literal)
    assert str(literal.datatype) == RDF_JSON
    assert str(literal).index('"stop_sequence":3') < str(literal).index('"stop_sequence":4')
    assert from_graph(graph) == [update]
    assert validate(graph).conforms


def test_vehicle_position_and_alert_rdf_round_trip() -> None:
    position = VehiclePosition(
        id="urn:interop:vehicle-position:city:v1",
        vehicle_id="4711",
        line="urn:interop:line:city:R1",
        direction=DirectionType.INBOUND,
        point=Point(lat=28.06, lon=-82.41),
        bearing=270.5,
        stop=_STOP,
        current_status=VehicleStopStatus.STOPPED_AT,
        timestamp=_WHEN,
    )
    alert = ServiceAlert(
        id="urn:interop:service-alert:city:a1",
        active_periods=(ActivePeriod(start=_WHEN), ActivePeriod(end=_WHEN)),
        informed_entities=(
            InformedEntity(stop=_STOP),
            InformedEntity(trip=TripDescriptor(journey=_JOURNEY, start_date=date(2024, 5, 1))),
        ),
        cause=AlertCause.CONSTRUCTION,
        header={"en": "Stop closed"},
    )
    graph = to_graph([position, alert])
    assert (URIRef(position.id), INTEROP.currentStop, URIRef(_STOP)) in graph
    assert (URIRef(alert.id), INTEROP.alertCause, Literal("construction")) in graph
    assert sorted(from_graph(graph), key=lambda r: r.id) == [alert, position]
    assert validate(graph).conforms


def test_malformed_json_literal_is_a_validation_error() -> None:
    update = _trip_update()
    graph = to_graph([update])
    graph.set((URIRef(update.id), INTEROP.stopTimeUpdates, Literal('{"a": 1}', datatype=RDF_JSON)))
    with pytest.raises(ValidationError, match="stop time updates"):
        from_graph(graph)
    graph.set(
        (
            URIRef(update.id),
            INTEROP.stopTimeUpdates,
            Literal('[{"stop_sequence": -1}]', datatype=RDF_JSON),
        )
    )
    with pytest.raises(ValidationError, match="malformed stop time updates"):
        from_graph(graph)


@settings(max_examples=30, deadline=None)
@given(realtime_vehicle_positions() | realtime_trip_updates() | realtime_service_alerts())
def test_generated_realtime_records_round_trip_json_and_rdf(record) -> None:  # type: ignore[no-untyped-def]
    assert RecordAdapter.validate_json(record.model_dump_json()) == record
    graph = to_graph([record])
    assert from_graph(graph) == [record]
    assert validate(graph).conforms
