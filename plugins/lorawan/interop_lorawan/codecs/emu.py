"""EMU Professional II LoRaWAN energy meter (EMU Electronic AG).

Uplink: ``[timestamp:u32 LE]`` then items ``[data type id][value]`` (the id fixes size and
encoding, little-endian), then a CRC-8 (poly 0x07, init 0) over everything before it. Every
item becomes ``{"<description>": {"unit"?, "value", ...}}`` exactly as EMU's TTN decoder
shapes it (``value_raw`` where a factor is applied, ``unit_calculated``/``cfgphase`` where the
table has them, error-flag booleans for the error code), plus ``timeStamp`` (the leading
timestamp) and ``medium`` (always electricity).

Downlink (configuration of one uplink port): ``[interval minutes:u16 LE][flags][data type
ids...][CRC-8]`` with flags 0x02 = acknowledge, 0x04 = rejoin, 0x08 = port active; the object
is ``{"fPort", "timeInterval", "sndAck", "startReJoin", "portIsActive", "values"}``.

Differences from the JS, on purpose: a bad CRC, an unknown data type or a truncated item is a
DecodeError (the JS warns or stops silently); Int16 is read as signed and 64-bit counters as
real 64-bit integers (JS shifts wrap at 32 bits); the encoder refuses an interval outside
1..65535 instead of clamping it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..payload import Decoded, Downlink
from ._common import NativeCodec, Reader, encode_error, require_port
from .sting import to_fixed

__all__ = ["CODECS", "EmuProfII", "crc8"]


def crc8(data: bytes) -> int:
    """CRC-8 (poly 0x07, init 0, no reflection), as EMU frames carry it."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


@dataclass(frozen=True, slots=True)
class DT:
    """One data type: description, encoding, size, static fields kept in the output, factor."""

    name: str
    kind: str  # u8 i8 u16 i16 u32 i32 u64 serial bcd ascii error
    size: int
    extra: Mapping[str, Any] = field(default_factory=dict)
    factor: float | None = None
    fixed: int = 0


def _energy(name: str, unit: str, size: int = 4) -> DT:
    return DT(name, "u32" if size == 4 else "u64", size, {"unit": unit})


_PHASES = {1: "L1", 2: "L2", 3: "L3"}
TYPES: dict[int, DT] = {
    0x00: DT("data-logger-index", "u32", 4),
    0x01: DT("timestamp", "u32", 4, {"unit": "seconds"}),
    0x02: DT("timestamp-previous", "u32", 4, {"unit": "seconds"}),
    0x03: _energy("Active Energy Import T1", "Wh"),
    0x04: _energy("Active Energy Import T2", "Wh"),
    0x05: _energy("Active Energy Export T1", "Wh"),
    0x06: _energy("Active Energy Export T2", "Wh"),
    0x07: _energy("Reactive Energy Import T1", "varh"),
    0x08: _energy("Reactive Energy Import T2", "varh"),
    0x09: _energy("Reactive Energy Export T1", "varh"),
    0x0A: _energy("Reactive Energy Export T2", "varh"),
    0x0B: DT("Active Power L123", "i32", 4, {"unit": "W"}),
    **{
        0x0B + p: DT(f"Active Power {n}", "i32", 4, {"unit": "W", "cfgphase": p})
        for p, n in _PHASES.items()
    },
    0x0F: DT("Current L123", "i32", 4, {"unit": "mA"}),
    **{
        0x0F + p: DT(f"Current {n}", "i32", 4, {"unit": "mA", "cfgphase": p})
        for p, n in _PHASES.items()
    },
    0x13: DT("Current N", "i32", 4, {"unit": "mA", "cfgphase": 4}),
    **{
        0x13 + p: DT(
            f"Voltage {n}-N",
            "i32",
            4,
            {"unit": "V/10", "unit_calculated": "V", "cfgphase": p},
            0.1,
            1,
        )
        for p, n in _PHASES.items()
    },
    **{
        0x16 + p: DT(f"Powerfactor {n}", "i8", 1, {"unit": "Cos", "cfgphase": p}, 0.01, 2)
        for p, n in _PHASES.items()
    },
    0x1A: DT("Frequency", "i16", 2, {"unit": "Hz"}, 0.1, 1),
    0x1B: DT("Active Power average", "i32", 4, {"unit": "W"}),
    0x1C: _energy("Active Energy Import T1 kWh", "kWh"),
    0x1D: _energy("Active Energy Import T2 kWh", "kWh"),
    0x1E: _energy("Active Energy Export T1 kWh", "kWh"),
    0x1F: _energy("Active Energy Export T2 kWh", "kWh"),
    0x20: _energy("Reactive Energy Import T1 kvarh", "kvarh"),
    0x21: _energy("Reactive Energy Import T2 kvarh", "kvarh"),
    0x22: _energy("Reactive Energy Export T1 kvarh", "kvarh"),
    0x23: _energy("Reactive Energy Export T2 kvarh", "kvarh"),
    0x24: _energy("Active Energy Import T1 64bit", "Wh", 8),
    0x25: _energy("Active Energy Import T2 64bit", "Wh", 8),
    0x26: _energy("Active Energy Export T1 64bit", "Wh", 8),
    0x27: _energy("Active Energy Export T2 64bit", "Wh", 8),
    0x28: _energy("Reactive Energy Import T1 64bit", "varh", 8),
    0x29: _energy("Reactive Energy Import T2 64bit", "varh", 8),
    0x2A: _energy("Reactive Energy Export T1 64bit", "varh", 8),
    0x2B: _energy("Reactive Energy Export T2 64bit", "varh", 8),
    0xF0: DT("errorcode", "error", 1),
    0xF1: DT("serial-number", "serial", 4),
    0xF2: DT("factor-number", "serial", 4),
    0xF3: DT("current-transformer primary", "u16", 2),
    0xF4: DT("current-transformer secondary", "u16", 2),
    0xF5: DT("voltage-transformer primary", "u16", 2),
    0xF6: DT("voltage-transformer secondary", "u16", 2),
    0xF7: DT("meter-typ", "u8", 1),
    0xF8: DT("MID year", "bcd", 4),
    0xF9: DT("factory year", "bcd", 4),
    0xFA: DT("firmware version", "ascii", 4),
    0xFB: DT("mid-Version", "ascii", 4),
    0xFC: DT("manufacturer", "ascii", 4),
    0xFD: DT("hw-index", "ascii", 4),
    0xFE: DT("systemtime", "u32", 4),
}
ERROR_FLAGS = {
    "TimeChanged": 0x01,
    "CTRatioChange": 0x02,
    "VTRatioChange": 0x04,
    "ImpulseWidthChange": 0x08,
    "ImpulseRatioChange": 0x10,
    "PowerFail": 0x20,
    "LogbookFull": 0x80,
}
FLAGS = {"sndAck": 0x02, "startReJoin": 0x04, "portIsActive": 0x08}


