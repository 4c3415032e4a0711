"""Canonical ids of TALQ things: every IRI is minted from the TALQ address it names.

A light's id, its controller node and its schedule ids embed the Gateway's address, so the
controller needs no lookup table to turn a light id back into the device to address.
"""

from __future__ import annotations

from urllib.parse import unquote

from interop.model.base import mint_iri

__all__ = [
    "SYSTEM",
    "address_of",
    "calendar_of",
    "device_iri",
    "group_iri",
    "light_iri",
    "schedule_iri",
]

SYSTEM = "talq"
_LIGHT_PREFIX = mint_iri("light", SYSTEM, "")
_DEVICE_PREFIX = mint_iri("device", SYSTEM, "")
_SCHEDULE_PREFIX = mint_iri("dimming-schedule", SYSTEM, "")


def light_iri(address: str) -> str:
    """The LightPoint id of the TALQ device ``address``."""
    return mint_iri("light", SYSTEM, address)


def device_iri(address: str) -> str:
    """The id of the controller node (the TALQ device itself)."""
    return mint_iri("device", SYSTEM, address)


def group_iri(address: str) -> str:
    """The id of a TALQ group."""
    return mint_iri("lighting-group", SYSTEM, address)


def schedule_iri(calendar: str) -> str:
    """The DimmingSchedule id of the TALQ calendar ``calendar``."""
    return mint_iri("dimming-schedule", SYSTEM, calendar)


def _local(iri: str, prefix: str) -> str | None:
    if not iri.startswith(prefix) or len(iri) == len(prefix):
        return None
    return unquote(iri[len(prefix) :])


def address_of(light: str) -> str | None:
    """The TALQ device address inside a light (or node) id; None when it is not a TALQ id."""
    return _local(light, _LIGHT_PREFIX) or _local(light, _DEVICE_PREFIX)


def calendar_of(schedule: str) -> str | None:
    """The TALQ calendar id inside a schedule id; None when it is not a TALQ schedule id."""
    return _local(schedule, _SCHEDULE_PREFIX)
