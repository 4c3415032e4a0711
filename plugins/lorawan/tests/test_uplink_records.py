"""Where an uplink's records keep its metadata, and the fast paths equal the checked ones."""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_lorawan.envelopes import _parse_tts, _tts_uplink_fast
from interop_lorawan.mapping import SemanticMapper
from interop_lorawan.uplink import LorawanUplinkCodec
from rdflib import Literal, URIRef

from interop.adapters import DecodeContext
from interop.errors import DecodeError
from interop.model import Device, Measurement
from interop.rdf import to_graph

CTX = DecodeContext(source="t", received_at=datetime(2024, 5, 1, 12, tzinfo=UTC))
LPP = DecodeContext(source="t", received_at=CTX.received_at, hints={"codec": "cayenne-lpp"})
# ch 1 temperature 27.2 °C, ch 2 humidity 50 %, ch 3 pressure 1013.1 hPa (Cayenne LPP)
PAYLOAD = bytes.fromhex("0167011002686403732793")


def _uplink(f_cnt: int = 7, rssi: float = -97, payload: bytes = PAYLOAD) -> dict[str, Any]:
    return {
        "end_device_ids": {
            "device_id": "lpp-1", "dev_eui": "70B3D57ED0001A01",
            "application_ids": {"application_id": "city-air"},
        },
        "correlation_ids": [f"as:up:01HZ{f_cnt:022d}"],
        "received_at": "2024-05-01T10:00:00.123456789Z",
        "uplink_message": {
            "f_port": 1, "f_cnt": f_cnt, "frm_payload": base64.b64encode(payload).decode(),
            "rx_metadata": [{"gateway_ids": {"gateway_id": "gw-1"}, "rssi": rssi, "snr": 7.5}],
            "received_at": "2024-05-01T10:00:00.123456789Z",
        },
    }  # fmt: skip


def _decode(doc: dict[str, Any], ctx: DecodeContext = LPP) -> list[Any]:
    return LorawanUplinkCodec().decode(orjson.dumps(doc), ctx)


def test_uplink_metadata_is_on_every_measurement_and_never_on_the_device() -> None:
    device, *measurements = _decode(_uplink())
    assert isinstance(device, Device)
    assert len(measurements) == 3
    assert device.extensions == {"lorawan": {
        "network": "ttn-v3", "dev_eui": "70b3d57ed0001a01", "device_id": "lpp-1",
        "application_id": "city-air",
    }}  # fmt: skip
    uplinks = [m.extensions["lorawan"]["uplink"] for m in measurements]
    assert all(u == uplinks[0] for u in uplinks)
    assert uplinks[0]["f_cnt"] == 7
    assert uplinks[0]["f_port"] == 1
    assert uplinks[0]["radio"] == [{"gateway_id": "gw-1", "rssi": -97.0, "snr": 7.5}]
    assert uplinks[0]["decoder"] == "cayenne-lpp"
    assert uplinks[0]["mapping"]["mapped"] == 3
    assert {m.extensions["lorawan"]["field"] for m in measurements} == {
        "temperature_1", "relative_humidity_2", "barometric_pressure_3",
    }  # fmt: skip
    assert all(set(m.extensions["lorawan"]) <= {"field", "note", "uplink"} for m in measurements)


def test_the_device_record_is_the_same_for_every_uplink() -> None:
    codec = LorawanUplinkCodec()
    first = codec.decode(orjson.dumps(_uplink(1, -90)), LPP)[0]
    second = codec.decode(orjson.dumps(_uplink(2, -110)), LPP)[0]
    # no codec: nothing is placed, and the device is still the same record, alone
    undecoded = codec.decode(orjson.dumps(_uplink(3)), CTX)
    assert first == second == undecoded[0]
    assert undecoded == [first]


def test_the_uplink_metadata_survives_rdf_export() -> None:
    records = _decode(_uplink())
    graph = to_graph(records)
    for measurement in records[1:]:
        texts = [
            str(o) for _, _, o in graph.triples((URIRef(measurement.id), None, None))
            if isinstance(o, Literal) and '"uplink"' in str(o)
        ]  # fmt: skip
        assert len(texts) == 1
        assert orjson.loads(texts[0])["lorawan"]["uplink"]["radio"][0]["gateway_id"] == "gw-1"
    device = [str(o) for _, _, o in graph.triples((URIRef(records[0].id), None, None))]
    assert not any('"uplink"' in text for text in device)


