"""interop: one open, SAREF-aligned data model for a city's devices, feeds and platforms.

Vendor plugins translate their protocol to and from the canonical records in
:mod:`interop.model`; the core exports them as RDF, checks them against SHACL shapes and
hands them to sinks. Importing this package loads no plugin: build a
:class:`interop.registry.Registry` for that.
"""

from importlib.metadata import PackageNotFoundError, version

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
