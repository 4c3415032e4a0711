"""Lighting through the gateway, against the real SLV and TALQ simulators on loopback.

The gateway polls each system's telemetry into the store through the pipeline, and its
command API sends canonical Commands to one light, several or a group, answering and
storing one CommandResult per light; a system that goes down is 503 and the poller
recovers by itself when it returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interop.gateway.lighting import CursorFile
from interop.model.command import CommandResult
from interop.model.observation import Measurement
from interop.simulation.server import SimulatorSpec, serve, serve_in_thread
from interop.simulation.world import LightWorld
from interop.testing.servers import free_port

from .conftest import ADMIN, config_for, run, running
from .processes import GatewayProcess, write_config

AUTH = {"Authorization": f"Bearer {ADMIN}"}
LEVEL = "https://w3id.org/interop/ontology#DimmingLevel"
SYSTEMS = ["slv", "talq"]


@pytest.fixture(scope="module")
def simulators(registry) -> dict[str, SimulatorSpec]:
    specs: dict[str, SimulatorSpec] = registry.simulators()
    missing = set(SYSTEMS) - set(specs)
    if missing:
        pytest.skip(f"lighting plugins not installed: {sorted(missing)}")
    return specs


def lighting_config(tmp_path, monkeypatch, name: str, url: str, world: LightWorld, **extra):
    secret = f"{world.username}:{world.password}" if name == "slv" else world.token
    monkeypatch.setenv("TEST_LIGHTING_CREDENTIALS", secret)
    entry = {
        "name": "city", "url": f"{name}:{url}", "credentials": "env:TEST_LIGHTING_CREDENTIALS",
        "poll_seconds": 0.2, "command_deadline": 5.0, **extra,
    }  # fmt: skip
    return config_for(tmp_path, monkeypatch, lighting=[entry])


async def until(check: Callable[[], Awaitable[Any]], what: str, seconds: float = 20.0) -> Any:
    """Wait (bounded) until ``check()`` returns something truthy; fail naming ``what``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


async def call(session, method: str, url: str, body: Any = None, headers=AUTH):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body))
    async with session.request(method, url, data=data, headers=headers) as response:
        return response.status, response.headers, await response.read()


async def lighting_records(gateway, kind: str) -> list[Any]:
    """Records of ``kind`` the gateway stored from its lighting system (scan of the store)."""
    rows = await gateway.store.scan(limit=100_000)
    return [
        r
        for _, r in rows
        if r.kind == kind and r.provenance and r.provenance.raw_message_id
        and ":lighting%3Acity:" in r.provenance.raw_message_id
    ]  # fmt: skip


@pytest.mark.parametrize("name", SYSTEMS)
def test_polled_telemetry_lands_in_the_store(name, simulators, tmp_path, monkeypatch, registry):
    world = LightWorld(5, seed=3)

    async def go():
        async with serve(simulators[name], world) as url:
            config = lighting_config(tmp_path, monkeypatch, name, url, world)
            async with running(config, registry) as gateway:
                first = await until(
                    lambda: lighting_records(gateway, "measurement"), "the first poll"
                )
                key = world.lights[2].key
                at = datetime.now(UTC).replace(microsecond=0)
                world.record(key, at=at, level=37.0, power=12.5)

                async def fresh():
                    return [
                        m for m in await lighting_records(gateway, "measurement")
                        if m.property == LEVEL and m.timestamp == at
                    ]  # fmt: skip

                new = await until(fresh, "the new reading")
                lights = await lighting_records(gateway, "lighting_light_point")
                async with aiohttp.ClientSession() as session:
                    metrics = (await call(session, "GET", f"{gateway.url}/metrics"))[2].decode()
                    listed = await call(session, "GET", f"{gateway.url}/lighting")
                stats = await gateway.store.stats()
        return first, new, lights, metrics, listed, stats

    first, new, lights, metrics, listed, stats = run(go())
    assert all(isinstance(m, Measurement) for m in first)
    assert {str(m.feature_of_interest) for m in first} == {light.id for light in lights}
    assert len(lights) == 5
    assert len(new) == 1
    assert new[0].value == pytest.approx(37.0, abs=0.5)
    assert new[0].provenance.policy_version is not None  # went through the pipeline's policy
    assert 'interop_lighting_polls_total{outcome="ok",system="city"}' in metrics
    assert json.loads(listed[2])["systems"][0]["status"] == "ok"
    assert stats.dead_letters == 0
    cursors = json.loads((tmp_path / "data" / "lighting-cursors.json").read_text())
    assert datetime.fromisoformat(cursors["city"]["cursor"]) >= new[0].timestamp


