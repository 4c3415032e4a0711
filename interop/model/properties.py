"""Observable and controllable properties: the SAREF ``Property`` terms the model speaks of.

A :class:`PropertySpec` ties a stable key (``temperature``) to its IRI (``saref:Temperature``
or a SAREF-extension term, else an ``interop:`` term declared in ``ontologies/interop.ttl`` as
a subclass of ``saref:Property``), a quantity kind and a default unit. Plugins add their own
through the ``interop_register_properties`` hook. Biometric properties are refused outright.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from interop.errors import PolicyViolation, RegistryError
from interop.model.base import DataClass
from interop.model.units import OM, QUDT, QuantityKind

__all__ = [
    "DEFAULT_PROPERTIES",
    "INTEROP",
    "PLAUSIBLE_RANGES",
    "S4ENVI",
    "S4WATR",
    "SAREF",
    "PropertyRegistry",
    "PropertySpec",
    "default_property_registry",
]

SAREF = "https://saref.etsi.org/core/"
S4ENVI = "https://saref.etsi.org/saref4envi/"
S4WATR = "https://saref.etsi.org/saref4watr/"
S4ENER = "https://saref.etsi.org/saref4ener/"
INTEROP = "https://w3id.org/interop/ontology#"


@dataclass(frozen=True, slots=True)
class PropertySpec:
    """One property: its key, IRI, what it measures and how sensitive its values are."""

    key: str
    iri: str
    label: str
    quantity: QuantityKind
    default_unit: str
    protection: DataClass = DataClass.TECHNICAL
    description: str = ""
    plausible: tuple[float, float] | None = None
    """Lowest and highest value a working sensor reports, in ``default_unit`` (None: any).

    Not a validation limit of the model: decoders use it to tell a mis-scaled or
    mis-labelled reading (millivolts read as volts, a sign bug) from a real one."""


_BIOMETRIC = re.compile(
    r"\b(biometrics?|heart ?rate|pulse ?rate|finger ?prints?|faces?|facial|iris|retina"
    r"|gait|voice ?prints?|palm ?prints?|veins?|dna|blood( pressure| oxygen)?"
    r"|body ?temperature)\b"
)


def _words(text: str) -> str:
    """``heartRate_bpm`` -> ``heart rate bpm``: the form the biometric screen reads."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", spaced.lower()).strip()


def _p(
    key: str,
    iri: str,
    label: str,
    quantity: QuantityKind,
    unit: str,
    description: str,
    protection: DataClass = DataClass.TECHNICAL,
) -> PropertySpec:
    return PropertySpec(
        key, iri, label, quantity, unit, protection, description, PLAUSIBLE_RANGES.get(key)
    )


PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "temperature": (-90.0, 200.0),
    "humidity": (0.0, 100.0),
    "light": (0.0, 200_000.0),
    "illuminance": (0.0, 200_000.0),
    "irradiance": (0.0, 2_000.0),
    "motion": (0.0, 1e9),
    "occupancy": (0.0, 1e6),
    "smoke": (0.0, 1.0),
    "power": (-1e8, 1e8),
    "energy": (-1e10, 1e10),
    "pressure": (-1_100.0, 100_000.0),
    "frequency": (0.0, 1e10),
    "height": (0.0, 1_000.0),
    "precipitation": (0.0, 500.0),
    "flow_rate": (0.0, 1e6),
    "voltage": (0.0, 1_000_000.0),
    "current": (-1e5, 1e5),
    "power_factor": (-1.0, 1.0),
    "battery_level": (0.0, 100.0),
    "battery_voltage": (0.0, 60.0),
    "dimming_level": (0.0, 100.0),
    "operating_time": (0.0, 1e7),
    "pm25": (0.0, 10_000.0),
    "pm10": (0.0, 10_000.0),
    "pm1": (0.0, 10_000.0),
    "pm4": (0.0, 10_000.0),
    "no2": (0.0, 100_000.0),
    "o3": (0.0, 100_000.0),
    "tvoc": (0.0, 60_000.0),
    "co": (0.0, 10_000.0),
    "co2": (0.0, 50_000.0),
    "noise_level": (0.0, 200.0),
    "wind_speed": (0.0, 120.0),
    "wind_direction": (0.0, 360.0),
    "precipitation_amount": (0.0, 1e7),
    "pulse_count": (0.0, 1.9e19),
    "water_level": (-1_000.0, 10_000.0),
    "fill_level": (0.0, 100.0),
    "distance": (0.0, 50.0),
    "speed": (0.0, 500.0),
    "vehicle_count": (0.0, 1e7),
    "conductivity": (0.0, 25.0),
    "soil_conductivity": (0.0, 5.0),
    "soil_moisture": (0.0, 100.0),
    "dielectric_permittivity": (1.0, 100.0),
    "voc_index": (1.0, 500.0),
    "hcho": (0.0, 10_000.0),
    "tilt_angle": (-180.0, 360.0),
    "valve_position": (0.0, 100.0),
    "ph": (0.0, 14.0),
    "soil_ph": (0.0, 14.0),
    "turbidity": (0.0, 10_000.0),
    "soil_nitrogen": (0.0, 10_000.0),
    "soil_phosphorus": (0.0, 10_000.0),
    "soil_potassium": (0.0, 10_000.0),
    "leaf_wetness": (0.0, 100.0),
    "dissolved_oxygen": (0.0, 50.0),
    "oxygen_saturation": (0.0, 500.0),
    "redox_potential": (-2_000.0, 2_000.0),
    "uv_index": (0.0, 25.0),
    "h2s": (0.0, 10_000.0),
    "nh3": (0.0, 10_000.0),
    "so2": (0.0, 10_000.0),
    "flow_volume": (0.0, 1e9),
}
"""Plausible range of each built-in property in its default unit (the values sensors in the
field report: a LoRaWAN battery is 0-60 V, a pressure 0-100 bar (a gauge may read down to
-1 bar, a vacuum), a range finder 0-50 m, CO2
at most 5 %, a water's electrical conductivity at most 25 S/m (250 mS/cm, beyond sea water),
a soil's at most 5 S/m (50 dS/m; soil probes stop near 20 dS/m), a Sensirion-style VOC index
1-500, a tilt -180..360°, soil nitrogen, phosphorus or potassium at most 10 g/kg (probes
stop near 2 g/kg), dissolved oxygen at most 50 mg/L and 500 % saturation, a redox potential
within ±2 V, a UV index 0-25, turbidity at most 10 000 NTU; a sensor's
0xFFFF "no reading" usually falls outside)."""


