"""Units of measure: OM-2 IRI, UN/CEFACT common code, UCUM code and exact conversion.

Each :class:`Unit` names its quantity kind and how to reach that kind's base unit exactly
(``base = value * factor + offset`` with rational ``factor`` and ``offset``), so converting
kWh to J or degrees Fahrenheit to kelvin loses nothing to binary floating point on the way.
Units are identified by IRI: the OM-2 term where OM has one, else a QUDT term, else an
``interop:`` term declared in ``ontologies/interop.ttl``. The table is a fact sheet re-typed
from OM-2, UN/CEFACT Recommendation 20 and UCUM.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from interop.errors import RegistryError, UnitError

__all__ = [
    "DEFAULT_UNITS",
    "OM",
    "QUDT",
    "QuantityKind",
    "Unit",
    "UnitRegistry",
    "convert",
    "default_unit_registry",
]

OM = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
QUDT = "http://qudt.org/vocab/unit/"
INTEROP = "https://w3id.org/interop/ontology#"


class QuantityKind(StrEnum):
    """What a unit measures; only units of the same kind convert into each other."""

    DIMENSIONLESS = "dimensionless"
    TEMPERATURE = "temperature"
    POWER = "power"
    APPARENT_POWER = "apparent_power"
    REACTIVE_POWER = "reactive_power"
    ENERGY = "energy"
    VOLTAGE = "voltage"
    CURRENT = "current"
    FREQUENCY = "frequency"
    ILLUMINANCE = "illuminance"
    LUMINOUS_INTENSITY = "luminous_intensity"
    LUMINOUS_FLUX = "luminous_flux"
    LUMINANCE = "luminance"
    IRRADIANCE = "irradiance"
    SOUND_LEVEL = "sound_level"
    MASS_CONCENTRATION = "mass_concentration"
    SPEED = "speed"
    PRESSURE = "pressure"
    LENGTH = "length"
    AREA = "area"
    VOLUME = "volume"
    VOLUME_FLOW = "volume_flow"
    TIME = "time"
    MASS = "mass"
    ANGLE = "angle"
    FORCE = "force"
    ELECTRICAL_CONDUCTIVITY = "electrical_conductivity"
    TURBIDITY = "turbidity"


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of measure and its exact relation to the base unit of its quantity kind."""

    iri: str
    label: str
    quantity: QuantityKind
    factor: Fraction
    offset: Fraction = Fraction(0)
    symbol: str | None = None
    uncefact: str | None = None
    """UN/CEFACT Rec. 20 common code, used as NGSI-LD ``unitCode``."""
    ucum: str | None = None
    in_om: bool = True
    """Whether ``iri`` is an OM-2 term (False: a QUDT or interop fallback)."""
    saref_class: str | None = field(default=None)
    """The SAREF core ``UnitOfMeasure`` subclass this unit belongs to, if any."""

    def to_base(self, value: Fraction) -> Fraction:
        """Express ``value`` (in this unit) in the base unit of the quantity kind."""
        return value * self.factor + self.offset

    def from_base(self, value: Fraction) -> Fraction:
        """Express ``value`` (in the base unit) in this unit."""
        return (value - self.offset) / self.factor


_F = Fraction
_SAREF = "https://saref.etsi.org/core/"
_TEMP, _POW, _ENER, _PRES, _ILLU = (
    _SAREF + "TemperatureUnit",
    _SAREF + "PowerUnit",
    _SAREF + "EnergyUnit",
    _SAREF + "PressureUnit",
    _SAREF + "IlluminanceUnit",
)
_Q = QuantityKind
_KELVIN_OFFSET = _F("273.15")
_DEGREE = _F(math.pi) / 180  # the one irrational factor: exact to double precision


def _om(
    name: str,
    label: str,
    quantity: QuantityKind,
    factor: Fraction | int | str,
    symbol: str | None,
    uncefact: str | None,
    ucum: str | None,
    *,
    offset: Fraction | int = 0,
    saref_class: str | None = None,
) -> Unit:
    return Unit(
        OM + name,
        label,
        quantity,
        _F(factor),
        _F(offset),
        symbol,
        uncefact,
        ucum,
        True,
        saref_class,
    )


def _fallback(
    iri: str,
    label: str,
    quantity: QuantityKind,
    factor: Fraction | int | str,
    symbol: str | None,
    uncefact: str | None,
    ucum: str | None,
    *,
    saref_class: str | None = None,
) -> Unit:
    return Unit(iri, label, quantity, _F(factor), _F(0), symbol, uncefact, ucum, False, saref_class)


