"""The shared lighting-controller conformance suite, run against the simulated TALQ Gateway."""

from __future__ import annotations

from interop_talq.simulator import SPEC

from interop.model.command import CommandStatus
from interop.testing.lighting import LightingControllerConformance


class TestTalqConformance(LightingControllerConformance):
    """A Gateway accepts commands to offline nodes (202) and never applies them."""

    spec = SPEC
    offline_statuses = frozenset({CommandStatus.ACCEPTED})
