"""Downlinks: canonical Commands for devices behind a network server, sent through its API.

Each ``[[downlink]]`` entry of the config names a network server (base URL), the plugin
that writes its requests (``interop_downlink`` hook, e.g. LoRaWAN: The Things Stack's
``down/push``, ChirpStack's enqueue) and that plugin's settings, secrets by reference.
``POST /downlinks/{name}/commands`` takes one command or a list (``target`` the device
IRI; see :mod:`interop.gateway.commands`), asks the plugin for every request first (a
command it cannot express is 422 and nothing is sent), stores the Commands, sends each
request once and stores one CommandResult per command: ``accepted`` when the server
queued it (2xx), ``rejected`` when it refused it (4xx), ``failed`` when it could not take
it (429, 5xx, no connection), ``unknown`` when the answer was lost after sending. No
request is retried by the gateway (a push is not idempotent): when the server could not be
reached for any command the answer is 503 with ``Retry-After`` and the results, so the
caller may send again. Admin token required.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from pluggy import HookImpl

from interop.egress import DownlinkRequest
from interop.errors import InteropError, ValidationError
from interop.gateway.admin_auth import admin_denied
from interop.gateway.commands import (
    build_command,
    keep_commands,
    keep_results,
    parse_requests,
    result_json,
)
from interop.gateway.config import DownlinkConfig
from interop.gateway.problems import problem
from interop.model.base import Provenance, mint_iri
from interop.model.command import Command, CommandResult, CommandStatus
from interop.pipeline import Pipeline, Route
from interop.pipeline.routes import RECORDS_PLUGIN
from interop.secrets import Secret, resolve_secret

__all__ = ["DownlinkApi", "DownlinkServer", "configure_downlinks"]

log = logging.getLogger("interop.gateway.downlinks")

RETRY_AFTER_SECONDS = 10


@dataclass(slots=True)
class DownlinkServer:
    """One configured network server: base URL, the plugin's hook and resolved settings."""

    entry: DownlinkConfig
    hook: HookImpl
    """The plugin's ``interop_downlink`` implementation."""
    version: str
    settings: dict[str, Any] = field(repr=False)

    @property
    def source(self) -> str:
        """The pipeline route of its Commands and results."""
        return f"downlink:{self.entry.name}"

    def route(self) -> Route:
        """Commands and results are canonical records: the built-in ``records`` route."""
        return Route(self.source, RECORDS_PLUGIN)

    def request(self, command: Command, index: int) -> DownlinkRequest:
        """The plugin's request for ``command``; ValidationError names the item when none."""
        try:
            given = {"command": command, "settings": self.settings}
            written = self.hook.function(**{k: given[k] for k in self.hook.argnames})
        except InteropError as exc:
            raise ValidationError(
                f"cannot be sent: {exc.message}", source=exc.source or command.id,
                field=f"{index}.{exc.field}" if exc.field else str(index), expected=exc.expected,
            ) from None  # fmt: skip
        if not isinstance(written, DownlinkRequest):
            raise ValidationError(
                f"the {self.entry.plugin} plugin writes no request for these settings",
                source=f"downlink {self.entry.name}",
                field="settings.network",
                expected="a network the plugin supports",
            )
        return written


def configure_downlinks(entries: Sequence[DownlinkConfig], registry: Any) -> list[DownlinkServer]:
    """Every configured network server, secrets resolved; errors name the config entry."""
    servers: list[DownlinkServer] = []
    names: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"downlink[{index}]"
        if entry.name in names or not entry.name.replace("-", "").replace("_", "").isalnum():
            raise ValidationError(
                "duplicate or unusable name", source="gateway config", field=f"{where}.name",
                expected="a unique name of letters, digits, - _",
            )  # fmt: skip
        names.add(entry.name)
        if not entry.url.startswith(("http://", "https://")):
            raise ValidationError(
                "not an HTTP base URL", source="gateway config", field=f"{where}.url",
                expected="http(s)://host[:port]",
            )  # fmt: skip
        loaded = registry.get(entry.plugin)
        impls = [
            impl
            for impl in registry.hook.interop_downlink.get_hookimpls()
            if impl.plugin is loaded.module
        ]
        if not impls:
            raise ValidationError(
                "the plugin writes no downlinks", source="gateway config",
                field=f"{where}.plugin", expected="a plugin implementing interop_downlink",
            )  # fmt: skip
        secrets: dict[str, Secret] = {
            key: resolve_secret(reference, field=f"{where}.secrets.{key}")
            for key, reference in entry.secrets.items()
        }
        settings = {**entry.settings, **{k: s.reveal() for k, s in secrets.items()}}
        servers.append(DownlinkServer(entry, impls[0], loaded.manifest.version, settings))
    return servers


