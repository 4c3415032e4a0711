"""Dingtek DF702 waste-bin fill-level sensor (ultrasonic level, fire/tilt alarms, optional GPS).

Uplink (FPort 3): ``[0x80][0x00][0x01][data type][frame length]…[0x81]``; 17-byte frames carry
level, temperature and alarms, 25-byte frames either the same plus GPS (float32 little-endian
longitude/latitude) or, with data type 3, the device parameters. Values are strings with their
unit, as in Dingtek's decoder (``"2000 mm"``, ``"25 ℃"``, ``"0 °"``).

Downlink (FPort 3): ASCII text ``"80029999" + option (2 hex digits) + value (2 hex digits) +
"81"``, one parameter per message, e.g. ``{"periodic_interval": 4}`` -> ``"8002999901" "04"
"81"``.

Differences from the JS, on purpose: header, trailer and length byte are checked; the tilt
angle's sign nibble (low nibble of the byte before the angle) is honoured, where the JS's
operator-precedence slip always negates it. GPS floats follow the JS's own float routine,
which divides the mantissa by 2^23-1 instead of 2^23 (116.507430 where IEEE-754 gives
116.507423), so coordinates equal what the maker's decoder reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..payload import Decoded, Downlink
from ._common import NativeCodec, Reader, encode_error, require_port

__all__ = ["CODECS", "DingtekDF702"]

PREFIX = b"80029999"
SUFFIX = b"81"
# parameter -> (option id, lowest, highest) for the numeric one-byte parameters
NUMERIC: dict[str, tuple[int, int, int]] = {
    "periodic_interval": (0x01, 1, 168),
    "detection_interval": (0x08, 1, 60),
    "full_alarm_threshold": (0x02, 15, 255),
    "fire_alarm_threshold": (0x03, 0, 255),
    "tilt_alarm_threshold": (0x04, 15, 90),
}
SWITCHES: dict[int, tuple[str, Any]] = {
    0x07: ("ultrasonic_range", 2),
    0x13: ("ultrasonic_range", 5),
    0x09: ("tilt_enable", False),
    0x0A: ("tilt_enable", True),
}


def _angle(sign_byte: int, angle: int) -> str:
    return f"{angle if (sign_byte & 0x0F) == 0 or angle == 0 else -angle} °"


def _alarms(data: bytes, at: int) -> dict[str, bool]:
    return {
        "full": bool(data[at] >> 4),
        "fire": bool(data[at] & 0x0F),
        "tilt": bool(data[at + 1] >> 4),
        "battery": bool(data[at + 1] & 0x0F),
    }


def _coordinate(r: Reader, pos: int, what: str) -> str:
    """A float32 coordinate as the maker's codec computes it (mantissa over 2^23 - 1).

    This differs from IEEE-754 in the 6th or 7th significant digit; the maker's formula is
    kept so that readings equal what every deployment of the maker's decoder reports.
    """
    r.need(pos, 4, what)
    bits = int.from_bytes(r.data[pos : pos + 4], "little")
    sign = -1.0 if bits >> 31 else 1.0
    exponent = (bits >> 23) & 0xFF
    mantissa = bits & 0x7FFFFF
    return f"{sign * 2.0 ** (exponent - 127) * (1 + mantissa / 0x7FFFFF):.6f}"


class DingtekDF702(NativeCodec):
    """DF702 fill-level sensor: measurements, parameters and parameter-setting downlinks."""

    codec_id = "df702-codec"
    vendor = "dingtek"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 3 frames of 17 or 25 bytes."""
        require_port(self.codec_id, device, f_port, (3,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        if len(data) not in (17, 25):
            raise r.error(min(len(data), 25), f"frame of {len(data)} bytes", "17 or 25 bytes")
        if data[0] != 0x80:
            raise r.error(0, f"header 0x{data[0]:02x}", "0x80")
        if data[4] != len(data):
            raise r.error(4, f"length byte {data[4]} for a {len(data)}-byte frame", str(len(data)))
        if data[-1] != 0x81:
            raise r.error(len(data) - 1, f"trailer 0x{data[-1]:02x}", "0x81")
        level = f"{r.uint(5, 2, 'level')} mm"
        if len(data) == 17:
            return {
                "level": level,
                **_alarms(data, 11),
                "angle": _angle(data[9], data[10]),
                "temperature": f"{data[8]} ℃",
            }
        if data[3] == 0x03:
            return {
                "periodic_interval": f"{data[7]} hours",
                "detection_interval": f"{data[8]} minutes",
                "full_alarm_threshold": f"{data[9]} cm",
                "fire_alarm_threshold": f"{data[10]} ℃",
                "tilt_alarm_threshold": f"{data[11]} °",
                "tilt_enable": bool(data[12]),
                "ultrasonic_range": f"{2000 if data[13] == 0 else 5000} mm",
            }
        return {
            "level": level,
            "longitude": _coordinate(r, 8, "longitude"),
            "latitude": _coordinate(r, 12, "latitude"),
            **_alarms(data, 19),
            "angle": _angle(data[17], data[18]),
            "temperature": f"{data[16]} ℃",
        }

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """The ASCII parameter command back into ``{parameter: value}``."""
        require_port(self.codec_id, device, f_port, (3,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(14, "a DF702 command")
        if not data.startswith(PREFIX):
            raise r.error(0, "bad command prefix", "ASCII '80029999'")
        if not data.endswith(SUFFIX):
            raise r.error(12, "bad command suffix", "ASCII '81'")
        try:
            option = int(data[8:10].decode("ascii"), 16)
            value = int(data[10:12].decode("ascii"), 16)
        except (UnicodeDecodeError, ValueError):
            raise r.error(8, "option/value are not hex digits", "4 ASCII hex digits") from None
        for name, (oid, low, high) in NUMERIC.items():
            if oid == option:
                if not low <= value <= high:
                    raise r.error(10, f"{name} {value} out of range", f"{low}..{high}")
                return {name: value}
        if option == 0x09 and value in SWITCHES:
            name, setting = SWITCHES[value]
            return {name: setting}
        raise r.error(8, f"unknown option {option:#x}/value {value:#x}", "a DF702 parameter")

    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """Exactly one parameter -> ASCII command on FPort 3; values outside the range refused."""
        if len(obj) != 1:
            raise encode_error(
                self.codec_id, device, "downlink", f"{len(obj)} parameters", "exactly one"
            )
        ((name, value),) = obj.items()
        if name in NUMERIC:
            oid, low, high = NUMERIC[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise encode_error(
                    self.codec_id, device, name, f"bad value {value!r}", f"an integer {low}..{high}"
                )
            option, arg = oid, value
        else:
            match = [
                v
                for v, (n, s) in SWITCHES.items()
                if n == name and s == value and type(s) is type(value)
            ]
            if not match:
                raise encode_error(
                    self.codec_id,
                    device,
                    name,
                    f"bad parameter {name}={value!r}",
                    "tilt_enable true/false or ultrasonic_range 2/5",
                )
            option, arg = 0x09, match[0]
        return Downlink(3, PREFIX + f"{option:02X}{arg:02X}".encode("ascii") + SUFFIX)


CODECS: tuple[type[NativeCodec], ...] = (DingtekDF702,)
