"""Validating what an OpenAPI ``discriminator`` leaves unchecked.

The TALQ data model types functions, attributes, states, services and log data through a
``discriminator`` without a ``oneOf`` (``Function`` on ``type``, ``State`` on ``name``,
...). JSON Schema ignores ``discriminator``, so a generic validator checks a Device's
functions only as ``{id, type}``. OpenAPI 3.0 says the discriminator value names the schema
(the implicit mapping); :class:`DiscriminatedSchemas` applies that rule: every object in a
message that has the base's required properties and whose ``type``/``name`` names a
subtype of that base is validated against the subtype too (a ``FunctionDesc``, whose
``type`` names a function type but which has no ``id``, is left alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

__all__ = ["DiscriminatedSchemas"]

_PREFIX = "#/components/schemas/"


class DiscriminatedSchemas:
    """The subtypes of the discriminated schemas of one data-model file, and their validators."""

    def __init__(self, model: Path) -> None:
        from openapi_schema_validator import OAS30Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        document = orjson.loads(model.read_bytes())
        schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
        self._uri = model.resolve().as_uri()
        registry: Registry[Any] = Registry().with_resource(
            self._uri, Resource.from_contents(document, default_specification=DRAFT4)
        )
        bases = {
            name: schema["discriminator"]["propertyName"]
            for name, schema in schemas.items()
            if isinstance(schema, dict) and isinstance(schema.get("discriminator"), dict)
        }
        self._required: dict[str, frozenset[str]] = {}
        self.subtypes: dict[tuple[str, str], str] = {}
        for name, schema in schemas.items():
            parts = schema.get("allOf") if isinstance(schema, dict) else None
            first = parts[0] if isinstance(parts, list) and parts else {}
            base = (
                str(first.get("$ref", "")).removeprefix(_PREFIX) if isinstance(first, dict) else ""
            )
            if base in bases:
                self.subtypes[(bases[base], name)] = name
                self._required[name] = frozenset(schemas[base].get("required", ()))
        self._validators = {
            name: OAS30Validator({"$ref": f"{self._uri}{_PREFIX}{name}"}, registry=registry)
            for name in set(self.subtypes.values())
        }

    def iter_errors(self, body: Any, where: str = "$") -> Iterator[str]:
        """Violations of discriminated subtypes anywhere in ``body`` (a parsed JSON message)."""
        if isinstance(body, list):
            for index, item in enumerate(body):
                yield from self.iter_errors(item, f"{where}[{index}]")
            return
        if not isinstance(body, dict):
            return
        for key in ("type", "name"):
            value = body.get(key)
            subtype = self.subtypes.get((key, value)) if isinstance(value, str) else None
            if subtype is not None and self._required[subtype] <= body.keys():
                for error in self._validators[subtype].iter_errors(body):
                    path = "".join(f"[{p!r}]" for p in error.absolute_path)
                    yield f"{where}{path}: {error.message} (as {subtype})"
        for key, value in body.items():
            yield from self.iter_errors(value, f"{where}.{key}")
