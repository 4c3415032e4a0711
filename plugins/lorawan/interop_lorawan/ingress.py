"""How The Things Stack v3 and ChirpStack v4 push to the gateway (``interop_ingress``).

Each :class:`~interop.ingress.Ingress` becomes ``POST /ingest/lorawan/{name}`` and, when the
gateway names a broker, MQTT subscriptions:

* The Things Stack webhooks, one per message type so a TTS webhook is set up with base URL
  ``https://{gateway}/ingest/lorawan/`` and the paths ``tts-uplink``, ``tts-join``,
  ``tts-location`` and ``tts-service-data``; the shared secret goes in an "additional
  header" :data:`AUTH_HEADER`. Their MQTT twins are ``v3/{app}@{tenant}/devices/+/up``,
  ``…/join``, ``…/location/solved`` and ``…/service/data`` (``{app}`` and ``{tenant}`` from
  the gateway config; TTN's tenant is ``ttn``).
* ChirpStack's HTTP integration (event endpoint ``https://{gateway}/ingest/lorawan/chirpstack``,
  the event type in ``?event=``, JSON or protobuf bodies, the secret as an integration
  header) and its MQTT integration ``application/{application_id}/device/+/event/+``.

The idempotency keys are the messages' own ids, so a redelivery (a webhook retried, an MQTT
QoS 1 duplicate, the same uplink over webhook and MQTT) is stored once: :func:`tts_key` and
:func:`chirpstack_key`. They never raise: a body they cannot read gets None (the gateway
then keys it by content) and is refused by the codec.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from interop.errors import InteropError
from interop.ingress import Ingress
from interop_lorawan.chirpstack_protobuf import PROTOBUF_MEDIA_TYPES, event_ids, is_protobuf
from interop_lorawan.envelopes import MAX_ENVELOPE_BYTES, parse_time, parse_topic

__all__ = ["AUTH_HEADER", "chirpstack_key", "ingresses", "tts_key"]

AUTH_HEADER = "X-Interop-Token"
"""The header TTS ("additional headers") and ChirpStack (integration headers) send the secret in."""

CODEC = "lorawan-uplink"

_TTS_EVENTS = (
    ("uplink_message", "up"), ("join_accept", "join"), ("location_solved", "location_solved"),
    ("service_data", "service_data"), ("uplink_normalized", "uplink_normalized"),
    ("downlink_ack", "downlink_ack"), ("downlink_nack", "downlink_nack"),
    ("downlink_sent", "downlink_sent"), ("downlink_failed", "downlink_failed"),
    ("downlink_queued", "downlink_queued"),
    ("downlink_queue_invalidated", "downlink_queue_invalidated"),
)  # fmt: skip
"""TTS application-up message kinds: the body's key -> the event name in keys."""

_TTS_ID_PREFIXES = ("as:up:", "ns:uplink:", "gs:uplink:")
"""Correlation ids naming one message, best first: the Application Server's id of the
message, else the Network Server's and Gateway Server's ids of the uplink it came from."""

_CS_ID_FIELDS: Mapping[str, tuple[str, ...]] = {
    "up": ("deduplicationId",),
    "join": ("deduplicationId",),
    "status": ("deduplicationId",),
    "location": ("deduplicationId",),
    "ack": ("deduplicationId", "queueItemId"),
    "txack": ("downlinkId", "queueItemId", "time"),
    "log": ("time", "code", "level", "description"),
    "integration": ("time", "integrationName", "eventType"),
}
"""The fields of each ChirpStack event that identify it: its deduplication id (one per
received frame, shared by the frame's ``up`` and ``status`` events, hence the event in the
key), or the downlink id, or for events without an id their own time and content."""

_MAX_ID = 128


_SAMPLES = Path(__file__).resolve().parent / "samples"
"""The bundled envelopes: ``tts-v3.jsonl`` and ``chirpstack-v4.jsonl``, posted to their
webhooks by ``interop demo``."""


def ingresses() -> list[Ingress]:
    """The plugin's webhook routes and MQTT topics, in the order the gateway mounts them."""
    tts_hints = {"network": "ttn-v3"}
    tts = [
        ("tts-uplink", "uplink messages (`uplink_message`)", "up"),
        ("tts-join", "join accepts (`join_accept`)", "join"),
        ("tts-location", "solved locations (`location_solved`)", "location/solved"),
        ("tts-service-data", "service data (`service_data`)", "service/data"),
    ]
    found = [
        Ingress(
            name=name,
            description=f"The Things Stack v3 webhook and MQTT: {what}.",
            adapter=CODEC,
            hints=tts_hints,
            mqtt_topics=(f"v3/{{app}}[@{{tenant}}]/devices/+/{topic}",),
            key=tts_key,
            auth_header=AUTH_HEADER,
            samples=_SAMPLES / "tts-v3.jsonl" if name == "tts-uplink" else None,
        )
        for name, what, topic in tts
    ]
    found.append(
        Ingress(
            name="chirpstack",
            description="ChirpStack v4 HTTP integration (?event=up|join|status|ack|txack|log|"
            "location|integration; JSON or protobuf) and MQTT integration events.",
            adapter=CODEC,
            hints={"network": "chirpstack-v4"},
            query_hints=("event",),
            header_hints={"Content-Type": "content_type"},
            mqtt_topics=("application/{application_id}/device/+/event/+",),
            media_types=("application/json", *sorted(PROTOBUF_MEDIA_TYPES)),
            key=chirpstack_key,
            auth_header=AUTH_HEADER,
            samples=_SAMPLES / "chirpstack-v4.jsonl",
        )
    )
    return found


