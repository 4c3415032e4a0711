"""Every listed Smart Data Model is produced, validates against its JSON Schema, and the
normalized, concise and keyValues forms of one entity expand to the same triples."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from interop_ngsild.contexts import SDM_CONTEXT, OfflineLoader, to_nquads
from interop_ngsild.decoder import from_entities, from_entity, record_order, relationships_of
from interop_ngsild.documents import represent
from interop_ngsild.encoder import to_entities
from interop_ngsild.measurements import choose_models
from interop_ngsild.representation import Representation, normalize
from interop_ngsild.schemas import SchemaStore

from interop.model.base import Point
from interop.model.device import Device, DeviceKind
from interop.model.lighting import LightPoint
from interop.model.observation import Measurement
from interop.model.place import Place
from interop.model.properties import INTEROP, S4WATR, SAREF
from interop.model.transit import (
    Call,
    ExceptionType,
    Frequency,
    Journey,
    Line,
    LocationType,
    Operator,
    ServiceCalendar,
    ServiceException,
    Shape,
    ShapePoint,
    Stop,
    Transfer,
    TransferType,
)
from interop.model.units import OM, QUDT

WHEN = datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
HERE = Point(lat=41.39, lon=2.17)


def _m(n: int, prop: str, value: float, unit: str, device: str, foi: str | None = None):
    return Measurement(
        id=f"urn:x:m:{n}",
        property=prop,
        value=value,
        unit=unit,
        timestamp=WHEN,
        device=device,
        feature_of_interest=foi,
    )


def _sensor(i: int) -> Device:
    return Device(
        id=f"urn:x:dev:{i}",
        device_kind=DeviceKind.SENSOR,
        location=HERE,
        measures=frozenset({SAREF + "Temperature"}),
    )


def _city() -> list:
    sensor = _sensor
    cabinet = Device(id="urn:x:cabinet:1", device_kind=DeviceKind.CONTROLLER, location=HERE)
    return [
        sensor(1),
        sensor(2),
        sensor(3),
        sensor(4),
        sensor(5),
        cabinet,
        _m(1, SAREF + "Temperature", 18.5, OM + "degreeCelsius", "urn:x:dev:1"),
        _m(2, SAREF + "Humidity", 60, OM + "percent", "urn:x:dev:1"),
        _m(3, INTEROP + "PM25Concentration", 9.5, QUDT + "MicroGM-PER-M3", "urn:x:dev:2"),
        _m(4, INTEROP + "SoundPressureLevel", 61.0, OM + "decibel", "urn:x:dev:3"),
        _m(5, INTEROP + "WaterLevel", 1.2, OM + "metre", "urn:x:dev:4"),
        _m(6, S4WATR + "Conductivity", 3.0, OM + "one", "urn:x:dev:4"),
        _m(7, INTEROP + "FillLevel", 75, OM + "percent", "urn:x:dev:5", "urn:x:bin:1"),
        _m(8, INTEROP + "VehicleCount", 12, OM + "one", "urn:x:loop:1"),
        _m(9, SAREF + "Occupancy", 40, OM + "one", "urn:x:camera-free-counter:1"),
        _m(10, SAREF + "Power", 120.0, OM + "watt", "urn:x:meter:1"),
        _sensor(6),
        Place(
            id="urn:x:bay:17",
            name="A-17",
            point=Point(lat=41.392, lon=2.172),
            within="urn:ngsi-ld:OnStreetParking:x:diagonal",
        ),
        _m(11, SAREF + "Occupancy", 1, OM + "one", "urn:x:dev:6", "urn:x:bay:17"),
        LightPoint(
            id="urn:x:light:1",
            location=HERE,
            group="urn:x:group:1",
            cabinet="urn:x:cabinet:1",
            nominal_power=40.0,
        ),
        LightPoint(
            id="urn:x:light:2",
            location=Point(lat=41.391, lon=2.171),
            group="urn:x:group:1",
            cabinet="urn:x:cabinet:1",
        ),
        Operator(id="urn:x:agency:1", name="TMB", url="https://tmb.cat", timezone="Europe/Madrid"),
        Stop(id="urn:x:station:1", name="Diagonal", point=HERE, location_type=LocationType.STATION),
        Stop(id="urn:x:stop:1", name="Diagonal L3", point=HERE, parent_station="urn:x:station:1"),
        Line(id="urn:x:route:1", short_name="L3", route_type=1, operator="urn:x:agency:1"),
        ServiceCalendar(
            id="urn:x:service:1",
            monday=True,
            tuesday=True,
            wednesday=True,
            thursday=True,
            friday=True,
            saturday=False,
            sunday=False,
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
        ),
        ServiceException(
            id="urn:x:exc:1",
            service="urn:x:service:1",
            service_date=date(2026, 5, 1),
            exception=ExceptionType.REMOVED,
        ),
        Journey(
            id="urn:x:trip:1",
            line="urn:x:route:1",
            service="urn:x:service:1",
            shape="urn:x:shape:1",
        ),
        Call(
            id="urn:x:call:1",
            journey="urn:x:trip:1",
            stop="urn:x:stop:1",
            sequence=1,
            arrival=8 * 3600,
            departure=8 * 3600 + 30,
        ),
        Shape(
            id="urn:x:shape:1",
            points=(
                ShapePoint(lat=41.39, lon=2.17, sequence=1, distance_traveled=0.0),
                ShapePoint(lat=41.40, lon=2.18, sequence=2, distance_traveled=1.4),
            ),
        ),
        Frequency(
            id="urn:x:freq:1",
            journey="urn:x:trip:1",
            start_time=6 * 3600,
            end_time=9 * 3600,
            headway=300,
        ),
        Transfer(
            id="urn:x:transfer:1",
            from_stop="urn:x:stop:1",
            to_stop="urn:x:station:1",
            transfer_type=TransferType.MINIMUM_TIME,
            min_transfer_time=120,
        ),
    ]


EXPECTED_TYPES = {
    "Device",
    "DeviceMeasurement",
    "WeatherObserved",
    "AirQualityObserved",
    "NoiseLevelObserved",
    "WaterObserved",
    "Streetlight",
    "StreetlightGroup",
    "StreetlightControlCabinet",
    "ParkingSpot",
    "WasteContainer",
    "TrafficFlowObserved",
    "CrowdFlowObserved",
    "GtfsAgency",
    "GtfsStop",
    "GtfsStation",
    "GtfsRoute",
    "GtfsTrip",
    "GtfsStopTime",
    "GtfsService",
    "GtfsCalendarRule",
    "GtfsCalendarDateRule",
    "GtfsShape",
    "GtfsFrequency",
    "GtfsTransferRule",
}


def test_every_listed_model_is_produced_and_validates(models_dir: Path) -> None:
    entities = to_entities(_city())
    assert {entity["type"] for entity in entities} >= EXPECTED_TYPES
    store = SchemaStore(models_dir)
    for entity in entities:
        if entity["type"].startswith("interop:"):
            continue
        simple = represent(entity, Representation.KEY_VALUES, context=False)
        assert store.errors(simple) == [], entity["type"]


@pytest.mark.parametrize("representation", [Representation.NORMALIZED, Representation.CONCISE])
def test_the_city_comes_back_record_for_record(representation: Representation) -> None:
    city = _city()
    documents = [represent(e, representation) for e in to_entities(city)]
    assert from_entities(documents, representation) == sorted(city, key=record_order)


def test_a_parking_spot_is_the_place_its_occupancy_readings_are_about() -> None:
    entities = {entity["id"]: entity for entity in to_entities(_city())}
    spot = entities["urn:x:bay:17"]
    assert spot["type"] == "ParkingSpot"
    assert spot["status"]["value"] == "occupied"
    assert spot["status"]["observedAt"] == "2026-05-04T08:30:00Z"
    assert spot["category"]["value"] == ["onStreet"]
    assert spot["refParkingSite"]["object"] == "urn:ngsi-ld:OnStreetParking:x:diagonal"
    assert entities["urn:x:m:11"]["type"] == "DeviceMeasurement"
    alone = to_entities([_city_place()])
    assert alone[0]["status"] == {"type": "Property", "value": "unknown"}
    room = _city_place().model_copy(update={"within": "urn:x:building:1"})
    assert to_entities([room])[0]["type"] == "interop:Place"


def _city_place() -> Place:
    return next(r for r in _city() if isinstance(r, Place))


def test_a_foreign_parking_spot_keeps_its_status_and_category(models_dir: Path) -> None:
    path = models_dir / "Parking" / "ParkingSpot" / "example-normalized.jsonld"
    (place,) = from_entity(orjson.loads(path.read_bytes()))
    assert isinstance(place, Place)
    assert place.within == "urn:ngsi-ld:ParkingSite:santander:daoiz_velarde_1_5"
    assert place.name == "A-13"
    kept = place.extensions["ngsild"]
    assert kept["category"]["value"] == ["onStreet"]
    assert kept["status"]["value"] == "free"
    (again,) = to_entities([place])
    assert again["type"] == "ParkingSpot"
    assert again["status"]["parkingPermit"]["value"] == "yes"
    simple = represent(again, Representation.KEY_VALUES, context=False)
    assert SchemaStore(models_dir).errors(simple) == []
    assert from_entity(again) == [place]


def test_a_lone_temperature_is_weather_not_a_waste_container() -> None:
    (model, props), *rest = choose_models({SAREF + "Temperature": 4.0}, located=True)
    assert model is not None
    assert model.entity_type == "WeatherObserved"
    assert rest == []
    fill = {INTEROP + "FillLevel": 80, SAREF + "Temperature": 4.0}
    (model, props), *rest = choose_models(fill, located=True)
    assert model is not None
    assert model.entity_type == "WasteContainer"
    assert len(props) == 2


def _loader(models_dir: Path) -> OfflineLoader:
    return OfflineLoader({SDM_CONTEXT: models_dir / "_common" / "context.jsonld"})


@pytest.mark.parametrize("entity_type", sorted(EXPECTED_TYPES))
def test_three_forms_expand_to_the_same_triples(models_dir: Path, entity_type: str) -> None:
    """Concise and keyValues read back (spec inference) give the normalized form's triples.

    keyValues drops ``unitCode`` and ``observedAt``, so entities holding measured values are
    compared in normalized and concise form only.
    """
    entity = next(e for e in to_entities(_city()) if e["type"] == entity_type)
    loader = _loader(models_dir)
    normalized = to_nquads(represent(entity, Representation.NORMALIZED), loader)
    concise = represent(entity, Representation.CONCISE)
    assert to_nquads(normalize(concise, Representation.CONCISE), loader) == normalized
    measured = any(isinstance(v, dict) and "observedAt" in v for v in entity.values())
    if not measured:
        simple = represent(entity, Representation.KEY_VALUES)
        again = normalize(simple, Representation.KEY_VALUES, relationships_of(entity_type))
        assert to_nquads(again, loader) == normalized
