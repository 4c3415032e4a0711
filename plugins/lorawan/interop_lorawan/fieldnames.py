"""What a decoded field's *name* says: the property it measures and the units it may be in.

Device makers name the same quantity many ways (``temperature``, ``TempC_SHT``, ``BatV``,
``batteryVoltage``, ``Bat_mV``, ``air.relativeHumidity``). This module reads a name in four
steps, first hit wins:

1. the curated table :data:`FIELD_TABLE` (normalised full path, then the last two path
   segments, then the last segment, then that segment's camelCase as snake_case): names
   taken from the makers' codecs in The Things Network Device Repository and The Things
   Stack's normalized payload (``air.*``, ``wind.*``, ``soil.*``, ``water.*``,
   ``action.*``); a decimal point inside a name (``pm2.5``) is not a path step;
2. the same table after removing a unit written into the name (``co2_ppm``, ``Bat_mV``,
   ``TempC``, ``speedKmph``): the unit then comes from the name;
3. the same table after removing an average (``humidity_avg``); a min or max may be a
   configured limit (``maxTemp``) and is never read by name;
4. keyword rules over the name's words (:func:`words`), for names no table lists
   (``mcu_temperature``, ``vbattery``), which refuse names that describe a
   setting rather than a reading (``threshold``, ``interval``, ``alarm``, ``target``, ...).

Names whose unit makers disagree on (``distance``, ``water_level``, ``energy``, ``speed``,
``tvoc``) are placed only with a unit, from the data or the name.

A name whose unit is not certain yields several :class:`FieldRule` *candidates*, each with
the window of raw values for which it is the plausible reading (``battery`` 3.6 is volts,
3600 millivolts, 87 percent; an integer 3 is none of them for sure and stays unmapped).
The mapper (:mod:`interop_lorawan.mapping`) takes the first candidate whose window holds the
value and whose converted value lies in the property's plausible range.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from interop.model.units import OM, QUDT

__all__ = [
    "FIELD_TABLE",
    "METADATA_FIELDS",
    "SETTING_WORDS",
    "UNIT_SYMBOLS",
    "VENDOR_OVERRIDES",
    "FieldRule",
    "Rule",
    "medium",
    "normalise",
    "rule_for_name",
    "words",
]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One reading of a field: property key, unit, scale, and when it applies.

    ``unit`` is a key of :data:`UNIT_SYMBOLS` or any reference the unit registry resolves
    (IRI, UCUM code); the value is multiplied by ``scale``. ``window`` (raw value, before
    scaling) and ``fraction`` (True: the value must have a fractional part; False: it must
    be an integer) say for which values this reading is the plausible one; ``needs_unit``
    makes the rule apply only when the data itself gives the unit. ``property`` None keeps
    the field unmapped on purpose.
    """

    property: str | None
    unit: str | None = None
    scale: float = 1.0
    window: tuple[float, float] | None = None
    fraction: bool | None = None
    needs_unit: bool = False

    @classmethod
    def parse(cls, spec: object) -> FieldRule:
        """A rule from its config form: a string or a mapping.

        ``"co2"``, ``"battery_voltage mV"``, ``"unmapped"`` (keep the field unmapped on
        purpose) or ``{property, unit, scale}``.
        """
        if isinstance(spec, FieldRule):
            return spec
        if isinstance(spec, str):
            key, _, unit = spec.partition(" ")
            if key == "unmapped":
                return cls(None)
            return cls(key or None, unit.strip() or None)
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"property", "unit", "scale"}
            if unknown:
                raise ValueError(f"unknown keys {sorted(unknown)} (expected property/unit/scale)")
            prop, unit_ref, scale = (
                spec.get("property"),
                spec.get("unit"),
                spec.get("scale", 1.0),
            )
            if prop is not None and not isinstance(prop, str):
                raise ValueError(f"property {prop!r} is not a string")
            if unit_ref is not None and not isinstance(unit_ref, str):
                raise ValueError(f"unit {unit_ref!r} is not a string")
            if isinstance(scale, bool) or not isinstance(scale, int | float):
                raise ValueError(f"scale {scale!r} is not a number")
            return cls(prop, unit_ref, float(scale))
        raise ValueError(f"{spec!r} is not a field rule (expected a string or a mapping)")

    def admits(self, value: float) -> bool:
        """Whether ``value`` (raw) lies in this reading's window and has the right form."""
        if self.window is not None and not self.window[0] <= value <= self.window[1]:
            return False
        return self.fraction is None or (value != int(value)) is self.fraction


Rule = tuple[FieldRule, ...]
"""The candidate readings of one field, in order of preference."""

_C, _PCT, _V = OM + "degreeCelsius", OM + "percent", OM + "volt"
_US_CM, _MS_CM = QUDT + "MicroS-PER-CentiM", QUDT + "MilliS-PER-CentiM"
_DEG = OM + "degree"
_MG_KG, _MG_L, _NTU = OM + "milligramPerKilogram", OM + "milligramPerLitre", QUDT + "NTU"

