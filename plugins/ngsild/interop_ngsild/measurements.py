"""Measurements as Smart Data Models "observed" entities, chosen by the measured property.

Each observed model lists the properties it has an attribute for (:data:`OBSERVED`), with the
unit its keyValues form uses (keyValues has no ``unitCode``, so values are converted to a
documented unit of the same quantity kind). Measurements of one device (or feature of
interest) at one instant form a group; the group becomes the model that covers most of its
properties (ties go to the model with fewer attributes, the tighter fit), the rest form
further groups, and a property no model has becomes a ``DeviceMeasurement``. A model that
requires ``location`` is used only when the device's or feature's position is known, a model
with defining attributes only for a group holding one of them (a ``WasteContainer`` needs a
filling level: a temperature alone is no waste container), and a model counting people never
for a parking spot's occupancy (that stays a ``DeviceMeasurement`` beside the spot's
``ParkingSpot``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from interop.model.properties import INTEROP, S4ENVI, S4WATR, SAREF
from interop.model.units import OM, QUDT

__all__ = [
    "DEVICE_MEASUREMENT",
    "OBSERVED",
    "ObservedAttr",
    "ObservedModel",
    "choose_models",
    "controlled_properties",
    "model_named",
]


@dataclass(frozen=True, slots=True)
class ObservedAttr:
    """A property's attribute in an observed model and the unit of its keyValues value."""

    property: str
    name: str
    key_values_unit: str


@dataclass(frozen=True, slots=True)
class ObservedModel:
    """A Smart Data Model holding measured values of several properties."""

    entity_type: str
    subject: str
    attrs: tuple[ObservedAttr, ...]
    needs_location: bool
    time_attributes: tuple[str, ...] = ("dateObserved",)
    integer_attrs: frozenset[str] = frozenset()
    """Attributes whose schema type is integer: a non-integer value cannot use the model."""
    device_list: bool = False
    """Whether the model's ``refDevice`` is a list of devices."""
    defining: frozenset[str] = frozenset()
    """Attributes of which a group must have one for the model to apply (none: any)."""
    about_people: bool = False
    """Whether the model counts people (never used for a parking spot's occupancy)."""

    def attr_for(self, prop: str) -> ObservedAttr | None:
        """The attribute carrying ``prop`` in this model, if any."""
        for attr in self.attrs:
            if attr.property == prop:
                return attr
        return None

    def attr_named(self, name: str) -> ObservedAttr | None:
        """The attribute called ``name``, if this model has it."""
        for attr in self.attrs:
            if attr.name == name:
                return attr
        return None


def _a(prop: str, name: str, unit: str) -> ObservedAttr:
    return ObservedAttr(prop, name, unit)


_UG = QUDT + "MicroGM-PER-M3"
_TEMPERATURE = _a(SAREF + "Temperature", "temperature", OM + "degreeCelsius")
_HUMIDITY = _a(SAREF + "Humidity", "relativeHumidity", OM + "one")
_WIND_SPEED = _a(INTEROP + "WindSpeed", "windSpeed", OM + "metrePerSecond-Time")

OBSERVED: tuple[ObservedModel, ...] = (
    ObservedModel(
        "AirQualityObserved",
        "Environment",
        (
            _a(INTEROP + "PM25Concentration", "pm25", _UG),
            _a(INTEROP + "PM10Concentration", "pm10", _UG),
            _a(INTEROP + "PM1Concentration", "pm1", _UG),
            _a(INTEROP + "PM4Concentration", "pm4", _UG),
            _a(INTEROP + "NO2Concentration", "no2", _UG),
            _a(INTEROP + "O3Concentration", "o3", _UG),
            _a(INTEROP + "COConcentration", "co", OM + "partsPerMillion"),
            _a(INTEROP + "CO2Concentration", "co2", OM + "partsPerMillion"),
            _a(INTEROP + "TVOCConcentration", "volatileOrganicCompoundsTotal", QUDT + "PPB"),
            _TEMPERATURE,
            _HUMIDITY,
            _WIND_SPEED,
            _a(SAREF + "Pressure", "pressure", OM + "hectopascal"),
        ),
        needs_location=True,
    ),
    ObservedModel(
        "NoiseLevelObserved",
        "Environment",
        (_a(INTEROP + "SoundPressureLevel", "LAeq", OM + "decibel"),),
        needs_location=True,
        time_attributes=("dateObserved", "dateObservedFrom", "dateObservedTo"),
    ),
    ObservedModel(
        "WaterObserved",
        "Environment",
        (
            _a(INTEROP + "WaterLevel", "waterLevel", OM + "metre"),
            _a(S4WATR + "FlowRate", "flow", OM + "cubicMetrePerSecond-Time"),
        ),
        needs_location=True,
    ),
    ObservedModel(
        "TrafficFlowObserved",
        "Transportation",
        (
            _a(INTEROP + "VehicleCount", "intensity", OM + "one"),
            _a(INTEROP + "Speed", "averageVehicleSpeed", OM + "kilometrePerHour"),
        ),
        needs_location=False,
        integer_attrs=frozenset({"intensity"}),
    ),
    ObservedModel(
        "CrowdFlowObserved",
        "Transportation",
        (_a(SAREF + "Occupancy", "peopleCount", OM + "one"),),
        needs_location=False,
        integer_attrs=frozenset({"peopleCount"}),
        about_people=True,
    ),
    ObservedModel(
        "WasteContainer",
        "WasteManagement",
        (_a(INTEROP + "FillLevel", "fillingLevel", OM + "one"), _TEMPERATURE),
        needs_location=True,
        time_attributes=(),
        device_list=True,
        defining=frozenset({"fillingLevel"}),
    ),
    ObservedModel(
        "WeatherObserved",
        "Weather",
        (
            _TEMPERATURE,
            _HUMIDITY,
            _WIND_SPEED,
            _a(INTEROP + "WindDirection", "windDirection", OM + "degree"),
            _a(SAREF + "Pressure", "atmosphericPressure", OM + "hectopascal"),
            _a(INTEROP + "PrecipitationAmount", "precipitation", OM + "millimetre"),
            _a(S4ENVI + "Irradiance", "solarRadiation", OM + "wattPerSquareMetre"),
            _a(S4ENVI + "Illuminance", "illuminance", OM + "lux"),
        ),
        needs_location=True,
    ),
)
"""Observed models; a tie in coverage goes to the one with fewer attributes."""

