"""Each record type's RDF, against triples written by hand from the SAREF definitions.

The round trip (records -> RDF -> records) uses one table both ways, so a predicate swapped
in the table (``saref:hasManufacturer`` for ``saref:hasModel``) still round-trips. Here each
record's graph is compared, exactly (blank nodes up to isomorphism), with Turtle written
predicate by predicate from SAREF core v3.1.1 (Device, Measurement, State, Command,
Property, UnitOfMeasure), SAREF4ENER (``serialNumber``), SAREF4WATR
(``hasFirmwareVersion``), SAREF4CITY (``Facility``), SAREF4ENVI (``LightPoint``), W3C Basic
Geo (``wgs84:location``) and the project's ``interop:`` vocabulary where SAREF has no term.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from interop.errors import ValidationError
from interop.model import (
    Call,
    Command,
    CommandResult,
    Device,
    FareAttribute,
    Geometry,
    Journey,
    LightingAlarm,
    LightPoint,
    Line,
    Measurement,
    Operator,
    Place,
    Point,
    Record,
    ServiceCalendar,
    State,
    Stop,
)
from interop.model.command import CommandKind, CommandStatus
from interop.model.device import DeviceKind, FunctionKind
from interop.model.lighting import AlarmSeverity, AlarmState, AlarmType, LampType
from interop.model.observation import StateValue
from interop.model.realtime import StopTimeUpdate, TripUpdate
from interop.model.transit import (
    Availability,
    DirectionType,
    LocationType,
    PaymentMethod,
    PickupDropOff,
    Shape,
    ShapePoint,
)
from interop.rdf import from_graph, to_graph

PREFIXES = """
@prefix saref: <https://saref.etsi.org/core/> .
@prefix s4ener: <https://saref.etsi.org/saref4ener/> .
@prefix s4watr: <https://saref.etsi.org/saref4watr/> .
@prefix s4city: <https://saref.etsi.org/saref4city/> .
@prefix s4envi: <https://saref.etsi.org/saref4envi/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix om: <http://www.ontology-of-units-of-measure.org/resource/om-2/> .
@prefix interop: <https://w3id.org/interop/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
AT = datetime(2024, 3, 5, 8, 15, tzinfo=UTC)
TEMPERATURE = "https://saref.etsi.org/core/Temperature"
CELSIUS = "http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius"
GTFS = "urn:x:gtfs:"

