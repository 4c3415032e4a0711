"""Street lighting: light points, their alarms and dimming schedules (TALQ, DALI, SAREF4ENVI).

A :class:`LightPoint` is the luminaire of a street light as an *asset* (SAREF4ENVI
``s4envi:LightPoint``): lamp type, nominal power, pole, group, cabinet. It is not a
:class:`~interop.model.device.Device`: the node that switches, dims and meters it (a TALQ
device with a ``LampActuatorFunction``/``LampMonitorFunction``, typed ``saref:Device``) is
a separate record that ``LightPoint.device`` points to, so inventory and control can come
from different systems and the two records never compete for the same triples.

Telemetry needs no record type of its own: level (%), power (W), cumulative energy (kWh),
burning hours (h), voltage (V) and power factor are plain
:class:`~interop.model.observation.Measurement` records with the built-in properties
(``saref:Power``, ``saref:Energy``, ``interop:OperatingTime``, ...).

**Energy counter epochs.** A cumulative energy counter restarts at zero when a meter or
driver is replaced or reset. A plugin that knows it marks every reading of the new counter
with a higher epoch, ``extensions["lighting"]["counter_epoch"]`` (an integer, 0 when absent);
:func:`energy_delta` then never gives a negative energy across the replacement.
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from interop.model.base import (
    IRI,
    CanonicalModel,
    DataClass,
    Point,
    RecordBase,
    UtcDateTime,
    protected,
)
from interop.model.observation import Measurement
from interop.model.units import convert

__all__ = [
    "COUNTER_EPOCH",
    "LIGHTING_EXTENSION",
    "AlarmSeverity",
    "AlarmState",
    "AlarmType",
    "CalendarRule",
    "DimmingProgram",
    "DimmingSchedule",
    "LampType",
    "LightPoint",
    "LightingAlarm",
    "ProgramStep",
    "SolarEvent",
    "counter_epoch",
    "energy_delta",
]

LIGHTING_EXTENSION = "lighting"
"""Extensions namespace of the lighting conventions (``extensions["lighting"]``)."""
COUNTER_EPOCH = "counter_epoch"
"""Key, in ``extensions["lighting"]``, of an energy reading's counter epoch (an int >= 0)."""

_ENERGY = "https://saref.etsi.org/core/Energy"
_KWH = "http://www.ontology-of-units-of-measure.org/resource/om-2/kilowattHour"


class LampType(StrEnum):
    """The light source of a luminaire (TALQ ``LampType``; FIWARE ``lampTechnology``)."""

    LED = "led"
    HIGH_PRESSURE_SODIUM = "high_pressure_sodium"
    LOW_PRESSURE_SODIUM = "low_pressure_sodium"
    METAL_HALIDE = "metal_halide"
    FLUORESCENT = "fluorescent"
    MERCURY_VAPOUR = "mercury_vapour"
    OTHER = "other"


def _text(protection: DataClass = DataClass.PUBLIC, description: str | None = None) -> str | None:
    result: str | None = protected(protection, None, min_length=1, description=description)
    return result