UNIT_SYMBOLS: Mapping[str, tuple[str, float]] = {
    "°c": (_C, 1.0), "℃": (_C, 1.0), "c": (_C, 1.0), "degc": (_C, 1.0), "celsius": (_C, 1.0),
    "°f": (OM + "degreeFahrenheit", 1.0), "f": (OM + "degreeFahrenheit", 1.0),
    "k": (OM + "kelvin", 1.0),
    "%": (_PCT, 1.0), "%rh": (_PCT, 1.0), "pct": (_PCT, 1.0), "percent": (_PCT, 1.0),
    "ppm": (OM + "partsPerMillion", 1.0), "ppb": (QUDT + "PPB", 1.0),
    "pa": (OM + "pascal", 1.0), "hpa": (OM + "hectopascal", 1.0),
    "kpa": (OM + "kilopascal", 1.0), "mbar": (OM + "millibar", 1.0), "bar": (OM + "bar", 1.0),
    "psi": (OM + "pascal", 6894.757293168),
    "v": (_V, 1.0), "mv": (_V, 0.001),
    "a": (OM + "ampere", 1.0), "ma": (OM + "milliampere", 1.0),
    "w": (OM + "watt", 1.0), "kw": (OM + "kilowatt", 1.0),
    "wh": (OM + "wattHour", 1.0), "kwh": (OM + "kilowattHour", 1.0),
    "mm": (OM + "millimetre", 1.0), "cm": (OM + "centimetre", 1.0), "m": (OM + "metre", 1.0),
    "km": (OM + "kilometre", 1.0),
    "lx": (OM + "lux", 1.0), "lux": (OM + "lux", 1.0),
    "db": (OM + "decibel", 1.0), "dba": (OM + "decibel", 1.0), "db(a)": (OM + "decibel", 1.0),
    "hz": (OM + "hertz", 1.0),
    "°": (OM + "degree", 1.0), "deg": (OM + "degree", 1.0),
    "m/s": (OM + "metrePerSecond-Time", 1.0), "m⋅s⁻¹": (OM + "metrePerSecond-Time", 1.0),
    "mps": (OM + "metrePerSecond-Time", 1.0),
    "km/h": (OM + "kilometrePerHour", 1.0), "kmh": (OM + "kilometrePerHour", 1.0),
    "kmph": (OM + "kilometrePerHour", 1.0), "kph": (OM + "kilometrePerHour", 1.0),
    "w/m2": (OM + "wattPerSquareMetre", 1.0), "w/m²": (OM + "wattPerSquareMetre", 1.0),
    "w⋅m⁻²": (OM + "wattPerSquareMetre", 1.0),
    "µg/m3": (QUDT + "MicroGM-PER-M3", 1.0), "µg/m³": (QUDT + "MicroGM-PER-M3", 1.0),
    "ug/m3": (QUDT + "MicroGM-PER-M3", 1.0), "µg⋅m⁻³": (QUDT + "MicroGM-PER-M3", 1.0),
    "ug/m³": (QUDT + "MicroGM-PER-M3", 1.0), "ugm3": (QUDT + "MicroGM-PER-M3", 1.0),
    "mm/h": (OM + "millimetrePerHour", 1.0), "mmh": (OM + "millimetrePerHour", 1.0),
    "s": (OM + "second-Time", 1.0), "h": (OM + "hour", 1.0),
    "m3/h": (QUDT + "M3-PER-HR", 1.0), "l/h": (OM + "litrePerHour", 1.0),
    "mg/m3": (OM + "milligramPerCubicmetre", 1.0), "mg/m³": (OM + "milligramPerCubicmetre", 1.0),
    "mg⋅m⁻³": (OM + "milligramPerCubicmetre", 1.0),
    "s/m": (OM + "siemensPerMetre", 1.0), "ms/m": (OM + "siemensPerMetre", 0.001),
    "ms/cm": (_MS_CM, 1.0), "ms⋅cm⁻¹": (_MS_CM, 1.0), "ds/m": (_MS_CM, 1.0),
    "ds⋅m⁻¹": (_MS_CM, 1.0),
    "µs/cm": (_US_CM, 1.0), "μs/cm": (_US_CM, 1.0), "us/cm": (_US_CM, 1.0),
    "µs⋅cm⁻¹": (_US_CM, 1.0), "μs⋅cm⁻¹": (_US_CM, 1.0),
    "m3/m3": (OM + "one", 1.0), "m³/m³": (OM + "one", 1.0), "m³⋅m⁻³": (OM + "one", 1.0),
    "%vol": (_PCT, 1.0), "vol%": (_PCT, 1.0), "% vwc": (_PCT, 1.0), "%vwc": (_PCT, 1.0),
    "degree": (OM + "degree", 1.0), "degrees": (OM + "degree", 1.0),
    "rad": (OM + "radian", 1.0),
    "mg/kg": (_MG_KG, 1.0), "mg⋅kg⁻¹": (_MG_KG, 1.0), "mgkg": (_MG_KG, 1.0),
    "mg/l": (_MG_L, 1.0), "mg⋅l⁻¹": (_MG_L, 1.0), "mgl": (_MG_L, 1.0),
    "ntu": (_NTU, 1.0),
    "l/min": (OM + "litrePerHour", 60.0), "lpm": (OM + "litrePerHour", 60.0),
    "lph": (OM + "litrePerHour", 1.0), "m3h": (QUDT + "M3-PER-HR", 1.0),
    "m3": (OM + "cubicMetre", 1.0), "m³": (OM + "cubicMetre", 1.0), "l": (OM + "litre", 1.0),
    "liter": (OM + "litre", 1.0), "litre": (OM + "litre", 1.0), "liters": (OM + "litre", 1.0),
    "litres": (OM + "litre", 1.0),
    "m³/h": (QUDT + "M3-PER-HR", 1.0), "m³⋅h⁻¹": (QUDT + "M3-PER-HR", 1.0),
}  # fmt: skip
"""Unit spellings found in decoded objects and names (lowercased) -> (unit IRI, scale)."""


def _r(
    prop: str,
    unit: str | None = None,
    scale: float = 1.0,
    window: tuple[float, float] | None = None,
    fraction: bool | None = None,
) -> Rule:
    return (FieldRule(prop, unit, scale, window, fraction),)


def _needs_unit(prop: str) -> Rule:
    return (FieldRule(prop, needs_unit=True),)


