"""The gateway under load on loopback: TTS uplinks by webhook and by MQTT, against floors.

One command runs, each server in a child process of its own and the load generator here:

* webhooks: The Things Stack v3 uplinks with Cayenne LPP payloads (three readings each)
  posted over ``c`` concurrent connections to ``interop serve`` (decode + default policy +
  SQLite store at durability ``full``; every 2xx is durable and processed), against the
  floor: a bare aiohttp handler that commits the raw body to the same store
  (``Store.accept``, same durability) and answers 200. The load comes from ``wrk`` (C,
  ``bench/webhook_load.lua``, every request a new correlation id) for ``--seconds`` each
  when it is installed (Debian package ``wrk``), else from an aiohttp client posting
  ``--messages`` bodies. Reported: messages/s, p50 and p99 latency, the ratio.
* MQTT: ``--messages`` uplinks published at QoS 1 to a mosquitto broker on loopback by
  ``bench.mqtt_load`` (packets encoded before the clock starts, so the load generator
  leaves the CPU to the gateway, as wrk does); the gateway subscribes (PUBACK after
  commit). Acknowledged: until every message is in the inbox; processed: until every one
  is also decoded and stored. The floor is a bare aiomqtt
  subscriber committing raw messages to the same store with manual acknowledgement, in the
  same batches; the ratio is to the gateway's processed rate.

The gateway is measured with 1 and with 2 worker processes (``--workers 1,2``;
``server.workers``, one per core on this 2-core machine); the floor is one process.

``uv run python -m bench.gateway [--messages N] [--connections C] [--seconds S]
[--workers 1,2]``. Bounded: N messages or S seconds per run, and every wait has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.lorawan import uplink_messages
from bench.mqtt_load import publish_all
from interop.testing.servers import (
    free_port,
    mosquitto_binary,
    postgres_binaries,
    running_mosquitto,
    running_postgres,
)

RESULTS = Path(__file__).resolve().parent / "results"
TOKEN = "bench-token"
TTS_TOPIC = "v3/city-sensors@ttn/devices/{device}/up"
WRK_SCRIPT = Path(__file__).resolve().parent / "webhook_load.lua"


def _gateway_config(
    folder: Path, broker_port: int | None, workers: int = 1, store: str | None = None
) -> Path:
    mqtt = (
        f'[ingress.mqtt]\nurl = "mqtt://127.0.0.1:{broker_port}"\nclient_id = "bench-gw"\n'
        f'[ingress.mqtt.topics]\napp = "city-sensors"\ntenant = "ttn"\n'
        if broker_port
        else ""
    )
    text = (
        f'sink = []\n[server]\nlog_format = "text"\nworkers = {workers}\n'
        f'[store]\nlocation = "{store or folder / "store"}"\n'
        f'[[ingress]]\nplugin = "lorawan"\nname = "tts-uplink"\n'
        f'hints = {{codec = "cayenne-lpp"}}\n{mqtt}'
    )
    path = folder / "gateway.toml"
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def _child(
    command: list[str], url: str, log: Path, workers: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server until it answers ``url`` (from ``workers`` distinct worker processes)."""
    env = {**os.environ, "INTEROP_INGEST_TOKEN": TOKEN, "INTEROP_PLUGINS": "lorawan"}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, env=env)
    try:
        deadline = time.monotonic() + 60
        import urllib.request

        seen: set[str] = set()
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=1) as answer:
                    seen.add(json.loads(answer.read() or b"{}").get("worker", ""))
            except (OSError, ValueError):
                time.sleep(0.1)
                continue
            if len(seen) >= workers:
                break
            time.sleep(0.02)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


