"""SLV energy deltas -> canonical cumulative kWh, with a new counter epoch per lamp change.

SLV logs ``Energy`` as the kWh drawn since the previous report (the first report carries
the whole counter). Summing the log gives the cumulative counter. A lamp replacement
(``replaceLamps``) resets the node's counters: ``LampOnTime`` goes down, and from that
report on the sum restarts from zero in a higher counter epoch, so
:func:`interop.model.lighting.energy_delta` never sees energy going backwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["Cumulative", "cumulate"]


@dataclass(frozen=True, slots=True)
class Cumulative:
    """The counter after one report: kWh since the epoch began, and the epoch."""

    energy: float
    epoch: int


def cumulate(reports: Iterable[tuple[float, float | None]]) -> Iterator[Cumulative]:
    """Running totals of ``(energy delta kWh, lamp on time s or None)`` reports in time order."""
    total = 0.0
    epoch = 0
    last_on_time: float | None = None
    first = True
    for delta, on_time in reports:
        if on_time is not None:
            if last_on_time is not None and on_time < last_on_time:
                epoch += 1
                total = 0.0
            last_on_time = on_time
        total = delta if first else total + delta
        first = False
        yield Cumulative(round(total, 6), epoch)