@pytest.mark.parametrize(
    ("name", "readings"), [("slv", "history"), ("talq", "history"), ("talq", "latest")]
)
def test_readings_logged_while_the_gateway_was_down_are_read_from_the_cursor(
    name, readings, simulators, tmp_path, monkeypatch, registry
):
    """Two readings logged while the gateway is stopped: both stored after its restart.

    Only reading since the durable cursor finds the first one; with ``readings =
    "latest"`` the gateway reads each light's latest values, so only the second.
    """
    world = LightWorld(3, seed=11)
    key = world.lights[1].key

    async def go():
        async with serve(simulators[name], world) as url:
            config = lighting_config(tmp_path, monkeypatch, name, url, world, readings=readings)
            async with running(config, registry) as gateway:
                await until(lambda: lighting_records(gateway, "measurement"), "the first poll")
            now = datetime.now(UTC).replace(microsecond=0)
            first, second = now - timedelta(minutes=2), now - timedelta(minutes=1)
            world.record(key, at=first, level=11.0, power=3.0)
            world.record(key, at=second, level=22.0, power=6.0)
            async with running(config, registry) as gateway:

                async def both():
                    found = {
                        m.timestamp: m.value for m in await lighting_records(gateway, "measurement")
                        if m.property == LEVEL and m.timestamp in (first, second)
                    }  # fmt: skip
                    return found if second in found else None

                await until(both, "the readings")
                await asyncio.sleep(0.5)  # two more polls: nothing else arrives
                return await both(), first, second

    found, first, second = run(go())
    assert found[second] == pytest.approx(22.0, abs=1.0)
    if readings == "history":
        assert found[first] == pytest.approx(11.0, abs=1.0)
    else:
        assert first not in found


@pytest.mark.parametrize("name", SYSTEMS)
def test_dim_one_light_several_and_a_group_results_per_light_stored(
    name, simulators, tmp_path, monkeypatch, registry
):
    world = LightWorld(8, seed=5)

    async def go():
        async with serve(simulators[name], world) as url:
            config = lighting_config(tmp_path, monkeypatch, name, url, world, poll_seconds=60)
            async with running(config, registry) as gateway:
                base = f"{gateway.url}/lighting/city"
                async with aiohttp.ClientSession() as session:
                    status, _, body = await call(session, "GET", f"{base}/lights")
                    assert status == 200, body
                    inventory = json.loads(body)["items"]
                    one = inventory[1]["id"]
                    answers = {
                        "one": await call(session, "POST", f"{base}/commands",
                                          {"action": "set_level", "level": 30, "target": one}),
                        "several": await call(session, "POST", f"{base}/commands", [
                            {"action": "set_level", "level": 55, "duration": 600,
                             "lights": [x["id"] for x in inventory[2:5]]},
                            {"action": "resume_schedule", "target": inventory[6]["id"]},
                        ]),
                    }  # fmt: skip
                    groups = {x["group"] for x in inventory if x.get("group")}
                    if groups:
                        group = sorted(groups)[0]
                        answers["group"] = await call(
                            session, "POST", f"{base}/commands",
                            {"action": "set_level", "level": 20, "group": group},
                        )  # fmt: skip
                    stored = await lighting_records(gateway, "command_result")
                    commands = await lighting_records(gateway, "command")
        return inventory, answers, stored, commands

    inventory, answers, stored, commands = run(go())
    results = {
        k: [CommandResult.model_validate(x) for x in json.loads(body)["results"]]
        for k, (status, _, body) in answers.items()
        if status == 200
    }
    assert set(results) == set(answers), answers
    assert [str(r.target) for r in results["one"]] == [inventory[1]["id"]]
    several = [x["id"] for x in (*inventory[2:5], inventory[6])]
    assert [str(r.target) for r in results["several"]] == several
    if name == "talq":  # TALQ control groups; SLV has none, its lights go by list
        group = sorted({x["group"] for x in inventory if x.get("group")})[0]
        members = [x["id"] for x in inventory if x.get("group") == group]
        assert [str(r.target) for r in results["group"]] == members
    every = [r for rs in results.values() for r in rs]
    assert all(r.status.value == "accepted" for r in every), every
    assert {r.id for r in every} <= {r.id for r in stored}
    assert {r.command for r in every} <= {c.id for c in commands}
    levels = {world_light.name: world_light.override for world_light in world}
    assert levels[inventory[1]["name"]] == pytest.approx(30.0, abs=1.0)  # DALI arc precision


