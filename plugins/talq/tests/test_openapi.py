"""Every exchange of the controller with the simulated Gateway, and of a Gateway with the CMS
endpoint, validated against the published TALQ 2.7.1 OpenAPI files: zero violations."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from interop_talq.cms import CmsEndpoint
from interop_talq.openapi import OpenApiCheck
from interop_talq.simulator import TOKEN_PATH

from interop.control.http import ClientSettings, RetryPolicy
from interop.errors import NotFound
from interop.model.base import Point
from interop.model.command import CommandKind, CommandStatus
from interop.model.lighting import AlarmType, LightPoint
from interop.simulation.world import LightWorld
from interop.testing.lighting import conformance_schedule

GATEWAY_API = "talq-api-gateway-2-7-1-online.json"
CMS_API = "talq-api-cms-2-7-1-online.json"
MODEL = "talq-data-model-2-7-1-online.json"
SETTINGS = ClientSettings(timeout=30.0, retry=RetryPolicy(attempts=3, base_delay=0.01))


def test_the_controller_speaks_the_published_gateway_api(talq_openapi: Path, talq_gateway) -> None:
    check = OpenApiCheck(talq_openapi / GATEWAY_API, skip=(TOKEN_PATH,), model=talq_openapi / MODEL)
    world = LightWorld(6, apply_delay=0.05)
    world.lights[3].offline = True

    async def scenario() -> None:
        async with talq_gateway(world, settings=SETTINGS, openapi=check) as controller:
            lights = [light async for light in controller.lights(page_size=4)]
            ids = [light.id for light in lights]
            world.faults.expire_listings = True
            assert len([x async for x in controller.lights(page_size=2)]) == 6
            await controller.telemetry(ids)
            with pytest.raises(NotFound):
                await controller.telemetry([ids[0][:-4] + "0000"])
            commands = [controller.command(x, CommandKind.SET_LEVEL, level=60) for x in ids]
            results = await controller.confirm(
                commands, await controller.execute(commands), timeout=2, interval=0.1
            )
            assert results[0].status is CommandStatus.APPLIED
            await controller.switch(ids[:2], True, duration=timedelta(minutes=30))
            await controller.resume_schedule(ids[:2])
            refused = await controller.set_level([ids[0], ids[0][:-4] + "0000"], 10)
            assert [r.status for r in refused] == [CommandStatus.ACCEPTED, CommandStatus.FAILED]
            await controller.history(ids[:2], world.start, datetime.now(UTC))
            world.raise_alarm(world.lights[0].key, AlarmType.LAMP_FAILURE)
            assert await controller.alarms()
            assert await controller.alarms(ids[:1])
            schedule = await controller.save_schedule(conformance_schedule())
            await controller.save_schedule(conformance_schedule())
            assert await controller.schedules() == [schedule]
            await controller.assign_schedule(schedule.id, ids[:3])
            assert len(await controller.assignments()) == 3
            await controller.add_lights(
                [
                    LightPoint(
                        id="urn:example:new",
                        name="new",
                        location=Point(lat=50.1, lon=4.2),
                        nominal_power=18.0,
                        lamp_type="led",
                    )
                ]
            )

    asyncio.run(scenario())
    assert check.violations == []
    assert check.requests >= 30
    assert check.responses == check.requests


def test_the_checker_reports_and_strictly_refuses_violations(talq_openapi: Path) -> None:
    strict = OpenApiCheck(talq_openapi / GATEWAY_API, strict=True)

    async def wrong(_request: web.Request) -> web.Response:
        return web.json_response([{"address": 7, "name": "x"}])

    async def scenario() -> tuple[int, Any]:
        app = web.Application(middlewares=[strict.middleware()])
        app.router.add_get("/devices", wrong)
        async with (
            _served(app) as url,
            aiohttp.ClientSession() as session,
            session.get(url + "/devices") as response,
        ):
            return response.status, await response.json()

    status, body = asyncio.run(scenario())
    assert status == 500
    assert body[0]["key"] == "genericError"
    directions = {v.direction for v in strict.violations}
    assert directions == {"request", "response"}
    assert any("talq-api-version" in v.message for v in strict.violations)


def test_functions_are_checked_against_the_type_they_name(talq_openapi: Path) -> None:
    check = OpenApiCheck(talq_openapi / GATEWAY_API, model=talq_openapi / MODEL)
    device = {
        "address": str(uuid.uuid4()),
        "name": "x",
        "class": "lamp",
        "functions": [
            {
                "id": "m",
                "type": "LampMonitorFunction",
                "activePower": {"type": "AttributeFloat", "value": "high"},
            },
            {"functionId": "m", "type": "LampMonitorFunction"},
        ],
    }

    async def created(_request: web.Request) -> web.Response:
        return web.Response(status=202)

    async def scenario() -> int:
        app = web.Application(middlewares=[check.middleware()])
        app.router.add_post("/devices", created)
        params = {"clientAddress": str(uuid.uuid4()), "talqRequestId": str(uuid.uuid4())}
        async with (
            _served(app) as url,
            aiohttp.ClientSession() as session,
            session.post(
                url + "/devices",
                params=params,
                json=[device],
                headers={"talq-api-version": "2.7.1"},
            ) as response,
        ):
            return response.status

    assert asyncio.run(scenario()) == 202
    messages = [v.message for v in check.violations]
    assert all(v.direction == "request" for v in check.violations)
    assert any("'high' is not of type 'number' (as LampMonitorFunction)" in m for m in messages)
    assert not any("functions[1]" in m for m in messages)


@asynccontextmanager
async def _served(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


class FakeGateway:
    """A Gateway calling the CMS API with the TALQ envelope."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.address = str(uuid.uuid4())

    async def call(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        params = {"clientAddress": self.address, "talqRequestId": str(uuid.uuid4())}
        headers = {"talq-api-version": "2.7.1"}
        async with self.session.request(
            method, self.url + path, params=params, headers=headers, json=body
        ) as response:
            text = await response.text()
            return response.status, (await response.json()) if text else None


def _device(address: str, stamp: str, failure: bool) -> dict[str, Any]:
    return {
        "address": address,
        "name": "LP-1",
        "class": "lamp",
        "functions": [
            {
                "id": "lampMonitor",
                "type": "LampMonitorFunction",
                "activePower": {"type": "AttributeFloat", "value": 35.5, "timestamp": stamp},
                "activeEnergy": {"type": "AttributeFloat", "value": 812.25, "timestamp": stamp},
                "lampFailure": {"type": "AttributeBoolean", "value": failure, "timestamp": stamp},
            }
        ],
    }


def bootstrap_and_report(endpoint: CmsEndpoint, check: OpenApiCheck | None) -> list[int]:
    """A Gateway's life against the endpoint: bootstrap, device updates, log reports."""

    async def scenario() -> list[int]:
        app = endpoint.app()
        if check is not None:
            app.middlewares.insert(0, check.middleware())
        light = str(uuid.uuid4())
        statuses = []
        async with _served(app) as url, aiohttp.ClientSession() as session:
            gateway = FakeGateway(session, url)
            status, answer = await gateway.call(
                "POST",
                "/devices",
                [
                    {
                        "address": gateway.address,
                        "name": "gateway",
                        "class": "gateway",
                        "functions": [
                            {
                                "id": "gw",
                                "type": "GatewayFunction",
                                "gatewayUri": {
                                    "type": "AttributeUri",
                                    "value": "https://gw.example/talq",
                                },
                                "cmsUri": {"type": "AttributeUri", "value": url},
                                "cmsAddress": {"type": "AttributeString", "value": ""},
                                "gatewayAddress": {"type": "AttributeString", "value": ""},
                            }
                        ],
                    }
                ],
            )
            statuses.append(status)
            gateway.address = answer[0]["functions"][0]["gatewayAddress"]["value"]
            assert answer[0]["functions"][0]["cmsAddress"]["value"] == endpoint.cms_address
            status, _ = await gateway.call("PATCH", f"/devices/{light}", _device(light, "x", True))
            statuses.append(status)
            for path, body in (
                ("/services", [{"name": "ControlService"}, {"name": "DataCollectService"}]),
                ("/device-classes", [{"name": "lamp", "functions": []}]),
            ):
                statuses.append((await gateway.call("POST", path, body))[0])
            stamp = "2026-10-25T02:30:00+01:00"
            statuses.append(
                (await gateway.call("PATCH", f"/devices/{light}", _device(light, stamp, True)))[0]
            )
            statuses.append(
                (await gateway.call("PATCH", "/devices", [_device(light, stamp, False)]))[0]
            )
            report = {
                "address": "logger-1",
                "entries": [
                    {
                        "data": {
                            "type": "AttributeLogData",
                            "srcAddress": f"/devices/{light}/lampActuator",
                            "timestamp": "2026-03-29T01:15:00Z",
                            "attributeName": "actualLightState",
                            "attributeValue": {
                                "type": "AttributeLevelState",
                                "value": {"name": "LevelState", "value": 70},
                            },
                        }
                    },
                    {
                        "data": {
                            "type": "EventLogData",
                            "srcAddress": f"/devices/{light}/lampMonitor",
                            "timestamp": "2026-03-29T01:16:00Z",
                            "eventType": "relayFailure",
                            "startEndFlag": True,
                        }
                    },
                ],
            }
            statuses.append((await gateway.call("POST", "/log-reports", report))[0])
        return statuses

    return asyncio.run(scenario())


def test_the_cms_endpoint_serves_the_published_cms_api(talq_openapi: Path) -> None:
    check = OpenApiCheck(talq_openapi / CMS_API, model=talq_openapi / MODEL)
    endpoint = CmsEndpoint()
    statuses = bootstrap_and_report(endpoint, check)
    assert statuses == [201, 403, 201, 201, 200, 200, 201]
    relevant = [v for v in check.violations if v.status != 403]
    assert relevant == []
    assert [v.status for v in check.violations] == [403]
    assert check.requests == len(statuses)
    assert endpoint.records.qsize() == 8
