"""HttpClient: retries, Retry-After, back-off, timeouts, concurrency and authentication."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise

import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from interop.control.http import (
    ClientSettings,
    HttpClient,
    Response,
    RetryPolicy,
    parse_retry_after,
)
from interop.errors import AuthenticationFailed, DecodeError, RateLimited, SourceUnavailable

from .conftest import Handler, tiny_server

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)


def client(url: str, **settings: object) -> HttpClient:
    """A client with fast retries unless told otherwise."""
    options: dict[str, object] = {"retry": FAST, "timeout": 2.0, "seed": 1}
    options.update(settings)
    return HttpClient(url, source="test", settings=ClientSettings(**options))  # type: ignore[arg-type]


def scripted(*answers: tuple[int, dict[str, str]]) -> tuple[Handler, list[float]]:
    """A handler answering the given (status, headers) in turn, then 200; logs arrival times."""
    arrivals: list[float] = []
    queue = list(answers)

    async def handler(request: web.Request) -> web.Response:
        arrivals.append(time.monotonic())
        if queue:
            status, headers = queue.pop(0)
            return web.Response(status=status, headers=headers, text="busy")
        return web.json_response({"ok": True})

    return handler, arrivals


async def fetch(
    routes: dict[tuple[str, str], Handler],
    method: str = "GET",
    path: str = "/x",
    **settings: object,
) -> Response:
    async with tiny_server(routes) as url:
        http = client(url, **settings)
        try:
            return await http.request(method, path)
        finally:
            await http.aclose()


# ---------------------------------------------------------------------------- Retry-After


def test_503_is_retried_after_retry_after_seconds():
    handler, arrivals = scripted((503, {"Retry-After": "0.2"}), (503, {"Retry-After": "0.2"}))
    response = asyncio.run(fetch({("GET", "/x"): handler}))
    assert response.status == 200
    assert response.json() == {"ok": True}
    assert len(arrivals) == 3
    gaps = [b - a for a, b in pairwise(arrivals)]
    assert all(gap >= 0.19 for gap in gaps), gaps


def test_429_with_an_http_date_in_the_past_is_retried_at_once():
    past = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    handler, arrivals = scripted((429, {"Retry-After": past}))
    response = asyncio.run(fetch({("GET", "/x"): handler}))
    assert response.status == 200
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] < 1.0


def test_retry_after_http_date_is_waited_for():
    # An HTTP date has second resolution: two seconds ahead means more than one second's wait.
    ahead = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    handler, arrivals = scripted((503, {"Retry-After": format_datetime(ahead, usegmt=True)}))
    response = asyncio.run(fetch({("GET", "/x"): handler}))
    assert response.status == 200
    assert arrivals[1] - arrivals[0] >= 0.95


@given(st.integers(0, 10**6))
def test_parse_retry_after_delta_seconds(seconds):
    assert parse_retry_after(str(seconds)) == seconds
    assert parse_retry_after(f"  {seconds}\t") == seconds


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: d.replace(microsecond=0)),
    st.integers(-(10**6), 10**6),
)
def test_parse_retry_after_http_date(now, offset):
    when = now + timedelta(seconds=offset)
    assert parse_retry_after(format_datetime(when, usegmt=True), now=now) == max(0, offset)


@given(st.text(max_size=40))
def test_parse_retry_after_never_fails_or_goes_negative(text):
    wait = parse_retry_after(text)
    assert wait is None or wait >= 0.0


@given(
    st.integers(0, 10**30),
    st.integers(0, 10**30),
    st.sampled_from(["GMT", "+0000", "-0130", "+99999999999999999999"]),
)
def test_parse_retry_after_survives_absurd_dates(day, hour, zone):
    wait = parse_retry_after(f"Mon, {day} Jan 2026 {hour}:00:00 {zone}")
    assert wait is None or wait >= 0.0


@pytest.mark.parametrize("value", [None, "", "   ", "soon", "Tuesday", "nan", "inf", "-inf"])
def test_parse_retry_after_without_a_usable_value(value):
    assert parse_retry_after(value) is None


# ---------------------------------------------------------------------------- back-off


@given(st.integers(1, 30), st.integers(0, 2**32), st.floats(0.001, 2.0), st.floats(0.01, 30.0))
def test_backoff_stays_within_its_bounds(attempt, seed, base, cap):
    policy = RetryPolicy(base_delay=base, max_delay=cap)
    wait = policy.backoff(attempt, random.Random(seed))
    assert 0.0 <= wait <= min(cap, base * 2**attempt)


def test_backoff_is_jittered_and_reproducible_by_seed():
    policy = RetryPolicy(base_delay=1.0, max_delay=100.0)
    first = [policy.backoff(5, random.Random(3)) for _ in range(2)]
    draws = {policy.backoff(5, random.Random(seed)) for seed in range(20)}
    assert first[0] == first[1]
    assert len(draws) == 20


# ---------------------------------------------------------------------------- giving up


def test_persistent_429_raises_rate_limited_after_every_attempt():
    handler, arrivals = scripted(*[(429, {"Retry-After": "0.01"})] * 10)
    with pytest.raises(RateLimited) as raised:
        asyncio.run(fetch({("GET", "/x"): handler}))
    assert len(arrivals) == FAST.attempts
    assert raised.value.retry_after == pytest.approx(0.01)
    assert "HTTP 429 4 time(s)" in str(raised.value)


def test_persistent_503_raises_source_unavailable_not_rate_limited():
    handler, arrivals = scripted(*[(503, {})] * 10)
    with pytest.raises(SourceUnavailable) as raised:
        asyncio.run(fetch({("GET", "/x"): handler}))
    assert not isinstance(raised.value, RateLimited)
    assert len(arrivals) == FAST.attempts


def test_retry_after_beyond_the_policy_is_not_waited_for():
    handler, arrivals = scripted((429, {"Retry-After": "3600"}))
    began = time.monotonic()
    with pytest.raises(RateLimited) as raised:
        asyncio.run(fetch({("GET", "/x"): handler}))
    assert time.monotonic() - began < 5.0
    assert len(arrivals) == 1
    assert raised.value.retry_after == 3600


def test_client_errors_are_returned_not_retried():
    handler, arrivals = scripted((404, {}))
    response = asyncio.run(fetch({("GET", "/x"): handler}))
    assert response.status == 404
    assert len(arrivals) == 1


# ---------------------------------------------------------------------------- lost connections


def dropping(drops: int) -> tuple[Handler, list[str]]:
    """A handler that closes the connection without answering ``drops`` times, then 200."""
    seen: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        seen.append(request.method)
        if len(seen) <= drops:
            assert request.transport is not None
            request.transport.close()
            raise asyncio.CancelledError
        return web.json_response({"ok": True})

    return handler, seen


def test_post_is_not_resent_after_a_lost_connection():
    handler, seen = dropping(1)
    with pytest.raises(SourceUnavailable, match="POST /x failed"):
        asyncio.run(fetch({("POST", "/x"): handler}, "POST"))
    assert seen == ["POST"]


def test_get_is_resent_after_lost_connections():
    # aiohttp resends an idempotent request once by itself; the client retries past that.
    handler, seen = dropping(3)

    async def main() -> tuple[int, int]:
        async with tiny_server({("GET", "/x"): handler}) as url:
            http = client(url)
            try:
                return (await http.request("GET", "/x")).status, http.retries
            finally:
                await http.aclose()

    status, retries = asyncio.run(main())
    assert status == 200
    assert retries >= 1
    assert seen == ["GET"] * 4


def test_post_is_resent_after_503():
    handler, arrivals = scripted((503, {"Retry-After": "0"}))
    response = asyncio.run(fetch({("POST", "/x"): handler}, "POST"))
    assert response.status == 200
    assert len(arrivals) == 2


def test_a_hanging_server_times_out_as_source_unavailable():
    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response()

    began = time.monotonic()
    with pytest.raises(SourceUnavailable, match="timed out after 2 attempt"):
        asyncio.run(fetch({("GET", "/x"): hang}, timeout=0.3, retry=RetryPolicy(2, 0.01, 0.02)))
    assert time.monotonic() - began < 10.0


# ---------------------------------------------------------------------------- concurrency


def test_requests_in_flight_are_bounded():
    state = {"now": 0, "max": 0}

    async def slow(request: web.Request) -> web.Response:
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        await asyncio.sleep(0.05)
        state["now"] -= 1
        return web.json_response({})

    async def main() -> int:
        async with tiny_server({("GET", "/x"): slow}) as url:
            http = client(url, concurrency=3)
            try:
                answers = await asyncio.gather(*(http.request("GET", "/x") for _ in range(20)))
            finally:
                await http.aclose()
            assert [a.status for a in answers] == [200] * 20
            return http.requests

    assert asyncio.run(main()) == 20
    assert state["max"] == 3


# ---------------------------------------------------------------------------- authentication


def guarded(login_page: bool = False) -> tuple[Handler, list[str | None]]:
    """Refuses requests without ``X-Token: good`` (401, or a 200 HTML login page)."""
    tokens: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        token = request.headers.get("X-Token")
        tokens.append(token)
        if token == "good":
            return web.json_response({"ok": True})
        if login_page:
            return web.Response(text="<html>please log in</html>", content_type="text/html")
        return web.Response(status=401)

    return handler, tokens


def run_with_refresher(
    handler: Handler, token: str, *, predicate: bool = False
) -> tuple[Response | Exception, int]:
    refreshes = 0

    async def refresh(http: HttpClient) -> bool:
        nonlocal refreshes
        refreshes += 1
        http.set_header("X-Token", token)
        return True

    def is_login_page(response: Response) -> bool:
        return response.content_type == "text/html"

    async def main() -> Response | Exception:
        async with tiny_server({("GET", "/x"): handler}) as url:
            http = HttpClient(
                url, source="test", settings=ClientSettings(retry=FAST), on_auth_failure=refresh
            )
            try:
                return await http.request(
                    "GET", "/x", is_auth_failure=is_login_page if predicate else None
                )
            except AuthenticationFailed as exc:
                return exc
            finally:
                await http.aclose()

    return asyncio.run(main()), refreshes


def test_auth_failure_refreshes_once_and_resends():
    handler, tokens = guarded()
    outcome, refreshes = run_with_refresher(handler, "good")
    assert isinstance(outcome, Response)
    assert outcome.status == 200
    assert refreshes == 1
    assert tokens == [None, "good"]


def test_auth_failure_after_a_refresh_raises_authentication_failed():
    handler, tokens = guarded()
    outcome, refreshes = run_with_refresher(handler, "stale")
    assert isinstance(outcome, AuthenticationFailed)
    assert "refused (HTTP 401)" in str(outcome)
    assert refreshes == 1
    assert tokens == [None, "stale"]


def test_auth_failure_without_a_refresher_raises_at_once():
    handler, tokens = guarded()
    with pytest.raises(AuthenticationFailed):
        asyncio.run(fetch({("GET", "/x"): handler}))
    assert tokens == [None]


def test_is_auth_failure_catches_a_login_page_served_with_200():
    handler, tokens = guarded(login_page=True)
    outcome, refreshes = run_with_refresher(handler, "good", predicate=True)
    assert tokens == [None, "good"]
    assert isinstance(outcome, Response)
    assert outcome.json() == {"ok": True}
    assert refreshes == 1
    stale, _ = run_with_refresher(guarded(login_page=True)[0], "bad", predicate=True)
    assert isinstance(stale, AuthenticationFailed)
    assert "HTTP 200" in str(stale)


def test_set_header_adds_and_removes_a_header_for_later_requests():
    handler, tokens = guarded()

    async def main() -> list[int]:
        async with tiny_server({("GET", "/x"): handler}) as url:
            http = client(url)
            statuses = []
            try:
                http.set_header("X-Token", "good")
                statuses.append((await http.request("GET", "/x")).status)
                http.set_header("X-Token", None)
                with pytest.raises(AuthenticationFailed):
                    await http.request("GET", "/x")
            finally:
                await http.aclose()
            return statuses

    assert asyncio.run(main()) == [200]
    assert tokens == ["good", None]


# ---------------------------------------------------------------------------- Response


def response(body: bytes, content_type: str = "application/json; charset=utf-8") -> Response:
    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": content_type}))
    return Response(200, headers, body, "http://127.0.0.1/x")


def test_response_json_parses_json():
    assert response(b'{"a": [1, 2.5]}').json() == {"a": [1, 2.5]}
    assert response(b"{}").content_type == "application/json"


@given(st.binary(max_size=64).map(lambda raw: b"<" + raw))
def test_response_json_on_junk_raises_decode_error(raw):
    with pytest.raises(DecodeError, match=r"http://127\.0\.0\.1/x: response is not JSON"):
        response(raw).json()


def test_response_json_on_an_html_page_names_the_url():
    with pytest.raises(DecodeError, match=r"http://127\.0\.0\.1/x.*starts b'<html>"):
        response(b"<html>login</html>", "text/html").json()
