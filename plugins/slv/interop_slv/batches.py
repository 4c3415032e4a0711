"""Asynchronous SLV command batches: start, wait out ``BATCH_LIMIT``, poll, read step results.

``dimming/setDimmingLevels`` answers a batch id at once; ``batch/getBatchResult`` says when
it has finished and how each device fared (``OK``, ``TIMEOUT``, ``UNKNOWN_DEVICE``, ...).
A server running its maximum of batches answers ``BATCH_LIMIT``: the batch is started again
after a back-off, within the command's deadline. Once a batch has started, a failure to read
its result says nothing about the devices: it is raised as
:class:`~interop.control.http.OutcomeUnknown` so the controller re-reads their state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from interop.control.http import OutcomeUnknown
from interop.errors import AuthenticationFailed, InteropError, RateLimited, SourceUnavailable
from interop_slv.client import SlvClient
from interop_slv.ids import NaturalKey
from interop_slv.wire import BatchStart, BatchStatus, validate

__all__ = ["BatchResultLost", "StepOutcome", "run_dimming_batch"]

StepOutcome = tuple[str, str | None]
"""A device's step status (``OK``, ``TIMEOUT``, ...) and the server's message."""


class BatchResultLost(OutcomeUnknown):
    """A batch started (its devices may be dimming) but its result could not be read."""

    code = "batch-result-lost"


async def _start(client: SlvClient, form: Sequence[tuple[str, str]], deadline: float) -> BatchStart:
    pause = 0.05
    while True:
        try:
            data = await client.post(
                "dimming/setDimmingLevels",
                form,
                what="setDimmingLevels",
                idempotent=True,
                deadline=deadline,
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
    deadline: float,
    started: Callable[[], None] | None = None,
) -> dict[NaturalKey, StepOutcome]:
    """Dim ``devices`` of ``controller`` to ``arc`` (-1 = schedule); each device's outcome.

    Raises RateLimited when the batch limit outlasts ``deadline`` (monotonic seconds),
    SourceUnavailable when the batch could not be started, OutcomeUnknown when its start
    may have been received or it started and its result could not be read by ``deadline``.
    ``started`` is called once the server has answered with the batch id.
    """
    form = [("controllerStrId", controller)]
    form += [("idOnController", device) for device in devices]
    form.append(("dimmingLevel", str(arc)))
    if duration is not None:
        form.append(("duration", str(duration)))
    batch = await _start(client, form, deadline)
    if started is not None:
        started()
    try:
        status = await _poll(client, batch.batchId, deadline)
    except AuthenticationFailed:
        raise
    except InteropError as exc:
        raise BatchResultLost(
            f"batch {batch.batchId} started but its result could not be read: {exc.message}",
            source=client.source,
        ) from None
    steps = status.value.stepResults if status.value is not None else []
    return {
        NaturalKey(step.controllerStrId or controller, step.idOnController): (
            step.status,
            step.message,
        )
        for step in steps
    }


async def _poll(client: SlvClient, batch: str | int, deadline: float) -> BatchStatus:
    """The finished batch's status, polled with a growing pause until ``deadline``."""
    pause = 0.02
    while True:
        try:
            data = await client.get(
                "batch/getBatchResult",
                [("batchId", str(batch))],
                what="getBatchResult",
                deadline=deadline,
            )
        except AuthenticationFailed:
            raise
        except SourceUnavailable:
            if time.monotonic() + pause > deadline:
                raise
        else:
            status = validate(BatchStatus, data, source=client.source, what="batch result")
            if not status.batchRunning:
                return status
            if time.monotonic() + pause > deadline:
                raise SourceUnavailable(
                    f"batch {batch} still running at the command's deadline", source=client.source
                )
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)
