"""The CMS's HTTP envelope towards a TALQ Gateway: version header, caller address, request ids.

Every request carries ``talq-api-version: 2.7.1`` and the query parameters ``clientAddress``
(the CMS's TALQ address) and ``talqRequestId`` (a fresh UUID per request; a retry of the
same request keeps it). TALQ secures the link with mutual TLS and specifies no token; a
vendor bearer token is optional: either sent as is, or exchanged at a vendor token endpoint
for short-lived access tokens that are refreshed when the Gateway answers 401.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from interop.control.http import ClientSettings, HttpClient, Response
from interop.errors import AuthenticationFailed, DecodeError, NotFound
from interop_talq.protocol import API_VERSION, CLIENT_ADDRESS, REQUEST_ID, VERSION_HEADER

__all__ = ["GatewayClient", "TalqErrors", "talq_errors"]

TalqErrors = list[tuple[str, str, list[str]]]
"""(key, description, referenced addresses) of each TALQErrorMessage."""


def talq_errors(response: Response) -> TalqErrors:
    """The TALQErrorMessage array of an error answer ([] when the body is not one)."""
    try:
        body = response.json()
    except DecodeError:
        return []
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        return []
    found = []
    for message in body:
        if not isinstance(message, dict) or not isinstance(message.get("key"), str):
            continue
        addresses = []
        for reference in message.get("references") or []:
            address = reference.get("address") if isinstance(reference, dict) else None
            if isinstance(address, dict) and isinstance(address.get("address"), str):
                addresses.append(address["address"])
        found.append((message["key"], str(message.get("description", "")), addresses))
    return found


def describe(errors: TalqErrors) -> str:
    """``key: description; ...`` for a result detail or an error message."""
    return "; ".join(f"{key}: {text}" if text else key for key, text, _ in errors)


class GatewayClient:
    """HTTP to one Gateway with the TALQ envelope and optional bearer-token handling."""

    def __init__(
        self,
        url: str,
        *,
        client_address: str,
        token: str | None,
        token_path: str | None,
        settings: ClientSettings | None,
    ) -> None:
        self.url = url.rstrip("/")
        self.source = f"talq {self.url}"
        self.client_address = client_address
        self._token = token
        self._token_path = token_path
        self._logged_in = token is None or token_path is None
        self._logging_in = False
        headers = {VERSION_HEADER: API_VERSION}
        if token is not None and token_path is None:
            headers["Authorization"] = f"Bearer {token}"
        self.http = HttpClient(
            self.url,
            source=self.source,
            settings=settings,
            headers=headers,
            on_auth_failure=self._refresh,
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        json: Any = None,
        idempotent: bool | None = None,
        deadline: float | None = None,
    ) -> Response:
        """Send one Gateway API request inside the TALQ envelope.

        ``idempotent=True`` lets the client resend a POST whose answer was lost (an override
        to an absolute level, with the same ``cmsRefId``, has the same effect twice).
        """
        if not self._logged_in:
            await self._login()
        query = [(CLIENT_ADDRESS, self.client_address), (REQUEST_ID, str(uuid.uuid4()))]
        return await self.http.request(
            method,
            path,
            params=[*query, *params],
            json=json,
            idempotent=idempotent,
            deadline=deadline,
        )

    async def json(self, method: str, path: str, *, params: Sequence[tuple[str, str]] = ()) -> Any:
        """GET-like request whose 200 answer is JSON; NotFound on 404, DecodeError otherwise."""
        response = await self.request(method, path, params=params)
        self.expect(response, (200,), f"{method} {path}")
        return response.json()

    def expect(self, response: Response, statuses: Sequence[int], what: str) -> None:
        """Raise the typed error of an unexpected answer (naming the TALQ error keys)."""
        if response.status in statuses:
            return
        detail = describe(talq_errors(response)) or response.body[:80].decode(errors="replace")
        if response.status == 404:
            raise NotFound(f"{what}: {detail}", source=self.source, expected="a known resource")
        raise DecodeError(
            f"{what} answered HTTP {response.status}: {detail}",
            source=self.source,
            expected=f"HTTP {'/'.join(map(str, statuses))}",
        )

    async def _login(self) -> None:
        self._logging_in = True
        try:
            response = await self.http.request(
                "POST",
                str(self._token_path),
                json={"apiKey": self._token},
                headers={"Authorization": f"Bearer {self._token}"},
            )
        finally:
            self._logging_in = False
        if response.status in (401, 403):
            raise AuthenticationFailed(
                "the Gateway refused the API key", source=self.source, expected="a valid token"
            )
        if response.status == 404:
            raise AuthenticationFailed(
                f"the Gateway has no token endpoint at {self._token_path}",
                source=self.source,
                field="token_path",
                expected="the vendor's token path, or token_path=None to send the token as is",
            )
        self.expect(response, (200,), f"POST {self._token_path}")
        body = response.json()
        access = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(access, str) or not access:
            keys = sorted(body) if isinstance(body, dict) else type(body).__name__
            raise DecodeError(
                f"the token answer has no access_token (it has {keys})",
                source=self.source,
                field="access_token",
                expected="a bearer token",
            )
        self.http.set_header("Authorization", f"Bearer {access}")
        self._logged_in = True

    async def _refresh(self, _client: HttpClient) -> bool:
        if self._logging_in or self._token is None or self._token_path is None:
            return False
        await self._login()
        return True

    async def aclose(self) -> None:
        """Close the HTTP session."""
        await self.http.aclose()
