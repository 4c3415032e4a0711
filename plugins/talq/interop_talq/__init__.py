"""interop-talq: street lighting through the published TALQ 2.7.1 OpenAPI (Gateway and CMS APIs).

This module is what the ``interop.plugins`` entry point names: the ``MANIFEST`` and the hook
implementations. The controller (CMS side calling a Gateway) is
:mod:`interop_talq.controller`, the CMS API application a Gateway calls
:mod:`interop_talq.cms`, the simulated Gateway :mod:`interop_talq.simulator` and the
optional OpenAPI validation :mod:`interop_talq.openapi`.
"""

from __future__ import annotations

from collections.abc import Sequence

from interop.adapters import Adapter
from interop.hookspecs import hookimpl
from interop_talq.controller import TalqController
from interop_talq.manifest import MANIFEST, __version__

__all__ = [
    "MANIFEST",
    "TalqController",
    "__version__",
    "interop_register_adapters",
    "interop_simulators",
]


@hookimpl
def interop_register_adapters() -> Sequence[type[Adapter]]:
    """One controller: the CMS side of the TALQ Gateway API."""
    return [TalqController]


@hookimpl
def interop_simulators() -> Sequence[object]:
    """The simulated TALQ Gateway (imports aiohttp's server side only when asked)."""
    from interop_talq.simulator import SPEC

    return [SPEC]
