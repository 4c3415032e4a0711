"""Who this plugin is and what it can do: the ``MANIFEST`` the registry validates on load.

Copying the template? Change ``name`` (it must equal your entry-point name), ``vendor``,
``description`` and ``protocols``, and keep ``capabilities`` equal to what you implement:
the registry refuses a plugin that declares more, or less, than it provides.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from interop import API_VERSION
from interop.adapters import Capability, PluginManifest

__all__ = ["MANIFEST", "__version__"]

try:
    __version__ = version("interop-template")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

MANIFEST = PluginManifest(
    name="template",
    version=__version__,
    api_version=API_VERSION,
    vendor="interop contributors",
    description="Template sensor JSON: the smallest complete plugin, to copy.",
    protocols=("template sensor JSON",),
    capabilities=frozenset({Capability.DECODE, Capability.ENCODE, Capability.DEMO}),
    precision={},
    codeowners=("@interop/maintainers",),
    license="Apache-2.0",
)
"""Exact round trips: JSON numbers keep every digit, so no ``precision`` tolerance is needed."""
