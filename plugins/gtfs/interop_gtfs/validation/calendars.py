"""Service dates from calendar.txt and calendar_dates.txt, and the checks against today.

:class:`ServiceCalendar` keeps each service's weekday pattern, range and exceptions (a few
integers), works out a service's dates only when a check asks (cached), and reports
``expired_calendar`` and the feed's ``feed_expiration_date7_days``/``30_days`` against the
validation date, as MobilityData's validator does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from interop_gtfs.validation.formats import parse_date
from interop_gtfs.validation.notices import Notices
from interop_gtfs.validation.rows import RowHook

__all__ = ["ServiceCalendar"]

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MAX_SPAN_DAYS = 3660
"""Dates of a calendar range are listed for at most ten years (a longer range is a typo)."""


def _get(row: dict[str, str], column: str) -> str:
    return row.get(column, "").strip()


class _Period(NamedTuple):
    row: int
    weekdays: tuple[bool, ...]
    start: date
    end: date


@dataclass(slots=True)
class ServiceCalendar:
    """Row hooks of calendar.txt, calendar_dates.txt and feed_info.txt; date checks."""

    today: date
    notices: Notices
    periods: dict[str, _Period] = field(default_factory=dict)
    added: dict[str, set[date]] = field(default_factory=dict)
    removed: dict[str, set[date]] = field(default_factory=dict)
    _dates: dict[str, frozenset[date]] = field(default_factory=dict)

    def hooks(self) -> dict[str, RowHook]:
        """The row hook of each file the calendar reads."""
        return {
            "calendar.txt": self.calendar,
            "calendar_dates.txt": self.calendar_date,
            "feed_info.txt": self.feed_info,
        }

    def calendar(self, row: int, r: dict[str, str]) -> None:
        """Keep a well-formed service period (the first one of each service_id)."""
        service = _get(r, "service_id")
        start, end = parse_date(_get(r, "start_date")), parse_date(_get(r, "end_date"))
        if not service or start is None or end is None or service in self.periods:
            return
        weekdays = tuple(_get(r, day) == "1" for day in _DAYS)
        self.periods[service] = _Period(row, weekdays, start, end)

    def calendar_date(self, row: int, r: dict[str, str]) -> None:
        """Keep a date added (1) to or removed (2) from a service."""
        service, day = _get(r, "service_id"), parse_date(_get(r, "date"))
        kind = _get(r, "exception_type")
        if not service or day is None or kind not in ("1", "2"):
            return
        target = self.added if kind == "1" else self.removed
        target.setdefault(service, set()).add(day)

    def feed_info(self, row: int, r: dict[str, str]) -> None:
        """The feed should be valid for 7 days, better 30, from today (feed_end_date)."""
        end = parse_date(_get(r, "feed_end_date"))
        if end is None:
            return
        for days, code in ((7, "feed_expiration_date7_days"), (30, "feed_expiration_date30_days")):
            suggested = self.today + timedelta(days=days)
            if end < suggested or (days == 30 and end <= suggested):
                self.notices.add(
                    code,
                    f"feed_end_date {end:%Y%m%d} is within {days} days of {self.today:%Y%m%d}",
                    "feed_info.txt",
                    row,
                    "feed_end_date",
                    details={
                        "currentDate": f"{self.today:%Y%m%d}",
                        "feedEndDate": f"{end:%Y%m%d}",
                        "suggestedExpirationDate": f"{suggested:%Y%m%d}",
                    },
                )
                return

    def dates(self, service: str) -> frozenset[date]:
        """Every date ``service`` runs (cached)."""
        cached = self._dates.get(service)
        if cached is not None:
            return cached
        days: set[date] = set(self.added.get(service, ()))
        period = self.periods.get(service)
        if period is not None:
            span = min((period.end - period.start).days, _MAX_SPAN_DAYS)
            for offset in range(span + 1):
                day = period.start + timedelta(days=offset)
                if period.weekdays[day.weekday()]:
                    days.add(day)
        days -= self.removed.get(service, set())
        result = frozenset(days)
        self._dates[service] = result
        return result

    def last_date(self, service: str) -> date | None:
        """The last date ``service`` runs, without listing all its dates."""
        removed = self.removed.get(service, set())
        added = [day for day in self.added.get(service, ()) if day not in removed]
        last = max(added) if added else None
        period = self.periods.get(service)
        if period is not None and any(period.weekdays):
            day = period.end
            while day >= period.start and (last is None or day > last):
                if period.weekdays[day.weekday()] and day not in removed:
                    return day
                day -= timedelta(days=1)
        return last

    def finish(self) -> None:
        """Report services of calendar.txt whose last date is before today."""
        for service, period in self.periods.items():
            last = self.last_date(service)
            if last is not None and last < self.today:
                self.notices.add(
                    "expired_calendar",
                    f"service {service} last runs on {last:%Y%m%d}",
                    "calendar.txt",
                    period.row,
                    "service_id",
                    details={"serviceId": service},
                )
