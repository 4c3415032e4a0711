"""interop-slv: Itron Streetlight.Vision (SLV) street lighting through its JSON web services.

This module is what the ``interop.plugins`` entry point names: the ``MANIFEST`` and the
hook implementations. The controller is :mod:`interop_slv.controller`, the simulator of
the SLV NorthBound API :mod:`interop_slv.simulator` (imported only when asked for).
"""

from __future__ import annotations

from collections.abc import Sequence

from interop.adapters import Adapter
from interop.hookspecs import hookimpl
from interop_slv.controller import SlvController
from interop_slv.manifest import MANIFEST, __version__

__all__ = [
    "MANIFEST",
    "SlvController",
    "__version__",
    "interop_register_adapters",
    "interop_simulators",
]


@hookimpl
def interop_register_adapters() -> Sequence[type[Adapter]]:
    """One Controller: SLV's NorthBound JSON services as a LightingController."""
    return [SlvController]


@hookimpl
def interop_simulators() -> Sequence[object]:
    """The SLV simulator (sessions, CSRF, DALI arcs, kW, energy deltas, local times, batches)."""
    from interop_slv.simulator import simulator_spec

    return [simulator_spec()]
