"""Known answers: a small feed written by hand from the GTFS Schedule reference.

Every column of every row holds a distinct value, chosen so that a swapped column or a
wrong code table shows (``wheelchair_accessible`` 1 and ``bikes_allowed`` 2, pickup 2 and
drop-off 3), with the number forms the reference allows and a writer must keep: a time past
midnight (``25:05:00``), a longitude of ``-0.00005`` written without exponent, a price
``1.50`` with its trailing zero, a negative level index and stair count, colours in
upper-case hex. :data:`RECORDS` are the canonical records the reference says these rows
mean (code values per the reference's tables), written by hand, not by the reader; the
writer must write them back as exactly :data:`FEED`, byte for byte (UTF-8, CRLF, id column
first, then the other columns in the reference's order, only the columns used).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from interop.adapters import DecodeContext
from interop.model.base import Point, Provenance
from interop.model.realtime import (
    ActivePeriod,
    AlertCause,
    AlertEffect,
    InformedEntity,
    ServiceAlert,
    SeverityLevel,
    TripDescriptor,
    VehiclePosition,
    VehicleStopStatus,
)
from interop.model.records import Record
from interop.model.transit import (
    Availability,
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
)
from interop.testing.cases import DatasetKnownAnswer, KnownAnswer

__all__ = ["FEED", "NAMESPACE", "RECORDS", "known_answers", "realtime_known_answers"]

NAMESPACE = "known-answer-transit"
"""The feed namespace: the slug of ``feed_publisher_name`` (the feed's own identity)."""


def _file(*lines: str) -> bytes:
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


FEED: dict[str, bytes] = {
    "agency.txt": _file(
        "agency_id,agency_name,agency_url,agency_timezone,agency_lang,agency_phone,"
        "agency_fare_url,agency_email",
        "KAT,Known Answer Transit,https://kat.example.org,Europe/Brussels,nl,+32 2 555 01 01,"
        "https://kat.example.org/fares,info@kat.example.org",
    ),
    "levels.txt": _file("level_id,level_index,level_name", "L-1,-1.5,Underground"),
    "stops.txt": _file(
        "stop_id,stop_code,stop_name,tts_stop_name,stop_desc,stop_lat,stop_lon,zone_id,"
        "stop_url,location_type,parent_station,stop_timezone,wheelchair_boarding,level_id,"
        "platform_code",
        "STN,,Central Station,,,50.845,4.357,,,1,,,,,",
        "P2,C2,Central Platform 2,Central platform two,Towards the harbour,50.84512,4.35701,"
        "Z1,https://kat.example.org/stops/P2,0,STN,Europe/Amsterdam,2,L-1,2b",
    ),
    "routes.txt": _file(
        "route_id,agency_id,route_short_name,route_long_name,route_desc,route_type,route_url,"
        "route_color,route_text_color,route_sort_order,continuous_pickup,continuous_drop_off,"
        "network_id",
        "R12,KAT,12,Harbour - Central,Night line,3,https://kat.example.org/r12,0A7F3C,FFFFFF,"
        "5,1,3,NET1",
    ),
    "trips.txt": _file(
        "trip_id,route_id,service_id,trip_headsign,trip_short_name,direction_id,block_id,"
        "shape_id,wheelchair_accessible,bikes_allowed",
        "T1,R12,WK,Harbour,N12,1,B7,SH1,1,2",
    ),
    "stop_times.txt": _file(
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,stop_headsign,pickup_type,"
        "drop_off_type,continuous_pickup,continuous_drop_off,shape_dist_traveled,timepoint",
        "T1,25:05:00,25:06:30,P2,4,Central,2,3,1,0,1234.5,0",
    ),
    "calendar.txt": _file(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date",
        "WK,1,0,1,1,0,0,1,20240101,20241231",
    ),
    "calendar_dates.txt": _file("service_id,date,exception_type", "WK,20241225,2"),
    "fare_attributes.txt": _file(
        "fare_id,price,currency_type,payment_method,transfers,agency_id,transfer_duration",
        "F1,1.50,EUR,1,2,KAT,5400",
    ),
    "fare_rules.txt": _file(
        "fare_id,route_id,origin_id,destination_id,contains_id", "F1,R12,Z1,Z2,Z3"
    ),
    "shapes.txt": _file(
        "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled",
        "SH1,51.4769,-0.00005,1,0.0",
        "SH1,51.47712,0.0012,2,25.75",
    ),
    "frequencies.txt": _file(
        "trip_id,start_time,end_time,headway_secs,exact_times", "T1,06:00:00,24:30:00,600,1"
    ),
    "transfers.txt": _file(
        "from_stop_id,to_stop_id,transfer_type,min_transfer_time", "P2,STN,2,180"
    ),
    "pathways.txt": _file(
        "pathway_id,from_stop_id,to_stop_id,pathway_mode,is_bidirectional,length,"
        "traversal_time,stair_count,max_slope,min_width,signposted_as,reversed_signposted_as",
        "PW1,STN,P2,2,1,12.5,45,-20,0.08,1.2,Platform 2,Exit",
    ),
    "feed_info.txt": _file(
        "feed_publisher_name,feed_publisher_url,feed_lang,default_lang,feed_start_date,"
        "feed_end_date,feed_version,feed_contact_email,feed_contact_url",
        "Known Answer Transit,https://kat.example.org/data,nl,en,20240102,20241230,2024.1,"
        "data@kat.example.org,https://kat.example.org/contact",
    ),
}
"""The feed, file by file, as a writer must write it (and as the reader reads it)."""


def _iri(kind: str, local: str) -> str:
    """``urn:interop:<kind>:<namespace>:<local>``, ``local`` already percent-escaped."""
    return f"urn:interop:{kind}:{NAMESPACE}:{local}"


AGENCY, STATION, PLATFORM = _iri("agency", "KAT"), _iri("stop", "STN"), _iri("stop", "P2")
ROUTE, TRIP, SERVICE = _iri("route", "R12"), _iri("trip", "T1"), _iri("service", "WK")

RECORDS: list[Record] = [
    Operator(
        id=AGENCY, name="Known Answer Transit", url="https://kat.example.org",
        timezone="Europe/Brussels", language="nl", phone="+32 2 555 01 01",
        fare_url="https://kat.example.org/fares", email="info@kat.example.org",
    ),
    Level(id=_iri("level", "L-1"), index=-1.5, name="Underground"),
    Stop(
        id=STATION, name="Central Station", point=Point(lat=50.845, lon=4.357),
        location_type=LocationType.STATION,
    ),
    Stop(
        id=PLATFORM, code="C2", name="Central Platform 2", tts_name="Central platform two",
        description="Towards the harbour", point=Point(lat=50.84512, lon=4.35701),
        zone_id="Z1", url="https://kat.example.org/stops/P2", location_type=LocationType.STOP,
        parent_station=STATION, timezone="Europe/Amsterdam",
        wheelchair_boarding=Availability.NOT_AVAILABLE, level=_iri("level", "L-1"),
        platform_code="2b",
    ),
    Line(
        id=ROUTE, operator=AGENCY, short_name="12", long_name="Harbour - Central",
        description="Night line", route_type=3, url="https://kat.example.org/r12",
        color="0A7F3C", text_color="FFFFFF", sort_order=5,
        continuous_pickup=PickupDropOff.NONE,
        continuous_drop_off=PickupDropOff.COORDINATE_WITH_DRIVER, network_id="NET1",
    ),
    Journey(
        id=TRIP, line=ROUTE, service=SERVICE, headsign="Harbour", short_name="N12",
        direction=DirectionType.INBOUND, block_id="B7", shape=_iri("shape", "SH1"),
        wheelchair_accessible=Availability.AVAILABLE,
        bikes_allowed=Availability.NOT_AVAILABLE,
    ),
    Call(
        id=_iri("stop_time", "T1%2F4"), journey=TRIP, arrival=25 * 3600 + 5 * 60,
        departure=25 * 3600 + 6 * 60 + 30, stop=PLATFORM, sequence=4, headsign="Central",
        pickup_type=PickupDropOff.PHONE_AGENCY,
        drop_off_type=PickupDropOff.COORDINATE_WITH_DRIVER,
        continuous_pickup=PickupDropOff.NONE, continuous_drop_off=PickupDropOff.REGULAR,
        distance_traveled=1234.5, timepoint=False,
    ),
    ServiceCalendar(
        id=SERVICE, monday=True, tuesday=False, wednesday=True, thursday=True, friday=False,
        saturday=False, sunday=True, start_date=date(2024, 1, 1), end_date=date(2024, 12, 31),
    ),
    ServiceException(
        id=_iri("calendar_date", "WK%2F20241225"), service=SERVICE,
        service_date=date(2024, 12, 25), exception=ExceptionType.REMOVED,
    ),
    FareAttribute(
        id=_iri("fare", "F1"), price=Decimal("1.50"), currency="EUR",
        payment_method=PaymentMethod.BEFORE_BOARDING, transfers=2, operator=AGENCY,
        transfer_duration=5400,
    ),
    FareRule(
        id=_iri("fare_rule", "F1%2FR12%2FZ1%2FZ2%2FZ3"), fare=_iri("fare", "F1"), line=ROUTE,
        origin_zone="Z1", destination_zone="Z2", contains_zone="Z3",
    ),
    Shape(
        id=_iri("shape", "SH1"),
        points=(
            ShapePoint(lat=51.4769, lon=-0.00005, sequence=1, distance_traveled=0.0),
            ShapePoint(lat=51.47712, lon=0.0012, sequence=2, distance_traveled=25.75),
        ),
    ),
    Frequency(
        id=_iri("frequency", "T1%2F06%3A00%3A00"), journey=TRIP, start_time=6 * 3600,
        end_time=24 * 3600 + 30 * 60, headway=600, exact_times=True,
    ),
    Transfer(
        id=_iri("transfer", "P2%2FSTN%2F%2F%2F%2F"), from_stop=PLATFORM, to_stop=STATION,
        transfer_type=TransferType.MINIMUM_TIME, min_transfer_time=180,
    ),
    Pathway(
        id=_iri("pathway", "PW1"), from_stop=STATION, to_stop=PLATFORM,
        mode=PathwayMode.STAIRS, bidirectional=True, length=12.5, traversal_time=45,
        stair_count=-20, max_slope=0.08, min_width=1.2, signposted_as="Platform 2",
        reversed_signposted_as="Exit",
    ),
    FeedInfo(
        id=_iri("feed_info", "Known%20Answer%20Transit"),
        publisher_name="Known Answer Transit", publisher_url="https://kat.example.org/data",
        language="nl", default_language="en", start_date=date(2024, 1, 2),
        end_date=date(2024, 12, 30), version="2024.1", contact_email="data@kat.example.org",
        contact_url="https://kat.example.org/contact",
    ),
]  # fmt: skip
"""What the reference says :data:`FEED` means, record by record."""


def known_answers() -> list[DatasetKnownAnswer]:
    """The GTFS reader's and writer's known answer: :data:`FEED` <-> :data:`RECORDS`."""
    return [DatasetKnownAnswer("every-column", FEED, RECORDS, written=FEED)]


def realtime_known_answers(ctx: DecodeContext) -> list[KnownAnswer]:
    """Known answers of the GTFS-Realtime codec for its vehicle and alert examples.

    Read from the GTFS-Realtime reference: POSIX times in UTC seconds, ``bearing`` in
    degrees clockwise from north, ``speed`` in metres per second, ``direction_id`` 1 the
    inbound direction, an untranslated text under the empty language tag; ids minted from
    the entity id in the default namespace ``gtfs``.
    """
    from interop_gtfs.realtime_conformance import example_messages

    examples = example_messages()

    def provenance(entity: str) -> Provenance:
        return Provenance(
            plugin="gtfs", plugin_version=_version(), source_system=ctx.source,
            original_id=entity, received_at=ctx.received_at,
        )  # fmt: skip

    noon = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)  # 1714564800
    vehicle = VehiclePosition(
        id="urn:interop:vehicle-position:gtfs:v-1", provenance=provenance("v-1"),
        extensions={"gtfs-rt": {"header": {"gtfs_realtime_version": "2.0",
                                           "incrementality": "DIFFERENTIAL"}}},
        vehicle_id="4711", vehicle_label="Tram 11", line="urn:interop:route:gtfs:R1",
        direction=DirectionType.INBOUND, point=Point(lat=50.5, lon=4.25), bearing=90.0,
        speed=8.5, stop="urn:interop:stop:gtfs:S1",
        current_status=VehicleStopStatus.STOPPED_AT, occupancy_percentage=35, timestamp=noon,
    )  # fmt: skip
    alert = ServiceAlert(
        id="urn:interop:service-alert:gtfs:a-1", provenance=provenance("a-1"),
        extensions={"gtfs-rt": {"header": {"gtfs_realtime_version": "2.0"}}},
        active_periods=(
            ActivePeriod(start=noon, end=datetime(2024, 5, 1, 21, 46, 40, tzinfo=UTC)),
        ),
        informed_entities=(
            InformedEntity(line="urn:interop:route:gtfs:R1"),
            InformedEntity(
                trip=TripDescriptor(journey="urn:interop:trip:gtfs:T1"),
                stop="urn:interop:stop:gtfs:S1",
            ),
        ),
        cause=AlertCause.CONSTRUCTION, effect=AlertEffect.DETOUR,
        header={"en": "Stop moved", "fr": "Arrêt déplacé"},
        description={"": "Use the temporary stop."}, severity=SeverityLevel.WARNING,
    )  # fmt: skip
    return [
        KnownAnswer("vehicle-position", examples[1], [vehicle]),
        KnownAnswer("service-alert", examples[2], [alert]),
    ]


def _version() -> str:
    from interop_gtfs.manifest import MANIFEST

    return MANIFEST.version
