"""The semantic mapping: table, vendor overrides, units in strings, placeholders, coverage."""

from __future__ import annotations

import pytest
from interop_lorawan.mapping import FieldRule, SemanticMapper, corpus_coverage


def test_table_units_and_strings():
    result = SemanticMapper().map(
        {"temperature": "25 ℃", "level": "2000 mm", "Bat": "3.6V", "co2": 776,
         "Noise": "NoSensor", "x": 1, "Device": "R718", "air": {"humidity": 41}},
        vendor="dingtek",
    )  # fmt: skip
    placed = {
        v.path: (v.property.key, v.unit.iri.rsplit("/", 1)[-1], v.value) for v in result.values
    }
    assert placed == {
        "temperature": ("temperature", "degreeCelsius", 25),
        "level": ("distance", "millimetre", 2000),
        "Bat": ("battery_voltage", "volt", 3.6),
        "co2": ("co2", "partsPerMillion", 776),
        "air.humidity": ("humidity", "percent", 41),
    }
    assert result.unmapped == {"x": 1}
    assert result.metadata == {"Device": "R718"}
    assert result.report.skipped == ("Noise",)


def test_quantity_objects_and_mismatched_units():
    result = SemanticMapper().map(
        {"battery_voltage": {"displayName": "Battery", "unit": "V", "value": 3.1},
         "precipitation": {"unit": "mm", "value": 0.4},
         "temperature": {"unit": "mm", "value": 21}}
    )  # fmt: skip
    assert [v.path for v in result.values] == ["battery_voltage", "precipitation"]
    assert result.values[1].property.key == "precipitation_amount"
    assert result.unmapped == {"temperature": 21}  # mm is a length, not a temperature
    assert result.report.counts["mapped"] == 2


def test_profile_override_wins():
    rule = FieldRule.parse({"property": "battery_voltage", "unit": "mV"})
    result = SemanticMapper().map({"voltage": 3300}, overrides={"voltage": rule})
    assert result.values[0].value == pytest.approx(3.3)


def test_coverage_over_corpus(lorawan_vectors):
    coverage = corpus_coverage(lorawan_vectors)
    print(coverage.summary())
    assert coverage.objects > 100
    assert coverage.coverage > 0.4
