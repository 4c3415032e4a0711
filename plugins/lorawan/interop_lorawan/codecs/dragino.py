"""Dragino codecs.

LAQ4 air quality, LDDS75 distance (two firmware generations), LDS02 door sensor and LHT65
temperature/humidity.

Dragino frames are big-endian; battery words carry status flags in their top two bits
(``& 0x3FFF`` mV). Decoded objects follow Dragino's codecs in the TTN Device Repository,
including their string-typed values (``"2799 mm"``, ``"0.00"``, ``"TRUE"``, ``"No Sensor"``).
Where the JS reads past the end of a short frame (``undefined`` becomes 0), these codecs raise
DecodeError, except LDS02, whose 7-byte frames the maker's own example uses: there the
missing bytes read as 0, with a warning.
"""

from __future__ import annotations

from typing import ClassVar

from ..payload import Decoded
from ._common import NativeCodec, Reader, require_port

__all__ = ["CODECS"]


def _bat(r: Reader) -> float:
    return (r.uint(0, 2, "battery") & 0x3FFF) / 1000


class DraginoLAQ4(NativeCodec):
    """LAQ4 air quality: TVOC, CO2 (work mode 1), SHT temperature/humidity, alarm flag."""

    codec_id = "laq4-codec"
    vendor = "dragino"
    MODES: ClassVar[dict[int, str]] = {1: "CO2"}

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 2, 11 bytes: bat, mode/alarm, TVOC, CO2, temperature, humidity."""
        require_port(self.codec_id, device, f_port, (2,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(11, "an LAQ4 frame")
        mode = (data[2] & 0x7C) >> 2
        if mode not in self.MODES:
            raise r.error(2, f"work mode {mode}", "work mode 1 (CO2)")
        return {
            "Bat_V": _bat(r),
            "Work_mode": self.MODES[mode],
            "Alarm_status": "TRUE" if data[2] & 0x01 else "FALSE",
            "TVOC_ppb": r.uint(3, 2, "TVOC"),
            "CO2_ppm": r.uint(5, 2, "CO2"),
            "TempC_SHT": r.sint(7, 2, "temperature") / 10,
            "Hum_SHT": r.uint(9, 2, "humidity") / 10,
        }


class DraginoLDDS75Legacy(NativeCodec):
    """LDDS75 with its first codec: only a 5-byte frame carries a reading.

    The maker's codec reports ``{"distance": "No Sensor"}`` for any other length (a frame
    without the probe's bytes); for 5 bytes it returns the battery-word reading as ``distance``
    (or ``"Invalid Reading"`` below 20) and the distance word as ``value``.
    """

    codec_id = "ldds75-codec"
    vendor = "dragino"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 2 only."""
        require_port(self.codec_id, device, f_port, (2,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        if len(data) != 5:
            r.need(0, 2, "battery")
            return {"distance": "No Sensor"}
        word = r.uint(0, 2, "battery") & 0x3FFF
        return {
            "value": r.uint(2, 2, "distance"),
            "distance": word if word >= 20 else "Invalid Reading",
        }


class DraginoLDDS75(NativeCodec):
    """LDDS75 firmware 1.1.4: battery, distance, interrupt, DS18B20 temperature, sensor flag."""

    codec_id = "ldds75-114-codec"
    vendor = "dragino"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 2, 8 bytes."""
        require_port(self.codec_id, device, f_port, (2,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(8, "an LDDS75 frame")
        distance = r.uint(2, 2, "distance")
        return {
            "Bat": _bat(r),
            "Distance": "No Sensor"
            if distance == 0
            else "Invalid Reading"
            if distance < 280
            else f"{distance} mm",
            "Interrupt_flag": data[4],
            "TempC_DS18B20": f"{r.sint(5, 2, 'temperature') / 10:.2f}",
            "Sensor_flag": data[7],
        }


class DraginoLDS02(NativeCodec):
    """LDS02 door sensor: open status, open count, last open duration, alarm.

    The format is 10 bytes. Frames of 7 to 9 bytes occur (the maker's own example is one);
    the maker's decoder reads the missing bytes as 0, and so does this codec, so its readings
    equal the maker's, but it says so in a warning. Shorter frames are a DecodeError.
    """

    codec_id = "lds02-codec"
    vendor = "dragino"
    LENGTH: ClassVar[int] = 10
    SHORTEST: ClassVar[int] = 7

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 10, 10 bytes (7 to 9 read with the missing bytes as 0)."""
        return self.decode_uplink_with_warnings(f_port, data, device=device)[0]

    def decode_uplink_with_warnings(
        self, f_port: int, data: bytes, *, device: str = "device"
    ) -> tuple[Decoded, list[str]]:
        """The decoded object, and a warning when the frame was short."""
        require_port(self.codec_id, device, f_port, (10,))
        warnings: list[str] = []
        if self.SHORTEST <= len(data) < self.LENGTH:
            warnings.append(
                f"{len(data)}-byte frame of the {self.LENGTH}-byte LDS02 format: the missing "
                "bytes were read as 0, as the maker's decoder does"
            )
            data = data + bytes(self.LENGTH - len(data))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(self.LENGTH, "an LDS02 frame")
        decoded = {
            "BAT_V": _bat(r),
            "DOOR_OPEN_STATUS": 1 if data[0] & 0x80 else 0,
            "MOD": data[2],
            "DOOR_OPEN_TIMES": r.uint(3, 3, "open count"),
            "LAST_DOOR_OPEN_DURATION": r.uint(6, 3, "last open duration"),
            "ALARM": data[9] & 0x01,
        }
        return decoded, warnings


class DraginoLHT65(NativeCodec):
    """LHT65: battery, SHT temperature/humidity, external sensor (type 0 none, 1 DS18B20)."""

    codec_id = "lht65-codec"
    vendor = "dragino"
    EXT: ClassVar[dict[int, str]] = {0: "No external sensor", 1: "Temperature Sensor"}

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 2, 11 bytes."""
        require_port(self.codec_id, device, f_port, (2,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(11, "an LHT65 frame")
        ext = data[6]
        if ext not in self.EXT:
            raise r.error(6, f"external sensor type {ext}", f"one of {sorted(self.EXT)}")
        out: Decoded = {
            "BatV": _bat(r),
            "Bat_status": data[0] >> 6,
            "TempC_SHT": r.sint(2, 2, "temperature") / 100,
            "Hum_SHT": r.uint(4, 2, "humidity") / 10,
            "Ext_sensor": self.EXT[ext],
        }
        if ext == 1:
            out["TempC_DS"] = r.sint(7, 2, "probe temperature") / 100
        return out


CODECS: tuple[type[NativeCodec], ...] = (
    DraginoLAQ4,
    DraginoLDDS75Legacy,
    DraginoLDDS75,
    DraginoLDS02,
    DraginoLHT65,
)