def test_bad_requests_are_4xx_problems_and_nothing_is_sent(
    simulators, tmp_path, monkeypatch, registry
):
    world = LightWorld(4, seed=1)
    light = "urn:interop:light:talq:nosuch"

    async def go():
        async with serve(simulators["talq"], world) as url:
            config = lighting_config(tmp_path, monkeypatch, "talq", url, world, poll_seconds=60)
            async with running(config, registry) as gateway:
                base = f"{gateway.url}/lighting"
                async with aiohttp.ClientSession() as session:
                    lights = json.loads((await call(session, "GET", f"{base}/city/lights"))[2])
                    real = lights["items"][0]["id"]
                    commands = f"{base}/city/commands"
                    answers = {
                        "no token": await call(session, "POST", commands,
                                               {"action": "on", "target": light}, headers={}),
                        "unknown system": await call(session, "POST", f"{base}/nope/commands",
                                                     {"action": "on", "target": light}),
                        "not json": await call(session, "POST", commands, b"{"),
                        "not an IRI": await call(session, "POST", commands,
                                                 {"action": "on", "target": "lamp 7"}),
                        "level on off": await call(session, "POST", commands,
                                                   {"action": "off", "level": 3, "target": light}),
                        "two targets": await call(session, "POST", commands,
                                                  {"action": "on", "target": light,
                                                   "group": "urn:g:1"}),
                        "empty group": await call(session, "POST", commands,
                                                  {"action": "on", "group": "urn:nogroup"}),
                        # personal data with no pseudonymisation key: kept aside, not sent
                        "issued by": await call(session, "POST", commands,
                                                {"action": "set_level", "level": 5, "target": real,
                                                 "issued_by": "jane.doe@ville.example"}),
                    }  # fmt: skip
                letters = await gateway.store.dead_letters()
        return answers, letters

    answers, letters = run(go())
    expected = {
        "no token": 401, "unknown system": 404, "not json": 400, "not an IRI": 400,
        "level on off": 400, "two targets": 400, "empty group": 422, "issued by": 422,
    }  # fmt: skip
    assert {k: v[0] for k, v in answers.items()} == expected
    for status, headers, body in answers.values():
        assert headers["Content-Type"].startswith("application/problem+json")
        assert json.loads(body)["status"] == status
        assert ADMIN not in body.decode()
    problem = json.loads(answers["level on off"][2])
    assert "level is required for set_level and forbidden" in problem["detail"]
    assert "absolute IRI" in json.loads(answers["not an IRI"][2])["detail"]
    assert json.loads(answers["issued by"][2])["kept"] == "dead-letter"
    assert [letter.stage.value for letter in letters] == ["policy"]
    assert all(light.override is None for light in world)  # nothing was sent


