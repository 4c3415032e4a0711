"""The CMS endpoint a Gateway calls: envelope errors, bootstrap, updates and log reports."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from interop_talq.cms import CmsEndpoint, CmsRecord

from interop.control.lighting import ENERGY, LEVEL, POWER
from interop.model.lighting import AlarmState, AlarmType, LightingAlarm
from interop.model.observation import Measurement


@asynccontextmanager
async def served(endpoint: CmsEndpoint) -> AsyncIterator[aiohttp.ClientSession]:
    """The endpoint on 127.0.0.1 and a session whose base URL points at it."""
    runner = web.AppRunner(endpoint.app(), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with aiohttp.ClientSession(base_url=url) as session:
            yield session
    finally:
        await runner.cleanup()


async def call(
    session: aiohttp.ClientSession,
    method: str,
    path: str,
    body: Any = None,
    *,
    client: str,
    version: str | None = "2.7.1",
    request_id: bool = True,
) -> tuple[int, Any]:
    params = {"clientAddress": client}
    if request_id:
        params["talqRequestId"] = str(uuid.uuid4())
    headers = {"talq-api-version": version} if version else {}
    async with session.request(method, path, params=params, headers=headers, json=body) as answer:
        text = await answer.text()
        return answer.status, (await answer.json()) if text else None


async def bootstrap(session: aiohttp.ClientSession) -> str:
    """Announce a Gateway; returns the address the CMS gave it."""
    temporary = str(uuid.uuid4())
    gateway = {
        "id": "gw",
        "type": "GatewayFunction",
        "gatewayUri": {"type": "AttributeUri", "value": "https://gw.example/talq"},
    }
    document = {"address": temporary, "name": "gw", "class": "gateway", "functions": [gateway]}
    status, answer = await call(session, "POST", "/devices", [document], client=temporary)
    assert status == 201
    address = str(answer[0]["functions"][0]["gatewayAddress"]["value"])
    for path, body in (
        ("/services", [{"name": "ControlService"}]),
        ("/device-classes", [{"name": "lamp"}]),
    ):
        assert (await call(session, "POST", path, body, client=address))[0] == 201
    return address


def test_requests_without_the_envelope_get_the_spec_errors() -> None:
    async def scenario() -> list[tuple[int, Any]]:
        async with served(CmsEndpoint()) as session:
            client = str(uuid.uuid4())
            return [
                await call(session, "POST", "/log-reports", {}, client=client, version=None),
                await call(session, "POST", "/log-reports", {}, client=client, version="2.6.0"),
                await call(session, "POST", "/log-reports", {}, client="gw-1"),
                await call(session, "POST", "/log-reports", {}, client=client, request_id=False),
                await call(session, "POST", "/log-reports", {"entries": []}, client=client),
            ]

    answers = asyncio.run(scenario())
    assert [status for status, _ in answers] == [400, 400, 400, 400, 403]
    assert [body[0]["key"] for _, body in answers] == [
        "headerMissing",
        "headerValueNotValid",
        "parameterValueNotValid",
        "parameterMissing",
        "genericError",
    ]


def test_bootstrap_gives_addresses_and_updates_become_records() -> None:
    seen: list[CmsRecord] = []
    endpoint = CmsEndpoint(cms_address=str(uuid.uuid4()), callback=seen.append)
    light = str(uuid.uuid4())
    stamp = "2026-10-25T02:30:00+02:00"
    monitor = {
        "id": "m",
        "type": "LampMonitorFunction",
        "activePower": {"type": "AttributeFloat", "value": 35.5, "timestamp": stamp},
        "activeEnergy": {"type": "AttributeFloat", "value": 812.25, "timestamp": stamp},
        "lampFailure": {"type": "AttributeBoolean", "value": True, "timestamp": stamp},
    }
    device = {"address": light, "name": "LP-1", "class": "lamp", "functions": [monitor]}

    async def scenario() -> list[int]:
        async with served(endpoint) as session:
            gateway = await bootstrap(session)
            statuses = [
                (await call(session, "PATCH", f"/devices/{light}", device, client=gateway))[0]
            ]
            monitor["lampFailure"] = {
                "type": "AttributeBoolean",
                "value": False,
                "timestamp": stamp,
            }
            statuses.append((await call(session, "PATCH", "/devices", [device], client=gateway))[0])
            bad = {
                **device,
                "functions": [{"id": "m", "type": "LampMonitorFunction", "activePower": 3}],
            }
            statuses.append((await call(session, "PATCH", "/devices", [bad], client=gateway))[0])
            return statuses

    assert asyncio.run(scenario()) == [200, 200, 400]
    assert endpoint.records.qsize() == len(seen) == 6
    readings = [r for r in seen if isinstance(r, Measurement)]
    assert {(r.property, r.value) for r in readings} == {(POWER, 35.5), (ENERGY, 812.25)}
    assert all(r.timestamp == datetime(2026, 10, 25, 0, 30, tzinfo=UTC) for r in readings)
    alarms = [r for r in seen if isinstance(r, LightingAlarm)]
    assert [(a.alarm_type, a.state) for a in alarms] == [
        (AlarmType.LAMP_FAILURE, AlarmState.RAISED),
        (AlarmType.LAMP_FAILURE, AlarmState.CLEARED),
    ]
    assert all(a.light == f"urn:interop:light:talq:{light}" for a in alarms)


def test_log_reports_become_readings_and_alarms() -> None:
    endpoint = CmsEndpoint()
    light = str(uuid.uuid4())
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
                        "value": {"name": "levelState", "value": 70},
                    },
                }
            },
            {
                "data": {
                    "type": "EventLogData",
                    "srcAddress": f"/devices/{light}/lampMonitor",
                    "timestamp": "2026-03-29T03:16:00+02:00",
                    "eventType": "relayFailure",
                    "startEndFlag": False,
                }
            },
            {
                "data": {
                    "type": "EventLogData",
                    "srcAddress": light,
                    "timestamp": "2026-03-29T01:17:00Z",
                    "eventType": "controllerRebooted",
                }
            },
        ],
    }

    async def scenario() -> list[int]:
        async with served(endpoint) as session:
            gateway = await bootstrap(session)
            return [
                (await call(session, "POST", "/log-reports", report, client=gateway))[0],
                (
                    await call(
                        session, "POST", "/log-reports", {"entries": [{"data": 1}]}, client=gateway
                    )
                )[0],
            ]

    assert asyncio.run(scenario()) == [201, 400]
    records = [endpoint.records.get_nowait() for _ in range(endpoint.records.qsize())]
    level, cleared, other = records
    assert isinstance(level, Measurement)
    assert (level.property, level.value) == (LEVEL, 70.0)
    assert level.timestamp == datetime(2026, 3, 29, 1, 15, tzinfo=UTC)
    assert isinstance(cleared, LightingAlarm)
    assert (cleared.alarm_type, cleared.state) == (AlarmType.RELAY_FAILURE, AlarmState.CLEARED)
    assert cleared.timestamp == datetime(2026, 3, 29, 1, 16, tzinfo=UTC)
    assert isinstance(other, LightingAlarm)
    assert (other.alarm_type, other.detail) == (AlarmType.OTHER, "controllerRebooted")
