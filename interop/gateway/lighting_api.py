"""The lighting API: canonical Commands to one light or a group, one stored result per light.

``POST /lighting/{system}/commands`` takes one command or a list (see
:mod:`interop.gateway.commands`): ``target`` a light id (or a group id), ``lights`` several
lights, ``group`` every light of a control group (``LightPoint.group``). The Commands are
stored before they are sent, the per-light CommandResults after; the answer is
``{"results": [...], "stored": true}`` in the order of the commands, lights of a group in
inventory order. ``POST /lighting/{system}/assignments`` makes lights (or a group) follow a
dimming schedule, ``GET /lighting/{system}/schedules`` reads the schedules, ``GET
/lighting`` lists the systems and their state, ``GET /lighting/{system}/lights`` the
inventory of the last poll. Everything is behind the admin token. Errors are problem
details: 400 bad input, 404 unknown system, 422 a group with no light, an unknown schedule
or a command the policy will not keep, 502 the system refused the gateway's credentials,
answered junk or its plugin failed, 503 with ``Retry-After`` when the system (or the
store) cannot be reached.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from interop.errors import (
    AuthenticationFailed,
    InteropError,
    NotFound,
    RateLimited,
    SourceUnavailable,
    ValidationError,
)
from interop.gateway.admin_auth import admin_denied
from interop.gateway.commands import (
    CommandRequest,
    build_command,
    keep_commands,
    keep_results,
    parse_assignment,
    parse_requests,
    result_json,
)
from interop.gateway.lighting import LightingMetrics, LightingSystem, StatusFile
from interop.gateway.problems import problem
from interop.model.command import Command, CommandResult, CommandStatus
from interop.model.lighting import LightPoint
from interop.model.records import RecordAdapter
from interop.pipeline import Pipeline
from interop.secrets import Secret

__all__ = ["LightingApi"]

log = logging.getLogger("interop.gateway.lighting")

RETRY_AFTER_SECONDS = 10
_TAKEN = frozenset({CommandStatus.ACCEPTED, CommandStatus.APPLIED, CommandStatus.SUCCEEDED})


class _Refused(Exception):
    """A request answered with a problem (carried in ``response``)."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def _unavailable(system: LightingSystem, exc: InteropError, **extra: Any) -> web.Response:
    """The answer for a system that failed a call.

    503 with Retry-After (the system's when it gave one) when it cannot be reached or is
    overloaded, 502 when it refused the gateway's credentials (both mark it failing) or
    answered something its plugin cannot use.
    """
    if not isinstance(exc, SourceUnavailable | AuthenticationFailed):
        return problem(
            502, "Bad Gateway", f"lighting system {system.name} answered: {exc}",
            code=exc.code, **extra,
        )  # fmt: skip
    system.failed(exc)
    if isinstance(exc, AuthenticationFailed):
        return problem(
            502, "Bad Gateway", f"lighting system {system.name} refused the gateway's credentials",
            code=exc.code, **extra,
        )  # fmt: skip
    wait = RETRY_AFTER_SECONDS
    if isinstance(exc, RateLimited) and exc.retry_after:
        wait = max(1, round(exc.retry_after))
    return problem(
        503, "Service Unavailable", f"lighting system {system.name} cannot be reached now",
        code=exc.code,
        headers={"Retry-After": str(wait)}, **extra,
    )  # fmt: skip


def _plugin_failed(system: LightingSystem, call: str, exc: Exception) -> web.Response:
    """502 for a plugin that raised something other than an InteropError (logged).

    Called inside the ``except`` clause, so the log carries the traceback.
    """
    log.exception("lighting plugin %s failed in %s", system.plugin, call)
    return problem(
        502, "Bad Gateway", f"the {system.plugin} plugin failed: {type(exc).__name__}",
        code="plugin-failure",
    )  # fmt: skip


def _view(entry: dict[str, Any] | None) -> dict[str, Any]:
    """The polling worker's state of ``system`` (its own keys only), if it wrote one."""
    if entry is None:
        return {}
    return {key: entry[key] for key in ("status", "error", "polled_at", "lights") if key in entry}


