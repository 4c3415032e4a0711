"""Browan (TABS) codecs.

Healthy Home IAQ (TBHV110), sound level (TBSL100), door/window (TBDW100), motion (TBMS100).

All TABS frames start with the same 3 bytes: ``[status][battery][board temperature]``; battery
is ``(25 + low nibble) / 10`` V and temperatures are ``(byte & 0x7F) - 32`` °C. The rest is
little-endian and device-specific. Each device sends on one fixed FPort; the frame length is
fixed too, so truncated frames, trailing bytes and other ports are DecodeErrors.
"""

from __future__ import annotations

from typing import ClassVar

from ..payload import Decoded
from ._common import NativeCodec, Reader, require_port

__all__ = ["CODECS"]


class _Browan(NativeCodec):
    vendor = "browan"
    port: ClassVar[int]
    length: ClassVar[int]

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Check port and length, decode the common header, then the device part."""
        require_port(self.codec_id, device, f_port, (self.port,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(self.length, f"a {self.codec_id} frame")
        out: Decoded = {
            "status": data[0] & 0x01,
            "battery": (25 + (data[1] & 0x0F)) / 10,
            "temperatureBoard": (data[2] & 0x7F) - 32,
        }
        self._body(r, out)
        return out

    def _body(self, r: Reader, out: Decoded) -> None:
        raise NotImplementedError


class BrowanTBHV110(_Browan):
    """Healthy Home IAQ sensor: eCO2, VOC, IAQ index, room temperature and humidity."""

    codec_id = "tbhv110-codec"
    port = 103
    length = 11

    def _body(self, r: Reader, out: Decoded) -> None:
        status = r.data[0]
        out["tempHumidChanged"] = (status >> 4) & 1
        out["iaqChanged"] = (status >> 5) & 1
        out["humidity"] = r.data[3] & 0x7F
        out["eco2"] = r.uint(4, 2, "eCO2", little=True)
        out["voc"] = r.uint(6, 2, "VOC", little=True)
        out["iaq"] = r.uint(8, 2, "IAQ", little=True)
        out["temperature"] = (r.data[10] & 0x7F) - 32


class BrowanTBSL100(_Browan):
    """Sound level sensor: dB."""

    codec_id = "tbsl100-codec"
    port = 105
    length = 4

    def _body(self, r: Reader, out: Decoded) -> None:
        out["decibel"] = r.data[3]


class _Counter(_Browan):
    """Door/window and motion share a layout: time u16 LE (minutes), count u24 LE."""

    length = 8

    def _body(self, r: Reader, out: Decoded) -> None:
        out["time"] = r.uint(3, 2, "time", little=True)
        out["count"] = r.uint(5, 3, "count", little=True)


class BrowanTBDW100(_Counter):
    """Door/window sensor: status bit 0 = open."""

    codec_id = "tbdw100-codec"
    port = 100


class BrowanTBMS100(_Counter):
    """Motion sensor: status bit 0 = occupied."""

    codec_id = "tbms100-codec"
    port = 102


CODECS: tuple[type[_Browan], ...] = (BrowanTBHV110, BrowanTBSL100, BrowanTBDW100, BrowanTBMS100)
