import csv
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interop import units
from interop.errors import InteropError, RegistryError, UnitError
from interop.model.units import OM, QuantityKind, Unit, UnitRegistry


def test_table_has_the_common_city_units():
    assert len(units.DEFAULT_UNITS) >= 58
    iris = [u.iri for u in units.DEFAULT_UNITS]
    assert len(iris) == len(set(iris))
    codes = [u.uncefact for u in units.DEFAULT_UNITS if u.uncefact]
    assert len(codes) == len(set(codes))


def test_table_matches_the_shared_fact_sheet(shared_dir):
    registry = units.default_unit_registry()
    with (shared_dir / "ontologies/om/units-common.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 58
    for row in rows:
        unit = registry.by_uncefact(row["uncefact_rec20"])
        expected_iri = row["om2_iri"] or row["alternative_iri_if_not_in_om"]
        assert unit.iri == expected_iri, row["quantity_unit"]
        assert unit.in_om == (row["in_om_2_0"] == "yes"), row["quantity_unit"]
        assert (unit.ucum or "") == row["ucum"], row["quantity_unit"]


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (100, "Cel", "K", 373.15),
        (212, "[degF]", "Cel", 100.0),
        (-40, "[degF]", "Cel", -40.0),
        (1, "kW.h", "J", 3_600_000.0),
        (36, "km/h", "m/s", 10.0),
        (1013.25, "hPa", "Pa", 101325.0),
        (1, "m3/h", "L/h", 1000.0),
        (5, "%", "1", 0.05),
        (2.5, "ucum:h", "ucum:min", 150.0),
        (1, "uncefact:KWT", "uncefact:WTT", 1000.0),
        (1, OM + "tonne", "om:kilogram", 1000.0),
        (1500, "uS/cm", "S/m", 0.15),
        (1.5, "uncefact:H61", "uncefact:G42", 1500.0),
        (2, "mS/cm", "uncefact:D10", 0.2),
        (350, "mV", "V", 0.35),
        (8.2, "uncefact:M1", "om:milligramPerCubicmetre", 8200.0),
        (45, "mg/kg", "[ppm]", 45.0),
    ],
)
def test_convert_known_values(value, source, target, expected):
    assert units.convert(value, source, target) == pytest.approx(expected, rel=1e-15)


def test_conversion_is_exact_for_rationals():
    assert units.convert(Fraction(1, 3), "kW.h", "W.h") == Fraction(1000, 3)
    assert units.convert(Decimal("0.1"), "km", "m") == Decimal(100)
    # float inputs are computed rationally: 0.1 kWh is exactly 360000 J after rounding once
    assert units.convert(0.1, "kW.h", "J") == 360000.0


def test_incompatible_quantities_are_refused_with_a_clear_message():
    with pytest.raises(UnitError) as info:
        units.convert(1, "Cel", "W")
    message = str(info.value)
    assert "degree Celsius" in message
    assert "watt" in message
    assert "unit-error" in message
    assert isinstance(info.value, InteropError)


def test_unknown_unit_names_the_input():
    with pytest.raises(UnitError, match="furlong"):
        units.convert(1, "furlong", "m")


def test_booleans_are_not_quantities():
    with pytest.raises(UnitError):
        units.convert(True, "m", "km")


_linear = [u for u in units.DEFAULT_UNITS if u.quantity is not QuantityKind.ANGLE]


@given(
    st.sampled_from(_linear).flatmap(
        lambda u: st.tuples(
            st.just(u), st.sampled_from([v for v in _linear if v.quantity is u.quantity])
        )
    ),
    st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**12),
)
def test_round_trip_through_any_compatible_unit_is_exact(pair, value):
    source, target = pair
    there = units.convert(value, source, target)
    assert units.convert(there, target, source) == value


def test_registry_refuses_a_different_unit_under_a_taken_iri():
    registry = units.default_unit_registry()
    clash = Unit(OM + "metre", "not a metre", QuantityKind.LENGTH, Fraction(2))
    with pytest.raises(RegistryError, match="already registered"):
        registry.register(clash)


def test_registry_is_extensible_per_instance():
    registry = units.default_unit_registry()
    furlong = Unit("https://example.org/unit/furlong", "furlong", QuantityKind.LENGTH,
                   Fraction(201168, 1000), ucum="[fur_us]", in_om=False)  # fmt: skip
    registry.register(furlong)
    assert registry.convert(1, "[fur_us]", "m") == pytest.approx(201.168)
    assert "[fur_us]" not in units.default_unit_registry()


def test_zero_factor_is_refused():
    with pytest.raises(RegistryError):
        UnitRegistry([Unit("urn:u:zero", "zero", QuantityKind.LENGTH, Fraction(0))])
