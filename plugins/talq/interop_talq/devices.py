"""TALQ ``Device`` documents to canonical light points, readings and alarms, and back.

A TALQ device carries functions; this plugin reads four of them: ``BasicFunction`` (display
name, ``location``), ``LampActuatorFunction`` (``actualLightState``, ``calendarID``),
``LampMonitorFunction`` (power W, energy kWh, hours, voltage, power factor, failure events)
and ``LuminaireAssetFunction`` (``luminaireTypeAddress`` -> nominal power and light source of
the ``LuminaireType``). Anything malformed raises :class:`~interop.errors.DecodeError` naming
the device and attribute, never ``KeyError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from interop.control.lighting import BURNING_HOURS, ENERGY, LEVEL, POWER, POWER_FACTOR, VOLTAGE
from interop.errors import DecodeError
from interop.model.base import Point, Provenance, mint_iri
from interop.model.lighting import (
    COUNTER_EPOCH,
    LIGHTING_EXTENSION,
    AlarmState,
    AlarmType,
    LightingAlarm,
    LightPoint,
)
from interop.model.observation import Measurement
from interop.model.units import OM
from interop_talq.ids import SYSTEM, device_iri, group_iri, light_iri
from interop_talq.protocol import (
    ALARM_EVENTS,
    EPOCH_ATTRIBUTE,
    FUNCTION_ACTUATOR,
    FUNCTION_BASIC,
    FUNCTION_LUMINAIRE,
    FUNCTION_MONITOR,
    LAMP_TYPES,
    format_time,
    is_uuid,
    parse_time,
)

__all__ = [
    "READINGS",
    "Attribute",
    "DeviceView",
    "alarm_record",
    "decode_alarms",
    "decode_light",
    "decode_readings",
    "level_of",
    "reading_measurement",
]

READINGS: Mapping[tuple[str, str], tuple[str, str]] = {
    (FUNCTION_ACTUATOR, "actualLightState"): (LEVEL, OM + "percent"),
    (FUNCTION_MONITOR, "activePower"): (POWER, OM + "watt"),
    (FUNCTION_MONITOR, "activeEnergy"): (ENERGY, OM + "kilowattHour"),
    (FUNCTION_MONITOR, "operatingHours"): (BURNING_HOURS, OM + "hour"),
    (FUNCTION_MONITOR, "supplyVoltage"): (VOLTAGE, OM + "volt"),
    (FUNCTION_MONITOR, "powerFactor"): (POWER_FACTOR, OM + "one"),
}
"""(function type, attribute) -> (canonical property, unit): the telemetry the plugin maps."""


@dataclass(frozen=True, slots=True)
class Attribute:
    """One TALQ attribute value with its timestamp (UTC) when the Gateway gave one."""

    value: Any
    timestamp: datetime | None


class DeviceView:
    """Checked access to one TALQ Device document (errors name the device and attribute)."""

    def __init__(self, document: object, *, source: str) -> None:
        if not isinstance(document, dict):
            raise DecodeError(
                f"device is {type(document).__name__}", source=source, expected="a Device object"
            )
        address = document.get("address")
        if not isinstance(address, str) or not address:
            raise DecodeError(
                "device has no address", source=source, field="address", expected="a TALQ address"
            )
        self.address = address
        self.source = f"{source} device {address}"
        name = document.get("name")
        if not isinstance(name, str):
            raise DecodeError(
                f"name is {name!r}", source=self.source, field="name", expected="a string"
            )
        self.name = name
        functions = document.get("functions", [])
        if not isinstance(functions, list):
            raise DecodeError("functions is not an array", source=self.source, field="functions")
        self._functions: dict[str, dict[str, Any]] = {}
        for function in functions:
            if not isinstance(function, dict) or not isinstance(function.get("type"), str):
                raise DecodeError(
                    f"malformed function {function!r:.80}",
                    source=self.source,
                    field="functions",
                    expected="objects with 'id' and 'type'",
                )
            self._functions.setdefault(function["type"], function)

    def has(self, function: str) -> bool:
        """Whether the device has a function of that type."""
        return function in self._functions

    def function_id(self, function: str) -> str | None:
        """The id of the device's function of that type."""
        found = self._functions.get(function)
        return str(found.get("id")) if found is not None else None

    def attribute(self, function: str, name: str) -> Attribute | None:
        """The attribute ``name`` of the device's ``function``, None when absent."""
        found = self._functions.get(function)
        if found is None or name not in found:
            return None
        return read_attribute(found[name], source=self.source, field=f"{function}.{name}")

    def number(self, function: str, name: str) -> tuple[float, datetime | None] | None:
        """A numeric attribute as float with its timestamp."""
        attribute = self.attribute(function, name)
        if attribute is None:
            return None
        return _number(attribute.value, self.source, f"{function}.{name}"), attribute.timestamp


