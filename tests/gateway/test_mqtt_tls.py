"""MQTT over TLS from a single-tenant The Things Stack: a real mosquitto TLS listener.

The broker's certificate is issued by a throwaway CA (trustme); the gateway verifies it with
``ca_file``. With no ``tenant`` in the config, the plugin's optional ``[@{tenant}]`` topic part
is dropped, which is how a single-tenant (open source) The Things Stack names its topics.
"""

from __future__ import annotations

import asyncio
import ssl

import aiomqtt
import pytest
import trustme

from interop.errors import ValidationError
from interop.gateway import Gateway
from interop.gateway.mqtt import subscription_topics
from interop.model import Measurement
from interop.testing.servers import mosquitto_binary, running_mosquitto

from .conftest import config_for, mqtt_ingress, running, tts_uplink

pytestmark = pytest.mark.skipif(
    mosquitto_binary() is None, reason="needs mosquitto (Debian package mosquitto)"
)


def _uplink(index: int) -> bytes:
    return tts_uplink(f"tls{index:04d}", "tls-node", "70B3D57ED0001234", "2026-12-03T10:00:00Z")


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def tls_broker(ca, tmp_path):
    cert = ca.issue_cert("127.0.0.1", "localhost")
    chain, key = tmp_path / "server.pem", tmp_path / "server.key"
    for blob in cert.cert_chain_pems:
        with chain.open("ab") as out:
            out.write(blob.bytes())
    cert.private_key_pem.write_to_path(str(key))
    with running_mosquitto(tls=(chain, key)) as (port, _):
        yield port


def _config(tmp_path, monkeypatch, port, ca_file):
    return config_for(
        tmp_path,
        monkeypatch,
        ingress=[
            mqtt_ingress(
                url=f"mqtts://127.0.0.1:{port}",
                ca_file=str(ca_file),
                topics={"app": "city"},
                client_id="tls-test",
            )
        ],
    )


def test_single_tenant_tls_uplinks_are_stored(ca, tls_broker, tmp_path, monkeypatch, registry):
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    config = _config(tmp_path, monkeypatch, tls_broker, ca_file)

    async def scenario() -> list[Measurement]:
        async with running(config, registry) as gateway:
            (ingestion,) = gateway.mqtt
            assert ingestion.plan().topics == ["v3/city/devices/+/up"]
            context = ssl.create_default_context(cafile=str(ca_file))
            async with aiomqtt.Client("127.0.0.1", tls_broker, tls_context=context) as client:
                for attempt in range(50):  # until the gateway has subscribed
                    await client.publish("v3/city/devices/tls-node/up", _uplink(attempt), qos=1)
                    assert gateway.store is not None
                    if (await gateway.store.stats()).records:
                        break
                    await asyncio.sleep(0.2)
            assert gateway.store is not None
            return await gateway.store.latest(kind="measurement")

    (reading,) = asyncio.run(scenario())
    assert reading.device == "urn:interop:device:lorawan:70b3d57ed0001234"
    assert reading.property.endswith("Temperature")
    assert reading.value == 22.5  # 0x00E1 = 225 tenths of a degree Celsius (Cayenne LPP)
    assert reading.unit.endswith("degreeCelsius")


def test_an_unknown_ca_stops_the_gateway_at_start(tmp_path, monkeypatch, registry):
    config = _config(tmp_path, monkeypatch, 8883, tmp_path / "missing-ca.pem")

    async def scenario() -> None:
        gateway = Gateway(config, registry)
        try:
            await gateway.start()
        finally:
            await gateway.stop()

    with pytest.raises(ValidationError, match="TLS files") as caught:
        asyncio.run(scenario())
    assert caught.value.field == "ingress.mqtt.ca_file"


def test_the_tenant_part_of_a_topic_is_kept_when_configured(registry):
    from interop.gateway.config import MqttConfig

    ingress = registry.ingresses()[("lorawan", "tts-uplink")]
    multi = MqttConfig(topics={"app": "city", "tenant": "ttn"}, shared_group="g")
    assert subscription_topics(ingress, multi) == ["$share/g/v3/city@ttn/devices/+/up"]
    with pytest.raises(ValidationError, match="'app'"):
        subscription_topics(ingress, MqttConfig(topics={"tenant": "ttn"}))