class LightPoint(RecordBase):
    """The luminaire of a street light (``s4envi:LightPoint``; FIWARE ``Streetlight``).

    ``device`` names the :class:`~interop.model.device.Device` (the controller node) that
    switches, dims and meters it; ``None`` for an uncontrolled or not yet connected lamp.
    """

    kind: Literal["lighting_light_point"] = protected(DataClass.PUBLIC, "lighting_light_point")
    name: str | None = _text(description="Name or asset tag shown to operators.")
    device: IRI | None = protected(
        DataClass.TECHNICAL, None, description="The saref:Device that controls and meters it."
    )
    lamp_type: LampType | None = protected(DataClass.PUBLIC, None)
    nominal_power: float | None = protected(
        DataClass.PUBLIC, None, ge=0.0, description="Rated power, watts."
    )
    manufacturer: str | None = _text(description="Luminaire manufacturer.")
    model: str | None = _text(description="Luminaire model (TALQ luminaire type).")
    location: Point | None = protected(DataClass.PUBLIC, None)
    lamppost: IRI | None = protected(
        DataClass.PUBLIC, None, description="The pole it is mounted on (s4envi:Lamppost)."
    )
    group: IRI | None = protected(
        DataClass.PUBLIC, None, description="Control group (TALQ group, FIWARE StreetlightGroup)."
    )
    cabinet: IRI | None = protected(
        DataClass.PUBLIC, None, description="Control cabinet (segment controller) feeding it."
    )
    installation_date: date | None = protected(DataClass.PUBLIC, None)
    dali_address: int | None = protected(
        DataClass.TECHNICAL, None, ge=0, le=63, description="DALI short address of its gear."
    )
    driver: str | None = _text(
        DataClass.TECHNICAL, "Control gear (driver/ballast) model, e.g. a D4i driver."
    )
    controllable: bool = protected(
        DataClass.PUBLIC, False, description="Whether it can be switched or dimmed remotely."
    )


class AlarmType(StrEnum):
    """What went wrong, named after the TALQ ``LampMonitorFunction`` events (in the docs)."""

    LAMP_FAILURE = "lamp_failure"
    """TALQ ``lampFailure``: the lamp does not light (DALI lamp failure flag)."""
    DIMMING_FAILURE = "dimming_failure"
    """TALQ ``dimmingFailure``: the lamp does not follow the commanded level."""
    RELAY_FAILURE = "relay_failure"
    """TALQ ``relayFailure``: the controller's switching relay failed."""
    CONTROL_GEAR_COMM_FAILURE = "control_gear_comm_failure"
    """TALQ ``controlGearCommFailure``: the controller cannot talk to the driver (DALI)."""
    CYCLING_FAILURE = "cycling_failure"
    """TALQ ``cyclingFailure``: the lamp keeps switching on and off (end of life)."""
    LAMP_UNEXPECTED_ON = "lamp_unexpected_on"
    """TALQ ``lampUnexpectedOn``: burning when it should be off (a day burner)."""
    LAMP_POWER_TOO_HIGH = "lamp_power_too_high"
    """TALQ ``lampPowerTooHigh`` (relative to the expected power)."""
    LAMP_POWER_TOO_LOW = "lamp_power_too_low"
    """TALQ ``lampPowerTooLow`` (relative to the expected power)."""
    CURRENT_TOO_HIGH = "current_too_high"
    """TALQ ``currentTooHigh``."""
    CURRENT_TOO_LOW = "current_too_low"
    """TALQ ``currentTooLow``."""
    LAMP_VOLTAGE_TOO_HIGH = "lamp_voltage_too_high"
    """TALQ ``lampVoltageTooHigh``."""
    LAMP_VOLTAGE_TOO_LOW = "lamp_voltage_too_low"
    """TALQ ``lampVoltageTooLow``."""
    POWER_FACTOR_TOO_LOW = "power_factor_too_low"
    """TALQ ``powerFactorTooLow``."""
    HIGH_TEMPERATURE = "high_temperature"
    """TALQ ``highTemperature``."""
    SUPPLY_LOSS = "supply_loss"
    """TALQ ``supplyLoss``: mains power failure at the light point."""
    SUPPLY_VOLTAGE_TOO_HIGH = "supply_voltage_too_high"
    """TALQ ``supplyVoltageTooHigh``."""
    SUPPLY_VOLTAGE_TOO_LOW = "supply_voltage_too_low"
    """TALQ ``supplyVoltageTooLow``."""
    CONTACTOR_ERROR = "contactor_error"
    """TALQ ``contactorError``."""
    LEAKAGE_DETECTED = "leakage_detected"
    """TALQ ``leakageDetected``: leakage current to earth."""
    COMMUNICATION_LOSS = "communication_loss"
    """The controller node is unreachable from the central system (no TALQ lamp event)."""
    OTHER = "other"
    """A vendor alarm with no TALQ name; the vendor code goes to ``detail``/``extensions``."""