DEFAULT_UNITS: tuple[Unit, ...] = (
    # temperature (base: kelvin)
    _om("degreeCelsius", "degree Celsius", _Q.TEMPERATURE, 1, "°C", "CEL", "Cel",
        offset=_KELVIN_OFFSET, saref_class=_TEMP),
    _om("kelvin", "kelvin", _Q.TEMPERATURE, 1, "K", "KEL", "K", saref_class=_TEMP),
    _om("degreeFahrenheit", "degree Fahrenheit", _Q.TEMPERATURE, _F(5, 9), "°F", "FAH",
        "[degF]", offset=_F("459.67") * _F(5, 9), saref_class=_TEMP),
    # dimensionless ratios (base: one)
    _om("one", "one", _Q.DIMENSIONLESS, 1, "1", "C62", "1"),
    _om("percent", "percent", _Q.DIMENSIONLESS, _F(1, 100), "%", "P1", "%"),
    _om("partsPerMillion", "part per million", _Q.DIMENSIONLESS, _F(1, 10**6), "ppm", "59",
        "[ppm]"),
    _fallback(QUDT + "PPB", "part per billion", _Q.DIMENSIONLESS, _F(1, 10**9), "ppb", "61",
              "[ppb]"),
    # a mass fraction, as soil nutrient probes report nitrogen, phosphorus and potassium
    _om("milligramPerKilogram", "milligram per kilogram", _Q.DIMENSIONLESS, _F(1, 10**6),
        "mg/kg", "NA", "mg/kg"),
    # power (base: watt)
    _om("watt", "watt", _Q.POWER, 1, "W", "WTT", "W", saref_class=_POW),
    _om("kilowatt", "kilowatt", _Q.POWER, 1000, "kW", "KWT", "kW", saref_class=_POW),
    _om("megawatt", "megawatt", _Q.POWER, 10**6, "MW", "MAW", "MW", saref_class=_POW),
    _fallback(QUDT + "V-A", "volt ampere", _Q.APPARENT_POWER, 1, "VA", "D46", "V.A",
              saref_class=_POW),
    _fallback(QUDT + "KiloV-A", "kilovolt ampere", _Q.APPARENT_POWER, 1000, "kVA", "KVA",
              "kV.A", saref_class=_POW),
    _fallback(QUDT + "KiloV-A_Reactive", "kilovar", _Q.REACTIVE_POWER, 1000, "kvar", "KVR",
              None, saref_class=_POW),
    # energy (base: joule)
    _om("joule", "joule", _Q.ENERGY, 1, "J", "JOU", "J", saref_class=_ENER),
    _om("wattHour", "watt hour", _Q.ENERGY, 3600, "W h", "WHR", "W.h", saref_class=_ENER),
    _om("kilowattHour", "kilowatt hour", _Q.ENERGY, 3_600_000, "kW h", "KWH", "kW.h",
        saref_class=_ENER),
    _om("megawattHour", "megawatt hour", _Q.ENERGY, 3_600_000_000, "MW h", "MWH", "MW.h",
        saref_class=_ENER),
    # electricity
    _om("volt", "volt", _Q.VOLTAGE, 1, "V", "VLT", "V"),
    _om("millivolt", "millivolt", _Q.VOLTAGE, _F(1, 1000), "mV", "2Z", "mV"),
    _om("ampere", "ampere", _Q.CURRENT, 1, "A", "AMP", "A"),
    _om("milliampere", "milliampere", _Q.CURRENT, _F(1, 1000), "mA", "4K", "mA"),
    _om("hertz", "hertz", _Q.FREQUENCY, 1, "Hz", "HTZ", "Hz"),
    # light
    _om("lux", "lux", _Q.ILLUMINANCE, 1, "lx", "LUX", "lx", saref_class=_ILLU),
    _om("candela", "candela", _Q.LUMINOUS_INTENSITY, 1, "cd", "CDL", "cd"),
    _om("lumen", "lumen", _Q.LUMINOUS_FLUX, 1, "lm", "LUM", "lm"),
    _om("candelaPerSquareMetre", "candela per square metre", _Q.LUMINANCE, 1, "cd/m2", "A24",
        "cd/m2"),
    _om("wattPerSquareMetre", "watt per square metre", _Q.IRRADIANCE, 1, "W/m2", "D54", "W/m2"),
    # sound (logarithmic: converts only to itself)
    _om("decibel", "decibel", _Q.SOUND_LEVEL, 1, "dB", "2N", "dB"),
    # air quality: mass per volume (base: kilogram per cubic metre)
    _fallback(QUDT + "MicroGM-PER-M3", "microgram per cubic metre", _Q.MASS_CONCENTRATION,
              _F(1, 10**9), "µg/m3", "GQ", "ug/m3"),
    _om("milligramPerCubicmetre", "milligram per cubic metre", _Q.MASS_CONCENTRATION,
        _F(1, 10**6), "mg/m3", "GP", "mg/m3"),
    _om("kilogramPerCubicmetre", "kilogram per cubic metre", _Q.MASS_CONCENTRATION, 1, "kg/m3",
        "KMQ", "kg/m3"),
    _om("milligramPerLitre", "milligram per litre", _Q.MASS_CONCENTRATION, _F(1, 1000), "mg/L",
        "M1", "mg/L"),
    # speed (base: metre per second)
    _om("metrePerSecond-Time", "metre per second", _Q.SPEED, 1, "m/s", "MTS", "m/s"),
    _om("kilometrePerHour", "kilometre per hour", _Q.SPEED, _F(5, 18), "km/h", "KMH", "km/h"),
    _om("knot-International", "knot", _Q.SPEED, _F(1852, 3600), "kn", "KNT", "[kn_i]"),
    _om("millimetrePerHour", "millimetre per hour", _Q.SPEED, _F(1, 3_600_000), "mm/h", "H67",
        "mm/h"),
    # pressure (base: pascal)
    _om("pascal", "pascal", _Q.PRESSURE, 1, "Pa", "PAL", "Pa", saref_class=_PRES),
    _om("hectopascal", "hectopascal", _Q.PRESSURE, 100, "hPa", "A97", "hPa", saref_class=_PRES),
    _om("kilopascal", "kilopascal", _Q.PRESSURE, 1000, "kPa", "KPA", "kPa", saref_class=_PRES),
    _om("bar", "bar", _Q.PRESSURE, 100_000, "bar", "BAR", "bar", saref_class=_PRES),
    _om("millibar", "millibar", _Q.PRESSURE, 100, "mbar", "MBR", "mbar", saref_class=_PRES),
    # length, area, volume (base: metre, square metre, cubic metre)
    _om("millimetre", "millimetre", _Q.LENGTH, _F(1, 1000), "mm", "MMT", "mm"),
    _om("centimetre", "centimetre", _Q.LENGTH, _F(1, 100), "cm", "CMT", "cm"),
    _om("metre", "metre", _Q.LENGTH, 1, "m", "MTR", "m"),
    _om("kilometre", "kilometre", _Q.LENGTH, 1000, "km", "KMT", "km"),
    _om("squareMetre", "square metre", _Q.AREA, 1, "m2", "MTK", "m2"),
    _om("cubicMetre", "cubic metre", _Q.VOLUME, 1, "m3", "MTQ", "m3"),
    _om("litre", "litre", _Q.VOLUME, _F(1, 1000), "l", "LTR", "L"),
    # flow (base: cubic metre per second)
    _fallback(QUDT + "M3-PER-HR", "cubic metre per hour", _Q.VOLUME_FLOW, _F(1, 3600), "m3/h",
              "MQH", "m3/h"),
    _om("cubicMetrePerSecond-Time", "cubic metre per second", _Q.VOLUME_FLOW, 1, "m3/s", "MQS",
        "m3/s"),
    _om("litrePerHour", "litre per hour", _Q.VOLUME_FLOW, _F(1, 3_600_000), "l/h", "E32", "L/h"),
    # time (base: second)
    _om("second-Time", "second", _Q.TIME, 1, "s", "SEC", "s"),
    _om("minute-Time", "minute", _Q.TIME, 60, "min", "MIN", "min"),
    _om("hour", "hour", _Q.TIME, 3600, "h", "HUR", "h"),
    _om("day", "day", _Q.TIME, 86_400, "d", "DAY", "d"),
    # mass (base: kilogram)
    _om("kilogram", "kilogram", _Q.MASS, 1, "kg", "KGM", "kg"),
    _om("tonne", "tonne", _Q.MASS, 1000, "t", "TNE", "t"),
    # angle (base: radian)
    _om("degree", "degree", _Q.ANGLE, _DEGREE, "°", "DD", "deg"),
    _om("radian", "radian", _Q.ANGLE, 1, "rad", "C81", "rad"),
    # force
    _om("newton", "newton", _Q.FORCE, 1, "N", "NEW", "N"),
    # electrical conductivity (base: siemens per metre); soil and water probes report µS/cm
    # or mS/cm (a dS/m equals a mS/cm)
    _om("siemensPerMetre", "siemens per metre", _Q.ELECTRICAL_CONDUCTIVITY, 1, "S/m", "D10",
        "S/m"),
    _fallback(QUDT + "MilliS-PER-CentiM", "millisiemens per centimetre",
              _Q.ELECTRICAL_CONDUCTIVITY, _F(1, 10), "mS/cm", "H61", "mS/cm"),
    _fallback(QUDT + "MicroS-PER-CentiM", "microsiemens per centimetre",
              _Q.ELECTRICAL_CONDUCTIVITY, _F(1, 10**4), "µS/cm", "G42", "uS/cm"),
    # turbidity (nephelometric, ISO 7027 / EPA 180.1): a scale of its own, no Rec. 20 code;
    # UCUM has it since version 2.2
    _fallback(QUDT + "NTU", "nephelometric turbidity unit", _Q.TURBIDITY, 1, "NTU", None,
              "[NTU]"),
)  # fmt: skip


