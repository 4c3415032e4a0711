"""Sting Pengy air-quality station (firmware 1.0 on FPort 1, 1.5 on FPort 2, 2.0 on FPort 3).

Big-endian words: humidity and temperature in tenths, particulate matter in tenths of µg/m³
rounded to integers, pressure in hPa, gases in ppm (NO2 in hundredths), noise in hundredths
of dB. Rounding follows JavaScript's ``toFixed`` (half away from zero on the exact double),
so the decoded object equals Sting's decoder. Values outside the physical range become
``null``. Humidity above 100 % is clamped to 100; firmware 1.x reports that as a warning
(``"Humidity out of range (109.1)"``), available from ``decode_uplink_with_warnings``.
``EAQI`` is the European Air Quality Index band from PM2.5/PM10.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from ..payload import Decoded
from ._common import NativeCodec, Reader, require_port

__all__ = ["CODECS", "StingPengy", "to_fixed"]


def to_fixed(value: float, digits: int) -> float:
    """``Number(value.toFixed(digits))`` of JavaScript: half away from zero on the exact double."""
    return float(Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _num(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _within(value: float, low: float, high: float) -> int | float | None:
    return _num(value) if low <= value <= high else None


def eaqi(pm25: float | None, pm10: float | None) -> str:
    """EAQI band; a missing reading counts as 0, as in the maker's decoder."""
    p25, p10 = pm25 or 0, pm10 or 0
    bands = (
        (75, 150, "Extremely poor"),
        (50, 100, "Very poor"),
        (25, 50, "Poor"),
        (20, 40, "Moderate"),
        (10, 20, "Fair"),
        (0, 0, "Good"),
    )
    for lim25, lim10, name in bands:
        if p25 >= lim25 or p10 >= lim10:
            return name
    return "Unknown"


class StingPengy(NativeCodec):
    """Pengy: PM, temperature, humidity, pressure, noise and (1.5) CO/NH3/NO2."""

    codec_id = "pengy-codec"
    vendor = "sting"
    LENGTHS: ClassVar[dict[int, int]] = {1: 8, 2: 18, 3: 14}

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """The object only; see :meth:`decode_uplink_with_warnings`."""
        return self.decode_uplink_with_warnings(f_port, data, device=device)[0]

    def decode_uplink_with_warnings(
        self, f_port: int, data: bytes, *, device: str = "device"
    ) -> tuple[Decoded, list[str]]:
        """Decode by firmware generation (FPort) and collect the humidity warning."""
        require_port(self.codec_id, device, f_port, self.LENGTHS)
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(self.LENGTHS[f_port], f"a firmware frame for FPort {f_port}")
        warnings: list[str] = []
        hum = to_fixed(0.1 * r.uint(0, 2, "humidity"), 1)
        tem = to_fixed(0.1 * r.sint(2, 2, "temperature"), 1)
        if hum > 100.0:
            if f_port != 3:
                warnings.append(f"Humidity out of range ({_num(hum)})")
            hum = 100.0
        out: Decoded = {"Humidity": _within(hum, 0, 100), "Temperature": _within(tem, -50, 100)}
        if f_port == 3:
            pm1, pm25, pm10 = (to_fixed(0.1 * r.uint(6 + 2 * i, 2, "PM"), 0) for i in range(3))
            out.update(
                {
                    "Pressure": _within(r.uint(4, 2, "pressure"), 0, 1_000_000),
                    "UPM": _within(pm1, 0, 5000),
                    "FPM": _within(pm25, 0, 5000),
                    "RPM": _within(pm10, 0, 5000),
                    "Noise": _num(to_fixed(0.01 * r.uint(12, 2, "noise"), 2)),
                    "Version": "2.0",
                }
            )
        else:
            rpm = _within(to_fixed(0.1 * r.uint(4, 2, "PM10"), 0), 0, 5000)
            fpm = _within(to_fixed(0.1 * r.uint(6, 2, "PM2.5"), 0), 0, 5000)
            out.update({"FPM": fpm, "RPM": rpm, "Version": "1.0"})
        if f_port == 2:
            out.update(
                {
                    "Pressure": _within(r.uint(8, 2, "pressure"), 0, 1_000_000),
                    "CO": _within(r.uint(10, 2, "CO"), 0, 10000),
                    "NH3": _within(r.uint(12, 2, "NH3"), 0, 10000),
                    "NO2": _within(to_fixed(0.01 * r.uint(14, 2, "NO2"), 2), 0, 10000),
                    "Noise": _num(to_fixed(0.01 * r.uint(16, 2, "noise"), 2)),
                    "Version": "1.5",
                }
            )
        out["EAQI"] = eaqi(out["FPM"], out["RPM"])
        return out, warnings


CODECS: tuple[type[NativeCodec], ...] = (StingPengy,)
