"""Cayenne LPP: hand-made frames for every type, strictness, encode limits, round trips."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_lorawan.codecs import builtin_codecs
from interop_lorawan.codecs.cayenne import LPP_TYPES, CayenneLPP

from interop.errors import DecodeError, EncodeError

LPP = CayenneLPP()


def dec(hex_: str) -> dict[str, Any]:
    return LPP.decode_uplink(1, bytes.fromhex(hex_), device="lpp-dev")


FRAMES: list[tuple[str, dict[str, Any]]] = [
    ("0367 0110", {"temperature_3": 27.2}),
    ("0167 FFD7", {"temperature_1": -4.1}),
    ("0568 61", {"relative_humidity_5": 48.5}),
    ("0000 01 0101 00", {"digital_in_0": 1, "digital_out_1": 0}),
    ("0202 FF38 0303 0064", {"analog_in_2": -2.0, "analog_out_3": 1.0}),
    ("0465 0123", {"luminosity_4": 291}),
    ("0666 01", {"presence_6": 1}),
    ("0671 04D2 FB2E 0000", {"accelerometer_6": {"x": 1.234, "y": -1.234, "z": 0.0}}),
    ("0773 2797", {"barometric_pressure_7": 1013.5}),
    ("0886 0064 FF9C 0000", {"gyrometer_8": {"x": 1.0, "y": -1.0, "z": 0.0}}),
    (
        "0188 06765F F2960A 0003E8",
        {"gps_1": {"latitude": 42.3519, "longitude": -87.9094, "altitude": 10.0}},
    ),
    ("0964 0000002A", {"generic_sensor_9": 42}),
    ("0A74 0140", {"voltage_10": 3.2}),
    ("0B75 04D2", {"current_11": 1.234}),
    ("0C76 0000C350", {"frequency_12": 50000}),
    ("0D78 64", {"percentage_13": 100}),
    ("0E79 FF9C", {"altitude_14": -100}),
    ("0F7D 01F4", {"concentration_15": 500}),
    ("1080 0064", {"power_16": 100}),
    ("1182 000004D2", {"distance_17": 1.234}),
    ("1283 00002710", {"energy_18": 10.0}),
    ("1384 0168", {"direction_19": 360}),
    ("1485 5F5E1000", {"unix_time_20": 1600000000}),
    ("1587 FF8000", {"colour_21": {"r": 255, "g": 128, "b": 0}}),
    ("168E 01", {"switch_22": 1}),
    (
        "17F0 0C 02 06765F F2960A 0102 FF01",
        {
            "polyline_23": {
                "factor": 2,
                "points": [
                    {"latitude": 42.3519, "longitude": -87.9094},
                    {"latitude": 42.3521, "longitude": -87.909},
                    {"latitude": 42.3519, "longitude": -87.9088},
                ],
            }
        },
    ),
]


@pytest.mark.parametrize(("hex_", "expected"), FRAMES)
def test_decode_every_type_and_encode_back(hex_: str, expected: dict[str, Any]) -> None:
    """Every type decodes big-endian as the table says, and encodes back to the same bytes."""
    data = bytes.fromhex(hex_.replace(" ", ""))
    assert dec(data.hex()) == expected
    assert LPP.encode_downlink(expected).data == data


def test_every_table_type_is_covered() -> None:
    """FRAMES exercise every type of the research note: 12 original, 15 extended (polyline)."""
    by_name = {t.name: t.type_id for t in LPP_TYPES.values()} | {"polyline": 240}
    used = {by_name[key.rpartition("_")[0]] for _, expected in FRAMES for key in expected}
    assert used == {*LPP_TYPES, 240}
    assert len(used) == 27


def test_registered() -> None:
    assert isinstance(builtin_codecs().get("cayenne-lpp"), CayenneLPP)


@pytest.mark.parametrize(
    ("hex_", "offset", "words"),
    [
        ("0367 01", 2, "truncated"),  # value cut short
        ("03", 0, "truncated"),  # channel without type
        ("0367 0110 05", 4, "truncated"),  # trailing byte: an item with no type
        ("03FF 0110", 1, "unknown LPP type"),
        ("0367 0110 0367 0111", 4, "repeated temperature_3"),
        ("0367 3401", 2, "implausible temperature"),  # Milesight little-endian 30.8 °C
        ("0168 CA", 2, "implausible relative_humidity"),  # 101 %
        ("0188 7FFFFF 000000 000000", 2, "implausible gps.latitude"),
        ("", 0, "empty payload"),
    ],
)
def test_strict_decode(hex_: str, offset: int, words: str) -> None:
    """Malformed frames are DecodeErrors naming the device, the byte offset and the problem."""
    with pytest.raises(DecodeError) as err:
        dec(hex_.replace(" ", ""))
    text = str(err.value)
    assert "lpp-dev" in text
    assert f"byte offset {offset}" in text
    assert words in text
    assert err.value.expected


def test_plausibility_can_be_disabled() -> None:
    """A device that really reports 1331.3 °C can opt out of the look-alike check."""
    lenient = CayenneLPP(plausibility=False)
    assert lenient.decode_uplink(1, bytes.fromhex("03673401")) == {"temperature_3": 1331.3}


def test_generic_sensor_float32_option() -> None:
    f32 = CayenneLPP(generic_sensor_float32=True)
    assert f32.decode_uplink(1, bytes.fromhex("0164 40490FDB"))[
        "generic_sensor_1"
    ] == pytest.approx(math.pi, rel=1e-7)
    assert f32.encode_downlink({"generic_sensor_1": 1.5}).data == bytes.fromhex("0164 3FC00000")


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        ({"temperature_1": 27.25}, "temperature_1"),  # finer than 0.1 °C
        ({"temperature_1": 250.0}, "temperature_1"),  # implausible
        ({"analog_in_1": 400.0}, "analog_in_1"),  # beyond int16 / 100
        ({"luminosity_1": -1}, "luminosity_1"),  # unsigned
        ({"relative_humidity_1": 100.25}, "relative_humidity_1"),
        ({"digital_in_1": True}, "digital_in_1"),  # bool is not a number here
        ({"temperature_256": 1.0}, "temperature_256"),  # channel out of range
        ({"nonsense_1": 1}, "nonsense_1"),
        ({"accelerometer_1": {"x": 1, "y": 2}}, "accelerometer_1"),
        ({"gps_1": {"latitude": 91, "longitude": 0, "altitude": 0}}, "gps_1.latitude"),
        ({"unix_time_1": 2**32}, "unix_time_1"),
        ({"temperature_1": math.nan}, "temperature_1"),
    ],
)
def test_encode_refuses(obj: dict[str, Any], field: str) -> None:
    """Values outside a type's range or resolution are EncodeErrors naming the field."""
    with pytest.raises(EncodeError) as err:
        LPP.encode_downlink(obj, device="lpp-dev")
    assert err.value.field == field
    assert "lpp-dev" in str(err.value)


