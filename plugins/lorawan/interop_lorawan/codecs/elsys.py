"""Elsys codec: the type-length-value format shared by all Elsys ERS/EMS/ELT sensors.

Payload: repeated ``[type:1][value]`` where the type fixes the value's size. Values are
big-endian; temperatures are signed tenths of °C. The decoded object uses the key names of
Elsys's published decoder (``temperature``, ``humidity``, ``light``, ``motion``, ``co2``,
``x``/``y``/``z``, ``pulse1``, ``pulseAbs``, ``pressure``, ``distance``, ``soundPeak`` ...).
Elsys sensors send on FPort 5 by default but the port is configurable (the corpus uses 1), so
the port is not checked. An unknown type id or a truncated value is a DecodeError: the format
has no lengths, so nothing after an unknown type can be read safely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..payload import Decoded
from ._common import NativeCodec, Reader

__all__ = ["CODECS", "Elsys"]


@dataclass(frozen=True, slots=True)
class T:
    """One TLV type: its value size and how to put the value into the output object."""

    size: int
    read: Callable[[Reader, int, Decoded], None]


def _set(key: str, size: int, *, signed: bool = False, div: int = 1) -> T:
    def read(r: Reader, pos: int, out: Decoded) -> None:
        raw = (r.sint if signed else r.uint)(pos, size, key)
        out[key] = raw if div == 1 else raw / div

    return T(size, read)


def _multi(size: int, *parts: tuple[str, int, bool, int]) -> T:
    """Several values in one TLV item: (key, bytes, signed, divisor) in order."""

    def read(r: Reader, pos: int, out: Decoded) -> None:
        for key, n, signed, div in parts:
            raw = (r.sint if signed else r.uint)(pos, n, key)
            out[key] = raw if div == 1 else raw / div
            pos += n

    return T(size, read)


def _grideye(r: Reader, pos: int, out: Decoded) -> None:
    ref = r.uint(pos, 1, "grideye reference")
    out["grideye"] = [ref + r.uint(pos + 1 + i, 1, "grideye pixel") / 10 for i in range(64)]


TYPES: dict[int, T] = {
    0x01: _set("temperature", 2, signed=True, div=10),
    0x02: _set("humidity", 1),
    0x03: _multi(3, ("x", 1, True, 1), ("y", 1, True, 1), ("z", 1, True, 1)),
    0x04: _set("light", 2),
    0x05: _set("motion", 1),
    0x06: _set("co2", 2),
    0x07: _set("vdd", 2),
    0x08: _set("analog1", 2),
    0x09: _multi(6, ("lat", 3, True, 10000), ("long", 3, True, 10000)),
    0x0A: _set("pulse1", 2),
    0x0B: _set("pulseAbs", 4),
    0x0C: _set("externalTemperature", 2, signed=True, div=10),
    0x0D: _set("digital", 1),
    0x0E: _set("distance", 2),
    0x0F: _set("accMotion", 1),
    0x10: _multi(4, ("irInternalTemperature", 2, True, 10), ("irExternalTemperature", 2, True, 10)),
    0x11: _set("occupancy", 1),
    0x12: _set("waterleak", 1),
    0x13: T(65, _grideye),
    0x14: _set("pressure", 4, div=1000),
    0x15: _multi(2, ("soundPeak", 1, False, 1), ("soundAvg", 1, False, 1)),
    0x16: _set("pulse2", 2),
    0x17: _set("pulseAbs2", 4),
    0x18: _set("analog2", 2),
    0x19: _set("externalTemperature2", 2, signed=True, div=10),
    0x1A: _set("digital2", 1),
    0x1B: _set("analogUv", 4, signed=True),
    0x1C: _set("tvoc", 2),
}


class Elsys(NativeCodec):
    """Decode any Elsys sensor's TLV uplink (one class; the corpus ids are aliases)."""

    codec_id = "elsys"
    vendor = "elsys"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Walk the TLV items; every item must be known and complete."""
        r = Reader(data, codec_id=self.codec_id, device=device)
        if not data:
            raise r.error(0, "empty payload", "at least one [type][value] item")
        out: dict[str, Any] = {}
        pos = 0
        while pos < len(data):
            type_id = data[pos]
            item = TYPES.get(type_id)
            if item is None:
                raise r.error(
                    pos, f"unknown Elsys type 0x{type_id:02x}", f"one of {[hex(t) for t in TYPES]}"
                )
            r.need(pos + 1, item.size, f"value of type 0x{type_id:02x}")
            item.read(r, pos + 1, out)
            pos += 1 + item.size
        return out


def _alias(codec: str) -> type[Elsys]:
    return type(
        f"Elsys_{codec.replace('-', '_')}", (Elsys,), {"codec_id": codec, "__doc__": Elsys.__doc__}
    )


ALIASES = (
    "ers-co2-codec",
    "ers-sound-codec",
    "ers-eye-codec",
    "ems-door-codec",
    "elt-ultrasonic-codec",
)
CODECS: tuple[type[Elsys], ...] = (Elsys, *(_alias(c) for c in ALIASES))
