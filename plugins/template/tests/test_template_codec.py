"""Ordinary unit tests of the template codec: concrete messages, concrete answers."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from interop_template.codec import TemplateJsonCodec, measurement_id
from interop_template.demo import run_demo, sample_messages

from interop.adapters import DecodeContext, EncodeContext
from interop.errors import DecodeError, EncodeError
from interop.model import Measurement, Provenance, State, StateValue
from interop.model.properties import SAREF

CTX = DecodeContext(source="unit-test", received_at=datetime(2026, 1, 2, tzinfo=UTC))
MESSAGE = (
    b'{"device": "ts-0001", "time": "2026-01-01T01:00:00+01:00",'
    b' "readings": [{"property": "temperature", "value": 21.5, "unit": "Cel"},'
    b' {"property": "humidity", "value": 40, "unit": "%"}]}'
)


def test_decode_gives_canonical_measurements():
    temperature, humidity = TemplateJsonCodec().decode(MESSAGE, CTX)
    assert isinstance(temperature, Measurement)
    assert temperature.property == SAREF + "Temperature"
    assert temperature.value == 21.5
    assert temperature.unit.endswith("om-2/degreeCelsius")
    assert temperature.timestamp == datetime(2026, 1, 1, tzinfo=UTC)
    assert temperature.device == "urn:interop:device:template:ts-0001"
    assert temperature.id == measurement_id("ts-0001", temperature.timestamp, "temperature")
    assert temperature.provenance == Provenance(
        plugin="template", plugin_version=temperature.provenance.plugin_version,
        source_system="unit-test", received_at=CTX.received_at,
    )  # fmt: skip
    assert isinstance(humidity, Measurement)
    assert humidity.value == 40
    assert type(humidity.value) is int


def test_encode_writes_the_wire_format():
    records = TemplateJsonCodec().decode(MESSAGE, CTX)
    document = orjson.loads(TemplateJsonCodec().encode(records, EncodeContext()))
    assert document == {
        "device": "ts-0001",
        "time": "2026-01-01T00:00:00Z",
        "readings": [
            {"property": "temperature", "value": 21.5, "unit": "Cel"},
            {"property": "humidity", "value": 40, "unit": "%"},
        ],
    }


@pytest.mark.parametrize(
    ("raw", "field", "expected"),
    [
        (b"\xff", None, "UTF-8 JSON object"),
        (b"[]", None, "an object"),
        (b'{"device": "d", "time": "2026-01-01T00:00:00Z"}', "readings", "exactly the fields"),
        (b'{"device": "", "time": "2026-01-01T00:00:00Z", "readings": []}', "device", "1 to"),
        (b'{"device": "d", "time": "2026-01-01T00:00:00", "readings": []}', "time", "RFC 3339"),
        (
            b'{"device": "d", "time": "2026-01-01T00:00:00Z",'
            b' "readings": [{"property": "heat", "value": 1, "unit": "Cel"}]}',
            "readings[0].property",
            "property key",
        ),
        (
            b'{"device": "d", "time": "2026-01-01T00:00:00Z",'
            b' "readings": [{"property": "temperature", "value": 1, "unit": "lx"}]}',
            "readings[0].unit",
            "a unit of temperature",
        ),
        (
            b'{"device": "d", "time": "2026-01-01T00:00:00Z",'
            b' "readings": [{"property": "temperature", "value": true, "unit": "Cel"}]}',
            "readings[0].value",
            "a JSON number",
        ),
    ],
)
def test_bad_input_names_input_field_and_expectation(raw, field, expected):
    with pytest.raises(DecodeError) as caught:
        TemplateJsonCodec().decode(raw, CTX)
    assert caught.value.source == f"unit-test ({len(raw)} bytes)"
    assert caught.value.field == field
    assert expected in (caught.value.expected or "")


def test_encode_refuses_what_would_be_lost():
    measurement = TemplateJsonCodec().decode(MESSAGE, CTX)[0]
    codec = TemplateJsonCodec()
    state = State(
        id="urn:x:state:1", device=measurement.device or "", value=StateValue.ON,
        timestamp=measurement.timestamp,
    )  # fmt: skip
    refused = {
        "kind": [state],
        "extensions": [measurement.model_copy(update={"extensions": {"acme": {"x": 1}}})],
        "id": [measurement.model_copy(update={"id": "urn:x:other"})],
    }
    for field, records in refused.items():
        with pytest.raises(EncodeError) as caught:
            codec.encode(records, EncodeContext(target="unit-test"))
        assert caught.value.field == field


def test_demo_writes_json_lines_of_every_sample(tmp_path):
    result = run_demo(tmp_path)
    lines = (tmp_path / "records.jsonl").read_bytes().splitlines()
    expected = sum(len(orjson.loads(raw)["readings"]) for raw in sample_messages().values())
    assert len(lines) == expected
    assert result.plugin == "template"
    assert tmp_path / "records.jsonl" in result.outputs
