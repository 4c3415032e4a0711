"""Webhooks of a running gateway: authentication, durable answers, hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from interop.store import open_store

from .conftest import ADMIN, TOKEN, config_for, run, running

SAMPLES = Path(__file__).resolve().parents[2] / "plugins/template/interop_template/samples"
LAMP = (SAMPLES / "street-lamp-17.json").read_bytes()
JSON = {"Content-Type": "application/json"}
AUTH = {"Authorization": f"Bearer {TOKEN}", **JSON}


async def post(session, url, body, headers=AUTH):
    async with session.post(url, data=body, headers=headers) as response:
        text = await response.read()
        return response.status, response.headers, text


def test_authenticated_webhook_is_durable_idempotent_and_counted(tmp_path, monkeypatch, registry):
    config = config_for(tmp_path, monkeypatch)

    async def go():
        async with running(config, registry) as gateway:
            url = f"{gateway.url}/ingest/template/sensors"
            async with aiohttp.ClientSession() as session:
                first = await post(session, url, LAMP)
                again = await post(session, url, LAMP)
                nobody = await post(session, url, LAMP, JSON)
                wrong = await post(session, url, LAMP, {"Authorization": "Bearer nope", **JSON})
                async with session.get(f"{gateway.url}/metrics") as response:
                    metrics = (await response.read()).decode()
            stats = await gateway.store.stats()
        return first, again, nobody, wrong, metrics, stats

    first, again, nobody, wrong, metrics, stats = run(go())
    assert first[0] == 202
    assert json.loads(first[2]) == {"status": "stored", "records": 3}
    assert again[0] == 200
    assert json.loads(again[2])["status"] == "duplicate"
    for status, headers, body in (nobody, wrong):
        assert status == 401
        assert headers["Content-Type"].startswith("application/problem+json")
        assert json.loads(body)["code"] == "auth-failed"
        assert TOKEN not in body.decode()
    assert 'interop_auth_failures_total{route="/ingest/template/sensors"} 2.0' in metrics
    assert "interop_stored_total 3.0" in metrics
    assert stats.records == 3
    assert stats.inbox_total == 1
    assert stats.dead_letters == 0


def test_hostile_input_gets_4xx_and_a_dead_letter_never_5xx(tmp_path, monkeypatch, registry):
    config = config_for(tmp_path, monkeypatch)
    deep = b"[" * 10_000 + b"]" * 10_000
    cases = {
        "malformed json": (b'{"device": "x", "time": ', JSON, 422),
        "deep json": (deep[:4000], JSON, 422),
        "non utf-8": (b"\xff\xfe\xfa" * 10, JSON, 422),
        "wrong type": (LAMP, {"Content-Type": "text/plain"}, 415),
        "too large": (b"{" + b" " * 10_000 + b"}", JSON, 413),
        "protobuf junk": (bytes(range(256)), {"Content-Type": "application/octet-stream"}, 415),
        "json array": (b"[1, 2, 3]", JSON, 422),
        "empty": (b"", JSON, 422),
    }

    async def go():
        async with running(config, registry) as gateway:
            url = f"{gateway.url}/ingest/template/sensors"
            answers = {}
            async with aiohttp.ClientSession() as session:
                for name, (body, headers, _) in cases.items():
                    answers[name] = await post(
                        session, url, body, {"Authorization": f"Bearer {TOKEN}", **headers}
                    )
                ok = await post(session, url, LAMP)
                async with session.get(
                    f"{gateway.url}/admin/deadletters",
                    headers={"Authorization": f"Bearer {ADMIN}"},
                ) as response:
                    listed = json.loads(await response.read())
            return answers, ok, listed

    answers, ok, listed = run(go())
    for name, (_, _, expected) in cases.items():
        status, _headers, body = answers[name]
        assert status == expected, (name, status, body[:200])
        problem = json.loads(body)
        assert problem["status"] == expected
        assert problem["kept"] == "dead-letter"
    assert ok[0] == 202  # the gateway is still up and well
    codes = sorted(item["code"] for item in listed["items"])
    assert len(codes) == len(cases)
    assert codes.count("unsupported-media-type") == 2
    assert codes.count("payload-too-large") == 1
    too_large = next(i for i in listed["items"] if i["code"] == "payload-too-large")
    assert too_large["stage"] == "decode"


def test_admin_api_lists_and_replays_and_is_guarded(tmp_path, monkeypatch, registry):
    config = config_for(tmp_path, monkeypatch)
    unknown_unit = json.dumps(
        {"device": "d", "time": "2026-01-01T00:00:00Z",
         "readings": [{"property": "temperature", "value": 1, "unit": "furlong"}]}
    ).encode()  # fmt: skip

    async def go():
        async with running(config, registry) as gateway:
            base = gateway.url
            admin = {"Authorization": f"Bearer {ADMIN}"}
            async with aiohttp.ClientSession() as session:
                bad = await post(session, f"{base}/ingest/template/sensors", unknown_unit)
                async with session.get(f"{base}/admin/deadletters") as response:
                    anonymous = response.status
                async with session.get(f"{base}/admin/deadletters?limit=x", headers=admin) as r:
                    bad_query = r.status
                async with session.get(f"{base}/admin/deadletters", headers=admin) as response:
                    items = json.loads(await response.read())["items"]
                async with session.post(
                    f"{base}/admin/deadletters/replay",
                    json={"ids": [items[0]["id"]]},
                    headers=admin,
                ) as response:
                    replay = json.loads(await response.read())
                async with session.post(
                    f"{base}/admin/deadletters/replay", data=b"nope", headers=admin
                ) as response:
                    replay_bad = response.status
        return bad, anonymous, bad_query, items, replay, replay_bad

    bad, anonymous, bad_query, items, replay, replay_bad = run(go())
    assert bad[0] == 422
    assert "furlong" in json.loads(bad[2])["detail"]
    assert anonymous == 401
    assert bad_query == 400
    assert len(items) == 1
    assert items[0]["stage"] == "decode"
    assert "furlong" in items[0]["reason"]
    assert replay == {"replayed": 0, "failed": 1, "missing": 0}  # still no such unit
    assert replay_bad == 400


def test_store_down_answers_503_and_acknowledges_nothing(tmp_path, monkeypatch, registry):
    from interop.testing.servers import running_postgres

    with running_postgres(fsync=False) as server:
        config = config_for(tmp_path, monkeypatch, store={"location": server.dsn})

        async def go():
            async with running(config, registry) as gateway:
                url = f"{gateway.url}/ingest/template/sensors"
                async with aiohttp.ClientSession() as session:
                    before = await post(session, url, LAMP)
                    server.stop()
                    during = await post(session, url, (SAMPLES / "river-gauge-2.json").read_bytes())
                    async with session.get(f"{gateway.url}/readyz") as response:
                        ready = response.status, json.loads(await response.read())
                    server.start()
                    after = await post(session, url, (SAMPLES / "river-gauge-2.json").read_bytes())
            return before, during, ready, after

        before, during, ready, after = run(go())

        async def count():
            async with open_store(server.dsn) as store:
                return (await store.stats()).records

        records = run(count())
    assert before[0] == 202
    assert during[0] == 503
    assert during[1]["Retry-After"] == "5"
    assert ready[0] == 503
    assert ready[1]["store"].startswith("failing")
    assert after[0] == 202
    assert records == 5
