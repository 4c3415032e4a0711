"""A reading is aggregated once per message, however often the message arrives or is tried.

Webhooks are retried after a timeout and MQTT messages redelivered after a reconnection; a
commit may fail and its batch be decoded again. The policy's aggregates are computed from
readings that are never stored one by one, so a second count could not be undone later.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from interop.errors import StoreUnavailable
from interop.model.observation import Measurement
from interop.pipeline import Pipeline, Route
from interop.pipeline.sources import message_key
from interop.privacy import Enforcer, KeyRing
from interop.privacy.policy import parse_policy
from interop.registry import Registry
from interop.store import RawMessage
from interop.store.sqlite import SqliteStore

T0 = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
"""Readings of the hour after tomorrow's: the pipeline's own flushes (at each commit, by the
clock) leave their window open until the test closes it."""


def reading(device: str, minute: int, value: float) -> RawMessage:
    body = {
        "device": device,
        "time": (T0 + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z"),
        "readings": [{"property": "temperature", "value": value, "unit": "Cel"}],
    }
    payload = json.dumps(body).encode()
    return RawMessage("template", message_key("template", payload), payload, T0)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(strict=True).load()


def _enforcer(registry: Registry) -> Enforcer:
    policy = parse_policy(
        {
            "version": "sum-once",
            "aggregate": [
                {"name": "heat", "window": "1h", "statistic": "sum", "k": 1, "area": "device"}
            ],
        },
        "test.toml",
    )
    return Enforcer(policy, KeyRing(), properties=registry.properties)


def test_a_redelivered_or_retried_message_is_aggregated_once(tmp_path, registry, write_lock):
    store = SqliteStore(tmp_path / "store", busy_timeout=0.2)
    first, second, third = reading("d1", 1, 10.0), reading("d1", 2, 20.0), reading("d1", 3, 5.0)

    async def scenario() -> tuple[list[str], bool, list[Measurement]]:
        async with (
            store,
            Pipeline(store, registry, [Route("template", "template")], policy=_enforcer(registry))
            as pipeline,
        ):  # fmt: skip
            statuses = [o.status for o in await pipeline.submit_and_wait([first])]
            statuses += [o.status for o in await pipeline.submit_and_wait([first])]  # again
            with write_lock(store.path):
                try:
                    await pipeline.submit_and_wait([second])
                    failed = False
                except StoreUnavailable:
                    failed = True
            statuses += [o.status for o in await pipeline.submit_and_wait([second])]  # retry
            # the background path: accepted into the inbox, decoded after
            await pipeline.submit([third])
            await pipeline.wait_processed()
            later = T0 + timedelta(days=1)
            released = pipeline.policy.flush(later) + pipeline.policy.flush(later)  # quiet: closed
            return statuses, failed, [r for r in released if isinstance(r, Measurement)]

    statuses, failed, released = asyncio.run(scenario())
    assert statuses == ["stored", "duplicate", "stored"]
    assert failed
    (total,) = released
    assert total.value == 35.0  # 10 + 20 + 5: neither the redelivery nor the retry counted
