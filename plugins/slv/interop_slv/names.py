"""SLV value names, alarm flags and lamp type labels, and their canonical counterparts."""

from __future__ import annotations

from interop.model.lighting import AlarmType, LampType

__all__ = [
    "ALARM_VALUES",
    "CALENDAR_VALUE",
    "COMMAND_LEVEL",
    "ENERGY",
    "LAMP_LABELS",
    "LAMP_TYPES",
    "LEVEL",
    "METERING_VALUES",
    "POWER",
    "POWER_FACTOR",
    "RUNNING_HOURS",
    "VOLTAGE",
]

LEVEL = "LampLevel"
"""Actual level, DALI arc 0-254 as a string."""
POWER = "MeteredPower"
"""Active power, W (as SLV's own clients read it; research note section 4)."""
ENERGY = "Energy"
"""kWh drawn since the previous report."""
RUNNING_HOURS = "RunningHoursLamp"
"""Lamp burning hours (the real API's name); goes down when the lamp is replaced."""
VOLTAGE = "MainVoltage"
"""Supply voltage, V."""
POWER_FACTOR = "PowerFactor"
"""Power factor, 0..1."""
METERING_VALUES = (LEVEL, POWER, ENERGY, RUNNING_HOURS, VOLTAGE, POWER_FACTOR)
"""Every metering value a report carries, in the order the simulator logs them."""

COMMAND_LEVEL = "LampCommandLevel"
"""The level last commanded (DALI arc, -1 = back to schedule): what the node was told, which
settles a command whose batch result was lost."""

CALENDAR_VALUE = "DimmingCalendar"
"""Device value naming the dimming calendar a light follows (simulated profile)."""

ALARM_VALUES: dict[str, AlarmType] = {
    "LampFailure": AlarmType.LAMP_FAILURE,
    "DimmingFailure": AlarmType.DIMMING_FAILURE,
    "RelayFailure": AlarmType.RELAY_FAILURE,
    "DaliCommFailure": AlarmType.CONTROL_GEAR_COMM_FAILURE,
    "CyclingLamp": AlarmType.CYCLING_FAILURE,
    "DayBurner": AlarmType.LAMP_UNEXPECTED_ON,
    "HighLampPower": AlarmType.LAMP_POWER_TOO_HIGH,
    "LowLampPower": AlarmType.LAMP_POWER_TOO_LOW,
    "HighCurrent": AlarmType.CURRENT_TOO_HIGH,
    "LowCurrent": AlarmType.CURRENT_TOO_LOW,
    "HighLampVoltage": AlarmType.LAMP_VOLTAGE_TOO_HIGH,
    "LowLampVoltage": AlarmType.LAMP_VOLTAGE_TOO_LOW,
    "LowPowerFactor": AlarmType.POWER_FACTOR_TOO_LOW,
    "HighTemperature": AlarmType.HIGH_TEMPERATURE,
    "PowerSupplyFailure": AlarmType.SUPPLY_LOSS,
    "HighSupplyVoltage": AlarmType.SUPPLY_VOLTAGE_TOO_HIGH,
    "LowSupplyVoltage": AlarmType.SUPPLY_VOLTAGE_TOO_LOW,
    "ContactorFailure": AlarmType.CONTACTOR_ERROR,
    "LeakageCurrent": AlarmType.LEAKAGE_DETECTED,
    "CommunicationFailure": AlarmType.COMMUNICATION_LOSS,
    "OtherFailure": AlarmType.OTHER,
}
"""SLV failure flags ("true"/"false" values) and the TALQ event each stands for."""

LAMP_LABELS: dict[LampType, str] = {
    LampType.LED: "LED",
    LampType.HIGH_PRESSURE_SODIUM: "HPS",
    LampType.LOW_PRESSURE_SODIUM: "LPS",
    LampType.METAL_HALIDE: "MH",
    LampType.FLUORESCENT: "FLUO",
    LampType.MERCURY_VAPOUR: "HG",
    LampType.OTHER: "OTHER",
}
"""SLV ``lampType`` property labels of each canonical lamp type."""
LAMP_TYPES: dict[str, LampType] = {label: lamp for lamp, label in LAMP_LABELS.items()}
