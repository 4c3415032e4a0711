"""The gtfs-kit bridge: canonical records <-> gtfs_kit.Feed in memory, both ways, lossless."""

from __future__ import annotations

import pytest

gtfs_kit = pytest.importorskip("gtfs_kit", reason="the plugin's gtfs-kit extra is not installed")

from interop_gtfs.demo import sample_feed  # noqa: E402
from interop_gtfs.kit_bridge import (  # noqa: E402
    EXTRA_FILES,
    feed_statistics,
    from_gtfs_kit,
    to_gtfs_kit,
)
from interop_gtfs.reader import GtfsReader  # noqa: E402

CORPUS_FEEDS = [
    "sample-feed-1.zip",
    "gtfs_kit/sample_gtfs.zip",
    "gtfs_kit/sample_gtfs_2.zip",
    "realtime/bullrunner-gtfs.zip",
    "edge/partridge_israel-public-transportation-route-2126.zip",
]


def _read(source):
    return [record for chunk in GtfsReader().read(source) for record in chunk]


@pytest.mark.parametrize("name", CORPUS_FEEDS)
def test_corpus_feed_round_trips_through_gtfs_kit(gtfs_corpus, name):
    source = gtfs_corpus / name
    records = _read(source)
    feed = to_gtfs_kit(records)
    assert isinstance(feed, gtfs_kit.Feed)
    assert from_gtfs_kit(feed) == records
    # what gtfs-kit itself reads from the zip becomes the same records as our reader's
    namespace = records[0].id.split(":")[3]
    kit_feed = gtfs_kit.read_feed(source, dist_units="km")
    assert from_gtfs_kit(kit_feed, namespace=namespace) == records


def test_tables_gtfs_kit_has_no_attribute_for_travel_alongside():
    records = _read(sample_feed())
    feed = to_gtfs_kit(records)
    extra = getattr(feed, EXTRA_FILES)
    assert {"levels.txt", "pathways.txt", "translations.txt", "README.txt"} <= set(extra)
    assert feed.stops["stop_lat"].dtype.kind == "f"  # typed as read_feed types it
    assert from_gtfs_kit(feed) == records


def test_gtfs_kit_analysis_runs_on_bridged_records(gtfs_corpus):
    records = _read(gtfs_corpus / "gtfs_kit" / "sample_gtfs.zip")
    feed = to_gtfs_kit(records)
    trip_stats = feed.compute_trip_stats()
    assert len(trip_stats) == sum(r.kind == "transit_journey" for r in records)
    described = feed_statistics(records)
    indicators = set(described["indicator"])
    assert {"num_routes", "num_trips", "num_stops"} <= indicators
    row = described.set_index("indicator")["value"]
    assert row["num_stops"] == sum(r.kind == "transit_stop" for r in records)
