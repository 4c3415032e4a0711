"""Building blocks shared by every canonical record: IRIs, UTC time, places, provenance.

Records are immutable pydantic models that refuse unknown fields, so a typo in a plugin is
an error at the edge and never a silently dropped value. Every field declares a
data-protection class (:class:`DataClass`) in its metadata so the city's privacy policy can
act on any record without knowing its type.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    model_validator,
)
from pydantic.fields import FieldInfo

__all__ = [
    "IRI",
    "PROTECTION_KEY",
    "CanonicalModel",
    "DataClass",
    "Extensions",
    "ExternalId",
    "Geometry",
    "Point",
    "Provenance",
    "RecordBase",
    "UtcDateTime",
    "mint_iri",
    "protected",
    "protection_of",
]

PROTECTION_KEY = "x-data-protection"
"""Key, in a field's JSON-schema metadata, that holds its :class:`DataClass`."""


class DataClass(StrEnum):
    """How much a field says about a person; the privacy policy acts on this class.

    There is deliberately no *biometric* class: biometric data has no place in the model.
    """

    PUBLIC = "public"
    """Open data about public infrastructure or services (a stop name, a lamp's wattage)."""
    TECHNICAL = "technical"
    """Identifiers and readings of equipment that do not, alone, relate to a person."""
    PSEUDONYMOUS = "pseudonymous"
    """Relates to a person only through a key the city holds (a hashed account id)."""
    PERSONAL = "personal"
    """Identifies or describes a person; never leaves the pipeline unpseudonymised."""


def protected(protection: DataClass, default: Any = ..., **kwargs: Any) -> Any:
    """Declare a model field together with its data-protection class.

    A thin wrapper over :func:`pydantic.Field`; the class lands in the JSON Schema under
    ``x-data-protection`` so schema consumers (and the policy engine) see it too.
    """
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra[PROTECTION_KEY] = protection.value
    return Field(default, json_schema_extra=extra, **kwargs)


def protection_of(field: FieldInfo) -> DataClass | None:
    """Return the data-protection class declared on a pydantic field, if any."""
    extra = field.json_schema_extra
    if isinstance(extra, Mapping) and PROTECTION_KEY in extra:
        return DataClass(str(extra[PROTECTION_KEY]))
    return None


