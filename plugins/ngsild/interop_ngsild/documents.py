"""Entities as documents: a representation chosen, ``@context`` attached, bytes in and out.

keyValues has no ``unitCode`` and no ``observedAt``: a measured value is written in the unit
its Smart Data Model documents (converted exactly by the unit registry), and a DateTime
value as its ISO 8601 text. Files hold a JSON array of entities, one entity, or JSON Lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import orjson

from interop.errors import DecodeError, InteropError
from interop.model.records import Record
from interop.model.units import UnitRegistry, default_unit_registry
from interop_ngsild.contexts import entity_context
from interop_ngsild.encoder import to_entities
from interop_ngsild.measurements import model_named
from interop_ngsild.representation import Representation, ValueConverter, render

__all__ = ["dump_entities", "key_value_converter", "load_entities", "represent"]

_UNITS = default_unit_registry()


def key_value_converter(entity_type: str, units: UnitRegistry | None = None) -> ValueConverter:
    """The keyValues value of each attribute of an ``entity_type`` entity."""
    registry = units or _UNITS
    observed = model_named(entity_type)

    def convert(name: str, attribute: Mapping[str, Any]) -> Any:
        if "object" in attribute:
            return attribute["object"]
        value = attribute.get("value")
        if isinstance(value, Mapping) and value.get("@type") == "DateTime":
            return value.get("@value")
        attr = observed.attr_named(name) if observed is not None else None
        if attr is None or isinstance(value, bool) or not isinstance(value, int | float):
            return value
        unit = attribute.get("interop:unit", {}).get("value") or attribute.get("unitCode")
        if unit is None:
            return value
        source = unit if unit in registry else "uncefact:" + str(unit)
        try:
            return registry.convert(value, source, attr.key_values_unit)
        except InteropError:
            return value

    return convert


def represent(
    entity: Mapping[str, Any],
    representation: Representation,
    *,
    units: UnitRegistry | None = None,
    context: bool = True,
) -> dict[str, Any]:
    """A normalized entity in ``representation``, with the inline ``@context`` if asked."""
    converter = (
        key_value_converter(str(entity["type"]), units)
        if representation is Representation.KEY_VALUES
        else None
    )
    out = render(entity, representation, converter)
    if context:
        out["@context"] = entity_context()
    return out


def dump_entities(
    records: Sequence[Record],
    representation: Representation = Representation.NORMALIZED,
    *,
    lines: bool = False,
    units: UnitRegistry | None = None,
) -> bytes:
    """Records as NGSI-LD entities: a JSON array, or JSON Lines when ``lines``."""
    documents = [
        represent(entity, representation, units=units)
        for entity in to_entities(records, units=units)
    ]
    if lines:
        return b"".join(orjson.dumps(document) + b"\n" for document in documents)
    return orjson.dumps(documents)


def _parse(raw: bytes, source: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not JSON: {exc}", source=source, expected="NGSI-LD JSON") from None


def load_entities(raw: bytes, source: str = "ngsild") -> Iterator[Any]:
    """The entities in ``raw``: a JSON array, one JSON object, or JSON Lines."""
    text = raw.strip()
    if not text:
        return
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        if b"\n" not in text:
            _parse(text, source)
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                item = _parse(line, f"{source}:{number}")
                yield from item if isinstance(item, list) else [item]
        return
    if isinstance(document, list):
        yield from document
    elif isinstance(document, dict):
        yield document
    else:
        raise DecodeError(
            "not an NGSI-LD entity or array of entities",
            source=source,
            expected="a JSON object or array",
        )
