"""GTFS-Realtime codec: corpus samples, lossless round trips, junk, and the conformance kit."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from google.transit import gtfs_realtime_pb2 as pb
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_gtfs.expected import realtime_known_answers
from interop_gtfs.realtime import (
    EXTENSION,
    GtfsRealtimeCodec,
    entity_iri,
)
from interop_gtfs.realtime_conformance import (
    ROUND_TRIP_CONTEXT,
    example_messages,
    feed_records,
    realtime_cases,
    unrepresentable,
)

from interop.adapters import DecodeContext, EncodeContext
from interop.errors import DecodeError, EncodeError
from interop.model.base import Point
from interop.model.realtime import (
    OccupancyStatus,
    ServiceAlert,
    StopTimeScheduleRelationship,
    TripUpdate,
    VehiclePosition,
    VehicleStopStatus,
)
from interop.rdf import to_graph, validate
from interop.testing.conformance import CodecConformance, assert_records_equal

CTX = DecodeContext(source="test")
OUT = EncodeContext()


def _read(corpus: Path, name: str) -> bytes:
    return (corpus / "realtime" / name).read_bytes()


def _reencoded(codec: GtfsRealtimeCodec, raw: bytes) -> tuple[list, list]:  # type: ignore[type-arg]
    records = codec.decode(raw, CTX)
    return records, codec.decode(codec.encode(records, OUT), CTX)


# ---------------------------------------------------------------- the corpus


def test_spec_trip_updates(gtfs_corpus: Path) -> None:
    codec = GtfsRealtimeCodec(namespace="spec")
    raw = _read(gtfs_corpus, "spec-trip-updates-full.pb")
    records, again = _reencoded(codec, raw)
    assert again == records
    assert codec.encode(records, OUT) == raw
    assert [type(r) for r in records] == [TripUpdate, TripUpdate]
    simple, frequency = records
    assert simple.id == "urn:interop:trip-update:spec:simple-trip"
    assert simple.journey == "urn:interop:trip:spec:trip-1"
    assert [u.stop_sequence for u in simple.stop_time_updates] == [3, 8, 10]
    assert simple.stop_time_updates[0].arrival.delay == 5
    header = simple.extensions[EXTENSION]["header"]
    assert header == {
        "gtfs_realtime_version": "2.0",
        "incrementality": "FULL_DATASET",
        "timestamp": 1284457468,
    }
    assert frequency.start_time is not None  # a frequency-expanded trip
    delays = [
        event.delay
        for update in frequency.stop_time_updates
        for event in (update.arrival, update.departure)
        if event is not None and event.delay is not None
    ]
    assert any(delay < 0 for delay in delays)
    assert validate(to_graph(records)).conforms


def test_gtfsr_kit_trip_updates_volume(gtfs_corpus: Path) -> None:
    codec = GtfsRealtimeCodec(namespace="akl")
    raw = _read(gtfs_corpus, "gtfsr_kit-tripUpdates.pb")
    records, again = _reencoded(codec, raw)
    assert len(records) == 2847
    assert all(isinstance(r, TripUpdate) for r in records)
    first = records[0]
    assert first.provenance is not None
    assert first.provenance.original_id == "2014-11-30:CXX:L019:7062"
    assert first.journey == "urn:interop:trip:akl:8803145"
    assert first.start_date == date(2014, 11, 30)
    update = first.stop_time_updates[0]
    assert update.stop == "urn:interop:stop:akl:36992"
    assert update.departure is not None
    assert update.departure.delay == 19
    assert update.departure.time == datetime(2014, 11, 30, 22, 34, 19, tzinfo=UTC)
    assert first.extensions[EXTENSION]["header"]["timestamp"] == 1417387583
    assert again == records
    assert codec.encode(records, OUT) == raw


def test_bullrunner_vehicle_positions(gtfs_corpus: Path) -> None:
    codec = GtfsRealtimeCodec(namespace="bullrunner-gtfs")
    raw = _read(gtfs_corpus, "bullrunner-vehicle-positions.pb")
    records, again = _reencoded(codec, raw)
    assert again == records
    assert codec.encode(records, OUT) == raw
    assert len(records) == 10
    assert all(isinstance(r, VehiclePosition) for r in records)
    bus = records[0]
    assert isinstance(bus, VehiclePosition)
    assert bus.vehicle_id == "1536"
    assert bus.line == "urn:interop:route:bullrunner-gtfs:F"
    assert bus.journey is None  # route only, no trip_id
    assert bus.bearing == 180.0
    assert bus.point is not None
    assert bus.point.lat == pytest.approx(28.0662212, abs=1e-6)
    assert bus.occupancy_status is OccupancyStatus.EMPTY
    assert validate(to_graph(records)).conforms


def test_bindings_vehicle_position(gtfs_corpus: Path) -> None:
    codec = GtfsRealtimeCodec()
    raw = _read(gtfs_corpus, "bindings-vehicle_position.pb")
    [position] = codec.decode(raw, CTX)
    assert isinstance(position, VehiclePosition)
    assert position.point == Point(lat=47.0, lon=-122.0)
    assert position.journey == "urn:interop:trip:gtfs:t0"
    assert position.extensions[EXTENSION]["header"] == {"gtfs_realtime_version": "1.0"}
    assert codec.encode([position], OUT) == raw


# ---------------------------------------------------------------- built messages


def test_examples_decode_and_reencode_byte_for_byte() -> None:
    codec = GtfsRealtimeCodec()
    for raw in example_messages():
        records = codec.decode(raw, CTX)
        assert records
        assert codec.encode(records, OUT) == raw


def test_mixed_entity_gives_one_record_per_payload_and_merges_back() -> None:
    codec = GtfsRealtimeCodec(namespace="city")
    mixed = example_messages()[3]
    records = codec.decode(mixed, CTX)
    assert [r.id for r in records] == [
        "urn:interop:trip-update:city:m-0",
        "urn:interop:trip-update:city:m-1",
        "urn:interop:vehicle-position:city:m-1",
        "urn:interop:service-alert:city:m-2",
    ]
    feed = pb.FeedMessage()
    feed.ParseFromString(codec.encode(records, OUT))
    assert [e.id for e in feed.entity] == ["m-0", "m-1", "m-2"]
    assert feed.entity[1].HasField("trip_update")
    assert feed.entity[1].HasField("vehicle")


def test_vehicle_and_alert_fields() -> None:
    codec = GtfsRealtimeCodec(namespace="city")
    [position] = codec.decode(example_messages()[1], CTX)
    assert isinstance(position, VehiclePosition)
    assert position.vehicle_label == "Tram 11"
    assert position.current_status is VehicleStopStatus.STOPPED_AT
    assert position.stop == "urn:interop:stop:city:S1"
    assert position.timestamp == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    [alert] = codec.decode(example_messages()[2], CTX)
    assert isinstance(alert, ServiceAlert)
    assert alert.header == {"en": "Stop moved", "fr": "Arrêt déplacé"}
    assert alert.description == {"": "Use the temporary stop."}
    assert alert.informed_entities[1].trip is not None
    assert alert.informed_entities[1].trip.journey == "urn:interop:trip:city:T1"
    [update] = codec.decode(example_messages()[0], CTX)
    assert isinstance(update, TripUpdate)
    assert update.start_time == 25 * 3600 + 600
    assert update.stop_time_updates[1].schedule_relationship is (
        StopTimeScheduleRelationship.SKIPPED
    )


def test_unmapped_fields_and_unknown_fields_survive() -> None:
    codec = GtfsRealtimeCodec()
    raw = example_messages()[-1]
    records = codec.decode(raw, CTX)
    assert [r.kind for r in records] == [
        "transit_vehicle_position",
        "transit_trip_update",
        "transit_service_alert",
    ]
    assert all("rest" in r.extensions[EXTENSION] for r in records)
    assert "entity_rest" in records[2].extensions[EXTENSION]  # is_deleted, shape
    feed = pb.FeedMessage()
    feed.ParseFromString(codec.encode(records, OUT))
    assert feed.entity[0].vehicle.multi_carriage_details[0].label == "A"
    assert feed.entity[1].trip_update.trip_properties.trip_headsign == "Airport"
    assert feed.entity[2].is_deleted
    assert feed.entity[2].shape.shape_id == "experimental"
    assert feed.entity[2].alert.tts_header_text.translation[0].text == "Stop moved"
    assert feed.header.feed_version == "v7"
    assert codec.encode(records, OUT) == raw  # the unknown field 101 too


def test_namespace_is_a_decode_and_encode_option() -> None:
    codec = GtfsRealtimeCodec()
    raw = example_messages()[0]
    hinted = codec.decode(raw, DecodeContext(hints={"namespace": "metro"}))
    assert hinted[0].id == "urn:interop:trip-update:metro:tu-1"
    assert isinstance(hinted[0], TripUpdate)
    assert hinted[0].journey == "urn:interop:trip:metro:T1"
    with pytest.raises(EncodeError, match="metro"):
        codec.encode(hinted, OUT)  # minted in another namespace
    assert codec.encode(hinted, EncodeContext(hints={"namespace": "metro"})) == raw
    assert GtfsRealtimeCodec(namespace="metro").encode(hinted, OUT) == raw


# ---------------------------------------------------------------- malformed input


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xff\xff", "not a GTFS-Realtime FeedMessage"),
        (b"", "required fields are missing"),  # no header
        (pb.FeedMessage(header=pb.FeedHeader()).SerializePartialToString(), "required"),
    ],
)
def test_malformed_messages_raise_decode_error(raw: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        GtfsRealtimeCodec().decode(raw, CTX)


def _feed(*entities: pb.FeedEntity) -> bytes:
    feed = pb.FeedMessage()
    feed.header.gtfs_realtime_version = "2.0"
    feed.entity.extend(entities)
    return bytes(feed.SerializePartialToString())


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        (pb.FeedEntity(id="x"), "none of trip_update"),
        (pb.FeedEntity(trip_update=pb.TripUpdate(trip=pb.TripDescriptor())), "required"),
        (
            pb.FeedEntity(
                id="x", trip_update=pb.TripUpdate(trip=pb.TripDescriptor(start_date="2024-05-01"))
            ),
            "YYYYMMDD",
        ),
        (
            pb.FeedEntity(
                id="x", trip_update=pb.TripUpdate(trip=pb.TripDescriptor(start_time="8h"))
            ),
            "GTFS time",
        ),
        (
            pb.FeedEntity(
                id="x", trip_update=pb.TripUpdate(trip=pb.TripDescriptor(direction_id=2))
            ),
            "direction_id",
        ),
        (
            pb.FeedEntity(
                id="x",
                vehicle=pb.VehiclePosition(position=pb.Position(latitude=95.0, longitude=0.0)),
            ),
            "entity 'x'",
        ),
        (
            pb.FeedEntity(id="x", vehicle=pb.VehiclePosition(timestamp=2**63)),
            "out of range",
        ),
        (
            pb.FeedEntity(
                id="x",
                alert=pb.Alert(
                    header_text=pb.TranslatedString(
                        translation=[
                            pb.TranslatedString.Translation(text="a", language="en"),
                            pb.TranslatedString.Translation(text="b", language="en"),
                        ]
                    )
                ),
            ),
            "two translations",
        ),
    ],
)
def test_invalid_entities_raise_decode_error(entity: pb.FeedEntity, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        GtfsRealtimeCodec().decode(_feed(entity), CTX)


def test_duplicate_entity_ids_raise_decode_error() -> None:
    vehicle = pb.FeedEntity(id="x", vehicle=pb.VehiclePosition())
    with pytest.raises(DecodeError, match="appears twice"):
        GtfsRealtimeCodec().decode(_feed(vehicle, vehicle), CTX)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_junk_raises_only_decode_error(raw: bytes) -> None:
    with contextlib.suppress(DecodeError):
        GtfsRealtimeCodec().decode(raw, CTX)


# ---------------------------------------------------------------- encode


@settings(max_examples=60, deadline=None)
@given(feed_records())
def test_generated_records_round_trip(records: list) -> None:  # type: ignore[type-arg]
    codec = GtfsRealtimeCodec()
    raw = codec.encode(records, OUT)
    assert_records_equal(records, codec.decode(raw, ROUND_TRIP_CONTEXT))


@settings(max_examples=60, deadline=None)
@given(unrepresentable())
def test_unrepresentable_records_raise_encode_error(records: list) -> None:  # type: ignore[type-arg]
    with pytest.raises(EncodeError):
        GtfsRealtimeCodec().encode(records, OUT)


def test_encode_refuses_other_kinds_and_rounds_to_32_bit_floats() -> None:
    codec = GtfsRealtimeCodec()
    position = VehiclePosition(
        id=entity_iri("vehicle-position", "gtfs", "v1"),
        point=Point(lat=48.123456789, lon=2.123456789),
        bearing=1e39,
    )
    with pytest.raises(EncodeError, match="32-bit float"):
        codec.encode([position], OUT)
    position = position.model_copy(update={"bearing": 12.3})
    [back] = codec.decode(codec.encode([position], OUT), CTX)
    assert isinstance(back, VehiclePosition)
    assert back.point is not None
    assert back.point.lat == pytest.approx(48.123456789, abs=1e-5)
    assert back.bearing == pytest.approx(12.3, rel=1e-6)


def test_empty_batch_is_an_empty_feed() -> None:
    codec = GtfsRealtimeCodec()
    raw = codec.encode([], OUT)
    assert codec.decode(raw, CTX) == []


def test_realtime_cases_hook_value() -> None:
    case = realtime_cases()
    assert case.codec is GtfsRealtimeCodec
    assert case.id == "codec:gtfs-rt"
    assert len(case.examples) == len(example_messages())


class TestGtfsRealtimeCodec(CodecConformance):
    codec_cls = GtfsRealtimeCodec
    examples = example_messages()
    batches = feed_records()
    unrepresentable = unrepresentable()
    decode_context = ROUND_TRIP_CONTEXT
    known_answers = realtime_known_answers(ROUND_TRIP_CONTEXT)


def test_strings_that_are_not_utf8_raise_decode_error() -> None:
    raw = example_messages()[0]
    assert b"\n\x02T1" in raw
    with pytest.raises(DecodeError, match="UTF-8"):
        GtfsRealtimeCodec().decode(raw.replace(b"\n\x02T1", b"\n\x02\xff1"), CTX)
