"""Known answers of the payload codecs, from the makers' documents, at the edges of each range.

Every vector is built by hand from the published layout, not produced by the codec:

- Cayenne LPP (myDevices "Cayenne Low Power Payload" and the extended types of the Arduino
  ``CayenneLPP`` library): ``[channel][type][value]``, big-endian, signed where the type is,
  ``value = raw / resolution``; the plugin's plausibility limits (temperature from absolute
  zero to 200 °C, humidity 0..100 %, pressure 0..1100 hPa, GPS ±90/±180) are checked on
  both sides of each edge;
- Elsys ERS/EMS "Elsys LoRa payload" document: ``[type][value]`` items of fixed size per
  type, temperatures signed tenths of °C, pressure in thousandths of hPa;
- Dingtek DF702 user manual: 17-byte frames ``80 00 01 <type> 11 <level:2> .. <temp> <sign>
  <angle> <full|fire> <tilt|battery> .. 81``, level in mm, temperature in whole °C.
"""

from __future__ import annotations

from typing import Any

import pytest
from interop_lorawan.codecs.cayenne import LPP_TYPES, CayenneLPP, LppType
from interop_lorawan.codecs.dingtek import DingtekDF702
from interop_lorawan.codecs.elsys import Elsys

from interop.errors import DecodeError, EncodeError

LPP = CayenneLPP()
ELSYS = Elsys()
DF702 = DingtekDF702()


def lpp(hex_: str) -> dict[str, Any]:
    return LPP.decode_uplink(1, bytes.fromhex(hex_.replace(" ", "")), device="known-answer")


# Cayenne LPP --------------------------------------------------------------------------------
LPP_ANSWERS = [
    # temperature 0x67: int16 in 0.1 °C
    ("01 67 FF9C", {"temperature_1": -10.0}),
    ("01 67 FFFF", {"temperature_1": -0.1}),
    ("01 67 0000", {"temperature_1": 0.0}),
    ("01 67 07D0", {"temperature_1": 200.0}),  # upper plausibility edge
    ("01 67 F555", {"temperature_1": -273.1}),  # just above absolute zero
    # relative humidity 0x68: uint8 in 0.5 %
    ("02 68 01", {"relative_humidity_2": 0.5}),
    ("02 68 C8", {"relative_humidity_2": 100.0}),
    # barometric pressure 0x73: uint16 in 0.1 hPa
    ("03 73 2AF8", {"barometric_pressure_3": 1100.0}),
    ("03 73 2797", {"barometric_pressure_3": 1013.5}),
    ("03 73 0000", {"barometric_pressure_3": 0.0}),
    # illuminance 0x65: uint16 lux; presence 0x66: uint8
    ("04 65 FFFF", {"luminosity_4": 65535}),
    ("05 66 00", {"presence_5": 0}),
    # analog input 0x02: int16 in 0.01
    ("06 02 8000", {"analog_in_6": -327.68}),
    ("06 02 7FFF", {"analog_in_6": 327.67}),
    # accelerometer 0x71: 3 x int16 in 0.001 G
    ("07 71 FC18 03E8 0001", {"accelerometer_7": {"x": -1.0, "y": 1.0, "z": 0.001}}),
    # gyrometer 0x86: 3 x int16 in 0.01 °/s
    ("08 86 FFFF 0001 8000", {"gyrometer_8": {"x": -0.01, "y": 0.01, "z": -327.68}}),
    # GPS 0x88: int24 lat, lon in 0.0001 °, int24 altitude in 0.01 m
    ("09 88 0DBBA0 E488C0 FFFF9C",
     {"gps_9": {"latitude": 90.0, "longitude": -180.0, "altitude": -1.0}}),
    # extended types: voltage 0x74 uint16 0.01 V, current 0x75 uint16 0.001 A,
    # distance 0x82 uint32 0.001 m, energy 0x83 uint32 0.001 kWh, direction 0x84 uint16 °
    ("0A 74 FFFF", {"voltage_10": 655.35}),
    ("0B 75 0001", {"current_11": 0.001}),
    ("0C 82 00000001", {"distance_12": 0.001}),
    ("0D 83 000F4240", {"energy_13": 1000.0}),
    ("0E 84 0000", {"direction_14": 0}),
    ("0F 79 8000", {"altitude_15": -32768}),
]  # fmt: skip


