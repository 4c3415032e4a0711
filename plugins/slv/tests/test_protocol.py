"""SLV's protocol quirks: login pages, sessions and CSRF, ser=json, envelopes, paging, junk."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from interop_slv.controller import SlvController
from interop_slv.simulator import build_app, overload, simulator_spec

from interop.errors import (
    AuthenticationFailed,
    DecodeError,
    EncodeError,
    NotFound,
    ValidationError,
)
from interop.model.command import CommandStatus
from interop.simulation.server import SimulatorSpec
from interop.simulation.world import LightWorld

Runner = Callable[..., None]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def ids(controller: SlvController) -> list[str]:
    return [light.id async for light in controller.lights()]


def test_wrong_password_gets_the_login_page_and_raises(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        listing = f"{url}/reports/api/asset/getGeozoneDevices?ser=json"
        async with aiohttp.ClientSession() as raw, raw.get(listing) as answer:
            assert answer.status == 200
            assert answer.content_type == "text/html"
            assert "loginForm" in await answer.text()
        wrong = SlvController(url, username=world.username, password="wrong")
        try:
            with pytest.raises(AuthenticationFailed, match="refused"):
                await ids(wrong)
        finally:
            await wrong.aclose()

    run_slv(scenario)


def test_json_needs_ser_json(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        await ids(controller)
        response = await controller.client.http.request(
            "GET", "reports/api/asset/getGeozoneDevices", params=[("geozoneId", "1")]
        )
        assert response.content_type == "application/xml"
        with pytest.raises(DecodeError, match="ser=json"):
            controller.client.decode(response, what="getGeozoneDevices")

    run_slv(scenario)


def test_expired_session_is_renewed_for_reads_and_posts(run_slv: Runner) -> None:
    world = LightWorld(4, seed=5, session_ttl=0.2)

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        lights = await ids(controller)
        assert controller.client.logins == 1
        await asyncio.sleep(0.3)
        assert len(await controller.telemetry(lights[:1])) == 6
        await asyncio.sleep(0.3)
        results = await controller.set_level(lights[:1], 50)  # a POST: needs the new CSRF
        assert results[0].status is CommandStatus.ACCEPTED
        assert controller.client.logins == 3  # renewed once for the read, once for the POST

    run_slv(scenario, world=world)


def test_error_envelopes_are_typed(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        lights = await ids(controller)
        with pytest.raises(NotFound, match="UNKNOWN_CALENDAR"):
            await controller.assign_schedule("urn:interop:schedule:slv:99", lights[:1])
        with pytest.raises(EncodeError, match="INVALID_VALUE"):
            await controller.client.post(
                "dimming/setDimmingLevels",
                [
                    ("controllerStrId", "gw-g1"),
                    ("idOnController", "1.lamp1"),
                    ("dimmingLevel", "300"),
                ],
                what="setDimmingLevels",
            )

    run_slv(scenario)


def test_overload_is_an_html_503_with_retry_after() -> None:
    answer = overload(503, 0.5)
    assert answer.status == 503
    assert answer.content_type == "text/html"
    assert answer.headers["Retry-After"] == "0.5"
    assert simulator_spec().rate_limit_status == 503


def test_paging_survives_inserts_and_an_expired_listing(run_slv: Runner) -> None:
    world = LightWorld(10, seed=6)
    originals = {sim.name for sim in world}

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        names = []
        async for light in controller.lights(page_size=3):
            names.append(light.name)
            if len(names) in (1, 4):
                world.add_light(position=0)  # shifts every offset: a page repeats a light
            if len(names) == 5:
                world.faults.expire_listings = True
        assert originals <= set(names)
        assert len(names) == len(set(names))

    run_slv(scenario, world=world)


def junk_spec(service: str, body: bytes, content_type: str = "application/json") -> SimulatorSpec:
    """The simulator, except that ``service`` answers ``body``."""

    def build(world: LightWorld) -> web.Application:
        app = build_app(world)

        @web.middleware
        async def junk(request: web.Request, handler: Handler) -> web.StreamResponse:
            if request.path.endswith(service):
                return web.Response(body=body, content_type=content_type)
            return await handler(request)

        app.middlewares.append(junk)
        return app

    return SimulatorSpec(
        name="slv-junk",
        description="SLV answering junk",
        build_app=build,
        connect=simulator_spec().connect,
        overload=overload,
        rate_limit_status=503,
    )


LISTING_JUNK = [
    b'{"not": "a list"}',
    b'[{"id": "x"}]',
    b'[{"id": 1, "idOnController": "a"}]',
    b'[{"id": 1, "controllerStrId": "c", "idOnController": "a", "lat": "north"}]',
    b'[{"id": 1, "controllerStrId": "c", "idOnController": "a",'
    b' "properties": [{"key": "power", "value": "lots"}]}]',
    b"[1, 2]",
    b"not json at all",
]


@pytest.mark.parametrize("body", LISTING_JUNK)
def test_junk_listings_are_decode_errors(run_slv: Runner, body: bytes) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        with pytest.raises(DecodeError):
            await ids(controller)

    run_slv(scenario, spec=junk_spec("asset/getGeozoneDevices", body))


def _row(**fields: Any) -> dict[str, Any]:
    row = {
        "deviceId": 10001,
        "name": "LampLevel",
        "value": "229",
        "eventTime": "2026-01-15 01:00:00",
    }
    return row | fields


VALUES_JUNK = [
    [_row(value="abc")],
    [_row(value="300")],
    [_row(eventTime="yesterday")],
    [_row(eventTime="2026-03-29 02:30:00")],
    [_row(name="MeteredPower", value="false")],
    [{"name": "LampLevel"}],
    {"weird": 1},
]


@pytest.mark.parametrize("rows", VALUES_JUNK)
def test_junk_values_are_decode_errors(run_slv: Runner, rows: object) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[0]
        with pytest.raises(DecodeError):
            await controller.telemetry([light])

    run_slv(scenario, spec=junk_spec("logging/getDeviceLastValues", orjson.dumps(rows)))


def test_junk_batch_results_are_settled_by_a_re_read(run_slv: Runner) -> None:
    """A batch whose result is junk is not called failed: the nodes' command level decides."""

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        lights = (await ids(controller))[:2]
        results = await controller.set_level(lights, 50)
        assert [r.status for r in results] == [CommandStatus.ACCEPTED] * 2
        assert all("batch result" in (r.detail or "") for r in results)
        assert all("LampCommandLevel shows" in (r.detail or "") for r in results)
        assert all(x.override is not None and abs(x.override - 50) <= 1 for x in list(world)[:2])

    run_slv(scenario, spec=junk_spec("batch/getBatchResult", b'{"batchRunning": "maybe"}'))


