"""Smart Data Models JSON Schemas, resolved offline from a local copy of the models.

The schemas describe the keyValues shape, so an entity is rendered as keyValues before it is
checked. ``$ref`` URLs (``smart-data-models.github.io/...``, ``raw.githubusercontent.com/...``)
are answered from the local folder (``<Subject>/<Entity>/schema.json``, ``<Subject>/*.json``,
``_common/common-schema.json``); nothing is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

__all__ = ["SchemaStore"]

_SUBJECT_FILE = re.compile(
    r"^https://(?:smart-data-models\.github\.io/dataModels?\.([^/]+)"
    r"|raw\.githubusercontent\.com/smart-data-models/dataModel\.([^/]+)/master)/([^/#]+\.json)$"
)
_COMMON = "https://smart-data-models.github.io/data-models/common-schema.json"


class SchemaStore:
    """Validates keyValues entities against the Smart Data Models under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _retrieve(self, uri: str) -> Resource[Any]:
        if uri == _COMMON:
            path = self.root / "_common" / "common-schema.json"
        else:
            match = _SUBJECT_FILE.match(uri)
            if match is None:
                raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
            path = self.root / (match.group(1) or match.group(2)) / match.group(3)
        if not path.is_file():
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        return Resource.from_contents(
            orjson.loads(path.read_bytes()), default_specification=DRAFT202012
        )

    @cached_property
    def _registry(self) -> Registry[Any]:
        return Registry(retrieve=self._retrieve)  # type: ignore[call-arg]

    def schema_path(self, entity_type: str) -> Path | None:
        """The schema file of ``entity_type``, if the local copy has that model."""
        found = sorted(self.root.glob(f"*/{entity_type}/schema.json"))
        return found[0] if found else None

    def errors(self, entity: Mapping[str, Any]) -> list[str]:
        """Schema violations of a keyValues ``entity`` (empty when it validates)."""
        path = self.schema_path(str(entity.get("type")))
        if path is None:
            return [f"no Smart Data Model schema for type {entity.get('type')!r}"]
        schema = orjson.loads(path.read_bytes())
        validator = Draft202012Validator(schema, registry=self._registry)
        document = {key: value for key, value in entity.items() if key != "@context"}
        return [
            f"{'/'.join(str(p) for p in error.absolute_path) or '(entity)'}: {error.message}"
            for error in validator.iter_errors(document)
        ]
