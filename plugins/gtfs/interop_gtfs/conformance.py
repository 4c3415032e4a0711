"""What the conformance kit needs to test this plugin: a strategy of small feeds, samples.

Imported only by the ``interop_conformance_cases`` hook and by tests, because it needs
Hypothesis, which the plugin does not need at run time. :func:`feeds` draws referentially
consistent small feeds as canonical records exactly as :class:`~interop_gtfs.GtfsReader`
reads them back: agencies, levels, stations and stops, lines, calendars and exceptions,
journeys with calls of increasing sequence and time, shapes, frequencies, transfers,
pathways, fares, feed info, attributions, translations, an extension column and an unknown
file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from interop.model.base import Point, RecordBase
from interop.model.records import Record
from interop.model.transit import (
    Attribution,
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
    Translation,
)
from interop.testing.cases import DatasetCase
from interop_gtfs.columns import SPEC_BY_MODEL
from interop_gtfs.demo import sample_feed
from interop_gtfs.expected import known_answers
from interop_gtfs.ids import FeedNamespace, gtfs_iri
from interop_gtfs.manifest import PLUGIN
from interop_gtfs.reader import FILES_NAMESPACE, GtfsReader, derived_local_id
from interop_gtfs.writer import GtfsWriter

__all__ = ["KIT_NAMESPACE", "conformance_cases", "feeds", "with_derived_id"]

KIT_NAMESPACE = "dataset"
"""The namespace of drawn feeds: their publisher and first agency are named after it, so
the reader derives it back from the feed's identity (:mod:`interop_gtfs.identity`)."""

_IDS = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]) | st.sampled_from('-_ ,"/:'),
    min_size=1,
    max_size=6,
)
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
_ROUTE_TYPES = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 100, 700, 1799])
_DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
_COLOURS = st.from_regex(r"[0-9A-Fa-f]{6}", fullmatch=True)
_FLOATS = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


def _identity(namespace: str) -> st.SearchStrategy[str]:
    """Names the reader turns into ``namespace`` (publisher, first agency: the feed identity)."""
    return st.sampled_from([namespace, namespace.title(), f" {namespace.upper()} !"])


