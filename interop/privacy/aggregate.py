"""Aggregation: records consumed into counts, sums or means per area cell and time window.

Windows are tumbling, aligned on the Unix epoch. A record's contributor (a device, or a
vendor identifier in its extensions) is held only as a salted in-process hash while its
window is open, then forgotten; a cell with fewer than ``k`` distinct contributors is
suppressed, never emitted. Each area's windows close in event time (see :meth:`flush`), so
historical data, one sensor after another, is counted like live data. A record arriving
for a window already closed is counted in the audit (``late``) and dropped: emitting a
second partial figure would contradict the first.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from interop.errors import PolicyViolation
from interop.model.base import Provenance, mint_iri
from interop.model.observation import Measurement
from interop.model.units import OM
from interop.privacy.generalise import snap_position, snap_time
from interop.privacy.policy import AggregateRule

__all__ = ["AGGREGATOR_PLUGIN", "Aggregator", "Entry", "read_path"]

AGGREGATOR_PLUGIN = "interop.privacy"
"""The ``provenance.plugin`` of an aggregate record."""

_ONE = OM + "one"


def read_path(record: Any, path: str) -> Any:
    """The value at a dotted path through nested models and mappings; None when absent."""
    value = record
    for part in path.split("."):
        if value is None:
            return None
        if isinstance(value, BaseModel):
            value = getattr(value, part, None)
        elif isinstance(value, Mapping):
            value = value.get(part)
        else:
            return None
    return value


@dataclass(frozen=True, slots=True)
class Entry:
    """One record's contribution to a cell, checked and ready to add."""

    rule: AggregateRule
    kind: str
    property: str
    unit: str | None
    area: str | None
    start: datetime
    instant: datetime
    number: float
    contributor: int
    """A salted in-process hash (``hash``) of the contributor: never stored."""


