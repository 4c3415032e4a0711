"""The semantic mapping: decoded payload objects -> (property, unit, value, time) readings.

A payload codec returns the maker's *decoded object* (``{"temperature": 22.6, "co2": 776}``).
This module places each of its fields on a property of the canonical property registry and
a unit of the unit registry. Which property and which units a field *may* be comes from its
name (:mod:`interop_lorawan.fieldnames`: a table of the makers' names, units written in names,
keyword rules), from per-vendor corrections and from the device profile's explicit rules;
which of those it *is* comes from its value:

* every placed value is checked against its property's plausible range
  (:attr:`interop.model.properties.PropertySpec.plausible`, in the property's default
  unit): a value outside it is **not** placed, the field stays unmapped with a counted
  warning naming the value and the range (a temperature of 6553.5 °C is a sign bug);
* a name whose unit is not certain (``battery``: V, mV or %; ``pressure``: Pa, hPa or kPa;
  ``voltage``: the battery's or the mains', by whether the object meters electricity;
  ``power``/``current``: read only in a metering object) lists candidate readings, each for a
  window of raw values; the first that holds the value and gives a plausible reading wins and the
  choice is recorded in :attr:`MappedValue.note` and the report's ``resolved`` paths; a
  value no candidate explains for sure stays unmapped with a warning, never placed wrong;
* a unit given in the data (``{"value": 3.1, "unit": "V"}``, ``"25 ℃"``, ``"2000 mm"``)
  wins over the name's, provided it measures the property's quantity;
* nested objects are flattened into dotted paths (``air.temperature``); arrays of objects
  are *frames*: a frame with its own time (``time``, ``timestamp``, ``ts``: RFC 3339, or Unix
  seconds or milliseconds) gives its readings that time (history records, TTS normalized
  payloads); a frame whose time cannot be read keeps its readings unmapped, because the
  uplink's time would be wrong for them; an item naming its own quantity (``type``,
  ``variable``, ``label``) is read by that name; a series ``{"unit", "values"}`` without
  times gives its one reading, or stays unmapped when it holds several;
* placeholders (``None``, ``""``, ``"NoSensor"``, ``"N/A"``) are *skipped* and counted;
  names that describe the device or frame (firmware, frame type) are *metadata*;
* anything nested deeper than :data:`MAX_DEPTH` levels is kept unmapped as one JSON text.

Nothing is ever dropped silently: the caller keeps unmapped fields (by path) in
``extensions["lorawan"]["unmapped"]`` and the :class:`MappingReport` counts every outcome.
Lookup order for a field: the device profile's rules (full path, then last path segment),
the vendor's corrections, then :func:`interop_lorawan.fieldnames.rule_for_name`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import orjson
from pydantic import JsonValue

from interop.model.properties import PropertySpec, default_property_registry
from interop.model.units import QuantityKind, Unit, default_unit_registry
from interop_lorawan.fieldnames import (
    FIELD_TABLE,
    METADATA_FIELDS,
    SETTING_WORDS,
    UNIT_SYMBOLS,
    VENDOR_OVERRIDES,
    FieldRule,
    Rule,
    medium,
    normalise,
    rule_for_name,
    words,
)

__all__ = [
    "FIELD_TABLE",
    "MAX_DEPTH",
    "METADATA_FIELDS",
    "PLACEHOLDERS",
    "TIME_FIELDS",
    "UNIT_SYMBOLS",
    "VENDOR_OVERRIDES",
    "FieldRule",
    "MappedValue",
    "MappingReport",
    "MappingResult",
    "SemanticMapper",
    "normalise",
]

_PROPERTIES = default_property_registry()
_UNITS = default_unit_registry()

PLACEHOLDERS = frozenset({"", "nosensor", "no sensor", "n/a", "na", "none", "null", "nan", "-"})
"""String values (lowercased, trimmed) that mean "no reading": skipped and counted."""
TIME_FIELDS = frozenset(
    {"time", "timestamp", "ts", "datetime", "date_time", "date", "utc", "recvtime", "collecttime",
     "measurement_time", "epoch", "unix_time", "unixtime"}
)  # fmt: skip
"""Normalised names of the field that gives a frame (an object in an array) its own time."""
MAX_DEPTH = 16
"""Deepest nesting the flattener follows; a deeper subtree is kept unmapped as JSON text."""
MAX_KEPT_TEXT = 4096
"""Characters of a too-deep subtree kept as text (the rest is cut, and says so)."""

_FLAG_PROPERTIES = frozenset({"occupancy", "motion", "smoke"})
_FLAG_WORDS = {
    "true": 1, "false": 0, "on": 1, "off": 0, "occupied": 1, "free": 0, "vacant": 0,
    "trigger": 1, "triggered": 1, "detected": 1, "idle": 0, "yes": 1, "no": 0,
}  # fmt: skip
_QUANTITY_KEYS = frozenset({"value", "unit", "displayName", "desc", "name"})
_SERIES_KEYS = frozenset({"values", "unit", "displayName", "desc", "name"})
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_METER_WORDS = frozenset(
    {"power", "current", "energy", "kwh", "wh", "kw", "ampere", "vrms", "irms", "urms"}
)
_VOLT_WORDS = frozenset({"voltage", "volt", "vol", "vrms", "urms"})
_BATTERY_WORDS = frozenset({"battery", "bat", "batt", "vbat", "vbatt", "batv"})
_UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class MappedValue:
    """One placed field: path, property, unit, the (scaled) value, and how it was read.

    ``note`` says which reading of an ambiguous field was chosen and why; ``time`` is the
    frame's own time (history records), None for the uplink's time.
    """

    path: str
    property: PropertySpec
    unit: Unit
    value: int | float
    note: str | None = None
    time: datetime | None = None


@dataclass(frozen=True, slots=True)
class MappingReport:
    """What the mapping did with each field of one decoded object (paths, in order).

    ``resolved``: mapped paths whose unit or property was chosen among several by value;
    ``warnings``: unmapped path -> why (implausible value, ambiguous unit, unreadable frame
    time, unit of the wrong kind); unmapped paths absent from it simply have no rule.
    """

    mapped: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    warnings: Mapping[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """``{"mapped": n, "unmapped": n, "skipped": n, "metadata": n, ...}``."""
        return {
            "mapped": len(self.mapped),
            "unmapped": len(self.unmapped),
            "skipped": len(self.skipped),
            "metadata": len(self.metadata),
            "resolved": len(self.resolved),
            "warnings": len(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class MappingResult:
    """The placed values, the unplaced fields and metadata (path -> value) and the report."""

    values: tuple[MappedValue, ...]
    unmapped: dict[str, JsonValue]
    metadata: dict[str, JsonValue]
    report: MappingReport


@dataclass(frozen=True, slots=True)
class _Leaf:
    path: str
    value: Any
    unit: str | None
    time: datetime | str | None  # a frame's time, _UNREADABLE, or None (the uplink's)
    deep: bool = False


def frame_time(value: object) -> datetime | None:
    """A frame's own time from RFC 3339 text or Unix seconds/milliseconds (after 2001)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        seconds = value / 1000 if 1e12 <= value < 1e13 else value if 1e9 <= value < 1e10 else None
        return None if seconds is None else datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            return None
        if parsed.tzinfo is None or parsed.year < 2001:
            return None
        return parsed.astimezone(UTC)
    return None


