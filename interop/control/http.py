"""A resilient aiohttp client for vendor APIs: retries, back-off with jitter, bounded concurrency.

Every controller plugin talks HTTP through :class:`HttpClient`, so the behaviour a city relies
on is the same for every vendor: 429 and 503 answers and timeouts are retried with
exponential back-off and full jitter (honouring ``Retry-After``), at most ``concurrency``
requests run at once, a request never waits longer than its timeout, and what still fails
becomes a typed :class:`~interop.errors.InteropError` instead of an aiohttp exception.
Only idempotent requests are retried after a timeout or a lost connection.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import orjson
from multidict import CIMultiDictProxy

from interop.errors import AuthenticationFailed, DecodeError, RateLimited, SourceUnavailable

__all__ = ["ClientSettings", "HttpClient", "Response", "RetryPolicy", "parse_retry_after"]

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
"""HTTP statuses that mean "try again later" rather than "you asked for something wrong"."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry: exponential back-off with full jitter.

    Attempt ``n`` (from 1) waits a random time in ``[0, min(max_delay, base_delay * 2**n)]``,
    or the server's ``Retry-After`` when it gives one (up to ``max_retry_after``; a longer
    wait is not waited for: the error is raised so the caller can decide).
    """

    attempts: int = 4
    base_delay: float = 0.1
    max_delay: float = 5.0
    max_retry_after: float = 30.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based) without a Retry-After."""
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * 2**attempt))


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Timeouts, concurrency and retry policy of a controller's HTTP client."""

    timeout: float = 10.0
    """Seconds one request may take, connection included, before it counts as timed out."""
    concurrency: int = 8
    """Requests in flight at once towards the vendor system."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    seed: int | None = None
    """Seed for the jitter (tests); None draws from the system."""


@dataclass(frozen=True, slots=True)
class Response:
    """A complete HTTP response: status, headers and the whole body (already read)."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    url: str

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case (``application/json``)."""
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body parsed as JSON; DecodeError naming the URL when it is not JSON."""
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError as exc:
            raise DecodeError(
                f"response is not JSON ({exc}); it starts {self.body[:60]!r}",
                source=self.url,
                expected="a JSON body",
            ) from None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError):  # OverflowError: absurd numbers in a date
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


AuthRefresher = Callable[["HttpClient"], Awaitable[bool]]
"""Called on 401/403 (or a vendor's login page): refresh credentials, True to retry once."""


class HttpClient:
    """An aiohttp session bound to one vendor system, with retries and bounded concurrency.

    ``source`` names the system in errors (e.g. ``"slv http://127.0.0.1:8081"``).
    ``on_auth_failure`` is awaited when a response is an authentication failure; when it
    returns True (it refreshed a token or a session) the request is sent once more.
    """

    def __init__(
        self,
        base_url: str,
        *,
        source: str,
        settings: ClientSettings | None = None,
        headers: Mapping[str, str] | None = None,
        auth: aiohttp.BasicAuth | None = None,
        on_auth_failure: AuthRefresher | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.source = source
        self.settings = settings or ClientSettings()
        self._headers = dict(headers or {})
        self._auth = auth
        self._on_auth_failure = on_auth_failure
        self._rng = random.Random(self.settings.seed)
        self._limit = asyncio.Semaphore(self.settings.concurrency)
        self._session: aiohttp.ClientSession | None = None
        self.requests = 0
        """Requests sent, retries included (for benchmarks and tests)."""
        self.retries = 0
        """Requests that were sent again after a retryable failure."""

    @property
    def session(self) -> aiohttp.ClientSession:
        """The underlying session, created on first use (inside the running loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                auth=self._auth,
                timeout=aiohttp.ClientTimeout(total=self.settings.timeout),
                connector=aiohttp.TCPConnector(limit=self.settings.concurrency),
                cookie_jar=aiohttp.CookieJar(unsafe=True),
            )
        return self._session

    def set_header(self, name: str, value: str | None) -> None:
        """Set (or with None remove) a header sent with every later request."""
        if value is None:
            self._headers.pop(name, None)
        else:
            self._headers[name] = value
        if self._session is not None and not self._session.closed:
            if value is None:
                self._session.headers.pop(name, None)
            else:
                self._session.headers[name] = value

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
        json: Any = None,
        data: Mapping[str, str] | list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        is_auth_failure: Callable[[Response], bool] | None = None,
    ) -> Response:
        """Send a request and return the final response, retrying what is worth retrying.

        Returns any response whose status is not retryable (4xx included: the caller turns
        them into typed errors). Raises :class:`RateLimited` when 429s outlast the policy,
        :class:`SourceUnavailable` for 5xx, timeouts and lost connections that outlast it
        (non-idempotent requests are not resent after a timeout or lost connection), and
        :class:`AuthenticationFailed` when authentication fails after a refresh.
        """
        if idempotent is None:
            idempotent = method.upper() in {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}
        url = f"{self.base_url}/{path.lstrip('/')}"
        body = orjson.dumps(json) if json is not None else None
        send_headers = dict(headers or {})
        if body is not None:
            send_headers.setdefault("Content-Type", "application/json")
        policy = self.settings.retry
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._send(method, url, params, body, data, send_headers)
            except (TimeoutError, aiohttp.ClientError) as exc:
                reason = "timed out" if isinstance(exc, TimeoutError) else f"failed ({exc!r})"
                if not idempotent or attempt >= policy.attempts:
                    raise SourceUnavailable(
                        f"{method} {path} {reason} after {attempt} attempt(s)",
                        source=self.source,
                    ) from None
                await self._pause(policy.backoff(attempt, self._rng))
                continue
            auth_failed = response.status in (401, 403) or (
                is_auth_failure is not None and is_auth_failure(response)
            )
            if auth_failed:
                if not refreshed and self._on_auth_failure is not None:
                    refreshed = True
                    if await self._on_auth_failure(self):
                        attempt -= 1
                        continue
                raise AuthenticationFailed(
                    f"{method} {path} was refused (HTTP {response.status})",
                    source=self.source,
                    expected="valid credentials",
                )
            if response.status not in RETRYABLE_STATUSES:
                return response
            wait = parse_retry_after(response.headers.get("Retry-After"))
            if attempt >= policy.attempts or (wait is not None and wait > policy.max_retry_after):
                message = f"{method} {path} answered HTTP {response.status} {attempt} time(s)"
                if response.status == 429:
                    raise RateLimited(message, retry_after=wait, source=self.source)
                raise SourceUnavailable(message, source=self.source)
            await self._pause(wait if wait is not None else policy.backoff(attempt, self._rng))

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | list[tuple[str, str]] | None,
        body: bytes | None,
        data: Mapping[str, str] | list[tuple[str, str]] | None,
        headers: Mapping[str, str],
    ) -> Response:
        async with self._limit:
            self.requests += 1
            async with self.session.request(
                method,
                url,
                params=params,
                data=body if body is not None else data,
                headers=headers,
            ) as raw:
                content = await raw.read()
                return Response(raw.status, raw.headers, content, str(raw.url))

    async def _pause(self, seconds: float) -> None:
        self.retries += 1
        await asyncio.sleep(seconds)

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None
