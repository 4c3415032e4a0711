"""The admin API: dead letters listed and replayed over HTTP, behind the admin token."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import orjson
from aiohttp import web

from interop.errors import InteropError
from interop.gateway.problems import problem
from interop.gateway.webhooks import bearer_or_header
from interop.pipeline import Pipeline
from interop.secrets import Secret
from interop.store import DeadLetter, DeadLetterStage

__all__ = ["AdminApi"]

_MAX_LIMIT = 1000


def letter_json(letter: DeadLetter) -> dict[str, object]:
    """A dead letter as the API returns it (raw bytes in base64)."""
    return {
        "id": letter.id,
        "source": letter.source,
        "stage": letter.stage.value,
        "code": letter.code,
        "reason": letter.reason,
        "at": letter.at.isoformat(),
        "key": letter.key,
        "sink": letter.sink,
        "payload_base64": base64.b64encode(letter.payload).decode(),
    }


class _BadQuery(ValueError):
    """A query parameter out of its range (answered 400)."""


@dataclass(slots=True)
class AdminApi:
    """``GET /admin/deadletters`` and ``POST /admin/deadletters/replay``."""

    pipeline: Pipeline
    token: Secret | None

    def _denied(self, request: web.Request) -> web.Response | None:
        if self.token is None:
            return problem(
                403, "Forbidden", "the admin API is disabled (no server.admin_token configured)",
                code="admin-disabled",
            )  # fmt: skip
        if not bearer_or_header(request, self.token, None):
            return problem(
                401, "Unauthorized", "the admin token is required as a Bearer token",
                code="auth-failed", headers={"WWW-Authenticate": 'Bearer realm="interop-admin"'},
            )  # fmt: skip
        return None

    @staticmethod
    def _int(request: web.Request, name: str, default: int, high: int) -> int:
        text = request.query.get(name)
        if text is None:
            return default
        if not text.isdigit() or not 0 <= int(text) <= high:
            raise _BadQuery(f"query {name!r} must be an integer from 0 to {high}")
        return int(text)

    def _stage(self, request: web.Request) -> DeadLetterStage | None:
        text = request.query.get("stage")
        if text is None:
            return None
        try:
            return DeadLetterStage(text)
        except ValueError:
            raise _BadQuery("query 'stage' must be decode, policy or delivery") from None

    async def list(self, request: web.Request) -> web.StreamResponse:
        """Dead letters, oldest first; ``limit``, ``after``, ``source``, ``stage`` filter."""
        if (denied := self._denied(request)) is not None:
            return denied
        try:
            limit = self._int(request, "limit", 100, _MAX_LIMIT)
            after = self._int(request, "after", 0, 2**62)
            stage = self._stage(request)
        except _BadQuery as exc:
            return problem(400, "Bad Request", str(exc), code="validation-error")
        try:
            letters = await self.pipeline.store.dead_letters(
                source=request.query.get("source"), stage=stage, limit=limit, after=after
            )
        except InteropError as exc:
            return problem(503, "Service Unavailable", str(exc), code=exc.code)
        return web.json_response({"items": [letter_json(d) for d in letters]})

    async def replay(self, request: web.Request) -> web.StreamResponse:
        """Replay the dead letters ``{"ids": [...]}``; answer how many now went through."""
        if (denied := self._denied(request)) is not None:
            return denied
        try:
            body = orjson.loads(await request.read())
            ids = body["ids"] if isinstance(body, dict) else None
            if (
                not isinstance(ids, list)
                or not all(
                    isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**62 for i in ids
                )
                or len(ids) > _MAX_LIMIT
            ):
                raise ValueError
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError):
            return problem(
                400, "Bad Request",
                f'the body must be {{"ids": [1, 2, ...]}} with at most {_MAX_LIMIT} positive ids',
                code="validation-error",
            )  # fmt: skip
        wanted = set(ids)
        found: list[DeadLetter] = []
        after = 0
        try:
            while len(found) < len(wanted) and (
                batch := await self.pipeline.store.dead_letters(limit=1000, after=after)
            ):
                found += [d for d in batch if d.id in wanted]
                after = batch[-1].id or after
            done, failed = await self.pipeline.replay(found)
        except InteropError as exc:
            return problem(503, "Service Unavailable", str(exc), code=exc.code)
        return web.json_response(
            {"replayed": done, "failed": failed, "missing": len(wanted) - len(found)}
        )
