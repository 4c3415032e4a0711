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
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from interop.control.http import ClientSettings
from interop.control.lighting import LightingController
from interop.errors import DecodeError
from interop.model.lighting import LampType
from interop.simulation.server import SimulatorSpec
from interop.simulation.world import LightWorld, Reading, SimLight
from interop_talq.controller import TalqController
from interop_talq.openapi import OpenApiCheck, data_model_beside
from interop_talq.protocol import (
    ALARM_EVENTS,
    EPOCH_ATTRIBUTE,
    FUNCTION_ACTUATOR,
    FUNCTION_BASIC,
    FUNCTION_LUMINAIRE,
    FUNCTION_MONITOR,
    LAMP_TYPES,
    PAGINATION_COUNT,
    PAGINATION_DEFAULT_LIMIT,
    PAGINATION_OFFSET,
    PAGINATION_TOTAL,
    envelope_error,
    error_messages,
    format_time,
    is_uuid,
    light_source_type,
    parse_time,
)
from interop_talq.provisioning import luminaire_type_address

__all__ = ["DEVICE_CLASS", "SPEC", "TOKEN_PATH", "build_app", "device_documents", "overload"]

DEVICE_CLASS = "interop-lamp-controller"
TOKEN_PATH = "/auth/token"
DEFAULT_LIMIT = 100
_NAMESPACE = uuid.UUID("6f1c1e7e-3a53-4d0e-9a55-1d6f0b7c2a10")
_EVENTS = {alarm: event for event, alarm in ALARM_EVENTS.items()}
_FUNCTIONS = {
    FUNCTION_BASIC: "basic",
    FUNCTION_ACTUATOR: "lampActuator",
    FUNCTION_MONITOR: "lampMonitor",
    FUNCTION_LUMINAIRE: "luminaire",
}

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


@dataclass(slots=True)
class _Gateway:
    """What the simulated Gateway stores besides the world."""

    world: LightWorld
    calendars: dict[str, dict[str, Any]] = field(default_factory=dict)
    programs: dict[str, dict[str, Any]] = field(default_factory=dict)
    loggers: dict[str, dict[str, Any]] = field(default_factory=dict)
    luminaire_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    by_address: dict[str, str] = field(default_factory=dict)

    def address(self, light: SimLight) -> str:
        native = light.native.setdefault("talq", {})
        if "address" not in native:
            native["address"] = str(uuid.uuid5(_NAMESPACE, light.key))
        address: str = native["address"]
        self.by_address[address] = light.key
        return address

    def light(self, address: str) -> SimLight | None:
        key = self.by_address.get(address)
        if key is None:
            for light in self.world.lights:
                self.address(light)
            key = self.by_address.get(address)
        return self.world.get(key) if key is not None else None

    def luminaire_type(self, light: SimLight) -> str:
        try:
            lamp: LampType | str = LampType(light.lamp_type)
        except ValueError:
            lamp = "OTHER"
        source = light_source_type(lamp)
        address = luminaire_type_address(source, light.nominal_power)
        self.luminaire_types.setdefault(
            address,
            {
                "address": address,
                "name": address,
                "lightSourceType": source,
                "powerConsumption": light.nominal_power,
            },
        )
        return address


def _attr(kind: str, value: Any, at: datetime | None = None) -> dict[str, Any]:
    attribute: dict[str, Any] = {"type": kind, "value": value}
    if at is not None:
        attribute["timestamp"] = format_time(at)
    return attribute


def _level(level: float) -> dict[str, Any]:
    return {"name": "LevelState", "value": round(level)}


def _monitor_values(reading: Reading) -> dict[str, tuple[str, Any]]:
    return {
        "activePower": ("AttributeFloat", reading.power),
        "activeEnergy": ("AttributeFloat", reading.energy),
        "operatingHours": ("AttributeFloat", reading.burning_hours),
        "supplyVoltage": ("AttributeFloat", reading.voltage),
        "powerFactor": ("AttributeFloat", reading.power_factor),
        EPOCH_ATTRIBUTE: ("AttributeInteger", reading.epoch),
    }