# --- the fast envelope reader equals the checked one -----------------------------------------

_BAD = st.sampled_from([
    None, "", "x", 1, -1, 1.5, 2.0, 300, 2**33, True, [], {}, "AQ==", "not base64!",
    "70B3D57ED0001A0", "70b3d57ed0001a01", "2024-05-01T10:00:00Z", "2024-05-01",
])  # fmt: skip
_PATHS = [
    ("end_device_ids", "device_id"), ("end_device_ids", "dev_eui"),
    ("end_device_ids", "application_ids"), ("end_device_ids", "application_ids", "application_id"),
    ("correlation_ids",), ("received_at",), ("uplink_message", "f_port"),
    ("uplink_message", "f_cnt"), ("uplink_message", "frm_payload"),
    ("uplink_message", "decoded_payload"), ("uplink_message", "received_at"),
    ("uplink_message", "rx_metadata"), ("uplink_message", "version_ids"),
    ("uplink_message", "rx_metadata", 0, "rssi"), ("uplink_message", "rx_metadata", 0, "snr"),
    ("uplink_message", "rx_metadata", 0, "gateway_ids"),
    ("uplink_message", "rx_metadata", 0, "gateway_ids", "gateway_id"),
]  # fmt: skip


def _outcome(read: Any, doc: dict[str, Any]) -> Any:
    try:
        return read(doc)
    except DecodeError:
        return "refused"


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(_PATHS), value=_BAD)
def test_fast_envelope_reader_equals_the_checked_one(path: tuple[Any, ...], value: Any) -> None:
    doc = copy.deepcopy(_uplink())
    doc["uplink_message"]["version_ids"] = {"brand_id": "acme", "model_id": "x1"}
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    checked = _outcome(lambda d: _parse_tts(d, "t"), doc)
    fast = _tts_uplink_fast(doc)
    if fast is None:  # the checked reader decides, and raises its own error
        return
    assert fast == checked


def test_fast_envelope_reader_reads_a_plain_uplink() -> None:
    doc = _uplink()
    fast = _tts_uplink_fast(doc)
    assert fast is not None
    assert fast == _parse_tts(doc, "t")
    assert fast.received_at == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize("payload", [b"\x01\x67\xff", bytes.fromhex("01670bb8")])
def test_bad_payloads_still_fail_with_the_codec_error(payload: bytes) -> None:
    # truncated value; 300.0 °C (implausible): the codec's checked reader names the byte
    with pytest.raises(DecodeError, match="offset"):
        _decode(_uplink(payload=payload))


@settings(max_examples=60, deadline=None)
@given(
    temperature=st.integers(-400, 2500) | st.floats(-100, 300),
    battery=st.integers(0, 70000) | st.floats(0, 100),
)
def test_remembered_placements_equal_fresh_ones(temperature: float, battery: float) -> None:
    from interop_lorawan import mapping

    decoded = {"temperature": temperature, "battery": battery, "humidity": 40}
    warm = SemanticMapper().map(decoded)
    mapping._PLACED.clear()
    assert SemanticMapper().map(decoded) == warm
    assert SemanticMapper().map(decoded) == warm


@settings(max_examples=60, deadline=None)
@given(
    device_id=st.text(min_size=1, max_size=12),
    application_id=st.text(min_size=1, max_size=12),
    f_cnt=st.integers(0, 2**32 - 1),
    at=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
)
def test_measurements_built_fast_pass_full_validation(
    device_id: str, application_id: str, f_cnt: int, at: datetime
) -> None:
    doc = _uplink(f_cnt)
    del doc["end_device_ids"]["dev_eui"]  # the key is then {application}/{device id}, escaped
    doc["end_device_ids"]["device_id"] = device_id
    doc["end_device_ids"]["application_ids"]["application_id"] = application_id
    doc["uplink_message"]["received_at"] = at.isoformat() + "Z"
    try:
        records = _decode(doc)
    except DecodeError:
        return
    for record in records[1:]:
        assert Measurement.model_validate(record.model_dump()) == record


