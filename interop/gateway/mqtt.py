"""MQTT ingestion: subscribe at QoS 1, acknowledge (PUBACK) only after the durable commit.

One task per configured ingress. The client runs with manual acknowledgement: each batch of
messages is decoded and committed to the store (records, or dead letters for what cannot be
decoded, and the inbox keys) first, then acknowledged, so a gateway killed in between gets
the messages again from the broker (and stores them once: same key). Sessions persist
(MQTT 5: ``clean_start`` false and a session expiry; 3.1.1: ``clean_session`` false) so the
broker queues messages while the gateway is away; the client reconnects with exponential
back-off and jitter. With ``shared_group``, topics are subscribed as ``$share/GROUP/...``
so that N gateway workers split one stream (mosquitto, EMQX and HiveMQ implement shared
subscriptions).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from interop.errors import InteropError, ValidationError
from interop.gateway.config import MqttConfig
from interop.gateway.metrics import GatewayMetrics
from interop.ingress import Ingress
from interop.pipeline import Pipeline
from interop.pipeline.sources import message_key
from interop.secrets import resolve_secret
from interop.store import RawMessage

__all__ = ["MqttIngestion", "MqttPlan", "stop_if_cancelled", "subscription_topics", "tls_context"]

log = logging.getLogger("interop.gateway.mqtt")
_BATCH = 100
"""Messages decoded and committed together (the event loop is busy decoding them)."""
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_PORTS = {"mqtt": 1883, "tcp": 1883, "mqtts": 8883, "ssl": 8883}


def stop_if_cancelled() -> None:
    """Raise CancelledError when this task was cancelled but a library swallowed it.

    ``asyncio.wait_for`` (Python 3.11; aiomqtt waits for CONNACK and SUBACK with it) returns
    the result when the awaited future completes as the cancellation arrives. The gateway's
    stop would then wait forever for an ingestion that goes on consuming; the task still
    counts the request (``Task.cancelling``), so it is honoured here.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def subscription_topics(ingress: Ingress, config: MqttConfig) -> list[str]:
    """The ingress's topic filters with placeholders filled, shared when configured.

    A part in square brackets is optional: kept when the config gives every placeholder
    in it, else dropped (``v3/{app}[@{tenant}]/...`` with no tenant is ``v3/{app}/...``).
    """
    topics = []
    for pattern in ingress.mqtt_topics:
        pattern = _OPTIONAL.sub(
            lambda m: m.group(1) if set(_PLACEHOLDER.findall(m.group(1))) <= config.topics.keys()
            else "",
            pattern,
        )  # fmt: skip
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


def tls_context(config: MqttConfig) -> ssl.SSLContext:
    """A verifying TLS context: the configured CA (else the system's), a client certificate."""
    try:
        context = ssl.create_default_context(cafile=config.ca_file)
        if config.cert_file:
            context.load_cert_chain(config.cert_file, config.key_file)
    except (OSError, ssl.SSLError) as exc:
        raise ValidationError(
            f"cannot load the TLS files: {exc.strerror or exc}",
            source="gateway config",
            field="ingress.mqtt.ca_file" if not config.cert_file else "ingress.mqtt.cert_file",
            expected="readable PEM files",
        ) from None
    return context