class AlarmState(StrEnum):
    """Whether an alarm starts or ends (TALQ ``EventLogData.startEndFlag``)."""

    RAISED = "raised"
    CLEARED = "cleared"


class AlarmSeverity(StrEnum):
    """How urgent an alarm is, as the source rates it."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class LightingAlarm(RecordBase):
    """An alarm raised or cleared for a light point (TALQ ``EventLogData``)."""

    kind: Literal["lighting_alarm"] = protected(DataClass.PUBLIC, "lighting_alarm")
    light: IRI = protected(DataClass.TECHNICAL, description="The LightPoint (or its Device).")
    alarm_type: AlarmType = protected(DataClass.TECHNICAL)
    state: AlarmState = protected(DataClass.TECHNICAL)
    timestamp: UtcDateTime = protected(DataClass.TECHNICAL)
    severity: AlarmSeverity | None = protected(DataClass.TECHNICAL, None)
    detail: str | None = _text(DataClass.TECHNICAL, "Free text or the vendor's alarm code.")


class SolarEvent(StrEnum):
    """An astronomical clock event (TALQ ``solarEventType``)."""

    SUNSET = "sunset"
    SUNRISE = "sunrise"


Level = Annotated[float, Field(ge=0.0, le=100.0)]
IsoWeekday = Annotated[int, Field(ge=1, le=7)]


def _since_noon(at: time) -> int:
    """Microseconds since the noon that starts a lighting night (TALQ ``dayOffset`` 12)."""
    micros = ((at.hour * 60 + at.minute) * 60 + at.second) * 10**6 + at.microsecond
    half_day = 12 * 3600 * 10**6
    return micros - half_day if micros >= half_day else micros + half_day


class ProgramStep(CanonicalModel):
    """Set ``level`` at a fixed local ``at`` time, or at ``offset`` minutes from a solar event.

    TALQ ``fixedTimeControls`` (``at``, local wall-clock time, DST included) and
    ``astroClockTimeControls`` (``solar_event`` + ``offset``, negative = before the event).
    """

    at: time | None = protected(DataClass.PUBLIC, None, description="Local time (no zone).")
    solar_event: SolarEvent | None = protected(DataClass.PUBLIC, None)
    offset: int = protected(
        DataClass.PUBLIC, 0, ge=-720, le=720, description="Minutes from the solar event."
    )
    level: Level = protected(DataClass.PUBLIC, description="Light level, percent (0 = off).")

    @model_validator(mode="after")
    def _one_trigger(self) -> ProgramStep:
        if (self.at is None) == (self.solar_event is None):
            raise ValueError("a step has either a fixed time 'at' or a 'solar_event', not both")
        if self.at is not None and (self.offset or self.at.tzinfo is not None):
            raise ValueError("a fixed-time step has a local time without zone and no offset")
        return self


class DimmingProgram(CanonicalModel):
    """One night's level steps (TALQ ``ControlProgram``), in the order they occur.

    The night runs noon to noon. Fixed-time steps must be in time order, solar steps in
    order too (every sunset step before every sunrise step, offsets increasing); how a
    fixed time interleaves with sunset or sunrise depends on date and place, so it is not
    checked here.
    """

    key: str = protected(DataClass.PUBLIC, min_length=1, description="Program id in the schedule.")
    name: str | None = _text()
    steps: tuple[ProgramStep, ...] = protected(DataClass.PUBLIC, min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> DimmingProgram:
        fixed = [_since_noon(step.at) for step in self.steps if step.at is not None]
        solar = [
            (0 if step.solar_event is SolarEvent.SUNSET else 1, step.offset)
            for step in self.steps
            if step.solar_event is not None
        ]
        if any(b <= a for a, b in pairwise(fixed)):
            raise ValueError(f"program {self.key!r}: fixed-time steps are not in night order")
        if any(b <= a for a, b in pairwise(solar)):
            raise ValueError(f"program {self.key!r}: solar steps are not in night order")
        return self


class CalendarRule(CanonicalModel):
    """When a program runs (TALQ calendar rule): weekdays, a date range and/or given dates.

    Every condition present must hold; a rule with none always matches. Of the matching
    rules, the one with the highest ``priority`` wins.
    """

    priority: int = protected(DataClass.PUBLIC, ge=0, description="Higher wins.")
    program: str = protected(DataClass.PUBLIC, min_length=1, description="A program's key.")
    weekdays: frozenset[IsoWeekday] = protected(
        DataClass.PUBLIC, default_factory=frozenset, description="ISO weekdays, 1 = Monday."
    )
    start_date: date | None = protected(DataClass.PUBLIC, None)
    end_date: date | None = protected(DataClass.PUBLIC, None, description="Inclusive.")
    dates: tuple[date, ...] = protected(
        DataClass.PUBLIC, (), description="Specific dates (holidays, events)."
    )

    @model_validator(mode="after")
    def _range(self) -> CalendarRule:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class DimmingSchedule(RecordBase):
    """A dimming calendar with its programs (TALQ ``Calendar`` + ``ControlProgram``s).

    ``rules`` are listed by strictly decreasing priority, so "first matching rule wins"
    (TALQ) and "highest priority wins" agree; ``default_program`` runs when none matches.
    """

    kind: Literal["lighting_dimming_schedule"] = protected(
        DataClass.PUBLIC, "lighting_dimming_schedule"
    )
    name: str | None = _text()
    timezone: str = protected(DataClass.PUBLIC, min_length=1, description="IANA time zone.")
    programs: tuple[DimmingProgram, ...] = protected(DataClass.PUBLIC, min_length=1)
    rules: tuple[CalendarRule, ...] = protected(DataClass.PUBLIC, ())
    default_program: str | None = _text(description="Key of the program run when no rule matches.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone name") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> DimmingSchedule:
        keys = [program.key for program in self.programs]
        if len(set(keys)) != len(keys):
            raise ValueError("program keys must be unique")
        named = [rule.program for rule in self.rules]
        if self.default_program is not None:
            named.append(self.default_program)
        unknown = sorted(set(named) - set(keys))
        if unknown:
            raise ValueError(f"rules name unknown programs {unknown}")
        priorities = [rule.priority for rule in self.rules]
        if any(b >= a for a, b in pairwise(priorities)):
            raise ValueError("rules must be listed by strictly decreasing priority")
        return self


def counter_epoch(reading: Measurement) -> int:
    """The counter epoch of an energy reading: ``extensions["lighting"]["counter_epoch"]``."""
    value = reading.extensions.get(LIGHTING_EXTENSION, {}).get(COUNTER_EPOCH, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{COUNTER_EPOCH} must be an integer >= 0, not {value!r}")
    return value


def energy_delta(previous: Measurement, current: Measurement) -> float:
    """Energy in kWh drawn between two cumulative ``saref:Energy`` readings of one meter.

    Readings may be in any energy unit. When ``current`` has a higher counter epoch (a new
    or reset meter, see :func:`counter_epoch`) the new counter started at zero, so the
    delta is the current reading. A counter that goes backwards within one epoch gives 0
    (an undeclared reset cannot be told from a correction). The result is never negative.
    Raises ValueError for other properties, different devices or readings out of order.
    """
    for reading in (previous, current):
        if reading.property != _ENERGY:
            raise ValueError(f"{reading.id} is not a saref:Energy reading")
    if previous.device != current.device:
        raise ValueError("the readings come from different devices")
    if current.timestamp < previous.timestamp:
        raise ValueError("current is older than previous")
    before, after = counter_epoch(previous), counter_epoch(current)
    if after < before:
        raise ValueError("the counter epoch went backwards")
    now = Fraction(convert(Fraction(current.value), current.unit, _KWH))
    if after > before:
        return float(max(now, Fraction(0)))
    then = Fraction(convert(Fraction(previous.value), previous.unit, _KWH))
    return float(max(now - then, Fraction(0)))
