"""An installed lighting plugin: the reference controller and its simulator, for the suite."""

from __future__ import annotations

from collections.abc import Sequence

from interop import API_VERSION
from interop.adapters import Adapter, Capability, PluginManifest
from interop.hookspecs import hookimpl

MANIFEST = PluginManifest(
    name="reflight",
    version="1.0.0",
    api_version=API_VERSION,
    vendor="kit self-test",
    description="the reference lighting controller and simulator of interop.testing",
    protocols=("reference-lighting",),
    capabilities=frozenset({Capability.CONTROL, Capability.SIMULATE}),
)


@hookimpl
def interop_register_adapters() -> Sequence[type[Adapter]]:
    from interop.testing.reference_lighting import ReferenceController

    return [ReferenceController]


@hookimpl
def interop_simulators() -> Sequence[object]:
    from interop.testing.reference_lighting import reference_spec

    return [reference_spec()]
