"""Who this plugin is and what it can do: the ``MANIFEST`` the registry validates on load."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from interop import API_VERSION
from interop.adapters import Capability, PluginManifest
from interop.model.command import CommandKind

__all__ = ["MANIFEST", "__version__"]

try:
    __version__ = version("interop-slv")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

MANIFEST = PluginManifest(
    name="slv",
    version=__version__,
    api_version=API_VERSION,
    vendor="interop contributors",
    description=(
        "Itron Streetlight.Vision (SLV) street lighting: inventory, telemetry, dimming "
        "batches, schedules and alarms through the SLV NorthBound JSON web services as "
        "publicly documented (simulated where the docs are silent), and a simulator of them."
    ),
    protocols=("slv-northbound-json", "dali-102-arc-levels"),
    capabilities=frozenset({Capability.CONTROL, Capability.SIMULATE}),
    commands=frozenset(
        {CommandKind.ON, CommandKind.OFF, CommandKind.SET_LEVEL, CommandKind.RESUME_SCHEDULE}
    ),
    codeowners=("@interop/maintainers",),
    license="Apache-2.0",
)