@dataclass(slots=True)
class DownlinkApi:
    """``POST /downlinks/{name}/commands`` over the configured servers."""

    servers: dict[str, DownlinkServer]
    pipeline: Pipeline
    token: Secret | None
    _session: aiohttp.ClientSession | None = None

    def mount(self, app: web.Application) -> None:
        """Add the route to the gateway's application."""
        app.router.add_post("/downlinks/{name}/commands", self.commands)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def commands(self, request: web.Request) -> web.StreamResponse:
        """Write every request, store the Commands, send, store and answer the results."""
        if (denied := admin_denied(request, self.token, "downlink API")) is not None:
            return denied
        name = request.match_info["name"]
        server = self.servers.get(name)
        if server is None:
            return problem(
                404, "Not Found", f"no network server {name[:100]!r} is configured",
                code="not-found",
            )  # fmt: skip
        try:
            parsed = parse_requests(
                await request.read(), source=f"POST {request.path[:200]}", group_allowed=False
            )
        except ValidationError as exc:
            return problem(400, "Bad Request", str(exc), code=exc.code)
        try:
            commands = [
                item if isinstance(item, Command) else build_command(
                    item, str(item.target), plugin=server.entry.plugin, version=server.version,
                    field=str(index),
                )
                for index, item in enumerate(parsed)
            ]  # fmt: skip
            requests = [server.request(c, i) for i, c in enumerate(commands)]
        except ValidationError as exc:
            return problem(422, "Unprocessable Content", str(exc), code=exc.code)
        except Exception as exc:  # a plugin's bug: say so, never a 500 with a traceback
            log.exception("plugin %s failed writing a downlink", server.entry.plugin)
            return problem(
                502, "Bad Gateway", f"the {server.entry.plugin} plugin failed: "
                f"{type(exc).__name__}", code="plugin-failure",
            )  # fmt: skip
        if (refused := await keep_commands(self.pipeline, server.source, commands)) is not None:
            return refused
        sent = [await self._send(server, c, r) for c, r in zip(commands, requests, strict=True)]
        results = [result for result, _ in sent]
        stored = await keep_results(self.pipeline, server.source, results)
        body = [result_json(r) for r in results]
        if all(unreachable for _, unreachable in sent):
            return problem(
                503, "Service Unavailable", f"network server {name} cannot be reached now",
                code="source-unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                results=body, stored=stored,
            )  # fmt: skip
        return web.Response(
            body=orjson.dumps({"results": body, "stored": stored}),
            content_type="application/json",
        )

    async def _send(
        self, server: DownlinkServer, command: Command, downlink: DownlinkRequest
    ) -> tuple[CommandResult, bool]:
        """Send one request once: its CommandResult, and whether the server was unreachable."""
        url = server.entry.url.rstrip("/") + downlink.path
        timeout = aiohttp.ClientTimeout(total=server.entry.timeout)
        unreachable = False
        try:
            async with self._client().request(
                downlink.method, url, data=orjson.dumps(downlink.body),
                headers=dict(downlink.headers), timeout=timeout, allow_redirects=False,
            ) as response:  # fmt: skip
                await response.read()
                code = response.status
            if 200 <= code < 300:
                status, detail = CommandStatus.ACCEPTED, f"queued by the network server ({code})"
            elif code == 429 or code >= 500:
                status, detail = CommandStatus.FAILED, f"the network server answered {code}"
                unreachable = True
            else:
                status, detail = CommandStatus.REJECTED, f"the network server refused it ({code})"
        except aiohttp.ClientConnectorError:
            status, detail = CommandStatus.FAILED, "cannot connect to the network server"
            unreachable = True
        except (TimeoutError, aiohttp.ClientError) as exc:
            status = CommandStatus.UNKNOWN
            detail = f"the answer was lost ({type(exc).__name__}); the server may have queued it"
            unreachable = True
        now = datetime.now(UTC)
        result = CommandResult(
            id=mint_iri("command-result", server.entry.plugin, command.id),
            provenance=Provenance(
                plugin=server.entry.plugin, plugin_version=server.version, received_at=now
            ),
            command=command.id,
            target=command.target,
            status=status,
            at=now,
            detail=detail,
        )
        return result, unreachable