@pytest.mark.parametrize(("frame", "expected"), LPP_ANSWERS, ids=[a[0] for a in LPP_ANSWERS])
def test_cayenne_lpp_known_answer(frame: str, expected: dict[str, Any]) -> None:
    decoded = lpp(frame)
    assert decoded == expected
    assert {k: type(v) for k, v in decoded.items()} == {k: type(v) for k, v in expected.items()}


LPP_OUT_OF_RANGE = [
    ("01 67 07D1", "temperature 200.1 °C"),
    ("01 67 F554", "temperature -273.2 °C, below absolute zero"),
    ("02 68 C9", "humidity 100.5 %"),
    ("03 73 2AF9", "pressure 1100.1 hPa"),
    ("03 73 FFFF", "pressure 6553.5 hPa"),
    ("05 66 02", "presence 2"),
    ("09 88 0DBBA1 000000 000000", "latitude 90.0001"),
    ("09 88 F2445F 000000 000000", "latitude -90.0001"),
    ("09 88 000000 E488BF 000000", "longitude -180.0001"),
    ("0E 84 0169", "direction 361 °"),
]


@pytest.mark.parametrize(("frame", "why"), LPP_OUT_OF_RANGE, ids=[a[0] for a in LPP_OUT_OF_RANGE])
def test_cayenne_lpp_refuses_values_past_each_edge(frame: str, why: str) -> None:
    with pytest.raises(DecodeError, match="implausible"):
        lpp(frame)


def test_cayenne_lpp_longitude_edges() -> None:
    assert lpp("09 88 000000 1B7740 000000")["gps_9"]["longitude"] == 180.0
    with pytest.raises(DecodeError, match="implausible"):
        lpp("09 88 000000 1B7741 000000")


def test_cayenne_lpp_plausibility_off_reads_the_raw_range() -> None:
    loose = CayenneLPP(plausibility=False)
    assert loose.decode_uplink(1, bytes.fromhex("0373FFFF")) == {"barometric_pressure_3": 6553.5}
    assert loose.decode_uplink(1, bytes.fromhex("01678000")) == {"temperature_1": -3276.8}


LPP_ENCODINGS = [
    ({"temperature_1": -10.0}, "0167FF9C"),
    ({"temperature_1": 200.0}, "016707D0"),
    ({"relative_humidity_2": 100.0}, "0268C8"),
    ({"barometric_pressure_3": 1100.0}, "03732AF8"),
    ({"gps_9": {"latitude": -90.0, "longitude": 180.0, "altitude": 0.01}},
     "0988F244601B7740000001"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "frame"), LPP_ENCODINGS, ids=[f for _, f in LPP_ENCODINGS])
def test_cayenne_lpp_encodes_the_documented_bytes(value: dict[str, Any], frame: str) -> None:
    assert LPP.encode_downlink(value).data == bytes.fromhex(frame)


@pytest.mark.parametrize(
    "value",
    [
        {"temperature_1": 200.1},
        {"temperature_1": -273.2},
        {"relative_humidity_2": 100.5},
        {"barometric_pressure_3": 1100.1},
        {"direction_4": 360.5},
        {"temperature_1": 0.05},  # finer than 0.1 °C
    ],
    ids=lambda v: str(v),
)
def test_cayenne_lpp_encode_refuses_past_the_edges(value: dict[str, Any]) -> None:
    with pytest.raises(EncodeError):
        LPP.encode_downlink(value)


# Elsys ----------------------------------------------------------------------------------
ELSYS_ANSWERS = [
    ("01 FF9C", {"temperature": -10.0}),
    ("01 8000", {"temperature": -3276.8}),
    ("01 7FFF", {"temperature": 3276.7}),
    ("02 FF", {"humidity": 255}),
    ("03 FF 01 80", {"x": -1, "y": 1, "z": -128}),
    ("04 FFFF", {"light": 65535}),
    ("05 00", {"motion": 0}),
    ("06 0308", {"co2": 776}),
    ("07 0E10", {"vdd": 3600}),
    ("08 0102", {"analog1": 258}),
    ("09 F24460 1B7740", {"lat": -90.0, "long": 180.0}),
    ("0A 0001", {"pulse1": 1}),
    ("0B 00010000", {"pulseAbs": 65536}),
    ("0C FFFE", {"externalTemperature": -0.2}),
    ("0D 01", {"digital": 1}),
    ("0E 07D0", {"distance": 2000}),
    ("0F 02", {"accMotion": 2}),
    ("10 00FA FF06", {"irInternalTemperature": 25.0, "irExternalTemperature": -25.0}),
    ("11 02", {"occupancy": 2}),
    ("12 01", {"waterleak": 1}),
    ("14 000F7344", {"pressure": 1012.548}),
    ("15 5A 3C", {"soundPeak": 90, "soundAvg": 60}),
    ("15 A0 FF", {"soundPeak": 160, "soundAvg": 255}),
    ("16 0003", {"pulse2": 3}),
    ("17 00000004", {"pulseAbs2": 4}),
    ("18 0005", {"analog2": 5}),
    ("19 FC18", {"externalTemperature2": -100.0}),
    ("1A 00", {"digital2": 0}),
    ("1B FFFFFFFF", {"analogUv": -1}),
    ("1C 01F4", {"tvoc": 500}),
    ("01 00E2 02 29 04 0027 05 06 06 0308",
     {"temperature": 22.6, "humidity": 41, "light": 39, "motion": 6, "co2": 776}),
]  # fmt: skip