def _lpp_reference(codec: Any, data: bytes) -> dict[str, Any]:
    """Cayenne LPP decoded item by item through the codec's bounds-checked reader."""
    from interop_lorawan.codecs._common import Reader
    from interop_lorawan.codecs.cayenne import LPP_TYPES, POLYLINE

    r = Reader(data, codec_id=codec.codec_id, device="d")
    out: dict[str, Any] = {}
    offset = 0
    if not data:
        raise r.error(0, "empty payload", "at least one [channel][type][value] item")
    while offset < len(data):
        r.need(offset, 2, "channel and type")
        channel, type_id, start = data[offset], data[offset + 1], offset
        if type_id == POLYLINE:
            value, offset = codec._decode_polyline(r, offset + 2)
            name = "polyline"
        else:
            lpp = LPP_TYPES.get(type_id)
            if lpp is None:
                raise r.error(
                    start + 1, f"unknown LPP type 0x{type_id:02x}", "an LPP type id (see LPP_TYPES)"
                )
            r.need(offset + 2, lpp.size, f"{lpp.name} value on channel {channel}")
            value = codec._decode_value(r, lpp, offset + 2)
            offset += 2 + lpp.size
            name = lpp.name
        key = f"{name}_{channel}"
        if key in out:
            raise r.error(start, f"repeated {key}", "each channel/type pair once per frame")
        out[key] = value
    return out


def _lpp_item() -> st.SearchStrategy[bytes]:
    from interop_lorawan.codecs.cayenne import LPP_TYPES

    return st.builds(
        lambda channel, type_id, value: bytes([channel, type_id]) + value,
        st.integers(0, 3), st.sampled_from(sorted(LPP_TYPES)), st.binary(max_size=6),
    )  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(items=st.lists(_lpp_item(), max_size=4), float32=st.booleans(), checks=st.booleans())
def test_inline_lpp_reads_equal_the_checked_reader(
    items: list[bytes], float32: bool, checks: bool
) -> None:
    from interop_lorawan.codecs.cayenne import CayenneLPP

    codec = CayenneLPP(generic_sensor_float32=float32, plausibility=checks)
    data = b"".join(items)

    def outcome(decode: Any) -> Any:
        try:
            return decode()
        except DecodeError as exc:
            return str(exc)

    fast = outcome(lambda: codec.decode_uplink(1, data, device="d"))
    assert fast == outcome(lambda: _lpp_reference(codec, data))


@settings(max_examples=100, deadline=None)
@given(
    at=st.datetimes(timezones=st.just(UTC)) | st.datetimes(timezones=st.timezones()),
    f_cnt=st.none() | st.integers(0, 2**32 - 1),
    dev_eui=st.none() | st.just("70b3d57ed0001a01"),
    device_id=st.text(min_size=1, max_size=8),
)
def test_measurement_prefix_equals_the_minted_id(
    at: datetime, f_cnt: int | None, dev_eui: str | None, device_id: str
) -> None:
    from interop_lorawan.envelopes import Envelope
    from interop_lorawan.uplink import measurement_id, measurement_prefix

    envelope = Envelope("ttn-v3", "up", device_id, dev_eui, "app", f_cnt=f_cnt)
    try:
        expected = measurement_id(envelope, at, "temperature_1")
    except OverflowError:  # a time that cannot be shown in UTC
        return
    assert measurement_prefix(envelope, at) + "temperature_1" == expected


def test_each_receive_time_gives_the_device_its_own_provenance() -> None:
    codec = LorawanUplinkCodec()
    times = [datetime(2024, 5, 1, 12, second, tzinfo=UTC) for second in (1, 2, 1)]
    devices = [
        codec.decode(orjson.dumps(_uplink(n)), DecodeContext(source="t", received_at=at))[0]
        for n, at in enumerate(times)
    ]
    assert [d.provenance.received_at for d in devices] == times
    for device in devices:  # a copy with a checked provenance is what validation gives
        assert Device.model_validate(device.model_dump()) == device
    assert devices[0] == devices[2] != devices[1]
    assert devices[0].model_copy(update={"provenance": None}) == devices[1].model_copy(
        update={"provenance": None}
    )
