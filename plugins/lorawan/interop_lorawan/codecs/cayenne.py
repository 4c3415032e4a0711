"""Cayenne Low Power Payload (LPP), decode and encode.

All original myDevices types plus the extended types of the ElectronicCats/TTN Arduino
``CayenneLPP`` library.

Frame: repeated ``[channel:1][type:1][value:N]``; values big-endian, two's complement where the
type is signed, ``value = raw / multiplier``.

Decoded object shape (chosen to match The Things Stack v3 built-in LPP formatter, which the
research note documents): a flat object keyed ``<name>_<channel>``, e.g. ``03 67 01 10`` ->
``{"temperature_3": 27.2}``. Names of the original 12 types are TTS's (``digital_in``,
``digital_out``, ``analog_in``, ``analog_out``, ``luminosity``, ``presence``, ``temperature``,
``relative_humidity``, ``accelerometer`` {x,y,z}, ``barometric_pressure``, ``gyrometer`` {x,y,z},
``gps`` {latitude,longitude,altitude}); extended types use the library's names in snake case
(``generic_sensor``, ``voltage``, ``current``, ``frequency``, ``percentage``, ``altitude``,
``concentration``, ``power``, ``distance``, ``energy``, ``direction``, ``unix_time``,
``colour`` {r,g,b}, ``switch``, ``polyline``). Two deliberate differences from TTS: values
are the exact decimal ``raw / multiplier`` (27.2, not TTS's float32-widened
27.200000762939453), and a repeated ``<type>_<channel>`` is an error instead of a silent
overwrite. No corpus device uses LPP, so there are no maker vectors to match.

Strictness: a truncated value, an unknown type, a repeated channel/type pair and, with
``plausibility=True`` (default), a value outside the physical range of its quantity raise
:class:`~interop.errors.DecodeError` naming the device and the byte offset. The plausibility
check is what catches LPP look-alikes that are not LPP where that is detectable, chiefly
little-endian framings (Milesight sends ``03 67 34 01`` for 30.8 °C, which big-endian would be
1331.3 °C): temperature must lie in -273.15..200 °C, humidity and percentage in 0..100,
presence/switch in 0..1, GPS in ±90/±180, pressure in 0..1100 hPa, direction in 0..360.
It cannot catch every little-endian value; never auto-detect LPP from type bytes alone.

Polyline (type 240) has no published byte layout in the original spec; this module reads it as
``[size:1][factor:1][lat0:i24][lon0:i24]([dlat:i8][dlon:i8])*`` where ``size`` counts the whole
value including itself, the first point is at 0.0001° like GPS, and each delta is in units of
``factor`` x 0.0001°. Output: ``{"factor": f, "points": [{"latitude", "longitude"}, ...]}``.
Treat polyline interop with third-party encoders as unverified.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..payload import Decoded, Downlink
from ._common import NativeCodec, Reader, encode_error, to_raw

__all__ = ["LPP_TYPES", "CayenneLPP", "LppType"]


@dataclass(frozen=True, slots=True)
class LppType:
    """One LPP data type: id, output name, value size, signedness, multiplier(s), components.

    ``components`` names the parts of a multi-value type (``("x", "y", "z")``); each part is
    ``size // len(components)`` bytes unless ``part_sizes`` says otherwise. ``limits`` is the
    plausible physical range per component (decoded units), checked when plausibility is on.
    """

    type_id: int
    name: str
    size: int
    signed: bool
    multipliers: tuple[float, ...] = (1,)
    components: tuple[str, ...] = ()
    part_sizes: tuple[int, ...] = ()
    limits: tuple[tuple[float, float] | None, ...] = ()

    def parts(self) -> list[tuple[str | None, int, float, tuple[float, float] | None]]:
        """(component name or None, byte size, multiplier, limits) for each part of the value."""
        names: tuple[str | None, ...] = self.components or (None,)
        sizes = self.part_sizes or tuple(self.size // len(names) for _ in names)
        mults = (
            self.multipliers
            if len(self.multipliers) == len(names)
            else self.multipliers * len(names)
        )
        limits = self.limits if self.limits else (None,) * len(names)
        if len(limits) != len(names):
            limits = limits * len(names)
        return list(zip(names, sizes, mults, limits, strict=True))


_XYZ = ("x", "y", "z")
LPP_TYPES: dict[int, LppType] = {
    t.type_id: t
    for t in (
        LppType(0, "digital_in", 1, False),
        LppType(1, "digital_out", 1, False),
        LppType(2, "analog_in", 2, True, (100,)),
        LppType(3, "analog_out", 2, True, (100,)),
        LppType(100, "generic_sensor", 4, False),
        LppType(101, "luminosity", 2, False),
        LppType(102, "presence", 1, False, limits=((0, 1),)),
        LppType(103, "temperature", 2, True, (10,), limits=((-273.15, 200),)),
        LppType(104, "relative_humidity", 1, False, (2,), limits=((0, 100),)),
        LppType(113, "accelerometer", 6, True, (1000,), _XYZ),
        LppType(115, "barometric_pressure", 2, False, (10,), limits=((0, 1100),)),
        LppType(116, "voltage", 2, False, (100,)),
        LppType(117, "current", 2, False, (1000,)),
        LppType(118, "frequency", 4, False),
        LppType(120, "percentage", 1, False, limits=((0, 100),)),
        LppType(121, "altitude", 2, True),
        LppType(125, "concentration", 2, False),
        LppType(128, "power", 2, False),
        LppType(130, "distance", 4, False, (1000,)),
        LppType(131, "energy", 4, False, (1000,)),
        LppType(132, "direction", 2, False, limits=((0, 360),)),
        LppType(133, "unix_time", 4, False),
        LppType(134, "gyrometer", 6, True, (100,), _XYZ),
        LppType(135, "colour", 3, False, (1,), ("r", "g", "b")),
        LppType(
            136,
            "gps",
            9,
            True,
            (10000, 10000, 100),
            ("latitude", "longitude", "altitude"),
            limits=((-90, 90), (-180, 180), None),
        ),
        LppType(142, "switch", 1, False, limits=((0, 1),)),
    )
}
POLYLINE = 240
_PARTS = {type_id: tuple(lpp.parts()) for type_id, lpp in LPP_TYPES.items()}
"""Each type's parts, computed once: the decode loop is a hot path (messages/s matter)."""
_FORMATS = {(1, False): ">B", (1, True): ">b", (2, False): ">H", (2, True): ">h",
            (4, False): ">I", (4, True): ">i"}  # fmt: skip
