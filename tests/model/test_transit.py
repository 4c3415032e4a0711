"""The canonical transit model (GTFS static): GTFS rules, times past midnight, RDF forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from interop.errors import ValidationError
from interop.model import Point, RecordAdapter
from interop.model.transit import (
    Attribution,
    Call,
    FareAttribute,
    Frequency,
    Line,
    LocationType,
    ServiceCalendar,
    ServiceTime,
    Shape,
    ShapePoint,
    Stop,
    Translation,
    format_service_time,
    parse_service_time,
)
from interop.rdf import from_graph, to_graph, validate
from interop.rdf.namespaces import INTEROP

_P = Point(lat=48.85, lon=2.35)


def _call(**kwargs: object) -> Call:
    fields: dict[str, object] = {
        "id": "urn:interop:call:test:1",
        "journey": "urn:interop:journey:test:1",
        "stop": "urn:interop:stop:test:1",
        "sequence": 1,
    }
    return Call.model_validate(fields | kwargs)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:00", 0), ("8:05:09", 29109), ("23:59:59", 86399), ("24:00:00", 86400),
     ("25:35:00", 92100), ("47:59:59", 172799)],
)  # fmt: skip
def test_service_times_past_midnight(text: str, seconds: int) -> None:
    assert parse_service_time(text) == seconds
    assert format_service_time(seconds) == text.zfill(8)
    assert _call(arrival=text, departure=seconds).arrival == seconds


@given(st.integers(0, 999 * 3600))
def test_service_time_text_round_trip(seconds: int) -> None:
    assert parse_service_time(format_service_time(seconds)) == seconds
    assert pydantic.TypeAdapter(ServiceTime).validate_python(seconds) == seconds


@pytest.mark.parametrize("bad", ["25:60:00", "1:2:3", "-01:00:00", "noon", -1, True, 1.5])
def test_malformed_service_times_are_refused(bad: object) -> None:
    with pytest.raises(pydantic.ValidationError):
        _call(arrival=bad)


def test_call_departs_after_it_arrives() -> None:
    with pytest.raises(pydantic.ValidationError, match="departure is before arrival"):
        _call(arrival="25:00:00", departure="24:59:00")
    with pytest.raises(pydantic.ValidationError):
        _call(sequence=-1)


def test_call_past_midnight_round_trips_through_json_and_rdf() -> None:
    call = _call(arrival="25:35:00", departure="25:36:00", pickup_type="phone_agency")
    assert RecordAdapter.validate_json(call.model_dump_json()) == call
    graph = to_graph([call])
    assert (URIRef(call.id), INTEROP.arrivalTime, Literal(92100)) in graph
    assert from_graph(graph) == [call]
    assert validate(graph).conforms


def _stop(**kwargs: object) -> Stop:
    return Stop.model_validate({"id": "urn:interop:stop:test:s"} | kwargs)


def test_stop_rules_by_location_type() -> None:
    assert _stop(name="Gare", point=_P).location_type is None
    station = _stop(location_type="station", name="Gare", point=_P)
    assert station.location_type is LocationType.STATION
    node = _stop(location_type="generic_node", parent_station="urn:interop:stop:test:p")
    assert node.point is None
    with pytest.raises(pydantic.ValidationError, match="needs a name and a point"):
        _stop(name="Gare")
    with pytest.raises(pydantic.ValidationError, match="has no parent_station"):
        _stop(location_type="station", name="G", point=_P, parent_station="urn:x:p")
    with pytest.raises(pydantic.ValidationError, match="needs a parent_station"):
        _stop(location_type="entrance", name="Sortie 1", point=_P)
    with pytest.raises(pydantic.ValidationError):
        _stop(name="x", point={"lat": 91, "lon": 0})


def _line(**kwargs: object) -> Line:
    return Line.model_validate({"id": "urn:x:l", "short_name": "1", "route_type": 3} | kwargs)


@pytest.mark.parametrize("route_type", [0, 7, 11, 12, 100, 700, 1702, 1799])
def test_basic_and_extended_route_types(route_type: int) -> None:
    assert _line(route_type=route_type).route_type == route_type


@pytest.mark.parametrize("route_type", [-1, 8, 10, 13, 99, 1800])
def test_unknown_route_types_are_refused(route_type: int) -> None:
    with pytest.raises(pydantic.ValidationError, match="route_type"):
        _line(route_type=route_type)


def test_line_colours_and_names() -> None:
    assert _line(color="FFcc00", text_color="000000").color == "FFcc00"
    for bad in ("#FFCC00", "FFF", "GGGGGG", "FFCC001"):
        with pytest.raises(pydantic.ValidationError):
            _line(color=bad)
    with pytest.raises(pydantic.ValidationError, match="short name or a long name"):
        _line(short_name=None)


def test_calendar_dates_are_ordered() -> None:
    days = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), True)
    weekend = {"saturday": False, "sunday": False}
    calendar = ServiceCalendar(
        id="urn:x:c", **days, **weekend, start_date="2024-01-01", end_date=date(2024, 12, 31)
    )
    assert calendar.start_date == date(2024, 1, 1)
    assert from_graph(to_graph([calendar])) == [calendar]
    with pytest.raises(pydantic.ValidationError, match="end_date is before start_date"):
        ServiceCalendar(
            id="urn:x:c", **days, **weekend, start_date="2024-02-01", end_date="2024-01-01"
        )


def test_shape_points_are_ordered_and_round_trip() -> None:
    points = (
        ShapePoint(lat=48.1, lon=2.1, sequence=1, distance_traveled=0.0),
        ShapePoint(lat=48.2, lon=2.2, sequence=5, distance_traveled=12.5),
    )
    shape = Shape(id="urn:x:shape", points=points)
    graph = to_graph([shape])
    assert from_graph(graph) == [shape]
    assert validate(graph).conforms
    with pytest.raises(pydantic.ValidationError, match="strictly increase"):
        Shape(id="urn:x:shape", points=(points[1], points[0]))
    with pytest.raises(pydantic.ValidationError):
        Shape(id="urn:x:shape", points=points[:1])


def test_frequency_window_may_pass_midnight() -> None:
    frequency = Frequency(
        id="urn:x:f", journey="urn:x:j", start_time="23:00:00", end_time="26:00:00", headway=600
    )
    assert frequency.end_time == 26 * 3600
    with pytest.raises(pydantic.ValidationError):
        Frequency(id="urn:x:f", journey="urn:x:j", start_time=10, end_time=20, headway=0)


def test_fare_price_is_an_exact_decimal_in_rdf() -> None:
    fare = FareAttribute(id="urn:x:fare", price="1.50", currency="EUR", payment_method="on_board")
    assert fare.price == Decimal("1.50")
    graph = to_graph([fare])
    assert (URIRef(fare.id), INTEROP.price, Literal("1.50", datatype=XSD.decimal)) in graph
    assert from_graph(graph) == [fare]
    assert validate(graph).conforms
    graph.set((URIRef(fare.id), INTEROP.price, Literal("1.5", datatype=XSD.double)))
    with pytest.raises(ValidationError, match="expected datatype"):
        from_graph(graph)
    with pytest.raises(pydantic.ValidationError):
        FareAttribute(id="urn:x:f", price="1.5", currency="eur", payment_method="on_board")


def test_attribution_needs_a_role_and_translation_one_selector() -> None:
    with pytest.raises(pydantic.ValidationError, match="producer, an operator or an authority"):
        Attribution(id="urn:x:a", organization_name="Region", is_producer=False)
    with pytest.raises(pydantic.ValidationError, match="not both"):
        Translation(
            id="urn:x:t",
            table_name="stops",
            field_name="stop_name",
            language="fr",
            translation="Gare",
            record="urn:x:s",
            field_value="Station",
        )
