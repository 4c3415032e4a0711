"""An entity restated unchanged by every message is stored and delivered once per refresh."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from interop.errors import StoreUnavailable
from interop.model.base import Provenance
from interop.model.device import Device
from interop.model.observation import Measurement
from interop.model.records import RecordAdapter, record_json
from interop.pipeline import Pipeline, Route, SinkBinding
from interop.pipeline.entities import EntityMemory
from interop.pipeline.sinks.jsonl import JsonLinesSink
from interop.store import RawMessage, open_store
from interop.store.sqlite import SqliteStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DEVICE = "urn:interop:device:lorawan:70b3d57ed0000001"
ROUTE = [Route("records", "records")]


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def device(firmware: str = "1.0", received: int = 0) -> Device:
    return Device(
        id=DEVICE, device_kind="sensor", firmware_version=firmware,
        provenance=Provenance(
            plugin="lorawan", plugin_version="1", received_at=T0 + timedelta(seconds=received)
        ),
    )  # fmt: skip


def reading(second: int) -> Measurement:
    return Measurement(
        id=f"{DEVICE}/t/{second}", property="https://saref.etsi.org/core/Temperature",
        value=20.0 + second, unit="http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",
        timestamp=T0 + timedelta(seconds=second), device=DEVICE,
    )  # fmt: skip


def message(index: int, record: Device | Measurement) -> RawMessage:
    return RawMessage("records", f"m{index}", record_json(record), T0 + timedelta(seconds=index))


def delivered(folder: Path) -> list[Device | Measurement]:
    lines = [line for f in sorted(folder.glob("*.jsonl")) for line in f.read_text().splitlines()]
    return [RecordAdapter.validate_json(line) for line in lines]  # type: ignore[misc]


def test_an_unchanged_device_is_written_once_per_refresh_and_a_change_at_once(tmp_path):
    clock = Clock()
    sink = SinkBinding("files", JsonLinesSink(tmp_path / "out"), jurisdiction="EU")

    async def scenario() -> tuple[list[int], Device | None]:
        async with open_store(tmp_path / "store") as store:
            async with Pipeline(store, None, ROUTE, sinks=[sink], entity_refresh=60) as pipeline:
                pipeline.entities.clock = clock
                counts = []
                for index in range(4):  # the same device, restated by each message
                    (outcome,) = await pipeline.submit_and_wait([message(index, device())])
                    counts.append(outcome.records)
                clock.now += 61  # the refresh is due: written again, provenance renewed
                (outcome,) = await pipeline.submit_and_wait([message(4, device())])
                counts.append(outcome.records)
                (outcome,) = await pipeline.submit_and_wait([message(5, device())])
                counts.append(outcome.records)
                # delivery reads an entity's stored row, which the change below replaces
                await pipeline.wait_delivered()
                # changed: written at once, through the inbox path this time
                await pipeline.submit([message(6, device(firmware="1.1"))])
                await pipeline.wait_processed()
                await pipeline.submit([message(7, device(firmware="1.1"))])
                await pipeline.wait_processed()
                await pipeline.wait_delivered()
                stored = await store.get(DEVICE)
            return counts, stored  # type: ignore[return-value]

    counts, stored = asyncio.run(scenario())
    assert counts == [1, 0, 0, 0, 1, 0]
    out = delivered(tmp_path / "out")
    assert [d.firmware_version for d in out] == ["1.0", "1.0", "1.1"]  # type: ignore[union-attr]
    assert [d.provenance.raw_message_id for d in out] == [  # type: ignore[union-attr]
        "urn:interop:message:records:m0", "urn:interop:message:records:m4",
        "urn:interop:message:records:m6",
    ]  # fmt: skip
    assert stored is not None
    assert stored.firmware_version == "1.1"


def test_readings_are_never_left_out(tmp_path):
    """Dated records are new readings: each is stored, even one equal to the last."""

    async def scenario() -> int:
        async with open_store(tmp_path / "store") as store, Pipeline(store, None, ROUTE) as pipe:
            outcomes = [await pipe.submit_and_wait([message(i, reading(i % 3))]) for i in range(6)]
            return sum(o.records for (o,) in outcomes)

    assert asyncio.run(scenario()) == 6


def test_a_failed_commit_teaches_the_memory_nothing(tmp_path, write_lock):
    """The memory learns only from commits: a device whose commit failed is written next time."""
    store = SqliteStore(tmp_path / "store", busy_timeout=0.2)

    async def scenario() -> list[int]:
        async with store, Pipeline(store, None, ROUTE) as pipeline:
            with write_lock(store.path), contextlib.suppress(StoreUnavailable):
                await pipeline.submit_and_wait([message(0, device())])
            (first,) = await pipeline.submit_and_wait([message(1, device())])
            (second,) = await pipeline.submit_and_wait([message(2, device())])
            assert await store.get(DEVICE) is not None
            return [first.records, second.records]

    assert asyncio.run(scenario()) == [1, 0]


def test_refresh_zero_writes_every_time_and_the_memory_is_bounded():
    clock = Clock()
    memory = EntityMemory(refresh=0, clock=clock)
    memory.stored([device()])
    assert memory.changed([device()]) == [device()]
    bounded = EntityMemory(limit=2, clock=clock)
    others = [device().model_copy(update={"id": f"{DEVICE}{i}"}) for i in range(3)]
    bounded.stored(others)
    assert bounded.changed(others) == others[:2]  # the third started a fresh memory