@pytest.mark.parametrize(("payload", "expected"), ELSYS_ANSWERS, ids=[a[0] for a in ELSYS_ANSWERS])
def test_elsys_known_answer(payload: str, expected: dict[str, Any]) -> None:
    decoded = ELSYS.decode_uplink(5, bytes.fromhex(payload.replace(" ", "")), device="ers")
    assert decoded == expected
    assert {k: type(v) for k, v in decoded.items()} == {k: type(v) for k, v in expected.items()}


def test_elsys_grideye_is_reference_plus_tenths() -> None:
    payload = bytes([0x13, 20]) + bytes(range(64))
    decoded = ELSYS.decode_uplink(5, payload)
    assert decoded["grideye"][0] == 20.0
    assert decoded["grideye"][63] == 26.3
    assert len(decoded["grideye"]) == 64


@pytest.mark.parametrize(
    ("payload", "offset", "what"),
    [
        ("", 0, "empty payload"),
        ("01 00", 1, "value of type 0x01"),
        ("1D 00", 0, "unknown Elsys type 0x1d"),
        ("02 29 FF", 2, "unknown Elsys type 0xff"),
        ("14 000F73", 1, "value of type 0x14"),
        ("05 00 0E 07", 3, "value of type 0x0e"),
        ("07 0E10 0E 07", 4, "value of type 0x0e"),
    ],
)
def test_elsys_refuses_unknown_and_truncated_items(payload: str, offset: int, what: str) -> None:
    with pytest.raises(DecodeError) as caught:
        ELSYS.decode_uplink(5, bytes.fromhex(payload.replace(" ", "")), device="ers")
    assert f"byte offset {offset}" in str(caught.value)
    assert what in str(caught.value)


def test_elsys_reads_a_payload_longer_than_256_bytes_to_its_end() -> None:
    payload = (bytes([0x13, 10]) + bytes(64)) * 4 + bytes.fromhex("01FF9C")
    assert len(payload) > 256
    decoded = ELSYS.decode_uplink(5, payload)
    assert decoded["temperature"] == -10.0
    assert decoded["grideye"] == [10.0] * 64


# Dingtek DF702 --------------------------------------------------------------------------
def df702(level: int, temperature: int, sign: int, angle: int, alarms: tuple[int, int]) -> bytes:
    """A 17-byte DF702 data frame laid out as the manual gives it."""
    return bytes(
        [0x80, 0x00, 0x01, 0x01, 0x11, level >> 8, level & 0xFF, 0x00, temperature, sign, angle,
         alarms[0], alarms[1], 0x00, 0x00, 0x00, 0x81]
    )  # fmt: skip


DF702_ANSWERS = [
    (df702(2000, 25, 0x00, 0, (0x00, 0x00)),
     {"level": "2000 mm", "temperature": "25 ℃", "angle": "0 °", "full": False, "fire": False,
      "tilt": False, "battery": False}),
    (df702(0xFFFF, 0, 0x01, 30, (0x10, 0x01)),
     {"level": "65535 mm", "temperature": "0 ℃", "angle": "-30 °", "full": True, "fire": False,
      "tilt": False, "battery": True}),
    (df702(150, 255, 0x10, 90, (0x01, 0x10)),
     {"level": "150 mm", "temperature": "255 ℃", "angle": "90 °", "full": False, "fire": True,
      "tilt": True, "battery": False}),
]  # fmt: skip


