"""Command requests of the gateway's API, and how commands and their results are stored.

A request body is one command or a list of them, each either a canonical ``Command`` as
``interop store export`` writes it (``"kind": "command"``) or the short form
``{"action": "set_level", "level": 40, "duration": 600, "target": ...}`` (``lights`` or
``group`` instead of ``target`` where the API addresses several). What the API sends and
what came of it are stored as records through the pipeline, policy included, like any
ingested message: one raw message per record, keyed by its id and content so that storing
the same record again is a duplicate, never a second copy.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticValidationError

from interop.errors import InteropError, ValidationError
from interop.gateway.problems import problem
from interop.model.base import IRI, Provenance, mint_iri
from interop.model.command import Command, CommandKind, CommandResult
from interop.model.records import Record, RecordAdapter
from interop.pipeline import Outcome, Pipeline
from interop.store import RawMessage

__all__ = [
    "MAX_COMMANDS",
    "MAX_DURATION",
    "AssignmentRequest",
    "CommandRequest",
    "build_command",
    "keep_commands",
    "keep_results",
    "parse_assignment",
    "parse_requests",
    "record_key",
    "result_json",
    "store_records",
]

log = logging.getLogger("interop.gateway.commands")

MAX_COMMANDS = 10_000
"""Most commands (or lights) one request may carry."""
MAX_DURATION = 366 * 86_400.0
"""Longest override a request may ask for, in seconds (a year and a day)."""

_Id = Annotated[IRI, StringConstraints(min_length=1, max_length=2000)]
"""A light, group, device or schedule id: an absolute IRI (refused with 400 otherwise)."""


class CommandRequest(BaseModel):
    """The short form of a command request; exactly one of ``target``, ``lights``, ``group``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: CommandKind
    level: float | None = Field(None, ge=0.0, le=100.0)
    duration: float | None = Field(None, gt=0.0, le=MAX_DURATION)
    target: _Id | None = None
    lights: list[_Id] | None = Field(None, min_length=1, max_length=MAX_COMMANDS)
    group: _Id | None = None
    issued_by: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None

    def addresses(self) -> int:
        """How many of ``target``, ``lights`` and ``group`` are given."""
        return sum(x is not None for x in (self.target, self.lights, self.group))


def _where(exc: PydanticValidationError, index: int) -> tuple[str, str]:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in (index, *first.get("loc", ())))
    return where, str(first.get("msg", "invalid"))


def parse_requests(
    body: bytes, *, source: str, group_allowed: bool
) -> list[CommandRequest | Command]:
    """The commands of a request body; ValidationError naming the item and field otherwise."""
    expected = (
        'a command such as {"action": "set_level", "level": 40, "target": "..."}'
        + (' (or "lights": [...] or "group": "...")' if group_allowed else "")
        + ", a canonical Command, or a list of them"
    )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ValidationError("the body is not JSON", source=source, expected=expected) from None
    items = data if isinstance(data, list) else [data]
    if not items or len(items) > MAX_COMMANDS:
        raise ValidationError(
            f"the body holds {len(items)} commands", source=source,
            expected=f"1 to {MAX_COMMANDS} commands",
        )  # fmt: skip
    parsed: list[CommandRequest | Command] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationError(
                "not a JSON object", source=source, field=str(index), expected=expected
            )
        try:
            if item.get("kind") == "command":
                command = Command.model_validate(item)
                if command.duration is not None and command.duration > MAX_DURATION:
                    raise ValidationError(
                        "the override lasts too long", source=source,
                        field=f"{index}.duration", expected=f"at most {MAX_DURATION:g} seconds",
                    )  # fmt: skip
                parsed.append(command)
                continue
            request = CommandRequest.model_validate(item)
        except PydanticValidationError as exc:
            where, message = _where(exc, index)
            raise ValidationError(message, source=source, field=where, expected=expected) from None
        if request.addresses() != 1 or (not group_allowed and request.target is None):
            raise ValidationError(
                "names no target or more than one kind of target", source=source,
                field=str(index),
                expected="exactly one of target, lights, group" if group_allowed else "target",
            )  # fmt: skip
        parsed.append(request)
    if sum(len(p.lights or ()) if isinstance(p, CommandRequest) else 1 for p in parsed) > (
        MAX_COMMANDS
    ):
        raise ValidationError(
            "the request addresses too many lights", source=source,
            expected=f"at most {MAX_COMMANDS} commands in all",
        )  # fmt: skip
    return parsed


