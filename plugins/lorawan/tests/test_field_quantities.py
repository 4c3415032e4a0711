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
    assert _placed({"ph": 7.1, "turbidity": 3.2}) == {
        "ph": ("ph", "1", 7.1),
        "turbidity": ("turbidity", "NTU", 3.2),
    }
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


def test_soil_nutrients_are_no_air_gases():
    """N, P and K of an NPK probe in mg/kg; nitrogen dioxide or ammonia are not soil nitrogen."""
    assert _placed({"soil_nitrogen": 36, "Phosphorus": 12, "potassium_mg_kg": 95}) == {
        "soil_nitrogen": ("soil_nitrogen", "mg/kg", 36),
        "Phosphorus": ("soil_phosphorus", "mg/kg", 12),
        "potassium_mg_kg": ("soil_potassium", "mg/kg", 95),
    }
    assert _placed({"nitrogen_dioxide": 14, "n": 3, "nitrate": 8.2, "k": 290}) == {}
    assert _placed({"potassium": 95}) == {}  # of soil or of water? (one nutrient alone)
    assert _placed({"soil_nitrogen": 36_000}) == {}  # 3.6 % of the soil: no probe reads that


def test_oxygen_dissolved_or_of_the_air():
    """mg/L and % saturation of water; a gas detector's O2 in %vol is never dissolved oxygen."""
    assert _placed({"dissolved_oxygen": 8.4, "do_saturation": 93.1, "DO_mgL": 7.7}) == {
        "dissolved_oxygen": ("dissolved_oxygen", "mg/L", 8.4),
        "do_saturation": ("oxygen_saturation", "%", 93.1),
        "DO_mgL": ("dissolved_oxygen", "mg/L", 7.7),
    }
    assert _placed({"oxygen_concentration": {"value": 20.9, "unit": "%"}}) == {}
    assert _placed({"oxygen_concentration_pct": 20.9, "o2": 20.9, "oxygen": 20.9}) == {}
    assert _placed({"do": 1, "DO1": 0}) == {}  # a digital output


def test_redox_potential_in_millivolts_and_volts():
    assert _placed({"orp": 245, "redox_potential": {"value": 0.31, "unit": "V"}}) == {
        "orp": ("redox_potential", "mV", 245),
        "redox_potential": ("redox_potential", "V", 0.31),
    }
    assert _placed({"orp": 0.31}) == {}  # volts or millivolts: unmapped
    assert _placed({"orp": 2500}) == {}


def test_uv_index_and_bare_uv():
    assert _placed({"uv_index": 6.5, "UVI": 3}) == {
        "uv_index": ("uv_index", "1", 6.5),
        "UVI": ("uv_index", "1", 3),
    }
    assert _placed({"uv": 3, "uv_raw": 412, "uv_index_alarm": 1, "uv_index": 40}) == {}


def test_rain_depth_rate_and_gauge():
    """A depth in mm, a per-hour figure in mm/h; a gauge's reading only with a unit or a maker."""
    assert _placed({"rain_accumulation": 12.4, "rainfall_hourly": 0.8}) == {
        "rain_accumulation": ("precipitation_amount", "mm", 12.4),
        "rainfall_hourly": ("precipitation", "mm/h", 0.8),
    }
    assert _placed({"rain_gauge": 1.2, "rain_counter": 7}) == {}
    sensecap = SemanticMapper().map({"rain_gauge": 1.2}, vendor="sensecap")
    assert [(v.property.key, v.unit.symbol) for v in sensecap.values] == [("precipitation", "mm/h")]


def test_solar_radiation_by_its_words_not_par_or_uv():
    assert _placed({"total_solar_radiation": 640}) == {
        "total_solar_radiation": ("irradiance", "W/m2", 640)
    }
    assert _placed({"par_radiation": 800, "uv_radiation": 30, "sunshine_duration": 2}) == {}


def test_water_quality_probe_object():
    """A turbidity beside a pH makes the pH the water's."""
    assert _placed({"turbidity": 4.2, "ph": 7.4, "orp": 180}) == {
        "turbidity": ("turbidity", "NTU", 4.2),
        "ph": ("ph", "1", 7.4),
        "orp": ("redox_potential", "mV", 180),
    }


NEW_NAMES = ("n_soil", "leaf_wetness", "ldo_do", "ldo_sat", "orp", "ntu", "uv_index", "h2s")
NEW_NAMES += ("liquid_level", "flow_rate")


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(NEW_NAMES),
    st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=False, allow_infinity=False)),
    st.sampled_from([None, "%", "mg/L", "mV", "ppm", "cm", "NTU", "m3/h"]),
)
def test_any_new_quantity_placed_lies_in_its_plausible_range(name, value, unit):
    raw: object = value if unit is None else {"value": value, "unit": unit}
    result = SemanticMapper().map({name: raw, "temperature": 20})
    assert all(in_range(v) for v in result.values)
    assert {v.path for v in result.values} | set(result.unmapped) >= {name}


def test_a_depth_in_the_name_is_no_unit():
    """``Soil Moisture-10cm``, ``soil_temperature_20_cm``: where the reading is taken."""
    assert _placed({"Soil Moisture-10cm": 31.5, "soil_temperature_20_cm": 9.5}) == {
        "Soil Moisture-10cm": ("soil_moisture", "%", 31.5),
        "soil_temperature_20_cm": ("temperature", "°C", 9.5),
    }
    assert _placed({"distance_cm": 152}) == {"distance_cm": ("distance", "cm", 152)}
    assert _placed({"Soil moisture intensity": 512}) == {}


def test_look_alike_names_stay_off_the_new_properties():
    """A Geiger counter's radiation, dissolved solids, a probe's temperature, a water's ions."""
    assert _placed({"radiation": 0.12, "dissolved_solids": 310, "tds": 310}) == {}
    assert _placed({"LDO_Temp": 14.2, "orp_temperature": 15.1}) == {
        "LDO_Temp": ("temperature", "°C", 14.2),
        "orp_temperature": ("temperature", "°C", 15.1),
    }
    assert _placed({"potassium": 4.1, "water_temperature": 12.5, "turbidity": 2.2}) == {
        "water_temperature": ("temperature", "°C", 12.5),
        "turbidity": ("turbidity", "NTU", 2.2),
    }
    assert _placed({"gps_sat": 7, "sat": 5}) == {}
    assert _placed({"temperature_compensated_ec": 1250, "soil_moisture": 30.5}) == {
        "soil_moisture": ("soil_moisture", "%", 30.5)
    }


def test_a_water_meter_volume_needs_its_unit():
    """m³ or litres alike; a bare ``volume`` may be a siren's loudness setting."""
    assert _placed({"water_volume_m3": 123.456, "total_volume": "1200 L"}) == {
        "water_volume_m3": ("flow_volume", "m3", 123.456),
        "total_volume": ("flow_volume", "l", 1200),
    }
    assert _placed({"volume": 80, "total_flow": 2000, "gas_volume": 12}) == {}
