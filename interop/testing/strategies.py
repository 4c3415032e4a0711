"""Hypothesis strategies for every canonical record type (public API of the conformance kit).

Registered with :func:`hypothesis.strategies.register_type_strategy` through the
``hypothesis`` entry point, so ``st.from_type(Measurement)`` works in any test once
``interop-core[testing]`` is installed. Generated records are valid by construction and use
only built-in properties and units, so they also export to SHACL-valid RDF.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from interop.model.base import ExternalId, Geometry, Point, Provenance
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.device import Device, DeviceKind, FunctionKind
from interop.model.observation import Measurement, State, StateValue
from interop.model.place import Place
from interop.model.properties import DEFAULT_PROPERTIES
from interop.model.records import RECORD_TYPES, Record
from interop.model.units import DEFAULT_UNITS

__all__ = [
    "command_results",
    "commands",
    "devices",
    "extensions",
    "geometries",
    "iris",
    "measurements",
    "places",
    "points",
    "provenances",
    "records",
    "register_strategies",
    "states",
    "utc_datetimes",
]

_SAFE = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N"), include_characters="-._~"),
    min_size=1,
    max_size=12,
)
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24
)


@st.composite
def iris(draw: st.DrawFn, kind: str = "thing") -> str:
    """Absolute IRIs: URNs and https IRIs with unreserved or non-ASCII letters."""
    local = draw(_SAFE)
    if draw(st.booleans()):
        return f"urn:interop:{kind}:test:{local}"
    return f"https://city.example/{kind}/{local}"


def utc_datetimes() -> st.SearchStrategy[datetime]:
    """Aware UTC instants between 1990 and 2100, with microseconds."""
    return st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )


_FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)


def points() -> st.SearchStrategy[Point]:
    """WGS84 points, with or without altitude."""
    return st.builds(
        Point,
        lat=st.floats(-90, 90),
        lon=st.floats(-180, 180),
        alt=st.none() | st.floats(-500, 9000),
    )


def _position() -> st.SearchStrategy[list[float]]:
    return st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list)


@st.composite
def geometries(draw: st.DrawFn) -> Geometry:
    """GeoJSON Points, LineStrings and closed Polygons."""
    choice = draw(st.sampled_from(["Point", "LineString", "Polygon"]))
    if choice == "Point":
        return Geometry(type="Point", coordinates=draw(_position()))
    if choice == "LineString":
        return Geometry(type="LineString", coordinates=draw(st.lists(_position(), min_size=2)))
    ring = draw(st.lists(_position(), min_size=3, max_size=6))
    return Geometry(type="Polygon", coordinates=[[*ring, ring[0]]])


_JSON_SCALAR = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _FINITE | _TEXT


def extensions() -> st.SearchStrategy[dict[str, dict[str, Any]]]:
    """Namespaced vendor fields: JSON scalars and small lists/objects of them."""
    value = st.recursive(
        _JSON_SCALAR,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_SAFE, inner, max_size=3),
        max_leaves=6,
    )
    return st.dictionaries(_SAFE, st.dictionaries(_SAFE, value, max_size=3), max_size=2)


def provenances() -> st.SearchStrategy[Provenance]:
    """Provenance blocks with every optional field sometimes present."""
    return st.builds(
        Provenance,
        plugin=_SAFE,
        plugin_version=st.from_regex(r"\A[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}\Z"),
        source_system=st.none() | _TEXT,
        original_id=st.none() | _TEXT,
        received_at=st.none() | utc_datetimes(),
    )


def _common(kind: str) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "id": iris(kind),
        "provenance": st.none() | provenances(),
        "extensions": extensions(),
    }


_PROPERTY_IRIS = st.sampled_from([p.iri for p in DEFAULT_PROPERTIES])
_UNIT_IRIS = st.sampled_from([u.iri for u in DEFAULT_UNITS])
_OPTIONAL_TEXT = st.none() | _TEXT


def devices() -> st.SearchStrategy[Device]:
    """Devices of every kind with random functions, properties and commands."""
    return st.builds(
        Device,
        **_common("device"),
        device_kind=st.sampled_from(DeviceKind),
        name=_OPTIONAL_TEXT,
        manufacturer=_OPTIONAL_TEXT,
        model=_OPTIONAL_TEXT,
        serial_number=_OPTIONAL_TEXT,
        firmware_version=_OPTIONAL_TEXT,
        functions=st.frozensets(st.sampled_from(FunctionKind)),
        measures=st.frozensets(_PROPERTY_IRIS, max_size=3),
        controls=st.frozensets(_PROPERTY_IRIS, max_size=2),
        commands=st.frozensets(st.sampled_from(CommandKind)),
        location=st.none() | points(),
        place=st.none() | iris("place"),
        gateway=st.none() | iris("device"),
    )


def measurements() -> st.SearchStrategy[Measurement]:
    """Measurements with integer or float values in built-in properties and units."""
    return st.builds(
        Measurement,
        **_common("measurement"),
        property=_PROPERTY_IRIS,
        value=st.integers(-(2**63), 2**63 - 1) | _FINITE,
        unit=_UNIT_IRIS,
        timestamp=utc_datetimes(),
        device=st.none() | iris("device"),
        feature_of_interest=st.none() | iris("place"),
    )


@st.composite
def states(draw: st.DrawFn) -> State:
    """Device states; a ``level`` state always carries a percentage."""
    value = draw(st.sampled_from(StateValue))
    level = draw(st.floats(0, 100)) if value is StateValue.LEVEL else None
    return State(
        **{k: draw(v) for k, v in _common("state").items()},
        device=draw(iris("device")),
        value=value,
        level=level,
        timestamp=draw(utc_datetimes()),
    )


@st.composite
def commands(draw: st.DrawFn) -> Command:
    """Commands of every kind; ``set_level`` always carries a level."""
    action = draw(st.sampled_from(CommandKind))
    level = draw(st.floats(0, 100)) if action is CommandKind.SET_LEVEL else None
    return Command(
        **{k: draw(v) for k, v in _common("command").items()},
        action=action,
        target=draw(iris("device")),
        level=level,
        issued_at=draw(utc_datetimes()),
        issued_by=draw(_OPTIONAL_TEXT),
    )


def command_results() -> st.SearchStrategy[CommandResult]:
    """Results for any status, sometimes with a detail message."""
    return st.builds(
        CommandResult,
        **_common("command_result"),
        command=iris("command"),
        status=st.sampled_from(CommandStatus),
        at=utc_datetimes(),
        detail=_OPTIONAL_TEXT,
    )


@st.composite
def places(draw: st.DrawFn) -> Place:
    """Places with a point, a geometry, a name or several of them."""
    point = draw(st.none() | points())
    geometry = draw(st.none() | geometries())
    name = draw(_TEXT if point is None and geometry is None else _OPTIONAL_TEXT)
    return Place(
        **{k: draw(v) for k, v in _common("place").items()},
        name=name,
        point=point,
        geometry=geometry,
        address=draw(_OPTIONAL_TEXT),
        within=draw(st.none() | iris("place")),
    )


_BY_TYPE: dict[type[Any], st.SearchStrategy[Any]] = {
    Device: devices(),
    Measurement: measurements(),
    State: states(),
    Command: commands(),
    CommandResult: command_results(),
    Place: places(),
    Point: points(),
    Geometry: geometries(),
    Provenance: provenances(),
    ExternalId: st.builds(ExternalId, system=_SAFE, value=_TEXT),
}
assert all(cls in _BY_TYPE for cls in RECORD_TYPES), "every record type needs a strategy"


def records() -> st.SearchStrategy[Record]:
    """Any record, of any type."""
    return st.one_of(*(_BY_TYPE[cls] for cls in RECORD_TYPES))


def register_strategies() -> None:
    """Make ``st.from_type`` build valid instances of every model class above."""
    for cls, strategy in _BY_TYPE.items():
        st.register_type_strategy(cls, strategy)


def _hypothesis_setup_hook() -> None:
    """Entry point (group ``hypothesis``) that Hypothesis calls when it is first imported."""
    register_strategies()