_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`]")


def _check_iri(value: str) -> str:
    if not _IRI_SCHEME.match(value):
        raise ValueError(f"{value!r} is not an absolute IRI (expected scheme:..., e.g. urn:x:1)")
    if _IRI_FORBIDDEN.search(value):
        raise ValueError(f"{value!r} contains a character IRIs forbid (space, <, >, quote, ...)")
    return value


IRI = Annotated[str, AfterValidator(_check_iri)]
"""An absolute IRI (RFC 3987): the identifier of every record and reference."""


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{value.isoformat()} has no time zone (expected an aware UTC time)")
    return value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_to_utc)]
"""A timezone-aware instant, normalised to UTC; naive datetimes are refused."""

Extensions = dict[str, dict[str, JsonValue]]
"""Vendor fields with no canonical home, by namespace (plugin name) then field name."""


def mint_iri(kind: str, system: str, local_id: str) -> str:
    """Mint a stable URN for a thing known only by a vendor-local id.

    ``mint_iri("device", "ttn", "eui-70b3d57ed0000001")`` gives
    ``urn:interop:device:ttn:eui-70b3d57ed0000001``; characters IRIs forbid are escaped.
    """
    return f"urn:interop:{_escape(kind)}:{_escape(system)}:{_escape(local_id)}"


def _escape(part: str) -> str:
    """``quote(part, safe="-._~")``: each byte outside the unreserved set as ``%XX``.

    ASCII text (ids, keys: nearly always) goes through one ``str.translate``; the rest
    through the regular expression, byte by byte.
    """
    if part.isascii():
        return part.translate(_ASCII_ESCAPES)
    return _RESERVED.sub(_percent, part)


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode())


_RESERVED = re.compile(r"[^A-Za-z0-9._~-]+")
"""Runs of characters ``quote(..., safe="-._~")`` escapes."""
_ASCII_ESCAPES = {
    code: f"%{code:02X}"
    for code in range(128)
    if not (chr(code).isascii() and (chr(code).isalnum() or chr(code) in "._~-"))
}
"""``str.translate`` table: each ASCII character ``quote(..., safe="-._~")`` escapes."""


class CanonicalModel(BaseModel):
    """Base of every canonical model: immutable, closed to unknown fields, finite numbers."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        use_enum_values=False,
        validate_default=True,
    )


class ExternalId(CanonicalModel):
    """An identifier as a vendor system knows it (``system`` names that system)."""

    system: str = protected(DataClass.TECHNICAL, min_length=1, description="Issuing system.")
    value: str = protected(DataClass.TECHNICAL, min_length=1, description="Identifier there.")


class Provenance(CanonicalModel):
    """Where a record came from: plugin, source system and message, when, and under which policy.

    ``policy_version`` names the version of the city's privacy policy applied to the record.
    """

    plugin: str = protected(DataClass.TECHNICAL, min_length=1, description="Plugin name.")
    plugin_version: str = protected(DataClass.TECHNICAL, min_length=1)
    source_system: str | None = protected(
        DataClass.TECHNICAL, None, description="Vendor system or feed the data came from."
    )
    original_id: str | None = protected(
        DataClass.TECHNICAL, None, description="The record's identifier in the source system."
    )
    received_at: UtcDateTime | None = protected(
        DataClass.TECHNICAL, None, description="When interop received the raw input."
    )
    raw_message_id: IRI | None = protected(
        DataClass.TECHNICAL,
        None,
        description="IRI of the raw message the record was decoded from "
        "(``mint_iri('message', source, key)``); PROV-O ``prov:wasDerivedFrom``.",
    )
    policy_version: str | None = protected(
        DataClass.TECHNICAL,
        None,
        min_length=1,
        description="Version of the privacy policy applied before the record was kept.",
    )


class Point(CanonicalModel):
    """A WGS84 position (EPSG:4326), altitude in metres above the ellipsoid when known."""

    lat: float = protected(DataClass.PUBLIC, ge=-90.0, le=90.0, description="Latitude, degrees.")
    lon: float = protected(DataClass.PUBLIC, ge=-180.0, le=180.0, description="Longitude, degrees.")
    alt: float | None = protected(DataClass.PUBLIC, None, description="Altitude, metres.")


GeometryType = Literal[
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"
]
_GEOMETRY_DEPTH: dict[str, int] = {
    "Point": 1,
    "MultiPoint": 2,
    "LineString": 2,
    "MultiLineString": 3,
    "Polygon": 3,
    "MultiPolygon": 4,
}


def _check_position(position: Any, where: str) -> None:
    if not isinstance(position, list) or not 2 <= len(position) <= 3:
        raise ValueError(f"{where}: a position is [lon, lat] or [lon, lat, alt]")
    for number in position:
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ValueError(f"{where}: {number!r} is not a number")
        if not math.isfinite(number):
            raise ValueError(f"{where}: {number!r} is not finite")
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"{where}: [{lon}, {lat}] is outside WGS84 bounds")


def _check_nesting(value: Any, depth: int, where: str) -> None:
    if depth == 1:
        _check_position(value, where)
        return
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of coordinates")
    for index, item in enumerate(value):
        _check_nesting(item, depth - 1, f"{where}[{index}]")


class Geometry(CanonicalModel):
    """A GeoJSON geometry (RFC 7946) in WGS84; coordinates are ``[lon, lat(, alt)]``."""

    type: GeometryType = protected(DataClass.PUBLIC)
    coordinates: list[Any] = protected(DataClass.PUBLIC)

    @model_validator(mode="after")
    def _coordinates_match_type(self) -> Geometry:
        _check_nesting(self.coordinates, _GEOMETRY_DEPTH[self.type], "coordinates")
        if self.type == "LineString" and len(self.coordinates) < 2:
            raise ValueError("coordinates: a LineString needs at least two positions")
        if self.type == "Polygon":
            for ring in self.coordinates:
                if len(ring) < 4 or ring[0] != ring[-1]:
                    raise ValueError("coordinates: a Polygon ring is closed, with >= 4 positions")
        return self


class RecordBase(CanonicalModel):
    """Fields every record has; subclasses fix ``kind`` to a literal (the union's tag)."""

    kind: str
    id: IRI = protected(DataClass.TECHNICAL, description="The record's IRI.")
    provenance: Provenance | None = protected(DataClass.TECHNICAL, None)
    extensions: Extensions = protected(
        DataClass.TECHNICAL,
        default_factory=dict,
        description="Vendor fields with no canonical home, by namespace then name.",
    )
