"""A reference lighting system: a plain JSON/HTTP simulator and the controller that drives it.

This is the smallest complete lighting plugin, kept readable so a vendor can copy its shape:
:func:`reference_spec` is the :class:`~interop.simulation.server.SimulatorSpec` (the vendor
API over a :class:`~interop.simulation.world.LightWorld`), :class:`ReferenceController` the
:class:`~interop.control.lighting.LightingController` talking to it through
:class:`~interop.control.http.HttpClient`. The conformance suite
(:mod:`interop.testing.lighting`) is proven against this pair before it judges a vendor.

The API (every route but the token one needs ``Authorization: Bearer <token>``):

- ``POST /auth/token`` ``{"username", "password"}`` -> ``{"access_token", "expires_in"}``;
  wrong credentials -> 400 ``{"error": "invalid_grant"}`` (OAuth 2), an expired or unknown
  token elsewhere -> 401;
- ``GET /lights?offset=&limit=`` -> ``{"total", "items": [light]}`` (offset paging; 410 when
  the listing expired); ``POST /lights`` creates one light;
- ``GET /telemetry?light=KEY...`` -> ``{"items": [reading]}`` (404 for an unknown light);
  ``GET /history?light=KEY...&from=ISO&to=ISO`` -> every reading in the range;
- ``GET /alarms`` -> raised alarms; ``POST /commands`` ``{"lights", "level", "duration"}``
  -> each light's fate (``queued``, ``offline``, ``unknown``);
- ``PUT /schedules/{name}``, ``GET /schedules``, ``POST /schedules/{id}/lights``,
  ``GET /assignments``.

Readings are UTC ISO-8601, power W, energy kWh cumulative with a counter ``epoch``. Overload
is 429 with ``Retry-After`` (the default of :func:`~interop.simulation.server.serve`).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler

from interop.control.http import ClientSettings, HttpClient, OutcomeUnknown, Response, until
from interop.control.lighting import (
    BURNING_HOURS,
    ENERGY,
    LEVEL,
    POWER,
    POWER_FACTOR,
    VOLTAGE,
    LightingController,
)
from interop.errors import (
    AuthenticationFailed,
    DecodeError,
    EncodeError,
    NotFound,
    SourceUnavailable,
)
from interop.model.base import Point, Provenance, mint_iri
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.lighting import (
    COUNTER_EPOCH,
    LIGHTING_EXTENSION,
    AlarmState,
    AlarmType,
    DimmingSchedule,
    LampType,
    LightingAlarm,
    LightPoint,
)
from interop.model.observation import Measurement
from interop.model.units import OM
from interop.simulation.server import SimulatorSpec
from interop.simulation.world import LightWorld, Reading, SimLight

__all__ = ["SYSTEM", "ReferenceController", "build_reference_app", "reference_spec"]

SYSTEM = "reference"
CHUNK = 250
"""Lights per command request."""
"""The system name in minted ids: ``urn:interop:light:reference:0001``."""

# ---------------------------------------------------------------------------------- simulator


def _light_json(light: SimLight) -> dict[str, Any]:
    return {
        "key": light.key,
        "name": light.name,
        "lat": light.latitude,
        "lon": light.longitude,
        "nominal_power": light.nominal_power,
        "lamp_type": light.lamp_type,
    }


def _reading_json(key: str, reading: Reading) -> dict[str, Any]:
    return {
        "light": key,
        "at": reading.at.isoformat(),
        "level": reading.level,
        "power": reading.power,
        "energy": reading.energy,
        "epoch": reading.epoch,
        "burning_hours": reading.burning_hours,
        "voltage": reading.voltage,
        "power_factor": reading.power_factor,
    }


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class _Facade:
    """The reference API's handlers over one world; tokens live here, not in the world."""

    def __init__(self, world: LightWorld) -> None:
        self.world = world
        self.tokens: dict[str, float] = {}
        """Issued token -> monotonic time of issue."""
        self.serial = 0
        self.taken: dict[str, set[str]] = {}
        """Command reference -> keys of the lights that took it."""

    @web.middleware
    async def authenticate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Let token requests through; everything else needs a live bearer token."""
        if request.path == "/auth/token":
            return await handler(request)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        issued = self.tokens.get(token) if scheme == "Bearer" else None
        ttl = self.world.session_ttl
        if issued is None or (ttl is not None and time.monotonic() - issued > ttl):
            return _error(401, "missing, unknown or expired token")
        return await handler(request)

    async def token(self, request: web.Request) -> web.Response:
        body = await request.json()
        world = self.world
        if body.get("username") != world.username or body.get("password") != world.password:
            return _error(400, "invalid_grant")
        self.serial += 1
        token = f"{world.token}.{self.serial}"
        self.tokens[token] = time.monotonic()
        return web.json_response({"access_token": token, "expires_in": world.session_ttl})

    async def list_lights(self, request: web.Request) -> web.Response:
        offset = int(request.query.get("offset", "0"))
        limit = int(request.query.get("limit", "100"))
        if offset > 0 and self.world.faults.expire_listings:
            self.world.faults.expire_listings = False
            return _error(410, "listing expired, start again")
        lights = list(self.world)
        items = [_light_json(light) for light in lights[offset : offset + limit]]
        return web.json_response({"total": len(lights), "items": items})

    async def create_light(self, request: web.Request) -> web.Response:
        body = await request.json()
        light = self.world.add_light(
            name=body["name"],
            latitude=body["lat"],
            longitude=body["lon"],
            nominal_power=body["nominal_power"],
            lamp_type=body.get("lamp_type") or "led",
        )
        return web.json_response(_light_json(light), status=201)

    def _lights(self, request: web.Request) -> list[SimLight] | web.Response:
        found = []
        for key in request.query.getall("light", []):
            light = self.world.get(key)
            if light is None:
                return _error(404, f"no light {key}")
            found.append(light)
        return found

    async def telemetry(self, request: web.Request) -> web.Response:
        lights = self._lights(request)
        if isinstance(lights, web.Response):
            return lights
        return web.json_response({"items": [_reading_json(x.key, x.current) for x in lights]})

    async def history(self, request: web.Request) -> web.Response:
        lights = self._lights(request)
        if isinstance(lights, web.Response):
            return lights
        start = datetime.fromisoformat(request.query["from"])
        end = datetime.fromisoformat(request.query["to"])
        items = [
            _reading_json(light.key, reading)
            for light in lights
            for reading in light.history
            if start <= reading.at <= end
        ]
        return web.json_response({"items": items})

    async def alarms(self, request: web.Request) -> web.Response:
        items = [
            {
                "light": light.key,
                "type": alarm.alarm_type.value,
                "raised_at": alarm.raised_at.isoformat(),
            }
            for light in self.world
            for alarm in light.active_alarms()
        ]
        return web.json_response({"items": items})

    async def commands(self, request: web.Request) -> web.Response:
        body = await request.json()
        fates = self.world.command(body["lights"], body.get("level"), duration=body.get("duration"))
        if body.get("ref"):
            taken = self.taken.setdefault(str(body["ref"]), set())
            taken.update(key for key, fate in fates.items() if fate == "queued")
        return web.json_response({"results": fates})

    async def command_status(self, request: web.Request) -> web.Response:
        """Which lights took the command with this reference (how a lost answer is settled)."""
        return web.json_response({"lights": sorted(self.taken.get(request.match_info["ref"], ()))})

    async def save_schedule(self, request: web.Request) -> web.Response:
        ident = re.sub(r"[^a-z0-9]+", "-", request.match_info["name"].lower()).strip("-")
        self.world.schedules[ident] = await request.json()
        return web.json_response({"id": ident})

    async def list_schedules(self, request: web.Request) -> web.Response:
        items = [{"id": ident, "document": doc} for ident, doc in self.world.schedules.items()]
        return web.json_response({"items": items})

    async def assign(self, request: web.Request) -> web.Response:
        ident = request.match_info["ident"]
        if ident not in self.world.schedules:
            return _error(404, f"no schedule {ident}")
        results: dict[str, str] = {}
        for key in (await request.json())["lights"]:
            light = self.world.get(key)
            if light is None:
                results[key] = "unknown"
            else:
                light.schedule = ident
                results[key] = "assigned"
        return web.json_response({"results": results})

    async def assignments(self, request: web.Request) -> web.Response:
        return web.json_response({x.key: x.schedule for x in self.world if x.schedule})


def build_reference_app(world: LightWorld) -> web.Application:
    """The reference vendor API over ``world`` (``serve`` adds the fault middleware)."""
    facade = _Facade(world)
    app = web.Application(middlewares=[facade.authenticate])
    app.router.add_post("/auth/token", facade.token)
    app.router.add_get("/lights", facade.list_lights)
    app.router.add_post("/lights", facade.create_light)
    app.router.add_get("/telemetry", facade.telemetry)
    app.router.add_get("/history", facade.history)
    app.router.add_get("/alarms", facade.alarms)
    app.router.add_post("/commands", facade.commands)
    app.router.add_get("/command-status/{ref}", facade.command_status)
    app.router.add_put("/schedules/{name}", facade.save_schedule)
    app.router.add_get("/schedules", facade.list_schedules)
    app.router.add_post("/schedules/{ident}/lights", facade.assign)
    app.router.add_get("/assignments", facade.assignments)
    return app


def _connect(url: str, world: LightWorld, settings: ClientSettings | None) -> LightingController:
    return ReferenceController(
        url, username=world.username, password=world.password, settings=settings
    )


def reference_spec() -> SimulatorSpec:
    """The reference simulator: bearer tokens, offset paging, 429 with ``Retry-After``."""
    return SimulatorSpec(
        name=SYSTEM,
        description="Reference JSON lighting API (interop.testing.reference_lighting)",
        build_app=build_reference_app,
        connect=_connect,
        rate_limit_status=429,
        default_port=8090,
        command_path="/commands",
    )


# --------------------------------------------------------------------------------- controller

_W, _KWH, _PERCENT = OM + "watt", OM + "kilowattHour", OM + "percent"
_QUANTITIES = (
    (LEVEL, "level", _PERCENT),
    (POWER, "power", _W),
    (ENERGY, "energy", _KWH),
    (BURNING_HOURS, "burning_hours", OM + "hour"),
    (VOLTAGE, "voltage", OM + "volt"),
    (POWER_FACTOR, "power_factor", OM + "one"),
)


class ReferenceController(LightingController):
    """The reference API as a :class:`LightingController`.

    Logs in lazily: the first request is refused (401), the client's ``on_auth_failure``
    hook fetches a token and the request is sent again; an expired token is renewed the
    same way. Bad credentials raise :class:`~interop.errors.AuthenticationFailed`.
    """

    name = SYSTEM
    description = "Reference JSON lighting API"
    system = SYSTEM
    system_version = "1"

    def __init__(
        self,
        url: str,
        *,
        username: str,
        password: str,
        settings: ClientSettings | None = None,
    ) -> None:
        self._username = username
        self._password = password
        self._token: str | None = None
        self._login_lock = asyncio.Lock()
        self._login_task: asyncio.Task[Any] | None = None
        self.http = HttpClient(
            url, source=f"{SYSTEM} {url}", settings=settings, on_auth_failure=self._refresh
        )

    # ------------------------------------------------------------------ plumbing

    async def _refresh(self, http: HttpClient) -> bool:
        """Fetch a new token (once for concurrent callers refused with the same token)."""
        if asyncio.current_task() is self._login_task:
            return False  # the login request itself was refused: no second login inside it
        stale = self._token
        async with self._login_lock:
            if self._token != stale:
                return True
            self._login_task = asyncio.current_task()
            try:
                answer = await http.request(
                    "POST",
                    "/auth/token",
                    json={"username": self._username, "password": self._password},
                    idempotent=True,
                )
            finally:
                self._login_task = None
            if answer.status != 200:
                raise AuthenticationFailed(
                    f"login as {self._username!r} refused (HTTP {answer.status})",
                    source=http.source,
                    expected="the system's username and password",
                )
            self._token = str(_json(answer)["access_token"])
            http.set_header("Authorization", f"Bearer {self._token}")
        return True

    async def _get(self, path: str, params: Sequence[tuple[str, str]] = ()) -> Any:
        answer = await self.http.request("GET", path, params=list(params))
        if answer.status == 404:
            raise NotFound(
                str(_json(answer).get("error", path)),
                source=self.http.source,
                expected="a known id",
            )
        return _json(_ok(answer))

    def _key(self, iri: str, kind: str) -> str:
        prefix = mint_iri(kind, SYSTEM, "")
        if not iri.startswith(prefix) or len(iri) == len(prefix):
            raise NotFound(f"{iri!r} is not a {SYSTEM} {kind}", source=self.http.source, field=kind)
        return iri[len(prefix) :]

    def _provenance(self, native: str) -> Provenance:
        return Provenance(
            plugin=SYSTEM,
            plugin_version=self.system_version,
            source_system=self.http.base_url,
            original_id=native,
            received_at=datetime.now(UTC),
        )

    # ------------------------------------------------------------------ inventory

    def device_iri(self, light: str) -> str:
        """The node of a light: ``urn:interop:device:reference:<key>``.

        The id of another system's light is returned unchanged, so that a command to it
        gets a ``rejected`` result (see :meth:`execute`) instead of an exception.
        """
        if not light.startswith(mint_iri("light", SYSTEM, "")):
            return light
        return mint_iri("device", SYSTEM, self._key(light, "light"))

    async def lights(self, *, page_size: int = 200) -> AsyncIterator[LightPoint]:
        """Offset paging; an insert shifts items to the next page, so dedupe by key."""
        seen: set[str] = set()
        offset = 0
        while True:
            params = {"offset": str(offset), "limit": str(page_size)}
            answer = await self.http.request("GET", "/lights", params=params)
            if answer.status == 410:  # the listing expired: start again, skipping what we gave
                offset = 0
                continue
            page = _json(_ok(answer))
            for item in page["items"]:
                if item["key"] not in seen:
                    seen.add(item["key"])
                    yield self._light(item)
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return

    def _light(self, item: Mapping[str, Any]) -> LightPoint:
        key = str(item["key"])
        lamp = item.get("lamp_type")
        return LightPoint(
            id=mint_iri("light", SYSTEM, key),
            provenance=self._provenance(key),
            name=item["name"],
            device=mint_iri("device", SYSTEM, key),
            lamp_type=LampType(lamp) if lamp in set(LampType) else LampType.OTHER,
            nominal_power=float(item["nominal_power"]),
            location=Point(lat=item["lat"], lon=item["lon"]),
            controllable=True,
        )

    async def add_lights(self, lights: Sequence[LightPoint]) -> list[LightPoint]:
        """Create each light (name, position, nominal power, lamp type)."""
        created = []
        for light in lights:
            if light.location is None or light.name is None or light.nominal_power is None:
                raise EncodeError(
                    f"{light.id} lacks a name, location or nominal power",
                    source=self.http.source,
                    expected="lights with name, location and nominal_power",
                )
            body = {
                "name": light.name,
                "lat": light.location.lat,
                "lon": light.location.lon,
                "nominal_power": light.nominal_power,
                "lamp_type": light.lamp_type.value if light.lamp_type else None,
            }
            answer = await self.http.request("POST", "/lights", json=body)
            created.append(self._light(_json(_ok(answer, 201))))
        return created

    # ------------------------------------------------------------------ telemetry and alarms

    def _measurements(self, item: Mapping[str, Any]) -> list[Measurement]:
        key = str(item["light"])
        at = datetime.fromisoformat(item["at"])
        light, node = mint_iri("light", SYSTEM, key), mint_iri("device", SYSTEM, key)
        out = []
        for prop, field, unit in _QUANTITIES:
            extensions = (
                {LIGHTING_EXTENSION: {COUNTER_EPOCH: int(item["epoch"])}} if prop == ENERGY else {}
            )
            out.append(
                Measurement(
                    id=mint_iri("measurement", SYSTEM, f"{key}/{field}/{item['at']}"),
                    provenance=self._provenance(key),
                    property=prop,
                    value=float(item[field]),
                    unit=unit,
                    timestamp=at,
                    device=node,
                    feature_of_interest=light,
                    extensions=extensions,
                )
            )
        return out

    async def telemetry(self, lights: Sequence[str]) -> list[Measurement]:
        """The latest reading of each light; NotFound for an unknown one."""
        keys = [("light", self._key(x, "light")) for x in lights]
        page = await self._get("/telemetry", keys)
        return [m for item in page["items"] for m in self._measurements(item)]

    async def history(
        self, lights: Sequence[str], start: datetime, end: datetime
    ) -> list[Measurement]:
        """Every reading between ``start`` and ``end``, oldest first per light."""
        params = [("light", self._key(x, "light")) for x in lights]
        params += [
            ("from", start.astimezone(UTC).isoformat()),
            ("to", end.astimezone(UTC).isoformat()),
        ]
        page = await self._get("/history", params)
        return [m for item in page["items"] for m in self._measurements(item)]

    async def alarms(self, lights: Sequence[str] | None = None) -> list[LightingAlarm]:
        """Raised alarms, optionally of some lights only."""
        wanted = None if lights is None else {self._key(x, "light") for x in lights}
        page = await self._get("/alarms")
        return [
            LightingAlarm(
                id=mint_iri("alarm", SYSTEM, f"{item['light']}/{item['type']}/{item['raised_at']}"),
                provenance=self._provenance(str(item["light"])),
                light=mint_iri("light", SYSTEM, str(item["light"])),
                alarm_type=AlarmType(item["type"]),
                state=AlarmState.RAISED,
                timestamp=datetime.fromisoformat(item["raised_at"]),
            )
            for item in page["items"]
            if wanted is None or item["light"] in wanted
        ]

    # ------------------------------------------------------------------ commands

    async def execute(self, commands: Sequence[Command]) -> list[CommandResult]:
        """Requests of :data:`CHUNK` lights per (level, duration), under one deadline.

        Each chunk carries a reference (its first command's id); a chunk whose answer was
        lost is settled with ``GET /command-status/{ref}``, and what cannot be settled by the
        deadline (``ClientSettings.deadline``) is ``unknown``. Results in command order.
        """
        deadline = time.monotonic() + self.http.settings.deadline
        send_by = deadline - self.http.settings.deadline / 4
        results: list[CommandResult | None] = [None] * len(commands)
        batches: dict[tuple[float | None, float | None], list[int]] = {}
        for index, command in enumerate(commands):
            supported, level = _level(command)
            if not supported or not command.target.startswith(mint_iri("device", SYSTEM, "")):
                results[index] = _result(
                    command, CommandStatus.REJECTED, f"not a {SYSTEM} light or action"
                )
                continue
            batches.setdefault((level, command.duration), []).append(index)
        chunks = [
            (level, duration, indexes[start : start + CHUNK])
            for (level, duration), indexes in batches.items()
            for start in range(0, len(indexes), CHUNK)
        ]
        unclear: dict[int, tuple[str, str]] = {}

        async def send(level: float | None, duration: float | None, indexes: list[int]) -> None:
            keys = [self._key(commands[i].target, "device") for i in indexes]
            ref = commands[indexes[0]].id
            body = {"lights": keys, "level": level, "duration": duration, "ref": ref}
            try:
                answer = await self.http.request(
                    "POST", "/commands", json=body, idempotent=True, deadline=send_by
                )
                fates = _json(_ok(answer))["results"]
            except OutcomeUnknown as exc:
                unclear.update(dict.fromkeys(indexes, (ref, exc.message)))
                return
            except (SourceUnavailable, DecodeError) as exc:
                fates = dict.fromkeys(keys, f"error: {exc}")
            for index, key in zip(indexes, keys, strict=True):
                results[index] = _result(commands[index], *_fate(fates.get(key, "missing")))

        try:
            async with until(send_by):
                await asyncio.gather(*(send(*chunk) for chunk in chunks))
        except TimeoutError:
            pass
        for _, _, indexes in chunks:
            for i in indexes:
                if results[i] is None and i not in unclear:
                    unclear[i] = (commands[indexes[0]].id, "no answer by the command's deadline")
        if unclear:
            await self._settle(commands, unclear, deadline, results)
        return [r for r in results if r is not None]

    async def _settle(
        self,
        commands: Sequence[Command],
        unclear: Mapping[int, tuple[str, str]],
        deadline: float,
        results: list[CommandResult | None],
    ) -> None:
        """Ask which lights took each unclear chunk's reference; unknown when that fails."""
        taken: dict[str, set[str]] = {}
        problem = ""
        try:
            async with until(deadline):
                for ref in sorted({ref for ref, _ in unclear.values()}):
                    answer = await self.http.request(
                        "GET", f"/command-status/{quote(ref, safe='')}", deadline=deadline
                    )
                    taken[ref] = set(_json(_ok(answer))["lights"])
        except TimeoutError:
            problem = "the command's deadline passed"
        except (SourceUnavailable, DecodeError) as exc:
            problem = exc.message
        for index, (ref, lost) in unclear.items():
            key = self._key(commands[index].target, "device")
            if ref not in taken:
                detail = f"{lost}; re-reading failed: {problem or 'no answer'}"
                results[index] = _result(commands[index], CommandStatus.UNKNOWN, detail)
            elif key in taken[ref]:
                detail = f"{lost}; a re-read shows the system took it"
                results[index] = _result(commands[index], CommandStatus.ACCEPTED, detail)
            else:
                detail = f"{lost}; a re-read shows the system did not take it"
                results[index] = _result(commands[index], CommandStatus.FAILED, detail)

    # ------------------------------------------------------------------ schedules

    async def schedules(self) -> list[DimmingSchedule]:
        """Every stored schedule, canonical documents with the system's ids."""
        page = await self._get("/schedules")
        return [
            DimmingSchedule.model_validate(
                {
                    **item["document"],
                    "id": mint_iri("schedule", SYSTEM, item["id"]),
                    "provenance": self._provenance(item["id"]),
                }
            )
            for item in page["items"]
        ]

    async def save_schedule(self, schedule: DimmingSchedule) -> DimmingSchedule:
        """Store the schedule under its name (the API's key)."""
        name = schedule.name or self._key(schedule.id, "schedule")
        document = schedule.model_dump(mode="json", exclude={"id", "provenance", "extensions"})
        answer = await self.http.request("PUT", f"/schedules/{name}", json=document)
        ident = str(_json(_ok(answer))["id"])
        return schedule.model_copy(
            update={
                "id": mint_iri("schedule", SYSTEM, ident),
                "provenance": self._provenance(ident),
            }
        )

    async def assignments(self) -> Mapping[str, str]:
        """Light id -> schedule id."""
        page = await self._get("/assignments")
        return {
            mint_iri("light", SYSTEM, key): mint_iri("schedule", SYSTEM, ident)
            for key, ident in page.items()
        }

    async def assign_schedule(self, schedule: str, lights: Sequence[str]) -> list[CommandResult]:
        """Assign the schedule; one result per light (``succeeded`` or ``rejected``)."""
        ident = self._key(schedule, "schedule")
        keys = [self._key(x, "light") for x in lights]
        answer = await self.http.request(
            "POST", f"/schedules/{ident}/lights", json={"lights": keys}
        )
        if answer.status == 404:
            raise NotFound(f"no schedule {schedule!r}", source=self.http.source, field="schedule")
        fates = _json(_ok(answer))["results"]
        now = datetime.now(UTC)
        return [
            CommandResult(
                id=mint_iri("result", SYSTEM, f"assign/{ident}/{key}/{now.isoformat()}"),
                command=mint_iri("command", SYSTEM, f"assign/{ident}/{now.isoformat()}"),
                target=light,
                status=CommandStatus.SUCCEEDED
                if fates.get(key) == "assigned"
                else CommandStatus.REJECTED,
                at=now,
                detail=None if fates.get(key) == "assigned" else f"{key}: {fates.get(key)}",
            )
            for light, key in zip(lights, keys, strict=True)
        ]

    async def aclose(self) -> None:
        """Close the HTTP session."""
        await self.http.aclose()


# --------------------------------------------------------------------------------- helpers


def _json(answer: Response) -> Any:
    return answer.json()


def _ok(answer: Response, status: int = 200) -> Response:
    """The response when it has the expected status; DecodeError naming the URL otherwise."""
    if answer.status != status:
        raise DecodeError(
            f"HTTP {answer.status}: {answer.body[:120]!r}",
            source=answer.url,
            expected=f"HTTP {status}",
        )
    return answer


def _level(command: Command) -> tuple[bool, float | None]:
    """Whether the API can carry the command, and its level (None resumes the schedule)."""
    if command.action is CommandKind.SET_LEVEL:
        return True, command.level
    if command.action is CommandKind.ON:
        return True, 100.0
    if command.action is CommandKind.OFF:
        return True, 0.0
    return command.action is CommandKind.RESUME_SCHEDULE, None


def _fate(fate: str) -> tuple[CommandStatus, str | None]:
    if fate == "queued":
        return CommandStatus.ACCEPTED, None
    if fate == "offline":
        return CommandStatus.FAILED, "the light's node is offline"
    if fate == "unknown":
        return CommandStatus.REJECTED, "the system does not know this light"
    return CommandStatus.FAILED, fate


def _result(command: Command, status: CommandStatus, detail: str | None) -> CommandResult:
    node = command.target
    device = mint_iri("device", SYSTEM, "")
    target = mint_iri("light", SYSTEM, node[len(device) :]) if node.startswith(device) else node
    now = datetime.now(UTC)
    return CommandResult(
        id=mint_iri("result", SYSTEM, f"{command.id}/{now.isoformat()}"),
        command=command.id,
        target=target,
        status=status,
        at=now,
        detail=detail,
    )
