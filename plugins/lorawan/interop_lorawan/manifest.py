"""Who this plugin is and what it can do: the ``MANIFEST`` the registry validates on load."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from interop import API_VERSION
from interop.adapters import Capability, PluginManifest

__all__ = ["MANIFEST", "__version__"]

try:
    __version__ = version("interop-lorawan")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

MANIFEST = PluginManifest(
    name="lorawan",
    version=__version__,
    api_version=API_VERSION,
    vendor="interop contributors",
    description="LoRaWAN network-server messages (TTS v3, ChirpStack v4) to canonical records.",
    protocols=(
        "The Things Stack v3 (webhook / MQTT JSON)",
        "ChirpStack v4 (HTTP / MQTT JSON)",
        "LoRaWAN device payload codecs",
    ),
    capabilities=frozenset({Capability.DECODE, Capability.DEMO}),
    codeowners=("@interop/maintainers",),
    license="Apache-2.0",
)
"""Decode and demo only: uplinks are device-originated, so the Codec cannot encode records
back into them; downlinks (Command -> TTS/ChirpStack JSON) are the library API
:class:`interop_lorawan.uplink.DownlinkBuilder`, not a Codec adapter."""