@pytest.mark.parametrize("name", SYSTEMS)
def test_system_down_is_503_and_the_poller_recovers(
    name, simulators, tmp_path, monkeypatch, registry
):
    world = LightWorld(3, seed=7)

    async def go():
        up = contextlib.AsyncExitStack()
        url = await up.enter_async_context(serve(simulators[name], world))
        port = int(url.rsplit(":", 1)[1])
        config = lighting_config(tmp_path, monkeypatch, name, url, world)
        try:
            async with running(config, registry) as gateway, aiohttp.ClientSession() as session:
                (city,) = gateway.lighting
                await until(lambda: _true(city.polled_at is not None), "the first poll")
                command = {"action": "set_level", "level": 45, "target": city.inventory[0].id}
                commands = f"{gateway.url}/lighting/city/commands"
                await up.aclose()  # the system goes down
                await until(lambda: _true(city.failing_since is not None), "the failure")
                down = await call(session, "POST", commands, command)
                await up.enter_async_context(serve(simulators[name], world, port=port))
                polled = city.polled_at
                await until(
                    lambda: _true(city.failing_since is None and city.polled_at != polled),
                    "the poller's recovery",
                )  # fmt: skip
                back = await call(session, "POST", commands, command)
                metrics = (await call(session, "GET", f"{gateway.url}/metrics"))[2].decode()
        finally:
            await up.aclose()
        return down, back, metrics

    down, back, metrics = run(go())
    assert down[0] == 503, down
    assert int(down[1]["Retry-After"]) > 0
    assert json.loads(down[2])["code"] in ("source-unavailable", "outcome-unknown", "rate-limited")
    assert back[0] == 200, back
    assert json.loads(back[2])["results"][0]["status"] == "accepted"
    assert 'interop_lighting_polls_total{outcome="failed",system="city"}' in metrics


async def _true(flag: bool) -> bool:
    return flag


@pytest.mark.parametrize("name", SYSTEMS)
def test_lights_follow_a_schedule_results_per_light_stored(
    name, simulators, tmp_path, monkeypatch, registry
):
    from interop.testing.lighting import conformance_schedule

    world = LightWorld(4, seed=13)

    async def go():
        async with serve(simulators[name], world) as url:
            controller = simulators[name].connect(url, world, None)
            try:
                saved = await controller.save_schedule(conformance_schedule())
                config = lighting_config(tmp_path, monkeypatch, name, url, world, poll_seconds=60)
                async with running(config, registry) as gateway:
                    base = f"{gateway.url}/lighting/city"
                    async with aiohttp.ClientSession() as session:
                        listed = await call(session, "GET", f"{base}/schedules")
                        lights = [
                            x["id"]
                            for x in json.loads((await call(session, "GET", f"{base}/lights"))[2])[
                                "items"
                            ]
                        ][1:3]
                        answer = await call(
                            session,
                            "POST",
                            f"{base}/assignments",
                            {"schedule": saved.id, "lights": lights},
                        )
                        bad = await call(
                            session, "POST", f"{base}/assignments",
                            {"schedule": saved.id, "lights": lights, "group": "g"},
                        )  # fmt: skip
                    stored = await lighting_records(gateway, "command_result")
                assigned = await controller.assignments()
            finally:
                await controller.aclose()
        return saved, listed, lights, answer, bad, stored, assigned

    saved, listed, lights, answer, bad, stored, assigned = run(go())
    assert listed[0] == 200
    assert saved.id in {x["id"] for x in json.loads(listed[2])["items"]}
    assert answer[0] == 200, answer
    results = json.loads(answer[2])["results"]
    assert [r["target"] for r in results] == lights
    assert all(r["status"] in ("accepted", "applied", "succeeded") for r in results), results
    assert {r["id"] for r in results} <= {r.id for r in stored}
    assert all(assigned.get(light) == saved.id for light in lights)
    assert bad[0] == 400


