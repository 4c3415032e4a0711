"""MClimate codecs: CO2 sensor and AQI sensor keep-alive uplinks.

CO2 sensor (7 bytes, first byte 0x01): CO2 ppm (u16), temperature ``(u16 - 400) / 10`` °C,
humidity ``byte x 100 / 256`` % and battery ``(byte x 8 + 1600) / 1000`` V, both rounded to 2
decimals. AQI sensor (10 bytes): a bit-packed record (sAQI, AQI, CO2eq, VOC, humidity,
pressure, temperature, accuracy, voltage). Command-response frames (first byte other than 0x01
on the CO2 sensor) are not supported and are DecodeErrors.
"""

from __future__ import annotations

from ..payload import Decoded
from ._common import NativeCodec, Reader
from .sting import to_fixed

__all__ = ["CODECS"]


def _num(value: float) -> int | float:
    return int(value) if value == int(value) else value


class MClimateCO2(NativeCodec):
    """CO2 sensor keep-alive."""

    codec_id = "co2-sensor-codec"
    vendor = "mclimate"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """7-byte keep-alive frame."""
        r = Reader(data, codec_id=self.codec_id, device=device)
        if r.uint(0, 1, "frame type") != 0x01:
            raise r.error(0, f"frame type 0x{data[0]:02x}", "0x01 (keep-alive)")
        r.exact_length(7, "a keep-alive frame")
        return {
            "co2": r.uint(1, 2, "CO2"),
            "temperature": _num((r.uint(3, 2, "temperature") - 400) / 10),
            "humidity": _num(to_fixed(data[5] * 100 / 256, 2)),
            "battery": _num(to_fixed((data[6] * 8 + 1600) / 1000, 2)),
        }


class MClimateAQI(NativeCodec):
    """AQI sensor keep-alive."""

    codec_id = "aqi-sensor-codec"
    vendor = "mclimate"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """10-byte bit-packed frame (byte 0 is the frame type, not interpreted)."""
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(10, "an AQI keep-alive frame")
        b = data
        return {
            "sAQI": ((b[1] << 1) | (b[2] >> 7)) * 16,
            "AQI": ((b[2] >> 2) & 0x1F) * 16,
            "CO2eq": (((b[2] & 0x03) << 8) | b[3]) * 32,
            "VOC": b[4] * 4,
            "relative_humidity": _num(b[5] * 4 / 10),
            "pressure": _num((((b[6] << 3) | (b[7] >> 5)) * 40 + 30000) / 100),
            "temperature": _num((((b[7] & 0x0F) << 6) | (b[8] >> 2)) - 400) / 10,
            "accuracy_aqi": b[8] & 0x03,
            "voltage": (b[9] * 8 + 1600) / 1000,
        }


CODECS: tuple[type[NativeCodec], ...] = (MClimateCO2, MClimateAQI)
