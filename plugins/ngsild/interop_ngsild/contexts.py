"""The @contexts interop writes and an offline JSON-LD document loader that answers them.

Entities carry ``[SDM_CONTEXT, {"interop": ...}, CORE_CONTEXT]`` inline (or one context URL in
a ``Link`` header): the Smart Data Models terms, the project's ``interop:`` prefix for what has
no Smart Data Model, and the NGSI-LD core context last, as the spec requires. Nothing is
fetched at run time: :class:`OfflineLoader` answers the core context (v1.8, shipped), the
data-integrity context the v1.9 core context names, the project's own context, and any file
mapped to a URL by the caller (``OfflineLoader({url: path})``); any other URL is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson

from interop.errors import DecodeError

__all__ = [
    "CORE_CONTEXT",
    "CORE_CONTEXT_V1_4",
    "CORE_CONTEXT_V1_9",
    "DATA_INTEGRITY_CONTEXT",
    "INTEROP",
    "INTEROP_CONTEXT",
    "SDM_CONTEXT",
    "OfflineLoader",
    "entity_context",
]

CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"
"""The NGSI-LD core @context interop writes against (GS CIM 009 V1.8)."""
CORE_CONTEXT_V1_4 = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"
CORE_CONTEXT_V1_9 = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
SDM_CONTEXT = (
    "https://raw.githubusercontent.com/smart-data-models/data-models/master/context.jsonld"
)
"""The merged Smart Data Models @context (every subject's terms)."""
INTEROP = "https://w3id.org/interop/ontology#"
"""Namespace of the ``interop:`` prefix: record types and fields with no Smart Data Model."""
INTEROP_CONTEXT = "https://w3id.org/interop/ngsi-ld/context.jsonld"
"""Where a city publishes ``interop-ngsild-context.jsonld`` for ``Link``-header delivery."""

_SHIPPED = {
    CORE_CONTEXT: "ngsi-ld-core-context-v1.8.jsonld",
    DATA_INTEGRITY_CONTEXT: "data-integrity-v2.jsonld",
    INTEROP_CONTEXT: "interop-ngsild-context.jsonld",
}


def entity_context() -> list[Any]:
    """The inline ``@context`` of every entity interop writes (a fresh list)."""
    return [SDM_CONTEXT, {"interop": INTEROP}, CORE_CONTEXT]


@cache
def _shipped(name: str) -> Any:
    return orjson.loads(files("interop_ngsild").joinpath("contexts", name).read_bytes())


class OfflineLoader:
    """A pyld-compatible document loader that never touches the network.

    ``documents`` maps further URLs to local files or parsed documents (tests map the Smart
    Data Models and v1.4/v1.9 core contexts from ``shared/``). Unknown URLs raise
    :class:`~interop.errors.DecodeError` naming the URL, which pyld reports as a loading error.
    """

    def __init__(self, documents: Mapping[str, Path | Mapping[str, Any]] | None = None) -> None:
        self._documents = dict(documents or {})

    def document(self, url: str) -> Any:
        """The parsed JSON document served for ``url``."""
        key = url.split("#", 1)[0]
        local = self._documents.get(key)
        if isinstance(local, Path):
            return orjson.loads(local.read_bytes())
        if local is not None:
            return local
        if key in _SHIPPED:
            return _shipped(_SHIPPED[key])
        raise DecodeError(
            "the @context is not available offline",
            source=url,
            field="@context",
            expected=f"one of {sorted({*_SHIPPED, *self._documents})}",
        )

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Answer a pyld ``documentLoader`` request for ``url``."""
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self.document(url),
        }


def expand(document: Mapping[str, Any], loader: OfflineLoader | None = None) -> list[Any]:
    """Expand an NGSI-LD JSON-LD document offline (pyld), with the core context appended.

    The core context is always applied last, as brokers do: a document whose ``@context``
    does not end with a core context gets :data:`CORE_CONTEXT` added.
    """
    from pyld import jsonld  # type: ignore[import-untyped]

    doc = dict(document)
    context = doc.get("@context", [])
    contexts = list(context) if isinstance(context, list) else [context]
    if not contexts or contexts[-1] not in (CORE_CONTEXT, CORE_CONTEXT_V1_4, CORE_CONTEXT_V1_9):
        contexts.append(CORE_CONTEXT)
    doc["@context"] = contexts
    result: list[Any] = jsonld.expand(doc, {"documentLoader": loader or OfflineLoader()})
    return result


def to_nquads(document: Mapping[str, Any], loader: OfflineLoader | None = None) -> set[str]:
    """The document as a set of canonical N-Quads lines (blank nodes relabelled by URDNA2015)."""
    from pyld import jsonld

    expanded = expand(document, loader)
    text: str = jsonld.normalize(
        expanded,
        {"algorithm": "URDNA2015", "format": "application/n-quads"},
    )
    return {line for line in text.splitlines() if line}