class UnitRegistry:
    """A set of units, looked up by IRI, UCUM code, UN/CEFACT code or OM local name.

    Each :class:`interop.registry.Registry` owns one, seeded with :data:`DEFAULT_UNITS` and
    extended by plugins; there is no process-wide mutable table.
    """

    def __init__(self, units: Iterable[Unit] = ()) -> None:
        self._by_iri: dict[str, Unit] = {}
        self._aliases: dict[str, Unit] = {}
        for unit in units:
            self.register(unit)

    def register(self, unit: Unit) -> None:
        """Add a unit; refuses a second, different unit under the same IRI or code."""
        existing = self._by_iri.get(unit.iri)
        if existing is not None:
            if existing == unit:
                return
            raise RegistryError(
                "a different unit is already registered under this IRI",
                source=unit.iri,
                field="iri",
                expected="a unique unit IRI",
            )
        if unit.factor == 0:
            raise RegistryError(
                "a unit's factor to its base unit cannot be zero", source=unit.iri, field="factor"
            )
        self._by_iri[unit.iri] = unit
        for alias in self._aliases_of(unit):
            self._aliases.setdefault(alias, unit)

    @staticmethod
    def _aliases_of(unit: Unit) -> Iterator[str]:
        if unit.ucum:
            yield "ucum:" + unit.ucum
        if unit.uncefact:
            yield "uncefact:" + unit.uncefact
        if unit.iri.startswith(OM):
            yield "om:" + unit.iri.removeprefix(OM)

    def get(self, ref: str | Unit) -> Unit:
        """Find a unit by IRI, ``ucum:<code>``, ``uncefact:<code>``, ``om:<name>`` or UCUM code."""
        if isinstance(ref, Unit):
            return ref
        unit = self._by_iri.get(ref) or self._aliases.get(ref) or self._aliases.get("ucum:" + ref)
        if unit is None:
            raise UnitError(
                "unknown unit",
                source=ref,
                field="unit",
                expected="a registered unit IRI, UCUM code, ucum:/uncefact:/om: reference",
            )
        return unit

    def by_uncefact(self, code: str) -> Unit:
        """Find a unit by its UN/CEFACT common code (NGSI-LD ``unitCode``)."""
        return self.get("uncefact:" + code)

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and (
            ref in self._by_iri or ref in self._aliases or ("ucum:" + ref) in self._aliases
        )

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._by_iri.values())

    def __len__(self) -> int:
        return len(self._by_iri)

    def convert(
        self, value: float | Decimal | Fraction, from_unit: str | Unit, to_unit: str | Unit
    ) -> float | Decimal | Fraction:
        """Convert ``value`` between two units of the same quantity kind, exactly.

        Floats and ints come back as float, Decimal as Decimal, Fraction as Fraction; the
        arithmetic in between is rational. Raises :class:`UnitError` across quantity kinds.
        """
        source, target = self.get(from_unit), self.get(to_unit)
        if source.quantity is not target.quantity:
            raise UnitError(
                f"cannot convert {source.label} ({source.quantity}) to "
                f"{target.label} ({target.quantity})",
                source=f"{value!r} {source.symbol or source.iri}",
                field="unit",
                expected=f"a unit of {source.quantity}",
            )
        if isinstance(value, bool):
            raise UnitError("a boolean is not a quantity", source=repr(value), field="value")
        exact = Fraction(value)
        result = target.from_base(source.to_base(exact)) if source != target else exact
        if isinstance(value, Fraction):
            return result
        if isinstance(value, Decimal):
            return Decimal(result.numerator) / Decimal(result.denominator)
        return float(result)


def default_unit_registry() -> UnitRegistry:
    """A fresh registry holding the built-in units (callers may extend it freely)."""
    return UnitRegistry(DEFAULT_UNITS)


_BUILTIN = UnitRegistry(DEFAULT_UNITS)


def convert(
    value: float | Decimal | Fraction, from_unit: str | Unit, to_unit: str | Unit
) -> float | Decimal | Fraction:
    """Convert between two built-in (or given) units; see :meth:`UnitRegistry.convert`."""
    return _BUILTIN.convert(value, from_unit, to_unit)
