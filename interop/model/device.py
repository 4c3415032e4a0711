"""Devices (``saref:Device``) and what they can do (``saref:Function``).

A device is an asset of the city: a sensor, a meter, a controllable light point, a gateway.
The functions and command kinds it supports are sets, so their order never matters.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from interop.model.base import IRI, DataClass, Point, RecordBase, protected
from interop.model.command import CommandKind

__all__ = ["Device", "DeviceKind", "FunctionKind"]


class DeviceKind(StrEnum):
    """What a device is, mapped to a SAREF class by the RDF layer."""

    SENSOR = "sensor"
    ACTUATOR = "actuator"
    METER = "meter"
    LIGHTING_DEVICE = "lighting_device"
    GATEWAY = "gateway"
    SWITCH = "switch"
    APPLIANCE = "appliance"
    CONTROLLER = "controller"
    OTHER = "other"


class FunctionKind(StrEnum):
    """A SAREF function a device offers (sensing, metering, on/off, level control, ...)."""

    SENSING = "sensing"
    METERING = "metering"
    ACTUATING = "actuating"
    ON_OFF = "on_off"
    LEVEL_CONTROL = "level_control"
    OPEN_CLOSE = "open_close"
    START_STOP = "start_stop"
    EVENT = "event"


class Device(RecordBase):
    """A physical or virtual device (``saref:Device``)."""

    kind: Literal["device"] = protected(DataClass.PUBLIC, "device")
    device_kind: DeviceKind = protected(DataClass.PUBLIC, description="SAREF device class.")
    name: str | None = protected(DataClass.PUBLIC, None, min_length=1)
    manufacturer: str | None = protected(DataClass.PUBLIC, None, min_length=1)
    model: str | None = protected(DataClass.PUBLIC, None, min_length=1)
    serial_number: str | None = protected(DataClass.TECHNICAL, None, min_length=1)
    firmware_version: str | None = protected(DataClass.TECHNICAL, None, min_length=1)
    functions: frozenset[FunctionKind] = protected(DataClass.PUBLIC, default_factory=frozenset)
    measures: frozenset[IRI] = protected(
        DataClass.PUBLIC, default_factory=frozenset, description="Property IRIs it measures."
    )
    controls: frozenset[IRI] = protected(
        DataClass.PUBLIC, default_factory=frozenset, description="Property IRIs it controls."
    )
    commands: frozenset[CommandKind] = protected(
        DataClass.PUBLIC, default_factory=frozenset, description="Command kinds it accepts."
    )
    location: Point | None = protected(DataClass.PUBLIC, None)
    place: IRI | None = protected(DataClass.PUBLIC, None, description="Place it stands in.")
    gateway: IRI | None = protected(
        DataClass.TECHNICAL, None, description="Device it communicates through."
    )
