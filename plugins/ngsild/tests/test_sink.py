"""The broker sink against a minimal NGSI-LD broker double on loopback (spec status codes)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from interop_ngsild.sink import BrokerSink

from interop.errors import RecordsRefused, SourceUnavailable, ValidationError
from interop.model.base import Point
from interop.model.device import Device, DeviceKind
from interop.model.observation import Measurement
from interop.model.place import Place
from interop.model.properties import SAREF
from interop.model.records import Record, RecordAdapter
from interop.model.transit import ServiceCalendar
from interop.model.units import OM
from interop.pipeline import Backoff, Pipeline, Route, SinkBinding
from interop.pipeline.sources import message_key
from interop.store import DeadLetterStage, RawMessage, open_store


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


def test_mixed_207_retries_only_the_failed_entities_and_refuses_bad_ones(
    broker_double: Any,
) -> None:
    async def scenario() -> None:
        broker = broker_double()
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


def test_stream_survives_a_broker_restart_with_nothing_lost(broker_double: Any) -> None:
    async def scenario() -> None:
        broker = broker_double()
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


def test_link_header_mode_sends_no_inline_context(broker_double: Any) -> None:
    async def scenario() -> None:
        broker = broker_double()
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


def _city_stream(count: int) -> list[Record]:
    """Located sensors, then temperature (WeatherObserved) and power (DeviceMeasurement)."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    sensors: list[Record] = [
        Device(
            id=f"urn:x:sensor:{index}",
            device_kind=DeviceKind.SENSOR,
            location=Point(lat=52.0 + index / 100, lon=4.0),
            measures=frozenset({SAREF + "Temperature", SAREF + "Power"}),
        )
        for index in range(4)
    ]
    readings: list[Record] = [
        Measurement(
            id=f"urn:x:reading:{index}",
            property=SAREF + ("Temperature" if index % 2 else "Power"),
            value=float(index) / 4,
            unit=OM + ("degreeCelsius" if index % 2 else "watt"),
            timestamp=base + timedelta(seconds=index),
            device=f"urn:x:sensor:{index % 4}",
        )
        for index in range(count)
    ]
    return sensors + readings


def _messages(records: list[Record]) -> list[RawMessage]:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for record in records:
        payload = RecordAdapter.dump_json(record)
        out.append(RawMessage("records", message_key("records", payload), payload, at))
    return out