_SINGLE = {
    type_id: (
        lpp.name, lpp.size, struct.Struct(_FORMATS[lpp.size, lpp.signed]).unpack_from,
        parts[0][2], parts[0][3],
    )
    for type_id, lpp in LPP_TYPES.items()
    if not lpp.components
    and len(parts := _PARTS[type_id]) == 1
    and parts[0][1] == lpp.size
    and (lpp.size, lpp.signed) in _FORMATS
}  # fmt: skip
"""Single-value types: name, size, big-endian reader, multiplier and limits, read inline."""
_KEYS: dict[int, str] = {}
"""``<name>_<channel>`` by ``type << 8 | channel`` for single-value types, as met."""
_BY_NAME: dict[str, int] = {t.name: t.type_id for t in LPP_TYPES.values()} | {"polyline": POLYLINE}


class CayenneLPP(NativeCodec):
    """Cayenne LPP codec (uplink decode; downlink encode/decode of the same framing).

    ``generic_sensor_float32``: read type 100 as IEEE-754 float32 bits instead of uint32 (some
    firmwares do; make it a per-device choice). ``plausibility``: reject values outside the
    physical range of their quantity (see the module docstring).
    """

    codec_id = "cayenne-lpp"
    uses_f_port = False  # LPP frames carry their own channel and type bytes
    vendor = ""

    def __init__(self, *, generic_sensor_float32: bool = False, plausibility: bool = True) -> None:
        self.generic_sensor_float32 = generic_sensor_float32
        self.plausibility = plausibility

    # -- decode -------------------------------------------------------------------------
    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Decode an LPP frame (any FPort) into ``{"<name>_<channel>": value}``.

        Single-value types are read inline (the gateway's hot path); anything that would
        fail, and multi-value types, go through the bounds-checked :class:`Reader`.
        """
        out: Decoded = {}
        offset = 0
        size = len(data)
        if not size:
            raise self._reader(data, device).error(
                0, "empty payload", "at least one [channel][type][value] item"
            )
        float32 = self.generic_sensor_float32
        plausibility = self.plausibility
        while offset < size:
            if offset + 2 > size:
                self._reader(data, device).need(offset, 2, "channel and type")
            channel = data[offset]
            type_id = data[offset + 1]
            start = offset
            offset += 2
            single = _SINGLE.get(type_id)
            if single is not None and not (float32 and type_id == 100):
                name, width, unpack, mult, limits = single
                end = offset + width
                if end > size:
                    self._reader(data, device).need(
                        offset, width, f"{name} value on channel {channel}"
                    )
                raw = unpack(data, offset)[0]
                value: Any = raw if mult == 1 else raw / mult
                key = _KEYS.get((type_id << 8) | channel)
                if key is None:
                    key = _KEYS[(type_id << 8) | channel] = f"{name}_{channel}"
                if limits is not None and plausibility and not limits[0] <= value <= limits[1]:
                    value = self._decode_value(
                        self._reader(data, device), LPP_TYPES[type_id], offset
                    )
                offset = end
            elif type_id == POLYLINE:
                value, offset = self._decode_polyline(self._reader(data, device), offset)
                key = f"polyline_{channel}"
            else:
                lpp = LPP_TYPES.get(type_id)
                if lpp is None:
                    raise self._reader(data, device).error(
                        start + 1,
                        f"unknown LPP type 0x{type_id:02x}",
                        "an LPP type id (see LPP_TYPES)",
                    )
                r = self._reader(data, device)
                if offset + lpp.size > size:
                    r.need(offset, lpp.size, f"{lpp.name} value on channel {channel}")
                value = self._decode_value(r, lpp, offset)
                offset += lpp.size
                key = f"{lpp.name}_{channel}"
            if key in out:
                raise self._reader(data, device).error(
                    start, f"repeated {key}", "each channel/type pair once per frame"
                )
            out[key] = value
        return out

    def _reader(self, data: bytes, device: str) -> Reader:
        return Reader(data, codec_id=self.codec_id, device=device)

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """LPP downlinks use the same framing (e.g. digital/analog output on a channel)."""
        return self.decode_uplink(f_port, data, device=device)

    def _decode_value(self, r: Reader, lpp: LppType, offset: int) -> Any:
        if lpp.type_id == 100 and self.generic_sensor_float32:
            value = float(struct.unpack(">f", r.data[offset : offset + 4])[0])
            if not math.isfinite(value):
                raise r.error(offset, "generic sensor float32 is not finite", "a finite float32")
            return value
        data, signed = r.data, lpp.signed
        parts: dict[str, int | float] = {}
        pos = offset
        for comp, size, mult, limits in _PARTS[lpp.type_id]:
            raw = int.from_bytes(data[pos : pos + size], "big", signed=signed)
            value = raw if mult == 1 else raw / mult
            if self.plausibility and limits is not None and not limits[0] <= value <= limits[1]:
                raise r.error(
                    pos,
                    f"implausible {lpp.name}{'.' + comp if comp else ''} {value!r} "
                    "(not LPP? little-endian look-alikes decode out of range)",
                    f"{limits[0]:g} to {limits[1]:g}",
                )
            if not lpp.components:
                return value
            parts[comp or ""] = value
            pos += size
        return parts

    def _decode_polyline(self, r: Reader, offset: int) -> tuple[Decoded, int]:
        size = r.uint(offset, 1, "polyline size")
        if size < 8 or (size - 8) % 2:
            raise r.error(offset, f"bad polyline size {size}", "8 + 2*n bytes (size counts itself)")
        r.need(offset, size, "polyline value")
        factor = r.uint(offset + 1, 1, "polyline factor")
        if factor == 0:
            raise r.error(offset + 1, "polyline factor 0", "a delta factor of 1..255")
        lat = r.sint(offset + 2, 3, "polyline latitude")
        lon = r.sint(offset + 5, 3, "polyline longitude")
        points = [(lat, lon)]
        pos = offset + 8
        while pos < offset + size:
            lat += r.sint(pos, 1, "polyline latitude delta") * factor
            lon += r.sint(pos + 1, 1, "polyline longitude delta") * factor
            points.append((lat, lon))
            pos += 2
        for i, (la, lo) in enumerate(points):
            if self.plausibility and not (-900000 <= la <= 900000 and -1800000 <= lo <= 1800000):
                raise r.error(
                    offset, f"implausible polyline point {i}", "latitude ±90, longitude ±180"
                )
        return {
            "factor": factor,
            "points": [{"latitude": la / 10000, "longitude": lo / 10000} for la, lo in points],
        }, offset + size

    # -- encode -------------------------------------------------------------------------
    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """Encode ``{"<name>_<channel>": value}`` into an LPP frame (FPort None: any port).

        Used for downlinks and, equally, by simulators/tests to produce uplink frames.
        Refuses unknown names, channels outside 0..255, and values outside a type's range or
        finer than its resolution.
        """
        out = bytearray()
        for key, value in obj.items():
            name, _, ch = key.rpartition("_")
            if name not in _BY_NAME or not ch.isdigit() or int(ch) > 255:
                raise encode_error(
                    self.codec_id, device, key, "not an LPP key", "<type name>_<channel 0..255>"
                )
            type_id = _BY_NAME[name]
            out += bytes((int(ch), type_id))
            if type_id == POLYLINE:
                out += self._encode_polyline(key, value, device)
            else:
                out += self._encode_value(key, LPP_TYPES[type_id], value, device)
        return Downlink(None, bytes(out))

    def _encode_value(self, key: str, lpp: LppType, value: Any, device: str) -> bytes:
        if lpp.type_id == 100 and self.generic_sensor_float32:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise encode_error(
                    self.codec_id, device, key, f"not a number: {value!r}", "a number"
                )
            try:
                return struct.pack(">f", value)
            except OverflowError:
                raise encode_error(
                    self.codec_id, device, key, f"{value!r} overflows float32", "a float32"
                ) from None
        if lpp.components and (not isinstance(value, Mapping) or set(value) != set(lpp.components)):
            raise encode_error(
                self.codec_id,
                device,
                key,
                f"bad {lpp.name} value {value!r}",
                f"keys {lpp.components}",
            )
        out = bytearray()
        for comp, size, mult, limits in lpp.parts():
            field = f"{key}.{comp}" if comp else key
            v = value[comp] if comp else value
            if (
                self.plausibility
                and limits is not None
                and isinstance(v, (int, float))
                and not limits[0] <= v <= limits[1]
            ):
                raise encode_error(
                    self.codec_id,
                    device,
                    field,
                    f"implausible {v!r}",
                    f"{limits[0]:g} to {limits[1]:g}",
                )
            raw = to_raw(
                v,
                scale=mult,
                size=size,
                signed=lpp.signed,
                codec_id=self.codec_id,
                device=device,
                field=field,
            )
            out += raw.to_bytes(size, "big", signed=lpp.signed)
        return bytes(out)

    def _encode_polyline(self, key: str, value: Any, device: str) -> bytes:
        if not isinstance(value, Mapping) or set(value) != {"factor", "points"}:
            raise encode_error(self.codec_id, device, key, "bad polyline", "{factor, points}")
        factor = value["factor"]
        points = value["points"]
        if isinstance(factor, bool) or not isinstance(factor, int) or not 1 <= factor <= 255:
            raise encode_error(
                self.codec_id, device, key + ".factor", f"bad factor {factor!r}", "1..255"
            )
        if not isinstance(points, list) or not points or len(points) > 124:
            raise encode_error(
                self.codec_id, device, key + ".points", "bad points", "1..124 points"
            )
        raws: list[tuple[int, int]] = []
        for i, p in enumerate(points):
            if not isinstance(p, Mapping) or set(p) != {"latitude", "longitude"}:
                raise encode_error(
                    self.codec_id,
                    device,
                    f"{key}.points[{i}]",
                    "bad point",
                    "{latitude, longitude}",
                )
            la = to_raw(
                p["latitude"],
                scale=10000,
                size=3,
                signed=True,
                codec_id=self.codec_id,
                device=device,
                field=f"{key}.points[{i}].latitude",
            )
            lo = to_raw(
                p["longitude"],
                scale=10000,
                size=3,
                signed=True,
                codec_id=self.codec_id,
                device=device,
                field=f"{key}.points[{i}].longitude",
            )
            if self.plausibility and not (-900000 <= la <= 900000 and -1800000 <= lo <= 1800000):
                raise encode_error(
                    self.codec_id,
                    device,
                    f"{key}.points[{i}]",
                    "implausible point",
                    "latitude ±90, longitude ±180",
                )
            raws.append((la, lo))
        out = bytearray((8 + 2 * (len(raws) - 1), factor))
        out += raws[0][0].to_bytes(3, "big", signed=True) + raws[0][1].to_bytes(
            3, "big", signed=True
        )
        for i in range(1, len(raws)):
            for axis in (0, 1):
                delta, rest = divmod(raws[i][axis] - raws[i - 1][axis], factor)
                if rest or not -128 <= delta <= 127:
                    raise encode_error(
                        self.codec_id,
                        device,
                        f"{key}.points[{i}]",
                        "delta not representable",
                        f"a step that is a multiple of {factor} x 0.0001° within ±127 steps",
                    )
                out += delta.to_bytes(1, "big", signed=True)
        return bytes(out)
