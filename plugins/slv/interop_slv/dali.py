"""The DALI logarithmic dimming curve: arc power levels 0-254 <-> light output percent.

SLV reports and takes levels as DALI arc power levels (IEC 62386-102): arc ``n`` in 1..254
gives ``10 ** ((n - 1) / (253 / 3) - 1)`` percent (1 -> 0.1 %, 229 -> 50.5 %, 254 -> 100 %),
0 is off. A percentage goes to the arc whose output is nearest to it.
"""

from __future__ import annotations

from bisect import bisect_left

from interop.errors import DecodeError, EncodeError

__all__ = ["MAX_ARC", "arc_to_percent", "percent_to_arc"]

MAX_ARC = 254
"""The highest arc power level (100 %); 255 is DALI's MASK, never a level."""

_CURVE: tuple[float, ...] = (0.0, *(10 ** ((n - 1) / (253 / 3) - 1) for n in range(1, MAX_ARC + 1)))


def arc_to_percent(arc: int) -> float:
    """Light output, percent, of DALI arc power level ``arc`` (0 = off)."""
    if isinstance(arc, bool) or not 0 <= arc <= MAX_ARC:
        raise DecodeError(
            f"DALI arc level {arc!r} is out of range", field="LampLevel", expected="0..254"
        )
    return _CURVE[arc]


def percent_to_arc(percent: float) -> int:
    """The arc power level whose output is nearest to ``percent`` (0 = off, 100 -> 254)."""
    if not 0.0 <= percent <= 100.0:
        raise EncodeError(
            f"level {percent!r} % is out of range", field="level", expected="0..100 percent"
        )
    upper = bisect_left(_CURVE, percent)
    if upper > MAX_ARC:
        return MAX_ARC
    if upper == 0:
        return 0
    lower = upper - 1
    return upper if _CURVE[upper] - percent < percent - _CURVE[lower] else lower
