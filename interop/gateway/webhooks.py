"""The webhook route of one plugin ingress: authenticate, bound, commit, then answer.

``POST /ingest/{plugin}/{name}``: the body is committed to the store's inbox and processed
before the answer, so that 2xx means durable and used (``stored``) or already received
(``duplicate``), 422 means it can never be decoded (it is in the dead letter), 413 and 415
that it was too large or of a type the ingress does not take (also kept), 401 a missing or
wrong secret (counted, not kept) and 503 with ``Retry-After`` that the store cannot commit
now (the sender retries; nothing was acknowledged).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from aiohttp import web

from interop.errors import InteropError
from interop.gateway.metrics import GatewayMetrics
from interop.gateway.problems import problem
from interop.ingress import Ingress
from interop.pipeline import Pipeline
from interop.pipeline.sources import message_key
from interop.secrets import Secret
from interop.store import RawMessage

__all__ = ["WebhookRoute", "bearer_or_header"]

RETRY_AFTER_SECONDS = 5


def bearer_or_header(request: web.Request, secret: Secret, header: str | None) -> bool:
    """True when the request carries the secret as a Bearer token or in ``header``."""
    authorization = request.headers.get("Authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token and secret.matches(token.strip()):
        return True
    if header is not None:
        value = request.headers.get(header)
        if value is not None and secret.matches(value):
            return True
    return False


@dataclass(slots=True)
class WebhookRoute:
    """The handler of one ingress (:meth:`handle` is the aiohttp handler)."""

    plugin: str
    ingress: Ingress
    pipeline: Pipeline
    secret: Secret
    metrics: GatewayMetrics
    max_body: int

    @property
    def path(self) -> str:
        """Where it is mounted."""
        return f"/ingest/{self.plugin}/{self.ingress.name}"

    @property
    def source(self) -> str:
        """The pipeline route name of its messages."""
        return f"{self.plugin}:{self.ingress.name}"

    def _hints(self, request: web.Request, content_type: str) -> dict[str, str]:
        hints: dict[str, str] = {}
        if self.ingress.query_hints and request.query_string:
            for name in self.ingress.query_hints:
                if name in request.query:
                    hints[name] = request.query[name][:200]
        for header, hint in self.ingress.header_hints.items():
            if header in request.headers:
                hints[hint] = request.headers[header][:200]
        hints["content_type"] = content_type
        hints["origin"] = f"POST {self.path}"
        return hints

    def _key(self, body: bytes, hints: Mapping[str, str]) -> str:
        if self.ingress.key is not None:
            try:
                found = self.ingress.key(body, hints)
            except Exception:  # a key function must never stop a message: hash it instead
                found = None
            if found:
                return f"{self.source}:{found[:500]}"
        return message_key(self.source, body)

    async def _read(self, request: web.Request) -> tuple[bytes, bool]:
        """The body, or its first ``max_body`` bytes and True when it is longer."""
        length = request.content_length
        if length is not None and length <= self.max_body:
            # declared within the limit: the HTTP parser ends the body at Content-Length
            try:
                return await request.content.readexactly(length), False
            except asyncio.IncompleteReadError as exc:  # the sender went away: what came
                return exc.partial, False
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = await request.content.read(65536)
            if not chunk:
                return b"".join(chunks), False
            size += len(chunk)
            if size > self.max_body:
                chunks.append(chunk[: len(chunk) - (size - self.max_body)])
                return b"".join(chunks), True
            chunks.append(chunk)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Authenticate, read within the limit, commit, process, answer."""
        route = self.path
        if not bearer_or_header(request, self.secret, self.ingress.auth_header):
            self.metrics.auth_failures.labels(route).inc()
            return problem(
                401,
                "Unauthorized",
                "a valid Bearer token"
                + (f" or {self.ingress.auth_header} header" if self.ingress.auth_header else "")
                + " is required",
                code="auth-failed",
                headers={"WWW-Authenticate": 'Bearer realm="interop"'},
            )
        content_type = request.content_type
        hints = self._hints(request, content_type)
        payload, too_large = await self._read(request)
        message = RawMessage(
            self.source, self._key(payload, hints), payload, datetime.now(UTC), hints
        )
        if too_large:
            return await self._reject(
                message, 413, "Content Too Large", f"the body exceeds {self.max_body} bytes",
                "payload-too-large",
            )  # fmt: skip
        if content_type not in self.ingress.media_types:
            return await self._reject(
                message,
                415,
                "Unsupported Media Type",
                f"content type {content_type!r} is not one of {list(self.ingress.media_types)}",
                "unsupported-media-type",
            )
        try:
            (outcome,) = await self.pipeline.submit_and_wait([message])
        except InteropError as exc:
            return problem(
                503,
                "Service Unavailable",
                "the store cannot commit now; retry later",
                code=exc.code,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        if outcome.status == "dead_letter":
            letter = outcome.dead_letter
            self.metrics.rejected.labels(route, "422").inc()
            return problem(
                422,
                "Unprocessable Content",
                letter.reason if letter else "the message cannot be decoded",
                code=letter.code if letter else "decode-error",
                kept="dead-letter",
            )
        status = 200 if outcome.status == "duplicate" else 202
        return web.Response(
            body=orjson.dumps({"status": outcome.status, "records": outcome.records}),
            status=status,
            content_type="application/json",
        )

    async def _reject(
        self, message: RawMessage, status: int, title: str, detail: str, code: str
    ) -> web.Response:
        try:
            await self.pipeline.reject(message, detail, code)
        except InteropError:
            return problem(
                503, "Service Unavailable", "the store cannot commit now", code="store-unavailable",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )  # fmt: skip
        self.metrics.rejected.labels(self.path, str(status)).inc()
        return problem(status, title, detail, code=code, kept="dead-letter")
