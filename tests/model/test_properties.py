import pytest

from interop.errors import PolicyViolation, RegistryError
from interop.model import DataClass, default_unit_registry
from interop.model.properties import (
    DEFAULT_PROPERTIES,
    PropertyRegistry,
    PropertySpec,
    default_property_registry,
)
from interop.model.units import OM, QuantityKind

ONE = OM + "one"


def test_default_units_exist_and_match_the_quantity():
    units = default_unit_registry()
    for spec in DEFAULT_PROPERTIES:
        assert units.get(spec.default_unit).quantity is spec.quantity, spec.key


def test_lookup_by_key_and_iri():
    registry = default_property_registry()
    temperature = registry.get("temperature")
    assert temperature.iri == "https://saref.etsi.org/core/Temperature"
    assert registry.get(temperature.iri) is temperature


@pytest.mark.parametrize(
    "key", ["heart_rate", "heartRate", "fingerprint", "face_id", "iris_scan", "BodyTemperature"]
)
def test_biometric_properties_are_refused(key):
    registry = PropertyRegistry()
    spec = PropertySpec(key, f"https://example.org/{key}", key, QuantityKind.DIMENSIONLESS, ONE)
    with pytest.raises(PolicyViolation, match="biometric"):
        registry.register(spec)


@pytest.mark.parametrize("key", ["surface_temperature", "pulse_count", "interface_errors"])
def test_ordinary_words_are_not_mistaken_for_biometrics(key):
    registry = PropertyRegistry()
    spec = PropertySpec(key, f"https://example.org/{key}", key, QuantityKind.DIMENSIONLESS, ONE)
    registry.register(spec)
    assert key in registry


def test_conflicting_registration_is_refused():
    registry = default_property_registry()
    other = PropertySpec("temperature", "https://example.org/T", "t", QuantityKind.TEMPERATURE,
                         "x", DataClass.PUBLIC)  # fmt: skip
    with pytest.raises(RegistryError, match="already registered"):
        registry.register(other)


def test_unknown_property_error_names_it():
    with pytest.raises(RegistryError, match="colour_of_sky"):
        default_property_registry().get("colour_of_sky")


@pytest.mark.parametrize(
    ("key", "unit", "low", "high"),
    [
        ("soil_moisture", OM + "percent", 0.0, 100.0),
        ("soil_conductivity", OM + "siemensPerMetre", 0.0, 5.0),
        ("conductivity", OM + "siemensPerMetre", 0.0, 25.0),
        ("voc_index", ONE, 1.0, 500.0),
        ("tilt_angle", OM + "degree", -180.0, 360.0),
        ("valve_position", OM + "percent", 0.0, 100.0),
        ("soil_ph", ONE, 0.0, 14.0),
        ("soil_nitrogen", OM + "milligramPerKilogram", 0.0, 10_000.0),
        ("leaf_wetness", OM + "percent", 0.0, 100.0),
        ("dissolved_oxygen", OM + "milligramPerLitre", 0.0, 50.0),
        ("oxygen_saturation", OM + "percent", 0.0, 500.0),
        ("redox_potential", OM + "millivolt", -2_000.0, 2_000.0),
        ("turbidity", "http://qudt.org/vocab/unit/NTU", 0.0, 10_000.0),
        ("uv_index", ONE, 0.0, 25.0),
        ("h2s", OM + "partsPerMillion", 0.0, 10_000.0),
        ("flow_volume", OM + "cubicMetre", 0.0, 1e9),
    ],
)
def test_field_quantities_declare_unit_and_plausible_range(key, unit, low, high):
    """Soil, water, air and actuator quantities LoRaWAN devices report, each with its range."""
    spec = default_property_registry().get(key)
    assert (spec.default_unit, spec.plausible) == (unit, (low, high))
