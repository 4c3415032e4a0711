"""Energy counter epochs: when a TALQ meter restarted, so canonical energy never goes backwards.

TALQ's ``activeEnergy`` (kWh) and ``operatingHours`` (h) are cumulative with no attribute
saying the meter was replaced. An epoch advances when the Gateway declares one (the vendor
attribute :data:`~interop_talq.protocol.EPOCH_ATTRIBUTE`) or, without it, when either counter
goes down compared with what this controller saw before.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EpochTracker"]


@dataclass(slots=True)
class _Seen:
    energy: float | None = None
    hours: float | None = None
    drops: int = 0


class EpochTracker:
    """Per-device counter epochs, remembered for the life of a controller."""

    def __init__(self) -> None:
        self._seen: dict[str, _Seen] = {}

    def observe(
        self, address: str, energy: float | None, hours: float | None, declared: int | None
    ) -> int:
        """The epoch of this reading; ``declared`` (the Gateway's own epoch) wins when given."""
        seen = self._seen.setdefault(address, _Seen())
        went_down = (energy is not None and seen.energy is not None and energy < seen.energy) or (
            hours is not None and seen.hours is not None and hours < seen.hours
        )
        if went_down:
            seen.drops += 1
        if energy is not None:
            seen.energy = energy
        if hours is not None:
            seen.hours = hours
        return declared if declared is not None else seen.drops
