"""Who this plugin is and what it can do: the ``MANIFEST`` the registry validates on load."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from interop import API_VERSION
from interop.adapters import Capability, PluginManifest

__all__ = ["MANIFEST", "__version__"]

try:
    __version__ = version("interop-ngsild")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

MANIFEST = PluginManifest(
    name="ngsild",
    version=__version__,
    api_version=API_VERSION,
    vendor="interop contributors",
    description="NGSI-LD entities as FIWARE Smart Data Models, both ways; a broker sink.",
    protocols=("NGSI-LD (ETSI GS CIM 009)", "FIWARE Smart Data Models"),
    capabilities=frozenset(
        {
            Capability.DECODE,
            Capability.ENCODE,
            Capability.READ_DATASET,
            Capability.WRITE_DATASET,
            Capability.SINK,
            Capability.VALIDATE,
        }
    ),
    precision={},
    codeowners=("@interop/maintainers",),
    license="Apache-2.0",
)
"""Exact round trips in normalized and concise form: values, units and times are kept as given."""
