"""GTFS and GTFS-Realtime for interop (work in progress: the feed access layer)."""