def _deep_text(value: Any) -> str:
    try:
        text = orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        try:
            text = json.dumps(value, default=repr)
        except (RecursionError, ValueError):
            text = repr(value)
    if len(text) > MAX_KEPT_TEXT:
        text = text[:MAX_KEPT_TEXT] + f"... [cut: {len(text)} characters]"
    return text


_READING_VALUE_KEYS = ("measurementValue", "measurement_value", "value", "val", "reading")
_READING_NAME_KEYS = (
    "type", "name", "variable", "label", "measurementName", "measurement", "sensor",
    "displayName",
)  # fmt: skip


def _named_reading(item: Mapping[str, Any]) -> tuple[str, Any, str | None, tuple[str, ...]] | None:
    """Name, value, unit and their keys of an array item naming its own quantity, else None.

    ``{"type": "Air Temperature", "measurementValue": 13.5, "measurementId": "4097"}``
    (SenseCAP and others) is the field ``Air Temperature``.
    """
    value_key = next((k for k in _READING_VALUE_KEYS if k in item), None)
    name_key = next((k for k in _READING_NAME_KEYS if isinstance(item.get(k), str)), None)
    if value_key is None or name_key is None or isinstance(item[value_key], Mapping | list):
        return None
    unit = item.get("unit")
    if isinstance(unit, str):
        return str(item[name_key]), item[value_key], unit, (name_key, value_key, "unit")
    return str(item[name_key]), item[value_key], None, (name_key, value_key)


