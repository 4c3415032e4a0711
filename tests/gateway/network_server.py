"""A loopback network server for downlink tests: The Things Stack push and ChirpStack enqueue.

It records every request it receives (method, path, headers, JSON body) so that tests can
assert exactly what the gateway sent, and :func:`downlink_entries` gives the gateway config
entries that point at it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiohttp import web

DEV_EUI = "70b3d5f2a0001a2b"
DEVICE = f"urn:interop:device:lorawan:{DEV_EUI}"
TTS_KEY = "NNSXS.TEST-KEY-NEVER-SHOWN"
CS_TOKEN = "chirpstack-test-token"
PROFILES = """
[profiles.busylight]
codec = "busylight-codec"
device_kind = "actuator"
confirmed = true
priority = "HIGH"

[profiles.busylight.downlinks.on]
red = 0
green = 255
blue = 0
ontime = 255
offtime = 0

[profiles.busylight.downlinks.off]
red = 0
green = 0
blue = 0
ontime = 0
offtime = 255

[devices]
"70B3D5F2A0001A2B" = "busylight"
"""


@contextlib.asynccontextmanager
async def network_server(status: int = 200) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback server answering TTS push and ChirpStack enqueue; yields (url, requests)."""
    received: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        received.append(
            {"method": request.method, "path": request.path, "headers": dict(request.headers),
             "body": json.loads(await request.read())}
        )  # fmt: skip
        if status != 200:
            return web.json_response({"code": 5, "message": "not found"}, status=status)
        if request.path.startswith("/api/devices/"):
            return web.json_response({"id": "9a5b0d4e-7f0c-4a39-9f41-1f0f0f0f0f0f"})
        return web.json_response({})

    app = web.Application()
    app.router.add_post(
        "/api/v3/as/applications/{app}/webhooks/{webhook}/devices/{device}/down/push", handle
    )
    app.router.add_post("/api/devices/{dev_eui}/queue", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", received
    finally:
        await runner.cleanup()


def downlink_entries(folder: Path, url: str) -> list[dict[str, Any]]:
    """Config entries for a TTS and a ChirpStack server at ``url`` (secrets TEST_TTS_KEY,
    TEST_CS_TOKEN in the environment); writes the device profiles into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    profiles = folder / "profiles.toml"
    profiles.write_text(PROFILES, encoding="utf-8")
    return [
        {"name": "tts", "plugin": "lorawan", "url": url,
         "secrets": {"api_key": "env:TEST_TTS_KEY"},
         "settings": {"network": "ttn-v3", "profiles": str(profiles),
                      "application_id": "city-lights", "webhook_id": "interop",
                      "device_ids": {DEV_EUI: "busylight-lobby"}}},
        {"name": "chirpstack", "plugin": "lorawan", "url": url + "/",
         "secrets": {"api_token": "env:TEST_CS_TOKEN"},
         "settings": {"network": "chirpstack-v4", "profiles": str(profiles)}},
    ]  # fmt: skip
