"""The JSON documents SLV answers with, validated; error envelopes become typed errors.

SLV answers almost everything with HTTP 200: a failure is an envelope
``{"status": "ERROR", "errorCode": ..., "errorCodeLabel": ..., "message": ...}``. Every
document is validated here, so a malformed answer raises DecodeError naming the field,
never a KeyError deep inside the controller.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from interop.errors import (
    AuthenticationFailed,
    DecodeError,
    EncodeError,
    InteropError,
    NotFound,
    RateLimited,
    SourceUnavailable,
)

__all__ = [
    "BatchStart",
    "BatchStatus",
    "DeviceDoc",
    "Envelope",
    "LogValue",
    "StepResult",
    "TimeZoneDoc",
    "envelope_error",
    "is_error_envelope",
    "validate",
]

T = TypeVar("T")

Scalar = str | int | float | bool | None


class _Doc(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Property(_Doc):
    """One ``{key, value}`` pair of a device's properties."""

    key: str
    value: Scalar = None


class DeviceDoc(_Doc):
    """A device as ``asset/getGeozoneDevices`` lists it."""

    id: int
    name: str | None = None
    categoryStrId: str | None = None
    controllerStrId: str
    idOnController: str
    geoZoneId: int | None = None
    lat: float | None = None
    lng: float | None = None
    modelName: str | None = None
    properties: list[Property] = []

    def prop(self, key: str) -> Scalar:
        """The value of property ``key`` (None when absent)."""
        return next((p.value for p in self.properties if p.key == key), None)


class LogValue(_Doc):
    """One value of a device (``logging/getDeviceLastValues``, ``getDevicesLogValues``)."""

    deviceId: int
    name: str
    value: Scalar = None
    eventTime: str | None = None


class Envelope(_Doc):
    """The status envelope of SLV write services."""

    status: str
    errorCode: str | int | None = None
    errorCodeLabel: str | None = None
    message: str | None = None
    value: Any = None


class BatchStart(_Doc):
    """The answer to an asynchronous command: the batch to poll."""

    status: str
    batchId: str | int
    batchRunning: bool = True


class StepResult(_Doc):
    """The outcome of a batch for one device."""

    controllerStrId: str | None = None
    idOnController: str
    status: str
    message: str | None = None


class BatchValue(_Doc):
    """The per-device part of a finished batch."""

    stepResults: list[StepResult] = []
    errorMessagesCount: int = 0


class BatchStatus(_Doc):
    """``batch/getBatchResult``: whether the batch still runs, and its step results."""

    batchRunning: bool
    batchProgressValue: float | None = None
    value: BatchValue | None = None


class TimeZoneDoc(_Doc):
    """``asset/getDeviceTimeZone``: the tzdata id of a device's clock."""

    id: str
    rawOffset: int | None = None
    dstSaving: int | None = None


def validate(kind: type[T] | TypeAdapter[T], data: Any, *, source: str, what: str) -> T:
    """``data`` validated as ``kind``; DecodeError naming the first bad field otherwise."""
    adapter = kind if isinstance(kind, TypeAdapter) else TypeAdapter(kind)
    try:
        return adapter.validate_python(data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(document)"
        raise DecodeError(
            f"{what}: {first['msg']}", source=source, field=where, expected=f"an SLV {what}"
        ) from None


def is_error_envelope(data: Any) -> bool:
    """Whether a decoded body is SLV's error envelope."""
    return isinstance(data, dict) and (
        data.get("status") == "ERROR" or data.get("statusError") is True
    )


def envelope_error(data: Any, *, source: str, what: str) -> InteropError:
    """The typed error an error envelope stands for (the caller raises it).

    ``UNKNOWN_*`` -> NotFound, ``BATCH_LIMIT`` -> RateLimited, ``INVALID_*`` ->
    EncodeError (we sent what the server refuses), ``NOT_AUTHORIZED`` ->
    AuthenticationFailed, anything else -> SourceUnavailable.
    """
    doc = validate(Envelope, data, source=source, what="error envelope")
    label = doc.errorCodeLabel or str(doc.errorCode)
    message = f"{what} failed: {label} ({doc.errorCode}): {doc.message or 'no message'}"
    if label.startswith("UNKNOWN_"):
        return NotFound(message, source=source, expected="a known device, batch or calendar")
    if label == "BATCH_LIMIT":
        return RateLimited(message, source=source)
    if label.startswith("INVALID_"):
        return EncodeError(message, source=source, expected="values the SLV server accepts")
    if label == "NOT_AUTHORIZED":
        return AuthenticationFailed(message, source=source, expected="an authorised user")
    return SourceUnavailable(message, source=source)
