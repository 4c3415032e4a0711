"""Envelopes: TTS v3 and ChirpStack v4 uplink/join/status, bad input, fuzzing."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from interop_lorawan.demo import sample_messages
from interop_lorawan.envelopes import parse_envelope, parse_topic
from interop_lorawan.uplink import LorawanUplinkCodec

from interop.adapters import DecodeContext
from interop.errors import DecodeError
from interop.model import Measurement, RecordAdapter

CTX = DecodeContext(source="t", received_at=datetime(2024, 3, 5, tzinfo=UTC))
TTS, _LPP, _DF, JOIN, CS, _MBX, _LPP2, STATUS = sample_messages()


def test_tts_uplink():
    env = parse_envelope(TTS)
    assert (env.network, env.event, env.dev_eui, env.f_port, env.f_cnt) == (
        "ttn-v3", "up", "a81758fffe0312ab", 1, 4711,
    )  # fmt: skip
    assert env.radio[0].rssi == -97
    assert env.decoded == {
        "temperature": 22.6,
        "humidity": 41,
        "light": 39,
        "motion": 6,
        "co2": 776,
    }
    records = LorawanUplinkCodec().decode(TTS, CTX)
    assert records[0].kind == "device"
    assert len(records) == 6
    assert all(r.timestamp == datetime(2024, 3, 5, 8, 15, 2, 276000, tzinfo=UTC)
               for r in records if isinstance(r, Measurement))  # fmt: skip


def test_chirpstack_uplink_status_join():
    env = parse_envelope(CS)
    assert (env.network, env.device_profile, env.f_cnt) == ("chirpstack-v4", "Nwave NPS405", 812)
    status = LorawanUplinkCodec().decode(STATUS, CTX)
    assert [r.value for r in status if isinstance(r, Measurement)] == [87.5]
    assert parse_envelope(JOIN).event == "join"


def test_topics():
    assert parse_topic("v3/city-air@ttn/devices/ers-co2/up").event == "up"
    topic = parse_topic("application/abc/device/70B3D5F2A0001A2B/event/status")
    assert (topic.network, topic.device, topic.event) == (
        "chirpstack-v4",
        "70b3d5f2a0001a2b",
        "status",
    )


def _tts(**up: object) -> bytes:
    doc = orjson.loads(TTS)
    doc["uplink_message"].update(up)
    return orjson.dumps(doc)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (_tts(frm_payload="!!notbase64"), "uplink_message.frm_payload"),
        (_tts(frm_payload=base64.b64encode(bytes(300)).decode()), "uplink_message.frm_payload"),
        (_tts(f_port="1"), "uplink_message.f_port"),
        (_tts(f_cnt=-1), "uplink_message.f_cnt"),
        (_tts(rx_metadata=[1]), "uplink_message.rx_metadata[0]"),
        (_tts(received_at="yesterday"), "uplink_message.received_at"),
        (b'{"end_device_ids": {"application_ids": {}}}', "end_device_ids.device_id"),
        (b'{"deviceInfo": {"devEui": "xyz"}}', "deviceInfo.devEui"),
    ],
)
def test_bad_input_names_device_and_field(raw, field):
    with pytest.raises(DecodeError) as caught:
        LorawanUplinkCodec().decode(raw, CTX)
    assert caught.value.field == field
    assert caught.value.expected


def _decodes_or_refuses_clearly(raw: bytes) -> None:
    """Bad input raises a DecodeError naming the input; anything else gives valid records."""
    refused: DecodeError | None = None
    try:
        records = LorawanUplinkCodec().decode(raw, CTX)
    except DecodeError as exc:
        refused = exc
    if refused is not None:
        assert refused.source, f"{refused!r} does not name the input"
        assert refused.expected, f"{refused!r} does not say what was expected"
        return
    assert isinstance(records, list)
    for record in records:
        assert RecordAdapter.validate_python(record.model_dump()) == record


@given(st.binary(max_size=300))
@settings(max_examples=200)
def test_fuzz_bytes(raw):
    _decodes_or_refuses_clearly(raw)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "end_device_ids",
                "deviceInfo",
                "uplink_message",
                "fPort",
                "data",
                "object",
                "time",
                "rxInfo",
                "join_accept",
            ]
        ),
        _json,
    )
)
@settings(max_examples=300)
def test_fuzz_json_objects(doc):
    try:
        raw = orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # integers past 64 bits: not JSON orjson can write
        assume(False)
    _decodes_or_refuses_clearly(raw)
