"""SLV's transport: sessions with a CSRF token, ``ser=json``, form posts, error envelopes.

:class:`SlvClient` wraps :class:`interop.control.http.HttpClient`. It logs in with HTTP
Basic on ``userprofile/getCurrentUser`` (the session cookie and the ``X-CSRF-Token``
header of the answer are sent with every later request), recognises SLV's HTTP 200 HTML
login page as an authentication failure (one new login, then AuthenticationFailed) and
turns error envelopes into typed errors.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Sequence
from typing import Any

from interop.control.http import ClientSettings, HttpClient, Response
from interop.errors import DecodeError, SourceUnavailable, UnsupportedOperation
from interop_slv.wire import Envelope, envelope_error, is_error_envelope, validate

__all__ = ["API", "SlvClient", "is_login_page"]

API = "reports/api"
_LOGIN = f"{API}/userprofile/getCurrentUser"
Params = Sequence[tuple[str, str]]


def is_login_page(response: Response) -> bool:
    """SLV's way of refusing a request: HTTP 200 with its HTML login page."""
    return response.status == 200 and response.content_type == "text/html"


class SlvClient:
    """Requests to one SLV server as one user; ``source`` names it in errors."""

    def __init__(
        self, url: str, *, username: str, password: str, settings: ClientSettings | None
    ) -> None:
        self.source = f"slv {url.rstrip('/')}"
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._basic = f"Basic {token}"
        self._lock = asyncio.Lock()
        self._logged_in_at = float("-inf")
        self.logins = 0
        """Sessions opened so far (the first one and every renewal)."""
        self.http = HttpClient(
            url, source=self.source, settings=settings, on_auth_failure=self._refresh
        )

    async def _refresh(self, http: HttpClient) -> bool:
        """Log in again (once for all requests that failed together); False if refused."""
        failed_at = time.monotonic()
        async with self._lock:
            if self._logged_in_at > failed_at:
                return True
            response = await http.request(
                "GET", _LOGIN, params=[("ser", "json")], headers={"Authorization": self._basic}
            )
            token = response.headers.get("X-CSRF-Token")
            if response.status != 200 or is_login_page(response) or not token:
                return False
            http.set_header("X-CSRF-Token", token)
            self._logged_in_at = time.monotonic()
            self.logins += 1
            return True

    async def get(
        self, service: str, params: Params, *, what: str, deadline: float | None = None
    ) -> Any:
        """GET ``reports/api/<service>`` with ``ser=json``; the decoded JSON body."""
        response = await self.http.request(
            "GET",
            f"{API}/{service}",
            params=[*params, ("ser", "json")],
            is_auth_failure=is_login_page,
            deadline=deadline,
        )
        return self.decode(response, what=what)

    async def get_response(
        self, service: str, params: Params, *, what: str, accept: frozenset[str] = frozenset()
    ) -> tuple[Any, Response]:
        """Like :meth:`get`, also returning the response (for paging headers).

        Error envelopes whose ``errorCodeLabel`` is in ``accept`` are returned, not raised.
        """
        response = await self.http.request(
            "GET",
            f"{API}/{service}",
            params=[*params, ("ser", "json")],
            is_auth_failure=is_login_page,
        )
        return self.decode(response, what=what, accept=accept), response

    async def post(
        self,
        service: str,
        form: Params,
        *,
        what: str,
        accept: frozenset[str] = frozenset(),
        idempotent: bool = False,
        deadline: float | None = None,
    ) -> Any:
        """POST a form (repeated keys kept) to ``reports/api/<service>``; the decoded JSON.

        ``idempotent=True`` lets the client resend it when the answer was lost (setting
        absolute levels twice ends in the same state).
        """
        response = await self.http.request(
            "POST",
            f"{API}/{service}",
            params=[("ser", "json")],
            data=list(form),
            is_auth_failure=is_login_page,
            idempotent=idempotent,
            deadline=deadline,
        )
        return self.decode(response, what=what, accept=accept)

    def decode(self, response: Response, *, what: str, accept: frozenset[str] = frozenset()) -> Any:
        """The JSON body; typed errors for error statuses, non-JSON bodies and envelopes."""
        if response.status == 404:
            raise UnsupportedOperation(
                f"{what}: the server has no such service (HTTP 404)",
                source=self.source,
                expected="an SLV version with this NorthBound service",
            )
        if response.status >= 500:
            raise SourceUnavailable(f"{what}: HTTP {response.status}", source=self.source)
        if response.status != 200 or response.content_type != "application/json":
            raise DecodeError(
                f"{what}: HTTP {response.status} {response.content_type or 'without type'}, "
                f"starting {response.body[:60]!r}",
                source=self.source,
                expected="HTTP 200 application/json (ser=json)",
            )
        data = response.json()
        if is_error_envelope(data):
            if isinstance(data, dict) and data.get("errorCodeLabel") in accept:
                return data
            raise envelope_error(data, source=self.source, what=what)
        return data

    def envelope(self, data: Any, *, what: str) -> Envelope:
        """``data`` as a success envelope."""
        return validate(Envelope, data, source=self.source, what=f"{what} envelope")

    async def aclose(self) -> None:
        """Close the connections."""
        await self.http.aclose()
