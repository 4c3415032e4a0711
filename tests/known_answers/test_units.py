"""Every built-in unit against independent sources: the OM-2 ontology and the units table.

OM-2 defines each unit from another (``om:hasUnit`` with ``om:hasFactor``, a prefix, a
product, a quotient or a power) down to the SI base units, and each temperature scale by
its factor and offset from the kelvin scale; UCUM codes come from OM's own UCUM mapping.
This test resolves those definitions from the ontology files and compares them with the
unit table, so a mistyped factor or code fails here even when every round trip passes.
UN/CEFACT Rec. 20 codes are compared with ``units-common.csv`` of the shared references.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from interop.model.units import DEFAULT_UNITS, OM, Unit, convert

OMNS = rdflib.Namespace(OM)
BY_IRI = {unit.iri: unit for unit in DEFAULT_UNITS}
OM_UNITS = [unit for unit in DEFAULT_UNITS if unit.in_om]
SI_BASE = {
    OM + name: Fraction(1)
    for name in (
        "metre", "kilogram", "second-Time", "ampere", "kelvin", "mole", "candela", "one",
        "radian", "steradian", "bel",
    )
}  # fmt: skip
"""Units OM defines from no other unit, or (kilogram, bel) that the walk stops at."""
RELATIVE = Fraction(1, 10**6)
"""OM writes some factors rounded (degree: 0.01745329, 5/9: 0.5555556)."""


def _factor(graph: rdflib.Graph, node: rdflib.term.Node) -> Fraction:
    """The factor from ``node`` to the coherent SI unit it is defined from, per OM-2."""
    if str(node) in SI_BASE:
        return SI_BASE[str(node)]
    value = graph.value(node, OMNS.hasFactor)
    factor = Fraction(Decimal(str(value))) if value is not None else Fraction(1)
    prefix = graph.value(node, OMNS.hasPrefix)
    unit = graph.value(node, OMNS.hasUnit)
    if prefix is not None and unit is not None:
        return _factor(graph, prefix) * _factor(graph, unit)
    if unit is not None:
        return factor * _factor(graph, unit)
    term1, term2 = graph.value(node, OMNS.hasTerm1), graph.value(node, OMNS.hasTerm2)
    if term1 is not None and term2 is not None:
        return _factor(graph, term1) * _factor(graph, term2)
    numerator = graph.value(node, OMNS.hasNumerator)
    denominator = graph.value(node, OMNS.hasDenominator)
    if numerator is not None and denominator is not None:
        return _factor(graph, numerator) / _factor(graph, denominator)
    base, exponent = graph.value(node, OMNS.hasBase), graph.value(node, OMNS.hasExponent)
    if base is not None and exponent is not None:
        return _factor(graph, base) ** int(exponent)
    if (node, RDF.type, OMNS.SIPrefix) in graph or (node, RDF.type, OMNS.BinaryPrefix) in graph:
        return factor
    raise AssertionError(f"OM-2 gives no definition of {node} to follow")


def _scale_offset(graph: rdflib.Graph, unit_iri: str) -> Fraction | None:
    """The offset to kelvin of the interval scale whose unit is ``unit_iri``, if any.

    OM writes a scale as ``value_on_scale = kelvin * factor + offset``; a unit's offset in
    the table is the kelvin value of its zero: ``-offset / factor``.
    """
    for scale in graph.subjects(OMNS.hasUnit, rdflib.URIRef(unit_iri)):
        offset = graph.value(scale, OMNS["hasOff-Set"])
        factor = graph.value(scale, OMNS.hasFactor)
        if offset is not None and factor is not None:
            return -Fraction(Decimal(str(offset))) / Fraction(Decimal(str(factor)))
    return None


def _close(expected: Fraction, actual: Fraction) -> bool:
    return abs(expected - actual) <= RELATIVE * abs(expected)


@pytest.mark.parametrize("unit", OM_UNITS, ids=[u.iri.removeprefix(OM) for u in OM_UNITS])
def test_factor_to_the_si_unit_matches_om(om_graph: rdflib.Graph, unit: Unit) -> None:
    node = rdflib.URIRef(unit.iri)
    assert (node, None, None) in om_graph, f"{unit.iri} is not an OM-2 term"
    if unit.quantity.value == "sound_level":
        assert unit.factor == 1  # logarithmic: the table converts decibel only to itself
        return
    expected = _factor(om_graph, node)
    assert _close(expected, unit.factor), (
        f"{unit.label}: the table's factor {unit.factor} ({float(unit.factor)}) differs from "
        f"OM-2's {expected} ({float(expected)})"
    )


@pytest.mark.parametrize("unit", OM_UNITS, ids=[u.iri.removeprefix(OM) for u in OM_UNITS])
def test_offset_matches_the_om_scale(om_graph: rdflib.Graph, unit: Unit) -> None:
    expected = _scale_offset(om_graph, unit.iri)
    if expected is None:
        assert unit.offset == 0, f"{unit.label} has an offset but OM-2 has no scale for it"
    else:
        assert _close(expected, unit.offset), f"{unit.label}: {unit.offset} != OM-2 {expected}"


OM_UCUM_ERRATA = {
    OM + "milligramPerCubicmetre": {"mg.cm-3", "mg/cm3"},
}
"""Codes OM-2's UCUM mapping gets wrong: per cubic centimetre for a unit per cubic metre
(OM's own factor, checked above, is 1e-6 kg/m3, i.e. ``mg/m3``)."""


def _litre_as_l(code: str) -> str:
    """UCUM has two atoms for the litre, ``l`` and ``L``: the same unit."""
    return re.sub(r"(?<![A-Za-z])L(?![A-Za-z])", "l", code)


def _ucum_codes(graph: rdflib.Graph, iri: str) -> set[str]:
    return {_litre_as_l(str(code)) for code in graph.objects(rdflib.URIRef(iri), SKOS.notation)}


@pytest.mark.parametrize("unit", OM_UNITS, ids=[u.iri.removeprefix(OM) for u in OM_UNITS])
def test_ucum_code_is_the_one_om_maps(om_graph: rdflib.Graph, unit: Unit) -> None:
    codes = _ucum_codes(om_graph, unit.iri)
    if unit.iri in OM_UCUM_ERRATA:
        assert codes == OM_UCUM_ERRATA[unit.iri], "OM-2 fixed its mapping: drop the erratum"
        return
    if not codes:
        assert unit.ucum is None or unit.quantity.value == "sound_level", unit
        return
    mapped = sorted(codes)
    assert _litre_as_l(unit.ucum or "") in codes, f"{unit.label}: {unit.ucum!r}, OM-2: {mapped}"


def _table_rows(om_dir: Path) -> Iterator[dict[str, str]]:
    with (om_dir / "units-common.csv").open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


EXTRA_UNITS = {
    "milligramPerKilogram": ("NA", "mg/kg"),
    "millivolt": ("2Z", "mV"),
    "milligramPerLitre": ("M1", "mg/L"),
    "siemensPerMetre": ("D10", "S/m"),
    "MilliS-PER-CentiM": ("H61", "mS/cm"),
    "MicroS-PER-CentiM": ("G42", "uS/cm"),
    "NTU": (None, "[NTU]"),
}
"""UN/CEFACT Rec 20 and UCUM codes of the units the research table does not list (Rec 20
has no code for NTU; UCUM added ``[NTU]`` in version 2.2)."""


def test_every_unit_is_checked_against_the_table_or_the_extra_codes(om_dir: Path) -> None:
    listed = {row["om2_iri"] or row["alternative_iri_if_not_in_om"] for row in _table_rows(om_dir)}
    extra = {
        unit.iri.rsplit("/", 1)[-1]: (unit.uncefact, unit.ucum)
        for unit in DEFAULT_UNITS
        if unit.iri not in listed
    }
    assert extra == EXTRA_UNITS


def test_uncefact_and_ucum_codes_match_the_common_units_table(om_dir: Path) -> None:
    problems = []
    rows = list(_table_rows(om_dir))
    for row in rows:
        iri = row["om2_iri"] or row["alternative_iri_if_not_in_om"]
        unit = BY_IRI.get(iri)
        if unit is None:
            problems.append(f"{row['quantity_unit']}: {iri} is not in the unit table")
            continue
        if unit.uncefact != (row["uncefact_rec20"] or None):
            problems.append(
                f"{unit.label}: UN/CEFACT {unit.uncefact!r} != {row['uncefact_rec20']!r}"
            )
        if unit.ucum != (row["ucum"] or None):
            problems.append(f"{unit.label}: UCUM {unit.ucum!r} != {row['ucum']!r}")
        if unit.in_om != (row["in_om_2_0"] == "yes"):
            problems.append(f"{unit.label}: in_om {unit.in_om} != table {row['in_om_2_0']!r}")
    assert not problems, "\n".join(problems)


# conversions worked by hand from the definitions (not from the table) -------------------
KNOWN_CONVERSIONS = [
    (Decimal("1013.25"), "mbar", "Pa", Decimal("101325")),
    (Decimal("1013.25"), "hPa", "mbar", Decimal("1013.25")),
    (Decimal("1.5"), "bar", "kPa", Decimal("150")),
    (Decimal("-40"), "Cel", "[degF]", Decimal("-40")),
    (Decimal("-17.5"), "Cel", "K", Decimal("255.65")),
    (Decimal("32"), "[degF]", "Cel", Decimal("0")),
    (Decimal("1"), "kW.h", "J", Decimal("3600000")),
    (Decimal("2.5"), "MW.h", "kW.h", Decimal("2500")),
    (Decimal("36"), "km/h", "m/s", Decimal("10")),
    (Decimal("1"), "[kn_i]", "km/h", Decimal("1.852")),
    (Decimal("250"), "mA", "A", Decimal("0.25")),
    (Decimal("90"), "min", "h", Decimal("1.5")),
    (Decimal("2"), "d", "s", Decimal("172800")),
    (Decimal("1500"), "L", "m3", Decimal("1.5")),
    (Decimal("3.6"), "m3/h", "L/h", Decimal("3600")),
    (Decimal("40"), "ug/m3", "mg/m3", Decimal("0.04")),
    (Decimal("250"), "[ppm]", "%", Decimal("0.025")),
    (Decimal("1000"), "[ppb]", "[ppm]", Decimal("1")),
    (Decimal("1.2"), "t", "kg", Decimal("1200")),
    (Decimal("1250"), "mm", "km", Decimal("0.00125")),
]


@pytest.mark.parametrize(("value", "source", "target", "expected"), KNOWN_CONVERSIONS)
def test_known_conversions(value: Decimal, source: str, target: str, expected: Decimal) -> None:
    result = convert(value, source, target)
    assert isinstance(result, Decimal)
    assert result == expected


def test_decimals_convert_exactly_and_floats_come_back_as_floats() -> None:
    assert convert(Decimal("0.1"), "kW", "W") == Decimal("100")
    assert convert(Decimal("0.3"), "h", "min") == Decimal("18")
    assert convert(Decimal("0.7"), "kPa", "mbar") == Decimal("7")
    assert type(convert(21, "Cel", "K")) is float
    assert convert(21, "Cel", "K") == 294.15


QUDT_FACTORS = {
    "http://qudt.org/vocab/unit/V-A": Fraction(1),
    "http://qudt.org/vocab/unit/KiloV-A": Fraction(1000),
    "http://qudt.org/vocab/unit/KiloV-A_Reactive": Fraction(1000),
    "http://qudt.org/vocab/unit/PPB": Fraction(1, 10**9),
    "http://qudt.org/vocab/unit/MicroGM-PER-M3": Fraction(1, 10**9),
    "http://qudt.org/vocab/unit/M3-PER-HR": Fraction(1, 3600),
    "http://qudt.org/vocab/unit/MicroS-PER-CentiM": Fraction(1, 10**4),
    "http://qudt.org/vocab/unit/MilliS-PER-CentiM": Fraction(1, 10),
    "http://qudt.org/vocab/unit/NTU": Fraction(1),
}
"""QUDT's ``conversionMultiplier`` of each fallback unit OM-2 lacks (to the SI unit)."""


def test_units_outside_om_have_qudts_factors() -> None:
    fallbacks = {unit.iri: unit.factor for unit in DEFAULT_UNITS if not unit.in_om}
    assert fallbacks == QUDT_FACTORS


@pytest.mark.parametrize(("source", "target"), [("m", "Cel"), ("Cel", "m"), ("W", "J"), ("J", "W")])
def test_units_of_different_quantities_never_convert(source: str, target: str) -> None:
    from interop.errors import UnitError

    with pytest.raises(UnitError):
        convert(1, source, target)


def test_a_unit_is_immutable() -> None:
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        DEFAULT_UNITS[0].factor = Fraction(2)  # type: ignore[misc]