CASES: list[tuple[str, Record, str]] = [
    (
        "device",
        Device(
            id="urn:x:device:1", device_kind=DeviceKind.SENSOR, name="Air sensor 1",
            manufacturer="Elsys", model="ERS CO2", serial_number="A81758FFFE0312AB",
            firmware_version="1.0", functions=frozenset({FunctionKind.SENSING}),
            measures=frozenset({TEMPERATURE}), location=Point(lat=50.85, lon=4.35),
            place="urn:x:place:1", gateway="urn:x:gateway:1",
        ),
        """
        <urn:x:device:1> a saref:Device, saref:Sensor ;
            rdfs:label "Air sensor 1" ;
            saref:hasManufacturer "Elsys" ;
            saref:hasModel "ERS CO2" ;
            s4ener:serialNumber "A81758FFFE0312AB" ;
            s4watr:hasFirmwareVersion "1.0" ;
            saref:hasFunction [ a saref:SensingFunction ] ;
            saref:measuresProperty saref:Temperature ;
            wgs84:location [ a wgs84:Point ; wgs84:lat 50.85e0 ; wgs84:long 4.35e0 ] ;
            interop:isLocatedIn <urn:x:place:1> ;
            interop:communicatesThrough <urn:x:gateway:1> .
        saref:Temperature a saref:Property .
        """,
    ),
    (
        "measurement",
        Measurement(
            id="urn:x:m:1", property=TEMPERATURE, value=22.6, unit=CELSIUS, timestamp=AT,
            device="urn:x:device:1", feature_of_interest="urn:x:place:1",
        ),
        """
        <urn:x:m:1> a saref:Measurement ;
            saref:relatesToProperty saref:Temperature ;
            saref:hasValue "22.6"^^xsd:double ;
            saref:isMeasuredIn om:degreeCelsius ;
            saref:hasTimestamp "2024-03-05T08:15:00+00:00"^^xsd:dateTime ;
            saref:measurementMadeBy <urn:x:device:1> ;
            saref:isMeasurementOf <urn:x:place:1> .
        saref:Temperature a saref:Property .
        om:degreeCelsius a saref:UnitOfMeasure, saref:TemperatureUnit .
        """,
    ),
    (
        "state",
        State(
            id="urn:x:state:1", device="urn:x:device:2", value=StateValue.LEVEL, level=40.0,
            timestamp=AT,
        ),
        """
        <urn:x:state:1> a saref:State, saref:MultiLevelState ;
            interop:level 40.0e0 ;
            saref:hasTimestamp "2024-03-05T08:15:00+00:00"^^xsd:dateTime .
        <urn:x:device:2> saref:hasState <urn:x:state:1> .
        """,
    ),
    (
        "command",
        Command(
            id="urn:x:command:1", action=CommandKind.SET_LEVEL, target="urn:x:device:2",
            level=70.0, duration=3600.0, issued_at=AT, issued_by="operator-7",
        ),
        """
        <urn:x:command:1> a saref:Command, saref:SetAbsoluteLevelCommand ;
            interop:targetsDevice <urn:x:device:2> ;
            interop:level 70.0e0 ;
            interop:overrideDuration 3600.0e0 ;
            saref:hasTimestamp "2024-03-05T08:15:00+00:00"^^xsd:dateTime ;
            interop:issuedBy "operator-7" .
        """,
    ),
    (
        "command_result",
        CommandResult(
            id="urn:x:result:1", command="urn:x:command:1", target="urn:x:device:2",
            status=CommandStatus.APPLIED, at=AT, detail="dimmed",
        ),
        """
        <urn:x:result:1> a interop:CommandResult ;
            interop:resultOf <urn:x:command:1> ;
            interop:resultFor <urn:x:device:2> ;
            interop:commandStatus interop:CommandApplied ;
            saref:hasTimestamp "2024-03-05T08:15:00+00:00"^^xsd:dateTime ;
            rdfs:comment "dimmed" .
        """,
    ),
    (
        "place",
        Place(
            id="urn:x:place:1", name="Town hall", point=Point(lat=50.85, lon=4.35, alt=20.5),
            address="Grand-Place 1", within="urn:x:place:0",
        ),
        """
        <urn:x:place:1> a saref:FeatureOfInterest, geo:Feature ;
            rdfs:label "Town hall" ;
            wgs84:location [ a wgs84:Point ; wgs84:lat 50.85e0 ; wgs84:long 4.35e0 ;
                             wgs84:alt 20.5e0 ] ;
            interop:address "Grand-Place 1" ;
            geo:sfWithin <urn:x:place:0> .
        """,
    ),
    (
        "place_multipoint",
        Place(
            id="urn:x:place:2",
            geometry=Geometry(type="MultiPoint", coordinates=[[4.35, 50.85], [4.36, -0.5]]),
        ),
        """
        <urn:x:place:2> a saref:FeatureOfInterest, geo:Feature ;
            geo:hasGeometry [
                a geo:Geometry ;
                geo:asGeoJSON
        '{"coordinates":[[4.35,50.85],[4.36,-0.5]],"type":"MultiPoint"}'^^geo:geoJSONLiteral ;
                geo:asWKT "MULTIPOINT ((4.35 50.85), (4.36 -0.5))"^^geo:wktLiteral
            ] .
        """,
    ),
    (
        "place_mixed_dimensions",
        Place(
            id="urn:x:place:3",
            geometry=Geometry(type="LineString", coordinates=[[4.35, 50.85], [4.36, 50.86, 20]]),
        ),
        """
        <urn:x:place:3> a saref:FeatureOfInterest, geo:Feature ;
            geo:hasGeometry [
                a geo:Geometry ;
                geo:asGeoJSON
        '{"coordinates":[[4.35,50.85],[4.36,50.86,20]],"type":"LineString"}'^^geo:geoJSONLiteral
            ] .
        """,
    ),
    (
        "place_multipolygon",
        Place(
            id="urn:x:place:5",
            geometry=Geometry(
                type="MultiPolygon", coordinates=[[[[0, 0], [1, 0], [1, 1], [0, 0]]]]
            ),
        ),
        """
        <urn:x:place:5> a saref:FeatureOfInterest, geo:Feature ;
            geo:hasGeometry [
                a geo:Geometry ;
                geo:asGeoJSON
        '{"coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]],"type":"MultiPolygon"}'^^geo:geoJSONLiteral ;
                geo:asWKT "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))"^^geo:wktLiteral
            ] .
        """,
    ),
    (
        "place_empty_geometry",
        Place(id="urn:x:place:4", geometry=Geometry(type="MultiPoint", coordinates=[])),
        """
        <urn:x:place:4> a saref:FeatureOfInterest, geo:Feature ;
            geo:hasGeometry [
                a geo:Geometry ;
                geo:asGeoJSON '{"coordinates":[],"type":"MultiPoint"}'^^geo:geoJSONLiteral
            ] .
        """,
    ),
    (
        "light_point",
        LightPoint(
            id="urn:x:light:1", name="Lamp 17", device="urn:x:device:2",
            lamp_type=LampType.LED, nominal_power=36.0, manufacturer="Schréder",
            model="Teceo 1", installation_date=date(2021, 6, 1), dali_address=3,
            controllable=True,
        ),
        """
        <urn:x:light:1> a interop:StreetLight, s4envi:LightPoint ;
            rdfs:label "Lamp 17" ;
            interop:controlledBy <urn:x:device:2> ;
            interop:lampType "led" ;
            interop:nominalPower 36.0e0 ;
            saref:hasManufacturer "Schréder" ;
            saref:hasModel "Teceo 1" ;
            interop:installationDate "2021-06-01"^^xsd:date ;
            interop:daliAddress 3 ;
            interop:controllable true .
        """,
    ),
    (
        "lighting_alarm",
        LightingAlarm(
            id="urn:x:alarm:1", light="urn:x:light:1", alarm_type=AlarmType.LAMP_FAILURE,
            state=AlarmState.RAISED, timestamp=AT, severity=AlarmSeverity.CRITICAL,
            detail="no current",
        ),
        """
        <urn:x:alarm:1> a interop:LightingAlarm ;
            interop:alarmOf <urn:x:light:1> ;
            interop:alarmType "lamp_failure" ;
            interop:alarmState "raised" ;
            saref:hasTimestamp "2024-03-05T08:15:00+00:00"^^xsd:dateTime ;
            interop:alarmSeverity "critical" ;
            rdfs:comment "no current" .
        """,
    ),
    (
        "operator",
        Operator(
            id=GTFS + "agency:rtb", name="Riverside Transit", url="https://rtb.example.org",
            timezone="Europe/Brussels", language="nl", phone="+32 2 555 01 01",
        ),
        """
        <urn:x:gtfs:agency:rtb> a interop:Operator ;
            rdfs:label "Riverside Transit" ;
            interop:url "https://rtb.example.org" ;
            interop:timezone "Europe/Brussels" ;
            interop:language "nl" ;
            interop:phone "+32 2 555 01 01" .
        """,
    ),
    (
        "stop",
        Stop(
            id=GTFS + "stop:s1", location_type=LocationType.STOP, name="Quay", code="Q1",
            point=Point(lat=50.5, lon=4.25), parent_station=GTFS + "stop:st",
            wheelchair_boarding=Availability.AVAILABLE, level=GTFS + "level:L0",
            platform_code="2",
        ),
        """
        <urn:x:gtfs:stop:s1> a interop:Stop, s4city:Facility ;
            interop:locationType "stop" ;
            rdfs:label "Quay" ;
            interop:code "Q1" ;
            wgs84:location [ a wgs84:Point ; wgs84:lat 50.5e0 ; wgs84:long 4.25e0 ] ;
            interop:parentStation <urn:x:gtfs:stop:st> ;
            interop:wheelchairAccessibility "available" ;
            interop:onLevel <urn:x:gtfs:level:L0> ;
            interop:platformCode "2" .
        """,
    ),
    (
        "line",
        Line(
            id=GTFS + "route:r1", operator=GTFS + "agency:rtb", short_name="12",
            long_name="Harbour - Station", route_type=3, color="0A7F3C", text_color="FFFFFF",
            sort_order=5, continuous_pickup=PickupDropOff.NONE,
        ),
        """
        <urn:x:gtfs:route:r1> a interop:Line ;
            interop:operatedBy <urn:x:gtfs:agency:rtb> ;
            interop:shortName "12" ;
            interop:longName "Harbour - Station" ;
            interop:routeType 3 ;
            interop:colour "0A7F3C" ;
            interop:textColour "FFFFFF" ;
            interop:sortOrder 5 ;
            interop:continuousPickup "none" .
        """,
    ),
    (
        "journey",
        Journey(
            id=GTFS + "trip:t1", line=GTFS + "route:r1", service=GTFS + "service:wk",
            headsign="Station", direction=DirectionType.INBOUND, block_id="b7",
            wheelchair_accessible=Availability.AVAILABLE,
            bikes_allowed=Availability.NOT_AVAILABLE,
        ),
        """
        <urn:x:gtfs:trip:t1> a interop:ServiceJourney ;
            interop:onLine <urn:x:gtfs:route:r1> ;
            interop:serviceCalendar <urn:x:gtfs:service:wk> ;
            interop:headsign "Station" ;
            interop:direction "inbound" ;
            interop:blockId "b7" ;
            interop:wheelchairAccessibility "available" ;
            interop:bikesAllowed "not_available" .
        """,
    ),
    (
        "call",
        Call(
            id=GTFS + "stop_time:t1-3", journey=GTFS + "trip:t1", stop=GTFS + "stop:s1",
            sequence=3, arrival=25 * 3600 + 5 * 60, departure=25 * 3600 + 6 * 60,
            pickup_type=PickupDropOff.PHONE_AGENCY, distance_traveled=1234.5, timepoint=False,
        ),
        """
        <urn:x:gtfs:stop_time:t1-3> a interop:Call ;
            interop:inJourney <urn:x:gtfs:trip:t1> ;
            interop:atStop <urn:x:gtfs:stop:s1> ;
            interop:sequence 3 ;
            interop:arrivalTime 90300 ;
            interop:departureTime 90360 ;
            interop:pickupType "phone_agency" ;
            interop:distanceTraveled 1234.5e0 ;
            interop:timepoint false .
        """,
    ),
    (
        "fare",
        FareAttribute(
            id=GTFS + "fare:f1", price=Decimal("2.10"), currency="EUR",
            payment_method=PaymentMethod.BEFORE_BOARDING, transfers=1,
            transfer_duration=5400,
        ),
        """
        <urn:x:gtfs:fare:f1> a interop:Fare ;
            interop:price "2.10"^^xsd:decimal ;
            interop:currency "EUR" ;
            interop:paymentMethod "before_boarding" ;
            interop:transfersAllowed 1 ;
            interop:transferDuration 5400 .
        """,
    ),
    (
        "service_calendar",
        ServiceCalendar(
            id=GTFS + "service:wk", monday=True, tuesday=True, wednesday=True,
            thursday=True, friday=False, saturday=False, sunday=True,
            start_date=date(2024, 1, 1), end_date=date(2024, 12, 31),
        ),
        """
        <urn:x:gtfs:service:wk> a interop:ServiceCalendar ;
            interop:monday true ; interop:tuesday true ; interop:wednesday true ;
            interop:thursday true ; interop:friday false ; interop:saturday false ;
            interop:sunday true ;
            interop:startDate "2024-01-01"^^xsd:date ;
            interop:endDate "2024-12-31"^^xsd:date .
        """,
    ),
]  # fmt: skip