_Q = QuantityKind
DEFAULT_PROPERTIES: tuple[PropertySpec, ...] = (
    _p("temperature", SAREF + "Temperature", "temperature", _Q.TEMPERATURE,
       OM + "degreeCelsius", "Air or surface temperature."),
    _p("humidity", SAREF + "Humidity", "relative humidity", _Q.DIMENSIONLESS, OM + "percent",
       "Relative humidity of the air."),
    _p("light", SAREF + "Light", "light", _Q.ILLUMINANCE, OM + "lux",
       "Light level as SAREF core names it."),
    _p("illuminance", S4ENVI + "Illuminance", "illuminance", _Q.ILLUMINANCE, OM + "lux",
       "Luminous flux per area (SAREF4ENVI)."),
    _p("irradiance", S4ENVI + "Irradiance", "irradiance", _Q.IRRADIANCE,
       OM + "wattPerSquareMetre", "Radiant flux per area (SAREF4ENVI)."),
    _p("motion", SAREF + "Motion", "motion", _Q.DIMENSIONLESS, OM + "one",
       "Motion detected (1) or not (0)."),
    _p("occupancy", SAREF + "Occupancy", "occupancy", _Q.DIMENSIONLESS, OM + "one",
       "Presence count or flag, never who is present.", DataClass.PSEUDONYMOUS),
    _p("power", SAREF + "Power", "active power", _Q.POWER, OM + "watt",
       "Active electrical power drawn or produced."),
    _p("energy", SAREF + "Energy", "energy", _Q.ENERGY, OM + "kilowattHour",
       "Cumulative energy drawn or produced."),
    _p("pressure", SAREF + "Pressure", "pressure", _Q.PRESSURE, OM + "hectopascal",
       "Air or fluid pressure."),
    _p("smoke", SAREF + "Smoke", "smoke", _Q.DIMENSIONLESS, OM + "one",
       "Smoke detected (1) or not (0)."),
    _p("frequency", S4ENVI + "Frequency", "frequency", _Q.FREQUENCY, OM + "hertz",
       "Frequency (SAREF4ENVI)."),
    _p("height", S4ENVI + "Height", "height", _Q.LENGTH, OM + "metre",
       "Height of an object, e.g. a light point (SAREF4ENVI)."),
    _p("precipitation", S4WATR + "Precipitation", "precipitation", _Q.SPEED,
       OM + "millimetrePerHour", "Rain rate (SAREF4WATR)."),
    _p("flow_rate", S4WATR + "FlowRate", "flow rate", _Q.VOLUME_FLOW,
       QUDT + "M3-PER-HR", "Volume of water per time (SAREF4WATR)."),
    _p("conductivity", S4WATR + "Conductivity", "conductivity", _Q.ELECTRICAL_CONDUCTIVITY,
       OM + "siemensPerMetre", "Electrical conductivity of water (SAREF4WATR)."),
    _p("turbidity", S4WATR + "Turbidity", "turbidity", _Q.TURBIDITY, QUDT + "NTU",
       "Water turbidity (SAREF4WATR), in nephelometric turbidity units."),
    _p("voltage", INTEROP + "Voltage", "voltage", _Q.VOLTAGE, OM + "volt",
       "Electrical potential difference."),
    _p("current", INTEROP + "ElectricCurrent", "electric current", _Q.CURRENT, OM + "ampere",
       "Electrical current."),
    _p("power_factor", INTEROP + "PowerFactor", "power factor", _Q.DIMENSIONLESS, OM + "one",
       "Ratio of active to apparent power."),
    _p("battery_level", INTEROP + "BatteryLevel", "battery level", _Q.DIMENSIONLESS,
       OM + "percent", "Remaining battery charge."),
    _p("battery_voltage", INTEROP + "BatteryVoltage", "battery voltage", _Q.VOLTAGE,
       OM + "volt", "Voltage of a device's battery."),
    _p("dimming_level", INTEROP + "DimmingLevel", "dimming level", _Q.DIMENSIONLESS,
       OM + "percent", "Light output as a share of the maximum."),
    _p("operating_time", INTEROP + "OperatingTime", "operating time", _Q.TIME, OM + "hour",
       "Burning or running hours."),
    _p("pm25", INTEROP + "PM25Concentration", "PM2.5 concentration", _Q.MASS_CONCENTRATION,
       QUDT + "MicroGM-PER-M3", "Particulate matter below 2.5 µm."),
    _p("pm10", INTEROP + "PM10Concentration", "PM10 concentration", _Q.MASS_CONCENTRATION,
       QUDT + "MicroGM-PER-M3", "Particulate matter below 10 µm."),
    _p("no2", INTEROP + "NO2Concentration", "NO2 concentration", _Q.MASS_CONCENTRATION,
       QUDT + "MicroGM-PER-M3", "Nitrogen dioxide in air."),
    _p("o3", INTEROP + "O3Concentration", "O3 concentration", _Q.MASS_CONCENTRATION,
       QUDT + "MicroGM-PER-M3", "Ozone in air."),
    _p("pm1", INTEROP + "PM1Concentration", "PM1 concentration", _Q.MASS_CONCENTRATION,
       QUDT + "MicroGM-PER-M3", "Particulate matter below 1 µm."),
    _p("pm4", INTEROP + "PM4Concentration", "PM4 concentration", _Q.MASS_CONCENTRATION,
       QUDT + "MicroGM-PER-M3", "Particulate matter below 4 µm."),
    _p("tvoc", INTEROP + "TVOCConcentration", "TVOC concentration", _Q.DIMENSIONLESS,
       QUDT + "PPB", "Total volatile organic compounds in air."),
    _p("co", INTEROP + "COConcentration", "CO concentration", _Q.DIMENSIONLESS,
       OM + "partsPerMillion", "Carbon monoxide in air."),
    _p("co2", INTEROP + "CO2Concentration", "CO2 concentration", _Q.DIMENSIONLESS,
       OM + "partsPerMillion", "Carbon dioxide in air."),
    _p("noise_level", INTEROP + "SoundPressureLevel", "sound pressure level", _Q.SOUND_LEVEL,
       OM + "decibel", "Ambient noise level."),
    _p("wind_speed", INTEROP + "WindSpeed", "wind speed", _Q.SPEED, OM + "metrePerSecond-Time",
       "Speed of the wind."),
    _p("wind_direction", INTEROP + "WindDirection", "wind direction", _Q.ANGLE, OM + "degree",
       "Direction the wind comes from, clockwise from north."),
    _p("precipitation_amount", INTEROP + "PrecipitationAmount", "precipitation amount",
       _Q.LENGTH, OM + "millimetre", "Rain fallen over an interval, as a depth."),
    _p("pulse_count", INTEROP + "PulseCount", "pulse count", _Q.DIMENSIONLESS, OM + "one",
       "Pulses counted by a meter interface (water, gas or electricity meters)."),
    _p("water_level", INTEROP + "WaterLevel", "water level", _Q.LENGTH, OM + "metre",
       "Level of water in a river, tank or sewer."),
    _p("fill_level", INTEROP + "FillLevel", "fill level", _Q.DIMENSIONLESS, OM + "percent",
       "How full a container (waste bin, tank) is."),
    _p("distance", INTEROP + "Distance", "distance", _Q.LENGTH, OM + "metre",
       "Distance measured by a range sensor."),
    _p("speed", INTEROP + "Speed", "speed", _Q.SPEED, OM + "kilometrePerHour",
       "Speed of a vehicle or of traffic."),
    _p("vehicle_count", INTEROP + "VehicleCount", "vehicle count", _Q.DIMENSIONLESS,
       OM + "one", "Vehicles counted in an interval."),
    _p("soil_moisture", INTEROP + "SoilMoisture", "soil moisture", _Q.DIMENSIONLESS,
       OM + "percent", "Volumetric water content of soil: water volume per soil volume."),
    _p("soil_conductivity", INTEROP + "SoilElectricalConductivity",
       "soil electrical conductivity", _Q.ELECTRICAL_CONDUCTIVITY, OM + "siemensPerMetre",
       "Bulk electrical conductivity of soil (its salinity), as soil probes measure it."),
    _p("dielectric_permittivity", INTEROP + "RelativePermittivity", "relative permittivity",
       _Q.DIMENSIONLESS, OM + "one",
       "Dielectric permittivity of soil or another medium relative to vacuum."),
    _p("voc_index", INTEROP + "VOCIndex", "VOC index", _Q.DIMENSIONLESS, OM + "one",
       "Volatile organic compounds relative to the sensor's recent average (100: usual)."),
    _p("hcho", INTEROP + "HCHOConcentration", "HCHO concentration", _Q.MASS_CONCENTRATION,
       QUDT + "MicroGM-PER-M3", "Formaldehyde (HCHO) in air."),
    _p("tilt_angle", INTEROP + "TiltAngle", "tilt angle", _Q.ANGLE, OM + "degree",
       "Inclination of a device or structure from its reference position."),
    _p("valve_position", INTEROP + "ValvePosition", "valve position", _Q.DIMENSIONLESS,
       OM + "percent", "How far a valve is open: 0 closed, 100 fully open."),
    _p("ph", S4WATR + "HydrogenIonConcentration", "pH of water", _Q.DIMENSIONLESS, OM + "one",
       "Hydrogen ion concentration of water as pH (SAREF4WATR)."),
    _p("soil_ph", INTEROP + "SoilPH", "soil pH", _Q.DIMENSIONLESS, OM + "one",
       "Acidity of soil as pH."),
    _p("soil_nitrogen", INTEROP + "SoilNitrogen", "soil nitrogen", _Q.DIMENSIONLESS,
       OM + "milligramPerKilogram", "Nitrogen content of soil (the N of an NPK probe)."),
    _p("soil_phosphorus", INTEROP + "SoilPhosphorus", "soil phosphorus", _Q.DIMENSIONLESS,
       OM + "milligramPerKilogram", "Phosphorus content of soil (the P of an NPK probe)."),
    _p("soil_potassium", INTEROP + "SoilPotassium", "soil potassium", _Q.DIMENSIONLESS,
       OM + "milligramPerKilogram", "Potassium content of soil (the K of an NPK probe)."),
    _p("leaf_wetness", INTEROP + "LeafWetness", "leaf wetness", _Q.DIMENSIONLESS,
       OM + "percent", "Share of a leaf (or leaf-like sensor surface) covered by water."),
    _p("dissolved_oxygen", INTEROP + "DissolvedOxygenConcentration",
       "dissolved oxygen concentration", _Q.MASS_CONCENTRATION, OM + "milligramPerLitre",
       "Mass of oxygen dissolved per volume of water."),
    _p("oxygen_saturation", S4WATR + "Oxygen", "dissolved oxygen saturation", _Q.DIMENSIONLESS,
       OM + "percent", "Dissolved oxygen as a share of saturation (SAREF4WATR Oxygen)."),
    _p("redox_potential", INTEROP + "RedoxPotential", "redox potential", _Q.VOLTAGE,
       OM + "millivolt", "Oxidation-reduction potential (ORP) of water or soil."),
    _p("uv_index", INTEROP + "UVIndex", "UV index", _Q.DIMENSIONLESS, OM + "one",
       "Strength of sunburn-producing ultraviolet radiation (WHO/WMO UV index)."),
    _p("h2s", INTEROP + "H2SConcentration", "H2S concentration", _Q.DIMENSIONLESS,
       OM + "partsPerMillion", "Hydrogen sulphide in air."),
    _p("nh3", INTEROP + "NH3Concentration", "NH3 concentration", _Q.DIMENSIONLESS,
       OM + "partsPerMillion", "Ammonia in air."),
    _p("so2", INTEROP + "SO2Concentration", "SO2 concentration", _Q.DIMENSIONLESS,
       OM + "partsPerMillion", "Sulphur dioxide in air."),
    _p("flow_volume", S4WATR + "FlowVolume", "flow volume", _Q.VOLUME, OM + "cubicMetre",
       "Volume of water that has flowed: a water meter's index or an interval's total."),
)  # fmt: skip


