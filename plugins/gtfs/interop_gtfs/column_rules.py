"""Record rules of the transit model, restated over whole columns for the hot file.

``stop_times.txt`` is most of a feed's rows, and running :class:`~interop.model.transit.Call`'s
``mode="after"`` validator once per row is most of a column read's time. :data:`TWINS` holds,
per model validator, the same rule over columns. A twin is used only while the validator's
source is the one it was written against (a fingerprint of its text): when the model's rule
changes, the reader falls back to running the validator itself on every row, so a twin can
make reading slower, never different. ``tests/test_columnar.py`` checks each twin against its
validator on generated rows.
"""

from __future__ import annotations

import hashlib
import inspect
import linecache
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from operator import ge
from typing import Any

__all__ = ["TWINS", "fingerprint", "twin_of"]

Columns = Mapping[str, Sequence[Any]]
"""Field name -> one value per row (None: the row leaves the field empty)."""

Twin = Callable[[Columns, int], list[bool]]
"""Columns and row count -> whether each row passes the rule."""


def _column(columns: Columns, name: str, rows: int) -> Sequence[Any]:
    values = columns.get(name)
    return values if values is not None else [None] * rows


def call_rules(columns: Columns, rows: int) -> list[bool]:
    """``Call._departs_after_arrival`` over columns.

    Departure not before arrival, exactly one place served, and a pickup/drop-off window
    that does not end before it starts.
    """
    fast = _fixed_stop_calls(columns, rows)
    if fast is not None:
        return fast
    return [
        (arrival is None or departure is None or departure >= arrival)
        and (stop is not None) + (group is not None) + (location is not None) == 1
        and (start is None or end is None or end >= start)
        for arrival, departure, stop, group, location, start, end in zip(
            _column(columns, "arrival", rows),
            _column(columns, "departure", rows),
            _column(columns, "stop", rows),
            _column(columns, "location_group", rows),
            _column(columns, "location", rows),
            _column(columns, "start_pickup_drop_off_window", rows),
            _column(columns, "end_pickup_drop_off_window", rows),
            strict=True,
        )
    ]


def _fixed_stop_calls(columns: Columns, rows: int) -> list[bool] | None:
    """:func:`call_rules` of the usual block: every call at a stop, no Flex column set.

    Then only departure >= arrival is left to check; None when the block is not of that kind.
    ``columns`` may offer ``differing(a, b)``, the rows whose texts of fields ``a`` and ``b``
    differ: only those rows' times are compared.
    """
    for name in ("location_group", "location", "start_pickup_drop_off_window"):
        values = columns.get(name)
        if values is not None and values.count(None) != rows:
            return None
    stops = columns.get("stop")
    if stops is None or None in stops:
        return None
    arrival = _column(columns, "arrival", rows)
    departure = _column(columns, "departure", rows)
    differing = getattr(columns, "differing", None)
    apart = differing("departure", "arrival") if differing is not None else None
    if apart is not None:  # rows whose two times read alike pass: equal, or both absent
        passed = [True] * rows
        for row in apart:
            a, d = arrival[row], departure[row]
            passed[row] = a is None or d is None or d >= a
        return passed
    if None in arrival or None in departure:
        # an absent time passes: as the lowest arrival and the highest departure it does
        low: Callable[[Any, Any], Any] = _ABSENT_AS_LOW.get
        high: Callable[[Any, Any], Any] = _ABSENT_AS_HIGH.get
        return list(map(ge, map(high, departure, departure), map(low, arrival, arrival)))
    return list(map(ge, departure, arrival))


_ABSENT_AS_LOW: dict[Any, float] = {None: float("-inf")}
_ABSENT_AS_HIGH: dict[Any, float] = {None: float("inf")}


TWINS: dict[str, tuple[str, Twin]] = {
    "Call._departs_after_arrival": ("8f813fabf0647f7a", call_rules),
}
"""Validator qualified name -> (fingerprint of its source, the rule over columns)."""


@cache
def fingerprint(function: Callable[..., Any]) -> str | None:
    """A short hash of a function's source text; None when the source is not available."""
    source = _source(function)
    if source is None:
        return None
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def _source(function: Callable[..., Any]) -> str | None:
    """The source lines of ``function`` (one-line decorators included), without tokenizing.

    The block runs from the code's first line to the last line indented deeper than it;
    None unless that block holds every line the compiled code comes from (a body line
    indented less, inside a multi-line string, would cut it short), or when a decorator
    spans lines.
    """
    code = getattr(inspect.unwrap(function), "__code__", None)
    if code is None:
        return None
    lines = linecache.getlines(code.co_filename)
    start = code.co_firstlineno - 1
    if not 0 <= start < len(lines):
        return None
    indent = len(lines[start]) - len(lines[start].lstrip())
    header = start
    while header < len(lines) and lines[header].lstrip().startswith("@"):  # decorators
        header += 1
    if header == len(lines) or not lines[header].lstrip().startswith(("def ", "async def ")):
        return None
    end = header + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    while not lines[end - 1].strip():
        end -= 1
    last = max((line for _, _, line in code.co_lines() if line is not None), default=0)
    if last > end:
        return None
    return "".join(lines[start:end])


def twin_of(function: Callable[..., Any]) -> Twin | None:
    """The column twin of a model validator, if one exists for its current source."""
    known = TWINS.get(getattr(function, "__qualname__", ""))
    if known is None or fingerprint(function) != known[0]:
        return None
    return known[1]
