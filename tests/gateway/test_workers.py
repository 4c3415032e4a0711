"""``server.workers = 2``: two real worker processes on one port and one SQLite store.

Connections are spread over both; a worker killed with SIGKILL is restarted by the
supervisor and no acknowledged message is lost; SIGTERM drains both and worker 0 has
delivered everything to the sink; MQTT is split by a shared subscription, each message
stored once. Bounded by counts and timeouts.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from pathlib import Path

import aiomqtt
import pytest

from interop.store import open_store
from interop.testing.servers import mosquitto_binary, running_mosquitto

from .processes import GatewayProcess, port, post, sensor_message, write_config

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _stats(location: Path):
    async def go():
        async with open_store(location) as store:
            return await store.stats()

    return asyncio.run(go())


def test_two_workers_share_the_port_survive_sigkill_and_drain_on_sigterm(tmp_path):
    store, out = tmp_path / "data", tmp_path / "out"
    config = write_config(
        tmp_path / "gw.toml",
        f'[server]\nworkers = 2\n[store]\nlocation = "{store}"\n'
        f'[[sink]]\nname = "files"\nkind = "jsonl"\npath = "{out}"\n',
    )
    gateway = GatewayProcess(config, port(), tmp_path / "gw.log").start(workers=2)
    assert gateway.process is not None
    names = gateway.wait_workers(2)
    assert len(names) == 2
    pids = gateway.worker_pids()
    assert len(pids) == 2

    total, acked, lock = 240, set(), threading.Lock()
    pending = list(range(total))

    def client() -> None:
        while True:
            with lock:
                if not pending:
                    return
                index = pending.pop(0)
            status = post(f"{gateway.url}/ingest/template/sensors", sensor_message(index))
            with lock:
                if status in (200, 202):
                    acked.add(index)
                else:  # not acknowledged (the worker died under it): send it again
                    pending.append(index)
            if status not in (200, 202):
                time.sleep(0.05)

    clients = [threading.Thread(target=client) for _ in range(6)]
    for thread in clients:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while len(acked) < total // 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim = pids[0]
        os.kill(victim, signal.SIGKILL)  # one worker dies mid-stream; the other goes on
        for thread in clients:
            thread.join(120)
        # the supervisor started a new process in its place
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = gateway.worker_pids()
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2, now
        assert victim not in now, now
        gateway.wait_workers(2)
    finally:
        process = gateway.process
        gateway.terminate()
    assert process.returncode == 0, gateway.log.read_text()[-3000:]
    assert "restarting" in gateway.log.read_text()
    assert acked == set(range(total))
    stats = _stats(store)
    assert stats.inbox_total == total
    assert stats.records == total  # one reading per message, each stored once
    assert stats.dead_letters == 0
    assert stats.sinks == {"files": 0}  # drained: worker 0 delivered everything
    delivered = [
        json.loads(line)
        for path in sorted(out.glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]
    assert len({record["id"] for record in delivered}) == total


@pytest.fixture
def mosquitto():
    if mosquitto_binary() is None:
        pytest.skip("mosquitto is not installed (Debian package mosquitto; .ci/run installs it)")
    with running_mosquitto() as broker:
        yield broker


def test_two_workers_split_one_mqtt_stream_and_store_each_message_once(tmp_path, mosquitto):
    broker_port, _ = mosquitto
    store = tmp_path / "data"
    config = write_config(
        tmp_path / "gw.toml",
        f'sink = []\n[server]\nworkers = 2\nlog_format = "text"\n'
        f'[store]\nlocation = "{store}"\n'
        f'[[ingress]]\nplugin = "template"\nname = "sensors"\n'
        f'[ingress.mqtt]\nurl = "mqtt://127.0.0.1:{broker_port}"\n'
        f'[ingress.mqtt.topics]\nsite = "north"\n',
    )
    gateway = GatewayProcess(config, port(), tmp_path / "gw.log").start(workers=2)
    total = 300
    try:
        deadline = time.monotonic() + 30
        while gateway.log.read_text().count("subscribed to ['$share/") < 2:
            assert time.monotonic() < deadline, gateway.log.read_text()[-3000:]
            time.sleep(0.1)

        async def publish() -> None:
            async with aiomqtt.Client("127.0.0.1", broker_port, identifier="pub") as client:
                for index in range(total):
                    topic = f"sensors/north/dev-{index % 5}"
                    await client.publish(topic, sensor_message(index, "m"), qos=1)

        asyncio.run(publish())
        deadline = time.monotonic() + 60
        while _stats(store).records < total and time.monotonic() < deadline:
            time.sleep(0.2)
        # /metrics sums every worker's counts, whichever worker answers the scrape
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            scrapes = [_samples(gateway.metrics()) for _ in range(6)]
            if all(s.get("interop_stored_total") == total for s in scrapes):
                break
            time.sleep(0.3)
    finally:
        gateway.terminate()
    stats = _stats(store)
    assert stats.inbox_total == total  # each message taken by one worker only
    assert stats.records == total
    for samples in scrapes:
        assert samples["interop_received_total"] == total
        assert samples["interop_stored_total"] == total
        assert samples['interop_mqtt_messages_total{ingress="template:sensors"}'] == total
        assert samples['interop_mqtt_subscribed{ingress="template:sensors"}'] == 2


def _samples(exposition: str) -> dict[str, float]:
    """``name{labels}`` to value, for the samples of a Prometheus text exposition."""
    samples = {}
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def test_a_worker_that_cannot_start_stops_interop_serve_with_its_reason(tmp_path):
    """A config error shows in worker 0: interop serve exits non-zero and says why."""
    config = write_config(
        tmp_path / "gw.toml",
        f'[server]\nworkers = 2\n[store]\nlocation = "{tmp_path / "data"}"\n'
        f'[[ingress]]\nplugin = "template"\nname = "sensors"\n'
        f'[ingress.mqtt]\nurl = "bogus://127.0.0.1:1"\n[ingress.mqtt.topics]\nsite = "x"\n',
    )
    gateway = GatewayProcess(config, port(), tmp_path / "gw.log")
    with pytest.raises(AssertionError, match="gateway exited"):
        gateway.start(timeout=90, workers=2)
    assert gateway.process is not None
    assert gateway.process.wait(30) != 0
    log = gateway.log.read_text()
    assert "not an MQTT URL" in log
    assert "worker 0 did not start" in log


def test_workers_stop_by_themselves_when_the_supervisor_is_killed(tmp_path):
    """SIGKILL of interop serve cannot stop its workers: each sees it gone, drains, exits."""
    config = write_config(
        tmp_path / "gw.toml",
        f'sink = []\n[server]\nworkers = 2\n[store]\nlocation = "{tmp_path / "data"}"\n',
    )
    gateway = GatewayProcess(config, port(), tmp_path / "gw.log").start(workers=2)
    pids = gateway.worker_pids()
    assert post(f"{gateway.url}/ingest/template/sensors", sensor_message(1)) == 202
    gateway.kill()
    deadline = time.monotonic() + 30
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in pids if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
        time.sleep(0.2)
    assert not alive, f"workers {alive} outlived their supervisor"
    assert post(f"{gateway.url}/ingest/template/sensors", sensor_message(2), timeout=2) == 0
    assert _stats(tmp_path / "data").records == 1


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False
