"""The three NGSI-LD entity representations and the spec's rules between them.

interop builds every entity *normalized* (each attribute a typed object) and renders it as
``concise`` (``type`` dropped where the spec infers it back) or ``keyValues`` (values only).
:func:`normalize` applies the spec's inference the other way: ``object`` means Relationship,
a GeoJSON geometry means GeoProperty, anything else a Property. keyValues cannot say which
bare strings are relationships, so the caller names them (the Smart Data Model knows).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

__all__ = ["ATTRIBUTE_TYPES", "GEOJSON_TYPES", "Representation", "normalize", "render"]

GEOJSON_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)
ATTRIBUTE_TYPES = frozenset(
    {
        "Property",
        "Relationship",
        "GeoProperty",
        "LanguageProperty",
        "ListProperty",
        "ListRelationship",
        "VocabProperty",
        "JsonProperty",
    }
)
_ENTITY_KEYS = frozenset({"id", "type", "@context", "scope"})
_STRUCTURAL = frozenset({"type", "value", "object", "languageMap", "valueList", "objectList"})
_STRUCTURAL |= frozenset({"vocab", "json", "datasetId", "objectType"})

ValueConverter = Callable[[str, Mapping[str, Any]], Any]
"""``(attribute name, normalized attribute) -> keyValues value``."""


class Representation(StrEnum):
    """How an entity is written: ``normalized``, ``concise`` or ``keyValues``."""

    NORMALIZED = "normalized"
    CONCISE = "concise"
    KEY_VALUES = "keyValues"


def _is_geojson(value: object) -> bool:
    return isinstance(value, Mapping) and value.get("type") in GEOJSON_TYPES


def _concise_attribute(attribute: Mapping[str, Any]) -> Any:
    kind = attribute.get("type")
    body = {
        key: (
            _concise_attribute(item)
            if isinstance(item, Mapping) and key not in _STRUCTURAL
            else item
        )
        for key, item in attribute.items()
        if key != "type"
    }
    if kind == "Property" and set(body) == {"value"} and not isinstance(body["value"], Mapping):
        return body["value"]
    if kind == "GeoProperty" and set(body) == {"value"}:
        return body["value"]
    return body


def render(
    entity: Mapping[str, Any],
    representation: Representation,
    key_value: ValueConverter | None = None,
) -> dict[str, Any]:
    """Render a normalized entity as ``representation``.

    ``key_value`` turns an attribute into its keyValues value (interop converts measured
    values to the unit the Smart Data Model documents, since keyValues has no ``unitCode``);
    the default takes ``value`` (``object`` for a relationship).
    """
    if representation is Representation.NORMALIZED:
        return dict(entity)
    out: dict[str, Any] = {}
    for name, attribute in entity.items():
        if name in _ENTITY_KEYS or not isinstance(attribute, Mapping):
            out[name] = attribute
        elif representation is Representation.CONCISE:
            out[name] = _concise_attribute(attribute)
        elif key_value is not None:
            out[name] = key_value(name, attribute)
        else:
            out[name] = attribute.get("object", attribute.get("value"))
    return out


def _normal_attribute(value: Any, relationship: bool) -> dict[str, Any]:
    """One concise attribute (or sub-attribute) in its normalized form."""
    if isinstance(value, Mapping):
        if value.get("type") in ATTRIBUTE_TYPES:
            kind = value["type"]
            body = dict(value)
        elif "object" in value or "objectList" in value:
            kind = "Relationship" if "object" in value else "ListRelationship"
            body = {"type": kind, **value}
        elif "languageMap" in value:
            kind, body = "LanguageProperty", {"type": "LanguageProperty", **value}
        elif "valueList" in value:
            kind, body = "ListProperty", {"type": "ListProperty", **value}
        elif "vocab" in value:
            kind, body = "VocabProperty", {"type": "VocabProperty", **value}
        elif "json" in value:
            kind, body = "JsonProperty", {"type": "JsonProperty", **value}
        elif "value" in value:
            kind = "GeoProperty" if _is_geojson(value["value"]) else "Property"
            body = {"type": kind, **value}
        elif _is_geojson(value):
            return {"type": "GeoProperty", "value": dict(value)}
        else:
            return {"type": "Property", "value": dict(value)}
        for key, item in list(body.items()):
            if key not in _STRUCTURAL and key not in ("observedAt", "unitCode"):
                body[key] = _normal_attribute(item, relationship=False)
        return body
    if relationship and isinstance(value, str):
        return {"type": "Relationship", "object": value}
    return {"type": "Property", "value": value}


def normalize(
    entity: Mapping[str, Any],
    representation: Representation,
    relationships: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Turn an entity in ``representation`` into its normalized form.

    ``relationships`` names the attributes that are relationships in keyValues (a bare URI
    string there is otherwise a Property). Multi-instance attributes (lists of instances with
    their ``datasetId``) are normalized instance by instance.
    """
    out: dict[str, Any] = {}
    for name, value in entity.items():
        if name in _ENTITY_KEYS:
            out[name] = value
            continue
        is_rel = name in relationships
        if representation is Representation.KEY_VALUES:
            if is_rel and isinstance(value, list):
                out[name] = {"type": "Relationship", "object": list(value)}
            elif _is_geojson(value):
                out[name] = {"type": "GeoProperty", "value": dict(value)}
            elif is_rel and isinstance(value, str):
                out[name] = {"type": "Relationship", "object": value}
            else:
                out[name] = {"type": "Property", "value": value}
        elif isinstance(value, list) and value and all(_is_instance(item) for item in value):
            out[name] = [_normal_attribute(item, is_rel) for item in value]
        else:
            out[name] = _normal_attribute(value, is_rel)
    return out


def _is_instance(item: object) -> bool:
    return isinstance(item, Mapping) and (
        item.get("type") in ATTRIBUTE_TYPES or "value" in item or "object" in item
    )
