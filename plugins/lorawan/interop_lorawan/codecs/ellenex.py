"""Ellenex PLS2-L pressure/level transmitter.

Uplink (FPort 15, 8 bytes): ``level`` is the signed big-endian 16-bit word at bytes 3-4 (raw
sensor units), ``batteryVoltage`` is byte 7 in tenths of a volt. Downlink (FPort 5) commands:
``[0x10][unit 0=second,1=minute][time:u16]`` measurement interval, ``[0x07][0/1]`` confirmed
uplinks, ``[0xFF][0x00]`` reset, ``[0x16][count:u16]`` measurement count. Each downlink object
holds exactly one command's fields, as in the Device Repository examples.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..payload import Decoded, Downlink
from ._common import NativeCodec, Reader, encode_error, require_port, to_raw

__all__ = ["CODECS", "EllenexPLS2L"]

UNITS = {0: "second", 1: "minute"}


class EllenexPLS2L(NativeCodec):
    """PLS2-L level sensor: uplink decode, downlink encode and decode."""

    codec_id = "pls2-l-codec"
    vendor = "ellenex"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 15, exactly 8 bytes."""
        require_port(self.codec_id, device, f_port, (15,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(8, "a PLS2-L frame")
        return {"level": r.sint(3, 2, "level"), "batteryVoltage": round(data[7] * 0.1, 1)}

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """The four commands back into their objects."""
        require_port(self.codec_id, device, f_port, (5,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        cmd = r.uint(0, 1, "command")
        if cmd == 0x10:
            r.exact_length(4, "an interval command")
            if data[1] not in UNITS:
                raise r.error(1, f"time unit {data[1]}", "0 (second) or 1 (minute)")
            return {"unit": UNITS[data[1]], "time": r.uint(2, 2, "time")}
        if cmd in (0x07, 0xFF):
            r.exact_length(2, "a 2-byte command")
            if data[1] > (1 if cmd == 0x07 else 0):
                raise r.error(1, f"argument {data[1]}", "0 or 1" if cmd == 0x07 else "0")
            return {"confirmation": bool(data[1])} if cmd == 0x07 else {"reset": True}
        if cmd == 0x16:
            r.exact_length(3, "a count command")
            return {"count": r.uint(1, 2, "count")}
        raise r.error(0, f"unknown command 0x{cmd:02x}", "0x10, 0x07, 0xFF or 0x16")

    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """One command object -> bytes on FPort 5."""

        def u16(field: str) -> bytes:
            raw = to_raw(
                obj[field],
                scale=1,
                size=2,
                signed=False,
                codec_id=self.codec_id,
                device=device,
                field=field,
            )
            return raw.to_bytes(2, "big")

        keys = set(obj)
        if keys == {"unit", "time"}:
            unit = {v: k for k, v in UNITS.items()}.get(obj["unit"])
            if unit is None:
                raise encode_error(
                    self.codec_id, device, "unit", f"unit {obj['unit']!r}", "second or minute"
                )
            return Downlink(5, bytes((0x10, unit)) + u16("time"))
        if keys == {"confirmation"} and isinstance(obj["confirmation"], bool):
            return Downlink(5, bytes((0x07, int(obj["confirmation"]))))
        if keys == {"reset"} and obj["reset"] is True:
            return Downlink(5, b"\xff\x00")
        if keys == {"count"}:
            return Downlink(5, b"\x16" + u16("count"))
        raise encode_error(
            self.codec_id,
            device,
            "downlink",
            f"unsupported command {sorted(keys)}",
            "{unit, time}, {confirmation: bool}, {reset: true} or {count}",
        )


CODECS: tuple[type[NativeCodec], ...] = (EllenexPLS2L,)