def _value(r: Reader, pos: int, dt: DT) -> Any:
    raw = r.data[pos : pos + dt.size]
    if dt.kind == "serial":
        return raw[::-1].hex()
    if dt.kind == "bcd":
        return "".join(str(b) for b in raw)
    if dt.kind == "ascii":
        return "".join(chr(b) for b in raw if b)
    signed = dt.kind.startswith("i")
    return int.from_bytes(raw, "little", signed=signed)


class EmuProfII(NativeCodec):
    """EMU Professional II meter: readings, meter information and port configuration."""

    codec_id = "emu-prof-ii-codec"
    vendor = "emu"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Timestamp, typed items, CRC-8 (any FPort: each port is a configurable report)."""
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.need(0, 5, "timestamp and CRC")
        if crc8(data[:-1]) != data[-1]:
            raise r.error(
                len(data) - 1, f"CRC-8 0x{data[-1]:02x} does not match", f"0x{crc8(data[:-1]):02x}"
            )
        out: Decoded = {}
        pos = 4
        while pos < len(data) - 1:
            type_id = data[pos]
            dt = TYPES.get(type_id)
            if dt is None:
                raise r.error(pos, f"unknown data type 0x{type_id:02x}", "an EMU data type id")
            if pos + 1 + dt.size > len(data) - 1:
                raise r.error(pos + 1, f"truncated {dt.name}", f"{dt.size} byte(s) before the CRC")
            entry: dict[str, Any] = dict(dt.extra)
            value = _value(r, pos + 1, dt)
            if dt.kind == "error":
                entry.update({flag: bool(value & bit) for flag, bit in ERROR_FLAGS.items()})
            if dt.factor is not None:
                entry["value_raw"] = value
                value = to_fixed(value * dt.factor, dt.fixed)
                value = int(value) if value == int(value) else value
            entry["value"] = value
            out[dt.name] = entry
            pos += 1 + dt.size
        out["timeStamp"] = r.uint(0, 4, "timestamp", little=True)
        out["medium"] = {"type": 1, "desc": "Electricity"}
        return out

    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """Port configuration -> bytes; the FPort is the configured port (default 1)."""
        allowed = {"fPort", "timeInterval", "values", *FLAGS}
        if set(obj) - allowed or not {"timeInterval", "values"} <= set(obj):
            raise encode_error(
                self.codec_id, device, "downlink", f"fields {sorted(obj)}", f"{sorted(allowed)}"
            )
        port = obj.get("fPort", 1)
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 223:
            raise encode_error(self.codec_id, device, "fPort", f"bad FPort {port!r}", "1..223")
        interval = obj["timeInterval"]
        if (
            isinstance(interval, bool)
            or not isinstance(interval, int)
            or not 1 <= interval <= 0xFFFF
        ):
            raise encode_error(
                self.codec_id, device, "timeInterval", f"bad interval {interval!r}", "1..65535"
            )
        values = obj["values"]
        if not isinstance(values, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v in TYPES for v in values
        ):
            raise encode_error(
                self.codec_id, device, "values", f"bad data types {values!r}", "EMU data type ids"
            )
        flags = 0
        for name, bit in FLAGS.items():
            flag = obj.get(name, False)
            if not isinstance(flag, bool):
                raise encode_error(
                    self.codec_id, device, name, f"not a boolean: {flag!r}", "true or false"
                )
            flags |= bit if flag else 0
        body = interval.to_bytes(2, "little") + bytes((flags, *values))
        return Downlink(port, body + bytes((crc8(body),)))

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """The inverse of :meth:`encode_downlink` (the maker's decoder returns nothing)."""
        require_port(self.codec_id, device, f_port, range(1, 224))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.need(0, 4, "interval, flags and CRC")
        if crc8(data[:-1]) != data[-1]:
            raise r.error(len(data) - 1, "CRC-8 does not match", f"0x{crc8(data[:-1]):02x}")
        flags = data[2]
        if flags & ~sum(FLAGS.values()):
            raise r.error(2, f"unknown flag bits 0x{flags:02x}", "bits 0x02, 0x04, 0x08")
        values = list(data[3:-1])
        for i, v in enumerate(values):
            if v not in TYPES:
                raise r.error(3 + i, f"unknown data type 0x{v:02x}", "an EMU data type id")
        return {
            "fPort": f_port,
            "timeInterval": r.uint(0, 2, "interval", little=True),
            **{name: bool(flags & bit) for name, bit in FLAGS.items()},
            "values": values,
        }


CODECS: tuple[type[NativeCodec], ...] = (EmuProfII,)
