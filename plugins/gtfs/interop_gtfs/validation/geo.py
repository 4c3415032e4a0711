"""Distances on the Earth for the speed and shape checks: great-circle and point-to-path.

Great-circle distances use the haversine formula on a sphere of mean radius (as
MobilityData's validator does with S2); a stop's distance to a shape is measured to the
nearest segment of the shape in a local equirectangular projection, exact enough at the
100 m scale the shape checks use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["EARTH_RADIUS_M", "distance_m", "distance_to_path_m"]

EARTH_RADIUS_M = 6_371_010.0
"""Mean Earth radius in metres (S2's value)."""


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distance_to_path_m(
    lat: float, lon: float, lats: Sequence[float], lons: Sequence[float]
) -> float:
    """Shortest distance in metres from a point to the polyline through ``lats``/``lons``."""
    if not lats:
        return math.inf
    scale = math.cos(math.radians(lat))
    metres_per_degree = math.pi * EARTH_RADIUS_M / 180.0
    previous_x = (lons[0] - lon) * scale
    previous_y = lats[0] - lat
    best = previous_x * previous_x + previous_y * previous_y
    for index in range(1, len(lats)):
        x = (lons[index] - lon) * scale
        y = lats[index] - lat
        dx, dy = x - previous_x, y - previous_y
        length = dx * dx + dy * dy
        t = (
            0.0
            if length == 0
            else max(0.0, min(1.0, -(previous_x * dx + previous_y * dy) / length))
        )
        px, py = previous_x + t * dx, previous_y + t * dy
        best = min(best, px * px + py * py)
        previous_x, previous_y = x, y
    return math.sqrt(best) * metres_per_degree