def _flatten(value: Any, path: str, time: datetime | str | None, depth: int) -> Iterator[_Leaf]:
    """Yield the leaves of a decoded object, each with its frame time."""
    if depth >= MAX_DEPTH and isinstance(value, Mapping | list) and value:
        yield _Leaf(path, value, None, time, deep=True)
    elif isinstance(value, Mapping):
        if "value" in value and set(value) <= _QUANTITY_KEYS:
            unit = value.get("unit")
            yield _Leaf(path, value["value"], unit if isinstance(unit, str) else None, time)
            return
        series = value.get("values")
        if isinstance(series, list) and "unit" in value and set(value) <= _SERIES_KEYS:
            unit = value.get("unit")
            unit = unit if isinstance(unit, str) else None
            if len(series) == 1 and not isinstance(series[0], Mapping | list):
                yield _Leaf(path, series[0], unit, time)  # one reading: the current one
            else:  # readings without their own times: the data does not say which is current
                yield _Leaf(path, series, unit, _UNREADABLE)
            return
        for key, child in value.items():
            yield from _flatten(child, f"{path}.{key}" if path else str(key), time, depth + 1)
    elif isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
        for index, child in enumerate(value):
            own = time
            at = f"{path}.{index}" if path else str(index)
            if isinstance(child, Mapping):
                stamp = next((v for k, v in child.items() if normalise(str(k)) in TIME_FIELDS),
                             None)  # fmt: skip
                if stamp is not None:
                    own = frame_time(stamp) or _UNREADABLE
                named = _named_reading(child)
                if named is not None:
                    name, reading, unit, used = named
                    yield _Leaf(f"{at}.{name}", reading, unit, own)
                    for key, rest in child.items():  # its other fields (an id, a date) stay
                        if key not in used:
                            yield from _flatten(rest, f"{at}.{key}", own, depth + 2)
                    continue
            yield from _flatten(child, at, own, depth + 1)
    else:
        yield _Leaf(path, value, None, time)


