"""Asynchronous SLV command batches: start, wait out ``BATCH_LIMIT``, poll, read step results.

``dimming/setDimmingLevels`` answers a batch id at once; ``batch/getBatchResult`` says when
it has finished and how each device fared (``OK``, ``TIMEOUT``, ``UNKNOWN_DEVICE``, ...).
A server running its maximum of batches answers ``BATCH_LIMIT``: the batch is started again
after a back-off, within a deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from interop.errors import RateLimited, SourceUnavailable
from interop_slv.client import SlvClient
from interop_slv.ids import NaturalKey
from interop_slv.wire import BatchStart, BatchStatus, validate

__all__ = ["StepOutcome", "run_dimming_batch"]

StepOutcome = tuple[str, str | None]
"""A device's step status (``OK``, ``TIMEOUT``, ...) and the server's message."""


async def _start(client: SlvClient, form: Sequence[tuple[str, str]], deadline: float) -> BatchStart:
    pause = 0.05
    while True:
        try:
            data = await client.post(
                "dimming/setDimmingLevels", form, what="setDimmingLevels", idempotent=True
            )
        except RateLimited:
            if time.monotonic() + pause > deadline:
                raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)
            continue
        return validate(BatchStart, data, source=client.source, what="batch")


async def run_dimming_batch(
    client: SlvClient,
    controller: str,
    devices: Sequence[str],
    arc: int,
    *,
    duration: int | None,
    timeout: float,
) -> dict[NaturalKey, StepOutcome]:
    """Dim ``devices`` of ``controller`` to ``arc`` (-1 = schedule); each device's outcome.

    Raises RateLimited when the batch limit outlasts ``timeout``, SourceUnavailable when the
    batch has not finished within it (and the client's errors).
    """
    deadline = time.monotonic() + timeout
    form = [("controllerStrId", controller)]
    form += [("idOnController", device) for device in devices]
    form.append(("dimmingLevel", str(arc)))
    if duration is not None:
        form.append(("duration", str(duration)))
    batch = await _start(client, form, deadline)
    pause = 0.02
    while True:
        data = await client.get(
            "batch/getBatchResult", [("batchId", str(batch.batchId))], what="getBatchResult"
        )
        status = validate(BatchStatus, data, source=client.source, what="batch result")
        if not status.batchRunning:
            break
        if time.monotonic() + pause > deadline:
            raise SourceUnavailable(
                f"batch {batch.batchId} still running after {timeout:g} s", source=client.source
            )
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)
    steps = status.value.stepResults if status.value is not None else []
    return {
        NaturalKey(step.controllerStrId or controller, step.idOnController): (
            step.status,
            step.message,
        )
        for step in steps
    }
