"""Whole-column steps give what their one-value-at-a-time counterparts give.

The column reader parses, formats and writes a column's distinct texts in one step where
it can (``parse_many``, ``format_many``, verbatim ids, rows laid out by column); each step
must return exactly the per-value result, or decline (None) so the caller goes value by
value. The rule twin's fingerprint reads the validator's source without tokenizing it.
"""

from __future__ import annotations

import csv
import inspect
import io
import math

from hypothesis import given, settings
from hypothesis import strategies as st
from interop_gtfs.column_rules import _source, fingerprint
from interop_gtfs.columns import Float, Integer, Reference, Text, Time, ValueType
from interop_gtfs.ids import FeedNamespace
from interop_gtfs.writer import _plain_columns

from interop.model.transit import Call

_NUMERIC = st.text(alphabet="0123456789+-.eE :\n", max_size=9)
_ID = st.text(alphabet=st.sampled_from("aZ09-._~/ %é:\n\t"), min_size=1, max_size=8)
_IDS = FeedNamespace("city")


def _one_by_one(kind: ValueType, texts: list[str]) -> list[object] | None:
    """Each text's ``parse``, or None when one of them does not parse."""
    try:
        return [kind.parse(text, {}, "city") for text in texts]
    except ValueError:
        return None


@settings(max_examples=80, deadline=None)
@given(st.lists(_NUMERIC.filter(bool), min_size=1, max_size=6))
def test_parse_many_is_parse_or_declines(texts: list[str]) -> None:
    """Numbers and times: the same values as ``parse``, never a value for a bad text."""
    for kind in (Integer(), Float(), Time()):
        together = kind.parse_many(texts, "city")
        if together is not None:
            assert together == _one_by_one(kind, texts)
            if kind.verbatim_many:  # the usual form formats back to itself
                assert [kind.format(v, v, _IDS, "") for v in together] == texts


@settings(max_examples=80, deadline=None)
@given(st.lists(_ID, min_size=1, max_size=6))
def test_ids_parse_at_once_and_write_back_verbatim(texts: list[str]) -> None:
    """Ids: ``parse_many`` is ``parse``; every parsed id and text formats to its own text."""
    kind = Reference("stop")
    together = kind.parse_many(texts, "city")
    if together is not None:
        assert together == _one_by_one(kind, texts)
    for verbatim in (kind, Text()):
        for text in texts:
            value = verbatim.parse(text, {}, "city")
            assert verbatim.format(value, value, _IDS, "") == text


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=6),
    st.lists(st.integers(min_value=0, max_value=999 * 3600), min_size=1, max_size=6),
)
def test_format_many_is_format_or_declines(floats: list[float], seconds: list[int]) -> None:
    """Floats (no exponent, inf or nan) and times: each value's ``format``."""
    for kind, values in ((Float(), floats), (Time(), seconds)):
        together = kind.format_many(list(values))
        if together is not None:
            assert together == [kind.format(value, value, _IDS, "") for value in values]
    if all(math.isfinite(value) and "e" not in repr(value) for value in floats):
        assert Float().format_many(floats) is not None


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=4),
    st.lists(st.text(alphabet=' a,"\r\n\t', max_size=3), min_size=1, max_size=12),
)
def test_columns_are_written_as_the_csv_writer_writes_rows(width: int, cells: list[str]) -> None:
    """Rows laid out from columns: the csv writer's bytes, or declined (then csv writes)."""
    count = len(cells) // width
    rows = [cells[row * width : (row + 1) * width] for row in range(count)]
    columns = [[row[position] for row in rows] for position in range(width)]
    text = _plain_columns(columns, count)
    if text is not None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        assert text == out.getvalue()
    if width >= 2 and count and all(set(cell) <= {" ", "a", "\t"} for cell in cells):
        assert text is not None


def test_twin_fingerprint_reads_the_source_inspect_reads() -> None:
    """The validator's lines are exactly what ``inspect.getsource`` returns."""
    (decorator,) = Call.__pydantic_decorators__.model_validators.values()
    assert _source(decorator.func) == inspect.getsource(decorator.func)
    assert fingerprint(decorator.func) is not None


def _under_indented() -> str:
    text = """
a line of this string is indented less than the function
"""
    return text


def test_twin_fingerprint_refuses_a_block_it_cannot_delimit() -> None:
    """A body line indented less than the ``def`` (inside a string) gives no fingerprint."""
    assert _source(_under_indented) is None
    assert _source(len) is None


def test_usual_times_parse_at_once_and_write_back_as_read() -> None:
    """``HH:MM:SS`` texts (hours past 23 too) parse at once and format to themselves."""
    texts = ["00:00:00", "07:05:09", "25:35:00", "99:59:59"]
    values = Time().parse_many(texts, "city")
    assert values == [0, 25509, 92100, 359999]
    assert [Time().format(v, v, _IDS, "") for v in values] == texts
    assert Time().parse_many(["7:05:09"], "city") is None  # one-digit hour: one by one