class PropertyRegistry:
    """A set of properties, looked up by key or IRI; refuses duplicates and biometrics."""

    def __init__(self, specs: Iterable[PropertySpec] = ()) -> None:
        self._by_key: dict[str, PropertySpec] = {}
        self._by_iri: dict[str, PropertySpec] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: PropertySpec) -> None:
        """Add ``spec``; raises :class:`PolicyViolation` for biometric data."""
        for text in (spec.key, spec.label, spec.iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]):
            if _BIOMETRIC.search(_words(text)):
                raise PolicyViolation(
                    "biometric properties have no place in the interop model",
                    source=spec.iri,
                    field="key",
                    expected="a property of equipment or environment, not of a body",
                )
        for index, value in ((self._by_key, spec.key), (self._by_iri, spec.iri)):
            existing = index.get(value)
            if existing is not None and existing != spec:
                raise RegistryError(
                    "a different property is already registered",
                    source=value,
                    field="key" if index is self._by_key else "iri",
                    expected="a unique key and IRI",
                )
        self._by_key[spec.key] = spec
        self._by_iri[spec.iri] = spec

    def get(self, ref: str) -> PropertySpec:
        """Find a property by key (``temperature``) or IRI."""
        spec = self._by_key.get(ref) or self._by_iri.get(ref)
        if spec is None:
            raise RegistryError(
                "unknown property", source=ref, field="property", expected="a registered key/IRI"
            )
        return spec

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and (ref in self._by_key or ref in self._by_iri)

    def __iter__(self) -> Iterator[PropertySpec]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)


def default_property_registry() -> PropertyRegistry:
    """A fresh registry holding the built-in properties."""
    return PropertyRegistry(DEFAULT_PROPERTIES)
