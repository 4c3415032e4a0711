"""The pipeline end to end on a real store: decode, dead letter, deliver, retry, refuse, replay."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from interop.adapters import Sink
from interop.errors import EncodeError, RateLimited, RecordsRefused, SourceUnavailable
from interop.model.observation import Measurement
from interop.model.records import Record
from interop.pipeline import Backoff, Pipeline, Route, SinkBinding
from interop.pipeline.sources import message_key
from interop.registry import Registry
from interop.store import DeadLetterStage, RawMessage, open_store

T0 = datetime(2026, 1, 1, tzinfo=UTC)
FAST = Backoff(base=0.01, cap=0.05)


def template(device: str, second: int, value: float = 1.0) -> RawMessage:
    body = {
        "device": device,
        "time": (T0 + timedelta(seconds=second)).isoformat().replace("+00:00", "Z"),
        "readings": [{"property": "temperature", "value": value, "unit": "Cel"}],
    }
    payload = json.dumps(body).encode()
    return RawMessage("template", message_key("template", payload), payload, T0)


@pytest.fixture(scope="module")
def registry():
    return (Registry(strict=True).load(),)


class Recording(Sink):
    """A sink that keeps what it got, in order; subclasses misbehave."""

    name = "recording"

    def __init__(self) -> None:
        self.got: list[Record] = []
        self.calls = 0

    async def write(self, records: Sequence[Record]) -> None:
        self.calls += 1
        self.got.extend(records)


class Outage(Recording):
    """Unavailable for its first ``failures`` calls (some as 429 with Retry-After)."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def write(self, records: Sequence[Record]) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            if self.calls % 3 == 0:
                raise RateLimited("busy", retry_after=0.01, source="outage")
            raise SourceUnavailable("down", source="outage")
        self.got.extend(records)


class RefusesHot(Recording):
    """Refuses readings above 30 for good, delivering the rest of the batch (like a 207)."""

    async def write(self, records: Sequence[Record]) -> None:
        self.calls += 1
        refused = {}
        for index, record in enumerate(records):
            if isinstance(record, Measurement) and record.value > 30:
                refused[index] = f"value {record.value} is out of range"
            else:
                self.got.append(record)
        if refused:
            raise RecordsRefused("some refused", refused=refused)


class BatchOnlyRefusal(Recording):
    """Fails a whole batch (EncodeError) whenever it holds one bad record."""

    async def write(self, records: Sequence[Record]) -> None:
        self.calls += 1
        if any(isinstance(r, Measurement) and r.value > 30 for r in records):
            raise EncodeError("cannot encode a hot reading", source="batch")
        self.got.extend(records)


def run(coro):
    return asyncio.run(coro)


async def _pipeline_run(tmp_path, messages, sinks, registry):
    async with open_store(tmp_path / "store") as store:
        pipeline = Pipeline(
            store, registry[0], [Route("template", "template")], sinks=sinks, backoff=FAST
        )
        async with pipeline:
            await pipeline.submit(messages)
            await pipeline.wait_processed()
            await asyncio.wait_for(pipeline.wait_delivered(), 20)
        return pipeline.counters, await store.stats(), await store.dead_letters()


def test_redeliveries_stored_once_and_junk_dead_lettered(tmp_path, registry):
    good = [template("a", s) for s in range(5)]
    junk = RawMessage("template", "junk-1", b"\xff\xfe not json", T0, {"origin": "junk.bin"})
    unrouted = RawMessage("nowhere", "x-1", b"{}", T0)
    sink = Recording()
    counters, stats, letters = run(
        _pipeline_run(
            tmp_path,
            [*good, junk, unrouted, *good[:2]],
            [SinkBinding("rec", sink, "EEA")],
            registry,
        )
    )
    assert counters.received == 9
    assert counters.duplicates == 2
    assert counters.stored == 5
    assert counters.dead_lettered == {"decode": 2}
    assert stats.records == 5
    assert stats.dead_letters == 2
    assert [(d.source, d.stage) for d in letters] == [
        ("template", DeadLetterStage.DECODE),
        ("nowhere", DeadLetterStage.DECODE),
    ]
    assert letters[0].payload == junk.payload
    assert letters[0].code == "decode-error"
    assert "no route" in letters[1].reason
    assert len(sink.got) == 5
    first = sink.got[0]
    assert first.provenance is not None
    assert first.provenance.plugin == "template"
    assert first.provenance.received_at == T0


def test_sink_outage_then_everything_in_order_per_entity(tmp_path, registry):
    messages = [template(f"d{i % 3}", i, float(i)) for i in range(60)]
    sink = Outage(failures=7)
    counters, stats, _ = run(
        _pipeline_run(
            tmp_path, messages, [SinkBinding("flaky", sink, "EEA", batch_size=8)], registry
        )
    )
    assert counters.retries["flaky"] == 7
    assert len(sink.got) == 60
    assert len({r.id for r in sink.got}) == 60
    for device in ("d0", "d1", "d2"):
        times = [r.timestamp for r in sink.got if r.device and r.device.endswith(device)]
        assert times == sorted(times)
    assert stats.sinks == {"flaky": 0}