def with_derived_id(record: RecordBase, namespace: str) -> RecordBase:
    """``record`` with the id the reader derives for a row without an id column."""
    spec = SPEC_BY_MODEL[type(record)]
    kind = spec.key_kind or spec.id_kind
    local = derived_local_id(spec, record, record, FeedNamespace(namespace), record.kind)
    return record.model_copy(update={"id": gtfs_iri(kind, namespace, local)})


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def feeds(draw: st.DrawFn, namespace: str = KIT_NAMESPACE) -> list[Record]:
    """A small, referentially consistent feed, as the reader reads it in ``namespace``."""

    def iri(kind: str, local: str) -> str:
        return gtfs_iri(kind, namespace, local)

    def unique_ids(min_size: int, max_size: int) -> list[str]:
        ids: list[str] = draw(st.lists(_IDS, min_size=min_size, max_size=max_size, unique=True))
        return ids

    records: list[Any] = []
    operators = [
        Operator(
            id=iri("agency", local),
            name=draw(_identity(namespace) if index == 0 else _TEXT),
            url="https://transit.example.org",
            timezone=draw(st.sampled_from(["Europe/Brussels", "America/New_York"])),
            language=draw(_maybe(st.sampled_from(["en", "fr", "nl"]))),
            phone=draw(_maybe(_TEXT)),
        )
        for index, local in enumerate(draw(st.sampled_from([[""], ["A"], ["A", "B"]])))
    ]
    if draw(st.booleans()):
        unknown = {"notes.txt": {"text": draw(st.text(max_size=20))}}
        if draw(st.booleans()):
            unknown["logo.bin"] = {"base64": "/9j/4AAQ"}
        operators[0] = operators[0].model_copy(update={"extensions": {FILES_NAMESPACE: unknown}})
    records += operators
    agency_refs = [op.id for op in operators if op.id != iri("agency", "")]

    level = Level(id=iri("level", "L0"), index=draw(st.sampled_from([0.0, -1.0, 1.5])))
    records.append(level)
    stop_ids = unique_ids(1, 4)
    extension = draw(st.booleans())

    def shelter(value: str) -> dict[str, dict[str, Any]]:
        return {PLUGIN: {"x_shelter": value}} if extension else {}

    station = iri("stop", "station")
    records.append(
        Stop(
            id=station,
            location_type=LocationType.STATION,
            name=draw(_TEXT),
            point=Point(lat=draw(st.floats(-90, 90)), lon=draw(st.floats(-180, 180))),
            extensions=shelter(""),
        )
    )
    stops: list[str] = []
    for local in stop_ids:
        stop = Stop(
            id=iri("stop", "s" + local),
            location_type=draw(st.sampled_from([None, LocationType.STOP])),
            name=draw(_TEXT),
            code=draw(_maybe(_IDS)),
            point=Point(lat=draw(st.floats(-90, 90)), lon=draw(st.floats(-180, 180))),
            parent_station=draw(_maybe(st.just(station))),
            wheelchair_boarding=draw(_maybe(st.sampled_from(Availability))),
            level=draw(_maybe(st.just(level.id))),
            extensions=shelter(draw(st.sampled_from(["", "yes", "no"]))),
        )
        stops.append(stop.id)
        records.append(stop)
    node = Stop(
        id=iri("stop", "node"),
        location_type=LocationType.GENERIC_NODE,
        parent_station=station,
        extensions=shelter("lift"),
    )
    records.append(node)
    records.append(
        Pathway(
            id=iri("pathway", "P1"),
            from_stop=node.id,
            to_stop=stops[0],
            mode=draw(st.sampled_from(PathwayMode)),
            bidirectional=draw(st.booleans()),
            length=draw(_maybe(_FLOATS)),
            traversal_time=draw(_maybe(st.integers(1, 600))),
            stair_count=draw(_maybe(st.integers(-50, 50))),
        )
    )

    lines = []
    for local in unique_ids(1, 2):
        line = Line(
            id=iri("route", local),
            operator=draw(_maybe(st.sampled_from(agency_refs))) if agency_refs else None,
            short_name=draw(_maybe(_IDS)),
            long_name=draw(_TEXT),
            route_type=draw(_ROUTE_TYPES),
            color=draw(_maybe(_COLOURS)),
            sort_order=draw(_maybe(st.integers(0, 1000))),
            continuous_pickup=draw(_maybe(st.sampled_from(PickupDropOff))),
        )
        lines.append(line.id)
        records.append(line)

    service = iri("service", draw(_IDS))
    if draw(st.booleans()):
        start = draw(_DATES)
        records.append(
            ServiceCalendar(
                id=service,
                **{day: draw(st.booleans()) for day in _WEEK},
                start_date=start,
                end_date=draw(st.dates(min_value=start, max_value=date(2099, 12, 31))),
            )
        )
    for day in draw(st.lists(_DATES, min_size=1, max_size=3, unique=True)):
        exception = ServiceException(
            id=iri("calendar_date", "?"),
            service=service,
            service_date=day,
            exception=draw(st.sampled_from(ExceptionType)),
        )
        records.append(with_derived_id(exception, namespace))

    shape = None
    if draw(st.booleans()):
        count = draw(st.integers(2, 4))
        distances = sorted(draw(st.lists(_FLOATS, min_size=count, max_size=count)))
        shape = Shape(
            id=iri("shape", draw(_IDS)),
            points=tuple(
                ShapePoint(
                    lat=draw(st.floats(-90, 90)),
                    lon=draw(st.floats(-180, 180)),
                    sequence=index * 10,
                    distance_traveled=distances[index],
                )
                for index in range(count)
            ),
        )
        records.append(shape)

    journeys = []
    for local in unique_ids(1, 3):
        journey = Journey(
            id=iri("trip", local),
            line=draw(st.sampled_from(lines)),
            service=service,
            headsign=draw(_maybe(_TEXT)),
            direction=draw(_maybe(st.sampled_from(DirectionType))),
            shape=shape.id if shape is not None and draw(st.booleans()) else None,
            bikes_allowed=draw(_maybe(st.sampled_from(Availability))),
        )
        journeys.append(journey.id)
        records.append(journey)
        time = draw(st.integers(0, 30 * 3600))
        for sequence in sorted(draw(st.sets(st.integers(0, 1000), min_size=1, max_size=4))):
            arrival = time
            time += draw(st.integers(0, 300))
            call = Call(
                id=iri("stop_time", "?"),
                journey=journey.id,
                stop=draw(st.sampled_from(stops)),
                sequence=sequence,
                arrival=arrival,
                departure=time,
                pickup_type=draw(_maybe(st.sampled_from(PickupDropOff))),
                distance_traveled=draw(_maybe(_FLOATS)),
                timepoint=draw(_maybe(st.booleans())),
            )
            records.append(with_derived_id(call, namespace))
            time += draw(st.integers(60, 900))

    if draw(st.booleans()):
        begin = draw(st.integers(0, 20 * 3600))
        frequency = Frequency(
            id=iri("frequency", "?"),
            journey=journeys[0],
            start_time=begin,
            end_time=begin + draw(st.integers(0, 4 * 3600)),
            headway=draw(st.integers(1, 3600)),
            exact_times=draw(_maybe(st.booleans())),
        )
        records.append(with_derived_id(frequency, namespace))
    if draw(st.booleans()):
        transfer = Transfer(
            id=iri("transfer", "?"),
            from_stop=stops[0],
            to_stop=stops[-1],
            from_journey=draw(_maybe(st.sampled_from(journeys))),
            transfer_type=draw(st.sampled_from(TransferType)),
            min_transfer_time=draw(_maybe(st.integers(0, 3600))),
        )
        records.append(with_derived_id(transfer, namespace))
    if draw(st.booleans()):
        fare = FareAttribute(
            id=iri("fare", draw(_IDS)),
            price=draw(st.decimals(min_value=0, max_value=1000, places=2)),
            currency=draw(st.sampled_from(["EUR", "USD"])),
            payment_method=draw(st.sampled_from(PaymentMethod)),
            transfers=draw(_maybe(st.integers(0, 2))),
            operator=draw(_maybe(st.sampled_from(agency_refs))) if agency_refs else None,
        )
        records.append(fare)
        rule = FareRule(
            id=iri("fare_rule", "?"),
            fare=fare.id,
            line=draw(_maybe(st.sampled_from(lines))),
            origin_zone=draw(_maybe(_IDS)),
        )
        records.append(with_derived_id(rule, namespace))
    if draw(st.booleans()):
        feed = FeedInfo(
            id=iri("feed_info", "?"),
            publisher_name=draw(_identity(namespace)),
            publisher_url="https://data.example.org",
            language="en",
            version=draw(_maybe(_TEXT)),
            start_date=draw(_maybe(st.just(date(2026, 1, 1)))),
        )
        records.append(with_derived_id(feed, namespace))
    if draw(st.booleans()):
        attribution = Attribution(
            id=iri("attribution", "?"),
            organization_name=draw(_TEXT),
            line=draw(_maybe(st.sampled_from(lines))),
            is_producer=True,
            is_authority=draw(_maybe(st.booleans())),
        )
        if draw(st.booleans()):
            attribution = attribution.model_copy(update={"id": iri("attribution", draw(_IDS))})
        else:
            attribution = with_derived_id(attribution, namespace)  # type: ignore[assignment]
        records.append(attribution)
    if draw(st.booleans()):
        translation = Translation(
            id=iri("translation", "?"),
            table_name="stops",
            field_name="stop_name",
            language="fr",
            translation=draw(_TEXT),
            record=stops[0],
        )
        records.append(with_derived_id(translation, namespace))
    return records


_WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def conformance_cases() -> list[DatasetCase]:
    """The cases this plugin's ``interop_conformance_cases`` hook returns."""
    return [
        DatasetCase(
            reader=GtfsReader,
            writer=GtfsWriter,
            batches=feeds(),
            samples=(sample_feed(),),
            known_answers=known_answers(),
        )
    ]
