"""The CMS API a Gateway calls (TALQ 2.7.1): bootstrap, device updates and log reports.

:class:`CmsEndpoint` is a modest but real CMS side: a Gateway announces itself with
``POST /devices`` carrying its GatewayFunction ``gatewayUri`` and gets its
``gatewayAddress`` and the ``cmsAddress`` back, then announces ``/services`` and
``/device-classes``; until then its other requests are refused (403, as the bootstrap
rules say). Device PATCHes and ``POST /log-reports`` become canonical records
(:class:`~interop.model.observation.Measurement` for meter and level attributes,
:class:`~interop.model.lighting.LightingAlarm` for failure events), handed to a callback
and queued on :attr:`CmsEndpoint.records`. Requests without the TALQ envelope get the
spec's 400 TALQErrorMessage answers.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from aiohttp import web

from interop.errors import DecodeError
from interop.model.base import Provenance
from interop.model.lighting import AlarmState, AlarmType, LightingAlarm
from interop.model.observation import Measurement
from interop_talq.devices import (
    READINGS,
    DeviceView,
    alarm_record,
    decode_alarms,
    decode_readings,
    level_of,
    read_attribute,
    reading_measurement,
)
from interop_talq.epochs import EpochTracker
from interop_talq.ids import SYSTEM
from interop_talq.manifest import __version__
from interop_talq.protocol import (
    ALARM_EVENTS,
    CLIENT_ADDRESS,
    envelope_error,
    error_messages,
    format_time,
    parse_time,
)

__all__ = ["CmsEndpoint", "CmsRecord", "GatewaySession"]

CmsRecord = Measurement | LightingAlarm
"""What the endpoint hands on."""
Callback = Callable[[CmsRecord], Awaitable[None] | None]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_GATEWAY_FUNCTION = "GatewayFunction"
_OPEN = ("/devices",)


def _json(body: Any, status: int) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(body), content_type="application/json")


def _error(status: int, key: str, description: str) -> web.Response:
    return _json(error_messages(key, description), status)


@dataclass(slots=True)
class GatewaySession:
    """A Gateway known to this CMS and how far its bootstrap went."""

    address: str
    uri: str
    services: list[dict[str, Any]] = field(default_factory=list)
    device_classes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bootstrapped(self) -> bool:
        """Services and device classes announced: the Gateway may send anything."""
        return bool(self.services) and bool(self.device_classes)


class CmsEndpoint:
    """The CMS API application and what it learnt from Gateways."""

    def __init__(self, *, cms_address: str | None = None, callback: Callback | None = None) -> None:
        self.cms_address = cms_address or str(uuid.uuid4())
        self.callback = callback
        self.records: asyncio.Queue[CmsRecord] = asyncio.Queue()
        self.gateways: dict[str, GatewaySession] = {}
        self.devices: dict[str, dict[str, Any]] = {}
        self._epochs = EpochTracker()

    def _provenance(self, gateway: str) -> Provenance:
        return Provenance(
            plugin=SYSTEM,
            plugin_version=__version__,
            source_system=f"talq gateway {gateway}",
            received_at=datetime.now(UTC),
        )

    async def _emit(self, records: Iterable[CmsRecord]) -> int:
        count = 0
        for record in records:
            count += 1
            self.records.put_nowait(record)
            if self.callback is not None:
                outcome = self.callback(record)
                if inspect.isawaitable(outcome):
                    await outcome
        return count

    # ------------------------------------------------------------------ application

    def app(self) -> web.Application:
        """The aiohttp application serving the CMS API routes this endpoint implements."""
        app = web.Application(middlewares=[self._envelope()])
        app.router.add_post("/devices", self._post_devices)
        app.router.add_get("/devices", self._get_devices)
        app.router.add_patch("/devices", self._patch_devices)
        app.router.add_patch("/devices/{deviceAddress}", self._patch_device)
        app.router.add_post("/services", self._post_services)
        app.router.add_post("/device-classes", self._post_device_classes)
        app.router.add_post("/log-reports", self._post_log_report)
        return app

    def _envelope(self) -> Any:
        @web.middleware
        async def envelope(request: web.Request, handler: Handler) -> web.StreamResponse:
            problem = envelope_error(request.method, request.headers, request.query)
            if problem is not None:
                return _error(400, *problem)
            client = request.query[CLIENT_ADDRESS]
            session = self.gateways.get(client)
            bootstrap = request.method == "POST" and request.path in _OPEN
            announcing = request.path in ("/services", "/device-classes")
            if not bootstrap and (session is None or (not announcing and not session.bootstrapped)):
                return _error(403, "genericError", f"gateway {client} has not bootstrapped")
            return await handler(request)

        return envelope

    async def _body(self, request: web.Request) -> Any:
        try:
            return await request.json(loads=orjson.loads)
        except (ValueError, orjson.JSONDecodeError):
            return None

    async def _post_devices(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if not isinstance(body, list) or not all(isinstance(d, dict) for d in body):
            return _error(400, "payloadError", "the body must be an array of Device")
        client = request.query[CLIENT_ADDRESS]
        answered = []
        for device in body:
            gateway = next(
                (f for f in device.get("functions") or [] if f.get("type") == _GATEWAY_FUNCTION),
                None,
            )
            if gateway is not None:
                answered.append(self._bootstrap(device, gateway, str(request.url.origin())))
                continue
            if client not in self.gateways or not self.gateways[client].bootstrapped:
                return _error(403, "genericError", f"gateway {client} has not bootstrapped")
            try:
                records = self._device_records(device, client)
            except DecodeError as exc:
                return _error(400, "payloadError", str(exc))
            self.devices[str(device["address"])] = device
            await self._emit(records)
            answered.append(device)
        return _json(answered, 201)

    def _bootstrap(self, device: dict[str, Any], gateway: dict[str, Any], origin: str) -> Any:
        """Give an announcing Gateway its address; it speaks with that address from now on."""
        uri = (gateway.get("gatewayUri") or {}).get("value", "")
        address = str(uuid.uuid4())
        self.gateways[address] = GatewaySession(address, str(uri))
        now = format_time(datetime.now(UTC).replace(microsecond=0))
        answer = dict(gateway)
        answer.setdefault("cmsUri", {"type": "AttributeUri", "value": origin, "timestamp": now})
        answer["gatewayAddress"] = {"type": "AttributeString", "value": address, "timestamp": now}
        answer["cmsAddress"] = {
            "type": "AttributeString",
            "value": self.cms_address,
            "timestamp": now,
        }
        functions = [answer if f is gateway else f for f in device.get("functions") or []]
        return {**device, "address": address, "functions": functions}

    async def _get_devices(self, _request: web.Request) -> web.Response:
        return _json(list(self.devices.values()), 200)

    async def _post_services(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if not isinstance(body, list) or not body:
            return _error(400, "payloadError", "the body must be a non-empty array of Service")
        self.gateways[request.query[CLIENT_ADDRESS]].services = body
        return web.Response(status=201)

    async def _post_device_classes(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if not isinstance(body, list) or not body:
            return _error(400, "payloadError", "the body must be a non-empty array of DeviceClass")
        self.gateways[request.query[CLIENT_ADDRESS]].device_classes = body
        return _json(body, 201)

    async def _patch_devices(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if not isinstance(body, list):
            return _error(400, "payloadError", "the body must be an array of Device")
        return await self._patch(request, body)

    async def _patch_device(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if not isinstance(body, dict) or body.get("address") != request.match_info["deviceAddress"]:
            return _error(400, "payloadError", "the body must be the Device of the path")
        return await self._patch(request, [body])

    async def _patch(self, request: web.Request, devices: list[Any]) -> web.Response:
        client = request.query[CLIENT_ADDRESS]
        records: list[CmsRecord] = []
        try:
            for device in devices:
                records.extend(self._device_records(device, client))
        except DecodeError as exc:
            return _error(400, "payloadError", str(exc))
        for device in devices:
            self.devices.setdefault(str(device["address"]), device)
        await self._emit(records)
        return web.Response(status=200)

    def _device_records(self, device: Any, client: str) -> list[CmsRecord]:
        """Readings and alarm changes (event attributes true = raised, false = cleared)."""
        provenance = self._provenance(client)
        view = DeviceView(device, source=f"talq cms from {client}")
        records: list[CmsRecord] = []
        if any(view.attribute(f, n) for f, n in READINGS):
            records.extend(
                decode_readings(view, epoch_of=self._epochs.observe, provenance=provenance)
            )
        records.extend(decode_alarms(view, provenance=provenance, cleared=True))
        return records

    async def _post_log_report(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if not isinstance(body, dict) or not isinstance(body.get("entries", []), list):
            return _error(400, "payloadError", "the body must be a LogReport")
        try:
            records = self.log_records(body, request.query[CLIENT_ADDRESS])
        except DecodeError as exc:
            return _error(400, "payloadError", str(exc))
        await self._emit(records)
        return web.Response(status=201)

    def log_records(self, report: dict[str, Any], client: str) -> list[CmsRecord]:
        """Canonical records of a LogReport: attribute logs as readings, events as alarms."""
        provenance = self._provenance(client)
        source = f"talq cms log report {report.get('address')}"
        names = {name: pair for (_, name), pair in READINGS.items()}
        records: list[CmsRecord] = []
        for index, entry in enumerate(report.get("entries", [])):
            field = f"entries[{index}].data"
            data = entry.get("data") if isinstance(entry, dict) else None
            if not isinstance(data, dict) or not isinstance(data.get("srcAddress"), str):
                raise DecodeError("entry without data.srcAddress", source=source, field=field)
            address = data["srcAddress"].removeprefix("/devices/").split("/")[0]
            stamp = data.get("timestamp")
            at = parse_time(stamp, source=source, field=field) if stamp else None
            if data.get("type") == "AttributeLogData":
                name = str(data.get("attributeName"))
                attribute = read_attribute(data.get("attributeValue"), source=source, field=field)
                when = at or attribute.timestamp
                if name not in names or when is None:
                    continue
                prop, unit = names[name]
                if name == "actualLightState":
                    value = level_of(attribute.value, source=source, field=field)
                elif isinstance(attribute.value, int | float) and not isinstance(
                    attribute.value, bool
                ):
                    value = float(attribute.value)
                else:
                    raise DecodeError(f"{name} is {attribute.value!r}", source=source, field=field)
                records.append(
                    reading_measurement(address, prop, unit, value, when, provenance=provenance)
                )
            elif data.get("type") == "EventLogData":
                event = str(data.get("eventType"))
                flag = data.get("startEndFlag", True)
                state = AlarmState.CLEARED if flag is False else AlarmState.RAISED
                alarm_type = ALARM_EVENTS.get(event, AlarmType.OTHER)
                records.append(
                    alarm_record(
                        address, alarm_type, state, at or datetime.now(UTC), event, provenance
                    )
                )
        return records