# Ambiguous quantities: the candidates in order, each with the raw values it explains.
BATTERY: Rule = (
    FieldRule("battery_voltage", _V, window=(0.5, 15.0), fraction=True),
    FieldRule("battery_voltage", _V, 0.001, window=(500.0, 60_000.0), fraction=False),
    FieldRule("battery_level", _PCT, window=(16.0, 100.0)),
)
"""``battery`` with no unit: 3.6 is volts, 3600 millivolts, 87 percent; 0..15 integers and
100..500 are neither for sure."""
BATTERY_LEVEL: Rule = (
    FieldRule("battery_voltage", _V, window=(0.5, 4.5), fraction=True),
    FieldRule("battery_level", _PCT, window=(0.0, 100.0)),
)
"""A battery "level" is a percentage, except that some codecs give a cell's volts (3.6)."""
BATTERY_VOLTAGE: Rule = (
    FieldRule("battery_voltage", _V, window=(0.0, 60.0), fraction=True),
    FieldRule("battery_voltage", _V, window=(0.0, 15.0), fraction=False),
    FieldRule("battery_voltage", _V, 0.001, window=(100.0, 60_000.0)),
)
"""A battery voltage with no unit: volts when plausible as volts (3.6, or a whole 3), else
millivolts (3600). A whole 16..99 is neither for sure (makers put a charge percentage in
fields named after volts): unmapped."""
SUPPLY_VOLTAGE: Rule = (
    FieldRule("battery_voltage", _V, window=(0.5, 60.0)),
    FieldRule("battery_voltage", _V, 0.001, window=(500.0, 60_000.0), fraction=False),
)
"""``voltage`` of a device that meters nothing electrical: its own supply (battery)."""
MAINS_VOLTAGE: Rule = (
    FieldRule("voltage", _V, window=(50.0, 1_000.0)),
    FieldRule("voltage", _V, 0.001, window=(50_000.0, 1_000_000.0)),
)
"""``voltage`` beside current/power/energy readings: the metered (mains) voltage."""
ATMOSPHERIC_PRESSURE: Rule = (
    FieldRule("pressure", OM + "hectopascal", window=(300.0, 1_100.0)),
    FieldRule("pressure", OM + "pascal", window=(30_000.0, 110_000.0)),
    FieldRule("pressure", OM + "kilopascal", window=(30.0, 110.0)),
)
"""Air pressure with no unit: hPa, Pa or kPa, whichever gives 300..1100 hPa (the object also
reports air humidity, CO2 or the like, so the pressure is the air's)."""
PRESSURE_NO_CONTEXT: Rule = (
    FieldRule("pressure", OM + "hectopascal", window=(850.0, 1_090.0)),
    FieldRule("pressure", OM + "pascal", window=(85_000.0, 109_000.0)),
)
"""A pressure with no unit in an object that says nothing about the air (it may be a water
pipe's, in kPa or bar): read only when it can only be sea-level-ish air pressure."""
POWER: Rule = (FieldRule("power", OM + "watt"),)
"""Active power in W: read only beside other electrical readings (else ``power`` may be an
on/off state or a supply type), or with a unit."""
CURRENT: Rule = (FieldRule("current", OM + "ampere", fraction=True),)
"""Electric current in A: read only beside other electrical readings (``current`` also means
"the present value"), or with a unit; a whole number may be milliamperes (70 mA or 70 A?) and
stays unmapped."""
DISTANCE: Rule = (FieldRule("distance", needs_unit=True),)
"""A range finder's distance with no unit: makers use mm, cm and m alike, so it is placed only
with a unit (in the data, in the name, from a vendor correction or a device profile)."""
SOIL_MOISTURE: Rule = (FieldRule("soil_moisture", _PCT, window=(1.0, 100.0)),)
"""Volumetric water content with no unit: percent (Dragino LSE01, Milesight EM500-SMTC,
SenseCAP S2105, TTS ``soil.moisture``). Below 1 it may be a fraction (0.25 m³/m³): unmapped."""
_EC_WINDOW = (100.0, 250_000.0)
SOIL_CONDUCTIVITY: Rule = (FieldRule("soil_conductivity", _US_CM, window=_EC_WINDOW),)
"""Soil EC with no unit: µS/cm when 100 or more (Dragino LSE01, Milesight EM500-SMTC); a
smaller value may as well be dS/m (SenseCAP, TTS ``soil.ec``) or mS/cm: unmapped."""
WATER_CONDUCTIVITY: Rule = (FieldRule("conductivity", _US_CM, window=_EC_WINDOW),)
"""Water EC with no unit: µS/cm when 100 or more, else it may be mS/cm: unmapped."""
CONDUCTIVITY: Rule = (FieldRule("conductivity", _US_CM, window=_EC_WINDOW),)
"""An electrical conductivity whose name does not say of what: soil or water by the object's
other fields (:func:`medium`), else unmapped."""
NORMALIZED_SOIL_EC: Rule = (FieldRule("soil_conductivity", _MS_CM, window=(0.0, 50.0)),)
"""``soil.ec`` of The Things Stack's normalized payload: dS/m (equal to mS/cm)."""
SOIL_PH: Rule = (FieldRule("soil_ph", OM + "one"),)
WATER_PH: Rule = (FieldRule("ph", OM + "one"),)
PH: Rule = (FieldRule("ph", OM + "one"),)
"""A pH whose name does not say of what: soil or water by the object (:func:`medium`)."""
HUMIDITY: Rule = (FieldRule("humidity", _PCT),)
"""A bare ``humidity``: the air's, except in a soil probe's object (:func:`medium`), where it
may be the soil's moisture (makers say "soil humidity"): unmapped there."""
CONDUCTIVITY_MS_CM: Rule = (FieldRule("conductivity", _MS_CM),)
"""An electrical conductivity a maker documents in mS/cm or dS/m (equal), of the object's
medium (:func:`medium`), else unmapped."""
_BY_MEDIUM: Mapping[int, Mapping[str, Rule]] = {
    id(CONDUCTIVITY): {"soil": SOIL_CONDUCTIVITY, "water": WATER_CONDUCTIVITY},
    id(PH): {"soil": SOIL_PH, "water": WATER_PH},
    id(CONDUCTIVITY_MS_CM): {
        "soil": (FieldRule("soil_conductivity", _MS_CM),),
        "water": (FieldRule("conductivity", _MS_CM),),
    },
}
MOISTURE: Rule = (FieldRule("soil_moisture", _PCT, window=(1.0, 100.0)),)
"""A bare ``moisture``: soil moisture in a soil probe's object (:func:`medium`), else unmapped
(a leak detector's or wood's moisture is no soil water content)."""
TILT: Rule = (FieldRule("tilt_angle", _DEG),)
"""A named angle of inclination (``tilt_angle``, ``inclination``, ``angle_x``) in degrees."""
TILT_BARE: Rule = (
    FieldRule("tilt_angle", _DEG, window=(-180.0, 360.0), fraction=True),
    FieldRule("tilt_angle", _DEG, window=(2.0, 360.0), fraction=False),
    FieldRule("tilt_angle", _DEG, window=(-180.0, -2.0), fraction=False),
)
"""A bare ``tilt``, ``angle``, ``pitch`` or ``roll``: degrees, except a whole -1, 0 or 1, which
may be a tilted/not-tilted flag (unmapped)."""
VALVE_POSITION: Rule = (FieldRule("valve_position", _PCT, window=(0.0, 100.0)),)
"""How far a valve is open, in percent (MClimate Vicki ``valveOpenness``)."""
SOIL_NITROGEN: Rule = (FieldRule("soil_nitrogen", _MG_KG),)
SOIL_PHOSPHORUS: Rule = (FieldRule("soil_phosphorus", _MG_KG),)
SOIL_POTASSIUM: Rule = (FieldRule("soil_potassium", _MG_KG),)
"""An NPK probe's nitrogen, phosphorus and potassium: mg/kg (Dragino LSNPK01 ``N_SOIL``,
SenseCAP S2120-series soil NPK sensors), the unit RS-485 NPK probes all report."""
LEAF_WETNESS: Rule = (FieldRule("leaf_wetness", _PCT, window=(0.0, 100.0)),)
"""Leaf wetness or leaf moisture in percent (Dragino LLMS01 ``Leaf_Moisture``)."""
DISSOLVED_OXYGEN: Rule = (FieldRule("dissolved_oxygen", _MG_L, window=(0.0, 50.0)),)
"""Dissolved oxygen in mg/L (SenseCAP measurement 4109, Netvox RA07 ``LDO_DO``)."""
OXYGEN_SATURATION: Rule = (FieldRule("oxygen_saturation", _PCT, window=(0.0, 500.0)),)
"""Dissolved oxygen as percent of saturation (Netvox RA07 ``LDO_Sat``, Decentlab DL-OPTOD)."""
REDOX: Rule = (
    FieldRule("redox_potential", OM + "millivolt", window=(-2_000.0, -1.0)),
    FieldRule("redox_potential", OM + "millivolt", window=(1.0, 2_000.0)),
)
"""An oxidation-reduction potential with no unit: millivolts (Netvox RA07 ``ORP``, SenseCAP
4155); a value within ±1 may as well be volts: unmapped."""
TURBIDITY: Rule = (FieldRule("turbidity", _NTU, window=(0.0, 10_000.0)),)
"""Turbidity in NTU (Netvox RA07 ``NTU``, SenseCAP 4156), the unit every probe reports."""
UV_INDEX: Rule = (FieldRule("uv_index", OM + "one", window=(0.0, 25.0)),)
"""The UV index (SenseCAP S2120 "UV Index"): a bare ``uv`` may be a raw irradiance, unread."""


