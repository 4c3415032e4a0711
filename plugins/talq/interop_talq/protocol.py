"""Names and small codecs of the published TALQ 2.7.1 OpenAPI that both sides of the plugin share.

The request envelope (``talq-api-version`` header, ``clientAddress`` and ``talqRequestId``
query parameters), the pagination headers, the attribute and event names the plugin reads,
the ``TALQErrorMessage`` body and RFC 3339 timestamps. No I/O here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeGuard

from interop.errors import DecodeError
from interop.model.lighting import AlarmType, LampType

__all__ = [
    "ALARM_EVENTS",
    "API_VERSION",
    "CLIENT_ADDRESS",
    "EPOCH_ATTRIBUTE",
    "FUNCTION_ACTUATOR",
    "FUNCTION_BASIC",
    "FUNCTION_LUMINAIRE",
    "FUNCTION_MONITOR",
    "LAMP_TYPES",
    "ORIGIN_REQUEST_ID",
    "PAGINATION_COUNT",
    "PAGINATION_DEFAULT_LIMIT",
    "PAGINATION_OFFSET",
    "PAGINATION_TOTAL",
    "REQUEST_ID",
    "VERSION_HEADER",
    "envelope_error",
    "error_messages",
    "format_time",
    "is_uuid",
    "parse_time",
]

API_VERSION = "2.7.1"
"""The TALQ API version this plugin speaks (header ``talq-api-version``)."""
VERSION_HEADER = "talq-api-version"
CLIENT_ADDRESS = "clientAddress"
"""Query parameter: the caller's TALQ address (a UUID)."""
REQUEST_ID = "talqRequestId"
"""Query parameter: a fresh UUID per modifying request."""
ORIGIN_REQUEST_ID = "talqOriginRequestId"

PAGINATION_COUNT = "pagination-count"
PAGINATION_OFFSET = "pagination-offset"
PAGINATION_TOTAL = "pagination-totalCount"
PAGINATION_DEFAULT_LIMIT = "pagination-defaultLimit"

FUNCTION_BASIC = "BasicFunction"
FUNCTION_ACTUATOR = "LampActuatorFunction"
FUNCTION_MONITOR = "LampMonitorFunction"
FUNCTION_LUMINAIRE = "LuminaireAssetFunction"

EPOCH_ATTRIBUTE = "energyCounterEpoch"
"""Vendor attribute (AttributeInteger) of LampMonitorFunction: bumped on meter replacement.

Not part of the TALQ data model; the interop simulator sets it and the controller honours
it when present (see docs/plugins/talq.md, "Counter epochs").
"""

ALARM_EVENTS: Mapping[str, AlarmType] = {
    "lampFailure": AlarmType.LAMP_FAILURE,
    "dimmingFailure": AlarmType.DIMMING_FAILURE,
    "relayFailure": AlarmType.RELAY_FAILURE,
    "controlGearCommFailure": AlarmType.CONTROL_GEAR_COMM_FAILURE,
    "cyclingFailure": AlarmType.CYCLING_FAILURE,
    "lampUnexpectedOn": AlarmType.LAMP_UNEXPECTED_ON,
    "lampPowerTooHigh": AlarmType.LAMP_POWER_TOO_HIGH,
    "lampPowerTooLow": AlarmType.LAMP_POWER_TOO_LOW,
    "currentTooHigh": AlarmType.CURRENT_TOO_HIGH,
    "currentTooLow": AlarmType.CURRENT_TOO_LOW,
    "lampVoltageTooHigh": AlarmType.LAMP_VOLTAGE_TOO_HIGH,
    "lampVoltageTooLow": AlarmType.LAMP_VOLTAGE_TOO_LOW,
    "powerFactorTooLow": AlarmType.POWER_FACTOR_TOO_LOW,
    "highTemperature": AlarmType.HIGH_TEMPERATURE,
    "supplyLoss": AlarmType.SUPPLY_LOSS,
    "supplyVoltageTooHigh": AlarmType.SUPPLY_VOLTAGE_TOO_HIGH,
    "supplyVoltageTooLow": AlarmType.SUPPLY_VOLTAGE_TOO_LOW,
    "contactorError": AlarmType.CONTACTOR_ERROR,
    "leakageDetected": AlarmType.LEAKAGE_DETECTED,
}
"""LampMonitorFunction event attributes (AttributeBoolean) and the canonical alarm each raises."""

