"""Canonical light points as new TALQ devices (``POST /devices``), for migrations.

Each light becomes a device of the first device class that has a LampActuatorFunction, with
its name (``BasicFunction.displayName``), location (``BasicFunction.location``) and a
``LuminaireAssetFunction.luminaireTypeAddress`` naming a LuminaireType that holds the lamp
type and nominal power (``lightSourceType``, ``powerConsumption`` W).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from interop.errors import EncodeError
from interop.model.lighting import LightPoint
from interop_talq.protocol import (
    FUNCTION_ACTUATOR,
    FUNCTION_BASIC,
    FUNCTION_LUMINAIRE,
    light_source_type,
)

__all__ = ["DevicePlan", "encode_devices", "luminaire_type_address"]


@dataclass(slots=True)
class DevicePlan:
    """The documents to POST and the address given to each light, in order."""

    devices: list[dict[str, Any]] = field(default_factory=list)
    luminaire_types: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


def luminaire_type_address(source_type: str, power: float | None) -> str:
    """A stable LuminaireType address for a light source type and nominal power."""
    watts = "unknown" if power is None else f"{power:g}"
    return f"lt-{source_type.lower().replace(' ', '-')}-{watts}w"


def _lamp_class(classes: Mapping[str, Mapping[str, Any]]) -> tuple[str, dict[str, str]]:
    for name, device_class in classes.items():
        functions = {
            str(f.get("type")): str(f.get("functionId"))
            for f in device_class.get("functions") or []
            if isinstance(f, dict)
        }
        if FUNCTION_ACTUATOR in functions:
            return name, functions
    raise EncodeError(
        "the Gateway announces no device class with a LampActuatorFunction",
        source="talq /device-classes",
        expected="a lamp controller device class",
    )


def encode_devices(
    lights: Sequence[LightPoint], *, classes: Mapping[str, Mapping[str, Any]]
) -> DevicePlan:
    """New devices for ``lights`` (fresh UUID addresses) and the LuminaireTypes they use."""
    class_name, function_ids = _lamp_class(classes)
    plan = DevicePlan()
    types: dict[str, dict[str, Any]] = {}
    for light in lights:
        address = str(uuid.uuid4())
        functions: list[dict[str, Any]] = []
        if FUNCTION_BASIC in function_ids:
            basic: dict[str, Any] = {"id": function_ids[FUNCTION_BASIC], "type": FUNCTION_BASIC}
            if light.name:
                basic["displayName"] = {"type": "AttributeString", "value": light.name}
            if light.location is not None:
                basic["location"] = {
                    "type": "AttributeLocation",
                    "value": {"latitude": light.location.lat, "longitude": light.location.lon},
                }
            functions.append(basic)
        elif light.location is not None:
            raise EncodeError(
                f"device class {class_name!r} has no BasicFunction to hold the location",
                source=f"light {light.id}",
                field="location",
            )
        functions.append({"id": function_ids[FUNCTION_ACTUATOR], "type": FUNCTION_ACTUATOR})
        if light.lamp_type is not None or light.nominal_power is not None:
            if FUNCTION_LUMINAIRE not in function_ids:
                raise EncodeError(
                    f"device class {class_name!r} has no LuminaireAssetFunction",
                    source=f"light {light.id}",
                    field="nominal_power",
                )
            source_type = light_source_type(light.lamp_type)
            type_address = luminaire_type_address(source_type, light.nominal_power)
            kind: dict[str, Any] = {
                "address": type_address,
                "name": type_address,
                "lightSourceType": source_type,
            }
            if light.nominal_power is not None:
                kind["powerConsumption"] = light.nominal_power
            types[type_address] = kind
            functions.append(
                {
                    "id": function_ids[FUNCTION_LUMINAIRE],
                    "type": FUNCTION_LUMINAIRE,
                    "luminaireTypeAddress": {"type": "AttributeString", "value": type_address},
                }
            )
        plan.devices.append(
            {
                "address": address,
                "name": light.name or address,
                "class": class_name,
                "functions": functions,
            }
        )
        plan.addresses.append(address)
    plan.luminaire_types = list(types.values())
    return plan