FIELD_TABLE: Mapping[str, Rule] = {
    # temperature (board/probe/soil temperatures are temperatures too; the path tells which)
    **dict.fromkeys(
        ["temperature", "temp", "tempc", "tempc_sht", "tempc_ds", "tempc_ds18b20",
         "air_temperature", "ambient_temperature", "temperatureboard", "cputemp",
         "sensor_temperature_internal", "barometer_temperature", "co2_sensor_temperature",
         "soildtemp5te", "tempntu", "templdo", "tempph", "internal_temperature",
         "external_temperature", "soil_temperature", "water_temperature", "temp_soil",
         "ext_temperature", "int_temperature", "probe_temperature", "tempc1", "tempc2", "tem"],
        _r("temperature", _C),
    ),
    "tempf": _r("temperature", OM + "degreeFahrenheit"),
    # relative humidity of the air (never soil moisture); a bare "humidity" in a soil probe's
    # object may be the soil's moisture (HUMIDITY: unmapped there)
    **dict.fromkeys(
        ["hum_sht", "air_humidity", "relative_humidity", "relativehumidity",
         "air_relativehumidity", "rh", "hum_sht31"],
        _r("humidity", _PCT),
    ),
    **dict.fromkeys(["humidity", "humi", "hum", "hygrometry", "hygrometrie", "hygro"], HUMIDITY),
    # The Things Stack normalized payload (Device Repository lib/payload.json): water
    # temperature statistics, motion detected
    **dict.fromkeys(
        ["water_temperature_current", "water_temperature_min", "water_temperature_max",
         "water_temperature_avg"],
        _r("temperature", _C),
    ),
    "action_motion_detected": _r("motion", OM + "one"),
    # light
    "light": _r("light", OM + "lux"),
    **dict.fromkeys(["illuminance", "lux", "air_lightintensity", "light_intensity",
                     "lightintensity", "illumination", "light_lux", "ambient_light",
                     "luminosity"],
                    _r("illuminance", OM + "lux")),
    **dict.fromkeys(["solar_radiation", "irradiance", "solar_irradiance"],
                    _r("irradiance", OM + "wattPerSquareMetre")),
    # presence, occupancy (counts or flags, never who)
    "motion": _r("motion", OM + "one"),
    "pir": _r("motion", OM + "one"),
    **dict.fromkeys(["occupancy", "occupy", "occupied", "presence", "pax", "people_count"],
                    _r("occupancy", OM + "one")),
    "smoke": _r("smoke", OM + "one"),
    # air quality
    **dict.fromkeys(
        ["co2", "co2_ppm", "co2_concentration", "co2_concentration_lpf", "eco2", "co2eq",
         "air_co2", "co2_level", "carbon_dioxide"],
        _r("co2", OM + "partsPerMillion"),
    ),
    **dict.fromkeys(["pm2_5", "pm25", "pm2_5_mass_concentration", "pm_2_5", "pm2p5"],
                    _r("pm25", QUDT + "MicroGM-PER-M3")),
    **dict.fromkeys(["pm10", "pm_10", "pm10_mass_concentration", "pm10_0"],
                    _r("pm10", QUDT + "MicroGM-PER-M3")),
    **dict.fromkeys(["pm1", "pm1_0", "pm_1_0", "pm1_0_mass_concentration", "pm_1"],
                    _r("pm1", QUDT + "MicroGM-PER-M3")),
    **dict.fromkeys(["pm4", "pm4_0", "pm4_mass_concentration"],
                    _r("pm4", QUDT + "MicroGM-PER-M3")),
    # TVOC comes in ppb, µg/m³, mg/m³ or as an index: only with a unit (tvoc_ppb, data unit)
    **dict.fromkeys(["tvoc", "total_voc"], _needs_unit("tvoc")),
    "tvoc_ppb": _r("tvoc", QUDT + "PPB"),
    "co": _r("co", OM + "partsPerMillion"),
    "no2": _needs_unit("no2"),
    "o3": _needs_unit("o3"),
    # rain (a depth; rates go to "precipitation" of SAREF4WATR when given per time)
    **dict.fromkeys(["precipitation", "cumulative_precipitation", "rainfall", "rain",
                     "rainfall_total", "rain_accumulation", "rainfall_accumulation"],
                    _r("precipitation_amount", OM + "millimetre")),
    **dict.fromkeys(["precipitation_rate", "rain_rate", "rainfall_intensity",
                     "rain_intensity", "rainfall_hour", "rainfall_hourly", "hourly_rainfall",
                     "rain_hourly", "rainfall_rate"],
                    _r("precipitation", OM + "millimetrePerHour")),
    # a gauge's reading is a depth or a rate (SenseCAP S2120 "Rain Gauge": mm/h)
    "rain_gauge": _needs_unit("precipitation_amount"),
    # meter interfaces
    **dict.fromkeys(["pulse", "pulse1", "pulse2", "pulseabs", "pulse_abs", "pulse_count",
                     "pulses", "pulsecount"],
                    _r("pulse_count", OM + "one")),
    # pressure: atmospheric unless the name says otherwise
    **dict.fromkeys(["pressure", "barometric_pressure", "atmospheric_pressure", "air_pressure",
                     "barometer", "atomsphere", "atmosphere", "baro", "air_pres", "press",
                     "barometric"], ATMOSPHERIC_PRESSURE),
    # battery and electricity
    **dict.fromkeys(
        ["battery_voltage", "batteryvoltage", "bat_v", "batv", "volt_bat", "vbat",
         "battery_voltage_mean_24h", "vbatt", "bat_voltage", "batt_voltage", "battvoltage",
         "batvoltage", "battery_volt", "batt_v", "vdd", "power_voltage"],
        BATTERY_VOLTAGE,
    ),
    **dict.fromkeys(["battery", "bat", "batt", "battery_value", "bat_status_value"], BATTERY),
    **dict.fromkeys(["battery_percentage", "bat_pct", "battery_percent", "batterypercent",
                     "battery_pct", "batt_pct", "battery_soc", "remaining_battery"],
                    _r("battery_level", _PCT)),
    **dict.fromkeys(["battery_level", "batterylevel", "battery_capacity", "bat_level",
                     "batt_level", "battery_remaining"], BATTERY_LEVEL),
    **dict.fromkeys(["voltage", "vol", "volt", "supply_voltage", "vcc", "vsupply"],
                    SUPPLY_VOLTAGE),
    **dict.fromkeys(["frequency", "grid_frequency", "mains_frequency"],
                    _r("frequency", OM + "hertz")),
    **dict.fromkeys(["mains_voltage", "line_voltage", "grid_voltage", "ac_voltage"],
                    MAINS_VOLTAGE),
    "current": CURRENT,
    **dict.fromkeys(["power", "active_power"], POWER),
    **dict.fromkeys(["vrms", "urms", "voltage_rms", "rms_voltage"], MAINS_VOLTAGE),
    "freq": _r("frequency", OM + "hertz"),
    **dict.fromkeys(["energy", "active_energy", "active_energy_import_t1",
                     "active_energy_import_t2", "active_energy_export_t1",
                     "active_energy_export_t2"], _needs_unit("energy")),  # Wh or kWh?
    "power_factor": _r("power_factor", OM + "one"),
    # sound
    **dict.fromkeys(
        ["noise", "decibel", "soundavg", "soundpeak", "sound_level", "laeq", "lamax", "lamin",
         "la_eq", "l_aeq", "lafmax", "lceq", "noise_level", "sound", "spl", "db",
         "sound_pressure_level", "leq", "lmax", "lmin", "la"],
        _r("noise_level", OM + "decibel"),
    ),
    # weather
    **dict.fromkeys(["wind_speed", "windspeed", "maximum_wind_speed", "wind_speed_max",
                     "wind_gust", "gust_speed", "wind_speed_avg", "wind_avg_speed"],
                    _r("wind_speed", OM + "metrePerSecond-Time")),
    **dict.fromkeys(["wind_direction", "winddirection", "wind_dir"],
                    _r("wind_direction", OM + "degree")),
    # vehicle speed (a tracker's): km/h or m/s alike, so only with a unit (speedKmph)
    **dict.fromkeys(["speed", "velocity", "ground_speed"], _needs_unit("speed")),
    # distance and level
    **dict.fromkeys(["distance", "dist", "range_distance", "ultrasonic_distance",
                     "laser_distance", "radar_distance"], DISTANCE),
    # a level in m, cm or mm alike: only with a unit (waterLevel_m, data unit, vendor)
    **dict.fromkeys(["water_level", "waterlevel"], _needs_unit("water_level")),
    **dict.fromkeys(["water_depth", "waterdepth"], _needs_unit("water_level")),
    **dict.fromkeys(["fill_level", "filllevel", "fill_percentage", "fill_percent",
                     "fullness", "fill_rate"], _r("fill_level", _PCT)),
    # traffic
    **dict.fromkeys(["vehicle_count", "vehicles", "car_count"],
                    _r("vehicle_count", OM + "one")),
    # soil (TTS normalized ``soil.moisture`` %, ``soil.ec`` dS/m; makers' soil probes)
    **dict.fromkeys(["soil_moisture", "soilmoisture", "soil_moisture_content",
                     "volumetric_water_content", "vwc", "soil_vwc", "water_content",
                     "soil_water_content", "soil_humidity", "soilhumidity", "water_soil",
                     "soil_water", "moisture_soil", "soil_moist", "soil_volumetric_water_content"],
                    SOIL_MOISTURE),
    "moisture": MOISTURE,
    **dict.fromkeys(["soil_ec", "ec_soil", "soil_conductivity", "conduct_soil",
                     "soil_electrical_conductivity", "soil_conduct", "soilec",
                     "soil_elec_conductivity", "bulk_electrical_conductivity"],
                    SOIL_CONDUCTIVITY),
    **dict.fromkeys(["water_conductivity", "water_ec", "water_electrical_conductivity"],
                    WATER_CONDUCTIVITY),
    **dict.fromkeys(["ec", "conductivity", "electrical_conductivity", "conduct",
                     "elec_conductivity", "electric_conductivity"], CONDUCTIVITY),
    **dict.fromkeys(["soil_ph", "ph_soil", "ph1_soil", "soilph", "soil_ph_value"], SOIL_PH),
    **dict.fromkeys(["water_ph", "ph_water", "water_ph_value"], WATER_PH),
    **dict.fromkeys(["ph", "ph_value", "phvalue", "ph1"], PH),
    **dict.fromkeys(["dielectric_permittivity", "permittivity", "relative_permittivity",
                     "dielectric_constant", "soil_permittivity"],
                    _r("dielectric_permittivity", OM + "one")),
    # air: a VOC index (Sensirion SGP40/41: 1..500, 100 usual), formaldehyde by unit only
    **dict.fromkeys(["voc_index", "vocindex", "tvoc_index", "voc_idx", "voc_index_value"],
                    _r("voc_index", OM + "one")),
    **dict.fromkeys(["hcho", "formaldehyde", "ch2o", "hcho_concentration",
                     "formaldehyde_concentration"], _needs_unit("hcho")),
    # inclination
    **dict.fromkeys(["tilt_angle", "tiltangle", "inclination", "inclination_angle",
                     "angle_of_inclination"], TILT),
    **dict.fromkeys(["tilt", "angle", "pitch", "roll"], TILT_BARE),
    # valves
    **dict.fromkeys(["valve_position", "valveposition", "valve_openness", "valveopenness",
                     "valve_opening", "valve_open_percent", "valve_percent", "valve_level",
                     "valve_open_pct", "valve_pct", "valve_opening_degree"], VALVE_POSITION),
    # soil nutrients (NPK probes: mg/kg); a lone n/p/k is no name
    **dict.fromkeys(["n_soil", "soil_n", "nitrogen", "soil_nitrogen", "nitrogen_content",
                     "soil_nitrogen_content"], SOIL_NITROGEN),
    **dict.fromkeys(["p_soil", "soil_p", "phosphorus", "soil_phosphorus",
                     "phosphorus_content", "soil_phosphorus_content"], SOIL_PHOSPHORUS),
    **dict.fromkeys(["k_soil", "soil_k", "potassium", "soil_potassium", "potassium_content",
                     "soil_potassium_content"], SOIL_POTASSIUM),
    # leaves
    **dict.fromkeys(["leaf_wetness", "leafwetness", "leaf_moisture", "leafmoisture",
                     "leaf_wet", "leaf_humidity", "leaf_humi"], LEAF_WETNESS),
    # water quality: dissolved oxygen (mg/L, % saturation), redox potential, turbidity
    **dict.fromkeys(["dissolved_oxygen", "dissolvedoxygen", "ldo_do", "do_mg_l",
                     "dissolved_oxygen_concentration", "water_dissolved_oxygen",
                     "do_concentration"], DISSOLVED_OXYGEN),
    **dict.fromkeys(["oxygen_saturation", "ldo_sat", "do_sat", "do_saturation",
                     "dissolved_oxygen_saturation", "o2_saturation", "oxygen_sat",
                     "do_percent", "do_pct"], OXYGEN_SATURATION),
    **dict.fromkeys(["orp", "redox", "redox_potential", "orp_value", "water_orp", "orp_mv",
                     "oxidation_reduction_potential", "redox_mv"], REDOX),
    **dict.fromkeys(["turbidity", "ntu", "turb", "water_turbidity", "turbidity_value"],
                    TURBIDITY),
    # sunlight
    **dict.fromkeys(["uv_index", "uvindex", "uvi", "ultraviolet_index", "uv_idx"], UV_INDEX),
    **dict.fromkeys(["peak_wind_gust", "wind_gust_peak", "wind_gust_speed"],
                    _r("wind_speed", OM + "metrePerSecond-Time")),
    # gases a maker reports in ppm or ppb alike: only with a unit (h2s_ppm, data unit)
    **dict.fromkeys(["h2s", "hydrogen_sulfide", "hydrogen_sulphide"], _needs_unit("h2s")),
    **dict.fromkeys(["nh3", "ammonia"], _needs_unit("nh3")),
    **dict.fromkeys(["so2", "sulfur_dioxide", "sulphur_dioxide"], _needs_unit("so2")),
    # a liquid's level in m, cm or mm alike: only with a unit (liquid_level_cm, data unit); a
    # bare "level" may be a bin's fill height or a distance (Dingtek): only by a maker's rule
    **dict.fromkeys(["liquid_level", "tank_level"], _needs_unit("water_level")),
    # a flow in m³/h, L/h or L/min alike: only with a unit
    **dict.fromkeys(["flow_rate", "flowrate", "water_flow_rate", "flow",
                     "instantaneous_flow", "flow_velocity_volume"], _needs_unit("flow_rate")),
    # a water meter's volume in m³ or litres alike: only with a unit (a bare "volume" may
    # also be a siren's loudness setting)
    **dict.fromkeys(["total_flow", "total_volume", "water_volume", "meter_volume", "volume",
                     "flow_volume", "cumulative_volume", "cumulative_flow", "accumulated_flow",
                     "water_meter_volume", "totalizer", "water_total"],
                    _needs_unit("flow_volume")),
}  # fmt: skip
"""Normalised field name -> candidate readings, as device makers and TTS name quantities."""

