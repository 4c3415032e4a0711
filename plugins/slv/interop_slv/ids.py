"""Canonical ids of SLV lights and their controller nodes, built from SLV's natural key.

An SLV device has a database id (an int, used by the logging services) and a natural key,
``(controllerStrId, idOnController)``, used by the command services and stable across SLV
databases. Light and node IRIs are minted from the natural key, so either can be derived
from the other without asking the server.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote, unquote

from interop.errors import NotFound
from interop.model.base import mint_iri

__all__ = ["NaturalKey", "device_iri", "light_iri", "parse_iri"]

_SYSTEM = "slv"


class NaturalKey(NamedTuple):
    """An SLV device's natural key: its controller and its id on that controller."""

    controller: str
    device: str

    @property
    def local_id(self) -> str:
        """Both parts, escaped, joined by ``/`` (unambiguous whatever they contain)."""
        return f"{quote(self.controller, safe='')}/{quote(self.device, safe='')}"


def light_iri(key: NaturalKey) -> str:
    """The LightPoint id of the device ``key``."""
    return mint_iri("light", _SYSTEM, key.local_id)


def device_iri(key: NaturalKey) -> str:
    """The IRI of the controller node of the device ``key``."""
    return mint_iri("device", _SYSTEM, key.local_id)


def parse_iri(iri: str) -> NaturalKey:
    """The natural key in a light or node IRI minted here; NotFound for any other IRI."""
    for kind in ("light", "device"):
        prefix = mint_iri(kind, _SYSTEM, "")
        if iri.startswith(prefix):
            parts = unquote(iri[len(prefix) :]).split("/")
            if len(parts) == 2 and all(parts):
                return NaturalKey(unquote(parts[0]), unquote(parts[1]))
    raise NotFound(
        f"{iri!r} is not an SLV light", source=_SYSTEM, expected="urn:interop:light:slv:..."
    )
