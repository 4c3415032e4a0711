"""A simulated SLV NorthBound API (``/reports/api/...``) over a :class:`LightWorld`.

It serves the services the controller uses, with SLV's quirks: a session from HTTP Basic
on ``userprofile/getCurrentUser`` (cookie + ``X-CSRF-Token`` for POSTs), an HTML login page
with HTTP 200 for a missing or expired session, ``ser=json`` (XML otherwise), form-encoded
POSTs with repeated keys, HTTP 200 error envelopes, offset paging, DALI arc levels, string
values, device-local times without offset, asynchronous command batches (at most
``max_batches`` running) and 503 HTML on overload. Value names and units follow what the
real API's clients use (``MeteredPower`` W, ``RunningHoursLamp`` h, ``LampCommandLevel``);
energy as kWh deltas per report, the batch service names and every shape the public
documentation is silent on are the *simulated profile*, a plausible design (see the docs).
"""

from __future__ import annotations

import base64
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from aiohttp import web
from multidict import MultiDictProxy

from interop.control.http import ClientSettings
from interop.model.lighting import LampType
from interop.simulation.server import SimulatorSpec
from interop.simulation.world import LightWorld, Reading, SimLight
from interop_slv.controller import SlvController
from interop_slv.dali import arc_to_percent, percent_to_arc
from interop_slv.localtime import WIRE_FORMAT, to_local
from interop_slv.names import (
    ALARM_VALUES,
    CALENDAR_VALUE,
    COMMAND_LEVEL,
    ENERGY,
    LAMP_LABELS,
    LEVEL,
    METERING_VALUES,
    POWER,
    POWER_FACTOR,
    RUNNING_HOURS,
    VOLTAGE,
)

__all__ = ["LOGIN_PAGE", "build_app", "overload", "simulator_spec"]

API = "/reports/api"
MAX_DURATION = 366 * 86400.0
"""Longest override a batch takes, seconds (a year; longer is refused, never a 500)."""
GEOZONE = 1
"""The one geozone (the city) every simulated light belongs to."""
QUERY_TIME = "%d/%m/%Y %H:%M:%S"
"""How ``getDevicesLogValues`` takes ``from``/``to`` (device-local)."""
LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Streetlight.Vision - Login</title></head><body>"
    '<form id="loginForm" method="post" action="/reports/j_security_check">'
    '<input name="j_username"/><input name="j_password" type="password"/></form></body></html>'
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def overload(status: int, retry_after: float | None) -> web.Response:
    """SLV's overload answer: an HTML error page (it has no 429), with ``Retry-After``."""
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
    return web.Response(
        status=status,
        text=f"<html><body><h1>HTTP Status {status} - Service Unavailable</h1></body></html>",
        content_type="text/html",
        headers=headers,
    )


@dataclass(slots=True)
class _Batch:
    due: float
    steps: list[dict[str, str]]


@dataclass(slots=True)
class _State:
    """What the façade keeps besides the world: sessions, batches, drafts, indexes."""

    world: LightWorld
    batch_seconds: float
    max_batches: int
    sessions: dict[str, tuple[float | None, str]] = field(default_factory=dict)
    batches: dict[str, _Batch] = field(default_factory=dict)
    drafts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    by_id: dict[int, SimLight] = field(default_factory=dict)
    by_key: dict[tuple[str, str], SimLight] = field(default_factory=dict)
    indexed: int = -1
    next_calendar: int = 1

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.world.timezone)

    def reindex(self) -> None:
        self.by_id = {device_id(light): light for light in self.world.lights}
        self.by_key = {natural_key(light): light for light in self.world.lights}
        self.indexed = len(self.world.lights)

    def _live(self, light: SimLight | None) -> SimLight | None:
        """``light`` if it is still in the world (the index may predate a removal)."""
        return light if light is not None and self.world.get(light.key) is light else None

    def light_by_id(self, number: int) -> SimLight | None:
        if self.indexed != len(self.world.lights) or self._live(self.by_id.get(number)) is None:
            self.reindex()
        return self._live(self.by_id.get(number))

    def light_by_key(self, key: tuple[str, str]) -> SimLight | None:
        if self.indexed != len(self.world.lights) or self._live(self.by_key.get(key)) is None:
            self.reindex()
        return self._live(self.by_key.get(key))


state_key: web.AppKey[_State] = web.AppKey("slv_state", _State)