def render_device(gateway: _Gateway, light: SimLight) -> dict[str, Any]:
    """The TALQ Device document of a simulated light."""
    now = light.current
    at = now.at
    monitor: dict[str, Any] = {"id": _FUNCTIONS[FUNCTION_MONITOR], "type": FUNCTION_MONITOR}
    for name, (kind, value) in _monitor_values(now).items():
        monitor[name] = _attr(kind, value, at)
    monitor["lampFailure"] = _attr("AttributeBoolean", False, at)
    for alarm in light.active_alarms():
        event = _EVENTS.get(alarm.alarm_type)
        if event is not None:
            monitor[event] = _attr("AttributeBoolean", True, alarm.raised_at)
    actuator: dict[str, Any] = {
        "id": _FUNCTIONS[FUNCTION_ACTUATOR],
        "type": FUNCTION_ACTUATOR,
        "actualLightState": _attr("AttributeLevelState", _level(now.level), at),
        "defaultLightState": _attr("AttributeLevelState", _level(100.0)),
    }
    if light.schedule is not None:
        actuator["calendarID"] = _attr("AttributeString", light.schedule)
    if light.override is not None:
        actuator["targetLightCommand"] = _attr(
            "AttributeCommand", {"state": _level(light.override), "reason": "override"}
        )
    return {
        "address": gateway.address(light),
        "name": light.name,
        "class": DEVICE_CLASS,
        "functions": [
            {
                "id": _FUNCTIONS[FUNCTION_BASIC],
                "type": FUNCTION_BASIC,
                "displayName": _attr("AttributeString", light.name),
                "location": _attr(
                    "AttributeLocation",
                    {"latitude": light.latitude, "longitude": light.longitude},
                ),
                "timeZone": _attr("AttributeString", gateway.world.timezone),
            },
            actuator,
            monitor,
            {
                "id": _FUNCTIONS[FUNCTION_LUMINAIRE],
                "type": FUNCTION_LUMINAIRE,
                "luminaireTypeAddress": _attr("AttributeString", gateway.luminaire_type(light)),
            },
        ],
    }


def device_documents(world: LightWorld) -> list[dict[str, Any]]:
    """The Device documents the simulator lists for ``world`` (for tests and fixtures)."""
    gateway = _Gateway(world)
    return [render_device(gateway, light) for light in world.lights]


# ---------------------------------------------------------------------- envelope and auth


def _envelope(gateway: _Gateway) -> Any:
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


async def _token(request: web.Request, gateway: _Gateway) -> web.Response:
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


async def _devices(request: web.Request, gateway: _Gateway) -> web.Response:
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


async def _device(request: web.Request, gateway: _Gateway) -> web.Response:
    address = request.match_info["deviceAddress"]
    light = gateway.light(address)
    if light is None:
        return _error(404, "resourceNotFound", f"no device {address}", [("devices", address)])
    return _json(render_device(gateway, light))


def _add_device(gateway: _Gateway, document: Any) -> str | None:
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


def _create_light(gateway: _Gateway, document: dict[str, Any]) -> None:
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


async def _post_devices(request: web.Request, gateway: _Gateway) -> web.Response:
    body = await _body(request)
    if not isinstance(body, list):
        return _error(400, "payloadError", "the body must be an array of Device")
    for document in body:
        if isinstance(document, dict) and gateway.light(str(document.get("address"))):
            return _error(409, "resourceConflict", f"device {document['address']} exists")
    for document in body:
        reason = _add_device(gateway, document)
        if reason is not None:
            return _error(422, "payloadError", reason)
    return _json([render_device(gateway, gateway.light(d["address"])) for d in body], 201)  # type: ignore[arg-type]


