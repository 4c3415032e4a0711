"""SLV log values -> canonical readings: reports split out, times to UTC, energy cumulated.

SLV logs one row per value (``{deviceId, name, value, eventTime}``); the rows of one report
share an event time. A report ends when a value name repeats or the time changes. Times are
device-local, resolved in series order (:mod:`interop_slv.localtime`); energy deltas become
cumulative counters (:mod:`interop_slv.energy`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from interop.control.lighting import BURNING_HOURS, ENERGY, LEVEL, POWER, POWER_FACTOR, VOLTAGE
from interop.model.base import Provenance, mint_iri
from interop.model.lighting import COUNTER_EPOCH, LIGHTING_EXTENSION
from interop.model.observation import Measurement
from interop.model.units import OM
from interop_slv import names
from interop_slv.dali import arc_to_percent
from interop_slv.energy import Cumulative, Meter
from interop_slv.localtime import parse_local, series_to_utc
from interop_slv.values import Scalar, parse_arc, parse_number
from interop_slv.wire import LogValue

__all__ = ["Ledger", "Report", "feed", "measurement", "split_reports", "timed_reports"]


@dataclass(slots=True)
class Report:
    """The values one device reported at one local time (UTC and energy once resolved)."""

    local: datetime
    values: dict[str, Scalar] = field(default_factory=dict)
    at: datetime | None = None
    energy: Cumulative | None = None


def split_reports(rows: Iterable[LogValue]) -> dict[int, list[Report]]:
    """Reports per device id, in the order the server logged them."""
    reports: dict[int, list[Report]] = {}
    current: Report | None = None
    current_device: int | None = None
    for row in rows:
        local = parse_local(row.eventTime or "", field=f"{row.name}.eventTime")
        if (
            current is None
            or current_device != row.deviceId
            or current.local != local
            or row.name in current.values
        ):
            current = Report(local)
            current_device = row.deviceId
            reports.setdefault(row.deviceId, []).append(current)
        current.values[row.name] = row.value
    return reports


def timed_reports(
    reports: Sequence[Report],
    zone: ZoneInfo,
    *,
    source: str,
    after: datetime | None = None,
    meter: Meter | None = None,
) -> list[Report]:
    """Reports with UTC times (repeated autumn hour resolved by order) and cumulative energy.

    ``after`` is the UTC instant the series is known to start at or after (the ``from`` of
    the query); ``meter`` the counter the series continues (a fresh one by default).
    """
    for report, at in zip(
        reports, series_to_utc((r.local for r in reports), zone, after=after), strict=True
    ):
        report.at = at
    meter = meter if meter is not None else Meter()
    for report in reports:
        feed(report, meter, source=source)
    return list(reports)


def feed(report: Report, meter: Meter, *, source: str) -> None:
    """Add a report's energy delta to ``meter``; the report gets the cumulative counter."""
    if names.ENERGY not in report.values:
        return
    delta = parse_number(report.values[names.ENERGY], field=names.ENERGY, source=source)
    on_time = report.values.get(names.RUNNING_HOURS)
    report.energy = meter.feed(
        delta,
        None
        if on_time is None
        else parse_number(on_time, field=names.RUNNING_HOURS, source=source),
    )


@dataclass(slots=True)
class Ledger:
    """What telemetry has summed of one device's energy log: the counter and where it stops.

    Later calls ask the log only from a little before ``at`` and add the reports after the
    ``same`` ones already summed at exactly ``at``. Reports logged late with an older time
    than ``at`` are not counted (a full :meth:`history` sees them).
    """

    meter: Meter
    at: datetime
    same: int
    energy: Cumulative

    @classmethod
    def open(cls, reports: Sequence[Report], *, source: str) -> Ledger | None:
        """A ledger of a device's whole (timed) log; None when it has no energy report."""
        ledger = cls(Meter(), datetime.min.replace(tzinfo=UTC), 0, Cumulative(0.0, 0))
        return ledger if ledger.absorb(reports, source=source) else None

    def absorb(self, reports: Sequence[Report], *, source: str) -> bool:
        """Sum the timed reports not summed yet; whether any energy report was added."""
        skipped, already = 0, self.same
        added = False
        for report in reports:
            if report.at is None or report.at < self.at or names.ENERGY not in report.values:
                continue
            if report.at == self.at and skipped < already:
                skipped += 1
                continue
            feed(report, self.meter, source=source)
            assert report.energy is not None  # feed sets it for an energy report
            self.same = self.same + 1 if report.at == self.at else 1
            self.at, self.energy, added = report.at, report.energy, True
        return added


@lru_cache(maxsize=8192)
def _measurement_base(light: str) -> str:
    """``mint_iri("measurement", "slv", f"{light}|")``: the ids of a light's measurements."""
    return mint_iri("measurement", "slv", f"{light}|")


_UNITS = {
    names.LEVEL: (LEVEL, OM + "percent"),
    names.POWER: (POWER, OM + "watt"),
    names.RUNNING_HOURS: (BURNING_HOURS, OM + "hour"),
    names.VOLTAGE: (VOLTAGE, OM + "volt"),
    names.POWER_FACTOR: (POWER_FACTOR, OM + "one"),
}


def measurement(
    name: str,
    value: Scalar,
    *,
    light: str,
    node: str,
    at: datetime,
    provenance: Provenance,
    source: str,
    energy: Cumulative | None = None,
) -> Measurement | None:
    """The canonical measurement of one SLV value (None for values with no canonical home).

    Levels go through the DALI curve, kW become W, seconds hours; energy must be given as
    its cumulative counter (``energy``), never as SLV's delta.
    """
    extensions: dict[str, dict[str, object]] = {}
    if name == names.ENERGY:
        if energy is None:
            return None
        prop, unit, number = ENERGY, OM + "kilowattHour", energy.energy
        extensions = {LIGHTING_EXTENSION: {COUNTER_EPOCH: energy.epoch}}
    elif name in _UNITS:
        prop, unit = _UNITS[name]
        if name == names.LEVEL:
            number = round(arc_to_percent(parse_arc(value, source=source)), 3)
        else:
            number = parse_number(value, field=name, source=source)
            if name == names.RUNNING_HOURS:
                number = round(number, 6)
    else:
        return None
    return Measurement(
        id=f"{_measurement_base(light)}{name}%7C{at.timestamp():.6f}",
        provenance=provenance,
        extensions=extensions,
        property=prop,
        value=float(number),
        unit=unit,
        timestamp=at,
        device=node,
        feature_of_interest=light,
    )
