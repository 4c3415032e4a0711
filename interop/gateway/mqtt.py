"""MQTT ingestion: subscribe at QoS 1, acknowledge (PUBACK) only after the durable commit.

One task per configured ingress. The client runs with manual acknowledgement: each message
is committed to the store's inbox first, then acknowledged, so a gateway killed in between
gets the message again from the broker (and stores it once: same key). Sessions persist
(MQTT v5, ``clean_start`` false, a session expiry) so the broker queues messages while the
gateway is away; the client reconnects with exponential back-off and jitter. With
``shared_group``, topics are subscribed as ``$share/GROUP/...`` so that N gateway workers
split one stream (mosquitto, EMQX and HiveMQ implement MQTT v5 shared subscriptions).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from interop.errors import InteropError, ValidationError
from interop.gateway.config import MqttConfig
from interop.gateway.metrics import GatewayMetrics
from interop.gateway.secrets import resolve_secret
from interop.ingress import Ingress
from interop.pipeline import Pipeline
from interop.pipeline.sources import message_key
from interop.store import RawMessage

__all__ = ["MqttIngestion", "subscription_topics"]

log = logging.getLogger("interop.gateway.mqtt")
_BATCH = 200


def subscription_topics(ingress: Ingress, config: MqttConfig) -> list[str]:
    """The ingress's topic filters with placeholders filled, shared when configured."""
    topics = []
    for pattern in ingress.mqtt_topics:
        try:
            topic = pattern.format(**config.topics)
        except (KeyError, IndexError) as exc:
            raise ValidationError(
                f"topic {pattern!r} needs a value for {exc.args[0]!r}",
                source="gateway config",
                field="ingress.mqtt.topics",
                expected=f"values for every placeholder of {list(ingress.mqtt_topics)}",
            ) from None
        if config.shared_group:
            topic = f"$share/{config.shared_group}/{topic}"
        topics.append(topic)
    return topics


@dataclass(slots=True)
class MqttIngestion:
    """Subscribes one ingress to its broker and feeds the pipeline until stopped."""

    plugin: str
    ingress: Ingress
    config: MqttConfig
    pipeline: Pipeline
    metrics: GatewayMetrics
    client_id: str
    backoff_cap: float = 10.0

    @property
    def source(self) -> str:
        """The pipeline route name of its messages."""
        return f"{self.plugin}:{self.ingress.name}"

    async def run(self) -> None:
        """Connect, subscribe, ingest; reconnect after any broker failure, until cancelled."""
        parts = urlsplit(self.config.url)
        if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
            raise ValidationError(
                "not an MQTT URL", source=self.config.url, field="ingress.mqtt.url",
                expected="mqtt://host:port",
            )  # fmt: skip
        password = (
            resolve_secret(self.config.password, field="ingress.mqtt.password").reveal()
            if self.config.password
            else None
        )
        topics = subscription_topics(self.ingress, self.config)
        attempt = 0
        while True:
            try:
                await self._session(parts.hostname, parts.port or 1883, password, topics)
                attempt = 0
            except aiomqtt.MqttError as exc:
                self.metrics.mqtt_reconnects.labels(self.source).inc()
                delay = random.uniform(0, min(self.backoff_cap, 0.2 * 2**attempt))
                attempt = min(attempt + 1, 20)
                log.warning(
                    "MQTT %s: %s; reconnecting in %.2f s", self.source, exc, delay,
                    extra={"ingress": self.source},
                )  # fmt: skip
                await asyncio.sleep(delay)

    async def _session(self, host: str, port: int, password: str | None, topics: list[str]) -> None:
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = self.config.session_expiry
        client = aiomqtt.Client(
            host,
            port,
            username=self.config.username,
            password=password,
            identifier=self.client_id,
            protocol=aiomqtt.ProtocolVersion.V5,
            clean_start=False,
            properties=properties,
            max_queued_incoming_messages=10_000,
        )
        client._client.manual_ack_set(True)
        async with client:
            for topic in topics:
                await client.subscribe(topic, qos=1)
            log.info("MQTT %s subscribed to %s", self.source, topics)
            await self._consume(client)

    async def _consume(self, client: aiomqtt.Client) -> None:
        messages = client.messages
        iterator = messages.__aiter__()
        while True:
            first = await iterator.__anext__()
            batch = [first]
            while len(batch) < _BATCH and len(messages) > 0:
                batch.append(await iterator.__anext__())
            raws = [self._raw(m) for m in batch]
            while True:
                try:
                    await self.pipeline.submit(raws)
                    break
                except InteropError as exc:  # store down: keep the messages unacknowledged
                    log.warning("MQTT %s: cannot commit (%s); retrying", self.source, exc.code)
                    await asyncio.sleep(1.0)
            for message in batch:
                if message.qos > 0:
                    with contextlib.suppress(Exception):
                        client._client.ack(message.mid, message.qos)
            self.metrics.mqtt_messages.labels(self.source).inc(len(batch))

    def _raw(self, message: aiomqtt.Message) -> RawMessage:
        payload = message.payload
        body = payload if isinstance(payload, bytes) else str(payload).encode()
        topic = str(message.topic)
        hints = {"topic": topic[:500]}
        key = None
        if self.ingress.key is not None:
            with contextlib.suppress(Exception):
                key = self.ingress.key(body, hints)
        return RawMessage(
            self.source,
            f"{self.source}:{key[:500]}" if key else message_key(self.source, body),
            body,
            datetime.now(UTC),
            hints,
        )