def test_junk_time_zone_uses_the_fallback_or_fails(run_slv: Runner) -> None:
    spec = junk_spec("asset/getDeviceTimeZone", b'{"id": "Mars/Olympus_Mons"}')

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        light = (await ids(controller))[0]
        with pytest.raises(DecodeError, match="IANA"):
            await controller.telemetry([light])
        rescued = SlvController(
            url,
            username=world.username,
            password=world.password,
            timezone_fallback="Europe/Brussels",
        )
        try:
            found = await rescued.telemetry([light])
            assert {m.timestamp for m in found} == {world.lights[0].current.at}
        finally:
            await rescued.aclose()

    run_slv(scenario, spec=spec)


def test_junk_schedules_are_listed_as_untranslatable(run_slv: Runner) -> None:
    """A calendar the model cannot hold is left out and named with the reason, not fatal."""

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        assert await controller.schedules() == []
        [(name, reason)] = controller.untranslatable_schedules()
        assert name == "1"
        assert reason

    run_slv(scenario, spec=junk_spec("dimmingscheduler/getSchedules", b'[{"id": 1}]'))


def test_a_schedule_list_that_is_not_a_list_is_a_decode_error(run_slv: Runner) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        with pytest.raises(DecodeError):
            await controller.schedules()

    run_slv(scenario, spec=junk_spec("dimmingscheduler/getSchedules", b'{"id": 1}'))


def test_bad_configuration_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="timezone_fallback"):
        SlvController("http://127.0.0.1:9", username="u", password="p", timezone_fallback="Mars")

    async def page_of_zero() -> None:
        controller = SlvController("http://127.0.0.1:9", username="u", password="p")
        try:
            with pytest.raises(ValidationError, match="page_size"):
                await anext(aiter(controller.lights(page_size=0)))
        finally:
            await controller.aclose()

    asyncio.run(page_of_zero())


@pytest.mark.parametrize("duration", ["nan", "NaN", "inf", "-inf", "1e309", "0", "-5", "1e12"])
def test_non_finite_or_absurd_durations_are_refused_not_500(run_slv: Runner, duration: str) -> None:
    """The simulator answers SLV's INVALID_VALUE envelope; nothing is applied, no 5xx."""

    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        await ids(controller)
        form = [
            ("controllerStrId", "gw-g1"),
            ("idOnController", "1.lamp1"),
            ("dimmingLevel", "100"),
            ("duration", duration),
        ]
        response = await controller.client.http.request(
            "POST", "reports/api/dimming/setDimmingLevels", params=[("ser", "json")], data=form
        )
        assert response.status == 200
        assert response.json()["errorCodeLabel"] == "INVALID_VALUE"
        assert world.lights[0].override is None

    run_slv(scenario)


@pytest.mark.parametrize(
    ("lat", "lng", "power"),
    [("nan", "4.3", "10"), ("50", "inf", "10"), ("91", "4", "10"), ("50", "4", "-1")],
)
def test_created_devices_need_finite_plausible_numbers(
    run_slv: Runner, lat: str, lng: str, power: str
) -> None:
    async def scenario(controller: SlvController, world: LightWorld, url: str) -> None:
        await ids(controller)
        form = [
            ("categoryStrId", "streetlight"),
            ("controllerStrId", "gw-x"),
            ("idOnController", "x.lamp1"),
            ("name", "X"),
            ("lat", lat),
            ("lng", lng),
            ("power", power),
        ]
        response = await controller.client.http.request(
            "POST", "reports/api/asset/createCategoryDevice", params=[("ser", "json")], data=form
        )
        assert response.status == 200
        assert response.json()["errorCodeLabel"] == "INVALID_VALUE"
        assert world.by_name("X") is None

    run_slv(scenario)
