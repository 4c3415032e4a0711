"""The feed namespace of minted IRIs, from the feed's own identity rather than its file name.

Renaming ``feed.zip`` must not rename every IRI. The namespace is, in order: the one the
caller gives (``--namespace``); ``feed_info.txt`` ``feed_id`` (a column many producers add);
``feed_info.txt`` ``feed_publisher_name``; the first agency's ``agency_name``; the host of
``feed_publisher_url``, then of the first ``agency_url`` (names in other scripts leave no
ASCII slug; URLs do); and only for a feed with none of these, the file name. Each is turned
into a lowercase ASCII slug (``Region de Murcia`` -> ``region-de-murcia``,
``http://www.egged-taavura.co.il`` -> ``egged-taavura-co-il``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from interop_gtfs.archive import FeedArchive
from interop_gtfs.ids import slug
from interop_gtfs.tables import Table, read_table

__all__ = ["feed_namespace", "text_slug"]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_LENGTH = 64


def text_slug(text: str) -> str:
    """``Región de Murcia`` -> ``region-de-murcia``; empty when no ASCII letter or digit is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:_MAX_LENGTH].strip("-")


def _host(url: str) -> str:
    """The host of a URL without ``www.`` (``""`` when there is none)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _first_row(archive: FeedArchive, name: str) -> dict[str, str]:
    if name not in archive.files:
        return {}
    rows = read_table(archive, name, Table(name))
    try:
        return next(rows, {})
    finally:
        rows.close()


def feed_namespace(archive: FeedArchive, source: Path) -> str:
    """The namespace of ``archive``: feed_id, publisher, agency name, URL hosts, file name."""
    feed_info = _first_row(archive, "feed_info.txt")
    agency = _first_row(archive, "agency.txt")
    for text in (
        feed_info.get("feed_id", ""),
        feed_info.get("feed_publisher_name", ""),
        agency.get("agency_name", ""),
        _host(feed_info.get("feed_publisher_url", "")),
        _host(agency.get("agency_url", "")),
    ):
        found = text_slug(text)
        if found:
            return found
    return slug(source)