@dataclass(frozen=True, slots=True)
class MqttPlan:
    """A checked connection: broker address, resolved password, topic filters, TLS."""

    host: str
    port: int
    password: str | None = field(repr=False)
    topics: list[str]
    tls: ssl.SSLContext | None


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
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set while connected and subscribed (``interop_mqtt_subscribed`` in the metrics)."""

    @property
    def source(self) -> str:
        """The pipeline route name of its messages."""
        return f"{self.plugin}:{self.ingress.name}"

    def plan(self) -> MqttPlan:
        """Where and how to connect; ValidationError names a bad URL, secret or TLS file.

        Called when the gateway starts, so that a misconfiguration stops it at once instead
        of looping on reconnection.
        """
        parts = urlsplit(self.config.url)
        if parts.scheme not in _PORTS or not parts.hostname:
            raise ValidationError(
                "not an MQTT URL", source=self.config.url, field="ingress.mqtt.url",
                expected="mqtt://host:port or mqtts://host:port (TLS)",
            )  # fmt: skip
        password = (
            resolve_secret(self.config.password, field="ingress.mqtt.password").reveal()
            if self.config.password
            else None
        )
        return MqttPlan(
            parts.hostname,
            parts.port or _PORTS[parts.scheme],
            password,
            subscription_topics(self.ingress, self.config),
            tls_context(self.config) if parts.scheme in ("mqtts", "ssl") else None,
        )

    async def run(self, plan: MqttPlan | None = None) -> None:
        """Connect, subscribe, ingest; reconnect after any broker failure, until cancelled."""
        plan = plan or self.plan()
        attempt = 0
        while True:
            stop_if_cancelled()
            try:
                await self._session(plan)
                attempt = 0
            except aiomqtt.MqttError as exc:
                stop_if_cancelled()
                self.metrics.mqtt_reconnects.labels(self.source).inc()
                delay = random.uniform(0, min(self.backoff_cap, 0.2 * 2**attempt))
                attempt = min(attempt + 1, 20)
                log.warning(
                    "MQTT %s: %s; reconnecting in %.2f s", self.source, exc, delay,
                    extra={"ingress": self.source},
                )  # fmt: skip
                await asyncio.sleep(delay)

    def _client(self, plan: MqttPlan) -> aiomqtt.Client:
        """A client with a persistent session: MQTT 5 (session expiry) or 3.1.1."""
        if self.config.protocol == "3.1.1":
            version: dict[str, Any] = {
                "protocol": aiomqtt.ProtocolVersion.V311, "clean_session": False,
            }  # fmt: skip
        else:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            properties.SessionExpiryInterval = self.config.session_expiry
            # the window a compliant broker keeps to (else 65,535 unacknowledged messages)
            properties.ReceiveMaximum = self.config.receive_maximum
            version = {
                "protocol": aiomqtt.ProtocolVersion.V5, "clean_start": False,
                "properties": properties,
            }  # fmt: skip
        return aiomqtt.Client(
            plan.host,
            plan.port,
            username=self.config.username,
            password=plan.password,
            identifier=self.client_id,
            # unbounded: aiomqtt drops what exceeds its bound, and a dropped QoS 1 message is
            # never acknowledged, so the broker sends it again only after a reconnection.
            # Unacknowledged messages are bounded by the broker's window instead (mosquitto
            # 2.0.11 was seen to exceed a client's Receive Maximum after the first PUBACKs).
            max_queued_incoming_messages=0,
            tls_context=plan.tls,
            **version,
        )

    async def _session(self, plan: MqttPlan) -> None:
        client = self._client(plan)
        client._client.manual_ack_set(True)
        gauge = self.metrics.mqtt_subscribed.labels(self.source)
        async with client:
            stop_if_cancelled()  # a stop that came as the broker's CONNACK did
            for topic in plan.topics:
                await client.subscribe(topic, qos=1)
            stop_if_cancelled()
            log.info("MQTT %s subscribed to %s", self.source, plan.topics)
            self.subscribed.set()
            gauge.set(1)
            try:
                await self._consume(client)
            finally:
                self.subscribed.clear()
                gauge.set(0)
                # what the client held unacknowledged, the broker sends again
                self.metrics.mqtt_backlog.labels(self.source).set(0)

    async def _consume(self, client: aiomqtt.Client) -> None:
        messages = client.messages
        iterator = messages.__aiter__()
        backlog = self.metrics.mqtt_backlog.labels(self.source)
        while True:
            backlog.set(len(messages))
            first = await iterator.__anext__()
            batch = [first]
            while len(batch) < _BATCH and len(messages) > 0:
                batch.append(await iterator.__anext__())
            backlog.set(len(batch) + len(messages))  # a window the broker overshoots shows here
            raws = [self._raw(m) for m in batch]
            while True:
                try:
                    # decoded and stored (or dead-lettered) in the commit that makes them
                    # durable: one transaction per batch instead of inbox, then records
                    await self.pipeline.submit_and_wait(raws)
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
