"""Who this plugin is and what it can do: the ``MANIFEST`` the registry validates on load."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from interop import API_VERSION
from interop.adapters import Capability, PluginManifest
from interop.model.command import CommandKind

__all__ = ["MANIFEST", "__version__"]

try:
    __version__ = version("interop-talq")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

MANIFEST = PluginManifest(
    name="talq",
    version=__version__,
    api_version=API_VERSION,
    vendor="interop contributors",
    description="Street lighting through the published TALQ 2.7.1 OpenAPI: a controller for "
    "Gateways, a CMS API endpoint and a simulated Gateway (not TALQ-certified).",
    protocols=("TALQ Gateway API 2.7.1 (OpenAPI)", "TALQ CMS API 2.7.1 (OpenAPI)"),
    capabilities=frozenset({Capability.CONTROL, Capability.SIMULATE}),
    commands=frozenset(
        {CommandKind.ON, CommandKind.OFF, CommandKind.SET_LEVEL, CommandKind.RESUME_SCHEDULE}
    ),
    codeowners=("@interop/maintainers",),
    license="Apache-2.0",
)
