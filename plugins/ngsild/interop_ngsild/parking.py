"""Parking spots: which canonical places are ``ParkingSpot`` entities, their category and status.

The canonical model has no parking type: a parking space is a :class:`~interop.model.place.Place`
``within`` its parking site, and its occupancy is ``saref:Occupancy`` measured about it (the
place is the measurement's feature of interest). A place is a parking spot when

- its ``within`` names a parking site by the Smart Data Models' id convention
  (``urn:ngsi-ld:OnStreetParking:...`` or ``urn:ngsi-ld:OffStreetParking:...``), which also
  gives the spot's ``category`` (``onStreet`` / ``offStreet``); or
- it keeps the ``category`` of a ``ParkingSpot`` it was decoded from
  (``extensions["ngsild"]["category"]``).

Its ``status`` is read from the latest occupancy reading about it in the batch (0 free, any
count above 0 occupied), else the status a decoded spot kept, else ``unknown``. A status or
category that only restates the records is marked (``interop:derived``) or implied, and is
not kept again when decoding; any other one is kept in ``extensions["ngsild"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from interop.model.place import Place

__all__ = [
    "CATEGORIES",
    "DERIVED_MARK",
    "KEPT",
    "category_of",
    "implied_attributes",
    "is_parking_spot",
    "kept_attribute",
    "kept_status",
    "site_category",
    "status_of_count",
]

KEPT = "ngsild"
"""Extensions namespace of attributes a decoded entity had and interop has no field for."""
DERIVED_MARK = "interop:derived"
"""Sub-attribute naming the record an attribute was derived from (not kept when decoding)."""
CATEGORIES = frozenset({"onStreet", "offStreet"})
_STATUSES = frozenset({"closed", "free", "occupied", "unknown"})
_SITES = (
    ("urn:ngsi-ld:OnStreetParking:", "onStreet"),
    ("urn:ngsi-ld:OffStreetParking:", "offStreet"),
)


def site_category(site: object) -> str | None:
    """``onStreet`` / ``offStreet`` for a parking site id of that Smart Data Model type."""
    if isinstance(site, str):
        for prefix, category in _SITES:
            if site.startswith(prefix):
                return category
    return None


def kept_attribute(place: Place, name: str) -> dict[str, Any] | None:
    """The attribute ``name`` as a decoded entity had it (normalized), if the place kept it."""
    value = place.extensions.get(KEPT, {}).get(name)
    return dict(value) if isinstance(value, Mapping) and "value" in value else None


def category_of(place: Place) -> dict[str, Any] | None:
    """The spot's ``category`` attribute: the one it kept, else the one its site implies."""
    kept = kept_attribute(place, "category")
    values = kept.get("value") if kept is not None else None
    unique = isinstance(values, list) and len(set(values)) == len(values)
    if unique and values and set(values) <= CATEGORIES:
        return kept
    implied = site_category(place.within)
    return {"type": "Property", "value": [implied]} if implied is not None else None


def is_parking_spot(place: Place) -> bool:
    """Whether ``place`` is a parking space within a parking site (see the module doc)."""
    return place.within is not None and category_of(place) is not None


def kept_status(place: Place) -> dict[str, Any] | None:
    """The ``status`` attribute a decoded spot kept, when its value is one the model allows."""
    kept = kept_attribute(place, "status")
    return kept if kept is not None and kept.get("value") in _STATUSES else None


def status_of_count(value: float) -> str:
    """``free`` for no vehicle, ``occupied`` for one or more."""
    return "free" if value <= 0 else "occupied"


def implied_attributes(entity: Mapping[str, Any]) -> frozenset[str]:
    """Attributes of a normalized ``ParkingSpot`` that only restate what its records imply."""
    implied: set[str] = set()
    status = entity.get("status")
    if isinstance(status, Mapping) and (
        DERIVED_MARK in status or (status.get("value") == "unknown" and len(status) <= 2)
    ):
        implied.add("status")
    category = entity.get("category")
    site = entity.get("refParkingSite")
    site_id = site.get("object") if isinstance(site, Mapping) else None
    if isinstance(category, Mapping) and category.get("value") == [site_category(site_id)]:
        implied.add("category")
    return frozenset(implied)
