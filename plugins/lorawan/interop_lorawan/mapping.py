"""The semantic mapping: decoded payload objects -> (property, unit, value) triples.

A payload codec returns the maker's *decoded object* (``{"temperature": 22.6, "co2": 776}``).
This module places each of its fields on a property of the canonical property registry and
a unit of the unit registry, using a curated table of field names that device makers use
(:data:`FIELD_TABLE`), per-vendor corrections (:data:`VENDOR_OVERRIDES`) and per-device-profile
overrides (:class:`FieldRule` mappings from :mod:`interop_lorawan.profiles`).

How a field is read:

* nested objects are flattened into dotted paths (``air.temperature``); an object of the form
  ``{"value": 3.1, "unit": "V", "displayName": ...}`` (Decentlab, EMU) is one field whose
  unit is given explicitly;
* numbers may arrive as strings, with the unit inside (``"25 ℃"``, ``"2000 mm"``, ``"3.6V"``);
  a unit given in the data wins over the table's default unit, provided it measures the
  same quantity (else the field is *unmapped*, never converted across kinds);
* placeholders (``None``, ``""``, ``"NoSensor"``, ``"N/A"``) are *skipped* and counted;
* a field the table cannot place is *unmapped*: kept verbatim (by path) for the caller to put
  in ``extensions["lorawan"]["unmapped"]`` and counted in the :class:`MappingReport`.

Nothing is ever dropped silently. Lookup order for a field: the device profile's overrides
(full path, then last path segment), then the vendor overrides, then the table (normalised
full path, then normalised last segment). Normalising lowercases and turns every run of
non-alphanumeric characters into ``_`` (``"Active Energy Import T1"`` ->
``active_energy_import_t1``).

Only properties of :data:`interop.model.properties.DEFAULT_PROPERTIES` and units of
:data:`interop.model.units.DEFAULT_UNITS` are used; fields with no such property (particle
number counts, orientation, door or alarm states, RSSI) stay unmapped by design.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import JsonValue

from interop.model.properties import PropertySpec, default_property_registry
from interop.model.units import OM, QUDT, Unit, default_unit_registry

__all__ = [
    "FIELD_TABLE",
    "METADATA_FIELDS",
    "PLACEHOLDERS",
    "UNIT_SYMBOLS",
    "VENDOR_OVERRIDES",
    "CorpusCoverage",
    "FieldRule",
    "MappedValue",
    "MappingReport",
    "MappingResult",
    "SemanticMapper",
    "corpus_coverage",
    "normalise",
]

_PROPERTIES = default_property_registry()
_UNITS = default_unit_registry()


@dataclass(frozen=True, slots=True)
class FieldRule:
    """Where one decoded field goes: a property key, its default unit and a scale factor.

    ``unit`` is a key of :data:`UNIT_SYMBOLS` or any reference the unit registry resolves
    (IRI, UCUM code); the value is multiplied by ``scale`` (for a unit the registry lacks,
    e.g. millivolt -> volt with ``scale=0.001``). ``property`` is ``None`` for a field the
    profile wants kept unmapped on purpose.
    """

    property: str | None
    unit: str | None = None
    scale: float = 1.0

    @classmethod
    def parse(cls, spec: object) -> FieldRule:
        """A rule from its config form: ``"co2"``, ``"battery_voltage mV"`` or a mapping."""
        if isinstance(spec, FieldRule):
            return spec
        if isinstance(spec, str):
            key, _, unit = spec.partition(" ")
            return cls(key or None, unit.strip() or None)
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"property", "unit", "scale"}
            if unknown:
                raise ValueError(f"unknown keys {sorted(unknown)} (expected property/unit/scale)")
            prop, unit_ref, scale = (
                spec.get("property"),
                spec.get("unit"),
                spec.get("scale", 1.0),
            )
            if prop is not None and not isinstance(prop, str):
                raise ValueError(f"property {prop!r} is not a string")
            if unit_ref is not None and not isinstance(unit_ref, str):
                raise ValueError(f"unit {unit_ref!r} is not a string")
            if isinstance(scale, bool) or not isinstance(scale, int | float):
                raise ValueError(f"scale {scale!r} is not a number")
            return cls(prop, unit_ref, float(scale))
        raise ValueError(f"{spec!r} is not a field rule (expected a string or a mapping)")


def _r(prop: str, unit: str | None = None, scale: float = 1.0) -> FieldRule:
    return FieldRule(prop, unit, scale)


UNIT_SYMBOLS: Mapping[str, tuple[str, float]] = {
    "°c": (OM + "degreeCelsius", 1.0),
    "℃": (OM + "degreeCelsius", 1.0),
    "c": (OM + "degreeCelsius", 1.0),
    "degc": (OM + "degreeCelsius", 1.0),
    "°f": (OM + "degreeFahrenheit", 1.0),
    "k": (OM + "kelvin", 1.0),
    "%": (OM + "percent", 1.0),
    "%rh": (OM + "percent", 1.0),
    "ppm": (OM + "partsPerMillion", 1.0),
    "ppb": (QUDT + "PPB", 1.0),
    "pa": (OM + "pascal", 1.0),
    "hpa": (OM + "hectopascal", 1.0),
    "kpa": (OM + "kilopascal", 1.0),
    "mbar": (OM + "millibar", 1.0),
    "bar": (OM + "bar", 1.0),
    "v": (OM + "volt", 1.0),
    "mv": (OM + "volt", 0.001),
    "a": (OM + "ampere", 1.0),
    "ma": (OM + "milliampere", 1.0),
    "w": (OM + "watt", 1.0),
    "kw": (OM + "kilowatt", 1.0),
    "wh": (OM + "wattHour", 1.0),
    "kwh": (OM + "kilowattHour", 1.0),
    "mm": (OM + "millimetre", 1.0),
    "cm": (OM + "centimetre", 1.0),
    "m": (OM + "metre", 1.0),
    "km": (OM + "kilometre", 1.0),
    "lx": (OM + "lux", 1.0),
    "lux": (OM + "lux", 1.0),
    "db": (OM + "decibel", 1.0),
    "dba": (OM + "decibel", 1.0),
    "db(a)": (OM + "decibel", 1.0),
    "hz": (OM + "hertz", 1.0),
    "°": (OM + "degree", 1.0),
    "deg": (OM + "degree", 1.0),
    "m/s": (OM + "metrePerSecond-Time", 1.0),
    "m⋅s⁻¹": (OM + "metrePerSecond-Time", 1.0),
    "km/h": (OM + "kilometrePerHour", 1.0),
    "w/m2": (OM + "wattPerSquareMetre", 1.0),
    "w/m²": (OM + "wattPerSquareMetre", 1.0),
    "w⋅m⁻²": (OM + "wattPerSquareMetre", 1.0),
    "µg/m3": (QUDT + "MicroGM-PER-M3", 1.0),
    "µg/m³": (QUDT + "MicroGM-PER-M3", 1.0),
    "ug/m3": (QUDT + "MicroGM-PER-M3", 1.0),
    "µg⋅m⁻³": (QUDT + "MicroGM-PER-M3", 1.0),
    "mm/h": (OM + "millimetrePerHour", 1.0),
    "s": (OM + "second-Time", 1.0),
    "h": (OM + "hour", 1.0),
}
"""Unit spellings found in decoded objects (lowercased) -> (unit IRI, scale to that unit)."""

_C, _PCT, _V = OM + "degreeCelsius", OM + "percent", OM + "volt"

FIELD_TABLE: Mapping[str, FieldRule] = {
    # temperature (board/probe temperatures are temperatures too; the field path tells which)
    **dict.fromkeys(
        ["temperature", "temp", "tempc", "tempc_sht", "tempc_ds", "tempc_ds18b20",
         "air_temperature", "ambient_temperature", "temperatureboard", "cputemp",
         "sensor_temperature_internal", "barometer_temperature", "co2_sensor_temperature",
         "soildtemp5te", "tempntu", "templdo", "tempph"],
        _r("temperature", _C),
    ),
    # relative humidity
    **dict.fromkeys(
        ["humidity", "humi", "hum", "hum_sht", "air_humidity", "relative_humidity",
         "relativehumidity", "air_relativehumidity", "rh"],
        _r("humidity", _PCT),
    ),
    # light
    "light": _r("light", OM + "lux"),
    **dict.fromkeys(["illuminance", "lux", "air_lightintensity", "light_intensity"],
                    _r("illuminance", OM + "lux")),
    "solar_radiation": _r("irradiance", OM + "wattPerSquareMetre"),
    # presence, occupancy (counts or flags, never who)
    "motion": _r("motion", OM + "one"),
    "pir": _r("motion", OM + "one"),
    **dict.fromkeys(["occupancy", "occupy", "occupied", "presence", "pax", "people_count"],
                    _r("occupancy", OM + "one")),
    "smoke": _r("smoke", OM + "one"),
    # air quality
    **dict.fromkeys(
        ["co2", "co2_ppm", "co2_concentration", "co2_concentration_lpf", "eco2", "co2eq",
         "air_co2"],
        _r("co2", OM + "partsPerMillion"),
    ),
    **dict.fromkeys(["pm2_5", "pm25", "pm2_5_mass_concentration", "pm_2_5"],
                    _r("pm25", QUDT + "MicroGM-PER-M3")),
    **dict.fromkeys(["pm10", "pm_10", "pm10_mass_concentration"],
                    _r("pm10", QUDT + "MicroGM-PER-M3")),
    **dict.fromkeys(["pm1", "pm1_0", "pm_1_0", "pm1_0_mass_concentration"],
                    _r("pm1", QUDT + "MicroGM-PER-M3")),
    **dict.fromkeys(["pm4", "pm4_0", "pm4_mass_concentration"],
                    _r("pm4", QUDT + "MicroGM-PER-M3")),
    **dict.fromkeys(["tvoc", "tvoc_ppb", "total_voc", "voc"], _r("tvoc", QUDT + "PPB")),
    "co": _r("co", OM + "partsPerMillion"),
    # rain (a depth; rates go to "precipitation" of SAREF4WATR when given per time)
    **dict.fromkeys(["precipitation", "cumulative_precipitation", "rainfall", "rain"],
                    _r("precipitation_amount", OM + "millimetre")),
    # meter interfaces
    **dict.fromkeys(["pulse", "pulse1", "pulse2", "pulseabs", "pulse_abs", "pulse_count",
                     "pulses"], _r("pulse_count", OM + "one")),
    # pressure (hPa unless the data says otherwise)
    **dict.fromkeys(["pressure", "barometric_pressure", "atmospheric_pressure", "air_pressure",
                     "barometer"], _r("pressure", OM + "hectopascal")),
    # battery and electricity
    **dict.fromkeys(
        ["battery_voltage", "batteryvoltage", "bat_v", "batv", "bat", "battery", "volt",
         "vbat", "battery_voltage_mean_24h"],
        _r("battery_voltage", _V),
    ),
    **dict.fromkeys(["battery_level", "batterylevel", "battery_percentage", "bat_pct"],
                    _r("battery_level", _PCT)),
    **dict.fromkeys(["voltage", "vol", "mains_voltage"], _r("voltage", _V)),
    "current": _r("current", OM + "ampere"),
    **dict.fromkeys(["power", "active_power"], _r("power", OM + "watt")),
    **dict.fromkeys(["energy", "active_energy", "active_energy_import_t1",
                     "active_energy_import_t2", "active_energy_export_t1",
                     "active_energy_export_t2"], _r("energy", OM + "kilowattHour")),
    "power_factor": _r("power_factor", OM + "one"),
    # sound
    **dict.fromkeys(
        ["noise", "decibel", "soundavg", "soundpeak", "sound_level", "laeq", "lamax", "lamin",
         "la_eq", "l_aeq", "lafmax", "lceq", "noise_level"],
        _r("noise_level", OM + "decibel"),
    ),
    # weather
    **dict.fromkeys(["wind_speed", "windspeed", "maximum_wind_speed", "wind_speed_max"],
                    _r("wind_speed", OM + "metrePerSecond-Time")),
    **dict.fromkeys(["wind_direction", "winddirection"], _r("wind_direction", OM + "degree")),
    "precipitation_rate": _r("precipitation", OM + "millimetrePerHour"),
    # distance and level
    "distance": _r("distance", OM + "millimetre"),
    **dict.fromkeys(["water_level", "waterlevel"], _r("water_level", OM + "metre")),
    **dict.fromkeys(["fill_level", "filllevel", "fill_percentage"],
                    _r("fill_level", _PCT)),
    # traffic
    **dict.fromkeys(["vehicle_count", "vehicles", "car_count"],
                    _r("vehicle_count", OM + "one")),
    "speed": _r("speed", OM + "kilometrePerHour"),
}  # fmt: skip
"""Normalised field name -> rule, the names device makers use for the same quantities."""

VENDOR_OVERRIDES: Mapping[str, Mapping[str, FieldRule]] = {
    # Elsys ELT: the pressure example reads 100729.1, which is pascal, not hPa.
    "elsys": {"pressure": _r("pressure", OM + "pascal")},
    # Netvox R809A reports mains voltage as "Vol" and current in mA, energy in Wh.
    "netvox": {
        "current": _r("current", OM + "milliampere"),
        "energy": _r("energy", OM + "wattHour"),
    },
    # Nwave NCC405 car counter: counter_value counts vehicles.
    "nwave": {"counter_value": _r("vehicle_count", OM + "one")},
    # Dingtek DF702: "level" is the ultrasonic distance to the waste ("2000 mm").
    "dingtek": {"level": _r("distance", OM + "millimetre")},
    # Ellenex PLS2-L: hydrostatic level; the example text gives metres.
    "ellenex": {"level": _r("water_level", OM + "metre")},
    # MClimate: "voltage" and "battery" are the battery's voltage.
    "mclimate": {"voltage": _r("battery_voltage", _V)},
    # ESP32 Paxcounter: "voltage" is the battery in millivolt.
    "opensource": {"voltage": _r("battery_voltage", _V, 0.001)},
    # Browan TBDW/TBMS: battery in volts (already in the table), "decibel" is noise.
}
"""Per-vendor corrections (vendor id as in the Device Repository), by normalised name."""

METADATA_FIELDS = frozenset(
    {"device", "cmd", "device_id", "protocol_version", "swver", "hwver", "sw_rev", "hw_rev",
     "datecode", "mintime", "maxtime", "type", "version", "firmwareversion", "firmware_version",
     "reset_cause", "resetcause", "port", "bytes", "debugcodes", "medium_type", "medium_desc",
     "serial_number", "timestamp", "meter_typ", "mid_year", "adr_state", "tag_id",
     "hw_health_status", "battery_health", "work_mode", "mod", "ext_sensor", "sensor_flag",
     "interrupt_flag", "displayname"}
)  # fmt: skip
"""Normalised names of fields that describe the device or frame, not a quantity (firmware
versions, frame types, report thresholds): kept with the record and counted as metadata."""

PLACEHOLDERS = frozenset({"", "nosensor", "no sensor", "n/a", "na", "none", "null", "nan", "-"})
"""String values (lowercased, trimmed) that mean "no reading": skipped and counted."""

_FLAG_PROPERTIES = frozenset({"occupancy", "motion", "smoke"})
_FLAG_WORDS = {"true": 1, "false": 0, "on": 1, "off": 0, "occupied": 1, "free": 0}
_QUANTITY_KEYS = frozenset({"value", "unit", "displayName", "desc", "name"})
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_CHANNEL = re.compile(r"_\d+$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
MAX_DEPTH = 16
"""Deepest nesting the flattener follows; deeper values are kept unmapped as a whole."""


def normalise(name: str) -> str:
    """``"Active Energy Import T1"`` -> ``active_energy_import_t1``; ``air.co2`` -> ``air_co2``."""
    return _NON_ALNUM.sub("_", name.lower()).strip("_")


@dataclass(frozen=True, slots=True)
class MappedValue:
    """One placed field: where it was, the property, the unit and the (scaled) value."""

    path: str
    property: PropertySpec
    unit: Unit
    value: int | float


@dataclass(frozen=True, slots=True)
class MappingReport:
    """What the mapping did with each field of one decoded object (paths, in order)."""

    mapped: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """``{"mapped": n, "unmapped": n, "skipped": n, "metadata": n}``."""
        return {
            "mapped": len(self.mapped),
            "unmapped": len(self.unmapped),
            "skipped": len(self.skipped),
            "metadata": len(self.metadata),
        }


@dataclass(frozen=True, slots=True)
class MappingResult:
    """The placed values, the unplaced fields and metadata (path -> value) and the report."""

    values: tuple[MappedValue, ...]
    unmapped: dict[str, JsonValue]
    metadata: dict[str, JsonValue]
    report: MappingReport


def _flatten(value: Any, path: str, depth: int = 0) -> Iterator[tuple[str, Any, str | None]]:
    """Yield (path, value, explicit unit) leaves of a decoded object."""
    if isinstance(value, Mapping) and depth < MAX_DEPTH:
        if "value" in value and set(value) <= _QUANTITY_KEYS:
            unit = value.get("unit")
            yield path, value["value"], unit if isinstance(unit, str) else None
            return
        for key, child in value.items():
            yield from _flatten(child, f"{path}.{key}" if path else str(key), depth + 1)
    elif (
        isinstance(value, list)
        and any(isinstance(v, Mapping | list) for v in value)
        and depth < MAX_DEPTH
    ):
        for index, child in enumerate(value):
            yield from _flatten(child, f"{path}.{index}" if path else str(index), depth + 1)
    else:
        yield path, value, None


class SemanticMapper:
    """Places decoded fields on properties and units; see the module docstring."""

    def __init__(
        self,
        table: Mapping[str, FieldRule] = FIELD_TABLE,
        vendor_overrides: Mapping[str, Mapping[str, FieldRule]] = VENDOR_OVERRIDES,
    ) -> None:
        self._table = table
        self._vendors = {
            v: {normalise(k): r for k, r in o.items()} for v, o in vendor_overrides.items()
        }

    def rule_for(
        self, path: str, *, vendor: str | None = None, overrides: Mapping[str, FieldRule] = {}
    ) -> FieldRule | None:
        """The rule that places ``path``, or None when nothing does."""
        last = path.rsplit(".", 1)[-1]
        for key in (path, last):
            if key in overrides:
                return overrides[key]
        vendor_rules = self._vendors.get(vendor or "", {})
        for key in (normalise(path), normalise(last)):
            if key in vendor_rules:
                return vendor_rules[key]
        for key in (normalise(path), normalise(last)):
            if key in self._table:
                return self._table[key]
        channel_free = _CHANNEL.sub("", normalise(last))  # Cayenne LPP: temperature_1
        return self._table.get(channel_free) if channel_free != normalise(last) else None

    def map(
        self,
        decoded: Mapping[str, Any],
        *,
        vendor: str | None = None,
        overrides: Mapping[str, FieldRule] = {},
    ) -> MappingResult:
        """Place every field of ``decoded``; never raises on odd values (they are unmapped)."""
        values: list[MappedValue] = []
        unmapped: dict[str, JsonValue] = {}
        metadata: dict[str, JsonValue] = {}
        mapped_paths: list[str] = []
        skipped: list[str] = []
        for path, value, unit_text in _flatten(decoded, ""):
            if value is None or (isinstance(value, str) and value.strip().lower() in PLACEHOLDERS):
                skipped.append(path)
                continue
            if isinstance(value, list | dict) and not value:
                skipped.append(path)
                continue
            rule = self.rule_for(path, vendor=vendor, overrides=overrides)
            placed = self._place(path, value, unit_text, rule) if rule else None
            if placed is None and rule is None and self._is_metadata(path):
                metadata[path or "."] = _json(value)
            elif placed is None:
                unmapped[path or "."] = _json(value)
            else:
                values.append(placed)
                mapped_paths.append(path)
        report = MappingReport(
            tuple(mapped_paths), tuple(unmapped), tuple(skipped), tuple(metadata)
        )
        return MappingResult(tuple(values), unmapped, metadata, report)

    @staticmethod
    def _is_metadata(path: str) -> bool:
        first, last = normalise(path.split(".", 1)[0]), normalise(path.rsplit(".", 1)[-1])
        return (
            first in METADATA_FIELDS
            or normalise(path) in METADATA_FIELDS
            or last in METADATA_FIELDS
            or (last.endswith("change") and last != "change")
        )

    @staticmethod
    def _place(path: str, value: Any, unit_text: str | None, rule: FieldRule) -> MappedValue | None:
        if rule.property is None or rule.property not in _PROPERTIES:
            return None
        spec = _PROPERTIES.get(rule.property)
        number: int | float
        if isinstance(value, bool):
            if rule.property not in _FLAG_PROPERTIES:
                return None
            number = int(value)
        elif isinstance(value, int | float):
            number = value
        elif isinstance(value, str):
            word = _FLAG_WORDS.get(value.strip().lower())
            if word is not None and rule.property in _FLAG_PROPERTIES:
                number = word
            else:
                match = _NUMBER.match(value)
                if match is None:
                    return None
                text = match.group(1)
                number = float(text) if any(c in text for c in ".eE") else int(text)
                unit_text = match.group(2) or unit_text
        else:
            return None
        unit_ref, scale = rule.unit or spec.default_unit, rule.scale
        if rule.unit and rule.unit.strip().lower() in UNIT_SYMBOLS:
            symbol_iri, symbol_scale = UNIT_SYMBOLS[rule.unit.strip().lower()]
            unit_ref, scale = symbol_iri, rule.scale * symbol_scale
        if unit_text:
            symbol = UNIT_SYMBOLS.get(unit_text.strip().lower())
            if symbol is None:
                return None
            unit_ref, scale = symbol
        try:
            unit = _UNITS.get(unit_ref)
        except Exception:
            return None
        if unit.quantity is not spec.quantity:
            return None
        if scale != 1.0:
            number = number * scale
        if isinstance(number, float) and not math.isfinite(number):
            return None
        return MappedValue(path, spec, unit, number)


def _json(value: Any) -> JsonValue:
    """``value`` as a JSON value (decoded objects already are; anything else as text)."""
    if value is None or isinstance(value, str | int | float | bool):
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        return value
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    return repr(value)


@dataclass(frozen=True, slots=True)
class CorpusCoverage:
    """Mapping coverage over a corpus of decoded objects."""

    objects: int
    mapped: int
    unmapped: int
    skipped: int
    metadata: int
    by_property: dict[str, int] = field(default_factory=dict)
    unmapped_names: dict[str, int] = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        """Share of non-placeholder fields placed on a property: mapped / (mapped + unmapped)."""
        total = self.mapped + self.unmapped
        return self.mapped / total if total else 1.0

    def summary(self) -> str:
        """One line: ``mapped 120 of 300 fields (40.0%), 12 placeholders skipped, ...``."""
        return (
            f"{self.objects} decoded objects: mapped {self.mapped} of "
            f"{self.mapped + self.unmapped} fields ({self.coverage:.1%}), "
            f"{self.unmapped} unmapped; besides, {self.metadata} metadata fields kept and "
            f"{self.skipped} placeholders skipped"
        )


def corpus_coverage(path: Path, mapper: SemanticMapper | None = None) -> CorpusCoverage:
    """Coverage of the mapping over ``vectors.jsonl`` (uplink vectors' ``expected.data``)."""
    mapper = mapper or SemanticMapper()
    objects = mapped = unmapped = skipped = metadata = 0
    by_property: Counter[str] = Counter()
    names: Counter[str] = Counter()
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            vector = orjson.loads(line)
            data = (vector.get("expected") or {}).get("data")
            if vector.get("direction") != "uplink" or not isinstance(data, dict):
                continue
            objects += 1
            result = mapper.map(data, vendor=vector.get("vendor"))
            mapped += len(result.report.mapped)
            unmapped += len(result.report.unmapped)
            skipped += len(result.report.skipped)
            metadata += len(result.report.metadata)
            by_property.update(v.property.key for v in result.values)
            names.update(f"{vector.get('vendor')}:{p}" for p in result.report.unmapped)
    return CorpusCoverage(
        objects,
        mapped,
        unmapped,
        skipped,
        metadata,
        dict(by_property.most_common()),
        dict(names.most_common()),
    )
