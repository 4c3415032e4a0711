"""What a plugin lets the gateway receive: webhook routes and MQTT topics (``interop_ingress``).

The gateway knows no vendor. A plugin describes each way its systems push data (The Things
Stack's webhooks and MQTT topics, ChirpStack's HTTP integration, ...) as an
:class:`Ingress`; the gateway mounts ``POST /ingest/{plugin}/{name}`` for it, subscribes to
its topics when an MQTT broker is configured, authenticates, and hands every message to the
pipeline with the plugin's codec. A leaf module: it imports nothing of the project.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Ingress", "KeyFunction"]

KeyFunction = Callable[[bytes, Mapping[str, str]], str | None]
"""``(body, hints) -> idempotency key``: the message's own id (a correlation or
deduplication id) so that a redelivery is stored once; None falls back to a content hash."""


@dataclass(frozen=True, slots=True)
class Ingress:
    """One way a vendor system pushes messages to interop.

    ``name`` is unique within the plugin and names the webhook path
    (``/ingest/{plugin}/{name}``) and the gateway config entry. ``adapter`` is the plugin's
    Codec that decodes the messages (None: its only codec); ``hints`` are decode hints for
    it. The request's query parameters listed in ``query_hints`` and the headers in
    ``header_hints`` (header name -> hint name) become hints too, and an MQTT message's
    topic becomes the hint ``topic``. ``mqtt_topics`` are topic filters with ``{name}``
    placeholders that the gateway config fills; a part in square brackets is optional,
    dropped when the config does not give its placeholders (``v3/{app}[@{tenant}]/devices/+/up``
    is ``v3/city@ttn/devices/+/up`` on a multi-tenant The Things Stack, ``v3/city/devices/+/up``
    on a single-tenant one).
    ``media_types`` are the content types the webhook accepts (anything else is 415).
    """

    name: str
    description: str
    adapter: str | None = None
    hints: Mapping[str, str] = field(default_factory=dict)
    query_hints: tuple[str, ...] = ()
    header_hints: Mapping[str, str] = field(default_factory=dict)
    mqtt_topics: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ("application/json",)
    key: KeyFunction | None = None
    auth_header: str | None = None
    """A header the vendor system can be told to send with a shared secret (The Things
    Stack's webhook "additional headers"); the gateway also accepts ``Authorization: Bearer``."""
    samples: Path | None = None
    """Example messages as this ingress receives them (a folder of files, or a ``.jsonl``
    file of one message per line), posted by ``interop demo`` to a running gateway."""
    sample_hints: Mapping[str, str] = field(default_factory=dict)
    """Query parameters to post the samples with (e.g. ``{"event": "up"}``)."""
