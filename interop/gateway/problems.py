"""RFC 9457 problem details: every error answer of the gateway's API has this body."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

__all__ = ["PROBLEM_TYPE", "problem"]

PROBLEM_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> web.Response:
    """A ``application/problem+json`` response; ``code`` is interop's stable error code."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail[:2000]
    if code:
        body["code"] = code
    body.update(extra)
    return web.Response(
        status=status, body=orjson.dumps(body), content_type=PROBLEM_TYPE, headers=headers
    )