# ---------------------------------------------------------------------- rendering


def device_id(light: SimLight) -> int:
    """The SLV database id of a light (stable: derived from the world key)."""
    return 10_000 + int(light.key)


def natural_key(light: SimLight) -> tuple[str, str]:
    """The (controllerStrId, idOnController) of a light: created ones keep theirs."""
    known = light.native.get("slv")
    if isinstance(known, dict):
        return (str(known["controllerStrId"]), str(known["idOnController"]))
    return (f"gw-{(light.group or 'none').lower()}", f"{int(light.key)}.lamp1")


def _number(value: float) -> str:
    return f"{value:.10g}"


def _device_doc(light: SimLight) -> dict[str, Any]:
    controller, on_controller = natural_key(light)
    try:
        lamp = LAMP_LABELS[LampType(light.lamp_type)]
    except ValueError:
        lamp = LAMP_LABELS[LampType.OTHER]
    properties = [
        {"key": "power", "value": _number(light.nominal_power)},
        {"key": "lampType", "value": lamp},
        {"key": "userproperty.ballast.dimmingtype", "value": "DALI LOG"},
    ]
    if light.schedule is not None:
        properties.append({"key": CALENDAR_VALUE, "value": light.schedule})
    return {
        "id": device_id(light),
        "name": light.name,
        "categoryStrId": "streetlight",
        "controllerStrId": controller,
        "idOnController": on_controller,
        "geoZoneId": GEOZONE,
        "lat": light.latitude,
        "lng": light.longitude,
        "modelName": light.native.get("slv", {}).get("modelName"),
        "properties": properties,
    }


def _values(reading: Reading, previous: Reading | None) -> dict[str, str]:
    if previous is None or previous.epoch != reading.epoch:
        delta = reading.energy
    else:
        delta = reading.energy - previous.energy
    return {
        LEVEL: str(percent_to_arc(reading.level)),
        POWER: _number(round(reading.power, 4)),
        ENERGY: _number(round(delta, 7)),
        RUNNING_HOURS: _number(round(reading.burning_hours, 4)),
        VOLTAGE: _number(reading.voltage),
        POWER_FACTOR: _number(reading.power_factor),
    }


def _entry(light: SimLight, name: str, value: str, at: datetime, zone: ZoneInfo) -> dict[str, Any]:
    controller, on_controller = natural_key(light)
    local = to_local(at, zone).strftime(WIRE_FORMAT)
    return {
        "deviceId": device_id(light),
        "controllerStrId": controller,
        "idOnController": on_controller,
        "name": name,
        "value": value,
        "eventTime": local,
        "updateTime": local,
        "status": "OK",
    }


# ---------------------------------------------------------------------- plumbing


def _json(data: Any, *, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=orjson.dumps(data), content_type="application/json", headers=headers)


def _error(label: str, code: str, message: str) -> web.Response:
    return _json(
        {
            "status": "ERROR",
            "statusOk": False,
            "statusError": True,
            "errorCode": code,
            "errorCodeLabel": label,
            "message": message,
        }
    )


def _ok(value: Any = None, **extra: Any) -> web.Response:
    return _json(
        {"status": "OK", "statusOk": True, "statusError": False, "errorCode": "0", "value": value}
        | extra
    )


def _login_page() -> web.Response:
    return web.Response(text=LOGIN_PAGE, content_type="text/html")