VENDOR_OVERRIDES: Mapping[str, Mapping[str, Rule]] = {
    # Elsys ELT: the pressure is barometric (an example reads 100729.1, pascal; others give
    # hPa): read by size, never forced to one unit; distances mm.
    "elsys": {
        "pressure": ATMOSPHERIC_PRESSURE,
        "distance": _r("distance", OM + "millimetre"),
    },
    # Netvox R809A reports mains voltage as "Vol" and current in mA, energy in Wh; the
    # R718X distance is in mm.
    # Battery devices report a lithium cell's "Volt" (3.6); the RA07 series is fed by a
    # 12 V DC adapter (user manual), which is no battery: above 5 V unmapped.
    "netvox": {
        "volt": (FieldRule("battery_voltage", _V, window=(0.5, 5.0)),),
        "current": _r("current", OM + "milliampere"),
        "energy": _r("energy", OM + "wattHour"),
        "distance": _r("distance", OM + "millimetre"),
    },
    # Milesight EM310/EM500 ultrasonic sensors: distance in mm (the user guides).
    # AM319: HCHO in mg/m³ (user guide: 0.01-5 mg/m³).
    # EM500-SWL submersible level sensor: "level" in cm (user guide, 0-500 cm range).
    "milesight-iot": {
        "distance": _r("distance", OM + "millimetre"),
        "level": _r("water_level", OM + "centimetre"),
        # GS301 odour detector: NH3 and H2S in ppm (user guide).
        "nh3": _r("nh3", OM + "partsPerMillion"),
        "h2s": _r("h2s", OM + "partsPerMillion"),
        "hcho": _r("hcho", OM + "milligramPerCubicmetre"),
    },
    # Dragino WSC1-L weather station: "rain_gauge" is the rain fallen, in mm (user manual).
    "dragino": {"rain_gauge": _r("precipitation_amount", OM + "millimetre")},
    # Nwave NCC405 car counter: counter_value counts vehicles.
    "nwave": {"counter_value": _r("vehicle_count", OM + "one")},
    # Dingtek DF702: "level" is the ultrasonic distance to the waste ("2000 mm").
    "dingtek": {"level": _r("distance", OM + "millimetre")},
    # Ellenex PLS2-L: hydrostatic level; the example text gives metres.
    "ellenex": {"level": _r("water_level", OM + "metre")},
    # ESP32 Paxcounter: "voltage" is the battery in millivolt ("opensource" holds many
    # devices, so read by size: volts when small, millivolts from 100).
    "opensource": {"voltage": BATTERY_VOLTAGE},
    # Browan TBHV: "voc" is total VOC in ppb (TBHV110 documentation).
    "browan": {"voc": _r("tvoc", QUDT + "PPB")},
    # SenseCAP S2105 and other soil sensors: electrical conductivity in dS/m (SenseCAP
    # measurement list, id 4108); the medium still comes from the object (Soil Moisture).
    "sensecap": {
        "electrical_conductivity": CONDUCTIVITY_MS_CM,
        # S2120 weather station, measurement 4113 "Rain Gauge": rainfall per hour, mm/h
        # (SenseCAP measurement list: "Rainfall(hour)", 0-240 mm/hour).
        "rain_gauge": _r("precipitation", OM + "millimetrePerHour"),
        # the measurement list's units: 4115 Distance cm, 4117 Liquid Level cm (spelt
        # "Liguid"), 4118 NH3 and 4119 H2S ppm, 4120 Flow Rate m³/h, 4195 TVOC ppb
        "distance": _r("distance", OM + "centimetre"),
        "liquid_level": _r("water_level", OM + "centimetre"),
        "liguid_level": _r("water_level", OM + "centimetre"),
        "nh3": _r("nh3", OM + "partsPerMillion"),
        "h2s": _r("h2s", OM + "partsPerMillion"),
        "flow_rate": _r("flow_rate", QUDT + "M3-PER-HR"),
        "tvoc": _r("tvoc", QUDT + "PPB"),
        "total_flow": _r("flow_volume", OM + "cubicMetre"),  # 4121 Total Flow, m³
    },
}
"""Per-vendor corrections (vendor id as in the Device Repository), by normalised name."""