@dataclass(slots=True)
class LightingApi:
    """The lighting routes over the configured systems (:meth:`mount` adds them)."""

    systems: dict[str, LightingSystem]
    pipeline: Pipeline
    token: Secret | None
    metrics: LightingMetrics
    shared: StatusFile | None = None
    """The polling worker's view of each system, for a worker that does not poll."""

    def mount(self, app: web.Application) -> None:
        """Add the routes to the gateway's application."""
        app.router.add_get("/lighting", self.list_systems)
        app.router.add_get("/lighting/{system}/lights", self.lights)
        app.router.add_post("/lighting/{system}/commands", self.commands)
        app.router.add_get("/lighting/{system}/schedules", self.schedules)
        app.router.add_post("/lighting/{system}/assignments", self.assign)

    def _denied(self, request: web.Request) -> web.Response | None:
        return admin_denied(request, self.token, "lighting API")

    def _system(self, request: web.Request) -> LightingSystem:
        name = request.match_info["system"]
        system = self.systems.get(name)
        if system is None:
            raise _Refused(
                problem(
                    404,
                    "Not Found",
                    f"no lighting system {name[:100]!r} is configured",
                    code="not-found",
                )
            )
        return system

    async def list_systems(self, request: web.Request) -> web.StreamResponse:
        """Every configured system: plugin, state, last poll, lights known."""
        if (denied := self._denied(request)) is not None:
            return denied
        shared = self.shared
        found: dict[str, dict[str, Any] | None] = {}
        if shared is not None and not all(s.seen for s in self.systems.values()):
            found = await asyncio.to_thread(
                lambda: {s.name: shared.get(s.name) for s in self.systems.values()}
            )
        return web.json_response(
            {
                "systems": [
                    {**s.status(), **_view(found.get(s.name))} if not s.seen else s.status()
                    for s in self.systems.values()
                ]
            }
        )

    async def lights(self, request: web.Request) -> web.StreamResponse:
        """The inventory of the last poll (read now when there has been none yet)."""
        if (denied := self._denied(request)) is not None:
            return denied
        try:
            system = self._system(request)
            inventory = await self._inventory(system)
        except _Refused as refused:
            return refused.response
        body = b'{"items":[' + b",".join(RecordAdapter.dump_json(x) for x in inventory) + b"]}"
        return web.Response(body=body, content_type="application/json")

    async def _inventory(self, system: LightingSystem) -> Sequence[LightPoint]:
        if system.polled_at is not None:
            return system.inventory
        try:
            system.inventory = [light async for light in system.controller.lights()]
        except InteropError as exc:
            raise _Refused(_unavailable(system, exc)) from None
        except Exception as exc:  # a plugin's bug: say so, never a 500 with a traceback
            raise _Refused(_plugin_failed(system, "lights", exc)) from None
        system.reached()
        return system.inventory

    async def schedules(self, request: web.Request) -> web.StreamResponse:
        """The system's dimming schedules, read now (ids for ``/assignments``)."""
        if (denied := self._denied(request)) is not None:
            return denied
        try:
            system = self._system(request)
            try:
                found = await system.controller.schedules()
            except InteropError as exc:
                raise _Refused(_unavailable(system, exc)) from None
            except Exception as exc:  # a plugin's bug: say so, never a 500 with a traceback
                raise _Refused(_plugin_failed(system, "schedules", exc)) from None
        except _Refused as refused:
            return refused.response
        body = b'{"items":[' + b",".join(RecordAdapter.dump_json(x) for x in found) + b"]}"
        return web.Response(body=body, content_type="application/json")

    async def assign(self, request: web.Request) -> web.StreamResponse:
        """Make lights (or a group) follow a dimming schedule; one stored result per light."""
        if (denied := self._denied(request)) is not None:
            return denied
        try:
            system = self._system(request)
            wanted = parse_assignment(await request.read(), source=f"POST {request.path[:200]}")
            if wanted.lights is not None:
                lights = list(wanted.lights)
            else:
                members = _members(await self._inventory(system))
                lights = members.get(str(wanted.group), [])
                if not lights:
                    raise _Refused(self._no_group(system, str(wanted.group), "group"))
            if system.failing_since is not None:
                await self._probe(system)
            try:
                results = await system.controller.assign_schedule(wanted.schedule, lights)
            except NotFound as exc:
                return problem(
                    422, "Unprocessable Content", str(exc), code=exc.code, field="schedule"
                )
            except InteropError as exc:
                raise _Refused(_unavailable(system, exc)) from None
            except Exception as exc:  # a plugin's bug: say so, never a 500 with a traceback
                raise _Refused(_plugin_failed(system, "assign_schedule", exc)) from None
            return await self._answer(system, results)
        except _Refused as refused:
            return refused.response
        except ValidationError as exc:
            return problem(400, "Bad Request", str(exc), code=exc.code)

    @staticmethod
    def _no_group(system: LightingSystem, group: str, field: str) -> web.Response:
        return problem(
            422, "Unprocessable Content",
            f"no light of {system.name} is in group {group[:200]!r}",
            code="validation-error", field=field,
        )  # fmt: skip

    async def _expand(
        self, system: LightingSystem, requests: Sequence[CommandRequest | Command]
    ) -> list[Command]:
        """One Command per light: lights and groups resolved through the inventory."""
        needs_inventory = any(
            not isinstance(r, CommandRequest) or r.group is not None or r.target is not None
            for r in requests
        )
        inventory = await self._inventory(system) if needs_inventory else []
        members = _members(inventory)
        known = {light.id for light in inventory}
        controller = system.controller
        commands: list[Command] = []
        for index, request in enumerate(requests):
            if isinstance(request, Command):
                target = str(request.target)
                if target in members:
                    commands += [
                        request.model_copy(
                            update={"id": f"{request.id}/{n}", "target": controller.device_iri(x)}
                        )
                        for n, x in enumerate(members[target], start=1)
                    ]
                elif target in known:
                    commands.append(
                        request.model_copy(update={"target": controller.device_iri(target)})
                    )
                else:
                    commands.append(request)
                continue
            if request.group is not None or (
                request.target is not None and request.target in members
            ):
                group = str(request.group or request.target)
                lights = members.get(group)
                if not lights:
                    raise _Refused(self._no_group(system, group, f"{index}.group"))
            else:
                lights = request.lights or [str(request.target)]
            commands += [
                build_command(
                    request,
                    controller.device_iri(light),
                    plugin=system.plugin,
                    version=controller.system_version,
                    field=str(index),
                )
                for light in lights
            ]
        return commands

    async def commands(self, request: web.Request) -> web.StreamResponse:
        """Store the Commands, send them, store and answer one result per light."""
        if (denied := self._denied(request)) is not None:
            return denied
        try:
            system = self._system(request)
            parsed = parse_requests(
                await request.read(), source=f"POST {request.path[:200]}", group_allowed=True
            )
            commands = await self._expand(system, parsed)
            if system.failing_since is not None:
                await self._probe(system)
            return await self._send(system, commands)
        except _Refused as refused:
            return refused.response
        except ValidationError as exc:
            return problem(400, "Bad Request", str(exc), code=exc.code)

    async def _probe(self, system: LightingSystem) -> None:
        try:
            await system.probe()
        except InteropError as exc:
            raise _Refused(_unavailable(system, exc)) from None

    async def _send(self, system: LightingSystem, commands: list[Command]) -> web.Response:
        if (refused := await keep_commands(self.pipeline, system.source, commands)) is not None:
            raise _Refused(refused)
        try:
            results = await system.controller.execute(commands)
        except InteropError as exc:
            raise _Refused(_unavailable(system, exc)) from None
        except Exception as exc:  # a plugin's bug: say so, never a 500 with a traceback
            raise _Refused(_plugin_failed(system, "execute", exc)) from None
        return await self._answer(system, results)

    async def _answer(
        self, system: LightingSystem, results: Sequence[CommandResult]
    ) -> web.Response:
        """Store the results, count them, answer (503 when none was taken and it is down)."""
        stored = await keep_results(self.pipeline, system.source, results)
        for result in results:
            self.metrics.commands.labels(system.name, result.status.value).inc()
        body = [result_json(r) for r in results]
        if results and not any(r.status in _TAKEN for r in results):
            try:
                await system.probe()
            except InteropError as exc:
                return _unavailable(system, exc, results=body, stored=stored)
        return web.Response(
            body=orjson.dumps({"results": body, "stored": stored}),
            content_type="application/json",
        )


def _members(inventory: Sequence[LightPoint]) -> dict[str, list[str]]:
    """Light ids by control group, in inventory order."""
    members: dict[str, list[str]] = {}
    for light in inventory:
        if light.group is not None:
            members.setdefault(str(light.group), []).append(light.id)
    return members
