"""Canonical Measurements -> normalized NGSI-LD JSON entities per second, against a floor.

The floor is orjson dumping the same entity dicts built by hand (no model, no mapping):
what any serializer must pay. The ratio is interop's translation tax. One run:
``uv run python -m bench.ngsild``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import orjson
from interop_ngsild.documents import dump_entities

from interop.model.observation import Measurement
from interop.model.properties import SAREF
from interop.model.units import OM

COUNT = 20_000


def _readings() -> list[Measurement]:
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
        for index in range(COUNT)
    ]


def _by_hand(readings: list[Measurement]) -> bytes:
    entities = []
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
                "dateObserved": {
                    "type": "Property",
                    "value": {"@type": "DateTime", "@value": when},
                },
                "refDevice": {"type": "Relationship", "object": reading.device},
            }
        )
    return orjson.dumps(entities)


def main() -> None:
    readings = _readings()
    start = time.perf_counter()
    _by_hand(readings)
    floor = COUNT / (time.perf_counter() - start)
    start = time.perf_counter()
    dump_entities(readings)
    ours = COUNT / (time.perf_counter() - start)
    print(f"measurements -> normalized NGSI-LD entities ({COUNT} records)")
    print(f"  floor (orjson of hand-built dicts): {floor:12,.0f} entities/s")
    print(f"  interop-ngsild dump_entities:       {ours:12,.0f} entities/s")
    print(f"  ratio floor/interop:                {floor / ours:12.1f}x")


if __name__ == "__main__":
    main()
