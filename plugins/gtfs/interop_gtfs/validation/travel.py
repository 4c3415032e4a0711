"""Travel speed between stops (MobilityData's ``fast_travel_between_*`` notices).

The speed limit depends on the route type, as in MobilityData's validator; extended route
types (100-1700) take the limit of the basic type they refine. Time between two stops is
rounded the way MobilityData rounds it: at least a minute, plus a minute when both times
are whole minutes (schedules written to the minute are up to 30 s off).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["FAR_STOPS_KM", "FastTravel", "fast_travel", "max_speed_kph"]

FAR_STOPS_KM = 10.0
"""Above this distance a fast pair of stops is reported as ``fast_travel_between_far_stops``."""

_BASIC_LIMITS_KPH = {0: 100.0, 1: 150.0, 2: 500.0, 3: 150.0, 4: 80.0, 5: 30.0, 6: 50.0}
_BASIC_LIMITS_KPH |= {7: 50.0, 11: 150.0, 12: 150.0}
_EXTENDED_BASIC = {1: 2, 2: 3, 4: 1, 7: 3, 8: 3, 9: 0, 10: 4, 13: 6, 14: 7}
"""Hundreds of an extended route type -> the basic route type it refines."""
_UNKNOWN_LIMIT_KPH = 200.0


def max_speed_kph(route_type: int | None) -> float:
    """The highest plausible speed for a vehicle of ``route_type``."""
    if route_type is None:
        return _UNKNOWN_LIMIT_KPH
    if route_type >= 100:
        basic = _EXTENDED_BASIC.get(route_type // 100)
        return _UNKNOWN_LIMIT_KPH if basic is None else _BASIC_LIMITS_KPH[basic]
    return _BASIC_LIMITS_KPH.get(route_type, _UNKNOWN_LIMIT_KPH)


class FastTravel(NamedTuple):
    """A too-fast pair: indexes into the trip's stops, speed (km/h) and distance (km)."""

    far: bool
    first: int
    second: int
    speed_kph: float
    distance_km: float


def _seconds_between(departure: int, arrival: int) -> int:
    elapsed = arrival - departure
    if elapsed <= 0:
        return 60
    if arrival % 60 == 0 and departure % 60 == 0:
        elapsed += 60
    return elapsed


def fast_travel(
    gaps_km: Sequence[float],
    arrivals: Sequence[int | None],
    departures: Sequence[int | None],
    limit_kph: float,
) -> list[FastTravel]:
    """Every too-fast consecutive pair, and the first too-fast pair of stops over 10 km apart.

    ``gaps_km[i]`` is the distance between stop ``i`` and stop ``i + 1``; times are seconds
    (``None`` when the stop has no time).
    """
    found: list[FastTravel] = []
    for i, gap in enumerate(gaps_km):
        departure, arrival = departures[i], arrivals[i + 1]
        if departure is None or arrival is None:
            continue
        speed = gap * 3600 / _seconds_between(departure, arrival)
        if speed > limit_kph:
            found.append(FastTravel(False, i, i + 1, speed, gap))
    far = _far_stops(gaps_km, arrivals, departures, limit_kph)
    if far is not None:
        found.append(far)
    return found


def _every_leg_slow(
    gaps_km: Sequence[float],
    arrivals: Sequence[int | None],
    departures: Sequence[int | None],
    limit_kph: float,
) -> bool:
    """True when no pair of stops can be too fast: every leg is slow on unrounded times.

    With times present and never going back, the time between two stops is at least the sum
    of the legs' times, so their speed is at most the fastest leg's (the mediant bound).
    """
    for i, gap in enumerate(gaps_km):
        arrival, departure, next_arrival = arrivals[i], departures[i], arrivals[i + 1]
        if arrival is None or departure is None or next_arrival is None:
            return False
        elapsed = next_arrival - departure
        if departure < arrival or elapsed <= 0 or gap * 3600 > limit_kph * elapsed:
            return False
    return True


def _far_stops(
    gaps_km: Sequence[float],
    arrivals: Sequence[int | None],
    departures: Sequence[int | None],
    limit_kph: float,
) -> FastTravel | None:
    """The first (by arriving stop) pair over 10 km apart travelled too fast, if any."""
    if _every_leg_slow(gaps_km, arrivals, departures, limit_kph):
        return None
    cumulative = [0.0]
    for gap in gaps_km:
        cumulative.append(cumulative[-1] + gap)
    for end in range(1, len(cumulative)):
        arrival = arrivals[end]
        if arrival is None:
            continue
        # only starts more than FAR_STOPS_KM before ``end`` can give a notice
        last_start = bisect_right(cumulative, cumulative[end] - FAR_STOPS_KM) - 1
        for start in range(min(last_start, end - 1), -1, -1):
            departure = departures[start]
            distance = cumulative[end] - cumulative[start]
            if departure is None or distance <= FAR_STOPS_KM:
                continue
            speed = distance * 3600 / _seconds_between(departure, arrival)
            if speed > limit_kph:
                return FastTravel(True, start, end, speed, distance)
    return None
