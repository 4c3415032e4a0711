from datetime import UTC, datetime, timedelta, timezone

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interop.model import (
    RECORD_TYPES,
    Command,
    CommandKind,
    DataClass,
    Device,
    Geometry,
    Measurement,
    Place,
    Point,
    Provenance,
    RecordAdapter,
    State,
    mint_iri,
    protection_of,
    record_json,
    record_type,
)
from interop.model.units import DEFAULT_UNITS
from interop.testing.strategies import records

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEMP = "https://saref.etsi.org/core/Temperature"
CEL = "http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius"


@pytest.mark.parametrize("cls", [*RECORD_TYPES, Provenance, Point, Geometry])
def test_every_field_declares_a_data_protection_class(cls):
    missing = [name for name, field in cls.model_fields.items() if protection_of(field) is None]
    assert missing == [], f"{cls.__name__} fields without a data-protection class: {missing}"


def test_protection_classes_reach_the_json_schema():
    schema = Command.model_json_schema()
    assert schema["properties"]["issued_by"]["x-data-protection"] == DataClass.PERSONAL


def test_no_biometric_data_class_exists():
    assert {c.value for c in DataClass} == {"public", "technical", "pseudonymous", "personal"}


@given(records())
def test_json_round_trip_of_any_record(record):
    assert RecordAdapter.validate_json(RecordAdapter.dump_json(record)) == record
    assert RecordAdapter.validate_python(record.model_dump()) == record


def test_union_dispatches_on_kind():
    data = {"kind": "state", "id": "urn:s:1", "device": "urn:d:1", "value": "on",
            "timestamp": "2026-01-01T00:00:00Z"}  # fmt: skip
    assert isinstance(RecordAdapter.validate_python(data), State)
    assert record_type("measurement") is Measurement
    with pytest.raises(pydantic.ValidationError, match="union_tag_invalid"):
        RecordAdapter.validate_python({**data, "kind": "teapot"})


def test_records_are_frozen_and_closed():
    m = Measurement(id="urn:m:1", property=TEMP, value=1, unit=CEL, timestamp=T0)
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        m.value = 2  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError, match="extra_forbidden"):
        Measurement(id="urn:m:1", property=TEMP, value=1, unit=CEL, timestamp=T0, colour="red")


def test_timestamps_must_be_aware_and_become_utc():
    with pytest.raises(pydantic.ValidationError, match="no time zone"):
        Measurement(id="urn:m:1", property=TEMP, value=1, unit=CEL, timestamp=datetime(2026, 1, 1))
    cet = datetime(2026, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    m = Measurement(id="urn:m:1", property=TEMP, value=1, unit=CEL, timestamp=cet)
    assert m.timestamp == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert m.timestamp.utcoffset() == timedelta(0)


@pytest.mark.parametrize("bad", ["not an iri", "relative/path", "urn:has space", "http://x/<y>"])
def test_ids_must_be_absolute_iris(bad):
    with pytest.raises(pydantic.ValidationError, match="IRI"):
        Device(id=bad, device_kind="sensor")


def test_measurement_values_are_finite_numbers():
    for bad in (float("nan"), float("inf"), "21.5", True):
        with pytest.raises(pydantic.ValidationError):
            Measurement(id="urn:m:1", property=TEMP, value=bad, unit=CEL, timestamp=T0)


def test_measurement_accepts_a_unit_object():
    celsius = next(u for u in DEFAULT_UNITS if u.iri == CEL)
    m = Measurement(id="urn:m:1", property=TEMP, value=1, unit=celsius, timestamp=T0)
    assert m.unit == CEL


def test_set_level_requires_a_level_and_others_refuse_one():
    Command(id="urn:c:1", action=CommandKind.SET_LEVEL, target="urn:d:1", level=40, issued_at=T0)
    with pytest.raises(pydantic.ValidationError, match="level is required"):
        Command(id="urn:c:1", action=CommandKind.SET_LEVEL, target="urn:d:1", issued_at=T0)
    with pytest.raises(pydantic.ValidationError, match="level is required"):
        Command(id="urn:c:1", action=CommandKind.ON, target="urn:d:1", level=3, issued_at=T0)
    with pytest.raises(pydantic.ValidationError):
        Command(id="urn:c:1", action="set_level", target="urn:d:1", level=140, issued_at=T0)


def test_level_state_needs_a_level():
    with pytest.raises(pydantic.ValidationError):
        State(id="urn:s:1", device="urn:d:1", value="level", timestamp=T0)


@pytest.mark.parametrize(
    ("geometry_type", "coordinates"),
    [
        ("Point", [200.0, 0.0]),
        ("LineString", [[0.0, 0.0]]),
        ("Polygon", [[[0, 0], [1, 0], [1, 1]]]),
        ("Point", [[0.0, 0.0]]),
    ],
)
def test_malformed_geometry_is_refused(geometry_type, coordinates):
    with pytest.raises(pydantic.ValidationError, match="coordinates"):
        Geometry(type=geometry_type, coordinates=coordinates)


def test_place_needs_something_to_locate_it():
    with pytest.raises(pydantic.ValidationError, match="at least a name"):
        Place(id="urn:p:1")
    assert Place(id="urn:p:1", point=Point(lat=52.37, lon=4.89)).point is not None


def test_mint_iri_escapes_and_validates():
    iri = mint_iri("device", "ttn", "eui 70:b3/d5")
    assert iri == "urn:interop:device:ttn:eui%2070%3Ab3%2Fd5"
    assert Device(id=iri, device_kind="sensor").id == iri


@given(st.text(), st.text(alphabet="abcXYZ019-._~:/ %é"))
def test_mint_iri_escapes_every_part_exactly_as_quote_does(local, mixed):
    from urllib.parse import quote

    for part in (local, mixed):
        assert mint_iri("light", "slv", part) == "urn:interop:light:slv:" + quote(part, safe="-._~")


@given(st.from_type(Measurement))
def test_from_type_is_registered_for_the_kit(measurement):
    assert isinstance(measurement, Measurement)


def test_top_level_names_resolve_lazily():
    import interop

    assert set(interop.__all__) <= set(dir(interop))
    for name in interop.__all__:
        assert getattr(interop, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = interop.nope


@settings(max_examples=60)
@given(records())
def test_record_json_is_the_union_adapters_json(record):
    assert record_json(record) == RecordAdapter.dump_json(record)
