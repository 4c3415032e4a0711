"""shapes.txt: each shape's points in compact arrays, its distance checks, its geometry.

:class:`ShapeCollector` is the row hook of shapes.txt: it appends each well-formed point to
the typed arrays of its shape (about 40 bytes a point). :meth:`ShapeCollector.finish` sorts
every shape by ``shape_pt_sequence``, reports MobilityData's shape-distance notices and
returns a :class:`Shape` per id, whose grid index answers "is this stop within 100 m of the
path?" without scanning every segment.
"""

from __future__ import annotations

import itertools
import math
from array import array
from dataclasses import dataclass, field

from interop_gtfs.validation.formats import parse_number
from interop_gtfs.validation.geo import distance_m, distance_to_path_m
from interop_gtfs.validation.notices import Notices

__all__ = ["Shape", "ShapeCollector"]

_FILE = "shapes.txt"
_EQUAL_DISTANCE_THRESHOLD_M = 1.11
"""Below this, two points with one shape_dist_traveled are the same point (MobilityData)."""
_CELL_DEG = 0.001
"""Grid cell height in degrees of latitude (about 111 m)."""
_MAX_CELLS_PER_SEGMENT = 64
"""A longer segment is kept aside and checked for every query instead of filling the grid."""
_METRES_PER_DEGREE = math.pi * 6_371_010.0 / 180.0


def _float(value: str) -> float | None:
    """A finite number, else ``None`` (malformed values are reported by the generic checks)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@dataclass(slots=True)
class _Points:
    sequences: array[int] = field(default_factory=lambda: array("q"))
    lats: array[float] = field(default_factory=lambda: array("d"))
    lons: array[float] = field(default_factory=lambda: array("d"))
    distances: array[float] = field(default_factory=lambda: array("d"))
    rows: array[int] = field(default_factory=lambda: array("q"))


class Shape:
    """A shape's path sorted by sequence, its first row and largest shape_dist_traveled."""

    __slots__ = ("_grid", "_lon_cell", "_long", "lats", "lons", "max_distance", "row")

    def __init__(
        self, lats: array[float], lons: array[float], max_distance: float | None, row: int
    ) -> None:
        self.lats = lats
        self.lons = lons
        self.max_distance = max_distance
        self.row = row
        self._grid: dict[tuple[int, int], list[int]] | None = None
        self._long: list[int] = []
        self._lon_cell = _CELL_DEG

    def distance_if_far(self, lat: float, lon: float, limit_m: float) -> float | None:
        """The distance to the path when it is more than ``limit_m`` metres, else ``None``."""
        if len(self.lats) < 2:
            return None
        grid = self._grid if self._grid is not None else self._index()
        scale = max(math.cos(math.radians(lat)), 0.01)
        reach_lat = math.ceil(limit_m / (_CELL_DEG * _METRES_PER_DEGREE)) + 1
        reach_lon = math.ceil(limit_m / (self._lon_cell * _METRES_PER_DEGREE * scale)) + 1
        i0, j0 = math.floor(lat / _CELL_DEG), math.floor(lon / self._lon_cell)
        candidates: set[int] = set(self._long)
        for i in range(i0 - reach_lat, i0 + reach_lat + 1):
            for j in range(j0 - reach_lon, j0 + reach_lon + 1):
                candidates.update(grid.get((i, j), ()))
        for segment in candidates:
            pair_lats = self.lats[segment : segment + 2]
            pair_lons = self.lons[segment : segment + 2]
            if distance_to_path_m(lat, lon, pair_lats, pair_lons) <= limit_m:
                return None
        return distance_to_path_m(lat, lon, self.lats, self.lons)

    def _index(self) -> dict[tuple[int, int], list[int]]:
        scale = max(math.cos(math.radians(self.lats[0])), 0.01)
        self._lon_cell = _CELL_DEG / scale
        grid: dict[tuple[int, int], list[int]] = {}
        lats, lons = self.lats, self.lons
        for k in range(len(lats) - 1):
            i_lo, i_hi = sorted(
                (math.floor(lats[k] / _CELL_DEG), math.floor(lats[k + 1] / _CELL_DEG))
            )
            j_lo, j_hi = sorted(
                (math.floor(lons[k] / self._lon_cell), math.floor(lons[k + 1] / self._lon_cell))
            )
            if (i_hi - i_lo + 1) * (j_hi - j_lo + 1) > _MAX_CELLS_PER_SEGMENT:
                self._long.append(k)
                continue
            for i in range(i_lo, i_hi + 1):
                for j in range(j_lo, j_hi + 1):
                    grid.setdefault((i, j), []).append(k)
        self._grid = grid
        return grid


