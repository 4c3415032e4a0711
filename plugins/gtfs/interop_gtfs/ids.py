"""GTFS ids <-> IRIs: ``stop_id`` ``S1`` of feed ``city`` is ``urn:interop:stop:city:S1``.

Every GTFS id becomes an IRI minted with :func:`interop.model.base.mint_iri` from an entity
kind (``agency``, ``stop``, ``route``, ``trip``, ``service``, ...), the *feed namespace* and the
GTFS id. The namespace defaults to a slug of the feed's file name and is an option of the
reader and the writer. :func:`local_id` turns an IRI back into the GTFS id and refuses, with
:class:`~interop.errors.EncodeError`, any IRI that is not exactly what :func:`gtfs_iri` mints.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote

from interop.errors import EncodeError
from interop.model.base import mint_iri

__all__ = ["PREFIX", "FeedNamespace", "gtfs_iri", "kind_of", "local_id", "namespace_of", "slug"]

PREFIX = "urn:interop:"
"""What every IRI minted by :func:`~interop.model.base.mint_iri` starts with."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(path: Path) -> str:
    """The default feed namespace: the file name without suffix, as a lowercase slug.

    ``Sample Feed 1.zip`` -> ``sample-feed-1``; a name with no letter or digit gives ``feed``.
    """
    name = path.name[: -len(path.suffix)] if path.suffix.lower() == ".zip" else path.name
    text = _NOT_SLUG.sub("-", name.lower()).strip("-")
    return text or "feed"


_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]*")
_UNRESERVED_OR_SLASH = re.compile(r"[A-Za-z0-9\-._~/]*")


@lru_cache(maxsize=256)
def _prefix(kind: str, namespace: str) -> str:
    """``urn:interop:<kind>:<namespace>:``, escaped exactly as mint_iri escapes it."""
    return mint_iri(kind, namespace, "")


def gtfs_iri(kind: str, namespace: str, gtfs_id: str) -> str:
    """The IRI of GTFS entity ``kind`` with id ``gtfs_id`` in feed ``namespace``.

    Equal to ``mint_iri(kind, namespace, gtfs_id)``, only faster for the bulk case.
    """
    if _UNRESERVED.fullmatch(gtfs_id):
        return _prefix(kind, namespace) + gtfs_id
    if _UNRESERVED_OR_SLASH.fullmatch(gtfs_id):  # derived ids: "trip/sequence"
        return _prefix(kind, namespace) + gtfs_id.replace("/", "%2F")
    return _prefix(kind, namespace) + quote(gtfs_id, safe="-._~")


@lru_cache(maxsize=1 << 16)
def _split(iri: str) -> tuple[str, str, str] | None:
    if not iri.startswith(PREFIX):
        return None
    parts = iri[len(PREFIX) :].split(":", 2)
    if len(parts) != 3:
        return None
    kind, namespace, local = (unquote(part) for part in parts)
    if mint_iri(kind, namespace, local) != iri:  # not in the canonical minted form
        return None
    return kind, namespace, local


def kind_of(iri: str) -> str | None:
    """The entity kind of a minted IRI (``stop``), or None if mint_iri did not mint it."""
    split = _split(iri)
    return None if split is None else split[0]


def namespace_of(iri: str) -> str | None:
    """The feed namespace of a minted IRI, or None if ``iri`` was not minted by mint_iri."""
    split = _split(iri)
    return None if split is None else split[1]


class FeedNamespace:
    """Turns IRIs back into GTFS ids for one feed, refusing IRIs of other feeds.

    With ``namespace=None`` the first IRI seen fixes the namespace, so that two feeds' ids
    (``urn:interop:stop:a:1`` and ``urn:interop:stop:b:1``) never merge into one GTFS id.
    """

    def __init__(self, namespace: str | None = None) -> None:
        self.namespace = namespace

    def local_id(self, iri: str, kind: str, where: str) -> str:
        """The GTFS id inside ``iri``; EncodeError unless it is a ``kind`` IRI of this feed."""
        split = _split(iri)
        if split is None or split[0] != kind:
            raise EncodeError(
                f"{iri!r} is not a GTFS {kind} IRI, so it has no GTFS id",
                source=where,
                expected=f"an IRI minted as {gtfs_iri(kind, self.namespace or 'FEED', 'ID')}",
            )
        if self.namespace is None:
            self.namespace = split[1]
        elif split[1] != self.namespace:
            raise EncodeError(
                f"{iri!r} belongs to feed namespace {split[1]!r}, not {self.namespace!r}: "
                "one GTFS feed holds the ids of one namespace",
                source=where,
                expected=f"IRIs of namespace {self.namespace!r}",
            )
        return split[2]


def local_id(iri: str, kind: str, namespace: str | None = None) -> str:
    """The GTFS id of ``iri`` (a ``kind`` IRI, of ``namespace`` if given), else EncodeError."""
    return FeedNamespace(namespace).local_id(iri, kind, iri)
