"""Device-local wall-clock times without offset <-> UTC instants, across DST changes.

SLV writes every timestamp in the device's time zone with no offset (``2026-10-25
02:30:00``). Going from UTC to local is exact. Going back is ambiguous once a year (the
repeated autumn hour) and impossible once (the skipped spring hour, which a device clock
never shows). A series of log values is in time order, so each ambiguous time is read as
the earliest instant not before its predecessor: the first ``02:30`` of a series is the
summer one, a ``02:15`` after it the winter one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from interop.errors import DecodeError

__all__ = ["WIRE_FORMAT", "candidates", "from_local", "parse_local", "series_to_utc", "to_local"]

WIRE_FORMAT = "%Y-%m-%d %H:%M:%S"
"""How SLV writes an event time (device-local, no offset)."""


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive device-local wall-clock time of a UTC instant, truncated to the second."""
    return instant.astimezone(zone).replace(tzinfo=None, microsecond=0)


def parse_local(text: str, *, field: str = "eventTime") -> datetime:
    """A naive local time from SLV's ``YYYY-MM-DD HH:mm:ss``; DecodeError otherwise."""
    try:
        if len(text) != 19 or text[10] != " ":
            raise ValueError(text)
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise DecodeError(
            f"{text!r} is not a local time", field=field, expected="YYYY-MM-DD HH:mm:ss"
        ) from None


@lru_cache(maxsize=8192)
def candidates(local: datetime, zone: ZoneInfo) -> tuple[datetime, ...]:
    """The UTC instants a naive local time can denote: one, two (autumn) or none (spring)."""
    found = []
    for fold in (0, 1):
        instant = local.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if to_local(instant, zone) == local.replace(microsecond=0) and instant not in found:
            found.append(instant)
    return tuple(sorted(found))


def from_local(local: datetime, zone: ZoneInfo, *, after: datetime | None = None) -> datetime:
    """The UTC instant of a local time: the earliest candidate not before ``after``.

    Without ``after`` (or when every candidate is before it) an ambiguous time is read as
    its first occurrence. A time in the skipped spring hour raises DecodeError.
    """
    options = candidates(local, zone)
    if not options:
        raise DecodeError(
            f"{local:{WIRE_FORMAT}} does not exist in {zone.key} (skipped by DST)",
            field="eventTime",
            expected=f"a wall-clock time of {zone.key}",
        )
    if after is not None:
        for option in options:
            if option >= after:
                return option
        return options[-1]
    return options[0]


def series_to_utc(
    series: Iterable[datetime], zone: ZoneInfo, *, after: datetime | None = None
) -> Iterator[datetime]:
    """UTC instants of local times listed in time order (the repeated hour resolved by order)."""
    previous = after
    for local in series:
        instant = from_local(local, zone, after=previous)
        previous = instant
        yield instant