def test_permanent_refusal_dead_letters_only_that_record(tmp_path, registry):
    messages = [template("d", i, float(v)) for i, v in enumerate([10, 35, 12, 40, 13])]
    partial, whole = RefusesHot(), BatchOnlyRefusal()
    counters, _, letters = run(
        _pipeline_run(
            tmp_path,
            messages,
            [SinkBinding("partial", partial, "EEA"), SinkBinding("whole", whole, "EEA")],
            registry,
        )
    )
    assert sorted(r.value for r in partial.got) == [10, 12, 13]
    assert sorted(r.value for r in whole.got) == [10, 12, 13]
    assert counters.refused == {"partial": 2, "whole": 2}
    assert counters.delivered == {"partial": 3, "whole": 3}
    by_sink = {(d.sink, json.loads(d.payload)["value"]) for d in letters}
    assert by_sink == {("partial", 35), ("partial", 40), ("whole", 35), ("whole", 40)}
    reasons = {d.reason for d in letters if d.sink == "partial"}
    assert reasons == {"value 35.0 is out of range", "value 40.0 is out of range"}
    assert all(d.stage is DeadLetterStage.DELIVERY for d in letters)


def test_replay_of_a_delivery_refusal_goes_to_that_sink_only(tmp_path, registry):
    async def go():
        async with open_store(tmp_path / "store") as store:
            partial, other = RefusesHot(), Recording()
            sinks = [SinkBinding("partial", partial, "EEA"), SinkBinding("other", other, "EEA")]
            route = [Route("template", "template")]
            async with Pipeline(store, registry[0], route, sinks=sinks, backoff=FAST) as p:
                await p.submit([template("d", 1, 50.0)])
                await p.wait_processed()
                await asyncio.wait_for(p.wait_delivered(), 10)
            letters = await store.dead_letters()
            fixed = Recording()  # the sink was fixed: it now takes hot readings
            sinks = [SinkBinding("partial", fixed, "EEA"), SinkBinding("other", other, "EEA")]
            async with Pipeline(store, registry[0], route, sinks=sinks, backoff=FAST) as p:
                done, failed = await p.replay(letters)
                await asyncio.wait_for(p.wait_delivered(), 10)
            return letters, done, failed, fixed.got, other.got, await store.dead_letters()

    letters, done, failed, fixed_got, other_got, left = run(go())
    assert len(letters) == 1
    assert (done, failed) == (1, 0)
    assert [r.value for r in fixed_got] == [50.0]
    assert [r.value for r in other_got] == [50.0]  # delivered once, not again on replay
    assert left == []


def test_a_sink_that_raises_a_bug_does_not_block_the_others(tmp_path, registry):
    class Broken(Recording):
        async def write(self, records: Sequence[Record]) -> None:
            raise ZeroDivisionError

    good = Recording()
    counters, _, letters = run(
        _pipeline_run(
            tmp_path,
            [template("d", i) for i in range(3)],
            [SinkBinding("broken", Broken(), "EEA"), SinkBinding("good", good, "EEA")],
            registry,
        )
    )
    assert len(good.got) == 3
    assert counters.refused == {"broken": 3}
    assert {d.code for d in letters} == {"sink-error"}


def test_ingest_from_an_async_file_source(tmp_path, registry):
    """Pipeline.ingest takes any async iterator of raw messages (here a folder of files)."""
    from pathlib import Path

    from interop.pipeline.sources import file_messages

    samples = Path(__file__).resolve().parents[2] / "plugins/template/interop_template/samples"

    async def go():
        async with open_store(tmp_path / "store") as store:
            route = [Route("template", "template")]
            async with Pipeline(store, registry[0], route, backoff=FAST) as pipeline:
                first = await pipeline.ingest(file_messages(samples, "template"), batch=2)
                again = await pipeline.ingest(file_messages(samples, "template"))
                await pipeline.wait_processed()
            return first, again, await store.stats()

    first, again, stats = run(go())
    assert (first, again) == (3, 0)
    assert stats.records == 9
    assert stats.inbox_pending == 0


def test_a_codec_stamping_from_its_context_gives_what_the_pipeline_would_stamp(tmp_path, registry):
    """The template codec puts the context's raw message id and policy version in its
    records' Provenance; the same records stamped by the pipeline afterwards are equal."""
    from interop.adapters import Codec, DecodeContext
    from interop.model.base import mint_iri

    message = template("a", 1)
    routes = [Route("template", "template")]
    pipeline = Pipeline(open_store(tmp_path / "store"), registry[0], routes)
    records, letter = pipeline._decode(message)
    assert letter is None
    assert records
    for record in records:
        assert record.provenance.raw_message_id == mint_iri("message", "template", message.key)
        assert record.provenance.policy_version == pipeline.policy.policy_version
    codec = registry[0].adapter(Codec, "template", None)()
    ctx = DecodeContext(source=message.key, received_at=message.received_at)
    unstamped = codec.decode(message.payload, ctx)
    assert all(r.provenance.raw_message_id is None for r in unstamped)
    stamped = pipeline._stamp(unstamped, message, records[0].provenance.raw_message_id)
    assert stamped == records