METADATA_FIELDS = frozenset(
    {"device", "cmd", "device_id", "protocol_version", "swver", "hwver", "sw_rev", "hw_rev",
     "datecode", "mintime", "maxtime", "type", "version", "firmwareversion", "firmware_version",
     "reset_cause", "resetcause", "port", "bytes", "debugcodes", "medium_type", "medium_desc",
     "serial_number", "timestamp", "meter_typ", "mid_year", "adr_state", "tag_id",
     "hw_health_status", "battery_health", "work_mode", "mod", "ext_sensor", "sensor_flag",
     "interrupt_flag", "displayname", "time", "ts", "date", "datetime", "utc", "fw_version",
     "hw_version", "sn", "model", "packet_type", "frame_type", "msg_type", "message_type",
     "rssi", "snr", "lsnr", "sf", "spreading_factor", "datarate", "data_rate", "txpower",
     "tx_power", "fcnt", "f_cnt", "frame_counter"}
)  # fmt: skip
"""Normalised names of fields that describe the device or frame, not a quantity (firmware
versions, frame types, report thresholds): kept with the record and counted as metadata."""

SETTING_WORDS = frozenset(
    {"threshold", "thr", "interval", "period", "cycle", "timeout", "delay", "enable",
     "enabled", "mode", "config", "configuration", "setting", "settings", "limit", "zone",
     "alarm", "alert", "flag", "status", "state", "target", "setpoint", "set", "offset",
     "calibration", "dew", "dewpoint", "heat", "index", "iaq", "aqi", "number", "count",
     "counts", "nc", "particle", "particles", "infrared", "ir", "uv", "visible", "soil",
     "vapor", "vapour", "min_distance", "max_distance", "dead", "report", "upload",
     "change", "changed", "delta", "duration", "error", "accuracy", "raw", "adc", "hysteresis",
     "low", "high", "over", "under", "sample", "samples", "capacitor", "lightning", "east",
     "west", "north", "south", "x", "y", "z", "soild", "moisture", "fill", "vector", "life",
     "days", "hours", "age", "cycles", "type", "health", "mah", "used", "consumed",
     "consumption", "hydraulic", "reactive", "apparent", "re", "va", "var", "varh", "kvar",
     "kvarh", "vah", "peak", "min", "max", "minimum", "maximum", "counter", "tip", "tips",
     "compensated", "compensation"}
)  # fmt: skip
"""Words that make a name describe a setting, an alarm or another quantity rather than the
reading its other words suggest (``temperature_threshold``, ``pm2_5_number_concentration``,
``soil_humidity``, ``dew_point_temperature``): such names are only ever placed by the table
or a device profile, never by keyword rules."""

_UNIT_WORDS = frozenset(
    {"c", "f", "degc", "celsius", "pct", "percent", "ppm", "ppb", "pa", "hpa", "kpa", "mbar",
     "bar", "psi", "v", "mv", "ma", "w", "kw", "wh", "kwh", "mm", "cm", "lx", "lux", "db",
     "dba", "ugm3", "mmh", "kmh", "kmph", "mps", "m", "ntu", "mgl", "mgkg", "lpm", "lph",
     "m3h", "m3", "liter", "litre", "liters", "litres"}
)  # fmt: skip
_MERGE = {("m", "v"): "mv", ("m", "a"): "ma", ("h", "pa"): "hpa", ("k", "pa"): "kpa",
          ("k", "w"): "kw", ("k", "wh"): "kwh", ("d", "b"): "db", ("d", "ba"): "dba",
          ("m", "bar"): "mbar", ("mg", "l"): "mgl", ("mg", "kg"): "mgkg"}  # fmt: skip
_PH_WORD = re.compile(r"ph\d?")
_TEMPERATURE_WORD = re.compile(r"(?:temp|temperature)([cf]?)\d*")
_DECIMAL_IN_NAME = re.compile(r"(?<=[a-zA-Z]\d)\.(?=\d(?:$|\D))")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=8192)
def normalise(name: str) -> str:
    """``"Active Energy Import T1"`` -> ``active_energy_import_t1``; ``air.co2`` -> ``air_co2``."""
    return _NON_ALNUM.sub("_", name.lower()).strip("_")


@lru_cache(maxsize=8192)  # names repeat from message to message: split each once
def words(name: str) -> tuple[str, ...]:
    """The lowercase words of a field name, units kept whole.

    ``TempC_SHT`` -> ``temp c sht``, ``Bat_mV`` -> ``bat mv``, ``batteryVoltage`` ->
    ``battery voltage``, ``pressure_hPa`` -> ``pressure hpa``.
    """
    spaced = _CAMEL.sub(" ", name.replace("%", " pct ")).lower()
    raw = [w for w in _NON_ALNUM.split(spaced) if w]
    merged: list[str] = []
    for word in raw:
        if merged and (merged[-1], word) in _MERGE:
            merged[-1] = _MERGE[(merged[-1], word)]
        else:
            merged.append(word)
    return tuple(merged)


