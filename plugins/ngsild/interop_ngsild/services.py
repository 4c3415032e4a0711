"""``GtfsService`` entities: the services the batch's journeys and calendars name.

The canonical model has no record for a GTFS service itself (only its calendar and
exceptions), so its entity is derived: ``name`` is the GTFS ``service_id`` (the last segment
of the service IRI, unescaped) and ``operatedBy`` the one agency running the lines of the
service's journeys, or the batch's only agency (GTFS lets ``agency_id`` be left out when a
feed has one). A service whose agency is unknown or ambiguous gets no entity: the Smart Data
Model requires exactly one. Decoding a ``GtfsService`` gives no record.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import unquote

from interop.model.records import Record
from interop.model.transit import Journey, Line, Operator, ServiceCalendar, ServiceException

__all__ = ["ServiceIndex", "calendar_rule_id", "service_name"]

_LAST_SEGMENT = re.compile(r"[^:/#]+$")


def service_name(service: str) -> str:
    """The GTFS ``service_id`` of a service IRI (its last segment, percent-decoded)."""
    match = _LAST_SEGMENT.search(service)
    return unquote(match.group(0)) if match else service


def calendar_rule_id(service: str) -> str:
    """The ``GtfsCalendarRule`` entity id of a service's weekly calendar.

    Distinct from the service IRI, which is the ``GtfsService`` entity's id.
    """
    return f"urn:ngsi-ld:GtfsCalendarRule:{service}"


class ServiceIndex:
    """Services, journeys' lines, lines' agencies and agencies seen in one batch."""

    def __init__(self) -> None:
        self._services: dict[str, None] = {}
        self._lines_of: dict[str, set[str]] = defaultdict(set)
        self._operator_of: dict[str, str | None] = {}
        self._operators: set[str] = set()

    def add(self, record: Record) -> None:
        """Index ``record`` if it says something about services."""
        if isinstance(record, ServiceCalendar):
            self._services.setdefault(record.id)
        elif isinstance(record, ServiceException):
            self._services.setdefault(record.service)
        elif isinstance(record, Journey):
            self._services.setdefault(record.service)
            self._lines_of[record.service].add(record.line)
        elif isinstance(record, Line):
            self._operator_of[record.id] = record.operator
        elif isinstance(record, Operator):
            self._operators.add(record.id)

    def operator_of(self, service: str) -> str | None:
        """The one agency running ``service``, if the batch tells."""
        lines = self._lines_of.get(service, set())
        named = {self._operator_of.get(line) for line in lines} - {None}
        if len(named) == 1:
            return named.pop()
        if not named and len(self._operators) == 1:
            return next(iter(self._operators))
        return None

    def entities(self) -> list[dict[str, Any]]:
        """One ``GtfsService`` per service whose agency is known."""
        out = []
        for service in self._services:
            operator = self.operator_of(service)
            if operator is None:
                continue
            out.append(
                {
                    "id": service,
                    "type": "GtfsService",
                    "name": {"type": "Property", "value": service_name(service)},
                    "operatedBy": {"type": "Relationship", "object": operator},
                }
            )
        return out