@settings(max_examples=25, deadline=None)
@given(
    when=st.datetimes(timezones=st.just(UTC), min_value=datetime(2000, 1, 1)),
    other=st.datetimes(timezones=st.just(UTC), min_value=datetime(2000, 1, 1)),
)
def test_cursors_survive_a_restart_per_system_and_address(tmp_path_factory, when, other):
    path = tmp_path_factory.mktemp("cursors") / "lighting-cursors.json"
    CursorFile(path).put("north", "slv:http://a", when)
    CursorFile(path).put("south", "talq:http://b", other)
    again = CursorFile(path)  # as after a restart
    assert again.get("north", "slv:http://a") == when
    assert again.get("south", "talq:http://b") == other
    assert again.get("north", "talq:http://a") is None  # another system at that name
    path.write_bytes(b"\xff not json")
    assert CursorFile(path).get("north", "slv:http://a") is None  # unreadable: start afresh


@pytest.mark.parametrize("workers", [1, 2])
def test_interop_serve_polls_and_commands_a_configured_system(
    simulators, tmp_path, monkeypatch, workers
):
    """``interop serve --config`` as a child process: the TOML lighting section, end to end.

    With two workers only worker 0 polls; every ``GET /lighting`` (each a new connection,
    which the kernel gives to either worker) still shows the last poll.
    """
    world = LightWorld(3, seed=17)
    monkeypatch.setenv("TEST_ADMIN_TOKEN", ADMIN)
    monkeypatch.setenv("TEST_LIGHTING_CREDENTIALS", world.token)
    with serve_in_thread(simulators["talq"], world) as url:
        config = write_config(
            tmp_path / "gateway.toml",
            f"""
[server]
admin_token = "env:TEST_ADMIN_TOKEN"
log_format = "text"
workers = {workers}
[store]
location = "{tmp_path / "data"}"
[[sink]]
name = "files"
kind = "jsonl"
path = "{tmp_path / "out"}"
[[lighting]]
name = "city"
url = "talq:{url}"
credentials = "env:TEST_LIGHTING_CREDENTIALS"
poll_seconds = 0.3
""",
        )
        gateway = GatewayProcess(config, free_port(), tmp_path / "gateway.log", "talq,template")
        gateway.start(workers=workers)  # every worker answers before the checks begin
        try:
            deadline = time.monotonic() + 30
            systems: list[dict[str, Any]] = []
            while time.monotonic() < deadline:
                systems = _get_json(f"{gateway.url}/lighting")["systems"]
                if systems and systems[0]["polled_at"]:
                    break
                time.sleep(0.1)
            seen = [_get_json(f"{gateway.url}/lighting")["systems"][0] for _ in range(16)]
            lights = _get_json(f"{gateway.url}/lighting/city/lights")["items"]
            request = urllib.request.Request(
                f"{gateway.url}/lighting/city/commands", method="POST",
                data=json.dumps({"action": "off", "target": lights[0]["id"]}).encode(),
                headers={**AUTH, "Content-Type": "application/json"},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.loads(response.read())
        finally:
            gateway.terminate()
    assert systems[0]["status"] == "ok"
    assert systems[0]["lights"] == 3
    assert all(view["polled_at"] and view["lights"] == 3 for view in seen), seen
    assert answer["stored"] is True
    assert [r["status"] for r in answer["results"]] == ["accepted"]
    delivered = [
        json.loads(line)
        for file in sorted((tmp_path / "out").rglob("*"))
        if file.is_file()
        for line in file.read_text(encoding="utf-8").splitlines()
    ]
    assert {"lighting_light_point", "measurement", "command", "command_result"} <= {
        record["kind"] for record in delivered
    }
    assert world.token not in (tmp_path / "gateway.log").read_text(encoding="utf-8")


def _get_json(url: str) -> Any:
    request = urllib.request.Request(url, headers=AUTH)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())
