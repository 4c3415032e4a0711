"""Generalisation: positions snapped to the centre of a metric grid cell, instants to buckets.

The grid is fixed (cells of ``cell_m`` metres of latitude; longitude cells as wide in metres at
the centre of their latitude band), so generalising twice gives the same cell and two points
of one cell become indistinguishable. A generalised position lies in the original's cell:
within half a cell's diagonal of it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["METRES_PER_DEGREE", "cell_of", "snap_coordinates", "snap_position", "snap_time"]

METRES_PER_DEGREE = 111_320.0
"""Metres per degree of latitude (and of longitude at the equator), WGS84 mean."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cell_of(lat: float, lon: float, cell_m: float) -> tuple[int, int]:
    """The (row, column) of the grid cell holding a position."""
    lat_step = cell_m / METRES_PER_DEGREE
    row = math.floor((lat + 90.0) / lat_step)
    centre_lat = min(90.0, -90.0 + (row + 0.5) * lat_step)
    lon_step = _lon_step(centre_lat, cell_m)
    column = math.floor((lon + 180.0) / lon_step)
    return row, column


def _lon_step(centre_lat: float, cell_m: float) -> float:
    cos = math.cos(math.radians(centre_lat))
    return min(360.0, cell_m / (METRES_PER_DEGREE * max(cos, 1e-9)))


def snap_position(lat: float, lon: float, cell_m: float) -> tuple[float, float]:
    """The centre of the grid cell holding (lat, lon), clamped to WGS84 bounds."""
    lat_step = cell_m / METRES_PER_DEGREE
    row = math.floor((lat + 90.0) / lat_step)
    centre_lat = min(90.0, max(-90.0, -90.0 + (row + 0.5) * lat_step))
    lon_step = _lon_step(centre_lat, cell_m)
    column = math.floor((lon + 180.0) / lon_step)
    centre_lon = min(180.0, max(-180.0, -180.0 + (column + 0.5) * lon_step))
    return centre_lat, centre_lon


def snap_coordinates(coordinates: Any, cell_m: float) -> Any:
    """GeoJSON coordinates (any nesting) with every ``[lon, lat(, alt)]`` snapped."""
    if coordinates and isinstance(coordinates[0], int | float):
        lat, lon = snap_position(float(coordinates[1]), float(coordinates[0]), cell_m)
        return [lon, lat]  # the altitude would locate a flat within a building: dropped
    return [snap_coordinates(item, cell_m) for item in coordinates]


def snap_time(value: datetime, bucket: timedelta) -> datetime:
    """The start of the bucket holding ``value`` (buckets aligned on the Unix epoch, UTC)."""
    offset = (value - _EPOCH) // bucket
    return _EPOCH + offset * bucket
