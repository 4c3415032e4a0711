"""ChirpStack v4 integration events in protobuf, read into their JSON form.

ChirpStack's HTTP integration posts ``application/octet-stream`` bodies and its MQTT
integration publishes binary payloads when set to protobuf instead of JSON. Both are the
``integration`` messages of the official ``chirpstack-api`` package (``UplinkEvent``,
``JoinEvent``, ...). :func:`event_document` parses one into the same dictionary ChirpStack's
JSON encoding gives (protobuf JSON mapping, camelCase, default values omitted), so one
envelope parser serves both encodings. The package has no ``IntegrationEvent`` message, so
an ``integration`` event in protobuf is refused with a DecodeError naming that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from interop.errors import DecodeError

__all__ = [
    "PROTOBUF_MEDIA_TYPES",
    "event_document",
    "event_ids",
    "event_message",
    "is_protobuf",
    "media_type",
]

PROTOBUF_MEDIA_TYPES = frozenset(
    {"application/octet-stream", "application/x-protobuf", "application/protobuf"}
)
"""Content types under which a ChirpStack event body is protobuf (ChirpStack sends the first)."""

_SNAKE = re.compile(r"[A-Z]")
_MESSAGES = {
    "up": "UplinkEvent",
    "join": "JoinEvent",
    "status": "StatusEvent",
    "ack": "AckEvent",
    "txack": "TxAckEvent",
    "log": "LogEvent",
    "location": "LocationEvent",
}


def media_type(content_type: str | None) -> str | None:
    """``application/json; charset=utf-8`` -> ``application/json`` (lowercase); None stays."""
    if content_type is None:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def is_protobuf(raw: bytes, content_type: str | None) -> bool:
    """Whether a ChirpStack body is protobuf: by its content type, else by its first byte.

    With no content type (an MQTT payload) a body that does not open a JSON object is taken
    as protobuf: none of the event messages can start with ``{`` (field 15, a group).
    """
    kind = media_type(content_type)
    if kind is not None:
        return kind in PROTOBUF_MEDIA_TYPES
    return raw.lstrip()[:1] != b"{"


def _message_type(event: str, where: str) -> Any:
    """The ``chirpstack-api`` message class of ``event`` (imported on first use)."""
    name = _MESSAGES.get(event)
    if name is None:
        raise DecodeError(
            f"no protobuf message for event {event!r}", source=where, field="event",
            expected=f"one of {', '.join(_MESSAGES)} (send 'integration' events as JSON)",
        )  # fmt: skip
    message_type = _TYPES.get(name)
    if message_type is None:
        from chirpstack_api.integration import integration_pb2  # type: ignore[import-untyped]

        message_type = _TYPES[name] = getattr(integration_pb2, name)
    return message_type


_TYPES: dict[str, Any] = {}


def event_message(raw: bytes, event: str | None, where: str) -> Any:
    """The parsed protobuf message of one ChirpStack ``event``; DecodeError when it is not."""
    if not event:
        raise DecodeError(
            "a protobuf body without its event type", source=where, field="event",
            expected="the event as ?event=... (HTTP) or in the MQTT topic",
        )  # fmt: skip
    message_type = _message_type(event, where)
    try:
        message = message_type()
        message.ParseFromString(raw)
    except Exception as exc:  # protobuf's DecodeError, RecursionError, ...
        raise DecodeError(
            f"not a ChirpStack {_MESSAGES[event]}: {type(exc).__name__}: {exc}",
            source=where, expected=f"a protobuf integration.{_MESSAGES[event]}",
        ) from None  # fmt: skip
    return message


def event_ids(
    raw: bytes, event: str, fields: Sequence[str], where: str
) -> tuple[str | None, dict[str, str | int]]:
    """DevEUI and the values of ``fields`` (JSON names) of one protobuf event, read directly.

    What :func:`event_document` would give for them, without converting the whole message
    (a tenth of the time): enums by name, ``time`` as an ISO instant, default values absent.
    """
    message = event_message(raw, event, where)
    descriptors = message.DESCRIPTOR.fields_by_name
    values: dict[str, str | int] = {}
    for field in fields:
        name = _SNAKE.sub(lambda m: "_" + m.group(0).lower(), field)
        descriptor = descriptors.get(name)
        if descriptor is None:
            continue
        if name == "time":
            if message.HasField("time"):
                try:
                    values[field] = message.time.ToDatetime(tzinfo=UTC).isoformat()
                except (ValueError, OverflowError, OSError):
                    continue
            continue
        value = getattr(message, name)
        if not value or isinstance(value, bool) or not isinstance(value, str | int):
            continue
        if descriptor.enum_type is not None:
            known = descriptor.enum_type.values_by_number.get(value)
            value = known.name if known is not None else value
        values[field] = value
    return message.device_info.dev_eui or None, values


def event_document(raw: bytes, event: str | None, where: str) -> dict[str, Any]:
    """The JSON dictionary of one protobuf ChirpStack ``event`` (``up``, ``join``, ...).

    DecodeError when the event is not named (protobuf does not say which message it is),
    has no protobuf message, or the bytes are not that message.
    """
    message = event_message(raw, event, where)
    from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]

    try:
        document: dict[str, Any] = MessageToDict(message)
    except Exception as exc:  # e.g. a timestamp out of range
        raise DecodeError(
            f"unreadable ChirpStack {_MESSAGES[event or '']}: {type(exc).__name__}: {exc}",
            source=where, expected="field values within their protobuf JSON ranges",
        ) from None  # fmt: skip
    return document
