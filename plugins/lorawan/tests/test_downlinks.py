"""downlink_request: a canonical Command as the TTS push / ChirpStack enqueue HTTP request."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from interop_lorawan.downlinks import DownlinkRequest, downlink_request

from interop.errors import EncodeError
from interop.model.command import Command, CommandKind

DEV_EUI = "70b3d5f2a0001a2b"
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
"city-lights/lobby-light" = "busylight"
"""
SECRET = "NNSXS.SECRET-API-KEY-NEVER-IN-ERRORS"


@pytest.fixture
def profiles(tmp_path: Path) -> str:
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES, encoding="utf-8")
    return str(path)


def command(action: CommandKind, target: str = f"urn:interop:device:lorawan:{DEV_EUI}") -> Command:
    return Command(
        id="urn:interop:command:42", action=action, target=target,
        issued_at=datetime(2024, 3, 5, 9, tzinfo=UTC),
    )  # fmt: skip


def tts(profiles: str, **extra: Any) -> dict[str, Any]:
    return {
        "network": "ttn-v3", "profiles": profiles, "application_id": "city-lights",
        "webhook_id": "interop", "api_key": SECRET,
        "device_ids": {DEV_EUI: "busylight-lobby"}, **extra,
    }  # fmt: skip


def test_tts_push(profiles: str) -> None:
    request = downlink_request(command(CommandKind.ON), tts(profiles))
    method, path, headers, body = request  # unpacks as (method, url_path, headers, json_body)
    assert isinstance(request, DownlinkRequest)
    assert method == "POST"
    assert path == (
        "/api/v3/as/applications/city-lights/webhooks/interop/devices/busylight-lobby/down/push"
    )
    assert headers == {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}
    assert body == {
        "downlinks": [{
            "f_port": 15,  # red, blue, green, on time, off time
            "frm_payload": base64.b64encode(bytes([0, 0, 255, 255, 0])).decode(),
            "priority": "HIGH", "confirmed": True, "correlation_ids": ["urn:interop:command:42"],
        }]
    }  # fmt: skip


def test_tts_replace_template_and_device_id_targets(profiles: str) -> None:
    settings = tts(profiles, device_ids={}, device_id_template="eui-{dev_eui}", replace=True)
    path = downlink_request(command(CommandKind.OFF), settings).path
    assert path.endswith(f"/devices/eui-{DEV_EUI}/down/replace")
    # a device known by application and device id (no DevEUI in its IRI)
    target = "urn:interop:device:lorawan:city-lights%2Flobby-light"
    path = downlink_request(command(CommandKind.ON, target), tts(profiles)).path
    assert path.endswith("/devices/lobby-light/down/push")


def test_chirpstack_enqueue(profiles: str) -> None:
    settings = {"network": "chirpstack-v4", "profiles": profiles, "api_token": SECRET}
    method, path, headers, body = downlink_request(command(CommandKind.OFF), settings)
    assert (method, path) == ("POST", f"/api/devices/{DEV_EUI}/queue")
    assert headers["Grpc-Metadata-Authorization"] == f"Bearer {SECRET}"
    assert body == {
        "queueItem": {
            "devEui": DEV_EUI, "confirmed": True, "fPort": 15,
            "data": base64.b64encode(bytes([0, 0, 0, 0, 255])).decode(),
        }
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"network": "lorawan-1.1"}, "network"),
        ({"profiles": None}, "profiles"),
        ({"api_key": ""}, "api_key"),
        ({"webhook_id": None}, "webhook_id"),
        ({"device_ids": {}}, "device_ids"),
        ({"device_ids": ["x"]}, "device_ids"),
    ],
)
def test_settings_errors_name_the_field_and_hide_the_secret(
    profiles: str, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(EncodeError) as caught:
        downlink_request(command(CommandKind.ON), {**tts(profiles), **change})
    assert caught.value.field == field
    assert SECRET not in str(caught.value)


def test_commands_that_cannot_be_sent(profiles: str) -> None:
    with pytest.raises(EncodeError) as caught:  # the profile maps no downlink for it
        downlink_request(command(CommandKind.TOGGLE), tts(profiles))
    assert caught.value.field == "action"
    with pytest.raises(EncodeError) as caught:  # not a LoRaWAN device
        downlink_request(command(CommandKind.ON, "urn:interop:device:slv:7"), tts(profiles))
    assert caught.value.field == "target"
    settings = {"network": "chirpstack-v4", "profiles": profiles, "api_token": SECRET}
    target = "urn:interop:device:lorawan:city-lights%2Flobby-light"
    with pytest.raises(EncodeError) as caught:  # ChirpStack queues by DevEUI only
        downlink_request(command(CommandKind.ON, target), settings)
    assert caught.value.field == "target"
    other_app = "urn:interop:device:lorawan:other-app%2Flobby-light"
    with pytest.raises(EncodeError):
        downlink_request(command(CommandKind.ON, other_app), tts(profiles))
