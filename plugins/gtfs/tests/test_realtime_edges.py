"""GTFS-Realtime messages real feeds send that were refused or lost: empty strings, no entity."""

from __future__ import annotations

from datetime import UTC, datetime

from google.transit import gtfs_realtime_pb2 as pb
from interop_gtfs.realtime import GtfsRealtimeCodec

from interop.adapters import DecodeContext, EncodeContext
from interop.model.realtime import Incrementality, RealtimeFeed, VehiclePosition

CTX = DecodeContext(source="test", received_at=datetime(2026, 1, 1, tzinfo=UTC))


def _message(**header: object) -> pb.FeedMessage:
    feed = pb.FeedMessage()
    feed.header.gtfs_realtime_version = "2.0"
    for name, value in header.items():
        setattr(feed.header, name, value)
    return feed


def test_empty_vehicle_label_and_license_plate_round_trip():
    feed = _message(timestamp=1_767_225_600)
    entity = feed.entity.add(id="v1")
    entity.vehicle.vehicle.id = "bus-7"
    entity.vehicle.vehicle.label = ""
    entity.vehicle.vehicle.license_plate = ""
    entity.vehicle.position.latitude = 50.5
    entity.vehicle.position.longitude = 4.25
    raw = feed.SerializeToString(deterministic=True)
    codec = GtfsRealtimeCodec()
    (record,) = codec.decode(raw, CTX)
    assert isinstance(record, VehiclePosition)
    assert (record.vehicle_id, record.vehicle_label, record.vehicle_license_plate) == (
        "bus-7",
        "",
        "",
    )
    assert codec.encode([record], EncodeContext()) == raw


def test_header_only_full_dataset_round_trips():
    feed = _message(incrementality=pb.FeedHeader.FULL_DATASET, timestamp=1_767_225_600)
    feed.header.feed_version = "2026.1"
    raw = feed.SerializeToString(deterministic=True)
    codec = GtfsRealtimeCodec("city")
    (record,) = codec.decode(raw, CTX)
    assert isinstance(record, RealtimeFeed)
    assert record.id == "urn:interop:realtime-feed:city:1767225600"
    assert record.incrementality is Incrementality.FULL_DATASET
    assert record.timestamp == datetime(2026, 1, 1, tzinfo=UTC)
    assert record.feed_version == "2026.1"
    assert codec.encode([record], EncodeContext()) == raw


def test_a_feed_record_built_by_hand_encodes_its_header():
    record = RealtimeFeed(
        id="urn:interop:realtime-feed:gtfs:",
        realtime_version="2.0",
        incrementality=Incrementality.DIFFERENTIAL,
    )
    feed = pb.FeedMessage()
    feed.ParseFromString(GtfsRealtimeCodec().encode([record], EncodeContext()))
    assert feed.header.incrementality == pb.FeedHeader.DIFFERENTIAL
    assert not feed.header.HasField("timestamp")
    assert list(feed.entity) == []