def _lines(graph: Graph) -> list[str]:
    return sorted(graph.serialize(format="nt").splitlines())


@pytest.mark.parametrize(("record", "turtle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_record_gives_exactly_the_hand_written_triples(record: Record, turtle: str) -> None:
    expected = Graph().parse(data=PREFIXES + turtle, format="turtle")
    actual = to_graph([record])
    if to_isomorphic(expected) == to_isomorphic(actual):
        return
    _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    pytest.fail(
        f"the RDF of the {record.kind} differs from the hand-written triples\n"
        "missing:\n  "
        + "\n  ".join(_lines(missing))
        + "\nunexpected:\n  "
        + "\n  ".join(_lines(extra))
    )


JSON_LISTS = [
    (
        Shape(
            id=GTFS + "shape:sh1",
            points=(
                ShapePoint(lat=51.4769, lon=-0.00005, sequence=1),
                ShapePoint(lat=51.47712, lon=0.0012, sequence=2),
            ),
        ),
        "https://w3id.org/interop/ontology#shapePoints",
    ),
    (
        TripUpdate(
            id="urn:x:tu:1", journey=GTFS + "trip:t1", timestamp=AT,
            stop_time_updates=(StopTimeUpdate(stop_sequence=1, stop=GTFS + "stop:s1"),),
        ),
        "https://w3id.org/interop/ontology#stopTimeUpdates",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("record", "predicate"), JSON_LISTS, ids=["shape", "trip_update"])
def test_a_json_list_literal_reads_back_and_anything_else_is_refused(
    record: Record, predicate: str
) -> None:
    graph = to_graph([record])
    assert from_graph(graph) == [record]
    (node, literal), *_ = graph.subject_objects(URIRef(predicate))
    for wrong in ('{"points": []}', '[{"not": "a point"}]'):
        graph.set((node, URIRef(predicate), Literal(wrong, datatype=literal.datatype)))
        with pytest.raises(ValidationError):
            from_graph(graph)


def test_a_translated_text_reads_back_and_anything_else_is_refused() -> None:
    from interop.model.realtime import ServiceAlert

    alert = ServiceAlert(id="urn:x:alert:1", header={"en": "Stop moved", "fr": "Arrêt déplacé"})
    graph = to_graph([alert])
    assert from_graph(graph) == [alert]
    predicate = URIRef("https://w3id.org/interop/ontology#headerText")
    (node, literal), *_ = graph.subject_objects(predicate)
    for wrong in ('["Stop moved"]', '{"en": 1}'):
        graph.set((node, predicate, Literal(wrong, datatype=literal.datatype)))
        with pytest.raises(ValidationError):
            from_graph(graph)