@pytest.mark.parametrize(("frame", "expected"), DF702_ANSWERS, ids=["quiet", "full", "fire"])
def test_df702_known_answer(frame: bytes, expected: dict[str, Any]) -> None:
    assert DF702.decode_uplink(3, frame, device="bin") == expected


def test_df702_parameter_frame() -> None:
    frame = bytes(
        [0x80, 0x00, 0x01, 0x03, 0x19, 0, 0, 12, 30, 80, 60, 45, 1, 1] + [0] * 10 + [0x81]
    )
    assert DF702.decode_uplink(3, frame) == {
        "periodic_interval": "12 hours", "detection_interval": "30 minutes",
        "full_alarm_threshold": "80 cm", "fire_alarm_threshold": "60 ℃",
        "tilt_alarm_threshold": "45 °", "tilt_enable": True, "ultrasonic_range": "5000 mm",
    }  # fmt: skip


def test_df702_gps_frame_uses_the_makers_float_routine() -> None:
    # 4.35 and 50.85 as float32 little-endian (0x408B3333, 0x424B6666), decoded with the
    # maker's mantissa / (2^23 - 1)
    frame = bytes(
        [0x80, 0x00, 0x01, 0x02, 0x19, 0x03, 0xE8, 0x00, 0x33, 0x33, 0x8B, 0x40,
         0x66, 0x66, 0x4B, 0x42, 20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x81]
    )  # fmt: skip
    decoded = DF702.decode_uplink(3, frame)
    assert decoded["level"] == "1000 mm"
    assert decoded["temperature"] == "20 ℃"
    assert decoded["longitude"] == f"{4 * (1 + 0x0B3333 / 0x7FFFFF):.6f}"
    assert decoded["latitude"] == f"{32 * (1 + 0x4B6666 / 0x7FFFFF):.6f}"


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        (df702(1, 1, 0, 0, (0, 0))[:16], "frame"),
        (b"\x81" + df702(1, 1, 0, 0, (0, 0))[1:], "header 0x81"),
        (df702(1, 1, 0, 0, (0, 0))[:4] + b"\x12" + df702(1, 1, 0, 0, (0, 0))[5:], "length"),
        (df702(1, 1, 0, 0, (0, 0))[:16] + b"\x80", "trailer 0x80"),
        (df702(1, 1, 0, 0, (0, 0))[:4] + b"\x12" + df702(1, 1, 0, 0, (0, 0))[5:], "length byte 18"),
    ],
)
def test_df702_refuses_broken_frames(frame: bytes, field: str) -> None:
    with pytest.raises(DecodeError, match=field):
        DF702.decode_uplink(3, frame)


def test_df702_refuses_other_ports() -> None:
    with pytest.raises(DecodeError, match="FPort 2"):
        DF702.decode_uplink(2, df702(1, 1, 0, 0, (0, 0)))


@pytest.mark.parametrize(
    ("parameter", "command"),
    [
        ({"periodic_interval": 1}, b"80029999010181"),
        ({"periodic_interval": 168}, b"8002999901A881"),
        ({"detection_interval": 60}, b"80029999083C81"),
        ({"full_alarm_threshold": 15}, b"80029999020F81"),
        ({"full_alarm_threshold": 255}, b"8002999902FF81"),
        ({"fire_alarm_threshold": 255}, b"8002999903FF81"),
        ({"detection_interval": 1}, b"80029999080181"),
        ({"tilt_alarm_threshold": 15}, b"80029999040F81"),
        ({"fire_alarm_threshold": 0}, b"80029999030081"),
        ({"tilt_alarm_threshold": 90}, b"80029999045A81"),
        ({"ultrasonic_range": 2}, b"80029999090781"),
        ({"ultrasonic_range": 5}, b"80029999091381"),
        ({"tilt_enable": False}, b"80029999090981"),
        ({"tilt_enable": True}, b"80029999090A81"),
    ],
)
def test_df702_downlink_commands(parameter: dict[str, Any], command: bytes) -> None:
    downlink = DF702.encode_downlink(parameter)
    assert (downlink.f_port, downlink.data) == (3, command)
    assert DF702.decode_downlink(3, command) == parameter


