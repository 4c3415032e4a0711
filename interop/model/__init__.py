"""The canonical, SAREF-aligned data model: every record type and its building blocks."""

from interop.model.base import (
    IRI,
    CanonicalModel,
    DataClass,
    Extensions,
    ExternalId,
    Geometry,
    Point,
    Provenance,
    RecordBase,
    UtcDateTime,
    mint_iri,
    protected,
    protection_of,
)
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.device import Device, DeviceKind, FunctionKind
from interop.model.observation import Measurement, State, StateValue
from interop.model.place import Place
from interop.model.properties import PropertyRegistry, PropertySpec, default_property_registry
from interop.model.records import RECORD_TYPES, Record, RecordAdapter, record_type
from interop.model.units import QuantityKind, Unit, UnitRegistry, default_unit_registry

__all__ = [
    "IRI",
    "RECORD_TYPES",
    "CanonicalModel",
    "Command",
    "CommandKind",
    "CommandResult",
    "CommandStatus",
    "DataClass",
    "Device",
    "DeviceKind",
    "Extensions",
    "ExternalId",
    "FunctionKind",
    "Geometry",
    "Measurement",
    "Place",
    "Point",
    "PropertyRegistry",
    "PropertySpec",
    "Provenance",
    "QuantityKind",
    "Record",
    "RecordAdapter",
    "RecordBase",
    "State",
    "StateValue",
    "Unit",
    "UnitRegistry",
    "UtcDateTime",
    "default_property_registry",
    "default_unit_registry",
    "mint_iri",
    "protected",
    "protection_of",
    "record_type",
]
