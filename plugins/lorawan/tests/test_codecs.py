"""Vendor codecs with hand-made payloads: happy paths the corpus lacks and every error path.

Each error must be a DecodeError/EncodeError whose text names the device and (for decoding)
the byte offset, never an IndexError/KeyError from a short or odd payload.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_lorawan.codecs import NativeCodec, builtin_codecs
from interop_lorawan.codecs.decentlab import crc16_modbus

from interop.errors import DecodeError, EncodeError

CODECS = builtin_codecs()


def dec(codec_id: str, port: int, hex_: str) -> dict[str, Any]:
    return CODECS.get(codec_id).decode_uplink(
        port, bytes.fromhex(hex_.replace(" ", "")), device="dev-7"
    )


def fails(codec_id: str, port: int, hex_: str, offset: int, words: str = "") -> None:
    with pytest.raises(DecodeError) as err:
        dec(codec_id, port, hex_)
    text = str(err.value)
    assert "dev-7" in text, text
    assert f"byte offset {offset}" in text, text
    assert words in text, text


@pytest.mark.parametrize(
    ("codec_id", "port", "hex_", "offset", "words"),
    [
        # Netvox: fixed 11-byte frames on FPort 6/7, device type byte checked
        ("r718h-codec", 6, "011f0124006400000000", 10, "truncated"),
        ("r718h-codec", 6, "011f012400640000000000 00", 11, "trailing"),
        ("r718h-codec", 5, "011f012400640000000000", 0, "FPort 5"),
        ("r718h-codec", 6, "0134012400640000000000", 1, "device type 0x34"),
        ("r718h-codec", 6, "011f092400640000000000", 2, "unknown report type 0x09"),
        ("r718h-codec", 7, "7f1f000000000000000000", 0, "unknown command id 0x7f"),
        ("r831a-codec", 6, "01b2010700000000000000", 3, "unknown MotorStatus"),
        # Decentlab: version, flags, words, trailing bytes
        ("dl-mbx-codec", 1, "01012f00020bb1", 0, "protocol version 1"),
        ("dl-mbx-codec", 1, "02012f00040bb1", 3, "lacks"),
        ("dl-mbx-codec", 1, "02012f00020b", 5, "truncated"),
        ("dl-mbx-codec", 1, "02012f00020bb100", 7, "trailing"),
        ("dl-mbx-codec", 1, "0201", 1, "truncated"),
        # Elsys: unknown type, truncated value
        ("ers-co2-codec", 1, "0100e2ff", 3, "unknown Elsys type 0xff"),
        ("ers-co2-codec", 1, "0100e20600", 4, "truncated"),
        ("elsys", 5, "", 0, "empty"),
        # Dragino
        ("lht65-codec", 2, "cbf60b0d0376010add7f", 10, "truncated"),
        ("lht65-codec", 3, "cbf60b0d0376010add7fff", 0, "FPort 3"),
        ("lht65-codec", 2, "cbf60b0d0376090add7fff", 6, "external sensor type 9"),
        ("lds02-codec", 10, "0b8801002500", 6, "truncated"),
        ("laq4-codec", 2, "0d07090012020b00fb01b3", 2, "work mode 2"),
        ("ldds75-114-codec", 2, "0d3b0aef000000", 7, "truncated"),
        ("ldds75-codec", 2, "0d", 0, "truncated"),
        # Browan
        ("tbhv110-codec", 103, "610b351ebf0301005100", 10, "truncated"),
        ("tbdw100-codec", 102, "00cb3500008a3a00", 0, "FPort 102"),
        ("tbsl100-codec", 105, "000b362800", 4, "trailing"),
        # Nwave
        ("nps405-codec", 1, "", 0, "truncated"),
        ("nps405-codec", 2, "00d3d800", 4, "truncated"),
        ("nps405-codec", 4, "00", 0, "FPort 4"),
        ("nps405-codec", 3, "0204090400", 3, "reserved reset cause 4"),
        ("ncc405-codec", 1, "06aa00", 2, "trailing"),
        # Paxcounter: length picks the layout
        ("esp32-paxcounter-codec", 1, "070003", 3, "no FPort 1 layout is 3 bytes"),
        ("esp32-paxcounter-codec", 11, "00", 0, "FPort 11"),
        # Dingtek: header, length byte, trailer, downlink text
        ("df702-codec", 3, "810001011107d000190000000000000081", 0, "header 0x81"),
        ("df702-codec", 3, "800001011207d000190000000000000081", 4, "length byte 18"),
        ("df702-codec", 3, "800001011107d000190000000000000082", 16, "trailer 0x82"),
        ("df702-codec", 3, "800001011107d0", 7, "frame of 7 bytes"),
        # Ellenex, Sting, Talkpool, MClimate, Bosch, EMU
        ("pls2-l-codec", 15, "01e800fb580000", 7, "truncated"),
        ("pls2-l-codec", 1, "01e800fb58000022", 0, "FPort 1"),
        ("pengy-codec", 2, "0443010f00370034", 8, "truncated"),
        ("oy1210-codec", 2, "3e441d02", 4, "truncated"),
        ("oy1320-codec", 2, "0121000017", 5, "frame of 5 bytes"),
        ("co2-sensor-codec", 2, "020271027384ed", 0, "frame type 0x02"),
        ("aqi-sensor-codec", 2, "0107a04d034bc8aa2b", 9, "truncated"),
        ("tps110-0292-codec", 3, "2403000075030000000000000000", 14, "truncated"),
        ("tps110-0292-codec", 3, "240300007503000000000000001d020901", 15, "reset cause 9"),
        ("emu-prof-ii-codec", 1, "b4d77b6101b4d77b61031207000038", 14, "CRC-8"),
        ("emu-prof-ii-codec", 1, "b4d77b6160004a", 4, "unknown data type 0x60"),
    ],
)
def test_decode_errors(codec_id: str, port: int, hex_: str, offset: int, words: str) -> None:
    fails(codec_id, port, hex_, offset, words)


def test_netvox_low_battery_and_sentinels() -> None:
    """Bit 7 of the battery byte is the low-battery flag; all-ones readings are NoSensor."""
    assert dec("r718h-codec", 6, "011f01a4006400000000 00")["Volt"] == "3.6(low battery)"
    out = dec("ra0715-codec", 6, "010507 78 ffff ffff ffff 00")
    assert out == {
        "Device": "RA07Series",
        "Volt": 12.0,
        "CO2": "NoSensor",
        "NH3": "NoSensor",
        "Noise": "NoSensor",
    }


@pytest.mark.parametrize(
    ("codec_id", "obj", "field"),
    [
        ("r718h-codec", {"Cmd": "Explode", "Device": "R718H"}, "Cmd"),
        ("r718h-codec", {"Cmd": "ReadConfigReportReq", "Device": "R718X"}, "Device"),
        (
            "r718h-codec",
            {"Cmd": "SetFiltertimeReq", "Device": "R718H", "FilterTime": 7},
            "FilterTime",
        ),
        ("r718h-codec", {"Cmd": "SetFiltertimeReq", "Device": "R718H"}, "FilterTime"),
        ("r718h-codec", {"Cmd": "GetFiltertimeReq", "Device": "R718H", "Extra": 1}, "Extra"),
        (
            "r718x-codec",
            {"Cmd": "SetFillMaxDistanceReq", "Device": "R718X", "FillMaxDistance": 70000},
            "FillMaxDistance",
        ),
        (
            "r831a-codec",
            {"Cmd": "SetSwitchTypeReq", "Device": "R831A", "SwitchType": "Rocker"},
            "SwitchType",
        ),
        ("dl-pm-codec", {"command": "set period", "parameter": -1}, "parameter"),
        ("dl-pm-codec", {"command": "set period"}, "parameter"),
        ("dl-pm-codec", {"command": "self destruct"}, "command"),
        ("ers-co2-codec", {"anything": 1}, "downlink"),
        ("df702-codec", {"periodic_interval": 169}, "periodic_interval"),
        ("df702-codec", {"ultrasonic_range": 3}, "ultrasonic_range"),
        ("df702-codec", {"periodic_interval": 4, "tilt_enable": True}, "downlink"),
        ("pls2-l-codec", {"unit": "hour", "time": 1}, "unit"),
        ("pls2-l-codec", {"reset": False}, "downlink"),
        ("busylight-codec", {"red": 256, "green": 0, "blue": 0, "ontime": 1, "offtime": 1}, "red"),
        ("emu-prof-ii-codec", {"timeInterval": 0, "values": [3]}, "timeInterval"),
        ("emu-prof-ii-codec", {"timeInterval": 15, "values": [0x60]}, "values"),
    ],
)
def test_encode_errors(codec_id: str, obj: dict[str, Any], field: str) -> None:
    with pytest.raises(EncodeError) as err:
        CODECS.get(codec_id).encode_downlink(obj, device="dev-7")
    assert err.value.field == field
    assert "dev-7" in str(err.value)


def test_decentlab_downlink_crc_checked() -> None:
    codec = CODECS.get("dl-pm-codec")
    assert crc16_modbus(bytes.fromhex("00010258")) == 0x7E51
    with pytest.raises(DecodeError, match="byte offset 4"):
        codec.decode_downlink(1, bytes.fromhex("000102587e52"), device="dev-7")
    assert codec.decode_downlink(
        1, codec.encode_downlink({"command": "set period", "parameter": 60}).data
    ) == {
        "command": "set period",
        "parameter": 60,
    }


def test_nwave_duration_ranges() -> None:
    """The compressed duration: exact, 5-min steps, hour steps, overflow."""
    assert dec("nps405-codec", 1, "85")["previous_state_duration"] == 5
    assert dec("nps405-codec", 1, "f8")["previous_state_duration"] == 240
    over = dec("nps405-codec", 1, "ff")
    assert over["previous_state_duration_overflow"] is True
    assert over["previous_state_duration_error"] is None
    reg = dec("nps405-codec", 10, "001f345678")
    assert reg["occupied"] is None
    assert reg["tag_id"] == "1F345678"


def test_warnings_side_channel() -> None:
    codec = CODECS.get("ncc405-codec")
    assert isinstance(codec, NativeCodec)
    assert codec.decode_uplink_with_warnings(1, b"\x00\x01") == (
        {"type": "counter_update", "counter_value": 1},
        [],
    )


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(CODECS)), st.integers(0, 255), st.binary(max_size=24))
def test_random_bytes_only_decode_error(codec_id: str, port: int, data: bytes) -> None:
    """No codec raises anything but DecodeError, whatever the port and bytes."""
    codec = CODECS.get(codec_id)
    for call in (codec.decode_uplink, codec.decode_downlink):
        message = "fuzz"
        try:
            call(port, data, device="fuzz")
        except DecodeError as exc:
            message = str(exc)
        assert "fuzz" in message


def test_emu_crc_fixed_frame_decodes() -> None:
    """A frame with a correct CRC-8 and a factor-scaled item (voltage in tenths)."""
    from interop_lorawan.codecs.emu import crc8

    body = bytes.fromhex("b4d77b6114fa080000")  # Voltage L1-N = 229.8 V
    out = CODECS.get("emu-prof-ii-codec").decode_uplink(1, body + bytes((crc8(body),)))
    assert out["Voltage L1-N"] == {
        "unit": "V/10",
        "unit_calculated": "V",
        "cfgphase": 1,
        "value_raw": 2298,
        "value": 229.8,
    }


def test_sting_warning_only_on_side_channel() -> None:
    codec = CODECS.get("pengy-codec")
    assert isinstance(codec, NativeCodec)
    data = bytes.fromhex("0443010f00370034")
    obj, warnings = codec.decode_uplink_with_warnings(1, data)
    assert warnings == ["Humidity out of range (109.1)"]
    assert codec.decode_uplink(1, data) == obj
    assert obj["Humidity"] == 100


def test_dingtek_tilt_sign_nibble() -> None:
    """The angle is negative when the low nibble of the byte before it is set."""
    out = dec("df702-codec", 3, "800001011107d000190f1e000000000081")
    assert out["angle"] == "-30 °"


def test_short_lds02_frames_are_read_as_the_maker_reads_them_with_a_warning():
    codec = builtin_codecs().get("lds02-codec")
    assert isinstance(codec, NativeCodec)
    data, warnings = codec.decode_uplink_with_warnings(10, bytes.fromhex("0b880100250001"))
    assert data["DOOR_OPEN_TIMES"] == 9472
    assert data["ALARM"] == 0
    assert warnings == [
        "7-byte frame of the 10-byte LDS02 format: the missing bytes were read as 0, "
        "as the maker's decoder does"
    ]
    full, none = codec.decode_uplink_with_warnings(10, bytes.fromhex("0b880100250001000001"))
    assert none == []
    assert full["ALARM"] == 1