def read_attribute(raw: object, *, source: str, field: str) -> Attribute:
    """An ``Attribute*`` object (``{type, value, timestamp}``) as value and UTC timestamp."""
    if not isinstance(raw, dict) or "value" not in raw:
        raise DecodeError(
            f"attribute is {raw!r:.80}", source=source, field=field, expected="{type, value}"
        )
    stamp = raw.get("timestamp")
    at = parse_time(stamp, source=source, field=f"{field}.timestamp") if stamp else None
    return Attribute(raw["value"], at)


def _number(value: object, source: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DecodeError(
            f"value is {value!r:.40}", source=source, field=field, expected="a finite number"
        )
    return float(value)


def level_of(state: object, *, source: str, field: str) -> float:
    """The percent of a LevelState (``name`` "LevelState", or "levelState" as the PDF writes)."""
    if not isinstance(state, dict) or state.get("name") not in ("LevelState", "levelState"):
        raise DecodeError(
            f"state is {state!r:.80}", source=source, field=field, expected="a LevelState"
        )
    level = _number(state.get("value"), source, f"{field}.value")
    if not 0.0 <= level <= 100.0:
        raise DecodeError(f"level {level}", source=source, field=field, expected="0..100 percent")
    return level


def decode_light(
    view: DeviceView,
    *,
    luminaire_types: Mapping[str, Mapping[str, Any]],
    groups: Mapping[str, str],
    provenance: Provenance,
) -> LightPoint:
    """The LightPoint of a device with a LampActuatorFunction."""
    name = view.attribute(FUNCTION_BASIC, "displayName")
    location = view.attribute(FUNCTION_BASIC, "location")
    point = None
    if location is not None:
        value = location.value
        if not isinstance(value, dict):
            raise DecodeError(
                "location is not an object", source=view.source, field="BasicFunction.location"
            )
        field = "BasicFunction.location"
        lat = _number(value.get("latitude"), view.source, field + ".latitude")
        lon = _number(value.get("longitude"), view.source, field + ".longitude")
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise DecodeError(
                f"location ({lat}, {lon})", source=view.source, field=field, expected="WGS84"
            )
        point = Point(lat=lat, lon=lon)
    nominal = lamp = None
    luminaire = view.attribute(FUNCTION_LUMINAIRE, "luminaireTypeAddress")
    if luminaire is not None:
        kind = luminaire_types.get(str(luminaire.value))
        if kind is not None:
            power = kind.get("powerConsumption")
            nominal = (
                _number(power, view.source, "LuminaireType.powerConsumption")
                if power is not None
                else None
            )
            lamp = LAMP_TYPES.get(str(kind.get("lightSourceType", "")).upper())
    group = groups.get(view.address)
    label = str(name.value) if name is not None else view.name
    try:
        return LightPoint(
            id=light_iri(view.address),
            provenance=provenance.model_copy(update={"original_id": view.address}),
            name=label or None,
            device=device_iri(view.address),
            lamp_type=lamp,
            nominal_power=nominal,
            location=point,
            group=group_iri(group) if group else None,
            controllable=view.has(FUNCTION_ACTUATOR),
        )
    except ValueError as exc:
        raise DecodeError(
            f"not a light point: {exc}".splitlines()[0], source=view.source, expected="a lamp"
        ) from None


def reading_measurement(
    address: str,
    prop: str,
    unit: str,
    value: float,
    at: datetime,
    *,
    provenance: Provenance,
    epoch: int | None = None,
) -> Measurement:
    """One canonical reading of a TALQ device (light in foi, node in device)."""
    extensions = (
        {LIGHTING_EXTENSION: {COUNTER_EPOCH: epoch}} if epoch is not None and prop == ENERGY else {}
    )
    local = f"{address}|{prop.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}|{format_time(at)}"
    return Measurement(
        id=mint_iri("measurement", SYSTEM, local),
        provenance=provenance.model_copy(update={"original_id": address}),
        property=prop,
        value=value,
        unit=unit,
        timestamp=at,
        device=device_iri(address),
        feature_of_interest=light_iri(address),
        extensions=extensions,
    )


def decode_readings(
    view: DeviceView,
    *,
    epoch_of: Callable[[str, float | None, float | None, int | None], int],
    provenance: Provenance,
) -> list[Measurement]:
    """The latest readings of a device, each stamped with its attribute's timestamp."""
    energy = view.number(FUNCTION_MONITOR, "activeEnergy")
    hours = view.number(FUNCTION_MONITOR, "operatingHours")
    declared = view.number(FUNCTION_MONITOR, EPOCH_ATTRIBUTE)
    epoch = epoch_of(
        view.address,
        energy[0] if energy else None,
        hours[0] if hours else None,
        int(declared[0]) if declared else None,
    )
    readings = []
    for (function, name), (prop, unit) in READINGS.items():
        attribute = view.attribute(function, name)
        if attribute is None:
            continue
        field = f"{function}.{name}"
        if prop == LEVEL:
            value = level_of(attribute.value, source=view.source, field=field)
        else:
            value = _number(attribute.value, view.source, field)
        at = attribute.timestamp
        if at is None:
            raise DecodeError(
                "measurement has no timestamp", source=view.source, field=field + ".timestamp"
            )
        readings.append(
            reading_measurement(
                view.address, prop, unit, value, at, provenance=provenance, epoch=epoch
            )
        )
    return readings


def alarm_record(
    address: str,
    alarm_type: AlarmType,
    state: AlarmState,
    at: datetime,
    event: str,
    provenance: Provenance,
) -> LightingAlarm:
    """The canonical alarm for a LampMonitorFunction event of the device at ``address``."""
    return LightingAlarm(
        id=mint_iri("lighting-alarm", SYSTEM, f"{address}|{event}|{state}|{format_time(at)}"),
        provenance=provenance.model_copy(update={"original_id": address}),
        light=light_iri(address),
        alarm_type=alarm_type,
        state=state,
        timestamp=at,
        detail=event,
    )


def decode_alarms(
    view: DeviceView, *, provenance: Provenance, cleared: bool = False
) -> list[LightingAlarm]:
    """A RAISED alarm for every LampMonitorFunction event attribute that is true.

    With ``cleared``, a false event attribute gives a CLEARED alarm (a Gateway's PATCH
    reports the change), instead of nothing (a listing shows only what is raised).
    """
    alarms = []
    for event, alarm_type in ALARM_EVENTS.items():
        attribute = view.attribute(FUNCTION_MONITOR, event)
        if attribute is None:
            continue
        if not isinstance(attribute.value, bool):
            raise DecodeError(
                f"value is {attribute.value!r}",
                source=view.source,
                field=f"{FUNCTION_MONITOR}.{event}",
                expected="a boolean",
            )
        if not attribute.value and not cleared:
            continue
        state = AlarmState.RAISED if attribute.value else AlarmState.CLEARED
        at = attribute.timestamp or datetime.now(UTC)
        alarms.append(alarm_record(view.address, alarm_type, state, at, event, provenance))
    return alarms


def check_address(address: str, *, source: str) -> str:
    """A device address must be a UUID in TALQ; DecodeError otherwise."""
    if not is_uuid(address):
        raise DecodeError(
            f"address {address!r} is not a UUID", source=source, field="address", expected="uuid"
        )
    return address