def _value(type_id: int) -> st.SearchStrategy[Any]:
    """Values of one type, exactly on its resolution grid and within its plausible range."""
    lpp = LPP_TYPES[type_id]
    parts = []
    for _comp, size, mult, limits in lpp.parts():
        bits = 8 * size
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if lpp.signed else (0, (1 << bits) - 1)
        if limits is not None:
            lo, hi = max(lo, math.ceil(limits[0] * mult)), min(hi, math.floor(limits[1] * mult))
        parts.append(st.integers(lo, hi).map(lambda raw, m=mult: raw if m == 1 else raw / m))
    if not lpp.components:
        return parts[0]
    return st.tuples(*parts).map(lambda vs, c=lpp.components: dict(zip(c, vs, strict=True)))


_items = st.lists(
    st.tuples(st.integers(0, 255), st.sampled_from(sorted(LPP_TYPES))).flatmap(
        lambda ct: _value(ct[1]).map(lambda v, ct=ct: (f"{LPP_TYPES[ct[1]].name}_{ct[0]}", v))
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda kv: kv[0],
)


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(_items)
def test_round_trip(items: list[tuple[str, Any]]) -> None:
    """encode then decode gives back the object (within the type's resolution)."""
    obj = dict(items)
    assert _close(LPP.decode_uplink(1, LPP.encode_downlink(obj).data), obj)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=40))
def test_random_bytes_only_decode_error(data: bytes) -> None:
    """Arbitrary bytes either decode (and re-encode to themselves) or raise DecodeError only."""
    try:
        out = LPP.decode_uplink(1, data, device="fuzz")
    except DecodeError as exc:
        message = str(exc)
    else:
        assert LPP.encode_downlink(out).data == data
        return
    assert "fuzz" in message
