"""interop-ngsild: NGSI-LD entities as FIWARE Smart Data Models, both ways, and a broker sink.

This module is what the ``interop.plugins`` entry point names: the ``MANIFEST`` and the hook
implementations. Translation lives in :mod:`interop_ngsild.encoder` and
:mod:`interop_ngsild.decoder`, the three representations in
:mod:`interop_ngsild.representation`, file adapters in :mod:`interop_ngsild.codec`, offline
@contexts in :mod:`interop_ngsild.contexts` and the broker sink in :mod:`interop_ngsild.sink`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from interop.adapters import Adapter
from interop.hookspecs import hookimpl
from interop.report import Report
from interop_ngsild.codec import (
    ConciseCodec,
    EntityReader,
    EntityWriter,
    KeyValuesCodec,
    NormalizedCodec,
)
from interop_ngsild.manifest import MANIFEST, __version__

__all__ = [
    "MANIFEST",
    "__version__",
    "interop_conformance_cases",
    "interop_register_adapters",
    "interop_validate",
]


@hookimpl
def interop_register_adapters() -> Sequence[type[Adapter]]:
    """The codecs (normalized, concise, keyValues), the file reader and writer, the sink."""
    from interop_ngsild.sink import BrokerSink

    return [
        NormalizedCodec,
        ConciseCodec,
        KeyValuesCodec,
        EntityReader,
        EntityWriter,
        BrokerSink,
    ]


@hookimpl
def interop_conformance_cases() -> Sequence[object]:
    """Conformance cases for the kit (imports Hypothesis, so only when the kit calls)."""
    from interop_ngsild.conformance import conformance_cases

    return conformance_cases()


@hookimpl
def interop_validate(path: Path) -> Report:
    """Check a file of NGSI-LD entities: structure, canonical mapping, Smart Data Models."""
    from interop_ngsild.validation import validate_path

    return validate_path(path)