class ShapeCollector:
    """Row hook of shapes.txt; :meth:`finish` checks distances and returns the shapes."""

    def __init__(self) -> None:
        self._points: dict[str, _Points] = {}

    def __call__(self, row: int, r: dict[str, str]) -> None:
        """Keep one point when its id, sequence and position are well formed."""
        shape_id = r.get("shape_id", "").strip()
        sequence = parse_number(r.get("shape_pt_sequence", "").strip() or "x", "integer")
        lat = _float(r.get("shape_pt_lat", "").strip())
        lon = _float(r.get("shape_pt_lon", "").strip())
        if not shape_id or sequence is None or lat is None or lon is None:
            return
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return
        distance = _float(r.get("shape_dist_traveled", "").strip())
        points = self._points.get(shape_id)
        if points is None:
            points = self._points[shape_id] = _Points()
        points.sequences.append(int(sequence))
        points.lats.append(lat)
        points.lons.append(lon)
        points.distances.append(math.nan if distance is None else distance)
        points.rows.append(row)

    def finish(self, notices: Notices) -> dict[str, Shape]:
        """Sort each shape, report distance notices, and return the shapes by id."""
        shapes: dict[str, Shape] = {}
        for shape_id, points in self._points.items():
            order = sorted(range(len(points.sequences)), key=points.sequences.__getitem__)
            lats = array("d", (points.lats[k] for k in order))
            lons = array("d", (points.lons[k] for k in order))
            _check_distances(shape_id, points, order, notices)
            if len(order) == 1:
                notices.add(
                    "single_shape_point",
                    f"shape {shape_id} has one point",
                    _FILE,
                    points.rows[order[0]],
                    "shape_id",
                    details={"shapeId": shape_id},
                )
            known = [d for d in points.distances if not math.isnan(d)]
            shapes[shape_id] = Shape(lats, lons, max(known) if known else None, min(points.rows))
        self._points.clear()
        return shapes


def _check_distances(shape_id: str, points: _Points, order: list[int], notices: Notices) -> None:
    """shape_dist_traveled must increase along the shape (MobilityData's three notices)."""
    for before, current in itertools.pairwise(order):
        previous_distance = points.distances[before]
        distance = points.distances[current]
        if math.isnan(previous_distance) or math.isnan(distance) or distance > previous_distance:
            continue
        details: dict[str, str | int | float] = {
            "shapeId": shape_id,
            "csvRowNumber": points.rows[current],
            "shapeDistTraveled": distance,
            "shapePtSequence": points.sequences[current],
            "prevCsvRowNumber": points.rows[before],
            "prevShapeDistTraveled": previous_distance,
            "prevShapePtSequence": points.sequences[before],
        }
        row = points.rows[current]
        if distance < previous_distance:
            notices.add(
                "decreasing_shape_distance",
                f"shape {shape_id}: {distance:g} after {previous_distance:g}",
                _FILE,
                row,
                "shape_dist_traveled",
                details=details,
            )
            continue
        apart = distance_m(
            points.lats[before], points.lons[before], points.lats[current], points.lons[current]
        )
        if apart == 0:
            notices.add(
                "equal_shape_distance_same_coordinates",
                f"shape {shape_id}: a repeated point",
                _FILE,
                row,
                "shape_dist_traveled",
                details=details,
            )
        elif apart > _EQUAL_DISTANCE_THRESHOLD_M:
            notices.add(
                "equal_shape_distance_diff_coordinates",
                f"shape {shape_id}: {apart:.1f} m apart at one shape_dist_traveled",
                _FILE,
                row,
                "shape_dist_traveled",
                details={**details, "actualDistanceBetweenShapePoints": apart},
            )
