"""What riders and data users read: route colours, names, languages, URLs, contacts, roles.

:class:`PresentationRules` gives row hooks for agency, stops, routes, feed_info and
attributions. Each rule is MobilityData's notice of the same name: a route colour without
contrast, two routes with one name, agencies in several languages, a route or stop URL that
only repeats the agency's, a feed without a contact, an attribution without a role.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interop_gtfs.validation.notices import Notices
from interop_gtfs.validation.rows import RowHook

__all__ = ["PresentationRules"]

_MIN_LUMA_DIFFERENCE = 72
"""Rec. 601 luma difference below which route_color and route_text_color clash."""


def _get(row: dict[str, str], column: str) -> str:
    return row.get(column, "").strip()


def _luma(color: str) -> int | None:
    """Rec. 601 luma (0-255) of an RRGGBB colour, ``None`` when malformed."""
    try:
        value = int(color, 16)
    except ValueError:
        return None
    if len(color) != 6:
        return None
    red, green, blue = value >> 16, (value >> 8) & 0xFF, value & 0xFF
    return int(0.30 * red + 0.59 * green + 0.11 * blue)


@dataclass(slots=True)
class PresentationRules:
    """Row hooks for the rider-facing fields; state is ids, names and URLs only."""

    notices: Notices
    agency_urls: dict[str, str] = field(default_factory=dict)
    agency_langs: list[tuple[int, str, str, str]] = field(default_factory=list)
    route_urls: dict[str, str] = field(default_factory=dict)
    stop_urls: list[tuple[int, str, str]] = field(default_factory=list)
    route_names: dict[tuple[str, str, str, str], tuple[int, str]] = field(default_factory=dict)

    def hooks(self) -> dict[str, RowHook]:
        """The row hook of each file these rules read."""
        return {
            "agency.txt": self.agency,
            "stops.txt": self.stop,
            "routes.txt": self.route,
            "feed_info.txt": self.feed_info,
            "attributions.txt": self.attribution,
        }

    def agency(self, row: int, r: dict[str, str]) -> None:
        """Remember the agency's URL; every agency should speak one language."""
        agency_id = _get(r, "agency_id")
        url = _get(r, "agency_url")
        if url:
            self.agency_urls.setdefault(agency_id, url)
        lang = _get(r, "agency_lang").lower()
        if not lang:
            return
        if self.agency_langs and lang != self.agency_langs[0][3]:
            self.notices.add(
                "inconsistent_agency_lang",
                f"agency_lang {lang} differs from {self.agency_langs[0][3]}",
                "agency.txt",
                row,
                "agency_lang",
                details={"expected": self.agency_langs[0][3], "actual": lang},
            )
        self.agency_langs.append((row, agency_id, _get(r, "agency_name"), lang))

    def stop(self, row: int, r: dict[str, str]) -> None:
        """A stop URL that is the agency's says nothing of the stop; a platform needs a station."""
        url = _get(r, "stop_url")
        if url:
            self.stop_urls.append((row, _get(r, "stop_id"), url))
        if url and url in self.agency_urls.values():
            self.notices.add(
                "same_stop_and_agency_url",
                "stop_url is the agency's agency_url",
                "stops.txt",
                row,
                "stop_url",
                details={"stopId": _get(r, "stop_id"), "stopUrl": url},
            )
        kind = _get(r, "location_type") or "0"
        if kind == "0" and _get(r, "platform_code") and not _get(r, "parent_station"):
            self.notices.add(
                "platform_without_parent_station",
                "a stop with platform_code has no parent_station",
                "stops.txt",
                row,
                "parent_station",
                details={"stopId": _get(r, "stop_id"), "stopName": _get(r, "stop_name")},
            )

    def route(self, row: int, r: dict[str, str]) -> None:
        """Colours in contrast, one name per route, a URL of the route's own."""
        route_id = _get(r, "route_id")
        self._contrast(row, route_id, _get(r, "route_color"), _get(r, "route_text_color"))
        url = _get(r, "route_url")
        if url:
            self.route_urls.setdefault(url, route_id)
        agency_id = _get(r, "agency_id")
        agency_url = self.agency_urls.get(agency_id) or (
            next(iter(self.agency_urls.values())) if len(self.agency_urls) == 1 else None
        )
        if url and url == agency_url:
            self.notices.add(
                "same_route_and_agency_url",
                "route_url is the agency's agency_url",
                "routes.txt",
                row,
                "route_url",
                details={"routeId": route_id, "agencyId": agency_id, "routeUrl": url},
            )
        short, long = _get(r, "route_short_name"), _get(r, "route_long_name")
        key = (short, long, _get(r, "route_type"), agency_id)
        if not short and not long:
            return
        first = self.route_names.setdefault(key, (row, route_id))
        if first[0] != row:
            self.notices.add(
                "duplicate_route_name",
                f"route {route_id} has the names of route {first[1]}",
                "routes.txt",
                row,
                "route_short_name",
                details={
                    "csvRowNumber1": first[0],
                    "routeId1": first[1],
                    "csvRowNumber2": row,
                    "routeId2": route_id,
                    "routeShortName": short,
                    "routeLongName": long,
                    "routeTypeValue": key[2],
                    "agencyId": agency_id,
                },
            )

    def _contrast(self, row: int, route_id: str, color: str, text_color: str) -> None:
        background, text = _luma(color), _luma(text_color)
        if background is None or text is None:
            return
        if abs(background - text) < _MIN_LUMA_DIFFERENCE:
            self.notices.add(
                "route_color_contrast",
                f"route_color {color} and route_text_color {text_color} are too alike",
                "routes.txt",
                row,
                "route_text_color",
                details={"routeId": route_id, "routeColor": color, "routeTextColor": text_color},
            )

    def feed_info(self, row: int, r: dict[str, str]) -> None:
        """A feed names a contact; its language matches the agencies' (unless ``mul``)."""
        if not _get(r, "feed_contact_email") and not _get(r, "feed_contact_url"):
            self.notices.add(
                "missing_feed_contact_email_and_url",
                "neither feed_contact_email nor feed_contact_url is given",
                "feed_info.txt",
                row,
                "feed_contact_email",
            )
        feed_lang = _get(r, "feed_lang").lower()
        if not feed_lang or feed_lang == "mul":
            return
        for agency_row, agency_id, agency_name, lang in self.agency_langs:
            if lang != feed_lang:
                self.notices.add(
                    "feed_info_lang_and_agency_lang_mismatch",
                    f"agency_lang {lang} is not feed_lang {feed_lang} (feed_info.txt row {row})",
                    "agency.txt",
                    agency_row,
                    "agency_lang",
                    details={
                        "agencyId": agency_id,
                        "agencyName": agency_name,
                        "agencyLang": lang,
                        "feedLang": feed_lang,
                    },
                )

    def finish(self) -> None:
        """A stop URL that is a route's says nothing of the stop (routes come after stops)."""
        for row, stop_id, url in self.stop_urls:
            route_id = self.route_urls.get(url)
            if route_id is not None:
                self.notices.add(
                    "same_stop_and_route_url",
                    f"stop_url is the route_url of route {route_id}",
                    "stops.txt",
                    row,
                    "stop_url",
                    details={"stopId": stop_id, "stopUrl": url, "routeId": route_id},
                )
        self.stop_urls.clear()

    def attribution(self, row: int, r: dict[str, str]) -> None:
        """An attribution says what the organisation is: producer, operator or authority."""
        roles = ("is_producer", "is_operator", "is_authority")
        if not any(_get(r, role) == "1" for role in roles):
            self.notices.add(
                "attribution_without_role",
                "none of is_producer, is_operator, is_authority is 1",
                "attributions.txt",
                row,
                "is_producer",
                details={"attributionId": _get(r, "attribution_id")},
            )
