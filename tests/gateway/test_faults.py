"""Fault tests with real processes: the gateway as a child process, real mosquitto, loopback.

(a) SIGKILL while a client posts webhooks: every 2xx is in the store after restart;
(b) SIGKILL while MQTT QoS 1 messages arrive: everything PUBACKed (indeed everything
published) is stored once; (c) a sink down for 30 s: everything is delivered after it
returns; (d) mosquitto restarted: ingestion resumes by itself; (e) two workers on one
PostgreSQL store and one ``$share`` subscription: each message stored once.
Bounded by counts and timeouts.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from pathlib import Path

import aiomqtt
import pytest
from aiohttp import web

from interop.store import open_store
from interop.testing.servers import mosquitto_binary, running_mosquitto

from .processes import GatewayProcess, port, post, sensor_message, write_config

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _records(location: str) -> tuple[int, int, int]:
    async def go():
        async with open_store(location) as store:
            stats = await store.stats()
            return stats.records, stats.inbox_total, stats.dead_letters

    return asyncio.run(go())


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkill_during_webhooks_loses_no_acknowledged_message(tmp_path):
    store = tmp_path / "data"
    config = write_config(
        tmp_path / "gw.toml",
        f'[store]\nlocation = "{store}"\n[[sink]]\nname = "files"\nkind = "jsonl"\n'
        f'path = "{tmp_path / "out"}"\n',
    )
    gateway = GatewayProcess(config, port(), tmp_path / "gw.log").start()
    acked: set[int] = set()
    rng = random.Random(7)
    total = 120
    kill_at = {15, 45, 75, 100}  # after this many acknowledgements, kill during the next post
    pending = list(range(total))
    kills = 0
    try:
        while pending:
            index = pending.pop(0)
            if len(acked) in kill_at and gateway.process is not None:
                kill_at.discard(len(acked))
                threading.Timer(rng.uniform(0.0, 0.02), gateway.kill).start()
                kills += 1
            status = post(f"{gateway.url}/ingest/template/sensors", sensor_message(index))
            if status in (200, 202):
                acked.add(index)
            else:
                pending.append(index)  # not acknowledged: the client sends it again
                time.sleep(0.05)
                if gateway.process is None:
                    gateway.start()
    finally:
        gateway.terminate()
    assert kills == 4
    records, inbox, dead = _records(str(store))
    assert acked == set(range(total))
    assert inbox == total
    assert records == total  # one reading per message, each stored once
    assert dead == 0


@pytest.fixture
def mosquitto():
    if mosquitto_binary() is None:
        import os

        if os.environ.get("CI"):
            pytest.fail("mosquitto is not installed; .ci/run installs it")
        pytest.skip("mosquitto is not installed (Debian package); CI installs it")
    with running_mosquitto() as (broker_port, process):
        yield broker_port, process


def _mqtt_config(tmp_path: Path, store: str, broker_port: int, *, worker: str = "w1",
                 group: str | None = None, sink: str = "",
                 protocol: str = "5") -> Path:  # fmt: skip
    shared = f'shared_group = "{group}"\n' if group else ""
    shared += f'protocol = "{protocol}"\n'
    return write_config(
        tmp_path / f"{worker}.toml",
        f'[store]\nlocation = "{store}"\nworker = "{worker}"\n'
        f'[[ingress]]\nplugin = "template"\nname = "sensors"\n'
        f'[ingress.mqtt]\nurl = "mqtt://127.0.0.1:{broker_port}"\nclient_id = "gw-{worker}"\n'
        f'{shared}[ingress.mqtt.topics]\nsite = "north"\n'
        + (sink or f'[[sink]]\nname = "files"\nkind = "jsonl"\npath = "{tmp_path / worker}"\n'),
    )


def _publish(broker_port: int, messages: list[bytes], delay: float = 0.0) -> None:
    async def go():
        async with aiomqtt.Client("127.0.0.1", broker_port, identifier="publisher") as client:
            for index, body in enumerate(messages):
                await client.publish(f"sensors/north/dev-{index % 5}", body, qos=1)
                if delay:
                    await asyncio.sleep(delay)

    asyncio.run(go())


@pytest.mark.parametrize("protocol", ["5", "3.1.1"])
def test_sigkill_during_mqtt_stores_every_message_once(tmp_path, mosquitto, protocol):
    """MQTT 5 and 3.1.1 (The Things Stack's server speaks only 3.1.1) keep their sessions."""
    broker_port, _ = mosquitto
    store = str(tmp_path / "data")
    config = _mqtt_config(tmp_path, store, broker_port, protocol=protocol)
    gateway = GatewayProcess(config, port(), tmp_path / "gw.log").start()
    time.sleep(1.0)  # the persistent session exists once subscribed
    total = 300
    publisher = threading.Thread(
        target=_publish, args=(broker_port, [sensor_message(i, "m") for i in range(total)], 0.008)
    )
    publisher.start()
    try:
        for _ in range(3):
            time.sleep(0.6)
            gateway.kill()
            gateway.start()
        publisher.join(60)
        _wait(lambda: _records(store)[0] >= total, 60, "every MQTT message stored")
    finally:
        gateway.terminate()
    records, inbox, dead = _records(store)
    assert records == total
    assert inbox == total
    assert dead == 0


def test_mosquitto_restart_resumes_ingestion(tmp_path, mosquitto):
    broker_port, process = mosquitto
    store = str(tmp_path / "data")
    gateway = GatewayProcess(_mqtt_config(tmp_path, store, broker_port), port(),
                             tmp_path / "gw.log").start()  # fmt: skip
    try:
        time.sleep(1.0)
        _publish(broker_port, [sensor_message(i, "a") for i in range(50)])
        _wait(lambda: _records(store)[0] >= 50, 30, "the first 50 messages")
        process.terminate()
        process.wait(10)
        with running_mosquitto(broker_port):
            _wait_subscribed_again(gateway)
            _publish(broker_port, [sensor_message(i, "b") for i in range(50)])
            _wait(lambda: _records(store)[0] >= 100, 30, "the 50 messages after the restart")
    finally:
        gateway.terminate()
    assert _records(store)[0] == 100


def _wait_subscribed_again(gateway: GatewayProcess) -> None:
    """Reconnection is visible in the metrics; give the new subscription a moment."""
    _wait(lambda: 'interop_mqtt_reconnects_total{ingress="template:sensors"}' in gateway.metrics(),
          30, "a reconnection")  # fmt: skip
    time.sleep(1.5)


def test_two_workers_share_one_subscription_and_store_each_message_once(
    tmp_path, mosquitto, postgres_dsn
):
    broker_port, _ = mosquitto
    workers = [
        GatewayProcess(
            _mqtt_config(tmp_path, postgres_dsn, broker_port, worker=name, group="city"),
            port(), tmp_path / f"{name}.log",
        ).start()
        for name in ("w1", "w2")
    ]  # fmt: skip
    total = 400
    try:
        time.sleep(1.5)
        _publish(broker_port, [sensor_message(i, "x") for i in range(total)])
        _wait(lambda: _records(postgres_dsn)[1] >= total, 60, "every message in the inbox")
        _wait(lambda: _records(postgres_dsn)[0] >= total, 60, "every message stored")
        shares = [_received(w.metrics()) for w in workers]
    finally:
        for worker in workers:
            worker.terminate()
    records, inbox, _ = _records(postgres_dsn)
    assert inbox == total
    assert records == total
    assert sum(shares) == total  # the broker gave each message to one worker only
    assert all(share > 0 for share in shares)


def _received(metrics: str) -> int:
    for line in metrics.splitlines():
        if line.startswith('interop_mqtt_messages_total{ingress="template:sensors"}'):
            return int(float(line.rsplit(" ", 1)[1]))
    return 0


class _Broker:
    """An NGSI-LD broker double: 503 for ``outage`` seconds from its first request."""

    def __init__(self, outage: float) -> None:
        self.outage = outage
        self.first: float | None = None
        self.entities: dict[str, object] = {}
        self.refused = 0

    async def upsert(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        self.first = self.first or now
        if now - self.first < self.outage:
            self.refused += 1
            return web.json_response(
                {"type": "https://uri.etsi.org/ngsi-ld/errors/InternalError", "title": "down"},
                status=503, content_type="application/json",
            )  # fmt: skip
        for entity in await request.json():
            self.entities[entity["id"]] = entity
        return web.Response(status=204)


class _BrokerThread:
    """Serves the broker double on a loopback port from a thread of its own."""

    def __init__(self, broker: _Broker) -> None:
        self.broker = broker
        self.port = port()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.runner: web.AppRunner | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_post("/ngsi-ld/v1/entityOperations/upsert", self.broker.upsert)
        self.runner = web.AppRunner(app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        self.loop.run_until_complete(site.start())
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    def __enter__(self) -> _BrokerThread:
        self.thread.start()
        assert self.ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def test_sink_down_for_30_s_gets_everything_after(tmp_path):
    broker = _Broker(outage=30.0)
    store = tmp_path / "data"
    total = 40
    with _BrokerThread(broker) as served:
        config = write_config(
            tmp_path / "gw.toml",
            f'[store]\nlocation = "{store}"\n'
            f'[[sink]]\nname = "broker"\nkind = "plugin"\nplugin = "ngsild"\n'
            f'jurisdiction = "EEA"\nretry_max_seconds = 2.0\n'
            f'[sink.options]\nurl = "http://127.0.0.1:{served.port}"\ntemporal = false\n',
        )
        gateway = GatewayProcess(config, port(), tmp_path / "gw.log", plugins="template,ngsild")
        try:
            gateway.start()
            for index in range(total):
                status = post(f"{gateway.url}/ingest/template/sensors", sensor_message(index, "k"))
                assert status == 202
            time.sleep(5)
            assert broker.refused > 0  # the sink is down and being retried
            assert not broker.entities
            _wait(lambda: len(broker.entities) > 0, 60, "delivery after the outage")
            _wait(lambda: 'interop_sink_lag{sink="broker"} 0.0' in gateway.metrics(), 30, "no lag")
            metrics = gateway.metrics()
        finally:
            gateway.terminate()
    assert time.monotonic() - (broker.first or 0) >= 30
    assert 'interop_refused_total{sink="broker"} 0.0' in metrics
    assert f'interop_delivered_total{{sink="broker"}} {float(total)}' in metrics
    assert len(broker.entities) >= 5