async def _load(url: str, bodies: list[bytes], connections: int) -> dict[str, float]:
    latencies: list[float] = []
    failures = 0
    queue = list(reversed(bodies))
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client() -> None:
            nonlocal failures
            while queue:
                body = queue.pop()
                start = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    if response.status >= 300:
                        failures += 1
                latencies.append(time.perf_counter() - start)

        begin = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(connections)))
        elapsed = time.perf_counter() - begin
    latencies.sort()
    return {
        "messages": len(bodies),
        "failures": failures,
        "seconds": elapsed,
        "per_second": len(bodies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def _load_wrk(
    url: str, folder: Path, bodies: list[bytes], connections: int, seconds: float, tag: str
) -> dict[str, float]:
    """``wrk`` (C, one thread) for ``seconds``: a load generator that leaves the server the CPU.

    Every body gets a new correlation id (``tag-counter``), so no request is a duplicate.
    """
    lines = folder / "bodies.jsonl"
    if not lines.exists():
        lines.write_bytes(
            b"".join(re.sub(rb'"as:up:[^"]*"', b'"as:up:@@ID@@"', b) + b"\n" for b in bodies)
        )
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
               "-s", str(WRK_SCRIPT), url, "--", str(lines), tag, TOKEN]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    found = re.search(r"WRK-RESULT (\{.*\})", out.stdout)
    if found is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout[-500:]} {out.stderr[-500:]}")
    result = json.loads(found.group(1))
    good = result["requests"] - result["non_2xx"] - result["socket_errors"]
    return {
        "messages": result["requests"],
        "failures": result["non_2xx"] + result["socket_errors"],
        "seconds": result["seconds"],
        "per_second": good / result["seconds"],
        "p50_ms": result["p50_ms"],
        "p99_ms": result["p99_ms"],
    }


def _drive(
    url: str, folder: Path, bodies: list[bytes], connections: int, seconds: float, tag: str
) -> dict[str, float]:
    """One measured run: wrk when installed (for ``seconds``), else the aiohttp client."""
    if shutil.which("wrk"):
        return _load_wrk(url, folder, bodies, connections, seconds, tag)
    if tag.startswith("warm"):
        bodies = [b.replace(b'"as:up:01HZ', f'"as:up:{tag}01HZ'.encode()) for b in bodies[:200]]
    return asyncio.run(_load(url, bodies, connections))


def _label(workers: int) -> str:
    return "gateway" if workers == 1 else f"gateway, {workers} workers"


@contextlib.contextmanager
def _store(engine: str, folder: Path) -> Iterator[str]:
    """A fresh store for one run: a folder (SQLite) or a throwaway PostgreSQL server's DSN."""
    if engine == "sqlite":
        yield str(folder)
        return
    with running_postgres() as server:  # fsync on, synchronous_commit on: durability full
        yield server.dsn


def _webhooks(
    folder: Path, bodies: list[bytes], connections: int, seconds: float, workers: list[int],
    engine: str = "sqlite",
) -> dict[str, object]:  # fmt: skip
    rows: dict[str, object] = {}
    floor_port, gateway_port = free_port(), free_port()
    with _store(engine, folder / f"floor-{engine}") as location:
        floor_cmd = [sys.executable, "-m", "bench.gateway_floor", "http", str(floor_port),
                     location]  # fmt: skip
        with _child(floor_cmd, f"http://127.0.0.1:{floor_port}/healthz", folder / "floor.log"):
            floor_url = f"http://127.0.0.1:{floor_port}/ingest"
            _drive(floor_url, folder, bodies, connections, 2, f"warm-floor-{engine}")
            rows["floor"] = _drive(floor_url, folder, bodies, connections, seconds,
                                   f"floor-{engine}")  # fmt: skip
    for count in workers:
        here = folder / f"gw{count}-{engine}"
        here.mkdir()
        with _store(engine, here / "store") as location:
            config = _gateway_config(here, None, count, location)
            gateway_cmd = [sys.executable, "-c", "from interop.cli import main; main()",
                           "serve", "--config", str(config),
                           "--port", str(gateway_port)]  # fmt: skip
            url = f"http://127.0.0.1:{gateway_port}"
            with _child(gateway_cmd, f"{url}/healthz", here / "gateway.log", count):
                ingest = f"{url}/ingest/lorawan/tts-uplink"
                tag = f"gw{count}-{engine}"
                _drive(ingest, folder, bodies, connections, 2, f"warm-{tag}")
                rows[_label(count)] = _drive(ingest, folder, bodies, connections, seconds, tag)
    rows["generator"] = "wrk" if shutil.which("wrk") else "aiohttp"
    return rows


