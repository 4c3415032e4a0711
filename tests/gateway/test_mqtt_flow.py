"""MQTT flow control: a backlog that the broker pushes faster than the store commits is stored
in full, each message once.

The gateway asks for a window (MQTT 5 Receive Maximum, ``receive_maximum``), but a broker may
send more: mosquitto 2.0.11 keeps to it only until the first PUBACKs (below, a window of 5
and batches of up to 100). aiomqtt drops what exceeds its queue's bound, and a dropped QoS 1
message is never acknowledged, so the broker would send it again only after a reconnection:
with 20,000 messages queued, the gateway stalled that way until its queue was unbounded.
"""

from __future__ import annotations

import asyncio

import aiomqtt
import pytest

from interop.pipeline import Pipeline
from interop.testing.servers import mosquitto_binary, running_mosquitto

from .conftest import config_for, mqtt_ingress, running, tts_uplink

pytestmark = pytest.mark.skipif(
    mosquitto_binary() is None, reason="needs mosquitto (Debian package mosquitto)"
)

WINDOW = 5
BACKLOG = ("interop_mqtt_backlog", {"ingress": "lorawan:tts-uplink"})
MESSAGES = 300


def _uplink(index: int) -> bytes:
    at = f"2026-12-03T10:{index // 60:02d}:{index % 60:02d}Z"  # a reading each (distinct times)
    return tts_uplink(f"flow{index:05d}", f"node-{index % 7}", f"70B3D57ED000{index % 7:04X}", at)


def test_a_backlog_beyond_the_window_is_stored_in_full(tmp_path, monkeypatch, registry):
    batches: list[int] = []
    original = Pipeline.submit_and_wait

    backlogs: list[float] = []
    metrics: list = []

    async def slow_submit(self, raws, *args, **kwargs):  # a slow store: the backlog grows
        batches.append(len(raws))
        backlogs.append(metrics[0].registry.get_sample_value(*BACKLOG))
        await asyncio.sleep(0.02)
        return await original(self, raws, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "submit_and_wait", slow_submit)
    with running_mosquitto() as (port, _):
        config = config_for(
            tmp_path,
            monkeypatch,
            ingress=[
                mqtt_ingress(
                    url=f"mqtt://127.0.0.1:{port}",
                    topics={"app": "city", "tenant": "ttn"},
                    client_id="flow-test",
                    receive_maximum=WINDOW,
                )
            ],
        )

        async def scenario():
            async with running(config, registry) as gateway:
                (ingestion,) = gateway.mqtt
                metrics.append(gateway.metrics)
                await asyncio.wait_for(ingestion.subscribed.wait(), 10)
                async with aiomqtt.Client("127.0.0.1", port) as client:
                    for index in range(MESSAGES):
                        topic = f"v3/city@ttn/devices/node-{index % 7}/up"
                        await client.publish(topic, _uplink(index), qos=1)
                assert gateway.store is not None
                for _ in range(300):  # at most 30 s
                    stats = await gateway.store.stats()
                    if stats.inbox_total >= MESSAGES and not stats.inbox_pending:
                        break
                    await asyncio.sleep(0.1)
                return stats, gateway.metrics.registry.get_sample_value(*BACKLOG)

        stats, backlog_after = asyncio.run(scenario())
    assert sum(batches) == MESSAGES  # each message taken once, none dropped
    assert max(batches) > 1  # the backlog did build up
    # /metrics showed what the worker held: each batch, and what queued behind it
    assert all(held >= len_ for held, len_ in zip(backlogs, batches, strict=True))
    assert backlog_after == 0
    assert (stats.inbox_total, stats.inbox_pending, stats.dead_letters) == (MESSAGES, 0, 0)
    assert stats.records == MESSAGES + 7  # a reading each, and each node's device
