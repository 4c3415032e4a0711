"""The admin token check shared by the gateway's operator APIs (dead letters, commands)."""

from __future__ import annotations

from aiohttp import web

from interop.gateway.problems import problem
from interop.gateway.webhooks import bearer_or_header
from interop.secrets import Secret

__all__ = ["admin_denied"]


def admin_denied(request: web.Request, token: Secret | None, api: str) -> web.Response | None:
    """None when the request carries the admin token; else the 403 or 401 problem answer."""
    if token is None:
        return problem(
            403, "Forbidden", f"the {api} needs server.admin_token to be configured",
            code="admin-disabled",
        )  # fmt: skip
    if not bearer_or_header(request, token, None):
        return problem(
            401, "Unauthorized", "the admin token is required as a Bearer token",
            code="auth-failed", headers={"WWW-Authenticate": 'Bearer realm="interop-admin"'},
        )  # fmt: skip
    return None