@pytest.mark.parametrize(
    "parameter",
    [
        {"periodic_interval": 0},
        {"periodic_interval": 169},
        {"detection_interval": 61},
        {"full_alarm_threshold": 14},
        {"tilt_alarm_threshold": 91},
        {"tilt_alarm_threshold": 14},
        {"periodic_interval": True},
        {"ultrasonic_range": 3},
        {"tilt_enable": 1},
        {"periodic_interval": 4, "detection_interval": 5},
    ],
    ids=lambda p: str(p),
)
def test_df702_downlink_refuses_out_of_range(parameter: dict[str, Any]) -> None:
    with pytest.raises(EncodeError):
        DF702.encode_downlink(parameter)


@pytest.mark.parametrize(
    "command", [b"80029999010081", b"8002999901A981", b"80029999FF0081", b"80029999010181x"]
)
def test_df702_downlink_decode_refuses_bad_commands(command: bytes) -> None:
    with pytest.raises(DecodeError):
        DF702.decode_downlink(3, command)


# Cayenne LPP: the table itself, generic sensor as float32, polyline ---------------------
def test_lpp_type_table_is_immutable() -> None:
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        LPP_TYPES[103].size = 3  # type: ignore[misc]


def test_one_limit_applies_to_every_component() -> None:
    xyz = LppType(250, "xyz", 6, True, (100,), ("x", "y", "z"), limits=((-1, 1),))
    assert [part[3] for part in xyz.parts()] == [(-1, 1)] * 3
    assert [part[2] for part in xyz.parts()] == [100] * 3


def test_power_is_unsigned() -> None:
    assert lpp("10 80 FFFF") == {"power_16": 65535}


def test_generic_sensor_as_float32_leaves_other_types_alone() -> None:
    floats = CayenneLPP(generic_sensor_float32=True)
    frame = bytes.fromhex("00000109643FC000000A65000A")
    assert floats.decode_uplink(1, frame) == {
        "digital_in_0": 1, "generic_sensor_9": 1.5, "luminosity_10": 10,
    }  # fmt: skip
    assert floats.encode_downlink({"generic_sensor_9": 1.5}).data == bytes.fromhex("09643FC00000")


def test_polyline_after_another_item_reads_its_own_bytes() -> None:
    # presence on channel 0, then a polyline whose value starts at byte 5:
    # size 10, factor 1, first point (1.0000, -2.0000), one step (+3, -4) x 0.0001 °
    frame = bytes.fromhex("00660101F00A01002710FFB1E003FC")
    decoded = lpp(frame.hex())
    assert decoded["presence_0"] == 1
    assert decoded["polyline_1"] == {
        "factor": 1,
        "points": [
            {"latitude": 1.0, "longitude": -2.0},
            {"latitude": 1.0003, "longitude": -2.0004},
        ],
    }


def test_polyline_encodes_the_edges_of_the_globe() -> None:
    value = {"factor": 255, "points": [{"latitude": 90.0, "longitude": -180.0}]}
    assert LPP.encode_downlink({"polyline_2": value}).data == bytes.fromhex("02F008FF0DBBA0E488C0")


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"factor": 1, "points": [{"latitude": 0, "longitude": 0}], "x": 1}, "polyline_2"),
        ({"factor": 256, "points": [{"latitude": 0, "longitude": 0}]}, "polyline_2.factor"),
        ({"factor": 0, "points": [{"latitude": 0, "longitude": 0}]}, "polyline_2.factor"),
        ({"factor": 1, "points": []}, "polyline_2.points"),
        ({"factor": 1, "points": [{"latitude": 90.0001, "longitude": 0}]},
         "polyline_2.points[0]"),
        ({"factor": 1, "points": [{"latitude": 0, "longitude": 0},
                                  {"latitude": 0.0128, "longitude": 0}]},
         "polyline_2.points[1]"),
    ],
)  # fmt: skip
def test_polyline_encode_refusals_name_the_field(value: dict[str, Any], field: str) -> None:
    with pytest.raises(EncodeError) as caught:
        LPP.encode_downlink({"polyline_2": value})
    assert caught.value.field == field


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        CayenneLPP(True)  # type: ignore[misc]


def test_polyline_plausibility_off_encodes_what_fits_the_bytes() -> None:
    loose = CayenneLPP(plausibility=False)
    value = {"factor": 1, "points": [{"latitude": 91.0, "longitude": 0.0}]}
    assert loose.encode_downlink({"polyline_2": value}).data == bytes.fromhex(
        "02F008010DE2B0000000"
    )


def test_distance_is_unsigned() -> None:
    assert lpp("11 82 FFFFFFFF") == {"distance_17": 4294967.295}