def _targets(
    gateway: _Gateway, addresses: Any
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


async def _override(request: web.Request, gateway: _Gateway) -> web.Response:
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
    gateway.world.command(keys, level, duration=duration)
    return web.Response(status=202)


def _store(
    kind: str, store: dict[str, dict[str, Any]], key: str, required: tuple[str, ...]
) -> Callable[[web.Request, _Gateway], Awaitable[web.Response]]:
    async def post(request: web.Request, gateway: _Gateway) -> web.Response:
        body = await _body(request)
        if not isinstance(body, list) or not all(isinstance(x, dict) for x in body):
            return _error(400, "payloadError", f"the body must be an array of {kind}")
        for document in body:
            missing = [name for name in required if name not in document]
            if missing:
                return _error(400, "payloadError", f"{kind} without {missing}")
            if str(document[key]) in store:
                return _error(409, "resourceConflict", f"{kind} {document[key]} exists")
        for document in body:
            store[str(document[key])] = document
        return _json(body, 201)

    return post


async def _put_one(
    request: web.Request, store: dict[str, dict[str, Any]], name: str, key: str
) -> web.Response:
    address = request.match_info[name]
    body = await _body(request)
    if address not in store:
        return _error(404, "resourceNotFound", f"no {address}")
    if not isinstance(body, dict) or str(body.get(key)) != address:
        return _error(400, "payloadError", f"the body must describe {address}")
    store[address] = body
    return _json(body)


async def _assign(request: web.Request, gateway: _Gateway) -> web.Response:
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


def _log_entries(gateway: _Gateway, config: dict[str, Any]) -> list[dict[str, Any]]:
    sources = (config.get("sourceAddresses") or {}).get("whiteList") or []
    profiles = (config.get("recordingMode") or {}).get("samplingProfiles") or [{}]
    start = profiles[0].get("samplingStartTime")
    end = profiles[0].get("samplingEndTime")
    low = parse_time(start, source="logger", field="start") if start else None
    high = parse_time(end, source="logger", field="end") if end else None
    entries = []
    for reference in sources:
        light = gateway.light(str(reference.get("address")))
        if light is None:
            continue
        address = gateway.address(light)
        for reading in light.history:
            if (low and reading.at < low) or (high and reading.at > high):
                continue
            stamp = format_time(reading.at)
            values = {"actualLightState": ("AttributeLevelState", _level(reading.level))}
            values.update(_monitor_values(reading))
            for name, (kind, value) in values.items():
                function = FUNCTION_ACTUATOR if name == "actualLightState" else FUNCTION_MONITOR
                entries.append(
                    {
                        "data": {
                            "type": "AttributeLogData",
                            "srcAddress": f"/devices/{address}/{_FUNCTIONS[function]}",
                            "timestamp": stamp,
                            "attributeName": name,
                            "attributeValue": _attr(kind, value, reading.at),
                        }
                    }
                )
    return entries


async def _post_logger(request: web.Request, gateway: _Gateway) -> web.Response:
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


async def _log_report(request: web.Request, gateway: _Gateway) -> web.Response:
    logger = request.match_info["loggerAddress"]
    config = gateway.loggers.get(logger)
    if config is None:
        return _error(404, "resourceNotFound", f"no logger {logger}")
    return _json({"address": logger, "entries": _log_entries(gateway, config)})


async def _delete_logger(request: web.Request, gateway: _Gateway) -> web.Response:
    logger = request.match_info["loggerAddress"]
    config = gateway.loggers.pop(logger, None)
    if config is None:
        return _error(404, "resourceNotFound", f"no logger {logger}")
    return _json(config)


def _groups(gateway: _Gateway) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, str]]] = {}
    for light in gateway.world.lights:
        if light.group:
            groups.setdefault(light.group, []).append(
                {"resource": "devices", "address": gateway.address(light)}
            )
    owner = str(uuid.uuid5(_NAMESPACE, "gateway"))
    return [
        {"address": name, "ownerCMS": owner, "members": members, "purpose": "override"}
        for name, members in groups.items()
    ]


_CLASS = {
    "name": DEVICE_CLASS,
    "functions": [{"functionId": fid, "type": kind} for kind, fid in _FUNCTIONS.items()],
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
    gateway = _Gateway(world)
    middlewares = [_envelope(gateway)]
    if openapi is not None:
        middlewares.insert(0, openapi.middleware())
    app = web.Application(middlewares=middlewares)

    def bind(
        handler: Callable[[web.Request, _Gateway], Awaitable[web.Response]],
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

    calendars_post = _store("Calendar", gateway.calendars, "id", ("id", "ownerCMS"))
    programs_post = _store("ControlProgram", gateway.programs, "id", ("id", "ownerCMS", "type"))
    types_post = _store("LuminaireType", gateway.luminaire_types, "address", ("address", "name"))

    async def put_calendar(request: web.Request) -> web.StreamResponse:
        response = await _put_one(request, gateway.calendars, "calendarAddress", "id")
        world.schedules.update(gateway.calendars)
        return response

    async def post_calendars(request: web.Request) -> web.StreamResponse:
        response = await calendars_post(request, gateway)
        world.schedules.update(gateway.calendars)
        return response

    async def put_program(request: web.Request) -> web.StreamResponse:
        return await _put_one(request, gateway.programs, "controlProgramAddress", "id")

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
    app.router.add_get("/groups", lister(lambda: _groups(gateway)))
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
)
"""The simulator as the ``interop_simulators`` hook returns it."""
