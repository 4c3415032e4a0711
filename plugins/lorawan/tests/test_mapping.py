"""The semantic mapping on makers' decoded objects: ambiguous units, plausible ranges, frames."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from interop_lorawan.coverage import corpus_coverage, coverage_of, decoded_objects, in_range
from interop_lorawan.fieldnames import words
from interop_lorawan.mapping import MAX_DEPTH, FieldRule, SemanticMapper

MAKERS = [
    case
    for name in ("makers.json", "field_quantities.json")
    for case in json.loads(
        (Path(__file__).parent / "fixtures" / "mapping" / name).read_text(encoding="utf-8")
    )["cases"]
]


@pytest.mark.parametrize("case", MAKERS, ids=[c["name"] for c in MAKERS])
def test_makers_documented_objects(case):
    """Each field lands on exactly the property, unit and value expected, or stays unmapped."""
    result = SemanticMapper().map(case["decoded"], vendor=case["vendor"])
    placed = {
        v.path: [v.property.key, v.unit.symbol, pytest.approx(v.value)] for v in result.values
    }
    wanted = {path: spec for path, spec in case["expected"].items() if spec is not None}
    assert placed == wanted
    for path, spec in case["expected"].items():
        if spec is None:
            assert path in result.unmapped, path
    assert all(in_range(v) for v in result.values)


def test_ambiguity_is_resolved_and_recorded():
    result = SemanticMapper().map({"battery": 3600, "pressure": 100860})
    notes = {v.path: v.note for v in result.values}
    assert "mV" in notes["battery"]
    assert "Pa" in notes["pressure"]
    assert result.report.resolved == ("battery", "pressure")
    assert result.values[0].value == pytest.approx(3.6)


def test_unplaceable_values_are_counted_warnings():
    result = SemanticMapper().map({"temperature": 6553.5, "battery": 3, "humidity": 50})
    assert set(result.report.warnings) == {"temperature", "battery"}
    assert "implausible" in result.report.warnings["temperature"]
    assert "-90..200" in result.report.warnings["temperature"]
    assert result.report.warnings["battery"].startswith("ambiguous")
    assert result.report.counts["warnings"] == 2
    assert result.unmapped == {"temperature": 6553.5, "battery": 3}


def test_history_frames_keep_their_own_times():
    """Milesight-style history records: each reading at the time of its own record."""
    decoded = {
        "battery": 95,
        "history": [
            {"timestamp": 1700000000, "temperature": 21.5, "humidity": 40},
            {"timestamp": 1700000600, "temperature": 21.9, "humidity": 41.5},
            {"time": "2023-11-14T22:33:20Z", "temperature": 22.1},
        ],
    }
    result = SemanticMapper().map(decoded)
    timed = [(v.path, v.time) for v in result.values if v.property.key == "temperature"]
    assert timed == [
        ("history.0.temperature", datetime.fromtimestamp(1700000000, UTC)),
        ("history.1.temperature", datetime.fromtimestamp(1700000600, UTC)),
        ("history.2.temperature", datetime(2023, 11, 14, 22, 33, 20, tzinfo=UTC)),
    ]
    assert next(v for v in result.values if v.path == "battery").time is None
    assert "history.0.timestamp" in result.metadata


def test_a_frame_without_a_readable_time_stays_unmapped():
    result = SemanticMapper().map({"history": [{"timestamp": "yesterday", "temperature": 20}]})
    assert result.values == ()
    assert "unreadable" in result.report.warnings["history.0.temperature"]


def test_normalized_payload_arrays():
    """The Things Stack normalized payload: an array of measurements, each with its time."""
    decoded = [
        {"time": "2024-03-05T08:00:00Z", "air": {"temperature": 20.5, "relativeHumidity": 50}},
        {"time": "2024-03-05T08:10:00Z", "air": {"temperature": 20.7}},
    ]
    result = SemanticMapper().map(decoded)
    assert [(v.property.key, v.time.minute if v.time else None) for v in result.values] == [
        ("temperature", 0),
        ("humidity", 0),
        ("temperature", 10),
    ]


def test_deep_subtree_is_kept_as_short_text():
    deep: dict[str, object] = {"temperature": 20}
    for _ in range(300):
        deep = {"n": deep}
    result = SemanticMapper().map({"battery_voltage": 3.1, "blob": deep})
    assert [v.path for v in result.values] == ["battery_voltage"]
    ((path, kept),) = result.unmapped.items()
    assert path.count(".") == MAX_DEPTH - 1
    assert isinstance(kept, str)
    assert len(kept) < 5000
    assert len(result.report.warnings[path]) < 80


def test_profile_rule_maps_any_field_and_is_range_checked():
    rule = FieldRule.parse({"property": "battery_voltage", "unit": "mV"})
    ok = SemanticMapper().map({"x17": 3300}, overrides={"x17": rule})
    assert ok.values[0].value == pytest.approx(3.3)
    bad = SemanticMapper().map(
        {"x17": 3300}, overrides={"x17": FieldRule.parse("battery_voltage V")}
    )
    assert bad.values == ()
    assert "implausible" in bad.report.warnings["x17"]


def test_quantity_objects_and_mismatched_units():
    result = SemanticMapper().map(
        {"battery_voltage": {"displayName": "Battery", "unit": "V", "value": 3.1},
         "precipitation": {"unit": "mm", "value": 0.4},
         "temperature": {"unit": "mm", "value": 21}}
    )  # fmt: skip
    assert [v.path for v in result.values] == ["battery_voltage", "precipitation"]
    assert result.values[1].property.key == "precipitation_amount"
    assert result.unmapped == {"temperature": 21}  # mm is a length, not a temperature


def test_words_of_names():
    assert words("TempC_SHT") == ("temp", "c", "sht")
    assert words("Bat_mV") == ("bat", "mv")
    assert words("batteryVoltage") == ("battery", "voltage")
    assert words("pressure_hPa") == ("pressure", "hpa")


def test_corpus_coverage_per_vendor_and_ranges(lorawan_vectors):
    """Every mapped corpus value lies in its property's plausible range; coverage per vendor."""
    coverage = corpus_coverage(lorawan_vectors)
    print(coverage.summary())
    assert coverage.objects > 100
    assert coverage.coverage > 0.45
    assert coverage.out_of_range == []
    assert {"netvox", "decentlab", "elsys", "dragino"} <= set(coverage.by_vendor)


