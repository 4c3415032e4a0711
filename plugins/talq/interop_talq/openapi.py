"""Checking live traffic against a published OpenAPI file (optional extra ``openapi``).

:class:`OpenApiCheck` loads an API file once per process (``openapi-core`` is imported only
here, lazily) and validates requests and responses as the aiohttp middleware
:meth:`OpenApiCheck.middleware` sees them, recording every violation. The paths are matched
under the file's first server URL, so a simulator on ``http://127.0.0.1:port/`` is checked
as if it were served there. In strict mode a violating exchange is answered 500 with the
violation as a TALQErrorMessage, so a client test fails loudly.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import orjson
from aiohttp import web
from aiohttp.typedefs import Middleware

from interop.errors import PluginError
from interop_talq.discriminators import DiscriminatedSchemas

__all__ = ["OpenApiCheck", "Violation", "data_model_beside", "load_spec"]

_LOG = logging.getLogger(__name__)
_SPECS: dict[Path, Any] = {}
_LOCK = threading.Lock()

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def load_spec(path: Path) -> Any:
    """The ``openapi_core.OpenAPI`` of ``path``, loaded once per process (it takes seconds).

    Files it references by relative path (the TALQ API files name the data-model file) are
    parsed once too, instead of once per validated message.
    """
    resolved = path.resolve()
    with _LOCK:
        if resolved not in _SPECS:
            try:
                from openapi_core import OpenAPI
            except ImportError:  # pragma: no cover - depends on the installed extras
                raise PluginError(
                    "OpenAPI validation needs openapi-core",
                    source="interop-talq",
                    expected="pip install 'interop-talq[openapi]'",
                ) from None
            from jsonschema_path import SchemaPath

            document = orjson.loads(resolved.read_bytes())
            handlers = {"file": _cached_file, "<all_urls>": _cached_file}
            schema = SchemaPath.from_dict(document, base_uri=resolved.as_uri(), handlers=handlers)
            _SPECS[resolved] = OpenAPI(schema)
        return _SPECS[resolved]


def data_model_beside(api: Path) -> Path | None:
    """The TALQ data-model file next to an API file, None when there is none.

    ``talq-api-gateway-2-7-1-online.json`` -> ``talq-data-model-2-7-1-online.json``.
    """
    for side in ("api-gateway", "api-cms"):
        if side in api.name:
            model = api.with_name(api.name.replace(side, "data-model"))
            return model if model.is_file() else None
    return None


@functools.lru_cache(maxsize=4)
def _subtypes(model: Path) -> DiscriminatedSchemas:
    return DiscriminatedSchemas(model)


@functools.lru_cache(maxsize=16)
def _cached_file(uri: str) -> Any:
    """A referenced local JSON file, parsed once (openapi-core re-reads it per validation)."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        raise PluginError(
            f"reference {uri} is not a local file", source="interop-talq openapi", expected="file:"
        )
    return orjson.loads(Path(url2pathname(parts.path)).read_bytes())


@dataclass(frozen=True, slots=True)
class Violation:
    """One way an exchange broke the API file."""

    method: str
    path: str
    direction: str
    """"request" or "response"."""
    status: int | None
    message: str


class _Request:
    """The request protocol openapi-core validates (path under the spec's server URL)."""

    def __init__(
        self,
        host_url: str,
        path: str,
        method: str,
        query: Mapping[str, Any],
        headers: Mapping[str, Any],
        body: bytes | None,
        content_type: str,
    ) -> None:
        from openapi_core.datatypes import RequestParameters

        self.host_url = host_url
        self.path = path
        self.method = method
        self.parameters = RequestParameters(query=query, header=headers, cookie={})
        self.body = body
        self.content_type = content_type


@dataclass(slots=True)
class _Response:
    status_code: int
    headers: Mapping[str, Any]
    data: bytes | None
    content_type: str


@dataclass
class OpenApiCheck:
    """Validates traffic against one API file and keeps the tally; ``skip`` paths are not in it."""

    path: Path
    strict: bool = False
    skip: Collection[str] = ()
    violations: list[Violation] = field(default_factory=list)
    requests: int = 0
    responses: int = 0

    model: Path | None = None
    """The data-model file whose discriminated subtypes are checked too (None: not checked)."""

    def __post_init__(self) -> None:
        self._spec = load_spec(self.path)
        self._subtypes = _subtypes(self.model) if self.model is not None else None
        server = self._spec.spec.get("servers", [{"url": "/"}])[0]["url"]
        parts = urlsplit(str(server))
        self._host = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "http://localhost"
        self._prefix = parts.path.rstrip("/")

    def _request(self, request: web.Request, body: bytes | None) -> _Request:
        return _Request(
            self._host,
            self._prefix + request.path,
            request.method.lower(),
            request.query,
            request.headers,
            body or None,
            request.content_type if body else "",
        )

    def check_request(self, request: web.Request, body: bytes | None) -> list[str]:
        """Violations of one request (empty when it conforms)."""
        self.requests += 1
        found = self._spec.iter_request_errors(self._request(request, body))
        return [str(error) for error in found] + self._deep(body, request.content_type)

    def check_response(
        self, request: web.Request, body: bytes | None, response: web.Response
    ) -> list[str]:
        """Violations of the answer to ``request``."""
        self.responses += 1
        content_type = response.content_type if response.body is not None else ""
        data = response.body if isinstance(response.body, bytes) else None
        answer = _Response(response.status, response.headers, data, content_type)
        errors = [
            str(error)
            for error in self._spec.iter_response_errors(self._request(request, body), answer)
        ]
        return errors + self._deep(data, content_type)

    def _deep(self, body: bytes | None, content_type: str) -> list[str]:
        if self._subtypes is None or not body or content_type != "application/json":
            return []
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            return []
        return list(self._subtypes.iter_errors(document))

    def middleware(self) -> Middleware:
        """An aiohttp middleware validating each exchange outside ``skip``."""

        @web.middleware
        async def validate(request: web.Request, handler: Handler) -> web.StreamResponse:
            if any(request.path.startswith(prefix) for prefix in self.skip):
                return await handler(request)
            body = await request.read() if request.can_read_body else None
            problems = [
                Violation(request.method, request.path, "request", None, text)
                for text in self.check_request(request, body)
            ]
            response = await handler(request)
            if isinstance(response, web.Response):
                problems += [
                    Violation(request.method, request.path, "response", response.status, text)
                    for text in self.check_response(request, body, response)
                ]
            self.violations.extend(problems)
            for problem in problems:
                _LOG.warning(
                    "%s %s %s violates %s: %s",
                    problem.method,
                    problem.path,
                    problem.direction,
                    self.path.name,
                    problem.message,
                )
            if problems and self.strict:
                message = [{"key": "genericError", "description": problems[0].message[:500]}]
                return web.Response(
                    status=500, body=orjson.dumps(message), content_type="application/json"
                )
            return response

        return validate
