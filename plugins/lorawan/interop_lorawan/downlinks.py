"""A canonical Command as the HTTP request that queues it on the network server.

:func:`downlink_request` is what the gateway calls to send a command to a LoRaWAN device
without knowing the vendor: it gets back ``(method, path, headers, body)`` and sends the JSON
body to ``path`` on the network server's base URL from its config. The bytes come from the
device profile's payload codec through :class:`~interop_lorawan.uplink.DownlinkBuilder`.

* The Things Stack v3: ``POST /api/v3/as/applications/{app}/webhooks/{webhook}/devices/
  {device}/down/push`` (or ``down/replace``) with ``Authorization: Bearer {api key}``, the
  webhook's downlink API; the body is ``{"downlinks": [...]}`` with the command's id as a
  correlation id, so the ``down/ack|nack|failed`` events name the command.
* ChirpStack v4 (REST API): ``POST /api/devices/{devEui}/queue`` with
  ``Grpc-Metadata-Authorization: Bearer {api token}`` and ``{"queueItem": {...}}``.

Settings are the gateway's config table for the network server (secrets already resolved
from the environment or a file by the gateway); see :func:`downlink_request`. The request
type is the core's :class:`interop.egress.DownlinkRequest`, which the plugin's
``interop_downlink`` hook returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from interop.egress import DownlinkRequest
from interop.errors import EncodeError
from interop.model.command import Command
from interop_lorawan.profiles import ProfileBook, load_profiles_file
from interop_lorawan.uplink import DownlinkBuilder

__all__ = ["NETWORKS", "DownlinkRequest", "downlink_request"]

NETWORKS = ("ttn-v3", "chirpstack-v4")
"""The network servers :func:`downlink_request` writes requests for."""


_BUILDERS: dict[str, DownlinkBuilder] = {}


def _fail(
    message: str, field: str, expected: str, source: str = "lorawan downlinks"
) -> EncodeError:
    return EncodeError(message, source=source, field=field, expected=expected)


def _text(settings: Mapping[str, Any], key: str, network: str) -> str:
    value = settings.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(
            "is missing" if value is None else "is not a non-empty string",
            key, f"the {network} setting {key!r} (a non-empty string)",
        )  # fmt: skip
    return value.strip()


def _builder(settings: Mapping[str, Any]) -> DownlinkBuilder:
    """The builder for the settings' device profiles (a ProfileBook or a file; cached)."""
    profiles = settings.get("profiles")
    if isinstance(profiles, ProfileBook):
        return DownlinkBuilder(profiles)
    if not isinstance(profiles, str | Path) or not str(profiles):
        raise _fail(
            "is missing", "profiles",
            "a device-profiles file (TOML/JSON) mapping command kinds to downlinks",
        )  # fmt: skip
    key = str(profiles)
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = DownlinkBuilder(load_profiles_file(Path(profiles)))
        _BUILDERS[key] = builder
    return builder


def _tts_device(key: str, settings: Mapping[str, Any], application: str, source: str) -> str:
    """The TTS device id of a device keyed by DevEUI or ``{application}/{device id}``."""
    app, slash, device = key.partition("/")
    if slash:
        if app not in (application, "-"):
            raise _fail(
                f"the device belongs to application {app!r}", "target",
                f"a device of application {application!r}", source,
            )  # fmt: skip
        return device
    ids = settings.get("device_ids") or {}
    if not isinstance(ids, Mapping):
        raise _fail("is not a table", "device_ids", "DevEUI = TTS device id entries")
    named = ids.get(key) or ids.get(key.upper())
    if isinstance(named, str) and named:
        return named
    template = settings.get("device_id_template")
    if isinstance(template, str) and "{dev_eui}" in template:
        return template.replace("{dev_eui}", key.lower())
    raise _fail(
        f"no TTS device id for DevEUI {key}", "device_ids",
        "the device in settings.device_ids, or device_id_template such as 'eui-{dev_eui}'",
        source,
    )  # fmt: skip


def downlink_request(command: Command, settings: Mapping[str, Any]) -> DownlinkRequest:
    """The request that queues ``command`` on the network server ``settings`` describe.

    ``settings``: ``network`` (``ttn-v3`` or ``chirpstack-v4``) and ``profiles`` (a device
    profiles file or a ProfileBook) always; for TTS ``application_id``, ``webhook_id``,
    ``api_key``, optionally ``device_ids`` (DevEUI -> device id), ``device_id_template``
    (e.g. ``eui-{dev_eui}``) and ``replace`` (true: ``down/replace``, clearing the queue);
    for ChirpStack ``api_token``. EncodeError names the command and what is missing;
    the credential never appears in an error.
    """
    network = settings.get("network")
    if network not in NETWORKS:
        raise _fail(f"network {network!r}", "network", f"one of {', '.join(NETWORKS)}")
    builder = _builder(settings)
    key = builder.device_key(command)
    if network == "ttn-v3":
        application = _text(settings, "application_id", network)
        webhook = _text(settings, "webhook_id", network)
        api_key = _text(settings, "api_key", network)
        device = _tts_device(key, settings, application, command.id)
        operation = "replace" if settings.get("replace") is True else "push"
        path = (
            f"/api/v3/as/applications/{quote(application, safe='')}/webhooks/"
            f"{quote(webhook, safe='')}/devices/{quote(device, safe='')}/down/{operation}"
        )
        headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
        return DownlinkRequest("POST", path, headers, builder.tts(command))
    token = _text(settings, "api_token", network)
    if "/" in key:
        raise _fail(
            f"device {key!r} has no DevEUI", "target",
            "a device IRI minted from its DevEUI (ChirpStack queues by DevEUI)", command.id,
        )  # fmt: skip
    headers = {
        "Grpc-Metadata-Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
    }
    path = f"/api/devices/{quote(key.lower(), safe='')}/queue"
    return DownlinkRequest("POST", path, headers, builder.chirpstack(command))
