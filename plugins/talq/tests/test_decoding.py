"""Malformed Gateway answers raise DecodeError (naming the input), never KeyError or TypeError."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_talq import interop_register_adapters, interop_simulators
from interop_talq.controller import TalqController
from interop_talq.devices import DeviceView, decode_alarms, decode_light, decode_readings
from interop_talq.epochs import EpochTracker
from interop_talq.manifest import MANIFEST
from interop_talq.protocol import parse_time
from interop_talq.simulator import SPEC, device_documents, overload

from interop.errors import DecodeError
from interop.model.base import Provenance
from interop.simulation.server import SimulatorSpec, serve
from interop.simulation.world import LightWorld

PROVENANCE = Provenance(plugin="talq", plugin_version="0")
ADDRESS = str(uuid.uuid4())
_JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
    ),
    max_leaves=15,
)
_ATTRIBUTE = st.fixed_dictionaries(
    {"type": st.text(max_size=5), "value": _JSON}, optional={"timestamp": _JSON}
)
_FUNCTION = st.fixed_dictionaries(
    {
        "id": st.text(max_size=4),
        "type": st.sampled_from(
            [
                "BasicFunction",
                "LampActuatorFunction",
                "LampMonitorFunction",
                "LuminaireAssetFunction",
            ]
        ),
    },
    optional=dict.fromkeys(
        (
            "location",
            "displayName",
            "actualLightState",
            "activePower",
            "activeEnergy",
            "operatingHours",
            "lampFailure",
            "luminaireTypeAddress",
            "energyCounterEpoch",
        ),
        _ATTRIBUTE | _JSON,
    ),
)
_DEVICES = (
    st.fixed_dictionaries(
        {"address": st.just(ADDRESS) | _JSON, "name": st.text(max_size=5) | _JSON},
        optional={"functions": st.lists(_FUNCTION | _JSON, max_size=4) | _JSON},
    )
    | _JSON
)


@settings(max_examples=400, deadline=None)
@given(_DEVICES)
def test_junk_devices_raise_decode_error_only(document: Any) -> None:
    outcome: object
    try:
        view = DeviceView(document, source="junk")
        outcome = (
            decode_light(view, luminaire_types={}, groups={}, provenance=PROVENANCE),
            decode_readings(view, epoch_of=EpochTracker().observe, provenance=PROVENANCE),
            decode_alarms(view, provenance=PROVENANCE),
        )
    except DecodeError as exc:
        outcome = exc
    if isinstance(outcome, DecodeError):
        assert "junk" in str(outcome)
    else:
        assert isinstance(outcome, tuple)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-25T02:30:00+02:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25T02:30:00+01:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-03-29T01:00:00.250Z", datetime(2026, 3, 29, 1, 0, 0, 250000, tzinfo=UTC)),
    ],
)
def test_rfc3339_timestamps_become_utc(text: str, expected: datetime) -> None:
    assert parse_time(text, source="t", field="f") == expected


@pytest.mark.parametrize("text", ["2026-10-25T02:30:00", "yesterday", 1761350400])
def test_timestamps_without_offset_are_refused(text: object) -> None:
    with pytest.raises(DecodeError, match="timestamp"):
        parse_time(text, source="t", field="f")


def test_counter_epochs_advance_when_a_counter_goes_down() -> None:
    tracker = EpochTracker()
    assert tracker.observe("a", 10.0, 100.0, None) == 0
    assert tracker.observe("a", 11.0, 101.0, None) == 0
    assert tracker.observe("a", 0.5, 101.5, None) == 1
    assert tracker.observe("a", 0.6, 0.1, None) == 2
    assert tracker.observe("a", 0.7, 0.2, 7) == 7


JUNK = [  # the first three break listings, all of them break a device read
    b"<html>login</html>",
    b"{}",
    b'[{"address": 12}]',
    b'[{"address": "x", "name": "n", "functions": [{"type": "LampActuatorFunction", '
    b'"actualLightState": {"type": "AttributeLevelState", "value": {"name": "LevelState", '
    b'"value": 250}, "timestamp": "2026-01-01T00:00:00Z"}}]}]',
    b'[{"address": "x", "name": "n", "functions": [{"type": "LampMonitorFunction", "id": "m", '
    b'"activePower": {"type": "AttributeFloat", "value": 3, "timestamp": "noon"}}]}]',
]


@pytest.mark.parametrize("body", JUNK)
def test_junk_gateway_answers_raise_decode_error(body: bytes) -> None:
    async def token(_request: web.Request) -> web.Response:
        return web.json_response({"access_token": "t"})

    async def junk(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async def empty(_request: web.Request) -> web.Response:
        return web.json_response([])

    def build(_world: LightWorld) -> web.Application:
        app = web.Application()
        app.router.add_post("/auth/token", token)
        app.router.add_get("/luminaire-types", empty)
        app.router.add_get("/groups", empty)
        app.router.add_get("/devices", junk)
        app.router.add_get("/devices/{address}", junk)
        return app

    spec = SimulatorSpec(name="junk", description="junk", build_app=build, connect=SPEC.connect)

    async def scenario() -> None:
        async with serve(spec, LightWorld(0)) as url:
            controller = TalqController(url, token="k")
            try:
                if body in JUNK[:3]:
                    with pytest.raises(DecodeError):
                        _ = [light async for light in controller.lights()]
                with pytest.raises(DecodeError):
                    await controller.telemetry(["urn:interop:light:talq:" + ADDRESS])
            finally:
                await controller.aclose()

    asyncio.run(scenario())


def test_hooks_and_manifest() -> None:
    assert interop_register_adapters() == [TalqController]
    (spec,) = interop_simulators()
    assert isinstance(spec, SimulatorSpec)
    assert (spec.name, spec.rate_limit_status, spec.default_port) == ("talq", 429, 8082)
    assert MANIFEST.name == "talq"
    assert "TALQ" in MANIFEST.protocols[0]


def test_overload_is_a_talq_error_message_with_retry_after() -> None:
    answer = overload(429, 1.5)
    assert answer.status == 429
    assert answer.headers["Retry-After"] == "1.5"
    assert answer.body is not None
    assert orjson.loads(bytes(answer.body))[0]["key"] == "genericError"


def test_a_gateway_without_paging_and_with_synchronous_commands() -> None:
    world = LightWorld(3)
    documents = device_documents(world)

    async def token(_request: web.Request) -> web.Response:
        return web.json_response({"access_token": "t"})

    async def everything(_request: web.Request) -> web.Response:
        return web.json_response(documents)

    async def empty(_request: web.Request) -> web.Response:
        return web.json_response([])

    async def done(_request: web.Request) -> web.Response:
        return web.Response(status=201)

    def build(_world: LightWorld) -> web.Application:
        app = web.Application()
        app.router.add_post("/auth/token", token)
        app.router.add_get("/luminaire-types", empty)
        app.router.add_get("/groups", empty)
        app.router.add_get("/devices", everything)
        app.router.add_post("/override-commands", done)
        return app

    spec = SimulatorSpec(name="plain", description="plain", build_app=build, connect=SPEC.connect)

    async def scenario() -> tuple[list[str], list[str]]:
        async with serve(spec, world) as url:
            controller = TalqController(url, token="k")
            try:
                names = [light.name or "" async for light in controller.lights(page_size=2)]
                ids = [light.id async for light in controller.lights()]
                results = await controller.set_level(ids, 30)
                return names, [result.status.value for result in results]
            finally:
                await controller.aclose()

    names, statuses = asyncio.run(scenario())
    assert names == [light.name for light in world.lights]
    assert statuses == ["succeeded"] * 3
