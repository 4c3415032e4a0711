"""The policy stage's contract: what the pipeline asks of the city's privacy policy.

Records pass through it before the store (``for_store``) and again before each sink
(``for_sink``); dead letters keep only what ``for_dead_letter`` allows. The privacy
package's ``Enforcer`` implements it; :class:`PassThrough` keeps everything and exists for
integrators who apply their own policy upstream and for measuring the policy's cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from interop.model.records import Record

__all__ = ["PassThrough", "PolicyStage"]


class PolicyStage(Protocol):
    """What the pipeline calls; see :mod:`interop.privacy` for the city's policy."""

    @property
    def policy_version(self) -> str:
        """Identifies the policy applied (written into each record's provenance)."""
        ...

    def check_sinks(self, sinks: Mapping[str, str | None]) -> None:
        """Refuse to start (PolicyViolation naming the sink) if a sink's jurisdiction is barred."""
        ...

    def for_store(self, records: Sequence[Record]) -> list[Record]:
        """What of ``records`` may be kept, transformed as the policy says."""
        ...

    def plan_store(self, records: Sequence[Record]) -> tuple[list[Record], list[Any]]:
        """As ``for_store``, but what the stage would consume is returned, not taken in.

        The records to keep, and the consumed part (aggregate contributions) for ``admit``.
        """
        ...

    def admit(self, consumed: Sequence[Any]) -> None:
        """Take in what ``plan_store`` set aside, once its message is committed (once)."""
        ...

    def for_sink(self, sink: str, records: Sequence[Record]) -> list[Record]:
        """What of stored ``records`` may go to ``sink``."""
        ...

    def flush(self, now: datetime) -> list[Record]:
        """Records the stage produced on its own (aggregates of closed windows)."""
        ...

    def for_dead_letter(self, raw: bytes, source: str) -> bytes | None:
        """What of a raw payload may be kept in the dead letter (None: nothing)."""
        ...

    def drain_audit(self) -> dict[tuple[str, str, str], int]:
        """Counts of each (action, field, sink) since the last call."""
        ...


class PassThrough:
    """A policy stage that keeps everything as it is (no policy applied)."""

    policy_version = "none"

    def check_sinks(self, sinks: Mapping[str, str | None]) -> None:
        """Every jurisdiction is allowed."""

    def for_store(self, records: Sequence[Record]) -> list[Record]:
        """Everything is kept."""
        return list(records)

    def plan_store(self, records: Sequence[Record]) -> tuple[list[Record], list[Any]]:
        """Everything is kept; nothing is consumed."""
        return list(records), []

    def admit(self, consumed: Sequence[Any]) -> None:
        """Nothing to take in."""

    def for_sink(self, sink: str, records: Sequence[Record]) -> list[Record]:
        """Everything is sent."""
        return list(records)

    def flush(self, now: datetime) -> list[Record]:
        """No aggregates."""
        return []

    def for_dead_letter(self, raw: bytes, source: str) -> bytes | None:
        """The raw payload is kept as it is."""
        return raw

    def drain_audit(self) -> dict[tuple[str, str, str], int]:
        """Nothing to count."""
        return {}
