"""The broker sink against a minimal NGSI-LD broker double on loopback (spec status codes)."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from interop_ngsild.sink import BrokerSink

from interop.errors import RecordsRefused, SourceUnavailable, ValidationError
from interop.model.base import Point
from interop.model.device import Device, DeviceKind
from interop.model.observation import Measurement
from interop.model.properties import SAREF
from interop.model.units import OM

ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"


class BrokerDouble:
    """Entities by id, temporal instances, and scripted refusals or transient failures."""

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, Any]] = {}
        self.temporal: dict[str, list[Any]] = {}
        self.refuse: set[str] = set()
        self.flaky: dict[str, int] = {}
        self.upsert_bodies: list[list[str]] = []
        self.tenants: list[str | None] = []
        self.runner: web.AppRunner | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    async def upsert(self, request: web.Request) -> web.Response:
        self.tenants.append(request.headers.get("NGSILD-Tenant"))
        body = await request.json()
        self.upsert_bodies.append([entity["id"] for entity in body])
        created, errors = [], []
        for entity in body:
            entity_id = entity["id"]
            if entity_id in self.refuse:
                errors.append(
                    {
                        "entityId": entity_id,
                        "error": {
                            "type": ERRORS + "BadRequestData",
                            "title": "Bad request data",
                            "detail": f"attribute of {entity_id} is not valid",
                            "status": 400,
                        },
                    }
                )
            elif self.flaky.get(entity_id, 0) > 0:
                self.flaky[entity_id] -= 1
                errors.append(
                    {
                        "entityId": entity_id,
                        "error": {"type": ERRORS + "InternalError", "status": 503},
                    }
                )
            else:
                if entity_id not in self.entities:
                    created.append(entity_id)
                self.entities.setdefault(entity_id, {}).update(entity)
        if errors:
            return web.json_response({"success": created, "errors": errors}, status=207)
        if created:
            return web.json_response(created, status=201)
        return web.Response(status=204)

    async def temporal_post(self, request: web.Request) -> web.Response:
        entity = await request.json()
        instances = self.temporal.setdefault(entity["id"], [])
        for name, value in entity.items():
            if name != "@context" and isinstance(value, list):
                instances.extend((name, item["observedAt"]) for item in value)
        return web.Response(status=201 if len(instances) else 204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/ngsi-ld/v1/entityOperations/upsert", self.upsert)
        app.router.add_post("/ngsi-ld/v1/temporal/entities", self.temporal_post)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        assert self.runner is not None
        await self.runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _readings(count: int, start: int = 0) -> list[Measurement | Device]:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        Measurement(
            id=f"urn:x:m:{index}",
            property=SAREF + "Temperature",
            value=float(index),
            unit=OM + "degreeCelsius",
            timestamp=base + timedelta(minutes=index),
            device=f"urn:x:device:{index % 3}",
        )
        for index in range(start, start + count)
    ]


def _sink(url: str, **options: Any) -> BrokerSink:
    return BrokerSink.from_mapping(
        {"url": url, "tenant": "city", "batch_size": 2, "retry_delay": 0.01, **options}
    )


def test_settings_errors_name_the_field() -> None:
    with pytest.raises(ValidationError, match="batch_size"):
        BrokerSink.from_mapping({"url": "http://broker:1026", "batch_size": 0})


def test_mixed_207_retries_only_the_failed_entities_and_refuses_bad_ones() -> None:
    async def scenario() -> None:
        broker = BrokerDouble()
        await broker.start()
        device = Device(id="urn:x:device:9", device_kind=DeviceKind.SENSOR)
        records = [*_readings(3), device]
        broker.refuse.add("urn:x:device:9")
        broker.flaky["urn:x:m:1"] = 1
        sink = _sink(broker.url)
        try:
            with pytest.raises(RecordsRefused) as caught:
                await sink.write(records)
        finally:
            await sink.aclose()
            await broker.stop()
        assert caught.value.refused.keys() == {3}
        assert "BadRequestData" in caught.value.refused[3]
        resent = [ids for ids in broker.upsert_bodies if "urn:x:m:1" in ids]
        assert resent[-1] == ["urn:x:m:1"]
        assert {"urn:x:m:0", "urn:x:m:1", "urn:x:m:2"} <= broker.entities.keys()
        assert set(broker.tenants) == {"city"}
        assert len(broker.temporal) == 3

    asyncio.run(scenario())


def test_stream_survives_a_broker_restart_with_nothing_lost() -> None:
    async def scenario() -> None:
        broker = BrokerDouble()
        await broker.start()
        sink = _sink(broker.url)
        delivered: list[str] = []
        batches = [_readings(4, start) for start in range(0, 20, 4)]
        cursor, attempts = 0, 0
        try:
            while cursor < len(batches):
                attempts += 1
                if cursor == 2 and attempts == 3:
                    await broker.stop()
                if cursor == 2 and attempts == 5:
                    await broker.start()
                try:
                    await sink.write(batches[cursor])
                except SourceUnavailable:
                    await asyncio.sleep(0.01)
                    continue
                delivered.extend(record.id for record in batches[cursor])
                cursor += 1
        finally:
            await sink.aclose()
            await broker.stop()
        assert attempts > len(batches)
        assert len(delivered) == 20
        instants = sorted(item for items in broker.temporal.values() for item in items)
        assert len(instants) == 20
        assert set(broker.entities) == {f"urn:x:m:{index}" for index in range(20)}

    asyncio.run(scenario())


def test_link_header_mode_sends_no_inline_context() -> None:
    async def scenario() -> None:
        broker = BrokerDouble()
        await broker.start()
        sink = _sink(broker.url, context="link", flavour="orion-ld")
        location = Point(lat=52.0, lon=4.0)
        device = Device(id="urn:x:device:0", device_kind=DeviceKind.SENSOR, location=location)
        try:
            await sink.write([device, *_readings(1)])
        finally:
            await sink.aclose()
            await broker.stop()
        assert all("@context" not in entity for entity in broker.entities.values())
        assert broker.temporal == {}

    asyncio.run(scenario())
