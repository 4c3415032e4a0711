"""History through a TALQ data logger: the LoggerConfig the controller posts, and its report.

The Gateway API has no "readings between two instants" request. The controller posts a
temporary periodic ``LoggerConfig`` over the lights' level and meter attributes, sampling
from ``start`` to ``end``, reads ``/log-reports/{logger}`` and deletes the logger; this
module builds the configuration and turns the report back into canonical readings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from interop.control.lighting import ENERGY
from interop.errors import DecodeError
from interop.model.base import Provenance
from interop.model.observation import Measurement
from interop_talq.devices import READINGS, level_of, read_attribute, reading_measurement
from interop_talq.epochs import EpochTracker
from interop_talq.protocol import (
    EPOCH_ATTRIBUTE,
    FUNCTION_ACTUATOR,
    FUNCTION_MONITOR,
    format_time,
    parse_time,
)

__all__ = ["decode_report", "logger_config"]


def logger_config(
    logger: str, owner: str, addresses: Sequence[str], start: datetime, end: datetime
) -> dict[str, Any]:
    """A periodic logger over the lights' level and meter attributes for ``[start, end]``."""
    monitor = [name for (function, name) in READINGS if function == FUNCTION_MONITOR]
    return {
        "address": logger,
        "ownerCMS": owner,
        "sourceAddresses": {
            "whiteList": [{"resource": "devices", "address": a} for a in addresses]
        },
        "recordingMode": {
            "type": "PeriodicRecordingMode",
            "content": [
                {
                    "function": {
                        "functionType": FUNCTION_ACTUATOR,
                        "attributes": [{"name": "actualLightState"}],
                    }
                },
                {
                    "function": {
                        "functionType": FUNCTION_MONITOR,
                        "attributes": [{"name": n} for n in [*monitor, EPOCH_ATTRIBUTE]],
                    }
                },
            ],
            "samplingProfiles": [
                {
                    "samplingStartTime": format_time(start),
                    "samplingEndTime": format_time(end),
                }
            ],
        },
        "reportingMode": {"type": "ImmediateReportingMode", "delay": 0},
    }


def decode_report(
    report: object,
    addresses: Sequence[str],
    start: datetime,
    end: datetime,
    *,
    source: str,
    provenance: Provenance,
) -> list[Measurement]:
    """The readings of ``addresses`` in ``[start, end]`` from a LogReport, oldest first per light.

    Entries are ``AttributeLogData``; the values logged at one instant form one reading, whose
    energy epoch comes from the logged ``energyCounterEpoch`` or from counters going down.
    """
    if not isinstance(report, dict) or not isinstance(report.get("entries", []), list):
        raise DecodeError("log report is not a LogReport", source=source)
    rows: dict[str, list[tuple[datetime, str, Any]]] = {a: [] for a in addresses}
    for index, entry in enumerate(report.get("entries", [])):
        data = entry.get("data") if isinstance(entry, dict) else None
        field = f"entries[{index}].data"
        if not isinstance(data, dict) or data.get("type") != "AttributeLogData":
            continue
        address = str(data.get("srcAddress", "")).removeprefix("/devices/").split("/")[0]
        if address not in rows:
            continue
        name = data.get("attributeName")
        attribute = read_attribute(data.get("attributeValue"), source=source, field=field)
        stamp = data.get("timestamp")
        at = attribute.timestamp
        if stamp is not None:
            at = parse_time(stamp, source=source, field=field + ".timestamp")
        if at is None:
            raise DecodeError("log entry has no timestamp", source=source, field=field)
        if start <= at <= end:
            rows[address].append((at, str(name), attribute.value))
    units = {name: pair for (_, name), pair in READINGS.items()}
    readings: list[Measurement] = []
    for address in addresses:
        tracker = EpochTracker()
        by_time: dict[datetime, dict[str, Any]] = {}
        for at, name, value in rows[address]:
            by_time.setdefault(at, {})[name] = value
        for at in sorted(by_time):
            values = by_time[at]
            energy, hours = values.get("activeEnergy"), values.get("operatingHours")
            declared = values.get(EPOCH_ATTRIBUTE)
            epoch = tracker.observe(
                address,
                float(energy) if isinstance(energy, int | float) else None,
                float(hours) if isinstance(hours, int | float) else None,
                int(declared) if isinstance(declared, int) else None,
            )
            for name, (prop, unit) in units.items():
                if name not in values:
                    continue
                raw = values[name]
                if name == "actualLightState":
                    value = level_of(raw, source=source, field=name)
                elif isinstance(raw, int | float) and not isinstance(raw, bool):
                    value = float(raw)
                else:
                    raise DecodeError(
                        f"value {raw!r}", source=source, field=name, expected="a number"
                    )
                readings.append(
                    reading_measurement(
                        address,
                        prop,
                        unit,
                        value,
                        at,
                        provenance=provenance,
                        epoch=epoch if prop == ENERGY else None,
                    )
                )
    return readings
