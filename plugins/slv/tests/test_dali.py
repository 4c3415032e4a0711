"""The DALI logarithmic curve: known points, nearest-arc rounding, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from interop_slv.dali import MAX_ARC, arc_to_percent, percent_to_arc

from interop.errors import DecodeError, EncodeError


@pytest.mark.parametrize(
    ("arc", "percent"),
    [(0, 0.0), (1, 0.1), (85, 1.0), (170, 10.0), (229, 50.53), (243, 74.06), (254, 100.0)],
)
def test_known_points(arc: int, percent: float) -> None:
    assert arc_to_percent(arc) == pytest.approx(percent, rel=0.01)


def test_fifty_percent_is_arc_229() -> None:
    assert percent_to_arc(50.0) == 229
    assert percent_to_arc(100.0) == MAX_ARC
    assert percent_to_arc(0.0) == 0


@given(st.integers(min_value=0, max_value=MAX_ARC))
def test_every_arc_round_trips(arc: int) -> None:
    assert percent_to_arc(arc_to_percent(arc)) == arc


@given(st.floats(min_value=0.0, max_value=100.0))
def test_percent_goes_to_the_nearest_arc(percent: float) -> None:
    arc = percent_to_arc(percent)
    error = abs(arc_to_percent(arc) - percent)
    for neighbour in (arc - 1, arc + 1):
        if 0 <= neighbour <= MAX_ARC:
            assert error <= abs(arc_to_percent(neighbour) - percent)


@given(st.integers(min_value=1, max_value=MAX_ARC - 1))
def test_curve_is_increasing(arc: int) -> None:
    assert arc_to_percent(arc) < arc_to_percent(arc + 1)


@pytest.mark.parametrize("arc", [-1, 255, 1000])
def test_out_of_range_arc_is_a_decode_error(arc: int) -> None:
    with pytest.raises(DecodeError, match=r"0\.\.254"):
        arc_to_percent(arc)


@pytest.mark.parametrize("percent", [-0.1, 100.5])
def test_out_of_range_percent_is_an_encode_error(percent: float) -> None:
    with pytest.raises(EncodeError, match="out of range"):
        percent_to_arc(percent)
