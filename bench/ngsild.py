"""Canonical Measurements -> normalized NGSI-LD JSON entities per second, against a floor.

The floor is orjson dumping the very same entity dicts built by hand from the same
Measurement objects (no mapping, no model choice, no unit registry): what any serializer
must pay. The two outputs are checked byte for byte before timing, so both do the same work.
The ratio floor/interop is interop's translation tax. Runs alternate and the median of
``--repeats`` counts (the machine is shared). One run:
``uv run python -m bench.ngsild [--count N] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from interop_ngsild.contexts import entity_context
from interop_ngsild.documents import dump_entities

from interop.model.observation import Measurement
from interop.model.properties import SAREF
from interop.model.units import OM

COUNT = 20_000
REPEATS = 5


def _readings(count: int = COUNT) -> list[Measurement]:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        Measurement(
            id=f"urn:x:m:{index}",
            property=SAREF + "Power",
            value=float(index % 500),
            unit=OM + "watt",
            timestamp=base + timedelta(seconds=index),
            device=f"urn:x:device:{index % 100}",
        )
        for index in range(count)
    ]


def _by_hand(readings: list[Measurement]) -> bytes:
    """The entities interop writes for these readings, built directly."""
    entities: list[dict[str, Any]] = []
    for reading in readings:
        when = reading.timestamp.isoformat().replace("+00:00", "Z")
        entities.append(
            {
                "id": reading.id,
                "type": "DeviceMeasurement",
                "numValue": {
                    "type": "Property",
                    "value": reading.value,
                    "unitCode": "WTT",
                    "observedAt": when,
                },
                "unit": {"type": "Property", "value": "WTT"},
                "controlledProperty": {"type": "Property", "value": "power"},
                "interop:property": {"type": "Property", "value": reading.property},
                "dateObserved": {
                    "type": "Property",
                    "value": {"@type": "DateTime", "@value": when},
                },
                "refDevice": {"type": "Relationship", "object": reading.device},
                "@context": entity_context(),
            }
        )
    return orjson.dumps(entities)


def _rate(work: Callable[[list[Measurement]], bytes], readings: list[Measurement]) -> float:
    start = time.perf_counter()
    work(readings)
    return len(readings) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> float:
    """Print the rates and the ratio; return the ratio floor/interop."""
    parser = argparse.ArgumentParser(prog="python -m bench.ngsild", description=__doc__)
    parser.add_argument("--count", type=int, default=COUNT, help="measurements per run")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs of each path")
    args = parser.parse_args(argv)
    readings = _readings(args.count)
    if _by_hand(readings) != dump_entities(readings):
        raise SystemExit("the floor does not write what interop writes: fix the floor first")
    floors, ours = [], []
    for _ in range(args.repeats):
        floors.append(_rate(_by_hand, readings))
        ours.append(_rate(dump_entities, readings))
    floor, interop = statistics.median(floors), statistics.median(ours)
    print(f"measurements -> normalized NGSI-LD entities ({args.count} records, same bytes)")
    print(f"  floor (orjson of hand-built dicts): {floor:12,.0f} entities/s")
    print(f"  interop-ngsild dump_entities:       {interop:12,.0f} entities/s")
    print(f"  ratio floor/interop (median of {args.repeats}): {floor / interop:8.1f}x")
    return floor / interop


if __name__ == "__main__":
    main()
