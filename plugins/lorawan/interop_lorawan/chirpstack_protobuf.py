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

from collections.abc import Callable
from typing import Any

from interop.errors import DecodeError

__all__ = ["PROTOBUF_MEDIA_TYPES", "event_document", "is_protobuf", "media_type"]

PROTOBUF_MEDIA_TYPES = frozenset(
    {"application/octet-stream", "application/x-protobuf", "application/protobuf"}
)
"""Content types under which a ChirpStack event body is protobuf (ChirpStack sends the first)."""

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


def _parser(event: str, where: str) -> Callable[[bytes], dict[str, Any]]:
    """A function reading one protobuf ``event`` into its JSON dictionary."""
    name = _MESSAGES.get(event)
    if name is None:
        raise DecodeError(
            f"no protobuf message for event {event!r}", source=where, field="event",
            expected=f"one of {', '.join(_MESSAGES)} (send 'integration' events as JSON)",
        )  # fmt: skip
    from chirpstack_api.integration import integration_pb2  # type: ignore[import-untyped]
    from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]

    message_type = getattr(integration_pb2, name)

    def parse(raw: bytes) -> dict[str, Any]:
        message = message_type()
        message.ParseFromString(raw)
        document: dict[str, Any] = MessageToDict(message)
        return document

    return parse


_PARSERS: dict[str, Callable[[bytes], dict[str, Any]]] = {}


def event_document(raw: bytes, event: str | None, where: str) -> dict[str, Any]:
    """The JSON dictionary of one protobuf ChirpStack ``event`` (``up``, ``join``, ...).

    DecodeError when the event is not named (protobuf does not say which message it is),
    has no protobuf message, or the bytes are not that message.
    """
    if not event:
        raise DecodeError(
            "a protobuf body without its event type", source=where, field="event",
            expected="the event as ?event=... (HTTP) or in the MQTT topic",
        )  # fmt: skip
    parse = _PARSERS.get(event)
    if parse is None:
        parse = _parser(event, where)
        _PARSERS[event] = parse
    try:
        return parse(raw)
    except Exception as exc:  # protobuf's DecodeError, RecursionError, ...
        raise DecodeError(
            f"not a ChirpStack {_MESSAGES[event]}: {type(exc).__name__}: {exc}",
            source=where, expected=f"a protobuf integration.{_MESSAGES[event]}",
        ) from None  # fmt: skip
