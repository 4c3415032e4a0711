"""Concurrent ``submit_and_wait`` calls share commits, and each still hears its own outcome."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from interop.errors import StoreUnavailable
from interop.model.observation import Measurement
from interop.model.records import Record
from interop.pipeline import Pipeline, Route
from interop.pipeline.policy import PassThrough
from interop.pipeline.sources import message_key
from interop.registry import Registry
from interop.store import RawMessage, open_store
from interop.store.sqlite import SqliteStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def reading(device: str, second: int) -> RawMessage:
    body = {
        "device": device,
        "time": (T0 + timedelta(seconds=second)).isoformat().replace("+00:00", "Z"),
        "readings": [{"property": "temperature", "value": 20.5, "unit": "Cel"}],
    }
    payload = json.dumps(body).encode()
    return RawMessage("template", message_key("template", payload), payload, T0)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(strict=True).load()


def test_concurrent_callers_share_commits_and_get_their_own_outcomes(tmp_path, registry):
    good = [reading(f"d{i % 7}", i) for i in range(120)]
    junk = [RawMessage("template", f"junk-{i}", b"\xff not json", T0) for i in range(5)]
    # a message sent twice at once: one of the two callers hears "duplicate"
    calls = [*good, *junk, good[3]]

    async def scenario():
        async with open_store(tmp_path / "store") as store:
            async with Pipeline(store, registry, [Route("template", "template")]) as pipeline:
                outcomes = await asyncio.gather(*(pipeline.submit_and_wait([m]) for m in calls))
                batches = pipeline._ingester.batches
            return [o for (o,) in outcomes], batches, await store.stats()

    outcomes, batches, stats = asyncio.run(scenario())
    assert 1 <= batches < len(calls) // 4, f"{batches} commits for {len(calls)} callers"
    statuses = [o.status for o in outcomes]
    assert statuses[:3] == ["stored"] * 3
    assert statuses[4:120] == ["stored"] * 116
    assert sorted([statuses[3], statuses[-1]]) == ["duplicate", "stored"]
    assert statuses[120:125] == ["dead_letter"] * 5
    assert all(o.records == 1 for o in outcomes if o.status == "stored")  # one reading each
    assert all(o.dead_letter is not None for o in outcomes[120:125])
    assert stats.records == 120
    assert stats.dead_letters == 5


def test_a_failed_commit_fails_every_caller_of_its_batch_and_keeps_nothing(
    tmp_path, registry, write_lock
):
    """Another process holds the write lock past the busy timeout: every caller hears it."""
    messages = [reading("d1", i) for i in range(40)]
    store = SqliteStore(tmp_path / "store", busy_timeout=0.2)

    async def scenario():
        async with store:
            async with Pipeline(store, registry, [Route("template", "template")]) as pipeline:
                with write_lock(store.path):
                    failed = await asyncio.gather(
                        *(pipeline.submit_and_wait([m]) for m in messages), return_exceptions=True
                    )
                again = await asyncio.gather(*(pipeline.submit_and_wait([m]) for m in messages))
            return failed, again, await store.stats()

    failed, again, stats = asyncio.run(scenario())
    assert all(isinstance(f, StoreUnavailable) for f in failed), failed
    # nothing was kept, so the senders' retries are new, not duplicates
    assert [o.status for (o,) in again] == ["stored"] * 40
    assert stats.records == 40


class _ClosingWindow(PassThrough):
    """Keeps everything; its aggregate window closes at the first flush (one record)."""

    def __init__(self, aggregate: Record) -> None:
        self.pending = [aggregate]

    def flush(self, now: datetime) -> list[Record]:
        released, self.pending = self.pending, []
        return released


def test_an_aggregate_released_into_a_failed_commit_is_stored_by_the_next(
    tmp_path, registry, write_lock
):
    """The messages that fed an aggregate are committed already: it must not die with a batch."""
    aggregate = Measurement(
        id="urn:interop:aggregate:footfall:1", property="https://saref.etsi.org/core/Occupancy",
        value=42, unit="http://www.ontology-of-units-of-measure.org/resource/om-2/one",
        timestamp=T0, feature_of_interest="urn:interop:place:square",
    )  # fmt: skip
    store = SqliteStore(tmp_path / "store", busy_timeout=0.2)

    async def scenario() -> tuple[bool, Record | None]:
        policy = _ClosingWindow(aggregate)
        async with (
            store,
            Pipeline(store, registry, [Route("template", "template")], policy=policy) as pipeline,
        ):
            with write_lock(store.path):
                try:
                    await pipeline.submit_and_wait([reading("d1", 1)])
                    failed = False
                except StoreUnavailable:
                    failed = True
            await pipeline.submit_and_wait([reading("d1", 2)])
            return failed, await store.get(aggregate.id)

    failed, stored = asyncio.run(scenario())
    assert failed
    assert stored == aggregate