def _basic(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user, password


def _session(state: _State, request: web.Request) -> str | None:
    """The id of the request's live session, dropping it when it has expired."""
    sid = request.cookies.get("JSESSIONID")
    if sid is None or sid not in state.sessions:
        return None
    expires, _ = state.sessions[sid]
    if expires is not None and time.monotonic() >= expires:
        del state.sessions[sid]
        return None
    return sid


@web.middleware
async def _slv_quirks(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Sessions, CSRF and ``ser=json``: what every SLV service checks first."""
    state = request.app[state_key]
    if not request.path.endswith("/userprofile/getCurrentUser"):
        sid = _session(state, request)
        if sid is None:
            return _login_page()
        if (
            request.method == "POST"
            and request.headers.get("X-CSRF-Token") != state.sessions[sid][1]
        ):
            return _login_page()
    if request.query.get("ser") != "json":
        return web.Response(
            text='<?xml version="1.0"?><value>use ser=json for JSON</value>',
            content_type="application/xml",
        )
    return await handler(request)


def _ints(values: list[str], name: str) -> list[int] | web.Response:
    try:
        return [int(value) for value in values]
    except ValueError:
        return _error("INVALID_PARAMETER", "602", f"{name} must be integers, got {values!r}")


# ---------------------------------------------------------------------- services


async def get_current_user(request: web.Request) -> web.Response:
    """Log in with HTTP Basic (or reuse the session): the answer carries the CSRF token."""
    state = request.app[state_key]
    world = state.world
    credentials = _basic(request)
    if credentials is not None:
        if credentials != (world.username, world.password):
            return _login_page()
        now = time.monotonic()
        for stale in [
            k for k, (end, _) in state.sessions.items() if end is not None and end <= now
        ]:
            del state.sessions[stale]
        sid, csrf = secrets.token_hex(16), secrets.token_hex(16)
        ttl = world.session_ttl
        state.sessions[sid] = (now + ttl if ttl is not None else None, csrf)
        response = _json({"login": world.username, "firstName": "Sim", "lastName": "Operator"})
        response.set_cookie("JSESSIONID", sid, httponly=True)
        response.headers["X-CSRF-Token"] = csrf
        return response
    live = _session(state, request)
    if live is None:
        return _login_page()
    response = _json({"login": world.username})
    response.headers["X-CSRF-Token"] = state.sessions[live][1]
    return response


async def get_geozone_devices(request: web.Request) -> web.Response:
    """Lights of a geozone, ``offset``/``limit`` paged; the listing may expire mid-way."""
    state = request.app[state_key]
    world = state.world
    query = request.query
    if query.get("geozoneId", str(GEOZONE)) != str(GEOZONE):
        return _error("UNKNOWN_GEOZONE", "611", f"no geozone {query.get('geozoneId')!r}")
    numbers = _ints([query.get("offset", "0"), query.get("limit", "1000")], "offset/limit")
    if isinstance(numbers, web.Response):
        return numbers
    offset, limit = numbers
    if offset < 0 or limit <= 0:
        return _error("INVALID_PARAMETER", "602", "offset must be >= 0 and limit > 0")
    if offset > 0 and world.faults.expire_listings:
        world.faults.expire_listings = False
        return _error("LISTING_EXPIRED", "618", "the listing expired; start again at offset 0")
    category = query.get("categoryStrId")
    if category not in (None, "streetlight"):
        page: list[dict[str, Any]] = []
        total = 0
    else:
        page = [_device_doc(light) for light in world.lights[offset : offset + limit]]
        total = len(world.lights)
    return _json(
        page, headers={"pagination-totalCount": str(total), "pagination-offset": str(offset)}
    )


async def get_device_time_zone(request: web.Request) -> web.Response:
    """The tzdata zone of a device's clock, with its raw offset and DST saving."""
    state = request.app[state_key]
    key = (request.query.get("controllerStrId", ""), request.query.get("idOnController", ""))
    if state.light_by_key(key) is None:
        return _error("UNKNOWN_DEVICE", "612", f"no device {key[0]}/{key[1]}")
    zone = state.zone
    january = datetime(2026, 1, 15, tzinfo=zone).utcoffset() or timedelta(0)
    july = datetime(2026, 7, 15, tzinfo=zone).utcoffset() or timedelta(0)
    raw, saving = min(january, july), abs(july - january)
    return _json(
        {
            "id": zone.key,
            "rawOffset": int(raw.total_seconds() * 1000),
            "dstSaving": int(saving.total_seconds() * 1000),
        }
    )


def _lights_by_id(state: _State, names: list[str], param: str) -> list[SimLight] | web.Response:
    numbers = _ints(names, param)
    if isinstance(numbers, web.Response):
        return numbers
    lights = []
    for number in numbers:
        light = state.light_by_id(number)
        if light is None:
            return _error("UNKNOWN_DEVICE", "612", f"no device with id {number}")
        lights.append(light)
    return lights


async def get_device_last_values(request: web.Request) -> web.Response:
    """The latest value of each named value of each device (``param0`` repeated)."""
    state = request.app[state_key]
    lights = _lights_by_id(state, request.query.getall("param0", []), "param0")
    if isinstance(lights, web.Response):
        return lights
    names = request.query.getall("valueName", [])
    zone = state.zone
    rows = []
    for light in lights:
        current = light.current
        previous = light.history[-2] if len(light.history) > 1 else None
        metering = _values(current, previous)
        raised = {alarm.alarm_type: alarm for alarm in light.active_alarms()}
        for name in names:
            if name in metering:
                rows.append(_entry(light, name, metering[name], current.at, zone))
            elif name in ALARM_VALUES:
                alarm = raised.get(ALARM_VALUES[name])
                at = alarm.raised_at if alarm is not None else current.at
                flag = "true" if alarm is not None else "false"
                rows.append(_entry(light, name, flag, at, zone))
            elif name == CALENDAR_VALUE and light.schedule is not None:
                rows.append(_entry(light, name, light.schedule, current.at, zone))
            elif name == COMMAND_LEVEL and COMMAND_LEVEL in light.native:
                arc, at = light.native[COMMAND_LEVEL]
                rows.append(_entry(light, name, str(arc), at, zone))
    return _json(rows)


def _query_time(text: str | None, zone: ZoneInfo, *, latest: bool) -> datetime | None:
    if text is None:
        return None
    local = datetime.strptime(text, QUERY_TIME)
    instants = sorted(local.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    return instants[-1] if latest else instants[0]


def _log(light: SimLight) -> Iterator[tuple[Reading, Reading | None]]:
    previous = None
    for reading in light.history:
        yield reading, previous
        previous = reading


async def get_devices_log_values(request: web.Request) -> web.Response:
    """Logged values of devices (``deviceId`` repeated) between ``from`` and ``to`` (local)."""
    state = request.app[state_key]
    lights = _lights_by_id(state, request.query.getall("deviceId", []), "deviceId")
    if isinstance(lights, web.Response):
        return lights
    zone = state.zone
    try:
        start = _query_time(request.query.get("from"), zone, latest=False)
        end = _query_time(request.query.get("to"), zone, latest=True)
    except ValueError:
        return _error("INVALID_PARAMETER", "602", "from/to must be dd/MM/yyyy HH:mm:ss")
    names = [name for name in request.query.getall("valueName", []) if name in METERING_VALUES]
    rows: list[dict[str, Any]] = []
    for light in lights:
        for reading, previous in _log(light):
            if (start is not None and reading.at < start) or (end is not None and reading.at > end):
                continue
            values = _values(reading, previous)
            rows.extend(_entry(light, name, values[name], reading.at, zone) for name in names)
    return _json(rows)


def _pairs(form: MultiDictProxy[Any]) -> list[tuple[str, str]]:
    controllers = [str(value) for value in form.getall("controllerStrId", [])]
    devices = [str(value) for value in form.getall("idOnController", [])]
    if len(controllers) == 1:
        controllers = controllers * len(devices)
    if len(controllers) != len(devices):
        return []
    return list(zip(controllers, devices, strict=True))


async def set_dimming_levels(request: web.Request) -> web.Response:
    """Start a batch dimming devices to an arc (0 = off, -1 = back to schedule)."""
    state = request.app[state_key]
    world = state.world
    form = await request.post()
    now = time.monotonic()
    for done in [bid for bid, batch in state.batches.items() if batch.due + 600 < now]:
        del state.batches[done]
    if sum(1 for batch in state.batches.values() if batch.due > now) >= state.max_batches:
        return _error(
            "BATCH_LIMIT", "BATCH_LIMIT", f"at most {state.max_batches} batches may run at once"
        )
    pairs = _pairs(form)
    try:
        arc = int(str(form.get("dimmingLevel", "")))
        duration = float(str(form["duration"])) if "duration" in form else None
    except ValueError:
        return _error("INVALID_VALUE", "603", "dimmingLevel must be an integer, duration seconds")
    if (
        not pairs
        or not -1 <= arc <= 254
        or (duration is not None and not (math.isfinite(duration) and 0 < duration <= MAX_DURATION))
    ):
        return _error(
            "INVALID_VALUE",
            "603",
            "need controllerStrId/idOnController pairs, dimmingLevel in -1..254, "
            f"duration a finite number of seconds in (0, {MAX_DURATION}]",
        )
    found = {pair: state.light_by_key(pair) for pair in pairs}
    known = [light.key for light in found.values() if light is not None]
    for key in known:
        world.raw_log.append((key, "dimmingLevel", arc))
    fates = world.command(known, None if arc == -1 else arc_to_percent(arc), duration=duration)
    for key, fate in fates.items():
        light = world.get(key)
        if light is not None and fate == "queued":
            light.native[COMMAND_LEVEL] = (arc, light.current.at)
    steps = []
    for (controller, on_controller), light in found.items():
        step = {"controllerStrId": controller, "idOnController": on_controller}
        if light is None:
            steps.append(step | {"status": "UNKNOWN_DEVICE", "message": "no such device"})
        elif fates[light.key] == "queued":
            steps.append(step | {"status": "OK"})
        else:
            steps.append(step | {"status": "TIMEOUT", "message": "the node did not answer"})
    batch_id = f"{int(time.time() * 1000)}{secrets.randbelow(1000):03d}"
    state.batches[batch_id] = _Batch(due=now + state.batch_seconds, steps=steps)
    return _json(
        {
            "status": "OK",
            "statusOk": True,
            "errorCode": "0",
            "batchId": batch_id,
            "batchRunning": True,
        }
    )


async def get_batch_result(request: web.Request) -> web.Response:
    """Progress of a batch, and its per-device step results once it has finished."""
    state = request.app[state_key]
    batch = state.batches.get(request.query.get("batchId", ""))
    if batch is None:
        return _error("UNKNOWN_BATCH", "614", f"no batch {request.query.get('batchId')!r}")
    if time.monotonic() < batch.due:
        return _json({"batchRunning": True, "batchProgressValue": 50})
    failed = sum(1 for step in batch.steps if step["status"] != "OK")
    return _json(
        {
            "batchRunning": False,
            "batchProgressValue": 100,
            "value": {"stepResults": batch.steps, "errorMessagesCount": failed},
        }
    )


async def set_device_values(request: web.Request) -> web.Response:
    """Write one value to devices; the simulator knows ``DimmingCalendar`` (schedule id)."""
    state = request.app[state_key]
    form = await request.post()
    pairs = _pairs(form)
    name, value = str(form.get("valueName", "")), str(form.get("value", ""))
    if not pairs or name != CALENDAR_VALUE:
        return _error("INVALID_VALUE", "603", f"need device pairs and valueName {CALENDAR_VALUE!r}")
    if value and value not in state.world.schedules:
        return _error("UNKNOWN_CALENDAR", "615", f"no dimming calendar {value!r}")
    outcome = []
    for controller, on_controller in pairs:
        light = state.light_by_key((controller, on_controller))
        if light is None:
            outcome.append(f"ERROR:UNKNOWN_DEVICE:{controller}/{on_controller}")
            continue
        light.schedule = value or None
        outcome.append(f"OK:{controller}/{on_controller}")
    return _ok(outcome)


async def create_category_device(request: web.Request) -> web.Response:
    """Create a streetlight from form fields; answers the new device."""
    state = request.app[state_key]
    form = await request.post()
    fields = {key: str(form[key]) for key in form}
    key = (fields.get("controllerStrId", ""), fields.get("idOnController", ""))
    if fields.get("categoryStrId") != "streetlight" or not all(key) or not fields.get("name"):
        return _error(
            "INVALID_VALUE",
            "603",
            "need categoryStrId=streetlight, controllerStrId, idOnController, name",
        )
    if state.light_by_key(key) is not None:
        return _error("DUPLICATE_DEVICE", "616", f"device {key[0]}/{key[1]} already exists")
    labels = {label: lamp for lamp, label in LAMP_LABELS.items()}
    try:
        latitude, longitude = float(fields["lat"]), float(fields["lng"])
        power = float(fields.get("power", "0"))
    except (KeyError, ValueError):
        return _error("INVALID_VALUE", "603", "lat, lng and power must be numbers")
    if not (
        all(math.isfinite(x) for x in (latitude, longitude, power))
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
        and power >= 0
    ):
        return _error(
            "INVALID_VALUE",
            "603",
            "lat must be in -90..90, lng in -180..180 and power >= 0, all finite numbers",
        )
    light = state.world.add_light(
        name=fields["name"],
        latitude=latitude,
        longitude=longitude,
        nominal_power=power,
        lamp_type=labels.get(fields.get("lampType", "LED"), LampType.OTHER).value,
    )
    light.native["slv"] = {
        "controllerStrId": key[0],
        "idOnController": key[1],
        "modelName": fields.get("modelName") or None,
    }
    state.reindex()
    return _ok(_device_doc(light))


def _parse_json_field(form: MultiDictProxy[Any], name: str) -> Any:
    try:
        return orjson.loads(str(form.get(name, "")))
    except orjson.JSONDecodeError:
        return None


async def save_program(request: web.Request) -> web.Response:
    """Store a program for the calendar ``calendarKey`` (committed by ``saveCalendar``)."""
    state = request.app[state_key]
    form = await request.post()
    program = _parse_json_field(form, "program")
    owner = str(form.get("calendarKey", ""))
    if not owner or not isinstance(program, dict) or not isinstance(program.get("key"), str):
        return _error("INVALID_VALUE", "603", "need calendarKey and a program JSON with a key")
    state.drafts[(owner, program["key"])] = program
    return _ok(program["key"])


async def save_calendar(request: web.Request) -> web.Response:
    """Create or replace (by name) a calendar from its JSON and its saved programs."""
    state = request.app[state_key]
    world = state.world
    form = await request.post()
    calendar = _parse_json_field(form, "calendar")
    owner = str(form.get("calendarKey", ""))
    if (
        not owner
        or not isinstance(calendar, dict)
        or not isinstance(calendar.get("programs"), list)
    ):
        return _error("INVALID_VALUE", "603", "need calendarKey and a calendar JSON with programs")
    programs = []
    for key in calendar["programs"]:
        program = state.drafts.get((owner, str(key)))
        if program is None:
            return _error("UNKNOWN_PROGRAM", "617", f"program {key!r} was not saved first")
        programs.append(program)
    name = calendar.get("name")
    existing = next(
        (
            cid
            for cid, doc in world.schedules.items()
            if name is not None and doc.get("name") == name
        ),
        None,
    )
    if existing is None:
        existing = str(state.next_calendar)
        state.next_calendar += 1
    world.schedules[existing] = calendar | {"id": existing, "programs": programs}
    for key in calendar["programs"]:
        state.drafts.pop((owner, str(key)), None)
    return _ok(existing)


async def get_schedules(request: web.Request) -> web.Response:
    """Every dimming calendar with its programs."""
    state = request.app[state_key]
    if request.query.get("category", "STREETLIGHT_DIMMING") != "STREETLIGHT_DIMMING":
        return _json([])
    return _json(list(state.world.schedules.values()))


def build_app(
    world: LightWorld, *, batch_seconds: float = 0.05, max_batches: int = 4
) -> web.Application:
    """The simulator's aiohttp application (``serve`` adds the fault middleware in front).

    ``batch_seconds`` is how long a command batch runs before its results are ready;
    ``max_batches`` how many may run at once before ``BATCH_LIMIT``.
    """
    app = web.Application(middlewares=[_slv_quirks])
    app[state_key] = _State(world, batch_seconds, max_batches)
    routes = {
        "userprofile/getCurrentUser": ("GET", get_current_user),
        "asset/getGeozoneDevices": ("GET", get_geozone_devices),
        "asset/getDeviceTimeZone": ("GET", get_device_time_zone),
        "asset/setDeviceValues": ("POST", set_device_values),
        "asset/createCategoryDevice": ("POST", create_category_device),
        "logging/getDeviceLastValues": ("GET", get_device_last_values),
        "logging/getDevicesLogValues": ("GET", get_devices_log_values),
        "dimming/setDimmingLevels": ("POST", set_dimming_levels),
        "batch/getBatchResult": ("GET", get_batch_result),
        "dimmingscheduler/saveProgram": ("POST", save_program),
        "dimmingscheduler/saveCalendar": ("POST", save_calendar),
        "dimmingscheduler/getSchedules": ("GET", get_schedules),
    }
    for path, (method, handler) in routes.items():
        app.router.add_route(method, f"{API}/{path}", handler)
    return app


def simulator_spec(*, batch_seconds: float = 0.05, max_batches: int = 4) -> SimulatorSpec:
    """The SLV simulator as ``interop sim slv`` and the conformance suite run it."""

    def connect(url: str, world: LightWorld, settings: ClientSettings | None) -> SlvController:
        return SlvController(
            url, username=world.username, password=world.password, settings=settings
        )

    return SimulatorSpec(
        name="slv",
        description="Itron Streetlight.Vision NorthBound JSON API (simulated profile)",
        build_app=lambda world: build_app(
            world, batch_seconds=batch_seconds, max_batches=max_batches
        ),
        connect=connect,
        overload=overload,
        rate_limit_status=503,
        default_port=8081,
        command_path="/dimming/setDimmingLevels",
        result_path="/batch/getBatchResult",
    )