DEVICE_MEASUREMENT = "DeviceMeasurement"
"""The generic model of one measured value of any property, with its device."""

_BY_TYPE = {model.entity_type: model for model in OBSERVED}

_CONTROLLED: dict[str, str] = {
    SAREF + "Temperature": "temperature",
    SAREF + "Humidity": "humidity",
    SAREF + "Light": "light",
    S4ENVI + "Illuminance": "light",
    SAREF + "Motion": "motion",
    SAREF + "Occupancy": "occupancy",
    SAREF + "Power": "power",
    SAREF + "Energy": "energy",
    SAREF + "Pressure": "pressure",
    SAREF + "Smoke": "smoke",
    S4ENVI + "Irradiance": "solarRadiation",
    S4WATR + "Precipitation": "precipitation",
    INTEROP + "PrecipitationAmount": "precipitation",
    S4WATR + "FlowRate": "waterFlow",
    S4WATR + "Conductivity": "conductivity",
    S4WATR + "Turbidity": "turbidity",
    INTEROP + "SoundPressureLevel": "noiseLevel",
    INTEROP + "WindSpeed": "windSpeed",
    INTEROP + "WindDirection": "windDirection",
    INTEROP + "WaterLevel": "waterLevel",
    INTEROP + "FillLevel": "fillingLevel",
    INTEROP + "Speed": "speed",
    INTEROP + "VehicleCount": "trafficFlow",
    **{
        INTEROP + name: "airPollution"
        for name in (
            "PM25Concentration",
            "PM10Concentration",
            "PM1Concentration",
            "PM4Concentration",
            "NO2Concentration",
            "O3Concentration",
            "COConcentration",
            "CO2Concentration",
            "TVOCConcentration",
        )
    },
}
"""Property IRI -> the Device model's ``controlledProperty`` enumeration value."""


def controlled_properties(properties: Iterable[str]) -> list[str]:
    """The ``controlledProperty`` values of a device measuring or controlling ``properties``."""
    return sorted({_CONTROLLED[p] for p in properties if p in _CONTROLLED})


def controlled_name(prop: str) -> str | None:
    """The ``controlledProperty`` name of one property, if the Device model has one."""
    return _CONTROLLED.get(prop)


def model_named(entity_type: str) -> ObservedModel | None:
    """The observed model written as ``entity_type``, if interop maps it."""
    return _BY_TYPE.get(entity_type)


def _fits(model: ObservedModel, prop: str, whole: bool, located: bool) -> bool:
    attr = model.attr_for(prop)
    if attr is None or (model.needs_location and not located):
        return False
    return attr.name not in model.integer_attrs or whole


def _coverage(
    model: ObservedModel, props: list[str], whole: Mapping[str, bool], located: bool
) -> list[str]:
    """The properties of ``props`` the model takes (none if it lacks a defining one)."""
    mine = [p for p in props if _fits(model, p, whole[p], located)]
    if model.defining:
        names = {attr.name for p in mine if (attr := model.attr_for(p)) is not None}
        if not names & model.defining:
            return []
    return mine


Choice = tuple[tuple[ObservedModel | None, tuple[str, ...]], ...]


@lru_cache(maxsize=4096)
def _choose(readings: tuple[tuple[str, bool], ...], located: bool, parking_spot: bool) -> Choice:
    """:func:`choose_models` on what decides it: properties, whole counts, position, spot."""
    whole = dict(readings)
    left = list(whole)
    chosen: list[tuple[ObservedModel | None, tuple[str, ...]]] = []
    models = [m for m in OBSERVED if not (parking_spot and m.about_people)]
    while left:
        best: tuple[int, int, ObservedModel, list[str]] | None = None
        for model in models:
            mine = _coverage(model, left, whole, located)
            if mine and (best is None or (len(mine), -len(model.attrs)) > (best[0], best[1])):
                best = (len(mine), -len(model.attrs), model, mine)
        if best is None:
            chosen.append((None, tuple(left)))
            break
        model, mine = best[2], best[3]
        chosen.append((model, tuple(mine)))
        left = [p for p in left if p not in mine]
    return tuple(chosen)


def choose_models(
    readings: Mapping[str, float], located: bool, *, parking_spot: bool = False
) -> list[tuple[ObservedModel | None, list[str]]]:
    """Split the properties of one group of readings into models.

    ``readings`` maps each property IRI to its value; ``parking_spot`` says the readings are
    about a parking spot, whose occupancy counts vehicles, not people. Returns
    ``(model, properties)`` pairs; ``None`` stands for ``DeviceMeasurement`` (one entity per
    property). Only whether a value is a whole count matters, so choices are cached.
    """
    key = tuple(
        (prop, isinstance(value, int) and not isinstance(value, bool) and value >= 0)
        for prop, value in readings.items()
    )
    return [(model, list(props)) for model, props in _choose(key, located, parking_spot)]