class _Inbox:
    """Counts a store's inbox (messages, of which unprocessed) while a run drains, cheaply.

    Polled every 50 ms: a plain query of the inbox table, not a whole ``Store`` (threads,
    schema check) competing for the CPU being measured. SQLite is read through a read-only
    connection; PostgreSQL through one connection kept for the run (a new one each time
    would start a server process 20 times a second).
    """

    def __init__(self, location: str) -> None:
        self.location = location
        self._loop: asyncio.AbstractEventLoop | None = None
        self._conn: Any = None

    def counts(self) -> tuple[int, int]:
        if self.location.startswith("postgresql://"):
            return self._postgres()
        path = Path(self.location) / "interop.sqlite3"
        if not path.exists():
            return 0, 0
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                total, pending = conn.execute(
                    "SELECT count(*), coalesce(sum(done = 0), 0) FROM inbox"
                ).fetchone()
        except sqlite3.OperationalError:  # not created yet
            return 0, 0
        return int(total), int(pending)

    def _postgres(self) -> tuple[int, int]:
        import asyncpg

        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        if self._conn is None:
            self._conn = self._loop.run_until_complete(asyncpg.connect(self.location))
        try:
            row = self._loop.run_until_complete(
                self._conn.fetchrow(
                    "SELECT count(*) AS total, count(*) FILTER (WHERE NOT done) AS pending "
                    "FROM inbox"
                )
            )
        except asyncpg.UndefinedTableError:  # not created yet
            return 0, 0
        return int(row["total"]), int(row["pending"])

    def close(self) -> None:
        if self._loop is not None:
            if self._conn is not None:
                self._loop.run_until_complete(self._conn.close())
            self._loop.close()


def _wait_subscribed(base: str, workers: int, timeout: float = 60.0) -> None:
    """Until every worker is subscribed (the livesum gauge of ``/metrics`` counts them).

    A worker that joins the shared group late would leave the whole backlog to the others.
    """
    import urllib.request

    deadline = time.monotonic() + timeout
    pattern = re.compile(r'^interop_mqtt_subscribed\{ingress="lorawan:tts-uplink"\} (\S+)$', re.M)
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base}/metrics", timeout=2) as answer,
        ):
            found = pattern.search(answer.read().decode())
            if found and float(found.group(1)) >= workers:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{workers} workers did not all subscribe within {timeout:g} s")


