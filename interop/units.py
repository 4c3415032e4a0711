"""Public entry point for units: ``interop.units.convert(value, from_unit, to_unit)``.

The table and the registry live in :mod:`interop.model.units`; this module is the short,
stable import path the documentation uses.
"""

from interop.model.units import (
    DEFAULT_UNITS,
    QuantityKind,
    Unit,
    UnitRegistry,
    convert,
    default_unit_registry,
)

__all__ = [
    "DEFAULT_UNITS",
    "QuantityKind",
    "Unit",
    "UnitRegistry",
    "convert",
    "default_unit_registry",
]
