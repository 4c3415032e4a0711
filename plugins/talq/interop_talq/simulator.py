"""A simulated Gateway serving the TALQ 2.7.1 Gateway API over a ``LightWorld``.

Each simulated light is a device of class ``interop-lamp-controller`` with a BasicFunction
(name, location, time zone), a LampActuatorFunction (``actualLightState``, ``calendarID``),
a LampMonitorFunction (meter values, failure events, and the vendor attribute
``energyCounterEpoch``) and a LuminaireAssetFunction naming a LuminaireType (lamp, watts).
Override commands answer 202 and apply after ``world.apply_delay`` (never on an offline
node); refusals are TALQErrorMessage arrays; overload is 429 + ``Retry-After``. Outside the
API file: ``POST /auth/token`` exchanges the world's API key for an access token that
expires after ``world.session_ttl``. ``INTEROP_TALQ_OPENAPI`` (or ``openapi=``) turns on
validation of every exchange against the Gateway API file.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from pydantic import TypeAdapter

from interop.control.http import ClientSettings
from interop.control.lighting import LightingController
from interop.errors import DecodeError
from interop.simulation.server import SimulatorSpec
from interop.simulation.world import LightWorld
from interop_talq.controller import TalqController
from interop_talq.openapi import OpenApiCheck, data_model_beside
from interop_talq.protocol import (
    FUNCTION_BASIC,
    FUNCTION_LUMINAIRE,
    LAMP_TYPES,
    PAGINATION_COUNT,
    PAGINATION_DEFAULT_LIMIT,
    PAGINATION_OFFSET,
    PAGINATION_TOTAL,
    envelope_error,
    error_messages,
    is_uuid,
    parse_time,
)
from interop_talq.sim_bodies import CALENDARS, LUMINAIRE_TYPES, PROGRAMS, body_problem
from interop_talq.sim_devices import (
    DEVICE_CLASS,
    FUNCTION_IDS,
    TARGET_COMMAND,
    GatewayState,
    device_documents,
    group_documents,
    log_entries,
    render_device,
)

__all__ = ["DEVICE_CLASS", "SPEC", "TOKEN_PATH", "build_app", "device_documents", "overload"]

TOKEN_PATH = "/auth/token"
DEFAULT_LIMIT = 100
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status, body=orjson.dumps(body), content_type="application/json", headers=headers
    )


def _error(
    status: int, key: str, description: str, refs: Sequence[tuple[str, str]] = ()
) -> web.Response:
    return _json(error_messages(key, description, refs), status)


def overload(status: int, retry_after: float | None) -> web.Response:
    """An overload answer as a TALQ Gateway gives it: a TALQErrorMessage array + Retry-After."""
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
    wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
    body = error_messages("genericError", f"the Gateway is overloaded (HTTP {status}){wait}")
    return _json(body, status, headers)


# ---------------------------------------------------------------------- envelope and auth


def _envelope(gateway: GatewayState) -> Any:
    @web.middleware
    async def envelope(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == TOKEN_PATH:
            return await handler(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        expiry = gateway.tokens.get(token)
        if expiry is None or expiry < time.monotonic():
            gateway.tokens.pop(token, None)
            return _error(401, "genericError", "missing, unknown or expired access token")
        problem = envelope_error(request.method, request.headers, request.query)
        if problem is not None:
            return _error(400, *problem)
        return await handler(request)

    return envelope


async def _token(request: web.Request, gateway: GatewayState) -> web.Response:
    auth = request.headers.get("Authorization", "")
    key = auth.removeprefix("Bearer ").strip()
    if not key:
        body = await _body(request)
        key = str(body.get("apiKey", "")) if isinstance(body, dict) else ""
    if not secrets.compare_digest(key.encode(), gateway.world.token.encode()):
        return _error(401, "genericError", "unknown API key")
    token = secrets.token_urlsafe(16)
    ttl = gateway.world.session_ttl
    gateway.tokens[token] = time.monotonic() + (ttl if ttl is not None else 10**9)
    return _json({"access_token": token, "token_type": "Bearer", "expires_in": ttl or 0})


# ---------------------------------------------------------------------- handlers


async def _body(request: web.Request) -> Any:
    try:
        return await request.json(loads=orjson.loads)
    except (ValueError, orjson.JSONDecodeError):
        return None


def _int_param(request: web.Request, name: str) -> int | web.Response | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        return _error(400, "parameterValueNotValid", f"{name}={raw!r} is not an integer >= 0")
    return value


async def _devices(request: web.Request, gateway: GatewayState) -> web.Response:
    world = gateway.world
    offset = _int_param(request, "offset")
    limit = _int_param(request, "limit")
    for value in (offset, limit):
        if isinstance(value, web.Response):
            return value
    assert not isinstance(offset, web.Response)
    assert not isinstance(limit, web.Response)
    lights = world.lights
    if offset is None and limit is None:
        return _json([render_device(gateway, light) for light in lights])
    if offset and world.faults.expire_listings:
        world.faults.expire_listings = False
        return _error(
            400, "parameterValueNotValid", f"offset {offset}: the device list changed, restart"
        )
    start = offset or 0
    size = DEFAULT_LIMIT if limit is None else limit
    page = lights[start : start + size]
    headers = {
        PAGINATION_COUNT: str(len(page)),
        PAGINATION_OFFSET: str(start),
        PAGINATION_TOTAL: str(len(lights)),
        PAGINATION_DEFAULT_LIMIT: str(DEFAULT_LIMIT),
    }
    return _json([render_device(gateway, light) for light in page], headers=headers)


async def _device(request: web.Request, gateway: GatewayState) -> web.Response:
    address = request.match_info["deviceAddress"]
    light = gateway.light(address)
    if light is None:
        return _error(404, "resourceNotFound", f"no device {address}", [("devices", address)])
    return _json(render_device(gateway, light))


def _add_device(gateway: GatewayState, document: Any) -> str | None:
    """Create a light from a posted Device; the reason when it is malformed."""
    if not isinstance(document, dict) or not is_uuid(document.get("address")):
        return "a device needs a UUID address"
    if document.get("class") != DEVICE_CLASS:
        return f"unknown device class {document.get('class')!r}"
    try:
        _create_light(gateway, document)
    except (AttributeError, TypeError, ValueError) as exc:
        return f"device {document['address']} is malformed ({exc})"
    return None


def _create_light(gateway: GatewayState, document: dict[str, Any]) -> None:
    functions = {f.get("type"): f for f in document.get("functions") or [] if isinstance(f, dict)}
    basic = functions.get(FUNCTION_BASIC, {})
    location = (basic.get("location") or {}).get("value") or {}
    luminaire = functions.get(FUNCTION_LUMINAIRE, {})
    kind = gateway.luminaire_types.get(
        str((luminaire.get("luminaireTypeAddress") or {}).get("value")), {}
    )
    lamp = LAMP_TYPES.get(str(kind.get("lightSourceType", "")).upper())
    light = gateway.world.add_light(
        name=str((basic.get("displayName") or {}).get("value") or document.get("name")),
        latitude=location.get("latitude"),
        longitude=location.get("longitude"),
        nominal_power=kind.get("powerConsumption"),
        lamp_type=lamp.value if lamp is not None else "led",
        group="",
    )
    light.native["talq"] = {"address": document["address"]}
    gateway.by_address[document["address"]] = light.key


async def _post_devices(request: web.Request, gateway: GatewayState) -> web.Response:
    body = await _body(request)
    if not isinstance(body, list):
        return _error(400, "payloadError", "the body must be an array of Device")
    addresses = [str(d.get("address")) for d in body if isinstance(d, dict)]
    if len(set(addresses)) != len(addresses):
        return _error(400, "payloadError", "the same device address twice in one request")
    for document in body:
        if isinstance(document, dict) and gateway.light(str(document.get("address"))):
            return _error(409, "resourceConflict", f"device {document['address']} exists")
    for document in body:
        reason = _add_device(gateway, document)
        if reason is not None:
            return _error(422, "payloadError", reason)
    return _json([render_device(gateway, gateway.light(d["address"])) for d in body], 201)  # type: ignore[arg-type]


def _targets(
    gateway: GatewayState, addresses: Any
) -> tuple[list[str], list[tuple[str, str]]] | web.Response:
    """Light keys addressed (groups expanded) and the references that are unknown."""
    if not isinstance(addresses, list) or not addresses:
        return _error(400, "payloadError", "addresses must be a non-empty array")
    keys: list[str] = []
    unknown: list[tuple[str, str]] = []
    for reference in addresses:
        if not isinstance(reference, dict):
            return _error(400, "payloadError", "an address is not a ResourceReference")
        resource, address = reference.get("resource"), str(reference.get("address"))
        if resource == "devices":
            light = gateway.light(address)
            if light is None:
                unknown.append(("devices", address))
            else:
                keys.append(light.key)
        elif resource == "groups":
            members = [light.key for light in gateway.world.lights if light.group == address]
            if not members:
                unknown.append(("groups", address))
            keys.extend(members)
        else:
            return _error(400, "payloadError", f"resource {resource!r} cannot be addressed")
    return keys, unknown


async def _override(request: web.Request, gateway: GatewayState) -> web.Response:
    body = await _body(request)
    if not isinstance(body, dict):
        return _error(400, "payloadError", "the body must be an OverrideCommand")
    found = _targets(gateway, body.get("addresses"))
    if isinstance(found, web.Response):
        return found
    keys, unknown = found
    if unknown:
        return _error(422, "resourceNotFound", "unknown device or group addresses", unknown)
    command = body.get("targetCommand")
    level: float | None = None
    duration: float | None = None
    if command is not None:
        state = command.get("state") if isinstance(command, dict) else None
        value = state.get("value") if isinstance(state, dict) else None
        if (
            not isinstance(state, dict)
            or state.get("name") not in ("LevelState", "levelState")
            or isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= 100
        ):
            return _error(
                422, "overrideCommandNotValid", "targetCommand.state must be a LevelState 0..100"
            )
        level = float(value)
        if command.get("expiration"):
            try:
                until = parse_time(command["expiration"], source="override", field="expiration")
            except DecodeError:
                return _error(400, "payloadError", "expiration is not an RFC 3339 date-time")
            duration = max(1.0, (until - datetime.now(UTC)).total_seconds())
    for key in keys:
        gateway.world.raw_log.append((key, "targetCommand", command))
        light = gateway.world.get(key)
        if light is not None:
            light.native[TARGET_COMMAND] = command
    gateway.world.command(keys, level, duration=duration)
    return web.Response(status=202)


def _store(
    kind: str, store: dict[str, dict[str, Any]], key: str, adapter: TypeAdapter[Any]
) -> Callable[[web.Request, GatewayState], Awaitable[web.Response]]:
    async def post(request: web.Request, gateway: GatewayState) -> web.Response:
        body = await _body(request)
        if not isinstance(body, list) or not all(isinstance(x, dict) for x in body):
            return _error(400, "payloadError", f"the body must be an array of {kind}")
        problem = body_problem(adapter, body)
        if problem is not None:
            return _error(400, "payloadError", f"{kind} {problem}")
        keys = [str(document[key]) for document in body]
        if len(set(keys)) != len(keys):
            return _error(400, "payloadError", f"the same {kind} {key} twice in one request")
        for document in body:
            if str(document[key]) in store:
                return _error(409, "resourceConflict", f"{kind} {document[key]} exists")
        for document in body:
            store[str(document[key])] = document
        return _json(body, 201)

    return post


async def _put_one(
    request: web.Request,
    store: dict[str, dict[str, Any]],
    name: str,
    key: str,
    adapter: TypeAdapter[Any],
) -> web.Response:
    address = request.match_info[name]
    body = await _body(request)
    if not isinstance(body, dict) or str(body.get(key)) != address:
        return _error(400, "payloadError", f"the body must describe {address}")
    problem = body_problem(adapter, [body])
    if problem is not None:
        return _error(400, "payloadError", problem)
    if address not in store:
        return _error(404, "resourceNotFound", f"no {address}")
    store[address] = body
    return _json(body)


async def _assign(request: web.Request, gateway: GatewayState) -> web.Response:
    body = await _body(request)
    if not isinstance(body, dict) or not isinstance(body.get("entity"), dict):
        return _error(400, "payloadError", "the body must be an AssignCommand")
    entity = body["entity"]
    if entity.get("resource") != "calendars":
        return _error(422, "assignmentEntityNotValid", "only calendars can be assigned here")
    calendar = str(entity.get("address"))
    if calendar not in gateway.calendars:
        return _error(
            422, "relatedResourceNotFound", f"no calendar {calendar}", [("calendars", calendar)]
        )
    found = _targets(gateway, body.get("addresses"))
    if isinstance(found, web.Response):
        return found
    keys, unknown = found
    if unknown:
        return _error(422, "resourceNotFound", "unknown device or group addresses", unknown)
    for key in keys:
        light = gateway.world.get(key)
        if light is not None:
            light.schedule = calendar
    return web.Response(status=201)


async def _post_logger(request: web.Request, gateway: GatewayState) -> web.Response:
    body = await _body(request)
    if not isinstance(body, dict) or not isinstance(body.get("address"), str):
        return _error(400, "payloadError", "the body must be a LoggerConfig")
    if body["address"] in gateway.loggers:
        return _error(409, "resourceConflict", f"logger {body['address']} exists")
    sources = body.get("sourceAddresses") or {}
    mode = body.get("recordingMode") or {}
    white = sources.get("whiteList") or [] if isinstance(sources, dict) else None
    profiles = mode.get("samplingProfiles") or [] if isinstance(mode, dict) else None
    if not isinstance(white, list) or not all(isinstance(r, dict) for r in white):
        return _error(400, "payloadError", "sourceAddresses.whiteList must be ResourceReferences")
    if not isinstance(profiles, list) or not all(isinstance(p, dict) for p in profiles):
        return _error(400, "payloadError", "recordingMode.samplingProfiles must be objects")
    for profile in profiles:
        for name in ("samplingStartTime", "samplingEndTime"):
            try:
                if profile.get(name):
                    parse_time(profile[name], source="logger", field=name)
            except DecodeError:
                return _error(400, "payloadError", f"{name} is not an RFC 3339 date-time")
    gateway.loggers[body["address"]] = body
    return web.Response(status=201)


async def _log_report(request: web.Request, gateway: GatewayState) -> web.Response:
    logger = request.match_info["loggerAddress"]
    config = gateway.loggers.get(logger)
    if config is None:
        return _error(404, "resourceNotFound", f"no logger {logger}")
    return _json({"address": logger, "entries": log_entries(gateway, config)})


async def _delete_logger(request: web.Request, gateway: GatewayState) -> web.Response:
    logger = request.match_info["loggerAddress"]
    config = gateway.loggers.pop(logger, None)
    if config is None:
        return _error(404, "resourceNotFound", f"no logger {logger}")
    return _json(config)


_CLASS = {
    "name": DEVICE_CLASS,
    "functions": [{"functionId": fid, "type": kind} for kind, fid in FUNCTION_IDS.items()],
}
_SERVICES = [
    {
        "name": "ControlService",
        "supportedTypes": ["AbsoluteActivePeriod", "AstroClockTimeControl", "ccDay"],
        "dayOffset": 12,
        "ccDaySupport": "noOccurrences",
        "programSecondsSupported": True,
    },
    {"name": "DataCollectService"},
    {"name": "GroupManagementService"},
]


def build_app(
    world: LightWorld, *, openapi: OpenApiCheck | Path | str | None = None
) -> web.Application:
    """The Gateway application over ``world``; ``openapi`` (or INTEROP_TALQ_OPENAPI) validates."""
    if openapi is None and os.environ.get("INTEROP_TALQ_OPENAPI"):
        openapi = os.environ["INTEROP_TALQ_OPENAPI"]
    if isinstance(openapi, str | Path):
        api = Path(openapi)
        openapi = OpenApiCheck(api, skip=(TOKEN_PATH,), model=data_model_beside(api))
    gateway = GatewayState(world)
    middlewares = [_envelope(gateway)]
    if openapi is not None:
        middlewares.insert(0, openapi.middleware())
    app = web.Application(middlewares=middlewares)

    def bind(
        handler: Callable[[web.Request, GatewayState], Awaitable[web.Response]],
    ) -> Handler:
        async def bound(request: web.Request) -> web.StreamResponse:
            return await handler(request, gateway)

        return bound

    async def listing(_request: web.Request, items: Callable[[], list[Any]]) -> web.Response:
        return _json(items())

    def lister(items: Callable[[], list[Any]]) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            return await listing(request, items)

        return handler

    def luminaire_types() -> list[Any]:
        for light in world.lights:
            gateway.luminaire_type(light)
        return list(gateway.luminaire_types.values())

    calendars_post = _store("Calendar", gateway.calendars, "id", CALENDARS)
    programs_post = _store("ControlProgram", gateway.programs, "id", PROGRAMS)
    types_post = _store("LuminaireType", gateway.luminaire_types, "address", LUMINAIRE_TYPES)

    async def put_calendar(request: web.Request) -> web.StreamResponse:
        response = await _put_one(request, gateway.calendars, "calendarAddress", "id", CALENDARS)
        world.schedules.update(gateway.calendars)
        return response

    async def post_calendars(request: web.Request) -> web.StreamResponse:
        response = await calendars_post(request, gateway)
        world.schedules.update(gateway.calendars)
        return response

    async def put_program(request: web.Request) -> web.StreamResponse:
        return await _put_one(request, gateway.programs, "controlProgramAddress", "id", PROGRAMS)

    app.router.add_post(TOKEN_PATH, bind(_token))
    app.router.add_get("/devices", bind(_devices))
    app.router.add_post("/devices", bind(_post_devices))
    app.router.add_get("/devices/{deviceAddress}", bind(_device))
    app.router.add_post("/override-commands", bind(_override))
    app.router.add_post("/assign-commands", bind(_assign))
    app.router.add_get("/calendars", lister(lambda: list(gateway.calendars.values())))
    app.router.add_post("/calendars", post_calendars)
    app.router.add_put("/calendars/{calendarAddress}", put_calendar)
    app.router.add_get("/control-programs", lister(lambda: list(gateway.programs.values())))
    app.router.add_post("/control-programs", bind(programs_post))
    app.router.add_put("/control-programs/{controlProgramAddress}", put_program)
    app.router.add_get("/luminaire-types", lister(luminaire_types))
    app.router.add_post("/luminaire-types", bind(types_post))
    app.router.add_get("/groups", lister(lambda: group_documents(gateway)))
    app.router.add_get("/device-classes", lister(lambda: [_CLASS]))
    app.router.add_get("/services", lister(lambda: _SERVICES))
    app.router.add_post("/logger-configs", bind(_post_logger))
    app.router.add_delete("/logger-configs/{loggerAddress}", bind(_delete_logger))
    app.router.add_get("/log-reports/{loggerAddress}", bind(_log_report))
    return app


def connect(url: str, world: LightWorld, settings: ClientSettings | None) -> LightingController:
    """A TalqController logged in with the world's API key."""
    return TalqController(url, token=world.token, settings=settings)


SPEC = SimulatorSpec(
    name="talq",
    description="A Gateway serving the published TALQ 2.7.1 Gateway API (simulated).",
    build_app=build_app,
    connect=connect,
    overload=overload,
    rate_limit_status=429,
    default_port=8082,
    command_path="/override-commands",
)
"""The simulator as the ``interop_simulators`` hook returns it."""
