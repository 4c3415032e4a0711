"""The gateway benchmark's MQTT load generator delivers every message, byte for byte, once.

Its figures are only as good as its packets: a real mosquitto on loopback and a plain
subscriber check the topics, payloads and count, never the speed.
"""

from __future__ import annotations

import threading
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from interop.testing.servers import mosquitto_binary, running_mosquitto

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(mosquitto_binary() is None, reason="mosquitto is not installed (Debian)")
def test_every_published_message_arrives_once_as_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO))
    from bench.mqtt_load import publish_all

    messages = [(f"v3/app/devices/d{i % 7}/up", f'{{"n": {i}}}'.encode() * (1 + i % 300))
                for i in range(1200)]  # fmt: skip
    received: list[tuple[str, bytes]] = []
    subscribed, done = threading.Event(), threading.Event()

    def on_message(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        received.append((message.topic, message.payload))
        if len(received) == len(messages):
            done.set()

    with running_mosquitto() as (port, _):
        subscriber = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="check")
        subscriber.on_message = on_message
        subscriber.on_subscribe = lambda *args: subscribed.set()
        subscriber.connect("127.0.0.1", port)
        subscriber.subscribe("v3/#", qos=1)
        subscriber.loop_start()
        try:
            assert subscribed.wait(10)  # the broker has the subscription before the first
            seconds = publish_all("127.0.0.1", port, messages)
            assert done.wait(30), f"{len(received)} of {len(messages)} arrived"
        finally:
            subscriber.loop_stop()
            subscriber.disconnect()
    assert seconds > 0
    assert sorted(received) == sorted(messages)