class SemanticMapper:
    """Places decoded fields on properties and units; see the module docstring."""

    def __init__(
        self,
        table: Mapping[str, Rule] | None = None,
        vendor_overrides: Mapping[str, Mapping[str, Rule]] = VENDOR_OVERRIDES,
    ) -> None:
        self._table = table
        self._vendors = {
            v: {normalise(k): r for k, r in o.items()} for v, o in vendor_overrides.items()
        }
        self._rules: dict[tuple[str | None, bool, bool, str | None, str], Rule | None] = {}
        self._plans: dict[tuple[str | None, tuple[str, ...]], _Plan] = {}
        self._readers: dict[tuple[str | None, tuple[str, ...]], _FlatReader | None] = {}

    def rule_for(
        self,
        path: str,
        *,
        vendor: str | None = None,
        overrides: Mapping[str, FieldRule] = {},
        metering: bool = False,
        air: bool = True,
        of: str | None = None,
    ) -> Rule | None:
        """The candidate readings of ``path``, or None when nothing places it.

        ``of``: the object's medium (``"soil"``, ``"water"``; :func:`fieldnames.medium`).
        """
        if overrides:
            last = path.rsplit(".", 1)[-1]
            for key in (path, last):
                if key in overrides:
                    return (overrides[key],)
        cache_key = (vendor, metering, air, of, path)
        try:
            return self._rules[cache_key]
        except KeyError:
            pass
        if self._table is not None:
            last_name = normalise(path.rsplit(".", 1)[-1])
            rule = self._table.get(normalise(path)) or self._table.get(last_name)
        else:
            rule = rule_for_name(
                path,
                metering=metering,
                air=air,
                vendor_rules=self._vendors.get(vendor or ""),
                medium=of,
            )
        if len(self._rules) > 50_000:
            self._rules.clear()
        self._rules[cache_key] = rule
        return rule

    def map(
        self,
        decoded: Mapping[str, Any] | list[Any],
        *,
        vendor: str | None = None,
        overrides: Mapping[str, FieldRule] = {},
    ) -> MappingResult:
        """Place every field of ``decoded``; never raises on odd values (they are unmapped)."""
        if not overrides and isinstance(decoded, dict):
            plan = self._plan(decoded, vendor)
            if plan is not None:
                return _map_flat(decoded, plan)
        values: list[MappedValue] = []
        unmapped: dict[str, JsonValue] = {}
        metadata: dict[str, JsonValue] = {}
        mapped_paths: list[str] = []
        skipped: list[str] = []
        resolved: list[str] = []
        warnings: dict[str, str] = {}
        leaves = list(_flatten(decoded, "", None, 0))
        metering, air = _context(leaf.path.rsplit(".", 1)[-1] for leaf in leaves)
        of = medium(leaf.path for leaf in leaves)
        for leaf in leaves:
            path, value = leaf.path, leaf.value
            if leaf.deep:
                unmapped[path or "."] = _deep_text(value)
                warnings[path or "."] = f"nested deeper than {MAX_DEPTH} levels: kept as text"
                continue
            if value is None or (isinstance(value, str) and value.strip().lower() in PLACEHOLDERS):
                skipped.append(path)
                continue
            if isinstance(value, list | dict) and not value:
                skipped.append(path)
                continue
            if normalise(path.rsplit(".", 1)[-1]) in TIME_FIELDS and leaf.time is not None:
                metadata[path] = _json(value)  # a frame's own time
                continue
            rule = self.rule_for(
                path, vendor=vendor, overrides=overrides, metering=metering, air=air, of=of
            )
            if rule is None and leaf.unit is not None and not self._is_metadata(path):
                rule = _rule_by_unit(path, leaf.unit)
            if rule is None:
                if self._is_metadata(path):
                    metadata[path or "."] = _json(value)
                else:
                    unmapped[path or "."] = _json(value)
                continue
            if leaf.time == _UNREADABLE:
                unmapped[path] = _json(value)
                warnings[path] = (
                    f"a series of {len(value)} readings without their own times"
                    if isinstance(value, list)
                    else "its frame's time is unreadable (RFC 3339 or Unix time expected)"
                )
                continue
            placed, why = _place(path, value, leaf.unit, rule)
            if placed is None:
                unmapped[path or "."] = _json(value)
                if why:
                    warnings[path or "."] = why
                continue
            if isinstance(leaf.time, datetime):
                placed = MappedValue(
                    placed.path, placed.property, placed.unit, placed.value, placed.note, leaf.time
                )
            values.append(placed)
            mapped_paths.append(path)
            if placed.note is not None:
                resolved.append(path)
        report = MappingReport(
            tuple(mapped_paths), tuple(unmapped), tuple(skipped), tuple(metadata),
            tuple(resolved), warnings,
        )  # fmt: skip
        return MappingResult(tuple(values), unmapped, metadata, report)

    def place_flat(
        self, decoded: Mapping[str, Any] | list[Any], *, vendor: str | None = None
    ) -> tuple[MappedValue, ...] | None:
        """The readings of a flat object of numbers that are all placed, else None.

        What :meth:`map` (without device-profile rules) places in that case, without the
        result around it: its report then maps every field, ``resolved`` those with a note,
        and nothing is unmapped, skipped or metadata. None for anything else (nested values,
        text, a field not placed): :meth:`map` says what became of each field.
        """
        if type(decoded) is not dict or not decoded:
            return None
        keys = tuple(decoded)
        try:
            reader = self._readers[vendor, keys]
        except KeyError:
            reader = self._reader(vendor, keys)
        if reader is None:
            return None
        values = []
        for key, rule, compiled, by_int, by_float in reader:
            value = decoded[key]
            kind = type(value)
            if kind is float:
                memo = by_float
            elif kind is int:
                memo = by_int
            else:
                return None  # text, flags, nested values: map() reads them
            placed = memo.get(value, _UNKNOWN)
            if placed is _UNKNOWN:  # a pure function of the value: remembered per field
                placed = _place(key, value, None, rule, compiled)[0]
                if len(memo) > 4096:
                    memo.clear()
                memo[value] = placed
            if placed is None:
                return None
            values.append(placed)
        return tuple(values)

    def _reader(self, vendor: str | None, keys: tuple[str, ...]) -> _FlatReader | None:
        """How :meth:`place_flat` reads objects of these keys; None when one has no rule."""
        plan = self._plan(dict.fromkeys(keys, 0), vendor)  # a plan depends on the keys only
        reader: _FlatReader | None = None
        if plan is not None and all(rule is not None for _, rule, _, _ in plan):
            reader = tuple(
                (key, rule, compiled, {}, {})
                for key, rule, _, compiled in plan
                if rule is not None
            )  # fmt: skip
        if len(self._readers) > 10_000:
            self._readers.clear()
        self._readers[vendor, keys] = reader
        return reader

    def _plan(self, decoded: dict[str, Any], vendor: str | None) -> _Plan | None:
        """How to read a flat object of these keys (remembered per vendor and key tuple)."""
        for value in decoded.values():
            kind = type(value)  # the ABC check only for what is not a plain JSON scalar
            if (
                kind is dict
                or kind is list
                or (
                    kind not in (str, int, float, bool, type(None))
                    and isinstance(value, Mapping | list)
                )
            ):
                return None  # nested objects or arrays (frames): the general path
        keys = tuple(decoded)
        plan = self._plans.get((vendor, keys))
        if plan is not None:
            return plan
        if not all(isinstance(k, str) and k for k in keys):
            return None
        metering, air = _context(keys)
        of = medium(keys)
        steps = []
        for key in keys:
            rule = self.rule_for(key, vendor=vendor, metering=metering, air=air, of=of)
            timed = normalise(key) in TIME_FIELDS
            compiled = _compile(rule, None) if rule is not None else ()
            steps.append((key, rule, rule is None and (timed or self._is_metadata(key)), compiled))
        plan = tuple(steps)
        if len(self._plans) > 10_000:
            self._plans.clear()
        self._plans[(vendor, keys)] = plan
        return plan

    @staticmethod
    def _is_metadata(path: str) -> bool:
        first, last = normalise(path.split(".", 1)[0]), normalise(path.rsplit(".", 1)[-1])
        return (
            first in METADATA_FIELDS
            or normalise(path) in METADATA_FIELDS
            or last in METADATA_FIELDS
            or (last.endswith("change") and last != "change")
        )


