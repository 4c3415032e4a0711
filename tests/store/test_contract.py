"""The store contract, run against both engines (SQLite file, real PostgreSQL server)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interop.model.base import DataClass
from interop.model.command import Command
from interop.model.observation import Measurement
from interop.store import (
    DeadLetter,
    DeadLetterStage,
    Processed,
    PurgeRule,
    RawMessage,
    open_store,
)
from interop.testing.strategies import records

T0 = datetime(2026, 3, 1, tzinfo=UTC)
TEMP = "https://saref.etsi.org/core/Temperature"
CELSIUS = "http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius"


def reading(device: str, minute: int, value: float = 1.0, prop: str = TEMP) -> Measurement:
    return Measurement(
        id=f"urn:test:m:{device}:{minute}:{prop.rsplit('/', 1)[-1]}",
        property=prop,
        value=value,
        unit=CELSIUS,
        timestamp=T0 + timedelta(minutes=minute),
        device=f"urn:test:d:{device}",
    )


def message(key: str, payload: bytes = b"{}") -> RawMessage:
    return RawMessage("test", key, payload, T0, {"k": "v"})


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "data")
    return request.getfixturevalue("postgres_dsn")


def run(coro):
    return asyncio.run(coro)


def test_accept_is_idempotent_by_key(location):
    async def go():
        async with open_store(location) as store:
            first = await store.accept([message("a"), message("b")])
            again, fresh = await asyncio.gather(
                store.accept([message("a"), message("c")]), store.accept([message("b")])
            )
            stats = await store.stats()
            return first, again, fresh, stats

    first, again, fresh, stats = run(go())
    assert all(seq is not None for seq in first)
    assert again[0] is None
    assert again[1] is not None
    assert fresh == [None]
    assert stats.inbox_total == 3
    assert stats.inbox_pending == 3


def test_claims_lease_and_commit_marks_done(location):
    async def go():
        async with open_store(location) as store:
            await store.accept([message(f"m{i}", b"raw") for i in range(5)])
            mine = await store.claim(3, worker="w1", lease=timedelta(minutes=5))
            other = await store.claim(10, worker="w2", lease=timedelta(minutes=5))
            none_left = await store.claim(10, worker="w3", lease=timedelta(minutes=5))
            own_again = await store.claim(
                10, worker="w1", lease=timedelta(minutes=5), reclaim_own=True
            )
            await store.commit(Processed(done=[m.seq for m in mine + other]))
            stats = await store.stats()
            return mine, other, none_left, own_again, stats

    mine, other, none_left, own_again, stats = run(go())
    assert [m.message.key for m in mine] == ["m0", "m1", "m2"]
    assert mine[0].message.payload == b"raw"
    assert mine[0].message.metadata == {"k": "v"}
    assert mine[0].message.received_at == T0
    assert [m.message.key for m in other] == ["m3", "m4"]
    assert none_left == []
    assert [m.message.key for m in own_again] == ["m0", "m1", "m2"]
    assert stats.inbox_pending == 0


def test_expired_claims_pass_to_another_worker(location):
    async def go():
        async with open_store(location) as store:
            await store.accept([message("x")], worker="dead", lease=timedelta(milliseconds=1))
            await asyncio.sleep(0.05)
            return await store.claim(10, worker="alive", lease=timedelta(minutes=1))

    assert [m.message.key for m in run(go())] == ["x"]


def test_records_history_latest_and_replacement(location):
    async def go():
        async with open_store(location) as store:
            batch = [reading("a", m, float(m)) for m in (3, 1, 2)] + [reading("b", 1)]
            await store.commit(Processed(records=batch))
            # the same id again replaces (a redecoded message is idempotent)
            await store.commit(Processed(records=[reading("a", 2, 20.0)]))
            history = await store.history(f"urn:test:d:a|{TEMP}")
            window = await store.history(
                f"urn:test:d:a|{TEMP}",
                start=T0 + timedelta(minutes=2),
                end=T0 + timedelta(minutes=3),
            )
            latest = await store.latest(kind="measurement")
            got = await store.get(reading("a", 2).id)
            missing = await store.get("urn:test:none")
            stats = await store.stats()
            return history, window, latest, got, missing, stats

    history, window, latest, got, missing, stats = run(go())
    assert [m.value for m in history] == [1.0, 20.0, 3.0]
    assert [m.value for m in window] == [20.0]
    assert sorted((m.device, m.value) for m in latest) == [
        ("urn:test:d:a", 3.0),
        ("urn:test:d:b", 1.0),
    ]
    assert got == reading("a", 2, 20.0)
    assert missing is None
    assert stats.records == 4
    assert stats.series == 2


def test_outbox_cursors_per_sink_in_order(location):
    async def go():
        async with open_store(location) as store:
            await store.commit(Processed(records=[reading("a", 0)]))  # before any sink
            await store.register_sink("late")
            await store.register_sink("all", from_start=True)
            seqs = await store.commit(Processed(records=[reading("a", m) for m in range(1, 6)]))
            late = await store.pending("late", limit=100)
            everything = await store.pending("all", limit=3)
            await store.advance("all", everything[-1].seq)
            rest = await store.pending("all", limit=100)
            await store.advance("late", late[-1].seq)
            await store.advance("all", rest[-1].seq)
            stats = await store.stats()
            return seqs, late, everything, rest, stats

    seqs, late, everything, rest, stats = run(go())
    assert seqs == sorted(seqs)
    assert len(seqs) == 5
    assert [i.record.timestamp.minute for i in late] == [1, 2, 3, 4, 5]
    assert [i.record.timestamp.minute for i in everything] == [0, 1, 2]
    assert [i.record.timestamp.minute for i in rest] == [3, 4, 5]
    assert stats.sinks == {"all": 0, "late": 0}
    assert stats.outbox == 0  # entries every sink has taken are dropped


def test_sink_lease_is_exclusive_until_it_expires(location):
    async def go():
        async with open_store(location) as store:
            await store.register_sink("s")
            first = await store.acquire_sink("s", worker="w1", lease=timedelta(milliseconds=200))
            second = await store.acquire_sink("s", worker="w2", lease=timedelta(seconds=5))
            renewed = await store.acquire_sink("s", worker="w1", lease=timedelta(milliseconds=50))
            await asyncio.sleep(0.1)
            taken = await store.acquire_sink("s", worker="w2", lease=timedelta(seconds=5))
            return first, second, renewed, taken

    assert run(go()) == (True, False, True, True)


def test_dead_letters_listed_and_resolved_for_one_sink(location):
    async def go():
        async with open_store(location) as store:
            await store.register_sink("a")
            await store.register_sink("b")
            raw = DeadLetter(
                "test", DeadLetterStage.DECODE, "bad", "decode-error", T0, b"\x00\xff", key="k1"
            )
            await store.commit(Processed(dead_letters=[raw]))
            refused = DeadLetter(
                "sink:b", DeadLetterStage.DELIVERY, "no", "records-refused", T0, b"{}", sink="b"
            )
            await store.dead_letter([refused])
            listed = await store.dead_letters()
            decode_only = await store.dead_letters(stage=DeadLetterStage.DECODE)
            await store.resolve_dead_letters(
                [listed[1].id], Processed(records=[reading("z", 1)]), sink="b"
            )
            for_a = await store.pending("a", limit=10)
            for_b = await store.pending("b", limit=10)
            left = await store.dead_letters()
            return listed, decode_only, for_a, for_b, left

    listed, decode_only, for_a, for_b, left = run(go())
    assert [d.reason for d in listed] == ["bad", "no"]
    assert listed[0].payload == b"\x00\xff"
    assert listed[0].at == T0
    assert listed[0].key == "k1"
    assert [d.reason for d in decode_only] == ["bad"]
    assert for_a == []
    assert [i.record.id for i in for_b] == [reading("z", 1).id]
    assert [d.reason for d in left] == ["bad"]


def test_purge_by_class_property_and_age(location):
    humidity = "https://saref.etsi.org/core/Humidity"
    now = T0 + timedelta(days=10)
    order = Command(
        id="urn:test:c:1",
        action="on",
        target="urn:test:d:a",
        issued_at=T0,
        issued_by="Jane Citizen",
    )

    async def go():
        async with open_store(location) as store:
            await store.commit(
                Processed(
                    records=[
                        reading("a", 0),
                        reading("a", 0, prop=humidity),
                        reading("a", 60 * 24 * 9, prop=humidity),
                        order,
                    ]
                )
            )
            counts = await store.purge(
                [
                    PurgeRule(keep=timedelta(days=1), data_class=DataClass.PERSONAL),
                    PurgeRule(keep=timedelta(days=5), property=humidity),
                ],
                now=now,
                dead_letter_keep=timedelta(days=1),
            )
            left = sorted(r.id for _, r in await store.scan())
            return counts, left

    counts, left = run(go())
    assert list(counts.values()) == [1, 1, 0]
    assert left == sorted([reading("a", 0).id, reading("a", 60 * 24 * 9, prop=humidity).id])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(records(), min_size=1, max_size=5))
def test_any_record_comes_back_equal(location, batch):
    """Whatever the model can hold, either engine gives back equal."""

    async def go():
        async with open_store(location) as store:
            await store.commit(Processed(records=batch))
            return {r.id: r for r in [await store.get(x.id) for x in batch]}

    stored = run(go())
    expected = {r.id: r for r in batch}  # a later record with the same id replaces
    assert stored == expected
