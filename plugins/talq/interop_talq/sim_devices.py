"""How the simulated Gateway renders a ``LightWorld`` in the TALQ data model.

Stable device addresses (UUIDv5 of the world's keys), Device documents with BasicFunction,
LampActuatorFunction, LampMonitorFunction (plus the vendor attribute
``energyCounterEpoch``) and LuminaireAssetFunction, the LuminaireTypes they name, groups, and
the AttributeLogData entries of a logger's report.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from interop.model.lighting import LampType
from interop.simulation.world import LightWorld, Reading, SimLight
from interop_talq.protocol import (
    ALARM_EVENTS,
    EPOCH_ATTRIBUTE,
    FUNCTION_ACTUATOR,
    FUNCTION_BASIC,
    FUNCTION_LUMINAIRE,
    FUNCTION_MONITOR,
    format_time,
    light_source_type,
    parse_time,
)
from interop_talq.provisioning import luminaire_type_address

__all__ = [
    "DEVICE_CLASS",
    "FUNCTION_IDS",
    "TARGET_COMMAND",
    "GatewayState",
    "device_documents",
    "group_documents",
    "level_state",
    "log_entries",
    "render_device",
]

DEVICE_CLASS = "interop-lamp-controller"
TARGET_COMMAND = "talq-target-command"
"""``SimLight.native`` key of the last override's targetCommand (None after a resume)."""
_NAMESPACE = uuid.UUID("6f1c1e7e-3a53-4d0e-9a55-1d6f0b7c2a10")
_EVENTS = {alarm: event for event, alarm in ALARM_EVENTS.items()}
FUNCTION_IDS = {
    FUNCTION_BASIC: "basic",
    FUNCTION_ACTUATOR: "lampActuator",
    FUNCTION_MONITOR: "lampMonitor",
    FUNCTION_LUMINAIRE: "luminaire",
}


@dataclass(slots=True)
class GatewayState:
    """What the simulated Gateway stores besides the world, and its address book."""

    world: LightWorld
    calendars: dict[str, dict[str, Any]] = field(default_factory=dict)
    programs: dict[str, dict[str, Any]] = field(default_factory=dict)
    loggers: dict[str, dict[str, Any]] = field(default_factory=dict)
    luminaire_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    by_address: dict[str, str] = field(default_factory=dict)

    def address(self, light: SimLight) -> str:
        """The light's device address (a UUIDv5 of its key, or the one it was posted with)."""
        native = light.native.setdefault("talq", {})
        if "address" not in native:
            native["address"] = str(uuid.uuid5(_NAMESPACE, light.key))
        address: str = native["address"]
        self.by_address[address] = light.key
        return address

    def light(self, address: str) -> SimLight | None:
        """The light behind a device address, None when there is none."""
        key = self.by_address.get(address)
        if key is None:
            for light in self.world.lights:
                self.address(light)
            key = self.by_address.get(address)
        return self.world.get(key) if key is not None else None

    def luminaire_type(self, light: SimLight) -> str:
        """The address of the LuminaireType (lamp and watts) of a light, created on first use."""
        try:
            lamp: LampType | str = LampType(light.lamp_type)
        except ValueError:
            lamp = "OTHER"
        source = light_source_type(lamp)
        address = luminaire_type_address(source, light.nominal_power)
        self.luminaire_types.setdefault(
            address,
            {
                "address": address,
                "name": address,
                "lightSourceType": source,
                "powerConsumption": light.nominal_power,
            },
        )
        return address


def _attr(kind: str, value: Any, at: datetime | None = None) -> dict[str, Any]:
    attribute: dict[str, Any] = {"type": kind, "value": value}
    if at is not None:
        attribute["timestamp"] = format_time(at)
    return attribute


def level_state(level: float) -> dict[str, Any]:
    """A LevelState of a percent level (TALQ DimLevel is a whole percent)."""
    return {"name": "LevelState", "value": round(level)}


def _monitor_values(reading: Reading) -> dict[str, tuple[str, Any]]:
    return {
        "activePower": ("AttributeFloat", reading.power),
        "activeEnergy": ("AttributeFloat", reading.energy),
        "operatingHours": ("AttributeFloat", reading.burning_hours),
        "supplyVoltage": ("AttributeFloat", reading.voltage),
        "powerFactor": ("AttributeFloat", reading.power_factor),
        EPOCH_ATTRIBUTE: ("AttributeInteger", reading.epoch),
    }


