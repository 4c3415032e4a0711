"""The shared lighting-controller conformance suite, run against the SLV simulator."""

from __future__ import annotations

from interop_slv.simulator import simulator_spec

from interop.model.command import CommandStatus
from interop.testing.lighting import LightingControllerConformance


class TestSlvConformance(LightingControllerConformance):
    """Every contract check of docs/lighting.md, SLV flavour (offline nodes time out)."""

    spec = simulator_spec()
    offline_statuses = frozenset({CommandStatus.FAILED})