_AIR_WORDS = frozenset(
    {"humidity", "humi", "hum", "rh", "relativehumidity", "co2", "eco2", "air", "dew", "voc",
     "tvoc", "wind", "weather", "altitude", "pm2", "pm10", "pm25"}
)  # fmt: skip


def _context(names: Iterable[str]) -> tuple[bool, bool]:
    """Whether an object's field names meter electricity, and whether they describe air.

    Metering takes two electrical readings (``power`` and ``energy``, ``current`` and
    ``voltage``): one ``power`` alone may be an on/off state, one ``current`` a present value.
    """
    meters = volts = 0
    air = False
    for name in names:
        ws = set(words(name))
        meters += bool(_METER_WORDS & ws)
        volts += bool(_VOLT_WORDS & ws) and not _BATTERY_WORDS & ws
        air = air or bool(_AIR_WORDS & ws)
    return meters >= 2 or (meters == 1 and volts >= 1), air


_BY_UNIT_KINDS = frozenset(
    {QuantityKind.TEMPERATURE, QuantityKind.PRESSURE, QuantityKind.IRRADIANCE,
     QuantityKind.FREQUENCY, QuantityKind.POWER, QuantityKind.ENERGY, QuantityKind.CURRENT}
)  # fmt: skip
"""Quantities one property alone measures, so a unit in the data names the property (not
angles, times or lengths: a heading in degrees is no wind direction; not decibels: a
signal-to-noise ratio is no sound level)."""
_BY_UNIT: dict[tuple[str, str], Rule | None] = {}


