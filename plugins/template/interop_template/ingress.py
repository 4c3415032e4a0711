"""How template sensors push to a running gateway: a webhook and an MQTT topic.

``interop serve`` mounts ``POST /ingest/template/sensors`` and, when the gateway config
names a broker, subscribes to ``sensors/{site}/+`` (``site`` comes from the config). A
message's idempotency key is its device and time, which identify a reading set in this
format, so a sensor that sends the same message twice is stored once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import orjson

from interop.ingress import Ingress

__all__ = ["INGRESSES", "sensor_message_key"]


def sensor_message_key(body: bytes, hints: Mapping[str, str]) -> str | None:
    """``device/time`` of a template message, or None when the body is not one (hashed)."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, dict):
        return None
    device, time = document.get("device"), document.get("time")
    if isinstance(device, str) and isinstance(time, str) and device and time:
        return f"{device}/{time}"
    return None


INGRESSES = (
    Ingress(
        name="sensors",
        description="Template sensor JSON messages, one per device and instant.",
        adapter=None,
        mqtt_topics=("sensors/{site}/+",),
        media_types=("application/json", "application/vnd.interop-template+json"),
        key=sensor_message_key,
        samples=Path(__file__).resolve().parent / "samples",
    ),
)
"""The template plugin's ingress points (one webhook, one MQTT topic filter)."""
