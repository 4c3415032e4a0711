"""The broker sink configured in the gateway's TOML (``kind = "plugin"``), in a running gateway."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from interop_ngsild.sink import BrokerSink

from interop.errors import ValidationError
from interop.gateway import Gateway
from interop.gateway.config import load_config
from interop.registry import Registry

TOKEN = "ingest-token-for-the-test"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(strict=True).load()


def _config(tmp_path: Path, options: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(
        f"""
[server]
port = 0

[store]
location = "{tmp_path / "data"}"

[[sink]]
name = "city-broker"
kind = "plugin"
plugin = "ngsild"
jurisdiction = "EEA"
retry_max_seconds = 1
[sink.options]
{options}
""",
        encoding="utf-8",
    )
    return path


def _message(second: int) -> bytes:
    reading = {"property": "temperature", "value": 3.5 + second, "unit": "Cel"}
    time = f"2026-01-01T06:30:{second:02d}Z"
    return json.dumps({"device": "lamp-17", "time": time, "readings": [reading]}).encode()


def test_gateway_delivers_to_the_broker_its_config_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: Registry, broker_double: Any
) -> None:
    monkeypatch.setenv("INTEROP_INGEST_TOKEN", TOKEN)
    monkeypatch.setenv("CITY_BROKER_TOKEN", "broker-secret")

    async def scenario() -> None:
        broker = broker_double()
        broker.token = "broker-secret"
        await broker.start()
        options = (
            f'url = "{broker.url}"\ntenant = "ville"\nflavour = "scorpio"\n'
            'token = "env:CITY_BROKER_TOKEN"\nbatch_size = 2\n'
        )
        gateway = Gateway(load_config(_config(tmp_path, options)), registry)
        await gateway.start()
        try:
            assert gateway.pipeline is not None
            (binding,) = gateway.pipeline.sinks
            assert isinstance(binding.sink, BrokerSink)
            assert binding.sink.settings.tenant == "ville"
            headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
            async with aiohttp.ClientSession() as session:
                for second in range(3):
                    url = f"{gateway.url}/ingest/template/sensors"
                    async with session.post(url, data=_message(second), headers=headers) as answer:
                        assert answer.status == 202
            await gateway.pipeline.wait_processed()
            await asyncio.wait_for(gateway.pipeline.wait_delivered(), 30)
            assert gateway.store is not None
            stored = [record for _, record in await gateway.store.scan(limit=100)]
        finally:
            await gateway.stop()
            await broker.stop()
        assert set(broker.tenants) == {"ville"}
        delivered = broker.delivered()
        assert len(stored) == 3
        assert {record.id: delivered.get(record.id) for record in stored} == {
            record.id: record for record in stored
        }

    asyncio.run(scenario())


def test_a_wrong_sink_option_stops_the_gateway_naming_it(
    tmp_path: Path, registry: Registry
) -> None:
    config = load_config(_config(tmp_path, 'url = "http://broker:1026"\nflavour = "orion"\n'))

    async def scenario() -> None:
        await Gateway(config, registry).start()

    with pytest.raises(ValidationError) as caught:
        asyncio.run(scenario())
    assert caught.value.field == "flavour"


def test_a_token_must_be_a_secret_reference(tmp_path: Path, registry: Registry) -> None:
    options = 'url = "http://broker:1026"\ntoken = "plain-text-token"\n'
    config = load_config(_config(tmp_path, options))

    async def scenario() -> None:
        await Gateway(config, registry).start()

    with pytest.raises(ValidationError) as caught:
        asyncio.run(scenario())
    assert caught.value.field == "options.token"
    assert "plain-text-token" not in str(caught.value)