def test_an_item_after_a_polyline_is_read_from_the_right_byte() -> None:
    frame = "01F00A01002710FFB1E003FC" + "026601"
    decoded = lpp(frame)
    assert decoded["presence_2"] == 1
    assert len(decoded["polyline_1"]["points"]) == 2


@pytest.mark.parametrize("size", ["07", "09", "0B"])
def test_a_polyline_size_must_be_eight_plus_two_per_step(size: str) -> None:
    with pytest.raises(DecodeError, match="bad polyline size"):
        lpp("01F0" + size + "01002710FFB1E003FC0000")


def test_polyline_longitude_edges_on_encode() -> None:
    east = {"factor": 1, "points": [{"latitude": 0.0, "longitude": 180.0}]}
    assert LPP.encode_downlink({"polyline_2": east}).data == bytes.fromhex("02F008010000001B7740")
    with pytest.raises(EncodeError):
        LPP.encode_downlink(
            {"polyline_2": {"factor": 1, "points": [{"latitude": 0.0, "longitude": 180.0001}]}}
        )


def test_polyline_of_124_points_is_the_most_one_item_holds() -> None:
    points = [{"latitude": 0.0, "longitude": 0.0}] * 124
    data = LPP.encode_downlink({"polyline_2": {"factor": 1, "points": points}}).data
    assert data[2] == 8 + 2 * 123
    with pytest.raises(EncodeError):
        LPP.encode_downlink({"polyline_2": {"factor": 1, "points": [*points, points[0]]}})


@pytest.mark.parametrize(
    "value",
    [{"generic_sensor_9": "1.5"}, {"generic_sensor_9": True}, {"generic_sensor_9": 1e39}],
    ids=["text", "bool", "overflow"],
)
def test_float32_generic_sensor_encode_refuses_what_is_not_a_float32(value: dict[str, Any]):
    with pytest.raises(EncodeError):
        CayenneLPP(generic_sensor_float32=True).encode_downlink(value)


def test_a_boolean_is_not_a_polyline_factor() -> None:
    value = {"factor": True, "points": [{"latitude": 0.0, "longitude": 0.0}]}
    with pytest.raises(EncodeError):
        LPP.encode_downlink({"polyline_2": value})


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        (b"\x7f" + df702(1, 1, 0, 0, (0, 0))[1:], "byte 0"),
        (df702(1, 1, 0, 0, (0, 0))[:16] + b"\x80", "byte 16"),
        (df702(1, 1, 0, 0, (0, 0))[:4] + b"\x12" + df702(1, 1, 0, 0, (0, 0))[5:], "byte 4"),
    ],
    ids=["header-below", "trailer", "length"],
)
def test_df702_frame_errors_name_the_byte(frame: bytes, field: str) -> None:
    with pytest.raises(DecodeError) as caught:
        DF702.decode_uplink(3, frame)
    assert caught.value.field == field


def test_df702_gps_frame_south_west_with_alarms() -> None:
    # -4.35 and -50.85 as float32 little-endian (0xC08B3333, 0xC24B6666); full and tilt set
    frame = bytes(
        [0x80, 0x00, 0x01, 0x02, 0x19, 0x00, 0x64, 0x00, 0x33, 0x33, 0x8B, 0xC0,
         0x66, 0x66, 0x4B, 0xC2, 5, 0x01, 10, 0x10, 0x10, 0x00, 0x00, 0x00, 0x81]
    )  # fmt: skip
    decoded = DF702.decode_uplink(3, frame)
    assert decoded["longitude"] == f"{-4 * (1 + 0x0B3333 / 0x7FFFFF):.6f}"
    assert decoded["latitude"] == f"{-32 * (1 + 0x4B6666 / 0x7FFFFF):.6f}"
    assert (decoded["full"], decoded["fire"], decoded["tilt"], decoded["battery"]) == (
        True, False, True, False,
    )  # fmt: skip
    assert decoded["angle"] == "-10 °"
    assert decoded["temperature"] == "5 ℃"


def test_df702_parameter_frame_with_the_short_range() -> None:
    frame = bytes([0x80, 0x00, 0x01, 0x03, 0x19, 0, 0, 1, 1, 15, 0, 15, 0, 0] + [0] * 10 + [0x81])
    decoded = DF702.decode_uplink(3, frame)
    assert decoded["ultrasonic_range"] == "2000 mm"
    assert decoded["tilt_enable"] is False
