"""The NGSI-LD meta-model rules a normalized entity must follow before it is mapped.

GS CIM 009 (clause 4.5): an entity has an absolute URI ``id`` and a ``type``; a Property has
a non-null ``value``, a Relationship an ``object`` (URIs), a GeoProperty a GeoJSON
geometry, a LanguageProperty a ``languageMap``, a ListProperty a ``valueList``, a
VocabProperty a ``vocab``, a JsonProperty a ``json`` member; ``observedAt``, ``createdAt``
and ``modifiedAt`` are DateTime strings; ``datasetId`` is a URI. Attributes may hold several
instances (a list) and nest properties and relationships. A violation is a
:class:`~interop.errors.DecodeError` naming the attribute, so a broken entity is never half
read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from interop.errors import DecodeError
from interop_ngsild.representation import ATTRIBUTE_TYPES, GEOJSON_TYPES

__all__ = ["check_entity"]

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_ENTITY_KEYS = frozenset({"id", "type", "@context", "scope"})
_TIMES = ("observedAt", "createdAt", "modifiedAt", "deletedAt")
_MEMBERS = {
    "Property": "value",
    "Relationship": "object",
    "GeoProperty": "value",
    "LanguageProperty": "languageMap",
    "ListProperty": "valueList",
    "ListRelationship": "objectList",
    "VocabProperty": "vocab",
    "JsonProperty": "json",
}
_STRUCTURAL = frozenset(
    {"type", "unitCode", "datasetId", "objectType", *_TIMES, *_MEMBERS.values()}
)


def _fail(entity_id: object, path: str, message: str, expected: str) -> DecodeError:
    return DecodeError(message, source=f"entity {entity_id!r}", field=path, expected=expected)


def _is_uri(value: object) -> bool:
    return isinstance(value, str) and _URI.match(value) is not None


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _check_geometry(entity_id: object, path: str, value: Any) -> None:
    ok = (
        isinstance(value, Mapping)
        and value.get("type") in GEOJSON_TYPES
        and isinstance(value.get("coordinates"), list)
    )
    if not ok:
        raise _fail(entity_id, path, "a GeoProperty needs a GeoJSON geometry", "a GeoJSON value")


def _check_objects(entity_id: object, path: str, value: Any) -> None:
    objects = value if isinstance(value, list) else [value]
    if not all(_is_uri(item) for item in objects):
        raise _fail(entity_id, path, "a Relationship points at entity URIs", "object: a URI")


def _check_attribute(entity_id: object, path: str, attribute: Any) -> None:
    if isinstance(attribute, list):
        if not attribute:
            raise _fail(entity_id, path, "an attribute has no instance", "one or more instances")
        for index, instance in enumerate(attribute):
            _check_attribute(entity_id, f"{path}[{index}]", instance)
        return
    if not isinstance(attribute, Mapping):
        raise _fail(entity_id, path, "an attribute is a JSON object", "{type, value, ...}")
    kind = attribute.get("type")
    if kind not in ATTRIBUTE_TYPES:
        raise _fail(
            entity_id, path, f"unknown attribute type {kind!r}", "Property, Relationship, ..."
        )
    member = _MEMBERS.get(str(kind))
    if member is not None and attribute.get(member) is None:
        raise _fail(entity_id, path, f"a {kind} without {member}", f"a non-null {member}")
    if kind == "Relationship":
        _check_objects(entity_id, path, attribute["object"])
    elif kind == "GeoProperty":
        _check_geometry(entity_id, path, attribute["value"])
    elif kind == "LanguageProperty" and not isinstance(attribute["languageMap"], Mapping):
        raise _fail(entity_id, path, "a languageMap maps languages to text", "an object")
    elif kind == "ListProperty" and not isinstance(attribute["valueList"], list):
        raise _fail(entity_id, path, "a valueList is a list", "a JSON array")
    for name in _TIMES:
        if name in attribute and not _is_datetime(attribute[name]):
            raise _fail(entity_id, f"{path}.{name}", f"{name} is not a DateTime", "ISO 8601 text")
    if "datasetId" in attribute and not _is_uri(attribute["datasetId"]):
        raise _fail(entity_id, f"{path}.datasetId", "a datasetId is a URI", "a URI")
    if "unitCode" in attribute and not isinstance(attribute["unitCode"], str):
        raise _fail(entity_id, f"{path}.unitCode", "a unitCode is text", "a UN/CEFACT code")
    for name, nested in attribute.items():
        if name not in _STRUCTURAL:
            _check_attribute(entity_id, f"{path}.{name}", nested)


def check_entity(entity: Mapping[str, Any]) -> None:
    """Raise :class:`DecodeError` unless the normalized ``entity`` follows the meta-model."""
    entity_id = entity.get("id")
    if not _is_uri(entity_id):
        raise _fail(entity_id, "id", "an entity id is an absolute URI", "urn:ngsi-ld:<Type>:<id>")
    for name, attribute in entity.items():
        if name not in _ENTITY_KEYS:
            _check_attribute(entity_id, name, attribute)