LAMP_TYPES: Mapping[str, LampType] = {
    "LED": LampType.LED,
    "HPS": LampType.HIGH_PRESSURE_SODIUM,
    "LPS": LampType.LOW_PRESSURE_SODIUM,
    "MH": LampType.METAL_HALIDE,
    "FLUORESCENT": LampType.FLUORESCENT,
    "MERCURY VAPOR": LampType.MERCURY_VAPOUR,
    "COSMO": LampType.METAL_HALIDE,
    "OTHER": LampType.OTHER,
}
"""LuminaireType.lightSourceType -> canonical lamp type (CosmoPolis is a metal-halide lamp)."""


def light_source_type(lamp: LampType | str | None) -> str:
    """The LuminaireType.lightSourceType of a canonical lamp type (OTHER when unknown)."""
    for talq, canonical in LAMP_TYPES.items():
        if canonical == lamp and talq != "COSMO":
            return talq
    return "OTHER"


def is_uuid(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a UUID string (TALQ addresses and request ids are)."""
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def format_time(at: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` (seconds, microseconds only when present)."""
    text = at.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def parse_time(value: object, *, source: str, field: str) -> datetime:
    """An RFC 3339 date-time (any offset) as an aware UTC datetime; DecodeError otherwise."""
    if not isinstance(value, str):
        raise DecodeError(
            f"timestamp is {value!r}", source=source, field=field, expected="an RFC 3339 string"
        )
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise DecodeError(
            f"timestamp {value!r} is not RFC 3339",
            source=source,
            field=field,
            expected="yyyy-mm-ddThh:mm:ss[.f](Z|+hh:mm)",
        ) from None
    if parsed.tzinfo is None:
        raise DecodeError(
            f"timestamp {value!r} has no offset",
            source=source,
            field=field,
            expected="an RFC 3339 date-time with Z or an offset",
        )
    return parsed.astimezone(UTC)


def envelope_error(
    method: str, headers: Mapping[str, str], query: Mapping[str, str]
) -> tuple[str, str] | None:
    """Why a request lacks the TALQ envelope, as (error key, description); None when it is fine.

    Every request carries ``talq-api-version`` (this version) and a UUID ``clientAddress``;
    every request but a GET carries a UUID ``talqRequestId`` too.
    """
    version = headers.get(VERSION_HEADER)
    if version is None:
        return "headerMissing", f"header {VERSION_HEADER} is missing"
    if version != API_VERSION:
        return "headerValueNotValid", f"{VERSION_HEADER} {version!r} is not {API_VERSION}"
    client = query.get(CLIENT_ADDRESS)
    if client is None:
        return "parameterMissing", f"query parameter {CLIENT_ADDRESS} is missing"
    if not is_uuid(client):
        return "parameterValueNotValid", f"{CLIENT_ADDRESS} {client!r} is not a UUID"
    request_id = query.get(REQUEST_ID)
    if request_id is None and method.upper() != "GET":
        return "parameterMissing", f"query parameter {REQUEST_ID} is missing"
    if request_id is not None and not is_uuid(request_id):
        return "parameterValueNotValid", f"{REQUEST_ID} {request_id!r} is not a UUID"
    return None


def error_messages(
    key: str, description: str, references: Sequence[tuple[str, str]] = ()
) -> list[dict[str, Any]]:
    """A TALQErrorMessage array with one message; ``references`` are (resource, address)."""
    message: dict[str, Any] = {"key": key, "description": description}
    if references:
        message["references"] = [
            {"address": {"resource": resource, "address": address}}
            for resource, address in references
        ]
    return [message]