@dataclass(slots=True)
class _Cell:
    rule: AggregateRule
    property: str
    unit: str | None
    area: str | None
    start: datetime
    records: int = 0
    total: float = 0.0
    contributors: set[int] = field(default_factory=set)
    touched: bool = True
    """A record came in since the last flush."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class Aggregator:
    """Open windows of every aggregate rule; :meth:`flush` emits the closed ones."""

    def __init__(
        self,
        rules: tuple[AggregateRule, ...],
        property_iris: Mapping[str, frozenset[str]],
        policy_version: str,
        audit: Counter[tuple[str, str, str]],
    ) -> None:
        self._rules = rules
        self._property_iris = property_iris
        self._policy_version = policy_version
        self._audit = audit
        self._cells: dict[tuple[str, str, str | None, str | None, datetime], _Cell] = {}
        self._watermark: dict[tuple[str, str | None], datetime] = {}
        """Per rule and area, the end of the latest window closed: earlier ones are final."""
        self._event_time: dict[tuple[str, str | None], datetime] = {}
        """Per rule and area, the latest instant of any record consumed (event time)."""

    def rule_for(self, record: Any) -> AggregateRule | None:
        """The first rule consuming ``record``, or None (always for an aggregate itself)."""
        provenance = getattr(record, "provenance", None)
        if provenance is not None and provenance.plugin == AGGREGATOR_PLUGIN:
            return None
        kind = getattr(record, "kind", None)
        for rule in self._rules:
            if kind not in rule.kinds:
                continue
            iris = self._property_iris.get(rule.name)
            if iris and getattr(record, "property", None) not in iris:
                continue
            return rule
        return None

    def entry(self, rule: AggregateRule, record: Any) -> Entry:
        """What ``record`` adds to its cell, without adding it yet.

        Raises :class:`PolicyViolation` when the record cannot be aggregated (no time, no
        number), so a caller can check a whole batch before consuming any of it.
        """
        instant = read_path(record, rule.time)
        if not isinstance(instant, datetime):
            raise self._refuse(
                rule, f"{record.kind}.{rule.time}", "a timestamp to place the record in a window"
            )
        number = 0.0
        if rule.statistic != "count":
            found = _number(read_path(record, rule.value))
            if found is None:
                raise self._refuse(rule, f"{record.kind}.{rule.value}", "a number to aggregate")
            number = found
        unit = None if rule.statistic == "count" else getattr(record, "unit", None)
        contributor = read_path(record, rule.contributor)
        return Entry(
            rule=rule,
            kind=str(record.kind),
            property=str(record.property),
            unit=unit,
            area=self._area(rule, record),
            start=snap_time(instant, rule.window),
            instant=instant,
            number=number,
            contributor=hash(str(record.id if contributor is None else contributor)),
        )

    def add(self, entry: Entry) -> None:
        """Consume one checked entry into its cell (a late one is only counted)."""
        rule = entry.rule
        sink = f"aggregate:{rule.name}"
        key = (rule.name, entry.property, entry.unit, entry.area, entry.start)
        cell = self._cells.get(key)
        stream = (rule.name, entry.area)
        if cell is None:
            watermark = self._watermark.get(stream)
            if watermark is not None and entry.start + rule.window <= watermark:
                self._audit[("late", entry.kind, sink)] += 1
                return
            cell = _Cell(rule, entry.property, entry.unit, entry.area, entry.start)
            self._cells[key] = cell
        cell.touched = True
        latest = self._event_time.get(stream)
        if latest is None or entry.instant > latest:
            self._event_time[stream] = entry.instant
        cell.contributors.add(entry.contributor)
        cell.records += 1
        cell.total += entry.number
        self._audit[("aggregate", entry.kind, sink)] += 1

    def _area(self, rule: AggregateRule, record: Any) -> str | None:
        area = read_path(record, rule.area)
        if isinstance(area, str):
            return area
        lat, lon = getattr(area, "lat", None), getattr(area, "lon", None)
        if isinstance(lat, float | int) and isinstance(lon, float | int):
            c_lat, c_lon = snap_position(float(lat), float(lon), rule.cell_m)
            return mint_iri("area", f"grid-{rule.cell_m:g}m", f"{c_lat:.6f},{c_lon:.6f}")
        return None

    @staticmethod
    def _refuse(rule: AggregateRule, field: str, expected: str) -> PolicyViolation:
        return PolicyViolation(
            f"aggregate rule {rule.name!r} cannot consume this record",
            source=f"aggregate:{rule.name}",
            field=field,
            expected=expected,
        )

    def open_cells(self) -> int:
        """How many cells are waiting for their window to close."""
        return len(self._cells)

    def flush(self, now: datetime) -> list[Measurement]:
        """Emit every cell whose window has closed; cells under ``k`` are suppressed.

        A window closes when records at least ``lateness`` past its end have come in (event
        time, so a day of historical data is counted window by window as it streams through),
        or when its end is past ``now`` and no record came in for it since the last flush
        (a quiet period, or the end of a batch).
        """
        out: list[Measurement] = []
        for key, cell in list(self._cells.items()):
            rule = cell.rule
            end = cell.start + rule.window
            stream = (rule.name, cell.area)
            latest = self._event_time.get(stream)
            by_events = latest is not None and end + rule.lateness <= latest
            if not (by_events or (not cell.touched and end <= now)):
                cell.touched = False
                continue
            del self._cells[key]
            if end > self._watermark.get(stream, end - rule.window):
                self._watermark[stream] = end
            sink = f"aggregate:{rule.name}"
            if len(cell.contributors) < rule.k:
                self._audit[("suppress-cell", cell.property, sink)] += 1
                continue
            out.append(self._record(cell, end))
            self._audit[("emit-cell", cell.property, sink)] += 1
        return out

    def _record(self, cell: _Cell, end: datetime) -> Measurement:
        rule = cell.rule
        contributors = len(cell.contributors)
        value: int | float
        if rule.statistic == "count":
            value = contributors
        elif rule.statistic == "sum":
            value = cell.total
        else:
            value = cell.total / cell.records
        digest = hashlib.blake2b(
            f"{cell.property}|{cell.unit}|{cell.area}".encode(), digest_size=8
        ).hexdigest()
        stamp = cell.start.strftime("%Y%m%dT%H%M%SZ")
        return Measurement(
            id=mint_iri("aggregate", rule.name, f"{stamp}-{digest}"),
            property=cell.property,
            value=value,
            unit=cell.unit or _ONE,
            timestamp=cell.start,
            feature_of_interest=cell.area,
            provenance=Provenance(
                plugin=AGGREGATOR_PLUGIN,
                plugin_version="1",
                source_system=f"aggregate:{rule.name}",
                received_at=end,
                policy_version=self._policy_version,
            ),
            extensions={
                "aggregate": {
                    "rule": rule.name,
                    "statistic": rule.statistic,
                    "window_start": cell.start.isoformat(),
                    "window_end": end.isoformat(),
                    "window": int(rule.window / timedelta(seconds=1)),
                    "contributors": contributors,
                    "records": cell.records,
                }
            },
        )