def test_coverage_reads_normalized_payload_arrays_and_counts_ambiguity(tmp_path):
    """A line holding a TTS normalized payload (an array) is a decoded object too."""
    source = tmp_path / "normalized.jsonl"
    source.write_text(
        '[{"air": {"temperature": 21.5, "relativeHumidity": 40}, "battery": 3.6}]\n'
        '{"batteryVoltage": 47, "tvoc": 120}\n'
    )
    models = coverage_of(decoded_objects(source))
    entry = models["-"]
    assert entry.objects == 2
    assert set(entry.mapped) == {
        "0.air.temperature -> temperature [°C]",
        "0.air.relativeHumidity -> humidity [%]",
        "0.battery -> battery_voltage [V]",
    }
    reasons = " ".join(entry.unmapped)
    assert "batteryVoltage (ambiguous" in reasons
    assert "tvoc (ambiguous" in reasons
    assert entry.coverage == 3 / 5


def test_a_series_without_times_says_why_it_stays_unmapped():
    result = SemanticMapper().map({"co2": {"unit": "ppm", "values": [612, 605, 598]}})
    assert result.unmapped == {"co2": [612, 605, 598]}
    assert result.report.warnings["co2"] == "a series of 3 readings without their own times"


def test_a_named_reading_keeps_its_other_fields():
    """SenseCAP-style items: the measurement id is kept unmapped, the item's date as metadata."""
    decoded = {
        "messages": [{"type": "Air Temperature", "measurementId": 4097, "measurementValue": 21.4}],
        "samples": [{"variable": "humidity", "value": 41, "date": "2024-03-05T10:00:00Z"}],
    }
    result = SemanticMapper().map(decoded)
    assert [v.path for v in result.values] == ["messages.0.Air Temperature", "samples.0.humidity"]
    assert result.unmapped == {"messages.0.measurementId": 4097}
    assert result.metadata == {"samples.0.date": "2024-03-05T10:00:00Z"}
