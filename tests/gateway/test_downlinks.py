"""Downlinks: a canonical Command becomes a TTS push or a ChirpStack enqueue, sent and stored.

A real aiohttp server on loopback plays The Things Stack's webhook downlink API and
ChirpStack's REST enqueue; the tests assert the exact requests it received and the stored
Command and CommandResult.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import pytest

from interop.errors import ValidationError
from interop.gateway import Gateway
from interop.testing.servers import free_port

from .conftest import ADMIN, config_for, run, running
from .network_server import CS_TOKEN, DEV_EUI, DEVICE, TTS_KEY, downlink_entries, network_server

AUTH = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture(autouse=True)
def _lorawan(registry) -> None:
    if "lorawan" not in {p.name for p in registry.plugins}:
        pytest.skip("the lorawan plugin is not installed")


def downlink_config(tmp_path, monkeypatch, url: str):
    monkeypatch.setenv("TEST_TTS_KEY", TTS_KEY)
    monkeypatch.setenv("TEST_CS_TOKEN", CS_TOKEN)
    return config_for(tmp_path, monkeypatch, downlink=downlink_entries(tmp_path, url))


async def post(session, url: str, body: Any, headers=AUTH) -> tuple[int, Any, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body)
    async with session.post(url, data=data, headers=headers) as response:
        return response.status, response.headers, json.loads(await response.read())


async def downlink_records(gateway, kind: str) -> list[Any]:
    rows = await gateway.store.scan(limit=10_000)
    return [
        r for _, r in rows
        if r.kind == kind and ":downlink%3A" in str(r.provenance and r.provenance.raw_message_id)
    ]  # fmt: skip


def test_tts_push_and_chirpstack_enqueue_exact_requests_stored(tmp_path, monkeypatch, registry):
    canonical = {
        "kind": "command", "id": "urn:interop:command:city:42", "action": "off",
        "target": DEVICE, "issued_at": "2026-03-05T09:00:00Z",
    }  # fmt: skip

    async def go():
        async with network_server() as (url, received):
            config = downlink_config(tmp_path, monkeypatch, url)
            async with running(config, registry) as gateway, aiohttp.ClientSession() as session:
                tts = await post(
                    session, f"{gateway.url}/downlinks/tts/commands",
                    {"action": "on", "target": DEVICE},
                )  # fmt: skip
                chirpstack = await post(
                    session, f"{gateway.url}/downlinks/chirpstack/commands", [canonical]
                )
                commands = await downlink_records(gateway, "command")
                results = await downlink_records(gateway, "command_result")
        return tts, chirpstack, received, commands, results

    tts, chirpstack, received, commands, results = run(go())
    assert tts[0] == 200, tts
    assert chirpstack[0] == 200, chirpstack
    (tts_result,) = tts[2]["results"]
    (cs_result,) = chirpstack[2]["results"]
    assert tts_result["status"] == cs_result["status"] == "accepted"
    assert tts_result["target"] == cs_result["target"] == DEVICE
    assert cs_result["command"] == canonical["id"]
    push, enqueue = received
    assert push["method"] == "POST"
    assert push["path"] == (
        "/api/v3/as/applications/city-lights/webhooks/interop/devices/busylight-lobby/down/push"
    )
    assert push["headers"]["Authorization"] == f"Bearer {TTS_KEY}"
    assert push["headers"]["Content-Type"] == "application/json"
    assert push["body"] == {
        "downlinks": [{
            "f_port": 15, "frm_payload": base64.b64encode(bytes([0, 0, 255, 255, 0])).decode(),
            "priority": "HIGH", "confirmed": True, "correlation_ids": [tts_result["command"]],
        }]
    }  # fmt: skip
    assert enqueue["path"] == f"/api/devices/{DEV_EUI}/queue"
    assert enqueue["headers"]["Grpc-Metadata-Authorization"] == f"Bearer {CS_TOKEN}"
    assert "Authorization" not in enqueue["headers"]
    assert enqueue["body"] == {
        "queueItem": {
            "devEui": DEV_EUI, "confirmed": True, "fPort": 15,
            "data": base64.b64encode(bytes([0, 0, 0, 0, 255])).decode(),
        }
    }  # fmt: skip
    assert {c.id for c in commands} == {tts_result["command"], canonical["id"]}
    assert {r.id for r in results} == {tts_result["id"], cs_result["id"]}


def test_refusals_unencodable_commands_and_a_server_down(tmp_path, monkeypatch, registry):
    async def go():
        answers: dict[str, tuple[int, Any, Any]] = {}
        async with network_server(status=404) as (url, received):
            config = downlink_config(tmp_path, monkeypatch, url)
            async with running(config, registry) as gateway, aiohttp.ClientSession() as session:
                base = f"{gateway.url}/downlinks"
                answers["refused"] = await post(
                    session, f"{base}/tts/commands", {"action": "on", "target": DEVICE}
                )
                answers["no downlink"] = await post(
                    session, f"{base}/tts/commands", {"action": "toggle", "target": DEVICE}
                )
                answers["not lorawan"] = await post(
                    session, f"{base}/chirpstack/commands",
                    [{"action": "on", "target": DEVICE},
                     {"action": "on", "target": "urn:interop:device:slv:7"}],
                )  # fmt: skip
                answers["group"] = await post(
                    session, f"{base}/tts/commands", {"action": "on", "group": "g"}
                )
                answers["unknown"] = await post(
                    session, f"{base}/nope/commands", {"action": "on", "target": DEVICE}
                )
                answers["no token"] = await post(
                    session, f"{base}/tts/commands", {"action": "on", "target": DEVICE}, {}
                )
                sent = len(received)
        down_url = f"http://127.0.0.1:{free_port()}"
        config = downlink_config(tmp_path / "down", monkeypatch, down_url)
        async with running(config, registry) as gateway, aiohttp.ClientSession() as session:
            answers["down"] = await post(
                session, f"{gateway.url}/downlinks/chirpstack/commands",
                {"action": "on", "target": DEVICE},
            )  # fmt: skip
            stored = await downlink_records(gateway, "command_result")
        return answers, sent, stored

    answers, sent, stored = run(go())
    assert sent == 1  # only the refused one reached the server; nothing of the 422s
    status, _, body = answers["refused"]
    assert status == 200
    assert body["results"][0]["status"] == "rejected"
    assert "404" in body["results"][0]["detail"]
    assert answers["no downlink"][0] == 422
    assert answers["no downlink"][2]["code"] == "validation-error"
    assert "action" in answers["no downlink"][2]["detail"]
    assert answers["not lorawan"][0] == 422
    assert "1.target" in answers["not lorawan"][2]["detail"]
    assert answers["group"][0] == 400
    assert answers["unknown"][0] == 404
    assert answers["no token"][0] == 401
    status, headers, body = answers["down"]
    assert status == 503
    assert int(headers["Retry-After"]) > 0
    assert body["results"][0]["status"] == "failed"
    assert [r.id for r in stored] == [body["results"][0]["id"]]
    for _, _, problem in answers.values():
        text = json.dumps(problem)
        assert TTS_KEY not in text
        assert CS_TOKEN not in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"plugin": "template"}, "downlink[0].plugin"),  # implements no interop_downlink
        ({"url": "ftp://ns.example"}, "downlink[0].url"),
        ({"secrets": {"api_key": TTS_KEY}}, "downlink[0].secrets.api_key"),  # not a reference
    ],
)
def test_config_errors_name_the_entry(change, field, tmp_path, monkeypatch, registry):
    monkeypatch.setenv("TEST_TTS_KEY", TTS_KEY)
    (entry, _) = downlink_entries(tmp_path, "http://127.0.0.1:9")
    config = config_for(tmp_path, monkeypatch, downlink=[{**entry, **change}])
    with pytest.raises(ValidationError) as caught:
        run(Gateway(config, registry).start())
    assert caught.value.field == field
    assert TTS_KEY not in str(caught.value)
