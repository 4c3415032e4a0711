"""``interop validate ngsild:FILE``: each entity checked as NGSI-LD, canonically and by schema.

Every entity must be a JSON object with an id and a type, decode to canonical records, and,
when the Smart Data Models are available locally (``INTEROP_SMART_DATA_MODELS`` names a folder
laid out as ``<Subject>/<Entity>/schema.json``), validate against its model's JSON Schema.
"""

from __future__ import annotations

import os
from pathlib import Path

from interop.errors import InteropError
from interop.report import Issue, Report, Severity
from interop_ngsild.decoder import from_entity
from interop_ngsild.documents import load_entities, represent
from interop_ngsild.representation import Representation, normalize

__all__ = ["SDM_ENV", "validate_path"]

SDM_ENV = "INTEROP_SMART_DATA_MODELS"
"""Environment variable naming a local copy of the Smart Data Models (schemas)."""


def validate_path(path: Path, models: Path | None = None) -> Report:
    """Check every entity of ``path``.

    ``models`` (or ``$INTEROP_SMART_DATA_MODELS``) enables the JSON Schema check.
    """
    file = str(path)
    issues: list[Issue] = []
    try:
        entities = list(load_entities(path.read_bytes(), file))
    except InteropError as exc:
        return Report(file, 0, (Issue(Severity.ERROR, "ngsild-json", exc.message, file),))
    except OSError as exc:
        return Report(file, 0, (Issue(Severity.ERROR, "ngsild-read", str(exc.strerror), file),))
    root = models or (Path(os.environ[SDM_ENV]) if os.environ.get(SDM_ENV) else None)
    store = None
    if root is not None and root.is_dir():
        from interop_ngsild.schemas import SchemaStore

        store = SchemaStore(root)
    else:
        issues.append(
            Issue(
                Severity.INFO,
                "ngsild-schemas-unavailable",
                f"Smart Data Models schemas not checked: set {SDM_ENV} to a local copy",
                file,
            )
        )
    for row, entity in enumerate(entities, start=1):
        try:
            from_entity(entity, Representation.CONCISE)
        except InteropError as exc:
            issues.append(Issue(Severity.ERROR, exc.code, exc.message, file, row, exc.field))
            continue
        entity_type = str(entity.get("type"))
        if store is None or entity_type.startswith("interop:"):
            continue
        if store.schema_path(entity_type) is None:
            issues.append(
                Issue(
                    Severity.WARNING, "ngsild-no-schema", f"no schema for {entity_type}", file, row
                )
            )
            continue
        simple = represent(normalize(entity, Representation.CONCISE), Representation.KEY_VALUES)
        for message in store.errors(simple):
            issues.append(Issue(Severity.ERROR, "ngsild-schema", message, file, row, entity_type))
    return Report(file, len(entities), tuple(issues))
