"""Nwave codecs: NPS405 smart parking sensor and NCC405 car counter.

Both use one FPort per message type (1 status/counter, 2 heartbeat, 3 startup, 6 debug; the
parking sensor adds 10, tag registration). Battery voltage is ``2.5 V + byte x 4 mV``; the
parking sensor's temperature is ``int8 / 2 + 10`` °C and its previous-state duration a
compressed 7-bit code (exact below 90 min, 5-min steps to 240, hour steps to 600, 127 =
overflow). The decoded objects are those of Nwave's codec in the TTN Device Repository,
including ``null`` for the fields a registration without occupancy cannot know. Unlike that
codec, short frames, extra bytes, unknown ports and reserved reset causes are DecodeErrors.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..payload import Decoded
from ._common import NativeCodec, Reader, require_port

__all__ = ["CODECS", "NwaveNCC405", "NwaveNPS405"]

RESET_CAUSES: dict[int, str] = {
    0: "rejoining_lorawan_network",
    1: "watchdog",
    2: "power_on",
    3: "user_request",
    6: "brownout",
    7: "other",
}


def _battery_mv(byte: int) -> int:
    return 2500 + byte * 4


def _duration(code: int) -> dict[str, Any]:
    """Expand the 7-bit compressed previous-state duration (minutes) with its error bound."""
    if code < 90:
        return {
            "previous_state_duration": code,
            "previous_state_duration_error": 0,
            "previous_state_duration_overflow": False,
        }
    if code < 120:
        return {
            "previous_state_duration": 90 + (code - 90) * 5,
            "previous_state_duration_error": 4,
            "previous_state_duration_overflow": False,
        }
    if code < 127:
        return {
            "previous_state_duration": 240 + (code - 120) * 60,
            "previous_state_duration_error": 59,
            "previous_state_duration_overflow": False,
        }
    return {
        "previous_state_duration": 660,
        "previous_state_duration_error": None,
        "previous_state_duration_overflow": True,
    }


def _startup(r: Reader) -> Decoded:
    cause = r.uint(3, 1, "reset cause")
    if cause not in RESET_CAUSES:
        raise r.error(3, f"reserved reset cause {cause}", f"one of {sorted(RESET_CAUSES)}")
    return {
        "type": "startup",
        "firmware_version": f"{r.data[0]}.{r.data[1]}.{r.data[2]}",
        "reset_cause": RESET_CAUSES[cause],
    }


class NwaveNPS405(NativeCodec):
    """NPS405 smart parking sensor (surface and flush mount)."""

    codec_id = "nps405-codec"
    vendor = "nwave"
    LENGTHS: ClassVar[dict[int, int]] = {1: 1, 2: 6, 3: 5, 10: 5}

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Decode by FPort: status, heartbeat, startup, debug or tag registration."""
        require_port(self.codec_id, device, f_port, (1, 2, 3, 6, 10))
        r = Reader(data, codec_id=self.codec_id, device=device)
        if f_port == 6:
            return {"type": "debug", "bytes": list(data)}
        r.exact_length(self.LENGTHS[f_port], f"an FPort {f_port} message")
        occupied = bool(data[0] >> 7)
        if f_port == 1:
            return {"type": "parking_status", "occupied": occupied, **_duration(data[0] & 0x7F)}
        if f_port == 2:
            temperature = r.sint(2, 1, "temperature") / 2 + 10
            mv = _battery_mv(data[1])
            critical, low = (2900, 3000) if temperature >= -5 else (2800, 2900)
            health = "normal" if mv >= low else "low" if mv >= critical else "critical"
            return {
                "type": "heartbeat",
                "occupied": occupied,
                "hw_health_status": data[0] & 0x7F,
                "temperature": temperature if temperature % 1 else int(temperature),
                "battery_voltage": mv / 1000,
                "battery_health": health,
            }
        if f_port == 3:
            return {**_startup(r), "occupied": bool(data[4] & 1)}
        out: Decoded = {"type": "user_registration"}
        if occupied:
            out.update({"occupied": True, **_duration(data[0] & 0x7F)})
        else:
            out.update(
                {
                    "occupied": None,
                    "previous_state_duration": None,
                    "previous_state_duration_error": None,
                    "previous_state_duration_overflow": None,
                }
            )
        out["tag_id"] = f"{r.uint(1, 4, 'tag id'):X}"
        return out


class NwaveNCC405(NativeCodec):
    """NCC405 car counter."""

    codec_id = "ncc405-codec"
    vendor = "nwave"
    LENGTHS: ClassVar[dict[int, int]] = {1: 2, 2: 3, 3: 4}

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Decode by FPort: counter update, heartbeat, startup or debug."""
        require_port(self.codec_id, device, f_port, (1, 2, 3, 6))
        r = Reader(data, codec_id=self.codec_id, device=device)
        if f_port == 6:
            return {"type": "debug", "bytes": list(data)}
        r.exact_length(self.LENGTHS[f_port], f"an FPort {f_port} message")
        if f_port == 1:
            return {"type": "counter_update", "counter_value": r.uint(0, 2, "counter")}
        if f_port == 2:
            return {
                "type": "heartbeat",
                "hw_health_status": data[0] >> 3,
                "battery_voltage": _battery_mv(data[1]) / 1000,
                "battery_voltage_mean_24h": _battery_mv(data[2]) / 1000,
            }
        return _startup(r)


CODECS: tuple[type[NativeCodec], ...] = (NwaveNPS405, NwaveNCC405)
