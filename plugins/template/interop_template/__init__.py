"""interop-template: the smallest complete interop plugin, made to be copied.

This module is what the ``interop.plugins`` entry point names: it holds the ``MANIFEST``
and the hook implementations. Everything else lives in its own module: the wire format in
:mod:`interop_template.codec`, the demo in :mod:`interop_template.demo` and the kit's
strategies in :mod:`interop_template.conformance` (imported only when the kit asks).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from interop.adapters import Adapter, DemoResult
from interop.hookspecs import hookimpl
from interop.ingress import Ingress
from interop_template.codec import TemplateJsonCodec
from interop_template.manifest import MANIFEST, __version__

__all__ = [
    "MANIFEST",
    "TemplateJsonCodec",
    "__version__",
    "interop_conformance_cases",
    "interop_demo",
    "interop_ingress",
    "interop_register_adapters",
]


@hookimpl
def interop_register_adapters() -> Sequence[type[Adapter]]:
    """The template's one adapter: the template sensor JSON codec."""
    return [TemplateJsonCodec]


@hookimpl
def interop_conformance_cases() -> Sequence[object]:
    """Conformance cases for the kit (imports Hypothesis, so only when the kit calls)."""
    from interop_template.conformance import conformance_cases

    return conformance_cases()


@hookimpl
def interop_demo(output_dir: Path) -> DemoResult | None:
    """Decode the bundled sample messages into ``output_dir``."""
    from interop_template.demo import run_demo

    return run_demo(output_dir)


@hookimpl
def interop_ingress() -> Sequence[Ingress]:
    """The webhook and MQTT topic a gateway mounts for template sensors."""
    from interop_template.ingress import INGRESSES

    return INGRESSES