def render_device(gateway: GatewayState, light: SimLight) -> dict[str, Any]:
    """The TALQ Device document of a simulated light."""
    now = light.current
    at = now.at
    monitor: dict[str, Any] = {"id": FUNCTION_IDS[FUNCTION_MONITOR], "type": FUNCTION_MONITOR}
    for name, (kind, value) in _monitor_values(now).items():
        monitor[name] = _attr(kind, value, at)
    monitor["lampFailure"] = _attr("AttributeBoolean", False, at)
    for alarm in light.active_alarms():
        event = _EVENTS.get(alarm.alarm_type)
        if event is not None:
            monitor[event] = _attr("AttributeBoolean", True, alarm.raised_at)
    actuator: dict[str, Any] = {
        "id": FUNCTION_IDS[FUNCTION_ACTUATOR],
        "type": FUNCTION_ACTUATOR,
        "actualLightState": _attr("AttributeLevelState", level_state(now.level), at),
        "defaultLightState": _attr("AttributeLevelState", level_state(100.0)),
    }
    if light.schedule is not None:
        actuator["calendarID"] = _attr("AttributeString", light.schedule)
    target = light.native.get(TARGET_COMMAND)
    if isinstance(target, dict):
        actuator["targetLightCommand"] = _attr("AttributeCommand", target)
    elif light.override is not None and TARGET_COMMAND not in light.native:
        actuator["targetLightCommand"] = _attr(
            "AttributeCommand", {"state": level_state(light.override), "reason": "override"}
        )
    return {
        "address": gateway.address(light),
        "name": light.name,
        "class": DEVICE_CLASS,
        "functions": [
            {
                "id": FUNCTION_IDS[FUNCTION_BASIC],
                "type": FUNCTION_BASIC,
                "displayName": _attr("AttributeString", light.name),
                "location": _attr(
                    "AttributeLocation",
                    {"latitude": light.latitude, "longitude": light.longitude},
                ),
                "timeZone": _attr("AttributeString", gateway.world.timezone),
            },
            actuator,
            monitor,
            {
                "id": FUNCTION_IDS[FUNCTION_LUMINAIRE],
                "type": FUNCTION_LUMINAIRE,
                "luminaireTypeAddress": _attr("AttributeString", gateway.luminaire_type(light)),
            },
        ],
    }


def device_documents(world: LightWorld) -> list[dict[str, Any]]:
    """The Device documents the simulator lists for ``world`` (for tests and fixtures)."""
    gateway = GatewayState(world)
    return [render_device(gateway, light) for light in world.lights]


def log_entries(gateway: GatewayState, config: dict[str, Any]) -> list[dict[str, Any]]:
    """AttributeLogData entries of every reading of the logger's lights in its sampling window."""
    sources = (config.get("sourceAddresses") or {}).get("whiteList") or []
    profiles = (config.get("recordingMode") or {}).get("samplingProfiles") or [{}]
    start = profiles[0].get("samplingStartTime")
    end = profiles[0].get("samplingEndTime")
    low = parse_time(start, source="logger", field="start") if start else None
    high = parse_time(end, source="logger", field="end") if end else None
    entries = []
    for reference in sources:
        light = gateway.light(str(reference.get("address")))
        if light is None:
            continue
        address = gateway.address(light)
        for reading in light.history:
            if (low and reading.at < low) or (high and reading.at > high):
                continue
            stamp = format_time(reading.at)
            values = {"actualLightState": ("AttributeLevelState", level_state(reading.level))}
            values.update(_monitor_values(reading))
            for name, (kind, value) in values.items():
                function = FUNCTION_ACTUATOR if name == "actualLightState" else FUNCTION_MONITOR
                entries.append(
                    {
                        "data": {
                            "type": "AttributeLogData",
                            "srcAddress": f"/devices/{address}/{FUNCTION_IDS[function]}",
                            "timestamp": stamp,
                            "attributeName": name,
                            "attributeValue": _attr(kind, value, reading.at),
                        }
                    }
                )
    return entries


def group_documents(gateway: GatewayState) -> list[dict[str, Any]]:
    """One Group per world group name, with its lights' devices as members."""
    groups: dict[str, list[dict[str, str]]] = {}
    for light in gateway.world.lights:
        if light.group:
            groups.setdefault(light.group, []).append(
                {"resource": "devices", "address": gateway.address(light)}
            )
    owner = str(uuid.uuid5(_NAMESPACE, "gateway"))
    return [
        {"address": name, "ownerCMS": owner, "members": members, "purpose": "override"}
        for name, members in groups.items()
    ]