async def _until(condition: Any, what: str, timeout: float = 20.0) -> None:
    """Poll ``condition`` until it holds (a bounded wait for background delivery)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
    assert condition(), what


def test_pipeline_stream_survives_a_broker_stopped_and_restarted_mid_stream(
    tmp_path: Any, broker_double: Any
) -> None:
    """A pipeline with a real store delivers everything it stored, across a broker outage.

    The broker is shut down (connections refused) after the first deliveries and started
    again on the same port later; the refused device goes to the dead letter with the
    broker's words; every other stored record is in the broker, exactly as stored.
    """

    async def scenario() -> None:
        records = _city_stream(60)
        messages = _messages(records)
        broker = broker_double()
        broker.refuse.add("urn:x:sensor:3")
        await broker.start()
        sink = BrokerSink.from_mapping(
            {"url": broker.url, "tenant": "city", "batch_size": 7, "retry_delay": 0.01}
        )
        fast = Backoff(base=0.01, cap=0.05)
        async with open_store(tmp_path / "store") as store:
            binding = SinkBinding("city-broker", sink, "EEA", batch_size=10)
            routes = [Route("records", "records")]
            pipeline = Pipeline(store, None, routes, sinks=[binding], backoff=fast)
            try:
                async with pipeline:
                    await pipeline.submit(messages[:24])
                    await _until(lambda: len(broker.accepted) >= 5, "first deliveries")
                    await broker.stop()
                    retries = pipeline.counters.retries["city-broker"]
                    await pipeline.submit(messages[24:44])
                    await pipeline.wait_processed()
                    await _until(
                        lambda: pipeline.counters.retries["city-broker"] >= retries + 3,
                        "deliveries failing while the broker is down",
                    )
                    stalled = len(broker.accepted)
                    await broker.start()
                    await pipeline.submit(messages[44:])
                    await pipeline.wait_processed()
                    await asyncio.wait_for(pipeline.wait_delivered(), 30)
            finally:
                await broker.stop()
            stored = [record for _, record in await store.scan(limit=1000)]
            letters = await store.dead_letters()
        assert stalled < len(broker.accepted)
        assert len(stored) == len(records)
        assert [(d.key, d.stage) for d in letters] == [("urn:x:sensor:3", DeadLetterStage.DELIVERY)]
        assert "BadRequestData" in letters[0].reason
        assert "attribute of urn:x:sensor:3 is not valid" in letters[0].reason
        assert broker.history, "measured values also went to the temporal API"
        delivered = broker.delivered()
        expected = {record.id: record for record in stored if record.id != "urn:x:sensor:3"}
        assert {key: delivered.get(key) for key in expected} == expected
        assert set(broker.tenants) == {"city"}

    asyncio.run(scenario())


def test_an_unknown_tenant_is_retried_and_named(broker_double: Any) -> None:
    """Stellio answers NonexistentTenant until the tenant is configured: retry, never refuse."""

    async def scenario() -> None:
        broker = broker_double()
        broker.known_tenants = {"urn:ngsi-ld:tenant:default"}
        await broker.start()
        sink = _sink(broker.url, flavour="stellio")
        try:
            with pytest.raises(SourceUnavailable) as caught:
                await sink.write(_readings(2))
            broker.known_tenants.add("city")
            await sink.write(_readings(2))
        finally:
            await sink.aclose()
            await broker.stop()
        assert caught.value.field == "tenant"
        assert "NonexistentTenant" in str(caught.value)
        assert set(broker.entities) == {"urn:x:m:0", "urn:x:m:1"}

    asyncio.run(scenario())


def test_a_refused_token_is_retried_not_dead_lettered(
    broker_double: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong token is the configuration's fault: the records wait, the error names it."""
    monkeypatch.setenv("NGSILD_TEST_TOKEN", "stale")

    async def scenario() -> None:
        broker = broker_double()
        broker.token = "fresh"
        await broker.start()
        sink = _sink(broker.url, token="env:NGSILD_TEST_TOKEN")
        try:
            with pytest.raises(SourceUnavailable) as caught:
                await sink.write(_readings(1))
        finally:
            await sink.aclose()
            await broker.stop()
        assert caught.value.code == "auth-failed"
        assert caught.value.field == "token"
        assert "stale" not in str(caught.value)
        assert broker.entities == {}

    asyncio.run(scenario())


def test_a_refused_entity_names_the_record_behind_it_even_under_another_id(
    broker_double: Any,
) -> None:
    """A calendar's entity id is not the record's id: its refusal still names the record."""
    calendar = ServiceCalendar(
        id="urn:x:service:weekdays",
        **dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), True),
        **dict.fromkeys(("saturday", "sunday"), False),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )

    async def scenario() -> None:
        broker = broker_double()
        broker.refuse.add("urn:ngsi-ld:GtfsCalendarRule:urn:x:service:weekdays")
        await broker.start()
        sink = _sink(broker.url)
        try:
            with pytest.raises(RecordsRefused) as caught:
                await sink.write([*_readings(1), calendar])
        finally:
            await sink.aclose()
            await broker.stop()
        assert caught.value.refused.keys() == {1}
        assert "BadRequestData" in caught.value.refused[1]

    asyncio.run(scenario())


def test_the_sink_remembers_parking_spots_across_batches(broker_double: Any) -> None:
    """A spot's occupancy delivered after the spot itself still counts vehicles, not people."""
    bay = Place(
        id="urn:x:bay:1",
        point=Point(lat=52.0, lon=4.0),
        within="urn:ngsi-ld:OffStreetParking:x:p1",
    )
    occupied = Measurement(
        id="urn:x:bay-reading:1",
        property=SAREF + "Occupancy",
        value=1,
        unit=OM + "one",
        timestamp=datetime(2026, 1, 1, tzinfo=UTC),
        feature_of_interest=bay.id,
    )

    async def scenario() -> None:
        broker = broker_double()
        await broker.start()
        sink = _sink(broker.url)
        try:
            await sink.write([bay])
            await sink.write([occupied])
        finally:
            await sink.aclose()
            await broker.stop()
        assert broker.entities[bay.id]["type"] == "ParkingSpot"
        assert broker.entities[occupied.id]["type"] == "DeviceMeasurement"

    asyncio.run(scenario())
