"""A resilient aiohttp client for vendor APIs: retries, back-off with jitter, bounded concurrency.

Every controller plugin talks HTTP through :class:`HttpClient`, so the behaviour a city relies
on is the same for every vendor: 429 and 503 answers and timeouts are retried with
exponential back-off and full jitter (honouring ``Retry-After``), at most ``concurrency``
requests run at once, a request never waits longer than its timeout, and what still fails
becomes a typed :class:`~interop.errors.InteropError` instead of an aiohttp exception.
Only idempotent requests are retried after a timeout or a lost connection. A request may be
given a ``deadline`` (a ``time.monotonic()`` instant): no attempt and no back-off runs past it.
TLS failures (an untrusted server certificate, a client certificate the server refuses) are
not transient: they raise :class:`~interop.errors.AuthenticationFailed` at once, unretried.
"""

from __future__ import annotations

import asyncio
import math
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from multidict import CIMultiDictProxy

from interop.errors import (
    AuthenticationFailed,
    DecodeError,
    RateLimited,
    SourceUnavailable,
    ValidationError,
)

__all__ = [
    "ClientSettings",
    "HttpClient",
    "OutcomeUnknown",
    "Response",
    "RetryPolicy",
    "parse_retry_after",
    "until",
]

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


class OutcomeUnknown(SourceUnavailable):
    """A request failed after it may have reached the system (timed out, connection lost).

    Unlike a refusal or an overload answer, the system may have acted on it: a controller
    re-reads the state it meant to change before calling anything failed.
    """

    code = "outcome-unknown"


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Timeouts, concurrency, retry policy, command deadline and TLS of a controller's client.

    ``ca_bundle`` (PEM) replaces the system's trusted CAs for the vendor's server certificate;
    ``client_cert`` and ``client_key`` (PEM; the key may be inside ``client_cert``) are this
    client's certificate for mutual TLS, as TALQ Gateways require; mutual TLS is held to
    TLS 1.2 so that a refused certificate fails the handshake itself (fast, unretried).
    """

    timeout: float = 10.0
    """Seconds one request may take, connection included, before it counts as timed out."""
    concurrency: int = 8
    """Requests in flight at once towards the vendor system."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    seed: int | None = None
    """Seed for the jitter (tests); None draws from the system."""
    deadline: float = 30.0
    """Seconds one command call (``execute``, ``assign_schedule``) may take in all: every
    chunk, retry, back-off and the re-read that settles unclear outcomes. Lights whose
    outcome is still unclear at the deadline are reported ``unknown``."""
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context these settings ask for; None keeps aiohttp's default verification.

        Raises :class:`ValidationError` naming the setting when a file is missing or is not
        a PEM certificate or key (never the file's content).
        """
        if self.ca_bundle is None and self.client_cert is None and self.client_key is None:
            return None
        if self.client_key is not None and self.client_cert is None:
            raise ValidationError(
                "a client key without a client certificate",
                source=str(self.client_key),
                field="client_cert",
                expected="the PEM certificate that goes with client_key",
            )
        try:
            context = ssl.create_default_context(
                cafile=str(self.ca_bundle) if self.ca_bundle is not None else None
            )
        except (OSError, ssl.SSLError) as exc:
            raise ValidationError(
                f"cannot load the CA bundle ({type(exc).__name__})",
                source=str(self.ca_bundle),
                field="ca_bundle",
                expected="a readable PEM file of CA certificates",
            ) from None
        if self.client_cert is not None:
            try:
                context.load_cert_chain(
                    str(self.client_cert),
                    str(self.client_key) if self.client_key is not None else None,
                )
            except (OSError, ssl.SSLError) as exc:
                raise ValidationError(
                    f"cannot load the client certificate and key ({type(exc).__name__})",
                    source=str(self.client_cert),
                    field="client_cert",
                    expected="a readable PEM certificate and its unencrypted PEM private key",
                ) from None
            # TLS 1.3 checks the client certificate after the handshake: a refusal then
            # looks like a reset connection. TLS 1.2 refuses it inside the handshake, so a
            # wrong certificate is a clear TLS error that is not retried.
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        return context


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
        self._ssl = self.settings.ssl_context()
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
                connector=aiohttp.TCPConnector(
                    limit=self.settings.concurrency,
                    ssl=self._ssl if self._ssl is not None else True,
                ),
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
        deadline: float | None = None,
    ) -> Response:
        """Send a request and return the final response, retrying what is worth retrying.

        Returns any response whose status is not retryable (4xx included: the caller turns
        them into typed errors). Raises :class:`RateLimited` when 429s outlast the policy,
        :class:`SourceUnavailable` for 5xx and refused connections that outlast it,
        :class:`OutcomeUnknown` when an attempt timed out or lost its connection after it
        may have been received (non-idempotent requests are not resent then), and
        :class:`AuthenticationFailed` when authentication fails after a refresh or TLS fails.
        ``deadline`` (monotonic seconds) bounds every attempt and wait: a wait that would
        end past it is not begun.
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
        unclear = False
        attempt = 0
        while True:
            attempt += 1
            budget = self.settings.timeout
            if deadline is not None:
                budget = min(budget, deadline - time.monotonic())
                if budget <= 0:
                    raise self._gave_up(
                        f"{method} {path}: the command's deadline passed after {attempt - 1} "
                        "attempt(s)",
                        unclear,
                    )
            try:
                response = await self._send(method, url, params, body, data, send_headers, budget)
            except (TimeoutError, aiohttp.ClientError, ssl.SSLError) as exc:
                tls = _tls_failure(exc, url.startswith("https:"))
                if tls is not None:
                    raise AuthenticationFailed(
                        f"{method} {path}: TLS failed ({tls}); not retried",
                        source=self.source,
                        expected="a server certificate trusted by ca_bundle and, for mutual "
                        "TLS, a client_cert/client_key the server accepts",
                    ) from None
                refused = isinstance(exc, aiohttp.ClientConnectorError)
                unclear = unclear or not refused
                reason = "timed out" if isinstance(exc, TimeoutError) else _failure(exc)
                backoff = policy.backoff(attempt, self._rng)
                if (
                    (not idempotent and not refused)
                    or attempt >= policy.attempts
                    or (deadline is not None and time.monotonic() + backoff >= deadline)
                ):
                    raise self._gave_up(
                        f"{method} {path} {reason} after {attempt} attempt(s)", unclear
                    ) from None
                await self._pause(backoff)
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
            pause = wait if wait is not None else policy.backoff(attempt, self._rng)
            if (
                attempt >= policy.attempts
                or (wait is not None and wait > policy.max_retry_after)
                or (deadline is not None and time.monotonic() + pause >= deadline)
            ):
                message = f"{method} {path} answered HTTP {response.status} {attempt} time(s)"
                if unclear:
                    raise OutcomeUnknown(
                        f"{message}, after an earlier attempt that may have been received",
                        source=self.source,
                    )
                if response.status == 429:
                    raise RateLimited(message, retry_after=wait, source=self.source)
                raise SourceUnavailable(message, source=self.source)
            await self._pause(pause)

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | list[tuple[str, str]] | None,
        body: bytes | None,
        data: Mapping[str, str] | list[tuple[str, str]] | None,
        headers: Mapping[str, str],
        budget: float,
    ) -> Response:
        async with asyncio.timeout(budget), self._limit:
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

    def _gave_up(self, message: str, unclear: bool) -> SourceUnavailable:
        if unclear:
            return OutcomeUnknown(message, source=self.source)
        return SourceUnavailable(message, source=self.source)

    async def _pause(self, seconds: float) -> None:
        self.retries += 1
        await asyncio.sleep(seconds)

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def until(deadline: float) -> asyncio.Timeout:
    """A timeout context that cancels its block at ``deadline`` (a ``time.monotonic()`` instant)."""
    loop = asyncio.get_running_loop()
    return asyncio.timeout_at(loop.time() + (deadline - time.monotonic()))


def _tls_failure(exc: BaseException, https: bool) -> str | None:
    """What went wrong in TLS when ``exc`` is (or wraps) a TLS failure, else None.

    Over HTTPS a connection reset while connecting is the server ending the handshake:
    servers do that when they refuse the client's certificate (or its absence).
    """
    if (
        https
        and isinstance(exc, aiohttp.ClientConnectorError)
        and isinstance(exc.os_error, ConnectionResetError)
    ):
        return "the server ended the TLS handshake; it refuses this client certificate or none"
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None:
            return None
        if isinstance(seen, aiohttp.ClientConnectorCertificateError):
            return f"the server certificate is not trusted: {seen.certificate_error}"
        if isinstance(seen, ssl.SSLError):
            return seen.reason or type(seen).__name__
        if isinstance(seen, aiohttp.ClientSSLError | aiohttp.ClientConnectorSSLError):
            return type(seen).__name__
        seen = seen.__cause__ or seen.__context__
    return None


def _failure(exc: BaseException) -> str:
    """A short reason for a lost request: the exception's class and message, no URL."""
    text = str(exc).split(" url=")[0] if str(exc) else ""
    return f"failed ({type(exc).__name__}{': ' + text if text else ''})"