def _rule_by_unit(path: str, unit: str) -> Rule | None:
    """The one property a unit given in the data measures, for a name no rule knows.

    ``{"total_solar_radiation": {"value": 48.1, "unit": "W⋅m⁻²"}}`` is irradiance; a name of
    a setting or another quantity (``dew_point`` in °C, ``vapor_pressure``) is not placed.
    """
    key = (path.rsplit(".", 1)[-1], unit)
    if key in _BY_UNIT:
        return _BY_UNIT[key]
    rule: Rule | None = None
    symbol = UNIT_SYMBOLS.get(unit.strip().lower())
    ref = symbol[0] if symbol is not None else unit
    if ref in _UNITS and not set(words(key[0])) & SETTING_WORDS:
        kind = _UNITS.get(ref).quantity
        specs = [spec for spec in _PROPERTIES if spec.quantity is kind]
        if kind in _BY_UNIT_KINDS and len(specs) == 1:
            rule = (FieldRule(specs[0].key),)
    if len(_BY_UNIT) > 10_000:
        _BY_UNIT.clear()
    _BY_UNIT[key] = rule
    return rule


_Plan = tuple[tuple[str, Rule | None, bool, "tuple[_Step, ...] | str"], ...]
"""For a flat object: each key, its rule (None: not placed), whether it is metadata, and the
rule compiled for values that name no unit."""


_FlatReader = tuple[
    tuple[str, Rule, "tuple[_Step, ...] | str", dict[Any, Any], dict[Any, Any]], ...
]
"""For :meth:`SemanticMapper.place_flat`: each key, its rule compiled, and what its integer
and float values were placed as (None: not placed)."""
_UNKNOWN = object()
_PLACED: dict[tuple[str, type, Any, int], tuple[Any, MappedValue | None, str | None]] = {}
"""What :func:`_place` gave for a number in a field of a plan's step (readings repeat)."""


def _map_flat(decoded: dict[str, Any], plan: _Plan) -> MappingResult:
    """:meth:`SemanticMapper.map` of a flat object whose plan is known (the common case)."""
    values: list[MappedValue] = []
    unmapped: dict[str, JsonValue] = {}
    metadata: dict[str, JsonValue] = {}
    skipped: list[str] = []
    resolved: list[str] = []
    warnings: dict[str, str] = {}
    for key, rule, is_metadata, compiled in plan:
        value = decoded[key]
        if value is None or (isinstance(value, str) and value.strip().lower() in PLACEHOLDERS):
            skipped.append(key)
        elif rule is None:
            (metadata if is_metadata else unmapped)[key] = _json(value)
        else:
            kind = type(value)
            if kind is int or kind is float:  # a pure function of these: remembered
                memo = (key, kind, value, id(compiled))
                known = _PLACED.get(memo)
                if known is not None and known[0] is compiled:
                    placed, why = known[1], known[2]
                else:
                    placed, why = _place(key, value, None, rule, compiled)
                    if len(_PLACED) > 20_000:
                        _PLACED.clear()
                    _PLACED[memo] = (compiled, placed, why)
            else:
                placed, why = _place(key, value, None, rule, compiled)
            if placed is None:
                unmapped[key] = _json(value)
                if why:
                    warnings[key] = why
            else:
                values.append(placed)
                if placed.note is not None:
                    resolved.append(key)
    if len(values) == len(plan) and not resolved:  # every field placed as named: one report
        known_report = _ALL_PLACED.get(id(plan))
        if known_report is not None and known_report[0] is plan:
            return MappingResult(tuple(values), unmapped, metadata, known_report[1])
    report = MappingReport(
        tuple(v.path for v in values), tuple(unmapped), tuple(skipped), tuple(metadata),
        tuple(resolved), warnings,
    )  # fmt: skip
    if len(values) == len(plan) and not resolved:
        if len(_ALL_PLACED) > 10_000:
            _ALL_PLACED.clear()
        _ALL_PLACED[id(plan)] = (plan, replace(report, warnings=MappingProxyType({})))
    return MappingResult(tuple(values), unmapped, metadata, report)


