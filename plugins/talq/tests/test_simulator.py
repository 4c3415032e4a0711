"""The simulated Gateway's own answers: envelope and token errors, paging headers, refusals."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiohttp
from interop_talq.simulator import SPEC

from interop.simulation.server import serve
from interop.simulation.world import LightWorld


async def _call(
    session: aiohttp.ClientSession,
    method: str,
    path: str,
    *,
    token: str | None,
    body: Any = None,
    query: dict[str, str] | None = None,
    envelope: bool = True,
) -> tuple[int, Any, dict[str, str]]:
    params = {"clientAddress": str(uuid.uuid4()), "talqRequestId": str(uuid.uuid4())}
    headers = {"talq-api-version": "2.7.1"} if envelope else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with session.request(
        method, path, params={**params, **(query or {})}, headers=headers, json=body
    ) as answer:
        text = await answer.text()
        return answer.status, (await answer.json()) if text else None, dict(answer.headers)


def test_the_simulator_answers_as_a_gateway() -> None:
    world = LightWorld(5)

    async def scenario() -> list[tuple[int, Any, dict[str, str]]]:
        async with serve(SPEC, world) as url, aiohttp.ClientSession(base_url=url) as session:
            async with session.post("/auth/token", headers={"Authorization": "Bearer nope"}) as a:
                refused = a.status
            async with session.post("/auth/token", json={"apiKey": world.token}) as answer:
                token = (await answer.json())["access_token"]
            device = str(uuid.uuid4())
            answers = [
                await _call(session, "GET", "/devices", token="forged"),
                await _call(session, "GET", "/devices", token=token, envelope=False),
                await _call(session, "GET", "/devices", token=token, query={"limit": "2"}),
                await _call(session, "GET", "/devices", token=token, query={"offset": "-1"}),
                await _call(
                    session,
                    "POST",
                    "/override-commands",
                    token=token,
                    body={
                        "addresses": [{"resource": "groups", "address": "G1"}],
                        "targetCommand": {"state": {"name": "LevelState", "value": 101}},
                    },
                ),
                await _call(
                    session,
                    "POST",
                    "/assign-commands",
                    token=token,
                    body={
                        "addresses": [{"resource": "devices", "address": device}],
                        "entity": {"resource": "calendars", "address": "missing"},
                    },
                ),
                await _call(
                    session,
                    "POST",
                    "/override-commands",
                    token=token,
                    body={"addresses": [{"resource": "groups", "address": "G2"}]},
                ),
            ]
            return [(refused, None, {}), *answers]

    answers = asyncio.run(scenario())
    assert [status for status, _, _ in answers] == [401, 401, 400, 200, 400, 422, 422, 202]
    keys = [
        body[0]["key"] if isinstance(body, list) and body and "key" in body[0] else None
        for _, body, _ in answers
    ]
    assert keys[1:3] == ["genericError", "headerMissing"]
    assert keys[4:7] == [
        "parameterValueNotValid",
        "overrideCommandNotValid",
        "relatedResourceNotFound",
    ]
    _, page, headers = answers[3]
    assert len(page) == 2
    assert headers["pagination-count"] == "2"
    assert headers["pagination-offset"] == "0"
    assert headers["pagination-totalCount"] == "5"
    assert headers["pagination-defaultLimit"] == "100"
    resumed = {key for key, name, value in world.raw_log if name == "targetCommand"}
    assert resumed == {light.key for light in world.lights if light.group == "G2"}
    assert all(value is None for _, _, value in world.raw_log)


JUNK_BODIES = [
    None,
    [],
    {},
    [1, "x"],
    {"addresses": "x"},
    {"addresses": [{"resource": "devices"}], "targetCommand": "on"},
    {"address": "l", "ownerCMS": "o", "sourceAddresses": [], "recordingMode": 3},
    {"address": "l", "recordingMode": {"samplingProfiles": [{"samplingStartTime": "now"}]}},
    {"addresses": [{"resource": "devices", "address": "a"}], "entity": {"resource": "groups"}},
    [
        {
            "address": str(uuid.uuid4()),
            "name": "n",
            "class": "interop-lamp-controller",
            "functions": [{"id": "b", "type": "BasicFunction", "location": 5}],
        }
    ],
]


def test_junk_requests_get_talq_errors_not_server_errors() -> None:
    world = LightWorld(2)
    paths = [
        ("POST", "/override-commands"),
        ("POST", "/assign-commands"),
        ("POST", "/logger-configs"),
        ("POST", "/devices"),
        ("POST", "/calendars"),
        ("POST", "/control-programs"),
        ("POST", "/luminaire-types"),
        ("PUT", "/calendars/none"),
    ]

    async def scenario() -> list[tuple[str, int, Any]]:
        async with serve(SPEC, world) as url, aiohttp.ClientSession(base_url=url) as session:
            async with session.post("/auth/token", json={"apiKey": world.token}) as answer:
                token = (await answer.json())["access_token"]
            seen = []
            for method, path in paths:
                for body in JUNK_BODIES:
                    status, answer, _ = await _call(session, method, path, token=token, body=body)
                    seen.append((path, status, answer))
            return seen

    for path, status, answer in asyncio.run(scenario()):
        assert status in (201, 400, 404, 409, 422), (path, status, answer)
        if status != 201:
            assert answer[0]["key"] in {
                "payloadError",
                "resourceNotFound",
                "resourceConflict",
                "overrideCommandNotValid",
                "assignmentEntityNotValid",
                "relatedResourceNotFound",
            }


def test_the_simulator_refuses_what_a_gateway_refuses_and_stores_nothing() -> None:
    """Bodies breaking the TALQ shapes get 400 payloadError; duplicates in one request too."""
    world = LightWorld(2)
    owner = str(uuid.uuid4())
    good = {"id": "c1", "ownerCMS": owner, "rules": [{"program": "c1:wd"}]}
    bad_bodies = [
        ("/calendars", [{"id": "c2", "ownerCMS": owner, "rules": [{"condition": None}]}]),
        ("/calendars", [{"id": "c2", "ownerCMS": owner, "defaultProgram": 7}]),
        ("/calendars", [good, good]),
        ("/control-programs", [{"type": None, "id": "p", "ownerCMS": owner}]),
        ("/luminaire-types", [{"address": "t", "name": "t", "model": 1466}]),
        ("/luminaire-types", [{"address": "t", "name": "t", "powerConsumption": -1}]),
        ("/devices", [{"address": "dup", "class": "x"}, {"address": "dup", "class": "x"}]),
    ]

    async def scenario() -> list[tuple[int, Any]]:
        async with serve(SPEC, world) as url, aiohttp.ClientSession(base_url=url) as session:
            async with session.post("/auth/token", json={"apiKey": world.token}) as answer:
                token = (await answer.json())["access_token"]
            found = []
            for path, body in bad_bodies:
                status, answer_body, _ = await _call(session, "POST", path, token=token, body=body)
                found.append((status, answer_body))
            status, _, _ = await _call(session, "POST", "/calendars", token=token, body=[good])
            found.append((status, None))
            status, listed, _ = await _call(session, "GET", "/calendars", token=token)
            found.append((status, listed))
            return found

    answers = asyncio.run(scenario())
    for (path, body), (status, answer) in zip(bad_bodies, answers, strict=False):
        assert status == 400, (path, body, status, answer)
        assert answer[0]["key"] == "payloadError", answer
    assert answers[len(bad_bodies)][0] == 201
    assert answers[-1] == (200, [good])
