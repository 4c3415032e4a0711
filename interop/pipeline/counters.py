"""Counters of each pipeline stage, read by the CLI, the gateway's ``/metrics`` and tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["PipelineCounters"]


@dataclass
class PipelineCounters:
    """Monotonic counts since the pipeline started; ``lag`` is the latest per-sink backlog."""

    received: int = 0
    """Raw messages submitted."""
    duplicates: int = 0
    """Submitted messages already in the inbox (redeliveries), stored once."""
    decoded: int = 0
    """Messages decoded into records."""
    records: int = 0
    """Records the codecs produced."""
    stored: int = 0
    """Records committed to the store (after the policy)."""
    dead_lettered: Counter[str] = field(default_factory=Counter)
    """Dead letters by stage (decode, policy, delivery)."""
    delivered: Counter[str] = field(default_factory=Counter)
    """Records delivered, by sink."""
    refused: Counter[str] = field(default_factory=Counter)
    """Records a sink refused for good, by sink."""
    retries: Counter[str] = field(default_factory=Counter)
    """Failed delivery attempts that will be retried, by sink."""
    lag: dict[str, int] = field(default_factory=dict)
    """Records waiting for each sink when last looked at."""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready counts."""
        return {
            "received": self.received,
            "duplicates": self.duplicates,
            "decoded": self.decoded,
            "records": self.records,
            "stored": self.stored,
            "dead_lettered": dict(self.dead_lettered),
            "delivered": dict(self.delivered),
            "refused": dict(self.refused),
            "retries": dict(self.retries),
            "lag": dict(self.lag),
        }
