"""interop-lorawan: LoRaWAN network-server messages to canonical records, and downlinks.

This module is what the ``interop.plugins`` entry point names: it holds the ``MANIFEST`` and
the hook implementations. Envelopes (TTS v3, ChirpStack v4, both directions) are
:mod:`interop_lorawan.envelopes`, device profiles :mod:`interop_lorawan.profiles`, the
semantic mapping :mod:`interop_lorawan.mapping`, the Codec adapter and the downlink builder
:mod:`interop_lorawan.uplink`, payload codecs :mod:`interop_lorawan.payload` and
:mod:`interop_lorawan.codecs`, the demo :mod:`interop_lorawan.demo` and the kit's cases
:mod:`interop_lorawan.conformance` (imported only when the kit asks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from interop.adapters import Adapter, DemoResult
from interop.egress import DownlinkRequest
from interop.hookspecs import hookimpl
from interop.ingress import Ingress
from interop.model.command import Command
from interop_lorawan.manifest import MANIFEST, __version__
from interop_lorawan.uplink import DownlinkBuilder, LorawanUplinkCodec

__all__ = [
    "MANIFEST",
    "DownlinkBuilder",
    "LorawanUplinkCodec",
    "__version__",
    "interop_cli_groups",
    "interop_conformance_cases",
    "interop_demo",
    "interop_downlink",
    "interop_ingress",
    "interop_register_adapters",
]


@hookimpl
def interop_register_adapters() -> Sequence[type[Adapter]]:
    """One Codec: TTS v3 and ChirpStack v4 messages, recognised by shape."""
    return [LorawanUplinkCodec]


@hookimpl
def interop_conformance_cases() -> Sequence[object]:
    """Conformance cases for the kit (imports Hypothesis, so only when the kit calls)."""
    from interop_lorawan.conformance import conformance_cases

    return conformance_cases()


@hookimpl
def interop_cli_groups() -> Sequence[object]:
    """``interop lorawan codecs`` and ``interop lorawan coverage FILE``."""
    from interop_lorawan.cli import app

    return [app]


@hookimpl
def interop_ingress() -> Sequence[Ingress]:
    """TTS v3 webhooks/MQTT (uplink, join, location, service data) and ChirpStack v4 events."""
    from interop_lorawan.ingress import ingresses

    return ingresses()


@hookimpl
def interop_demo(output_dir: Path) -> DemoResult | None:
    """Decode the bundled sample uplinks into ``output_dir``."""
    from interop_lorawan.demo import run_demo

    return run_demo(output_dir)


@hookimpl
def interop_downlink(command: Command, settings: Mapping[str, Any]) -> DownlinkRequest | None:
    """A Command as a TTS ``down/push`` or ChirpStack enqueue request (None: another network)."""
    from interop_lorawan.downlinks import NETWORKS, downlink_request

    if settings.get("network") not in NETWORKS:
        return None
    return downlink_request(command, settings)
