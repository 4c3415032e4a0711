"""Talkpool codecs: OY1210 CO2, OY1700 particulate matter, OY1320 water-meter pulse reader.

OY1210/OY1700 pack temperature and humidity as two 12-bit numbers in 3 bytes (first byte +
high nibble of the third = temperature, second byte + low nibble = humidity), in tenths with
offsets -80 °C and -25 %. Measurements are on FPort 2. The OY1320 meter reading is the
big-endian word at bytes 4-5; a 6-byte frame has status "0", a 9-byte frame carries the status
as the high nibble of byte 4 (as Talkpool's decoder reads it).
"""

from __future__ import annotations

from ..payload import Decoded
from ._common import NativeCodec, Reader, require_port

__all__ = ["CODECS"]


def _climate(r: Reader) -> tuple[float, float]:
    b = r.data
    temperature = round(((b[0] << 4) | (b[2] >> 4)) / 10 - 80, 1)
    humidity = round(((b[1] << 4) | (b[2] & 0x0F)) / 10 - 25, 1)
    return temperature, humidity


class TalkpoolOY1210(NativeCodec):
    """OY1210 CO2 / temperature / humidity."""

    codec_id = "oy1210-codec"
    vendor = "talkpool"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 2, 5 bytes."""
        require_port(self.codec_id, device, f_port, (2,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(5, "an OY1210 measurement")
        temperature, humidity = _climate(r)
        return {"Temperature": temperature, "Humidity": humidity, "CO2": r.uint(3, 2, "CO2")}


class TalkpoolOY1700(NativeCodec):
    """OY1700 PM1.0 / PM2.5 / PM10 / temperature / humidity."""

    codec_id = "oy1700-codec"
    vendor = "talkpool"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 2, 9 bytes."""
        require_port(self.codec_id, device, f_port, (2,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(9, "an OY1700 measurement")
        temperature, humidity = _climate(r)
        return {
            "Temperature": temperature,
            "RelativeHumidity": humidity,
            "PM1_0": r.uint(3, 2, "PM1.0"),
            "PM2_5": r.uint(5, 2, "PM2.5"),
            "PM_10": r.uint(7, 2, "PM10"),
        }


class TalkpoolOY1320(NativeCodec):
    """OY1320 water-meter reader."""

    codec_id = "oy1320-codec"
    vendor = "talkpool"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """6- or 9-byte frames (any FPort, as in the maker's decoder)."""
        r = Reader(data, codec_id=self.codec_id, device=device)
        if len(data) not in (6, 9):
            raise r.error(min(len(data), 9), f"frame of {len(data)} bytes", "6 or 9 bytes")
        status = "0" if len(data) == 6 else f"{data[4] >> 4:x}"
        return {"MeterReading": r.uint(4, 2, "meter reading"), "Status": status}


CODECS: tuple[type[NativeCodec], ...] = (TalkpoolOY1210, TalkpoolOY1700, TalkpoolOY1320)
