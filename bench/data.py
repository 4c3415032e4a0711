"""Deterministic benchmark data: plain generators seeded with :class:`random.Random`.

No Hypothesis here: benchmarks need the same, realistic records on every run. Measurements
cycle through the built-in properties with their default units, come from a pool of
devices, and a fixed share carries provenance and vendor extensions, as decoded LoRaWAN
uplinks do.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from interop.model import Measurement, mint_iri
from interop.model.properties import DEFAULT_PROPERTIES

__all__ = ["DEFAULT_SEED", "measurement_dicts", "measurement_kwargs", "measurements"]

DEFAULT_SEED = 20240501
"""The seed every run uses unless told otherwise."""

_START = datetime(2024, 5, 1, tzinfo=UTC)
_DEVICES = 500
_PROPERTIES = [(spec.iri, spec.default_unit) for spec in DEFAULT_PROPERTIES]


def measurement_kwargs(n: int, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """Keyword arguments for ``n`` valid measurements (Python objects, as a codec builds)."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for index in range(n):
        prop, unit = _PROPERTIES[index % len(_PROPERTIES)]
        device = mint_iri("device", "bench", f"sensor-{rng.randrange(_DEVICES):04d}")
        row: dict[str, Any] = {
            "id": mint_iri("measurement", "bench", f"m-{index:08d}"),
            "property": prop,
            "value": round(rng.uniform(-50.0, 1500.0), 3),
            "unit": unit,
            "timestamp": _START + timedelta(seconds=index * 7 + rng.randrange(7)),
            "device": device,
        }
        if index % 4 == 0:
            row["provenance"] = {
                "plugin": "bench",
                "plugin_version": "1.0.0",
                "source_system": "bench-network",
                "original_id": f"uplink-{index}",
                "received_at": row["timestamp"] + timedelta(milliseconds=250),
            }
        if index % 5 == 0:
            row["extensions"] = {"bench": {"rssi": -rng.randrange(40, 120), "snr": 7.25}}
        if index % 10 == 0:
            row["feature_of_interest"] = mint_iri("place", "bench", f"street-{index % 97}")
        rows.append(row)
    return rows


def measurement_dicts(n: int, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """The same measurements as tagged dicts (``kind`` included) for ``RecordAdapter``."""
    return [{"kind": "measurement", **row} for row in measurement_kwargs(n, seed)]


def measurements(n: int, seed: int = DEFAULT_SEED) -> list[Measurement]:
    """``n`` validated :class:`Measurement` records."""
    return [Measurement(**row) for row in measurement_kwargs(n, seed)]