def _mqtt(
    folder: Path, bodies: list[bytes], workers: list[int], engine: str = "sqlite"
) -> dict[str, object]:
    messages = [
        (TTS_TOPIC.format(device=f"lpp-node-{index % 200:03d}"), body)
        for index, body in enumerate(bodies)
    ]
    rows: dict[str, object] = {}

    def timed(broker_port: int, store: str, process: bool) -> dict[str, float]:
        """Acknowledged: every message durable in the inbox; processed: decoded and stored too.

        The load comes from ``bench.mqtt_load`` (packets encoded before the clock starts).
        The floor only accepts raw messages: its processed figure is its acknowledged one.
        """
        inbox = _Inbox(store)
        try:
            begin = time.perf_counter()
            publish_all("127.0.0.1", broker_port, messages)
            deadline = time.monotonic() + 300
            while inbox.counts()[0] < len(bodies) and time.monotonic() < deadline:
                time.sleep(0.05)
            acknowledged = time.perf_counter() - begin
            while process and inbox.counts()[1] > 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            processed = time.perf_counter() - begin
            arrived = inbox.counts()[0]
        finally:
            inbox.close()
        if arrived < len(bodies):
            raise RuntimeError(f"only {arrived} of {len(bodies)} arrived")
        return {
            "messages": len(bodies),
            "seconds": acknowledged,
            "per_second": len(bodies) / acknowledged,
            "processed_per_second": len(bodies) / processed,
        }

    with (
        running_mosquitto() as (broker_port, _),
        _store(engine, folder / f"mqtt-floor-{engine}") as location,
    ):
        floor_cmd = [sys.executable, "-m", "bench.gateway_floor", "mqtt", str(broker_port),
                     location, str(free_port())]  # fmt: skip
        with _child(floor_cmd, f"http://127.0.0.1:{floor_cmd[-1]}/healthz", folder / "mf.log"):
            time.sleep(0.5)
            rows["floor"] = timed(broker_port, location, False)
    for count in workers:
        gw = folder / f"mqtt-gw{count}-{engine}"
        gw.mkdir()
        with running_mosquitto() as (broker_port, _), _store(engine, gw / "store") as location:
            config = _gateway_config(gw, broker_port, count, location)
            gateway_port = free_port()
            gateway_cmd = [sys.executable, "-c", "from interop.cli import main; main()", "serve",
                           "--config", str(config), "--port", str(gateway_port)]  # fmt: skip
            base = f"http://127.0.0.1:{gateway_port}"
            with _child(gateway_cmd, f"{base}/healthz", gw / "log", count):
                _wait_subscribed(base, count)
                rows[_label(count)] = timed(broker_port, location, True)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run both measurements, print a table, write ``results/gateway.json`` and ``.md``."""
    parser = argparse.ArgumentParser(prog="python -m bench.gateway", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--no-mqtt", action="store_true")
    parser.add_argument("--no-webhooks", action="store_true")
    parser.add_argument(
        "--no-postgresql", action="store_true", help="SQLite only (no PostgreSQL runs)"
    )
    parser.add_argument(
        "--workers", default="1,2", help="gateway worker processes to measure, comma-separated"
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="length of each wrk run (when installed)"
    )
    args = parser.parse_args(argv)
    workers = [int(count) for count in args.workers.split(",")]
    bodies = uplink_messages(args.messages, 7)
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        folder = Path(tmp)
        result: dict[str, object] = {"created": datetime.now(UTC).isoformat()}
        if not args.no_webhooks:
            result["webhooks"] = _webhooks(folder, bodies, args.connections, args.seconds, workers)
            if not args.no_postgresql and postgres_binaries() is not None:
                result["webhooks, PostgreSQL"] = _webhooks(
                    folder, bodies, args.connections, args.seconds, workers, "postgresql"
                )
        if not args.no_mqtt and mosquitto_binary() is not None:
            result["mqtt"] = _mqtt(folder, bodies, workers)
            if not args.no_postgresql and postgres_binaries() is not None:
                result["mqtt, PostgreSQL"] = _mqtt(folder, bodies, workers, "postgresql")
    generator = "wrk" if shutil.which("wrk") else "an aiohttp client"
    lines = [f"# Gateway under load (loopback, durability full, load from {generator})", "",
             "| path | server | messages | msg/s acknowledged | msg/s processed | p50 ms | p99 ms "
             "| time ÷ floor |", "|---|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for path in ("webhooks", "webhooks, PostgreSQL", "mqtt", "mqtt, PostgreSQL"):
        rows = result.get(path)
        if not isinstance(rows, dict):
            continue
        floor = rows["floor"]["per_second"]
        for server, row in rows.items():
            if not isinstance(row, dict):
                continue
            lines.append(
                f"| {path} | {server} | {row['messages']:,} | {row['per_second']:,.0f} | "
                f"{row.get('processed_per_second', row['per_second']):,.0f} | "
                f"{row.get('p50_ms', float('nan')):.1f} | {row.get('p99_ms', float('nan')):.1f} | "
                f"{floor / row.get('processed_per_second', row['per_second']):.2f} |"
            )
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "gateway.md").write_text(text, encoding="utf-8")
    (RESULTS / "gateway.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
