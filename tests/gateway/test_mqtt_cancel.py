"""Stopping the gateway stops its MQTT ingestion, even when the stop meets the broker's CONNACK.

Python 3.11's ``asyncio.wait_for`` (aiomqtt waits for CONNACK and SUBACK with it) returns the
awaited result when that future completes as the cancellation arrives: the cancellation is
lost, and an ingestion task would go on consuming while the gateway waits for it to end.
"""

from __future__ import annotations

import asyncio

import pytest

from interop.gateway.mqtt import stop_if_cancelled


def test_a_cancellation_swallowed_by_wait_for_is_honoured() -> None:
    async def ingestion() -> str:
        task = asyncio.current_task()
        assert task is not None
        connack: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        def answer_and_stop() -> None:  # the CONNACK and the gateway's stop, one instant
            connack.set_result("connected")
            task.cancel()

        asyncio.get_running_loop().call_soon(answer_and_stop)
        result = await asyncio.wait_for(connack, timeout=10)
        stop_if_cancelled()
        return result  # only reached when the cancellation was lost

    async def scenario() -> None:
        task = asyncio.create_task(ingestion())
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5)

    asyncio.run(scenario())


def test_nothing_is_raised_without_a_cancellation() -> None:
    async def ingestion() -> None:
        stop_if_cancelled()

    asyncio.run(ingestion())