class AssignmentRequest(BaseModel):
    """Lights (or a group) to follow a dimming schedule; exactly one of ``lights``, ``group``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schedule: _Id
    lights: list[_Id] | None = Field(None, min_length=1, max_length=MAX_COMMANDS)
    group: _Id | None = None


def parse_assignment(body: bytes, *, source: str) -> AssignmentRequest:
    """The assignment of a request body; ValidationError naming the field otherwise."""
    expected = '{"schedule": "<schedule id>", "lights": [...]} or {"schedule": ..., "group": ...}'
    try:
        request = AssignmentRequest.model_validate_json(body)
    except PydanticValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ValidationError(
            str(first.get("msg", "invalid")), source=source, field=where or None, expected=expected
        ) from None
    if (request.lights is None) == (request.group is None):
        raise ValidationError(
            "names no lights or both lights and a group", source=source, expected=expected
        )
    return request


def build_command(
    request: CommandRequest, target: str, *, plugin: str, version: str, field: str
) -> Command:
    """The canonical Command of a short-form request for one target (a fresh UUID id)."""
    now = datetime.now(UTC)
    try:
        return Command(
            id=mint_iri("command", plugin, uuid.uuid4().hex),
            provenance=Provenance(plugin=plugin, plugin_version=version, received_at=now),
            action=request.action,
            target=target,
            level=request.level,
            duration=request.duration,
            issued_at=now,
            issued_by=request.issued_by,
        )
    except PydanticValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise ValidationError(
            str(first.get("msg", "invalid")).removeprefix("Value error, "),
            source=request.action.value,
            field=field,
            expected="level with set_level only; duration with on, off and set_level only; "
            "the target an IRI",
        ) from None


def result_json(result: CommandResult) -> dict[str, Any]:
    """A CommandResult as the API answers it (its canonical JSON)."""
    data: dict[str, Any] = orjson.loads(RecordAdapter.dump_json(result))
    return data


def record_key(source: str, record: Record) -> str:
    """The idempotency key of a record: its id and a hash of its content (not provenance)."""
    content = record.model_dump_json(exclude={"provenance"}).encode()
    return f"{source}:{record.id}:{hashlib.sha256(content).hexdigest()[:24]}"


async def store_records(
    pipeline: Pipeline, source: str, records: Sequence[Record], *, origin: str
) -> list[Outcome]:
    """Store records through the pipeline (policy, store, outbox) in one durable commit.

    ``source`` is a route of the built-in ``records`` plugin. StoreUnavailable (an
    InteropError) when the store cannot commit: nothing is kept then.
    """
    if not records:
        return []
    now = datetime.now(UTC)
    messages = [
        RawMessage(
            source,
            record_key(source, record),
            RecordAdapter.dump_json(record),
            now,
            {"origin": origin},
        )
        for record in records
    ]
    return await pipeline.submit_and_wait(messages)


async def keep_commands(
    pipeline: Pipeline, source: str, commands: Sequence[Command]
) -> web.Response | None:
    """Store Commands before they are sent: None when all are kept, else the answer to give.

    503 with ``Retry-After`` when the store cannot commit; 422 when the policy refuses one
    (a personal ``issued_by`` with no pseudonymisation key): it is in the dead letter and
    nothing is sent, so that no command goes out that the city cannot account for.
    """
    try:
        outcomes = await store_records(pipeline, source, commands, origin="commands")
    except InteropError:
        return problem(
            503, "Service Unavailable", "the store cannot commit now; nothing was sent",
            code="store-unavailable", headers={"Retry-After": "5"},
        )  # fmt: skip
    for index, outcome in enumerate(outcomes):
        if outcome.status == "dead_letter":
            letter = outcome.dead_letter
            return problem(
                422, "Unprocessable Content",
                f"command {index} cannot be kept, so nothing was sent: "
                + (letter.reason if letter else "the policy refused it"),
                code=letter.code if letter else "policy-violation", kept="dead-letter",
            )  # fmt: skip
    return None


async def keep_results(pipeline: Pipeline, source: str, results: Sequence[CommandResult]) -> bool:
    """Store CommandResults; False (logged) when the store or the policy did not keep all."""
    try:
        outcomes = await store_records(pipeline, source, results, origin="command results")
    except InteropError as exc:
        log.error("storing %d command results of %s failed: %s", len(results), source, exc)
        return False
    return all(o.status != "dead_letter" for o in outcomes)
