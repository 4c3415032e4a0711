"""The gateway's configuration: one TOML file, validated, secrets only by reference.

Every section is optional: with no file at all, ``interop serve`` listens on 127.0.0.1:8080,
keeps an embedded SQLite store in ``./interop-data``, mounts every installed plugin's
webhooks with one generated ingestion token and delivers to JSON Lines files and an RDF
store in the data directory. See ``docs/gateway.md`` for a city's full example.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from interop.errors import ValidationError

__all__ = [
    "DownlinkConfig",
    "GatewayConfig",
    "IngressConfig",
    "LightingConfig",
    "MqttConfig",
    "ServerConfig",
    "SinkConfig",
    "StoreConfig",
    "load_config",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerConfig(_Section):
    """Where the HTTP API listens and its limits."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    max_body_bytes: int = Field(1024 * 1024, gt=0)
    """Largest request body accepted; larger ones get 413 (and a dead letter)."""
    admin_token: str | None = None
    """Secret reference (``env:NAME`` / ``file:PATH``) for the admin API (dead letters)."""
    jurisdiction: str = "EEA"
    """Where this gateway runs: the jurisdiction of its store and of built-in (local file)
    sinks that declare none. Remote (plugin) sinks must declare their own."""
    log_format: Literal["json", "text"] = "json"
    drain_seconds: float = Field(30.0, ge=0)
    """On shutdown, how long to wait for in-flight processing and delivery."""
    workers: int = Field(1, ge=1, le=64)
    """Worker processes sharing the port (``SO_REUSEPORT``), one per core is typical: each
    decodes and commits on its own; worker 0 also delivers to the sinks and polls the
    lighting systems; MQTT ingresses are split among them by a shared subscription."""


class StoreConfig(_Section):
    """Which store: a folder (embedded SQLite) or ``postgresql://`` (credentials via PG env)."""

    location: str = "interop-data"
    durability: Literal["full", "process"] = "full"
    worker: str | None = None
    """This worker's name (default: the host name); distinct per worker on one host."""
    entity_refresh_seconds: float = Field(900.0, ge=0)
    """An entity (a device restated by each uplink) stored unchanged is written again only
    after this long: its provenance then names a newer message. 0 writes it every time."""


class MqttConfig(_Section):
    """An MQTT broker to subscribe to for one ingress (QoS 1, PUBACK after commit)."""

    url: str = "mqtt://127.0.0.1:1883"
    """``mqtt://host[:1883]``, or ``mqtts://host[:8883]`` for TLS."""
    username: str | None = None
    password: str | None = None
    """Secret reference."""
    topics: dict[str, str] = Field(default_factory=dict)
    """Values for the ingress's topic placeholders, e.g. ``{app = "city", tenant = "ttn"}``."""
    shared_group: str | None = None
    """Subscribe as ``$share/GROUP/...`` so that several workers split one stream."""
    client_id: str | None = None
    session_expiry: int = Field(3600, ge=0)
    """Seconds the broker keeps the session (and queues QoS 1 messages) while disconnected
    (MQTT 5; with 3.1.1 the broker's own setting decides)."""
    receive_maximum: int = Field(1000, ge=1, le=65535)
    """QoS 1 messages the broker may send before this worker acknowledges them (MQTT 5
    Receive Maximum): the worker's window, which bounds what it holds in memory. With 3.1.1
    the broker's own setting decides (mosquitto: ``max_inflight_messages``, 20)."""
    protocol: Literal["5", "3.1.1"] = "5"
    """MQTT version: 5, or 3.1.1 for brokers without 5 (The Things Stack's own MQTT server).
    Both keep a persistent session and take ``$share`` groups on mosquitto, EMQX, HiveMQ."""
    ca_file: str | None = None
    """TLS: the CA bundle that signs the broker's certificate (else the system's)."""
    cert_file: str | None = None
    """TLS client certificate (PEM), for brokers that authenticate clients by certificate."""
    key_file: str | None = None
    """The client certificate's private key (PEM)."""


class IngressConfig(_Section):
    """One plugin ingress the gateway mounts (webhook route, and MQTT if ``mqtt`` is set)."""

    plugin: str
    name: str
    secret: str | None = None
    """Secret reference for webhook authentication (Bearer token or the ingress's header)."""
    mqtt: MqttConfig | None = None
    webhook: bool = True
    hints: dict[str, str] = Field(default_factory=dict)
    """Decode hints added to the ingress's own (e.g. ``codec`` or ``profiles`` for LoRaWAN)."""


class SinkConfig(_Section):
    """A sink: built-in (``jsonl``, ``nt``, ``ttl``, ``oxigraph`` with ``path``) or a plugin's."""

    name: str
    kind: str
    path: str | None = None
    plugin: str | None = None
    """For ``kind = "plugin"``: the plugin whose Sink adapter to use."""
    adapter: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    """Passed to a plugin sink's ``from_mapping`` (secrets as references)."""
    jurisdiction: str | None = None
    batch_size: int = Field(500, gt=0)
    from_start: bool = False
    retry_max_seconds: float = Field(30.0, gt=0)
    """Longest wait between two delivery attempts while the sink is down (back-off cap)."""


class LightingConfig(_Section):
    """A lighting management system polled for telemetry and commanded through the API."""

    name: str
    url: str
    """``slv:http://host:port`` (credentials from ``credentials``, never in the URL)."""
    credentials: str | None = None
    """Secret reference holding ``user:password`` or a token."""
    poll_seconds: float = Field(300.0, gt=0)
    command_deadline: float = Field(30.0, gt=0, le=600)
    """Seconds one command request to the system may take in all (retries included)."""
    readings: Literal["history", "latest"] = "history"
    """``history``: every reading logged since the cursor; ``latest``: only each light's
    latest values (lighter on a system whose log is costly to read; misses readings
    logged between two polls)."""


class DownlinkConfig(_Section):
    """A network server that takes downlinks: Commands for its devices are sent there."""

    name: str
    plugin: str
    """The plugin whose ``interop_downlink`` hook writes the request (e.g. ``lorawan``)."""
    url: str
    """The network server's base URL (``https://eu1.cloud.thethings.network``)."""
    settings: dict[str, Any] = Field(default_factory=dict)
    """The plugin's settings (``network``, application, profiles, ...), no secrets."""
    secrets: dict[str, str] = Field(default_factory=dict)
    """Settings whose values are secret references (``api_key = "env:TTS_API_KEY"``)."""
    timeout: float = Field(10.0, gt=0, le=120)
    """Seconds the network server may take to answer one request."""


class GatewayConfig(_Section):
    """The whole configuration."""

    server: ServerConfig = ServerConfig()
    store: StoreConfig = StoreConfig()
    policy: str | None = None
    """Path of the city's privacy policy (TOML); the safe default applies without one."""
    ingress: list[IngressConfig] | None = None
    """None: every installed plugin's ingresses, with the generated or INTEROP_INGEST_TOKEN."""
    sink: list[SinkConfig] | None = None
    """None: JSON Lines and an RDF store under the data directory."""
    lighting: list[LightingConfig] = Field(default_factory=list)
    downlink: list[DownlinkConfig] = Field(default_factory=list)


def load_config(path: Path | None) -> GatewayConfig:
    """Read and validate a config file (None: the defaults); errors name file and field."""
    if path is None:
        return GatewayConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(f"cannot read: {exc.strerror}", source=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"not TOML: {exc}", source=str(path)) from None
    try:
        return GatewayConfig.model_validate(data)
    except PydanticValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ValidationError(
            first.get("msg", "invalid"), source=str(path), field=where or None
        ) from None
