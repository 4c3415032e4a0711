"""SLV energy deltas -> canonical cumulative kWh, with a new counter epoch per lamp change.

SLV logs ``Energy`` as the kWh drawn since the previous report (the first report carries
the whole counter). Summing the log gives the cumulative counter. A lamp replacement
(``replaceLamps``) resets the node's counters: ``RunningHoursLamp`` goes down, and from that
report on the sum restarts from zero in a higher counter epoch, so
:func:`interop.model.lighting.energy_delta` never sees energy going backwards. A lamp
replaced before it burned at all cannot be told from no replacement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["Cumulative", "Meter", "cumulate"]


@dataclass(frozen=True, slots=True)
class Cumulative:
    """The counter after one report: kWh since the epoch began, and the epoch."""

    energy: float
    epoch: int


@dataclass(slots=True)
class Meter:
    """The running counter of one device, fed its reports in time order."""

    total: float = 0.0
    epoch: int = 0
    on_time: float | None = None
    started: bool = False

    def feed(self, delta: float, on_time: float | None) -> Cumulative:
        """Add one report (energy delta kWh, lamp on time s or None); the counter after it."""
        if on_time is not None:
            if self.on_time is not None and on_time < self.on_time:
                self.epoch += 1
                self.total = 0.0
            self.on_time = on_time
        self.total = self.total + delta if self.started else delta
        self.started = True
        return Cumulative(round(self.total, 6), self.epoch)


def cumulate(reports: Iterable[tuple[float, float | None]]) -> Iterator[Cumulative]:
    """Running totals of ``(energy delta kWh, lamp on time s or None)`` reports in time order."""
    meter = Meter()
    for delta, on_time in reports:
        yield meter.feed(delta, on_time)
