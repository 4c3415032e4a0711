"""Network-server envelopes, both directions: The Things Stack v3 and ChirpStack v4.

Uplink side: :func:`parse_envelope` reads one JSON message (a webhook body or an MQTT
payload) into an :class:`Envelope`, the network-neutral view the uplink codec works on.

* The Things Stack v3 (``ttn-v3``): ``end_device_ids`` + ``uplink_message`` (MQTT
  ``v3/{app}@{tenant}/devices/{dev}/up``) or ``join_accept`` (``…/join``); other events
  (``downlink_ack``, ``downlink_queued``, ``service_data``, ...) carry no readings and are
  recognised as such.
* ChirpStack v4 (``chirpstack-v4``): ``deviceInfo`` + frame fields (MQTT
  ``application/{id}/device/{devEui}/event/{up|join|status|...}``). The event type is taken
  from the MQTT topic when the caller passes it (hint ``topic``), else recognised from the
  fields (``batteryLevel``/``margin`` -> status, ``fPort``/``data``/``rxInfo`` -> up, ...).

Downlink side: :func:`tts_downlink` and :func:`chirpstack_enqueue` write the JSON bodies the
servers accept (TTS ``down/push``/``down/replace``; ChirpStack REST enqueue and MQTT
``command/down``). Every failure is a :class:`~interop.errors.DecodeError` naming the device
(when known), the field path and what was expected.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

import orjson

from interop.errors import DecodeError, EncodeError
from interop_lorawan.chirpstack_protobuf import event_document, is_protobuf
from interop_lorawan.payload import Downlink

__all__ = [
    "MAX_ENVELOPE_BYTES",
    "MAX_FRM_PAYLOAD",
    "TTS_PRIORITIES",
    "Envelope",
    "Network",
    "RadioReading",
    "Topic",
    "chirpstack_enqueue",
    "chirpstack_mqtt_down",
    "parse_envelope",
    "parse_time",
    "parse_topic",
    "tts_downlink",
]

Network = Literal["ttn-v3", "chirpstack-v4", "raw"]
"""``raw``: a bare FRMPayload with no network-server envelope (``interop decode``)."""
MAX_ENVELOPE_BYTES = 256 * 1024
"""Largest envelope accepted; real ones are a few kilobytes."""
MAX_FRM_PAYLOAD = 242
"""Largest LoRaWAN application payload (FRMPayload) at any data rate, in bytes."""
TTS_PRIORITIES = ("LOWEST", "LOW", "BELOW_NORMAL", "NORMAL", "ABOVE_NORMAL", "HIGH", "HIGHEST")
"""Downlink priorities The Things Stack accepts."""

_TTS_DATALESS = (
    "downlink_ack", "downlink_nack", "downlink_sent", "downlink_failed", "downlink_queued",
    "downlink_queue_invalidated", "service_data", "location_solved", "uplink_normalized",
)  # fmt: skip
_CS_EVENTS = ("up", "join", "status", "ack", "txack", "log", "location", "integration")
_EUI = re.compile(r"^[0-9a-fA-F]{16}$")
_EUIS: dict[str, str] = {}
"""DevEUIs the fast reader has matched, lowercased (bounded)."""
_FRACTION = re.compile(r"(\.\d{6})\d+")
_TTS_TOPIC = re.compile(r"^v3/([^/@]+)(?:@([^/]+))?/devices/([^/]+)/(.+)$")
_CS_TOPIC = re.compile(r"^application/([^/]+)/device/([0-9a-fA-F]{16})/event/([a-z]+)$")
_TTS_TOPIC_EVENTS = {"up": "up", "join": "join"}


class RadioReading(NamedTuple):
    """What one gateway heard: its id, RSSI (dBm) and SNR (dB)."""

    gateway_id: str | None
    rssi: float | None
    snr: float | None


class Envelope(NamedTuple):
    """One network-server message, network-neutral (immutable).

    ``event`` is ``up``, ``join``, ``status`` or the name of an event that carries no
    readings (``downlink_ack``, ``txack``, ...). A named tuple: one is made per message on
    the gateway's hot path, and a tuple is built in C.
    """

    network: Network
    event: str
    device_id: str | None
    dev_eui: str | None
    application_id: str | None
    device_profile: str | None = None
    vendor: str | None = None
    model: str | None = None
    firmware_version: str | None = None
    f_port: int | None = None
    f_cnt: int | None = None
    payload: bytes = b""
    decoded: dict[str, Any] | None = None
    received_at: datetime | None = None
    radio: tuple[RadioReading, ...] = ()
    battery_level: float | None = None
    external_power: bool | None = None
    margin: int | None = None
    message_id: str | None = None

    @property
    def device_key(self) -> str:
        """The device's stable key: DevEUI (lowercase), else ``{application}/{device id}``.

        A bare payload (no application) is keyed by its device id alone.
        """
        if self.dev_eui:
            return self.dev_eui
        if self.network == "raw" and self.device_id:
            return self.device_id
        return f"{self.application_id or '-'}/{self.device_id or '-'}"

    @property
    def label(self) -> str:
        """How error messages name the device."""
        return f"{self.network} device {self.device_id or self.dev_eui or '?'}"


@dataclass(frozen=True, slots=True)
class Topic:
    """What an MQTT topic says: network, application, device and event."""

    network: Network
    application_id: str
    device: str
    event: str


def parse_topic(topic: str) -> Topic | None:
    """Read an MQTT topic of TTS v3 or ChirpStack v4; None for any other topic.

    TTS ``v3/{app}@{tenant}/devices/{dev}/up`` or ChirpStack
    ``application/{id}/device/{devEui}/event/up`` topic; None for any other topic.
    """
    match = _TTS_TOPIC.match(topic)
    if match:
        app, _tenant, device, rest = match.groups()
        return Topic("ttn-v3", app, device, rest.replace("/", "_"))
    match = _CS_TOPIC.match(topic)
    if match:
        app, dev_eui, event = match.groups()
        return Topic("chirpstack-v4", app, dev_eui.lower(), event)
    return None


class _Reader:
    """Typed access to a JSON object with errors that name the device and field path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str, field: str | None, expected: str) -> DecodeError:
        return DecodeError(message, source=self.source, field=field, expected=expected)

    def obj(
        self, doc: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> dict[str, Any]:
        value = doc.get(key)
        if value is None:
            if required:
                raise self.fail("is missing", path, "an object")
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"is a {type(value).__name__}", path, "an object")
        return value

    def text(
        self, doc: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> str | None:
        value = doc.get(key)
        if value is None or value == "":
            if required:
                raise self.fail("is missing", path, "a non-empty string")
            return None
        if not isinstance(value, str):
            raise self.fail(f"{value!r} is not a string", path, "a string")
        return value

    def integer(
        self, doc: Mapping[str, Any], key: str, path: str, low: int, high: int
    ) -> int | None:
        value = doc.get(key)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # ChirpStack's protobuf JSON may give integers as doubles
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(f"{value!r} is out of range", path, f"an integer {low}..{high}")
        return value

    def number(self, doc: Mapping[str, Any], key: str, path: str) -> float | None:
        value = doc.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{value!r} is not a number", path, "a JSON number")
        return float(value)

    def boolean(self, doc: Mapping[str, Any], key: str, path: str) -> bool | None:
        value = doc.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.fail(f"{value!r} is not a boolean", path, "true or false")
        return value

    def dev_eui(self, doc: Mapping[str, Any], key: str, path: str) -> str | None:
        value = self.text(doc, key, path)
        if value is None:
            return None
        if not _EUI.match(value):
            raise self.fail(f"{value!r} is not a DevEUI", path, "16 hexadecimal digits")
        return value.lower()

    def payload(self, doc: Mapping[str, Any], key: str, path: str) -> bytes:
        value = self.text(doc, key, path)
        if value is None:
            return b""
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self.fail(f"{value[:40]!r} is not base64: {exc}", path, "base64 bytes") from exc
        if len(data) > MAX_FRM_PAYLOAD:
            raise self.fail(
                f"{len(data)} bytes", path, f"at most {MAX_FRM_PAYLOAD} bytes (LoRaWAN FRMPayload)"
            )
        return data

    def time(self, doc: Mapping[str, Any], key: str, path: str) -> datetime | None:
        value = self.text(doc, key, path)
        if value is None:
            return None
        try:
            return parse_time(value)
        except ValueError as exc:
            raise self.fail(f"{value!r}: {exc}", path, "an RFC 3339 time with a zone") from exc

    def decoded(self, doc: Mapping[str, Any], key: str, path: str) -> dict[str, Any] | None:
        value = doc.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(f"is a {type(value).__name__}", path, "a decoded object")
        return value

    def listing(self, doc: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"is a {type(value).__name__}", path, "a list")
        return value


def parse_time(text: str) -> datetime:
    """An RFC 3339 instant (nanoseconds allowed, truncated to microseconds) in UTC."""
    try:
        instant = datetime.fromisoformat(text)  # the common form, read in C
    except ValueError:
        cleaned = _FRACTION.sub(r"\1", text.strip())
        if cleaned.endswith(("Z", "z")):
            cleaned = cleaned[:-1] + "+00:00"
        instant = datetime.fromisoformat(cleaned)
    if instant.tzinfo is UTC:
        return instant
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("no time zone")
    try:
        return instant.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(str(exc)) from exc


def parse_envelope(
    raw: bytes,
    *,
    source: str = "lorawan",
    network: str | None = None,
    topic: str | None = None,
    event: str | None = None,
    content_type: str | None = None,
) -> Envelope:
    """Parse one TTS v3 or ChirpStack v4 message (JSON; ChirpStack also protobuf).

    ``network`` or ``topic`` may force the dialect and event; ``event`` names a ChirpStack
    event (the HTTP integration's ``?event=``) and ``content_type`` the body's media type
    (protobuf bodies: :mod:`interop_lorawan.chirpstack_protobuf`). Raises
    :class:`DecodeError` for anything else.
    """
    if len(raw) > MAX_ENVELOPE_BYTES:
        raise DecodeError(
            "envelope too large",
            source=_where(source, raw),
            expected=f"at most {MAX_ENVELOPE_BYTES} bytes",
        )
    parsed_topic = parse_topic(topic) if topic else None
    dialect = network or (parsed_topic.network if parsed_topic else None)
    event = (parsed_topic.event if parsed_topic else None) or event
    if dialect == "chirpstack-v4" and is_protobuf(raw, content_type):
        doc = event_document(raw, event, _where(source, raw))
    else:
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise DecodeError(
                f"not JSON: {exc}", source=_where(source, raw), expected="a UTF-8 JSON object"
            ) from exc
    if not isinstance(doc, dict):
        raise DecodeError(
            f"top level is a {type(doc).__name__}",
            source=_where(source, raw),
            expected="a JSON object",
        )
    if dialect is None:
        if "end_device_ids" in doc:
            dialect = "ttn-v3"
        elif "deviceInfo" in doc:
            dialect = "chirpstack-v4"
        else:
            raise DecodeError(
                "neither a The Things Stack nor a ChirpStack message", source=_where(source, raw),
                expected="an object with 'end_device_ids' (TTS v3) or 'deviceInfo' "
                "(ChirpStack v4)",
            )  # fmt: skip
    if dialect == "ttn-v3":
        return _tts_uplink_fast(doc) or _parse_tts(doc, _where(source, raw))
    if dialect == "chirpstack-v4":
        return _parse_chirpstack(doc, _where(source, raw), event)
    raise DecodeError(
        f"unknown network {dialect!r}", source=_where(source, raw), field="network",
        expected="ttn-v3 or chirpstack-v4",
    )  # fmt: skip


def _where(source: str, raw: bytes) -> str:
    """How errors name a message: its source and size (made only when needed)."""
    return f"{source} ({len(raw)} bytes)"


UNIDENTIFIED_DEVICE = "unidentified"
"""Device id of a bare payload given with no DevEUI or device id (say which with hints)."""


def bare_payload(raw: bytes, hints: Mapping[str, str], source: str) -> Envelope:
    """An uplink of a bare FRMPayload (no server envelope), described by decode hints.

    Hints: ``f_port`` (default 1; the uplink codec refuses the default for a codec that
    reads the port), ``dev_eui`` and ``device`` (device id). With neither, the device is the
    placeholder :data:`UNIDENTIFIED_DEVICE` (``urn:interop:device:lorawan:unidentified``).
    """
    where = f"{source} ({len(raw)} bytes)"
    if not 0 < len(raw) <= MAX_FRM_PAYLOAD:
        raise DecodeError(
            f"{len(raw)}-byte payload", source=where, field="payload",
            expected=f"1 to {MAX_FRM_PAYLOAD} bytes",
        )  # fmt: skip
    f_port_text = hints.get("f_port", "1")
    if not f_port_text.isdigit() or not 1 <= int(f_port_text) <= 223:
        raise DecodeError(f"FPort {f_port_text!r}", source=where, field="f_port", expected="1..223")
    dev_eui = hints.get("dev_eui")
    if dev_eui is not None and not _EUI.match(dev_eui):
        raise DecodeError(
            f"DevEUI {dev_eui!r}", source=where, field="dev_eui", expected="16 hex digits"
        )
    return Envelope(
        network="raw",
        event="up",
        device_id=hints.get("device") or (None if dev_eui else UNIDENTIFIED_DEVICE),
        dev_eui=dev_eui.lower() if dev_eui else None,
        application_id=None,
        f_port=int(f_port_text),
        payload=raw,
    )


def _text_or_none(value: Any) -> str | bool | None:
    """A text field as :meth:`_Reader.text` reads it; False when that would raise."""
    if value is None or value == "":
        return None
    return value if type(value) is str else False


_tuple_new = tuple.__new__


def _tts_uplink_fast(doc: dict[str, Any]) -> Envelope | None:
    """:func:`_parse_tts` of a well-formed TTS uplink, read without error paths.

    The gateway's hot path. Every check :func:`_parse_tts` makes is made here too; at the
    first value that would fail one (or any unusual shape) this returns None and
    :func:`_parse_tts` reads the message again, so that it raises its precise error. Equal
    envelopes either way (``tests/test_uplink_records.py`` compares both).
    """
    up = doc.get("uplink_message")
    ids = doc.get("end_device_ids")
    if type(up) is not dict or type(ids) is not dict:
        return None
    device_id = ids.get("device_id")
    app = ids.get("application_ids")
    if type(device_id) is not str or not device_id or type(app) is not dict:
        return None
    application_id = app.get("application_id")
    if type(application_id) is not str or not application_id:
        return None
    dev_eui = ids.get("dev_eui")
    if dev_eui is not None and dev_eui != "":
        if type(dev_eui) is not str:
            return None
        lower = _EUIS.get(dev_eui)  # devices repeat: each DevEUI is matched once
        if lower is None:
            if not _EUI.match(dev_eui):
                return None
            if len(_EUIS) >= 100_000:
                _EUIS.clear()
            lower = _EUIS[dev_eui] = dev_eui.lower()
        dev_eui = lower
    else:
        dev_eui = None
    correlation = doc.get("correlation_ids")
    if correlation is None:
        first = None
    elif type(correlation) is list:
        first = correlation[0] if correlation and type(correlation[0]) is str else None
    else:
        return None
    versions = up.get("version_ids")
    if versions is None:
        brand = model = firmware = None
    elif type(versions) is dict:
        brand = _text_or_none(versions.get("brand_id"))
        model = _text_or_none(versions.get("model_id"))
        firmware = _text_or_none(versions.get("firmware_version"))
        if brand is False or model is False or firmware is False:
            return None
    else:
        return None
    items = up.get("rx_metadata")
    radio: list[RadioReading] = []
    if items is not None:
        if type(items) is not list:
            return None
        for item in items:
            if type(item) is not dict:
                return None
            gateway = item.get("gateway_ids")
            if gateway is None:
                gateway_id = None
            elif type(gateway) is dict:  # as _text_or_none reads it
                gateway_id = gateway.get("gateway_id")
                if gateway_id == "":
                    gateway_id = None
                elif gateway_id is not None and type(gateway_id) is not str:
                    return None
            else:
                return None
            rssi, snr = item.get("rssi"), item.get("snr")
            if type(rssi) is int or type(rssi) is float:  # as _Reader.number reads them
                rssi = float(rssi)
            elif rssi is not None:
                return None
            if type(snr) is int or type(snr) is float:
                snr = float(snr)
            elif snr is not None:
                return None
            radio.append(_tuple_new(RadioReading, (gateway_id, rssi, snr)))
    f_port = up.get("f_port")
    if f_port is not None and (type(f_port) is not int or not 0 <= f_port <= 255):
        return None
    f_cnt = up.get("f_cnt")
    if f_cnt is not None and (type(f_cnt) is not int or not 0 <= f_cnt <= 0xFFFFFFFF):
        return None
    encoded = up.get("frm_payload")
    if encoded is None or encoded == "":
        payload = b""
    elif type(encoded) is str:
        try:
            payload = binascii.a2b_base64(encoded, strict_mode=True)
        except (binascii.Error, ValueError):
            return None
        if len(payload) > MAX_FRM_PAYLOAD:
            return None
    else:
        return None
    decoded = up.get("decoded_payload")
    if decoded is not None and type(decoded) is not dict:
        return None
    stamp = up.get("received_at")
    if stamp is None or stamp == "":
        stamp = doc.get("received_at")
    received_at = None
    if stamp is not None and stamp != "":
        if type(stamp) is not str:
            return None
        try:
            received_at = parse_time(stamp)
        except ValueError:
            return None
    return _tuple_new(Envelope, (  # Envelope(...) built in C: every field given, in order
        "ttn-v3", "up", device_id, dev_eui, application_id,
        f"{brand}/{model}" if brand and model else None, brand, model, firmware,
        f_port, f_cnt, payload, decoded, received_at, tuple(radio), None, None, None, first,
    ))  # fmt: skip


def _parse_tts(doc: dict[str, Any], where: str) -> Envelope:
    r = _Reader(where)
    ids = r.obj(doc, "end_device_ids", "end_device_ids", required=True)
    device_id = r.text(ids, "device_id", "end_device_ids.device_id", required=True)
    r.source = f"{where}: ttn-v3 device {device_id}"
    app = r.obj(ids, "application_ids", "end_device_ids.application_ids", required=True)
    common: dict[str, Any] = {
        "network": "ttn-v3",
        "device_id": device_id,
        "dev_eui": r.dev_eui(ids, "dev_eui", "end_device_ids.dev_eui"),
        "application_id": r.text(
            app, "application_id", "end_device_ids.application_ids.application_id", required=True
        ),
    }
    correlation = r.listing(doc, "correlation_ids", "correlation_ids")
    first = correlation[0] if correlation and isinstance(correlation[0], str) else None
    if "uplink_message" in doc:
        up = r.obj(doc, "uplink_message", "uplink_message", required=True)
        p = "uplink_message."
        versions = r.obj(up, "version_ids", p + "version_ids")
        radio = []
        for index, item in enumerate(r.listing(up, "rx_metadata", p + "rx_metadata")):
            at = f"{p}rx_metadata[{index}]"
            if not isinstance(item, dict):
                raise r.fail(f"is a {type(item).__name__}", at, "an object")
            gateway = r.obj(item, "gateway_ids", at + ".gateway_ids")
            radio.append(
                RadioReading(
                    r.text(gateway, "gateway_id", at + ".gateway_ids.gateway_id"),
                    r.number(item, "rssi", at + ".rssi"),
                    r.number(item, "snr", at + ".snr"),
                )
            )
        brand = r.text(versions, "brand_id", p + "version_ids.brand_id")
        model = r.text(versions, "model_id", p + "version_ids.model_id")
        return Envelope(
            event="up",
            device_profile=f"{brand}/{model}" if brand and model else None,
            vendor=brand,
            model=model,
            firmware_version=r.text(
                versions, "firmware_version", p + "version_ids.firmware_version"
            ),
            f_port=r.integer(up, "f_port", p + "f_port", 0, 255),
            f_cnt=r.integer(up, "f_cnt", p + "f_cnt", 0, 2**32 - 1),
            payload=r.payload(up, "frm_payload", p + "frm_payload"),
            decoded=r.decoded(up, "decoded_payload", p + "decoded_payload"),
            received_at=r.time(up, "received_at", p + "received_at")
            or r.time(doc, "received_at", "received_at"),
            radio=tuple(radio),
            message_id=first,
            **common,
        )
    if "join_accept" in doc:
        join = r.obj(doc, "join_accept", "join_accept", required=True)
        return Envelope(
            event="join",
            received_at=r.time(join, "received_at", "join_accept.received_at")
            or r.time(doc, "received_at", "received_at"),
            message_id=first,
            **common,
        )
    for name in _TTS_DATALESS:
        if name in doc:
            received_at = r.time(doc, "received_at", "received_at")
            return Envelope(event=name, received_at=received_at, message_id=first, **common)
    raise r.fail(
        "carries no event this plugin knows", "uplink_message",
        "an uplink_message, join_accept or a downlink/service event",
    )  # fmt: skip


def _cs_event(doc: Mapping[str, Any]) -> str:
    if "batteryLevel" in doc or "margin" in doc or "externalPowerSource" in doc:
        return "status"
    if "acknowledged" in doc:
        return "ack"
    if "downlinkId" in doc or "queueItemId" in doc:
        return "txack"
    if "level" in doc and "code" in doc:
        return "log"
    if "location" in doc and "rxInfo" not in doc:
        return "location"
    if any(k in doc for k in ("fPort", "data", "object", "rxInfo", "fCnt")):
        return "up"
    if "devAddr" in doc:
        return "join"
    return "up"


def _parse_chirpstack(doc: dict[str, Any], where: str, event: str | None) -> Envelope:
    r = _Reader(where)
    info = r.obj(doc, "deviceInfo", "deviceInfo", required=True)
    dev_eui = r.dev_eui(info, "devEui", "deviceInfo.devEui")
    if dev_eui is None:
        raise r.fail("is missing", "deviceInfo.devEui", "16 hexadecimal digits")
    name = r.text(info, "deviceName", "deviceInfo.deviceName")
    r.source = f"{where}: chirpstack-v4 device {name or dev_eui}"
    event = event or _cs_event(doc)
    if event not in _CS_EVENTS:
        raise r.fail(f"unknown event {event!r}", "event", f"one of {', '.join(_CS_EVENTS)}")
    common: dict[str, Any] = {
        "network": "chirpstack-v4",
        "event": event,
        "device_id": name,
        "dev_eui": dev_eui,
        "application_id": r.text(info, "applicationId", "deviceInfo.applicationId"),
        "device_profile": r.text(info, "deviceProfileName", "deviceInfo.deviceProfileName"),
        "received_at": r.time(doc, "time", "time"),
        "message_id": r.text(doc, "deduplicationId", "deduplicationId"),
    }
    if event == "up":
        radio = []
        for index, item in enumerate(r.listing(doc, "rxInfo", "rxInfo")):
            at = f"rxInfo[{index}]"
            if not isinstance(item, dict):
                raise r.fail(f"is a {type(item).__name__}", at, "an object")
            radio.append(
                RadioReading(
                    r.text(item, "gatewayId", at + ".gatewayId"),
                    r.number(item, "rssi", at + ".rssi"),
                    r.number(item, "snr", at + ".snr"),
                )
            )
        return Envelope(
            f_port=r.integer(doc, "fPort", "fPort", 0, 255),
            f_cnt=r.integer(doc, "fCnt", "fCnt", 0, 2**32 - 1),
            payload=r.payload(doc, "data", "data"),
            decoded=r.decoded(doc, "object", "object"),
            radio=tuple(radio),
            **common,
        )
    if event == "status":
        level = r.number(doc, "batteryLevel", "batteryLevel")
        if level is not None and not 0 <= level <= 100:
            raise r.fail(f"{level!r} is out of range", "batteryLevel", "a percentage 0..100")
        unavailable = r.boolean(doc, "batteryLevelUnavailable", "batteryLevelUnavailable")
        return Envelope(
            battery_level=None if unavailable else level,
            external_power=r.boolean(doc, "externalPowerSource", "externalPowerSource"),
            margin=r.integer(doc, "margin", "margin", -128, 127),
            **common,
        )
    return Envelope(**common)


# downlinks ---------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def tts_downlink(
    downlink: Downlink,
    *,
    priority: str = "NORMAL",
    confirmed: bool = False,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """The Things Stack ``down/push`` / ``down/replace`` body for one downlink."""
    if downlink.f_port is None or not 1 <= downlink.f_port <= 223:
        raise EncodeError(
            f"FPort {downlink.f_port!r}", source="ttn-v3", field="f_port", expected="1..223"
        )
    if priority not in TTS_PRIORITIES:
        raise EncodeError(
            f"priority {priority!r}", source="ttn-v3", field="priority",
            expected=", ".join(TTS_PRIORITIES),
        )  # fmt: skip
    item: dict[str, Any] = {
        "f_port": downlink.f_port,
        "frm_payload": _b64(downlink.data),
        "priority": priority,
    }
    if confirmed:
        item["confirmed"] = True
    if correlation_id:
        item["correlation_ids"] = [correlation_id]
    return {"downlinks": [item]}


def _check_cs(downlink: Downlink, dev_eui: str) -> None:
    if not _EUI.match(dev_eui):
        raise EncodeError(
            f"{dev_eui!r} is not a DevEUI", source="chirpstack-v4", field="devEui",
            expected="16 hexadecimal digits",
        )  # fmt: skip
    if downlink.f_port is None or not 1 <= downlink.f_port <= 223:
        raise EncodeError(
            f"FPort {downlink.f_port!r}", source="chirpstack-v4", field="fPort",
            expected="1..223",
        )  # fmt: skip


def chirpstack_enqueue(
    downlink: Downlink, *, dev_eui: str, confirmed: bool = False
) -> dict[str, Any]:
    """ChirpStack v4 REST ``POST /api/devices/{devEui}/queue`` body."""
    _check_cs(downlink, dev_eui)
    return {
        "queueItem": {
            "devEui": dev_eui.lower(),
            "confirmed": confirmed,
            "fPort": downlink.f_port,
            "data": _b64(downlink.data),
        }
    }


def chirpstack_mqtt_down(
    downlink: Downlink, *, dev_eui: str, confirmed: bool = False
) -> dict[str, Any]:
    """ChirpStack v4 MQTT ``application/{id}/device/{devEui}/command/down`` body."""
    _check_cs(downlink, dev_eui)
    return {
        "devEui": dev_eui.lower(),
        "confirmed": confirmed,
        "fPort": downlink.f_port,
        "data": _b64(downlink.data),
    }