def _bounded(text: str) -> str:
    """``text`` if short and printable, else its SHA-256 (keys stay small and loggable)."""
    if len(text) <= _MAX_ID and text.isprintable():
        return text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _json_object(body: bytes) -> dict[str, Any] | None:
    if len(body) > MAX_ENVELOPE_BYTES:
        return None
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None


def _text(doc: Mapping[str, Any], key: str) -> str | None:
    value = doc.get(key)
    return value if isinstance(value, str) and value else None


def _instant(value: object) -> str | None:
    """An RFC 3339 time in one form (UTC, microseconds), whatever form it came in."""
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value).isoformat()
    except (ValueError, OverflowError):
        return None


def tts_key(body: bytes, hints: Mapping[str, str]) -> str | None:
    """``ttn-v3:{event}:{id}`` of a TTS v3 message from its own correlation ids.

    The id is the first of ``as:up:``, ``ns:uplink:``, ``gs:uplink:`` ids present (the
    smallest when several), else the device ids with the receive time and frame counter.
    None when the body is not a TTS message.
    """
    doc = _json_object(body)
    if doc is None:
        return None
    ids = doc.get("end_device_ids")
    if not isinstance(ids, dict):
        return None
    event = next((name for key, name in _TTS_EVENTS if isinstance(doc.get(key), dict)), None)
    if event is None:
        return None
    correlation = doc.get("correlation_ids")
    if isinstance(correlation, list):
        texts = [item for item in correlation if isinstance(item, str)]
        for prefix in _TTS_ID_PREFIXES:
            chosen = sorted(item for item in texts if item.startswith(prefix))
            if chosen:
                return f"ttn-v3:{event}:{_bounded(chosen[0])}"
    application = ids.get("application_ids")
    app = _text(application, "application_id") if isinstance(application, dict) else None
    device = _text(ids, "device_id")
    message = doc[next(key for key, name in _TTS_EVENTS if name == event)]
    at = _instant(doc.get("received_at")) or _instant(message.get("received_at"))
    if app is None or device is None or at is None:
        return None
    f_cnt = message.get("f_cnt")
    frame = str(f_cnt) if isinstance(f_cnt, int) and not isinstance(f_cnt, bool) else "-"
    return f"ttn-v3:{event}:{_bounded(f'{app}/{device}/{at}/{frame}')}"


def _cs_event(hints: Mapping[str, str]) -> str | None:
    """The ChirpStack event type: the HTTP integration's ``event``, else the MQTT topic's."""
    topic = hints.get("topic")
    parsed = parse_topic(topic) if topic else None
    if parsed is not None and parsed.network == "chirpstack-v4":
        event: str | None = parsed.event
    else:
        event = hints.get("event")
    return event if event in _CS_ID_FIELDS else None


def _json_ids(body: bytes, fields: tuple[str, ...]) -> tuple[str | None, dict[str, str | int]]:
    """DevEUI and the identifying ``fields`` of a ChirpStack JSON event (times normalised)."""
    doc = _json_object(body)
    info = doc.get("deviceInfo") if doc is not None else None
    if doc is None or not isinstance(info, dict):
        return None, {}
    values: dict[str, str | int] = {}
    for field in fields:
        value = _instant(doc.get(field)) if field == "time" else doc.get(field)
        if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
            values[field] = value
    return _text(info, "devEui"), values


def chirpstack_key(body: bytes, hints: Mapping[str, str]) -> str | None:
    """``chirpstack-v4:{event}:{devEui}:{id}`` of a ChirpStack v4 event (JSON or protobuf).

    The id is the event's ``deduplicationId`` (uplinks, joins, status, location, acks), its
    downlink id (txack) or its time and content (log, integration). None when the event
    type is not given (an ``up`` and a ``status`` share a deduplication id) or the body is
    not a ChirpStack event.
    """
    event = _cs_event(hints)
    if event is None or len(body) > MAX_ENVELOPE_BYTES:
        return None
    fields = _CS_ID_FIELDS[event]
    if is_protobuf(body, hints.get("content_type")):
        try:
            dev_eui, values = event_ids(body, event, fields, "chirpstack key")
        except InteropError:
            return None
    else:
        dev_eui, values = _json_ids(body, fields)
    parts = [f"{field}={values[field]}" for field in fields if field in values]
    if dev_eui is None or not parts:
        return None
    return f"chirpstack-v4:{event}:{_bounded(dev_eui.lower())}:{_bounded('|'.join(parts))}"
