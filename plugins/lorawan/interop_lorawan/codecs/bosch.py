"""Bosch TPS110 parking lot sensor (firmware 0.29.2 codec).

FPort 1 status and 2 heartbeat (bit 0 of byte 0 = occupied, heartbeat byte 1 = int8 °C),
3 start-up (three 12-bit debug codes in little-endian 4-byte slots, firmware version, reset
cause, occupancy), 4 device information and 5 usage (raw bytes), 6 debug (little-endian
timestamp, debug code, sequence number). Frames shorter than their layout, unknown ports and
unknown reset causes are DecodeErrors.
"""

from __future__ import annotations

from ..payload import Decoded
from ._common import NativeCodec, Reader, require_port

__all__ = ["CODECS", "BoschTPS110"]

RESET_CAUSES = {1: "watchdog", 2: "power on", 3: "system request", 4: "other"}


class BoschTPS110(NativeCodec):
    """TPS110 parking sensor."""

    codec_id = "tps110-0292-codec"
    vendor = "bosch"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Decode by FPort."""
        require_port(self.codec_id, device, f_port, (1, 2, 3, 4, 5, 6))
        r = Reader(data, codec_id=self.codec_id, device=device)
        if f_port in (4, 5):
            return {
                "type": "device information" if f_port == 4 else "device usage",
                "bytes": list(data),
            }
        if f_port == 1:
            r.exact_length(1, "a status frame")
            return {"type": "parking status", "occupied": bool(data[0] & 1)}
        if f_port == 2:
            if len(data) not in (1, 2):
                r.exact_length(2, "a heartbeat frame")
            out: Decoded = {"type": "heartbeat", "occupied": bool(r.uint(0, 1, "status") & 1)}
            if len(data) == 2:
                out["temperature"] = r.sint(1, 1, "temperature")
            return out
        if f_port == 3:
            r.exact_length(17, "a start-up frame")
            codes = [((data[i + 1] & 0x0F) << 8) | data[i] for i in (0, 4, 8)]
            cause = data[15]
            if cause not in RESET_CAUSES:
                raise r.error(15, f"reset cause {cause}", f"one of {sorted(RESET_CAUSES)}")
            return {
                "type": "startup",
                "debugCodes": [c for c in codes if c],
                "firmwareVersion": f"{data[12]}.{data[13]}.{data[14]}",
                "resetCause": RESET_CAUSES[cause],
                "occupied": bool(data[16] & 1),
            }
        r.exact_length(10, "a debug frame")
        return {
            "type": "debug",
            "timestamp": r.uint(0, 4, "timestamp", little=True),
            "debugCode": ((data[5] & 0x0F) << 8) | data[4],
            "sequenceNumber": r.uint(8, 2, "sequence number", little=True),
        }


CODECS: tuple[type[NativeCodec], ...] = (BoschTPS110,)
