"""interop: one open, SAREF-aligned data model for a city's devices, feeds and platforms.

Vendor plugins translate their protocol to and from the canonical records in
:mod:`interop.model`; the core exports them as RDF, checks them against SHACL shapes and
hands them to sinks. Importing this package loads no plugin and no third-party library: the
names below are imported on first use (PEP 562), so that the pytest plugin of the
conformance kit, which every pytest run in the environment imports, stays cheap.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from interop.errors import InteropError
    from interop.model import (
        Command,
        CommandKind,
        CommandResult,
        DataClass,
        Device,
        DeviceKind,
        Measurement,
        Place,
        Point,
        Provenance,
        Record,
        State,
        StateValue,
    )

try:
    __version__ = version("interop-core")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

API_VERSION = 1
"""Major version of the plugin API; plugins declare the one they target in their manifest."""

__all__ = [
    "API_VERSION",
    "Command",
    "CommandKind",
    "CommandResult",
    "DataClass",
    "Device",
    "DeviceKind",
    "InteropError",
    "Measurement",
    "Place",
    "Point",
    "Provenance",
    "Record",
    "State",
    "StateValue",
    "__version__",
]


_LAZY = {
    name: "interop.errors" if name == "InteropError" else "interop.model"
    for name in __all__
    if name not in ("API_VERSION", "__version__")
}
"""Where each re-exported name lives; imported on first access."""


def __getattr__(name: str) -> Any:
    """Import a re-exported name on first access."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'interop' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
