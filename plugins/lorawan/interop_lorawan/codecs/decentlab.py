"""Decentlab codecs (protocol version 2), table-driven.

Uplink: ``[version=2][device id:u16][sensor flags:u16]`` then, for each sensor whose flag bit is
set (bit 0 = first sensor of the device table), that sensor's fixed number of big-endian u16
words. Each sensor turns its words into named quantities by a device-specific formula. The
decoded object matches Decentlab's codec in the TTN Device Repository: ``protocol_version``,
``device_id`` and, per quantity, ``{"displayName", "unit" (when it has one), "value"}``.

Downlink (all Decentlab devices): ``[command:u16][parameter:u16][CRC-16/MODBUS:u16]``, all
big-endian; the CRC (reflected poly 0x8005, init 0xFFFF) covers the first 4 bytes. Commands
known here are those confirmed by the corpus: ``set period`` (0x0001), ``set period + save``
(0x0002), ``set adr off`` (0x0007) and ``reset`` (0xFEFE).

Strict where the JS is lenient: wrong version, flag bits for sensors the device does not
have, truncated words, trailing bytes and bad downlink CRCs are DecodeErrors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ..payload import Decoded, Downlink
from ._common import NativeCodec, Reader, encode_error, require_port, to_raw

__all__ = ["CODECS", "crc16_modbus"]

Formula = Callable[[Sequence[int]], int | float]


@dataclass(frozen=True, slots=True)
class Q:
    """One quantity: key, display name, unit (None: unitless) and formula over the words."""

    key: str
    display: str
    unit: str | None
    value: Formula


@dataclass(frozen=True, slots=True)
class Sensor:
    """A sensor: how many u16 words it sends and the quantities computed from them."""

    words: int
    quantities: tuple[Q, ...]


def _battery() -> Sensor:
    return Sensor(1, (Q("battery_voltage", "Battery voltage", "V", lambda x: x[0] / 1000),))


def _sht21() -> Sensor:
    return Sensor(
        2,
        (
            Q("air_temperature", "Air temperature", "°C", lambda x: 175.72 * x[0] / 65536 - 46.85),
            Q("air_humidity", "Air humidity", "%", lambda x: 125 * x[1] / 65536 - 6),
        ),
    )


def _offset(i: int, div: int = 1) -> Formula:
    """Words carried with a +32768 offset (signed values), optionally scaled down."""
    if div == 1:
        return lambda x: x[i] - 32768
    return lambda x: (x[i] - 32768) / div


def _word(i: int, div: int = 1) -> Formula:
    if div == 1:
        return lambda x: x[i]
    return lambda x: x[i] / div


def _illuminance(x: Sequence[int]) -> float:
    visible_ir, ir = x[0], x[1]
    return max(max(1.0 * visible_ir - 1.64 * ir, 0.59 * visible_ir - 0.86 * ir), 0) * 1.5504


def _pm_number(name: str, size: str, i: int) -> Q:
    return Q(f"{name}_number_concentration", f"{size} number concentration", "1⋅cm⁻³", _word(i, 10))


def _pm_mass(name: str, size: str, i: int) -> Q:
    return Q(f"{name}_mass_concentration", f"{size} mass concentration", "µg⋅m⁻³", _word(i, 10))


DEVICES: dict[str, tuple[Sensor, ...]] = {
    "dl-lp8p-codec": (
        _sht21(),
        Sensor(
            2,
            (
                Q(
                    "barometer_temperature",
                    "Barometer temperature",
                    "°C",
                    lambda x: (x[0] - 5000) / 100,
                ),
                Q("barometric_pressure", "Barometric pressure", "Pa", lambda x: x[1] * 2),
            ),
        ),
        Sensor(
            8,
            (
                Q("co2_concentration", "CO2 concentration", "ppm", _offset(0)),
                Q("co2_concentration_lpf", "CO2 concentration LPF", "ppm", _offset(1)),
                Q("co2_sensor_temperature", "CO2 sensor temperature", "°C", _offset(2, 100)),
                Q("capacitor_voltage_1", "Capacitor voltage 1", "V", _word(3, 1000)),
                Q("capacitor_voltage_2", "Capacitor voltage 2", "V", _word(4, 1000)),
                Q("co2_sensor_status", "CO2 sensor status", None, _word(5)),
                Q("raw_ir_reading", "Raw IR reading", None, _word(6)),
                Q("raw_ir_reading_lpf", "Raw IR reading LPF", None, _word(7)),
            ),
        ),
        _battery(),
    ),
    "dl-pm-codec": (
        _battery(),
        Sensor(
            10,
            (
                _pm_mass("pm1_0", "PM1.0", 0),
                _pm_mass("pm2_5", "PM2.5", 1),
                _pm_mass("pm4", "PM4", 2),
                _pm_mass("pm10", "PM10", 3),
                Q("typical_particle_size", "Typical particle size", "nm", _word(4)),
                _pm_number("pm0_5", "PM0.5", 5),
                _pm_number("pm1_0", "PM1.0", 6),
                _pm_number("pm2_5", "PM2.5", 7),
                _pm_number("pm4", "PM4", 8),
                _pm_number("pm10", "PM10", 9),
            ),
        ),
        _sht21(),
        Sensor(1, (Q("barometric_pressure", "Barometric pressure", "Pa", lambda x: x[0] * 2),)),
    ),
    "dl-atm41-codec": (
        Sensor(
            17,
            (
                Q("solar_radiation", "Solar radiation", "W⋅m⁻²", _offset(0)),
                Q("precipitation", "Precipitation", "mm", _offset(1, 1000)),
                Q("lightning_strike_count", "Lightning strike count", None, _offset(2)),
                Q("lightning_average_distance", "Lightning average distance", "km", _offset(3)),
                Q("wind_speed", "Wind speed", "m⋅s⁻¹", _offset(4, 100)),
                Q("wind_direction", "Wind direction", "°", _offset(5, 10)),
                Q("maximum_wind_speed", "Maximum wind speed", "m⋅s⁻¹", _offset(6, 100)),
                Q("air_temperature", "Air temperature", "°C", _offset(7, 10)),
                Q("vapor_pressure", "Vapor pressure", "kPa", _offset(8, 100)),
                Q("atmospheric_pressure", "Atmospheric pressure", "kPa", _offset(9, 100)),
                Q("relative_humidity", "Relative humidity", "%", _offset(10, 10)),
                Q(
                    "sensor_temperature_internal",
                    "Sensor temperature (internal)",
                    "°C",
                    _offset(11, 10),
                ),
                Q("x_orientation_angle", "X orientation angle", "°", _offset(12, 10)),
                Q("y_orientation_angle", "Y orientation angle", "°", _offset(13, 10)),
                Q("compass_heading", "Compass heading", "°", _offset(14)),
                Q("north_wind_speed", "North wind speed", "m⋅s⁻¹", _offset(15, 100)),
                Q("east_wind_speed", "East wind speed", "m⋅s⁻¹", _offset(16, 100)),
            ),
        ),
        _battery(),
    ),
    "dl-iam-codec": (
        _battery(),
        Sensor(
            2,
            (
                Q("air_temperature", "Air temperature", "°C", lambda x: 175 * x[0] / 65535 - 45),
                Q("air_humidity", "Air humidity", "%", lambda x: 100 * x[1] / 65535),
            ),
        ),
        Sensor(1, (Q("barometric_pressure", "Barometric pressure", "Pa", lambda x: x[0] * 2),)),
        Sensor(
            2,
            (
                Q(
                    "ambient_light_visible_infrared",
                    "Ambient light (visible + infrared)",
                    None,
                    _word(0),
                ),
                Q("ambient_light_infrared", "Ambient light (infrared)", None, _word(1)),
                Q("illuminance", "Illuminance", "lx", _illuminance),
            ),
        ),
        Sensor(
            3,
            (
                Q("co2_concentration", "CO2 concentration", "ppm", _offset(0)),
                Q("co2_sensor_status", "CO2 sensor status", None, _word(1)),
                Q("raw_ir_reading", "Raw IR reading", None, _word(2)),
            ),
        ),
        Sensor(1, (Q("activity_counter", "Activity counter", None, _word(0)),)),
        Sensor(1, (Q("total_voc", "Total VOC", "ppb", _word(0)),)),
    ),
    "dl-mbx-codec": (
        Sensor(
            2,
            (
                Q("distance", "Distance", "mm", _word(0)),
                Q("number_of_valid_samples", "Number of valid samples", None, _word(1)),
            ),
        ),
        _battery(),
    ),
    "dl-tbrg-01-codec": (
        Sensor(
            4,
            (
                Q("precipitation", "Precipitation", "mm", _word(0, 10)),
                Q("precipitation_interval", "Precipitation interval", "s", _word(1)),
                Q(
                    "cumulative_precipitation",
                    "Cumulative precipitation",
                    "mm",
                    lambda x: (x[2] + x[3] * 65536) * 0.1,
                ),
            ),
        ),
        _battery(),
    ),
}

COMMANDS: dict[int, tuple[str, bool]] = {
    0x0001: ("set period", True),
    0x0002: ("set period + save", True),
    0x0007: ("set adr off", False),
    0xFEFE: ("reset", False),
}
"""Command id -> (name, takes a parameter)."""


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (reflected 0x8005, init 0xFFFF), as Decentlab downlinks carry it."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


class _Decentlab(NativeCodec):
    """Shared Decentlab protocol v2 logic; subclasses set ``codec_id``."""

    vendor = "decentlab"
    sensors: ClassVar[tuple[Sensor, ...]]

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Decode a protocol-2 uplink (any FPort; Decentlab devices use FPort 1)."""
        r = Reader(data, codec_id=self.codec_id, device=device)
        version = r.uint(0, 1, "protocol version")
        if version != 2:
            raise r.error(0, f"protocol version {version}", "protocol version 2")
        out: Decoded = {"device_id": r.uint(1, 2, "device id"), "protocol_version": 2}
        flags = r.uint(3, 2, "sensor flags")
        if flags >> len(self.sensors):
            raise r.error(
                3,
                f"flags 0x{flags:04x} name sensors this device lacks",
                f"flags below 0x{1 << len(self.sensors):04x}",
            )
        pos = 5
        for i, sensor in enumerate(self.sensors):
            if not flags & (1 << i):
                continue
            words = [r.uint(pos + 2 * k, 2, f"sensor {i} word {k}") for k in range(sensor.words)]
            for q in sensor.quantities:
                entry: dict[str, Any] = {"displayName": q.display}
                if q.unit is not None:
                    entry["unit"] = q.unit
                entry["value"] = q.value(words)
                out[q.key] = entry
            pos += 2 * sensor.words
        if pos != len(data):
            raise r.error(
                pos, f"{len(data) - pos} trailing byte(s)", "no bytes after the flagged sensors"
            )
        return out

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """``[command][parameter][crc]`` -> ``{"command", "parameter"?}``."""
        require_port(self.codec_id, device, f_port, (1,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(6, "a Decentlab command")
        cmd, param, crc = r.uint(0, 2, "command"), r.uint(2, 2, "parameter"), r.uint(4, 2, "CRC")
        if crc != crc16_modbus(data[:4]):
            raise r.error(4, f"CRC 0x{crc:04x} does not match", f"0x{crc16_modbus(data[:4]):04x}")
        if cmd not in COMMANDS:
            raise r.error(0, f"unknown command 0x{cmd:04x}", f"one of {[hex(c) for c in COMMANDS]}")
        name, takes = COMMANDS[cmd]
        out: Decoded = {"command": name}
        if takes:
            out["parameter"] = param
        elif param:
            raise r.error(2, f"parameter {param} for {name!r}", "parameter 0")
        return out

    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """``{"command", "parameter"?}`` -> 6 bytes on FPort 1."""
        by_name = {name: (cid, takes) for cid, (name, takes) in COMMANDS.items()}
        command = obj.get("command")
        if command not in by_name:
            raise encode_error(
                self.codec_id,
                device,
                "command",
                f"unknown command {command!r}",
                f"one of {sorted(by_name)}",
            )
        cid, takes = by_name[str(command)]
        allowed = {"command", "parameter"} if takes else {"command"}
        if set(obj) - allowed or (takes and "parameter" not in obj):
            raise encode_error(
                self.codec_id, device, "parameter", "wrong fields", f"exactly {sorted(allowed)}"
            )
        param = (
            to_raw(
                obj["parameter"],
                scale=1,
                size=2,
                signed=False,
                codec_id=self.codec_id,
                device=device,
                field="parameter",
            )
            if takes
            else 0
        )
        body = cid.to_bytes(2, "big") + param.to_bytes(2, "big")
        return Downlink(1, body + crc16_modbus(body).to_bytes(2, "big"))


def _make(codec: str, sensors: tuple[Sensor, ...]) -> type[_Decentlab]:
    name = "Decentlab" + "".join(p.capitalize() for p in codec.removesuffix("-codec").split("-"))
    cls = type(
        name,
        (_Decentlab,),
        {
            "codec_id": codec,
            "sensors": sensors,
            "__doc__": f"Decentlab {codec.removesuffix('-codec').upper()}.",
        },
    )
    return cls


CODECS: tuple[type[_Decentlab], ...] = tuple(_make(c, s) for c, s in DEVICES.items())
