"""The floors of ``bench.gateway``: the least a durable ingestion server can do.

``http PORT LOCATION``: an aiohttp handler that commits each raw body to a store (a
folder: SQLite; a ``postgresql://`` DSN) with ``Store.accept``, durability full, and
answers 200. ``mqtt BROKER_PORT LOCATION HEALTH_PORT``:
an aiomqtt subscriber (QoS 1, manual PUBACK) that commits raw messages to the same kind of
store in batches and then acknowledges them; ``/healthz`` on HEALTH_PORT says it is up.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from datetime import UTC, datetime

import aiomqtt
from aiohttp import web
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from interop.store import RawMessage, open_store


def _message(body: bytes) -> RawMessage:
    key = hashlib.sha256(body).hexdigest()
    return RawMessage("floor", key, body, datetime.now(UTC))


async def http(port: int, location: str) -> None:
    store = open_store(location)  # a folder (SQLite) or a postgresql:// DSN
    await store.open()

    async def ingest(request: web.Request) -> web.Response:
        await store.accept([_message(await request.read())])
        return web.Response(text="ok")

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/ingest", ingest)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


async def mqtt(broker_port: int, location: str, health_port: int) -> None:
    store = open_store(location)
    await store.open()
    app = web.Application()

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    connect = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    connect.ReceiveMaximum = 1000  # the gateway's default window; its queue is unbounded too
    client = aiomqtt.Client("127.0.0.1", broker_port, identifier="bench-floor",
                            protocol=aiomqtt.ProtocolVersion.V5, properties=connect,
                            max_queued_incoming_messages=0)  # fmt: skip
    client._client.manual_ack_set(True)
    async with client:
        await client.subscribe("v3/+/devices/+/up", qos=1)
        await web.TCPSite(runner, "127.0.0.1", health_port).start()
        messages = client.messages
        iterator = messages.__aiter__()
        while True:
            batch = [await iterator.__anext__()]
            while len(batch) < 200 and len(messages) > 0:
                batch.append(await iterator.__anext__())
            await store.accept([_message(bytes(m.payload)) for m in batch])  # type: ignore[arg-type]
            for m in batch:
                client._client.ack(m.mid, m.qos)


if __name__ == "__main__":
    if sys.argv[1] == "http":
        asyncio.run(http(int(sys.argv[2]), sys.argv[3]))
    else:
        asyncio.run(mqtt(int(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
