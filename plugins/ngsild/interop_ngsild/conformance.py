"""What the conformance kit needs to test this plugin: strategies and sample entities.

Imported only by the ``interop_conformance_cases`` hook and by tests (it needs Hypothesis).
Normalized and concise entities carry every record type losslessly; keyValues carries every
record except measurements, whose unit and time keyValues cannot state (the spec drops
``unitCode`` and ``observedAt`` there), so its batches leave measurements out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from hypothesis import strategies as st

from interop.model.base import Point
from interop.model.device import Device, DeviceKind
from interop.model.observation import Measurement
from interop.model.properties import INTEROP, SAREF
from interop.model.records import Record
from interop.model.transit import Stop
from interop.model.units import OM
from interop.testing import strategies as canonical
from interop.testing.cases import CodecCase, DatasetCase, DatasetKnownAnswer, KnownAnswer
from interop_ngsild.codec import (
    ConciseCodec,
    EntityReader,
    EntityWriter,
    KeyValuesCodec,
    NormalizedCodec,
)
from interop_ngsild.decoder import record_order
from interop_ngsild.documents import dump_entities
from interop_ngsild.measurements import OBSERVED
from interop_ngsild.representation import Representation

__all__ = [
    "batches",
    "city_batches",
    "conformance_cases",
    "dataset_known_answers",
    "known_answers",
    "observed_records",
    "parking_records",
    "sample_entities",
    "sample_files",
    "sample_records",
    "stop_times",
    "unrepresentable",
]


def _ordered(records: Sequence[Record]) -> list[Record]:
    return sorted(records, key=record_order)


_SPOTS = tuple(f"urn:interop:place:demo:bay-{index}" for index in range(3))
_SITES = ("urn:ngsi-ld:OnStreetParking:demo:high-street", "urn:ngsi-ld:OffStreetParking:demo:p1")


def parking_records(*, measurements: bool = True) -> st.SearchStrategy[Record]:
    """Parking spots (places within a parking site) and occupancy readings about them."""
    spots = st.builds(
        lambda place, spot, site: place.model_copy(update={"id": spot, "within": site}),
        canonical.places(),
        st.sampled_from(_SPOTS),
        st.sampled_from(_SITES),
    )
    readings = st.builds(
        lambda reading, spot: reading.model_copy(
            update={
                "property": SAREF + "Occupancy",
                "unit": OM + "one",
                "feature_of_interest": spot,
            }
        ),
        canonical.measurements(),
        st.sampled_from(_SPOTS),
    )
    return spots | readings if measurements else spots


_STATIONS = tuple(f"urn:interop:device:demo:station-{index}" for index in range(2))
_INSTANTS = (datetime(2026, 3, 1, 6, 0, tzinfo=UTC), datetime(2026, 3, 1, 6, 15, tzinfo=UTC))
_OBSERVED_ATTRS = tuple(attr for model in OBSERVED for attr in model.attrs)


def observed_records(*, measurements: bool = True) -> st.SearchStrategy[Record]:
    """Located stations and readings of the properties the observed Smart Data Models hold.

    Readings share stations and instants, so they group into ``WeatherObserved``,
    ``AirQualityObserved``, ``WasteContainer``, ... entities of several attributes.
    """
    stations = st.builds(
        lambda device, station, point: device.model_copy(update={"id": station, "location": point}),
        canonical.devices(),
        st.sampled_from(_STATIONS),
        canonical.points(),
    )
    readings = st.builds(
        lambda reading, attr, station, when, count: reading.model_copy(
            update={
                "property": attr.property,
                "unit": attr.key_values_unit,
                "device": station,
                "timestamp": when,
                **({"value": count} if count is not None else {}),
            }
        ),
        canonical.measurements(),
        st.sampled_from(_OBSERVED_ATTRS),
        st.sampled_from(_STATIONS),
        st.sampled_from(_INSTANTS),
        st.none() | st.integers(0, 500),
    )
    return stations | readings if measurements else stations


def stop_times() -> st.SearchStrategy[Record]:
    """Calls at a stop with both times and a positive sequence: GtfsStopTime entities."""
    times = st.tuples(st.integers(0, 47 * 3600), st.integers(0, 3600))
    return st.builds(
        lambda call, stop, at, sequence: call.model_copy(
            update={
                "stop": stop,
                "location_group": None,
                "location": None,
                "start_pickup_drop_off_window": None,
                "end_pickup_drop_off_window": None,
                "arrival": at[0],
                "departure": at[0] + at[1],
                "sequence": sequence,
            }
        ),
        canonical.transit_calls(),
        st.sampled_from(("urn:interop:stop:demo:a", "urn:interop:stop:demo:b")),
        times,
        st.integers(1, 10_000),
    )


def _distinct(records: Sequence[Record]) -> list[Record]:
    """The records with the first of each id, in the order decoding gives them back."""
    first: dict[str, Record] = {}
    for record in records:
        first.setdefault(record.id, record)
    return _ordered(list(first.values()))


def batches(*, measurements: bool = True, max_size: int = 4) -> st.SearchStrategy[list[Record]]:
    """Record lists with distinct ids, in the order decoding gives them back.

    Any records, plus parking spots and located stations with readings about them, so that
    the observed models and the derived ``ParkingSpot`` attributes are round-tripped too.
    """
    records = canonical.records()
    if not measurements:
        records = records.filter(lambda record: not isinstance(record, Measurement))
    pool = records | parking_records(measurements=measurements) | stop_times()
    city = observed_records(measurements=measurements)
    return st.tuples(st.lists(pool, max_size=max_size), st.lists(city, max_size=max_size)).map(
        lambda parts: _distinct([*parts[0], *parts[1]])
    )


def city_batches(max_size: int = 8) -> st.SearchStrategy[list[Record]]:
    """Batches of only the records that become Smart Data Models by rules across records.

    Parking spots with their readings, located stations with readings of every observed
    model, stop times: each rule's output is round-tripped in every example.
    """
    pool = parking_records() | observed_records() | stop_times()
    return st.lists(pool, min_size=1, max_size=max_size).map(_distinct)


def _with_keyword(record: Record) -> list[Record]:
    return [record.model_copy(update={"extensions": {"acme": {"@id": "urn:x:1"}}})]


def unrepresentable(*, measurements: bool = False) -> st.SearchStrategy[list[Record]]:
    """Record lists encode must refuse: JSON-LD keywords used as keys.

    For keyValues also measurements, whose unit and time keyValues cannot state.
    """
    keyword = canonical.records().map(_with_keyword)
    if not measurements:
        return keyword
    return keyword | canonical.measurements().map(lambda reading: [reading])


def sample_records() -> list[Record]:
    """A small weather station: its device and three readings at one instant."""
    when = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
    device = Device(
        id="urn:interop:device:demo:station-1",
        device_kind=DeviceKind.SENSOR,
        name="Roof weather station",
        location=Point(lat=52.37, lon=4.89),
        measures=frozenset({SAREF + "Temperature", SAREF + "Humidity", INTEROP + "WindSpeed"}),
    )
    readings = [
        (SAREF + "Temperature", 4.5, OM + "degreeCelsius"),
        (SAREF + "Humidity", 81, OM + "percent"),
        (INTEROP + "WindSpeed", 6.2, OM + "metrePerSecond-Time"),
    ]
    return [
        device,
        *(
            Measurement(
                id=f"urn:interop:measurement:demo:station-1-{index}",
                property=prop,
                value=value,
                unit=unit,
                timestamp=when,
                device=device.id,
            )
            for index, (prop, value, unit) in enumerate(readings)
        ),
    ]


def sample_entities(representation: Representation) -> bytes:
    """The sample station as entities in ``representation``."""
    return dump_entities(sample_records(), representation)


_WEATHER_NORMALIZED = b"""{
  "id": "urn:ngsi-ld:WeatherObserved:station-7",
  "type": "WeatherObserved",
  "dateObserved": {"type": "Property",
                   "value": {"@type": "DateTime", "@value": "2026-02-01T10:00:00Z"}},
  "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [4.35, 50.85]}},
  "refDevice": {"type": "Relationship", "object": "urn:ngsi-ld:Device:station-7"},
  "temperature": {"type": "Property", "value": -1.5, "unitCode": "CEL",
                  "observedAt": "2026-02-01T10:00:00Z"},
  "atmosphericPressure": {"type": "Property", "value": 1013.2, "unitCode": "A97",
                          "observedAt": "2026-02-01T10:00:00Z"}
}"""
_WEATHER_CONCISE = b"""{
  "id": "urn:ngsi-ld:WeatherObserved:station-7",
  "type": "WeatherObserved",
  "dateObserved": {"@type": "DateTime", "@value": "2026-02-01T10:00:00Z"},
  "location": {"type": "Point", "coordinates": [4.35, 50.85]},
  "refDevice": {"object": "urn:ngsi-ld:Device:station-7"},
  "temperature": {"value": -1.5, "unitCode": "CEL", "observedAt": "2026-02-01T10:00:00Z"},
  "atmosphericPressure": {"value": 1013.2, "unitCode": "A97", "observedAt": "2026-02-01T10:00:00Z"}
}"""
_STOP_KEY_VALUES = b"""{
  "id": "urn:ngsi-ld:GtfsStop:Malaga:101",
  "type": "GtfsStop",
  "name": "Paseo del Parque",
  "code": "101",
  "location": {"type": "Point", "coordinates": [-4.4166, 36.7194]},
  "hasParentStation": "urn:ngsi-ld:GtfsStation:Malaga:1"
}"""


def _weather_records() -> list[Record]:
    when = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    common = {
        "timestamp": when,
        "device": "urn:ngsi-ld:Device:station-7",
    }
    entity = "urn:ngsi-ld:WeatherObserved:station-7"
    return [
        Measurement(
            id=f"{entity}:atmosphericPressure:2026-02-01T10:00:00Z",
            property=SAREF + "Pressure",
            value=1013.2,
            unit=OM + "hectopascal",
            **common,
        ),
        Measurement(
            id=f"{entity}:temperature:2026-02-01T10:00:00Z",
            property=SAREF + "Temperature",
            value=-1.5,
            unit=OM + "degreeCelsius",
            **common,
        ),
    ]


def known_answers(representation: Representation) -> tuple[KnownAnswer, ...]:
    """Entities written by hand from the NGSI-LD spec and the Smart Data Models docs."""
    if representation is Representation.KEY_VALUES:
        stop = Stop(
            id="urn:ngsi-ld:GtfsStop:Malaga:101",
            name="Paseo del Parque",
            code="101",
            point=Point(lat=36.7194, lon=-4.4166),
            parent_station="urn:ngsi-ld:GtfsStation:Malaga:1",
        )
        return (KnownAnswer("GtfsStop in keyValues", _STOP_KEY_VALUES, [stop]),)
    raw = _WEATHER_NORMALIZED if representation is Representation.NORMALIZED else _WEATHER_CONCISE
    return (KnownAnswer(f"WeatherObserved, {representation}", raw, _weather_records()),)


def dataset_known_answers() -> tuple[DatasetKnownAnswer, ...]:
    """A hand-written normalized WeatherObserved file and its measurements."""
    return (DatasetKnownAnswer("WeatherObserved file", _WEATHER_NORMALIZED, _weather_records()),)


def sample_files() -> tuple[Path, ...]:
    """The entity files shipped with the plugin."""
    folder = Path(str(files("interop_ngsild").joinpath("samples")))
    return tuple(sorted(folder.glob("*.json")))


def conformance_cases() -> list[CodecCase | DatasetCase]:
    """The cases this plugin's ``interop_conformance_cases`` hook returns."""
    return [
        CodecCase(
            codec=NormalizedCodec,
            examples=(sample_entities(Representation.NORMALIZED),),
            known_answers=known_answers(Representation.NORMALIZED),
            batches=batches(),
            unrepresentable=unrepresentable(),
        ),
        CodecCase(
            codec=ConciseCodec,
            examples=(sample_entities(Representation.CONCISE),),
            known_answers=known_answers(Representation.CONCISE),
            batches=batches(),
            unrepresentable=unrepresentable(),
        ),
        CodecCase(
            codec=KeyValuesCodec,
            examples=(sample_entities(Representation.KEY_VALUES),),
            known_answers=known_answers(Representation.KEY_VALUES),
            batches=batches(measurements=False),
            unrepresentable=unrepresentable(measurements=True),
        ),
        DatasetCase(
            reader=EntityReader,
            writer=EntityWriter,
            batches=batches(),
            samples=sample_files(),
            known_answers=dataset_known_answers(),
        ),
    ]