_ALL_PLACED: dict[int, tuple[_Plan, MappingReport]] = {}
"""The report of a plan whose every field was placed with no choice among readings (the same
for every object it reads; immutable, so one serves all)."""


def _number(value: Any, flag: bool) -> tuple[int | float, str | None] | None:
    """The number in ``value`` and a unit written after it (``"25 ℃"``), or None."""
    if isinstance(value, bool):
        return (int(value), None) if flag else None
    if isinstance(value, int | float):
        return value, None
    if isinstance(value, str):
        word = _FLAG_WORDS.get(value.strip().lower())
        if word is not None and flag:
            return word, None
        match = _NUMBER.match(value)
        if match is None:
            return None
        text = match.group(1)
        number = float(text) if any(c in text for c in ".eE") else int(text)
        return number, match.group(2) or None
    return None


_TO_DEFAULT: dict[tuple[str, str], tuple[float, float]] = {}


def _canonical(number: float, unit: Unit, spec: PropertySpec) -> float:
    """``number`` (in ``unit``) in the property's default unit, as a float."""
    key = (unit.iri, spec.default_unit)
    factors = _TO_DEFAULT.get(key)
    if factors is None:
        target = _UNITS.get(spec.default_unit)
        factors = (
            float(unit.factor / target.factor),
            float((unit.offset - target.offset) / target.factor),
        )
        _TO_DEFAULT[key] = factors
    return number * factors[0] + factors[1]


def _unit_of(ref: str | None, spec: PropertySpec) -> tuple[Unit, float] | None:
    """The unit a rule or the data names (symbol, IRI or UCUM) and its scale to that unit."""
    if ref is None:
        return _UNITS.get(spec.default_unit), 1.0
    symbol = UNIT_SYMBOLS.get(ref.strip().lower())
    if symbol is not None:
        return _UNITS.get(symbol[0]), symbol[1]
    if ref in _UNITS:
        return _UNITS.get(ref), 1.0
    return None


def _fmt(value: float) -> str:
    return f"{value:.6g}"


@dataclass(frozen=True, slots=True)
class _Step:
    """One candidate reading, resolved: property, unit and scale, or why it cannot apply."""

    candidate: FieldRule
    spec: PropertySpec
    unit: Unit | None = None
    scale: float = 1.0
    error: str | None = None
    windowed: bool = False


_STEPS: dict[tuple[Rule, str | None], tuple[_Step, ...] | str] = {}


def _compile(rule: Rule, data_unit: str | None) -> tuple[_Step, ...] | str:
    """The steps of ``rule`` for a value in ``data_unit`` (None: none given), or why none."""
    key = (rule, data_unit)
    cached = _STEPS.get(key)
    if cached is not None:
        return cached
    data = None
    if data_unit is not None:
        symbol = UNIT_SYMBOLS.get(data_unit.strip().lower())
        if symbol is None and data_unit not in _UNITS:
            return f"unit {data_unit!r} is not one the mapping knows"
        data = (_UNITS.get(symbol[0]), symbol[1]) if symbol else (_UNITS.get(data_unit), 1.0)
    steps = []
    for candidate in rule:
        if candidate.property is None or candidate.property not in _PROPERTIES:
            continue
        spec = _PROPERTIES.get(candidate.property)
        if data is not None:
            unit, scale = data
            if unit.quantity is not spec.quantity:
                why = f"{spec.key} (data unit {data_unit!r} is not a {spec.quantity})"
                steps.append(_Step(candidate, spec, error=why))
                continue
        else:
            if candidate.needs_unit:
                why = f"{spec.key} (only with a unit in the data)"
                steps.append(_Step(candidate, spec, error=why))
                continue
            found = _unit_of(candidate.unit, spec)
            if found is None or found[0].quantity is not spec.quantity:
                why = f"{spec.key} (unit {candidate.unit!r} is not a {spec.quantity})"
                steps.append(_Step(candidate, spec, error=why))
                continue
            unit, scale = found[0], found[1] * candidate.scale
        steps.append(_Step(candidate, spec, unit, scale, windowed=data is None))
    compiled = tuple(steps)
    if len(_STEPS) > 10_000:
        _STEPS.clear()
    _STEPS[key] = compiled
    return compiled


