"""Device profiles: per device or per device-profile name, how to read and command it.

A :class:`DeviceProfile` chooses the payload codec (an id of
:class:`~interop_lorawan.payload.PayloadCodecs`), the vendor whose mapping corrections apply,
per-field overrides of the semantic mapping, the SAREF device kind, whether radio metadata is
kept, and how canonical commands become downlink objects. A :class:`ProfileBook` finds the
profile of an uplink: by DevEUI, then device id, then the network server's device-profile
name (ChirpStack ``deviceProfileName``, TTS ``{brand_id}/{model_id}``), then the default.

Config (TOML or JSON, same shape)::

    [defaults]
    radio_metadata = true

    [profiles.relay-switch]
    codec = "acme-relay"             # payload codec id
    vendor = "acme"                  # vendor corrections of the mapping
    device_kind = "switch"
    f_port = 10                      # downlink FPort when the codec names none
    confirmed = true
    priority = "HIGH"                # TTS downlink priority
    [profiles.relay-switch.fields]   # field -> property key [unit], or a table
    status = "occupancy"
    vbat = { property = "battery_voltage", unit = "mV" }
    [profiles.relay-switch.downlinks]   # command kind -> the codec's downlink object
    on = { relay = 1 }
    off = { relay = 0 }
    set_level = { dim = "{level}" }     # "{level}" becomes the command's level (0..100)

    [devices]                        # DevEUI or device id -> profile name
    "70b3d5f2a0001a2b" = "relay-switch"

A command kind a profile does not list is refused with EncodeError, never guessed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from interop.errors import ValidationError
from interop.model.command import CommandKind
from interop.model.device import DeviceKind
from interop_lorawan.envelopes import TTS_PRIORITIES, Envelope
from interop_lorawan.mapping import FieldRule

__all__ = ["DeviceProfile", "ProfileBook", "load_profiles", "load_profiles_file"]

_PROFILE_KEYS = frozenset(
    {"codec", "vendor", "device_kind", "fields", "radio_metadata", "downlinks", "f_port",
     "confirmed", "priority"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    """How to decode, map and command one kind of device."""

    name: str = "default"
    codec: str | None = None
    vendor: str | None = None
    device_kind: DeviceKind = DeviceKind.SENSOR
    fields: Mapping[str, FieldRule] = field(default_factory=dict)
    radio_metadata: bool = True
    downlinks: Mapping[CommandKind, Mapping[str, Any]] = field(default_factory=dict)
    f_port: int | None = None
    confirmed: bool = False
    priority: str = "NORMAL"


@dataclass(frozen=True, slots=True)
class ProfileBook:
    """Profiles by name, devices (DevEUI or device id) -> profile name, and a default."""

    profiles: Mapping[str, DeviceProfile] = field(default_factory=dict)
    devices: Mapping[str, str] = field(default_factory=dict)
    default: DeviceProfile = field(default_factory=DeviceProfile)

    def resolve(self, envelope: Envelope) -> DeviceProfile:
        """The profile of ``envelope``'s device (see the module docstring for the order)."""
        for key in (envelope.dev_eui, envelope.device_id):
            if key and key in self.devices:
                return self.profiles[self.devices[key]]
        if envelope.device_profile and envelope.device_profile in self.profiles:
            return self.profiles[envelope.device_profile]
        return self.default

    def for_device(self, key: str) -> DeviceProfile:
        """The profile of a device known by DevEUI (lowercase) or device id."""
        name = self.devices.get(key) or self.devices.get(key.lower())
        return self.profiles[name] if name else self.default


def _fail(message: str, field: str, expected: str) -> ValidationError:
    return ValidationError(message, source="device profiles", field=field, expected=expected)


def _profile(name: str, spec: object, base: Mapping[str, Any]) -> DeviceProfile:
    if not isinstance(spec, Mapping):
        raise _fail(f"is a {type(spec).__name__}", f"profiles.{name}", "a table")
    merged = {**base, **spec}
    unknown = set(merged) - _PROFILE_KEYS
    if unknown:
        raise _fail(
            f"unknown keys {sorted(unknown)}", f"profiles.{name}", str(sorted(_PROFILE_KEYS))
        )
    at = f"profiles.{name}"
    try:
        kind = DeviceKind(merged.get("device_kind", "sensor"))
        fields = {str(k): FieldRule.parse(v) for k, v in dict(merged.get("fields", {})).items()}
        downlinks = {CommandKind(k): dict(v) for k, v in dict(merged.get("downlinks", {})).items()}
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc), at, "device_kind, fields and downlinks as documented") from exc
    f_port = merged.get("f_port")
    if f_port is not None and (
        isinstance(f_port, bool) or not isinstance(f_port, int) or not 1 <= f_port <= 223
    ):
        raise _fail(f"{f_port!r}", at + ".f_port", "an FPort 1..223")
    priority = merged.get("priority", "NORMAL")
    if priority not in TTS_PRIORITIES:
        raise _fail(f"{priority!r}", at + ".priority", ", ".join(TTS_PRIORITIES))
    for key in ("codec", "vendor"):
        if merged.get(key) is not None and not isinstance(merged[key], str):
            raise _fail(f"{merged[key]!r}", f"{at}.{key}", "a string")
    for key in ("radio_metadata", "confirmed"):
        if key in merged and not isinstance(merged[key], bool):
            raise _fail(f"{merged[key]!r}", f"{at}.{key}", "true or false")
    return DeviceProfile(
        name=name,
        codec=merged.get("codec"),
        vendor=merged.get("vendor"),
        device_kind=kind,
        fields=fields,
        radio_metadata=merged.get("radio_metadata", True),
        downlinks=downlinks,
        f_port=f_port,
        confirmed=merged.get("confirmed", False),
        priority=priority,
    )


def load_profiles(config: Mapping[str, Any]) -> ProfileBook:
    """A :class:`ProfileBook` from its config mapping; ValidationError names the bad key."""
    unknown = set(config) - {"defaults", "profiles", "devices"}
    if unknown:
        raise _fail(f"unknown sections {sorted(unknown)}", "", "defaults, profiles, devices")
    base = config.get("defaults", {})
    if not isinstance(base, Mapping):
        raise _fail("is not a table", "defaults", "a table")
    profiles = {
        str(n): _profile(str(n), s, base) for n, s in dict(config.get("profiles", {})).items()
    }
    devices: dict[str, str] = {}
    for key, name in dict(config.get("devices", {})).items():
        if name not in profiles:
            raise _fail(f"names unknown profile {name!r}", f"devices.{key}", str(sorted(profiles)))
        devices[str(key).lower() if len(str(key)) == 16 else str(key)] = name
    return ProfileBook(profiles, devices, _profile("default", {}, base))


def load_profiles_file(path: Path) -> ProfileBook:
    """Load a ``.toml`` or ``.json`` profiles file."""
    data = path.read_bytes()
    try:
        config = (
            tomllib.loads(data.decode("utf-8")) if path.suffix == ".toml" else orjson.loads(data)
        )
    except (tomllib.TOMLDecodeError, orjson.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"unreadable: {exc}", source=str(path)) from exc
    if not isinstance(config, Mapping):
        raise ValidationError("is not a table", source=str(path), expected="a mapping")
    return load_profiles(config)
