"""Who this plugin is and what it can do: the ``MANIFEST`` the registry validates on load."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from interop import API_VERSION
from interop.adapters import Capability, PluginManifest

__all__ = ["MANIFEST", "PLUGIN", "__version__"]

PLUGIN = "gtfs"
"""The plugin's name: its entry-point name and the namespace of its ``extensions``."""

try:
    __version__ = version("interop-gtfs")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

MANIFEST = PluginManifest(
    name=PLUGIN,
    version=__version__,
    api_version=API_VERSION,
    vendor="interop contributors",
    description="GTFS Schedule feeds and GTFS-Realtime messages to canonical transit records "
    "and back, losslessly; feed validation; Linked GTFS export.",
    protocols=("GTFS Schedule", "GTFS-Realtime", "Linked GTFS"),
    capabilities=frozenset(
        {
            Capability.READ_DATASET,
            Capability.WRITE_DATASET,
            Capability.DECODE,
            Capability.ENCODE,
            Capability.VALIDATE,
            Capability.RDF_PROFILE,
            Capability.DEMO,
        }
    ),
    rdf_profiles=("linked-gtfs",),
    precision={},
    codeowners=("@interop/maintainers",),
    license="Apache-2.0",
)
"""Exact round trips: every value GTFS holds reads back equal, so no tolerance is declared."""