_BATTERY_WORDS = frozenset({"battery", "bat", "batt", "vbat", "vbatt", "batv", "vbattery"})
_SOIL_WORDS = frozenset({"soil", "soild", "vwc", "permittivity", "dielectric", "npk"})
"""Words of a soil reading (``soild``: Netvox RA0715's spelling, ``SoildHumi5TE``)."""
_WATER_WORDS = frozenset(
    {"water", "turbidity", "salinity", "tds", "orp", "ntu", "hydrostatic", "dissolved", "ldo"}
)  # fmt: skip
_EC_WORDS = frozenset({"ec", "conductivity", "conduct"})
_TILT_WORDS = frozenset({"tilt", "inclination", "incline", "inclinometer", "angle"})
_NOT_TILT_WORDS = frozenset(
    {"phase", "wind", "direction", "dir", "heading", "azimuth", "sun", "solar", "zenith",
     "elevation", "contact", "steering", "yaw", "course", "bearing", "view", "field", "beam",
     "projection", "lat", "lon", "latitude", "longitude"}
)  # fmt: skip
_EVENT_WORDS = frozenset(
    {"detected", "detection", "detect", "event", "trigger", "triggered", "tilted", "open",
     "opened", "closed", "close", "motor", "steps", "target"}
)  # fmt: skip
_ALLOWED_SETTING_WORDS = frozenset({"soil", "moisture", "soild", "x", "y", "z", "index", "uv"})
_NUTRIENTS: Mapping[str, Rule] = {
    "nitrogen": SOIL_NITROGEN, "phosphorus": SOIL_PHOSPHORUS, "potassium": SOIL_POTASSIUM,
}  # fmt: skip
_NUTRIENT_RULES = (SOIL_NITROGEN, SOIL_PHOSPHORUS, SOIL_POTASSIUM)
_NOT_NUTRIENT_WORDS = frozenset(
    {"dioxide", "oxide", "monoxide", "nitrate", "nitrite", "ammonium", "ammonia", "phosphate",
     "air", "gas", "n2", "no", "no2"}
)  # fmt: skip
_LEAF_WET_WORDS = frozenset({"wetness", "wet", "moisture", "humidity", "hum", "humi"})
_PERCENT_WORDS = frozenset({"pct", "percent", "percentage"})


def medium(paths: Iterable[str]) -> str | None:
    """What an object's readings are of, by its field names: ``"soil"``, ``"water"`` or None.

    A soil probe names soil, a water content, a permittivity, or both a moisture and a
    conductivity (Milesight EM500-SMTC: ``moisture``, ``ec``), or two of nitrogen, phosphorus
    and potassium (an NPK probe); a water probe names water,
    turbidity, salinity and the like (Decentlab DL-CTD10: ``water_depth``). Both or neither:
    None, and a bare ``conductivity`` or ``moisture`` stays unmapped.
    """
    soil = water = moisture = conducts = False
    nutrients: set[str] = set()
    for path in paths:
        ws = set(words(path))
        nutrients |= ws & {"nitrogen", "phosphorus", "potassium"}
        if ws & _SOIL_WORDS or {"water", "content"} <= ws:
            soil = True
        elif ws & _WATER_WORDS:
            water = True
        moisture = moisture or "moisture" in ws
        conducts = conducts or bool(ws & _EC_WORDS)
    soil = soil or (moisture and conducts) or len(nutrients) > 1  # an NPK probe
    if soil is water:
        return None
    return "soil" if soil else "water"


def _quantity_rule(ws: tuple[str, ...], unit: str | None) -> Rule | None:
    """Soil, water, VOC index, formaldehyde, tilt and valve readings by their name's words.

    Read before the setting words refuse a name, because ``soil``, ``moisture``, ``index``
    and the axes ``x``/``y``/``z`` are setting words for other quantities only.
    """
    s = set(ws)
    if (s & SETTING_WORDS) - _ALLOWED_SETTING_WORDS or s & _EVENT_WORDS:
        return None
    if any(map(_TEMPERATURE_WORD.fullmatch, ws)):
        return None  # a probe's temperature (LDO_Temp, orp_temperature): the keyword rules
    if s & {"voc", "tvoc"} and "index" in s:
        return _r("voc_index", OM + "one")
    if s & {"uv", "ultraviolet"}:
        return UV_INDEX if "index" in s and unit is None else None
    if "index" in s:
        return None
    water = _water_quality_rule(s, unit)
    if water is not None:
        return water
    nutrient = next((_NUTRIENTS[w] for w in ws if w in _NUTRIENTS), None)
    if nutrient is not None and not s & _NOT_NUTRIENT_WORDS:
        return nutrient if unit is None else _r(nutrient[0].property or "", unit)
    if "leaf" in s and s & _LEAF_WET_WORDS:
        return LEAF_WETNESS if unit is None else _r("leaf_wetness", unit)
    if s & {"hcho", "formaldehyde", "ch2o"}:
        return _needs_unit("hcho") if unit is None else _r("hcho", unit)
    if s & {"permittivity", "dielectric"}:
        return _r("dielectric_permittivity", OM + "one")
    soil = bool(s & {"soil", "soild"})
    if "intensity" in s:  # SenseCAP 4196 "Soil moisture intensity": a raw 0..1023 reading
        return None
    if (soil and s & {"moisture", "moist", "humidity", "hum", "humi", "water", "vwc"}) or (
        "vwc" in s or {"volumetric", "water"} <= s or {"water", "content"} <= s
    ):
        return SOIL_MOISTURE if unit is None else _r("soil_moisture", unit)
    if s & _EC_WORDS and (soil or "water" in s):
        rule = SOIL_CONDUCTIVITY if soil else WATER_CONDUCTIVITY
        return rule if unit is None else _r(rule[0].property or "", unit)
    if any(map(_PH_WORD.fullmatch, ws)) and (soil or "water" in s):
        return SOIL_PH if soil else WATER_PH
    if "valve" in s and s & {"position", "openness", "opening", "aperture", "percent", "pct",
                             "percentage", "level"}:  # fmt: skip
        return VALVE_POSITION if unit is None else _r("valve_position", unit)
    if s & _TILT_WORDS and not s & _NOT_TILT_WORDS:
        return TILT if unit is None else _r("tilt_angle", unit)
    return None


def _water_quality_rule(s: set[str], unit: str | None) -> Rule | None:
    """Dissolved oxygen (mg/L or % saturation), redox potential and turbidity by name words.

    An ``oxygen`` that names neither dissolving nor saturation may be the air's (a gas
    detector's O2 in %vol): read only with a unit of mass per volume.
    """
    dissolved = (
        {"dissolved", "oxygen"} <= s or "ldo" in s or ("do" in s and unit == "mgl")
    )  # not dissolved solids (TDS)
    if dissolved or "oxygen" in s:
        percent = bool(s & _PERCENT_WORDS) or unit in _PERCENT_WORDS
        if s & {"saturation", "sat"} or (dissolved and percent):
            return OXYGEN_SATURATION
        if not dissolved and "concentration" not in s:
            return None
        if unit is not None:
            return _r("dissolved_oxygen", unit)
        return DISSOLVED_OXYGEN if dissolved else _needs_unit("dissolved_oxygen")
    if s & {"orp", "redox"}:
        return REDOX if unit is None else _r("redox_potential", unit)
    if "turbidity" in s:
        return TURBIDITY if unit is None else _r("turbidity", unit)
    return None


_STATISTIC_WORDS = frozenset({"avg", "mean", "average"})
_VOLT_WORDS = frozenset({"volt", "voltage", "volts", "v", "mv", "vol"})
_LEVEL_WORDS = frozenset({"level", "percent", "percentage", "pct", "soc", "capacity",
                          "remaining"})  # fmt: skip
_NOT_SOLAR_WORDS = frozenset(
    {"uv", "ultraviolet", "par", "photosynthetic", "photosynthetically", "quantum", "net",
     "longwave", "infrared", "ir", "duration", "hours", "sunshine", "reflected"}
)  # fmt: skip
_METER_WORDS = frozenset({"power", "current", "energy", "kwh", "wh", "kw", "ampere", "amp"})