_NOTES: dict[int, tuple[_Step, int, str]] = {}
"""The note of a step that resolved an ambiguous field, by the step's identity."""


def _place(
    path: str,
    value: Any,
    data_unit: str | None,
    rule: Rule,
    compiled: tuple[_Step, ...] | str | None = None,
) -> tuple[MappedValue | None, str | None]:
    """The reading of ``value`` the rule's candidates give, or None and why not.

    ``compiled``: ``_compile(rule, None)``, when the caller has it.
    """
    kind = type(value)
    if kind is int or kind is float:
        number, written = value, None
    else:
        parsed = _number(value, any(c.property in _FLAG_PROPERTIES for c in rule))
        if parsed is None:
            return None, None
        number, written = parsed
    if isinstance(number, float) and not math.isfinite(number):
        return None, f"{value!r} is not a finite number"
    data_unit = written or data_unit
    steps = compiled if compiled is not None and data_unit is None else _compile(rule, data_unit)
    # compiled steps exist only for candidates with a property: then not all are None
    if (not steps or isinstance(steps, str)) and all(c.property is None for c in rule):
        return None, "kept unmapped by a device profile"
    if isinstance(steps, str):
        return None, steps
    tried: list[str] = []
    for step in steps:
        spec, unit = step.spec, step.unit
        if step.error is not None or unit is None:
            tried.append(step.error or spec.key)
            continue
        if step.windowed and not step.candidate.admits(number):
            tried.append(_window_text(step.candidate, spec))
            continue
        scaled = _scaled(number, step.scale)
        canonical = _canonical(float(scaled), unit, spec)
        low, high = spec.plausible or (-math.inf, math.inf)
        if not low <= canonical <= high:
            default = _UNITS.get(spec.default_unit).symbol or ""
            tried.append(
                f"{spec.key} in {unit.symbol}: {_fmt(canonical)} {default} is outside the "
                f"plausible {_fmt(low)}..{_fmt(high)} {default}"
            )
            continue
        note = None
        if len(rule) > 1 and data_unit is None:
            known = _NOTES.get(id(step))  # the same text for every value this step reads
            if known is not None and known[0] is step and known[1] == len(rule):
                note = known[2]
            else:
                note = (
                    f"read as {spec.key} in {_symbol(unit, step.scale)}: "
                    f"of {len(rule)} possible readings, the one its value makes plausible"
                )
                if len(_NOTES) > 10_000:
                    _NOTES.clear()
                _NOTES[id(step)] = (step, len(rule), note)
        return MappedValue(path, spec, unit, scaled, note), None
    if not tried:
        return None, None
    windowed = any(c.window is not None or c.fraction is not None or c.needs_unit for c in rule)
    kind_text = "ambiguous" if windowed and data_unit is None else "implausible"
    return None, f"{kind_text}: {_fmt(number)} fits no reading ({'; '.join(tried)})"


def _scaled(number: int | float, scale: float) -> int | float:
    """``number * scale``; a sub-unit scale divides (3300 mV -> 3.3 V, not 3.3000000000000003)."""
    if scale == 1.0:
        return number
    inverse = 1 / scale
    if scale < 1 and abs(inverse - round(inverse)) < 1e-9:
        return number / round(inverse)
    return number * scale


def _symbol(unit: Unit, scale: float) -> str:
    if scale == 0.001 and unit.symbol == "V":
        return "mV"
    return unit.symbol or unit.label


def _window_text(candidate: FieldRule, spec: PropertySpec) -> str:
    found = _unit_of(candidate.unit, spec)
    symbol = _symbol(found[0], candidate.scale) if found else str(candidate.unit)
    window = candidate.window or (-math.inf, math.inf)
    form = {True: ", fractional", False: ", integer", None: ""}[candidate.fraction]
    return f"{spec.key} in {symbol} needs {_fmt(window[0])}..{_fmt(window[1])}{form}"


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
