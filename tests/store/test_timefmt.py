"""Stored timestamps: fixed-width UTC text whose order is time order, and back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from interop.store.timefmt import from_text, to_text

zones = st.sampled_from(
    [UTC, timezone(timedelta(0)), timezone(timedelta(hours=2)), timezone(-timedelta(hours=11))]
)
instants = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=zones
)


@given(instants)
def test_every_instant_is_written_in_one_width_and_read_back(instant: datetime) -> None:
    text = to_text(instant)
    utc = instant.astimezone(UTC)
    assert text == (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond:06d}Z"
    )
    assert from_text(text) == instant


@given(instants, instants)
def test_text_order_is_time_order(first: datetime, second: datetime) -> None:
    assert (to_text(first) < to_text(second)) == (first < second)
