"""Soil, water, VOC index, formaldehyde, tilt and valve fields: placed by rule, or left unmapped.

The makers' documented objects are in ``fixtures/mapping/field_quantities.json`` (run by
``test_mapping.py``); these tests pin the rules' edges: the medium a bare conductivity is of,
units a name or the data gives, flags that look like angles or valve positions.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_lorawan.coverage import in_range
from interop_lorawan.fieldnames import medium
from interop_lorawan.mapping import SemanticMapper


def _placed(decoded: dict[str, object]) -> dict[str, tuple[str, str | None, float]]:
    result = SemanticMapper().map(decoded)
    return {v.path: (v.property.key, v.unit.symbol, v.value) for v in result.values}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["temperature", "moisture", "ec"], "soil"),
        (["Bat", "conduct_SOIL", "water_SOIL"], "soil"),
        (["volumetric_water_content", "electrical_conductivity"], "soil"),
        (["0.soil.ec"], "soil"),
        (["water_depth", "electrical_conductivity"], "water"),
        (["water.temperature", "conductivity"], "water"),
        (["conductivity", "temperature"], None),
        (["moisture"], None),
        (["soil_temperature", "water_depth"], None),
    ],
)
def test_medium_of_an_object(names, expected):
    assert medium(names) == expected


def test_a_conductivity_of_no_known_medium_stays_unmapped():
    assert _placed({"ec": 1500}) == {}
    assert _placed({"conductivity": 1500, "temperature": 20.5}) == {
        "temperature": ("temperature", "°C", 20.5)
    }
    assert _placed({"ec": 1500, "soil_temperature": 9.5, "water_depth": "420 mm"}) == {
        "soil_temperature": ("temperature", "°C", 9.5),
        "water_depth": ("water_level", "mm", 420),
    }


def test_a_soil_conductivity_needs_a_unit_below_100_and_a_plausible_value():
    assert _placed({"soil_ec": 1.2}) == {}
    assert _placed({"soil_ec": "1.2 dS/m"}) == {"soil_ec": ("soil_conductivity", "mS/cm", 1.2)}
    assert _placed({"soil_ec": {"value": 1.2, "unit": "mS/cm"}}) == {
        "soil_ec": ("soil_conductivity", "mS/cm", 1.2)
    }
    result = SemanticMapper().map({"soil_conductivity": 80_000})  # 8 S/m: no soil
    assert result.values == ()
    assert "outside the plausible 0..5 S/m" in result.report.warnings["soil_conductivity"]


def test_a_ph_is_of_the_object_s_medium():
    assert _placed({"ph": 7.1}) == {}
    assert _placed({"ph": 7.1, "turbidity": 3.2}) == {"ph": ("ph", "1", 7.1)}
    assert _placed({"PH": 6.5, "soil_moisture": 30.5}) == {
        "PH": ("soil_ph", "1", 6.5),
        "soil_moisture": ("soil_moisture", "%", 30.5),
    }
    assert _placed({"soil_ph": 720}) == {}  # pH x 100


def test_a_lone_moisture_is_no_soil_moisture():
    """A leak detector's ``moisture`` flag is not a soil's water content."""
    assert _placed({"moisture": 1, "battery": 90}) == {"battery": ("battery_level", "%", 90)}


def test_a_bare_humidity_beside_soil_readings_is_not_the_air_s():
    """In a soil probe's object a bare ``humidity`` may be the soil's moisture: unmapped."""
    assert _placed({"humidity": 35.5, "soil_temperature": 12.5, "soil_ec": 820}) == {
        "soil_temperature": ("temperature", "°C", 12.5),
        "soil_ec": ("soil_conductivity", "µS/cm", 820),
    }
    assert _placed({"air_humidity": 61, "soil_humidity": 35.5}) == {
        "air_humidity": ("humidity", "%", 61),
        "soil_humidity": ("soil_moisture", "%", 35.5),
    }
    assert _placed({"EC5SoildHumi": 10}) == {"EC5SoildHumi": ("soil_moisture", "%", 10)}


def test_soil_moisture_as_a_fraction_needs_its_unit():
    assert _placed({"soil_moisture": 0.25}) == {}
    assert _placed({"vwc": {"value": 0.25, "unit": "m3/m3"}}) == {
        "vwc": ("soil_moisture", "1", 0.25)
    }
    assert _placed({"soilMoisture": 25.5}) == {"soilMoisture": ("soil_moisture", "%", 25.5)}


def test_formaldehyde_only_with_a_mass_concentration():
    result = SemanticMapper().map(
        {"hcho": 0.03, "formaldehyde": {"value": 25, "unit": "µg/m³"}, "ch2o": "12 ppb"}
    )
    placed = {v.path: (v.property.key, v.unit.symbol, v.value) for v in result.values}
    assert placed == {"formaldehyde": ("hcho", "µg/m3", 25)}
    assert set(result.report.warnings) == {"hcho", "ch2o"}
    assert "mass_concentration" in result.report.warnings["ch2o"]


def test_voc_index_by_its_name_and_range():
    assert _placed({"voc_index": 112, "vocIndex": 97}) == {
        "voc_index": ("voc_index", "1", 112),
        "vocIndex": ("voc_index", "1", 97),
    }
    assert _placed({"tvoc_index": 0, "iaq_index": 50, "voc_index_threshold": 250}) == {}


@pytest.mark.parametrize(
    "decoded",
    [
        {"tilt": 1},
        {"tilt": 0},
        {"tilt_detected": 1},
        {"tilt_alarm": 1},
        {"phase_angle": 30.5},
        {"heading_angle": 120.5},
        {"valve": 1},
        {"valve_state": 1},
        {"valve_open": 1},
        {"target_valve_position": 50},
        {"valve_position": 150},
    ],
)
def test_flags_states_and_other_angles_stay_unmapped(decoded):
    assert _placed(decoded) == {}


def test_angles_with_and_without_units():
    assert _placed({"tilt": 12.5, "pitch": -3, "inclination": 1}) == {
        "tilt": ("tilt_angle", "°", 12.5),
        "pitch": ("tilt_angle", "°", -3),
        "inclination": ("tilt_angle", "°", 1),
    }
    assert _placed({"angle": {"value": 0.2, "unit": "rad"}}) == {
        "angle": ("tilt_angle", "rad", 0.2)
    }
    assert _placed({"angle": "400 °"}) == {}


NAMES = ("soil_moisture", "vwc", "soil_ec", "ec", "voc_index", "tilt", "angle_x")
NAMES += ("valve_position", "dielectric_permittivity", "hcho")


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(NAMES),
    st.one_of(st.integers(-(10**7), 10**7), st.floats(allow_nan=False, allow_infinity=False)),
    st.sampled_from([None, "%", "µS/cm", "dS/m", "°", "mg/m3", "ppm"]),
)
def test_any_value_placed_lies_in_its_plausible_range(name, value, unit):
    raw: object = value if unit is None else {"value": value, "unit": unit}
    result = SemanticMapper().map({name: raw, "moisture": 30, "temperature": 20})
    assert all(in_range(v) for v in result.values)
    assert {v.path for v in result.values} | set(result.unmapped) >= {name}
