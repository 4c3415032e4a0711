"""Device-local times without offset <-> UTC, across both DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from interop_slv.localtime import candidates, from_local, parse_local, series_to_utc, to_local

from interop.errors import DecodeError

BRUSSELS = ZoneInfo("Europe/Brussels")
ZONES = st.sampled_from(
    [ZoneInfo(name) for name in ("Europe/Brussels", "America/New_York", "Australia/Sydney")]
)
TRANSITIONS = st.sampled_from(
    [
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
        datetime(2026, 4, 4, 16, 0, tzinfo=UTC),
        datetime(2026, 10, 3, 16, 0, tzinfo=UTC),
    ]
)


def test_autumn_repeated_hour_is_resolved_by_order() -> None:
    instants = [
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC) + timedelta(minutes=15 * n) for n in range(8)
    ]
    local = [to_local(at, BRUSSELS) for at in instants]
    assert [t.strftime("%H:%M") for t in local] == [
        "02:00", "02:15", "02:30", "02:45", "02:00", "02:15", "02:30", "02:45"
    ]  # fmt: skip
    assert list(series_to_utc(local, BRUSSELS)) == instants


def test_spring_gap_is_never_produced_and_refused() -> None:
    instants = [
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC) + timedelta(minutes=15 * n) for n in range(5)
    ]
    local = [to_local(at, BRUSSELS) for at in instants]
    assert all(t.hour != 2 for t in local)
    assert list(series_to_utc(local, BRUSSELS)) == instants
    with pytest.raises(DecodeError, match="does not exist"):
        from_local(datetime(2026, 3, 29, 2, 30), BRUSSELS)


def test_parse_local_refuses_other_formats() -> None:
    assert parse_local("2026-10-25 02:15:00") == datetime(2026, 10, 25, 2, 15)
    for text in ("25/10/2026 02:15:00", "2026-10-25T02:15:00+02:00", ""):
        with pytest.raises(DecodeError, match="YYYY-MM-DD HH:mm:ss"):
            parse_local(text)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    ZONES,
)
def test_every_instant_has_a_local_time_that_maps_back(naive: datetime, zone: ZoneInfo) -> None:
    instant = naive.replace(tzinfo=UTC, microsecond=0)
    local = to_local(instant, zone)
    assert instant in candidates(local, zone)


@given(
    TRANSITIONS,
    ZONES,
    st.lists(st.integers(min_value=0, max_value=3599), min_size=1, max_size=40),
    st.integers(min_value=-7200, max_value=0),
)
def test_series_round_trip_across_transitions(
    transition: datetime, zone: ZoneInfo, gaps: list[int], lead: int
) -> None:
    """Instants in order, less than an hour apart, come back exactly from local times."""
    instants = []
    at = transition + timedelta(seconds=lead)
    for gap in gaps:
        at += timedelta(seconds=gap)
        instants.append(at)
    local = [to_local(x, zone) for x in instants]
    anchor = instants[0] - timedelta(seconds=1)  # the reading before the series
    assert list(series_to_utc(local, zone, after=anchor)) == instants
