"""A gateway started in-process on a free loopback port, with the template plugin's ingress."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import AsyncIterator

import pytest

from interop.gateway import Gateway, GatewayConfig
from interop.registry import Registry

TOKEN = "test-ingest-token"
ADMIN = "test-admin-token"


@pytest.fixture(scope="module")
def registry():
    return Registry(strict=True).load()


@contextlib.asynccontextmanager
async def running(config: GatewayConfig, registry) -> AsyncIterator[Gateway]:
    gateway = Gateway(config, registry)
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.stop()


def config_for(tmp_path, monkeypatch, **sections) -> GatewayConfig:
    monkeypatch.setenv("INTEROP_INGEST_TOKEN", TOKEN)
    monkeypatch.setenv("TEST_ADMIN_TOKEN", ADMIN)
    data = {
        "server": {"port": 0, "admin_token": "env:TEST_ADMIN_TOKEN", "max_body_bytes": 4096},
        "store": {"location": str(tmp_path / "data")},
        "sink": [{"name": "files", "kind": "jsonl", "path": str(tmp_path / "out")}],
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    return GatewayConfig.model_validate(data)


def run(coro):
    return asyncio.run(coro)


def tts_uplink(correlation: str, device: str, dev_eui: str, received_at: str) -> bytes:
    """A The Things Stack v3 uplink of application ``city``: Cayenne LPP, 22.5 °C on channel 1."""
    payload = bytes([1, 0x67, 0x00, 0xE1])  # 0x00E1 = 225 tenths of a degree Celsius
    return json.dumps(
        {
            "end_device_ids": {
                "device_id": device,
                "application_ids": {"application_id": "city"},
                "dev_eui": dev_eui,
            },
            "correlation_ids": [f"as:up:{correlation}"],
            "received_at": received_at,
            "uplink_message": {"f_port": 1, "frm_payload": base64.b64encode(payload).decode()},
        }
    ).encode()


def mqtt_ingress(**mqtt: object) -> dict[str, object]:
    """The LoRaWAN plugin's TTS uplink ingress on MQTT only (``[ingress.mqtt]`` as given)."""
    return {
        "plugin": "lorawan",
        "name": "tts-uplink",
        "webhook": False,
        "hints": {"codec": "cayenne-lpp"},
        "mqtt": mqtt,
    }