def _keyword_rule(ws: tuple[str, ...], unit: str | None) -> Rule | None:
    """A rule from the words of a name (step 3 of the module docstring)."""
    s = set(ws)
    quantity = _quantity_rule(ws, unit)
    if quantity is not None:
        return quantity
    if s & SETTING_WORDS:
        return None
    if s & _BATTERY_WORDS:
        if s & _LEVEL_WORDS or unit in ("pct", "percent"):
            return _r("battery_level", _PCT)
        if s & _VOLT_WORDS or unit in ("v", "mv"):
            return BATTERY_VOLTAGE if unit is None else _r("battery_voltage", unit)
        return BATTERY if unit is None else _with_unit(BATTERY, unit)
    temp = next((m for m in map(_TEMPERATURE_WORD.fullmatch, ws) if m is not None), None)
    if temp is not None:  # temp, TempC1, tempf, temperature2 (not tempo, template)
        fahrenheit = temp.group(1) == "f"
        return _r("temperature", unit or (OM + "degreeFahrenheit" if fahrenheit else _C))
    if s & {"humidity", "humi", "hum", "rh", "relativehumidity"}:
        return _r("humidity", _PCT)
    if s & {"co2", "eco2", "co2eq"}:
        return _r("co2", OM + "partsPerMillion")
    if "wind" in s and s & {"speed", "gust"}:
        return _r("wind_speed", unit or OM + "metrePerSecond-Time")
    if "wind" in s and s & {"direction", "dir"}:
        return _r("wind_direction", OM + "degree")
    if s & {"pressure", "barometer", "barometric", "baro", "atmospheric"} and not s & {
        "water",
        "pipe",
        "fluid",
        "liquid",
        "tyre",
        "tire",
        "oil",
        "gas",
        "differential",
    }:
        return ATMOSPHERIC_PRESSURE if unit is None else _r("pressure", unit)
    if s & {"illuminance", "lux", "illumination"} or ("light" in s and s & {"intensity"}):
        return _r("illuminance", OM + "lux")
    if s & {"noise", "sound", "laeq", "decibel"}:
        return _r("noise_level", OM + "decibel")
    if s & {"distance", "dist"} and not s & {"max", "min", "maximum", "minimum"}:
        return DISTANCE if unit is None else _r("distance", unit)
    if s & {"rain", "rainfall", "precipitation"}:
        if s & {"hour", "hourly", "rate", "intensity"} or unit == "mmh":
            return _r("precipitation", OM + "millimetrePerHour")
        if "gauge" in s:
            return _needs_unit("precipitation_amount")  # a gauge's depth or rate
        return _r("precipitation_amount", unit or OM + "millimetre")
    solar = s & {"irradiance", "pyranometer"} or (
        "radiation" in s and s & {"solar", "global", "shortwave", "sun"}
    )  # a bare "radiation" may be a Geiger counter's dose rate
    if solar and not s & _NOT_SOLAR_WORDS:
        return _r("irradiance", OM + "wattPerSquareMetre")
    if s & {"tvoc"}:
        return _needs_unit("tvoc") if unit is None else _r("tvoc", unit)
    return None


def rule_for_name(
    path: str,
    *,
    metering: bool = False,
    air: bool = True,
    vendor_rules: Mapping[str, Rule] | None = None,
    medium: str | None = None,
) -> Rule | None:
    """The candidate readings of the field at ``path`` (dotted), or None when none applies.

    ``metering``: the same object holds current, power or energy readings, so a bare
    ``voltage`` is the metered (mains) voltage rather than the device's supply. ``air``: it
    also holds air humidity, CO2 or the like, so a bare ``pressure`` is the air's.
    ``medium``: what the object's readings are of (:func:`medium`), which tells a bare
    ``conductivity`` of soil from one of water, and a soil's ``moisture`` from another.
    """
    # a decimal point inside a name is not a path step: pm2.5, pm1.0
    segments = [p for p in _DECIMAL_IN_NAME.sub("_", path).split(".") if p and not p.isdigit()]
    if not segments:
        return None
    last = normalise(segments[-1])
    keys = [normalise("_".join(segments))]
    if len(segments) > 1:
        keys.append(normalise("_".join(segments[-2:])))
    keys.append(last)
    ws = _without_depth(words(segments[-1]))
    keys.append("_".join(ws))  # camelCase as snake_case: supplyVoltage -> supply_voltage
    if last == "ec" and len(segments) > 1 and normalise(segments[-2]) == "soil":
        return NORMALIZED_SOIL_EC  # The Things Stack normalized payload: soil.ec in dS/m
    for table in (vendor_rules or {}, FIELD_TABLE):
        for key in keys:
            rule = table.get(key)
            if rule is not None:
                return _in_context(rule, metering, air, medium)
    # a unit written into the name: co2_ppm, Bat_mV, TempC, distance_cm
    unit = next((w for w in reversed(ws) if w in _UNIT_WORDS), None) if len(ws) > 1 else None
    if unit is not None:
        stem = "_".join(w for w in ws if w != unit)
        base = FIELD_TABLE.get(stem)
        if base is not None:
            found = _in_context(base, metering, air, medium)
            return None if found is None else _with_unit(found, unit)
    channel_free = re.sub(r"_\d+$", "", last)  # Cayenne LPP as TTS flattens it: temperature_1
    if channel_free != last and channel_free in FIELD_TABLE:
        return _in_context(FIELD_TABLE[channel_free], metering, air, medium)
    # an average of a listed reading: humidity_avg, VrmsMean (a min or max may as well be a
    # limit the device is set to, minTemp/maxTemp: never placed by name)
    plain = [w for w in ws if w not in _STATISTIC_WORDS]
    if plain and len(plain) < len(ws) and not set(ws) & SETTING_WORDS:
        base = FIELD_TABLE.get("_".join(plain))
        if base is not None:
            return _in_context(base, metering, air, medium)
    rule = _keyword_rule(ws, unit)
    return None if rule is None else _in_context(rule, metering, air, medium)


_DEPTH_UNITS = frozenset({"mm", "cm", "m"})
_DEPTH_WORD = re.compile(r"\d+(?:mm|cm|m)")


def _without_depth(ws: tuple[str, ...]) -> tuple[str, ...]:
    """A name's words without a depth or height it is taken at (SenseCAP "Soil Moisture-10cm").

    A length unit right after a number says where the reading is taken, not its unit.
    """
    kept: list[str] = []
    for word in ws:
        if kept and _DEPTH_WORD.fullmatch(word):  # ..._20cm
            continue
        if word in _DEPTH_UNITS and len(kept) > 1 and kept[-1].isdigit():  # ..._20_cm
            kept.pop()
            continue
        kept.append(word)
    return tuple(kept) if len(kept) < len(ws) else ws


def _in_context(rule: Rule, metering: bool, air: bool, medium: str | None) -> Rule | None:
    by_medium = _BY_MEDIUM.get(id(rule))
    if by_medium is not None and (rule is CONDUCTIVITY or rule is CONDUCTIVITY_MS_CM or rule is PH):
        return by_medium.get(medium or "")
    if rule is MOISTURE:
        return SOIL_MOISTURE if medium == "soil" else None
    if medium != "soil" and rule in _NUTRIENT_RULES:
        return None  # a water probe's potassium or nitrogen is in mg/L, not a soil's mg/kg
    if rule is HUMIDITY and medium == "soil":
        return None
    if metering and rule is SUPPLY_VOLTAGE:
        return MAINS_VOLTAGE
    if not metering and (rule is POWER or rule is CURRENT):
        return _needs_unit(rule[0].property or "")
    if not air and rule is ATMOSPHERIC_PRESSURE:
        return PRESSURE_NO_CONTEXT
    return rule


def _with_unit(rule: Rule, unit: str) -> Rule:
    """``rule``'s properties with the unit the name states.

    The mapper keeps the first whose quantity kind matches that unit (``bat_pct`` -> battery
    level, ``bat_mv`` -> battery voltage).
    """
    seen: list[str] = []
    for candidate in rule:
        if candidate.property is not None and candidate.property not in seen:
            seen.append(candidate.property)
    return tuple(FieldRule(prop, unit) for prop in seen)
