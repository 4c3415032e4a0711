"""The canonical lighting model: light points, TALQ alarms, dimming schedules, energy epochs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any

import pydantic
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from interop.model import Device, DeviceKind, Measurement, Point, RecordAdapter
from interop.model.lighting import (
    AlarmState,
    AlarmType,
    DimmingSchedule,
    LampType,
    LightingAlarm,
    LightPoint,
    SolarEvent,
    energy_delta,
)
from interop.rdf import from_graph, from_jsonld, to_graph, to_jsonld, to_turtle, validate
from interop.rdf.literals import RDF_JSON
from interop.rdf.namespaces import INTEROP, S4ENVI

_ENERGY = "https://saref.etsi.org/core/Energy"
_OM = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
_T0 = datetime(2026, 1, 10, 18, 0, tzinfo=UTC)

_NIGHT = {
    "key": "night",
    "steps": [
        {"solar_event": "sunset", "offset": -15, "level": 100},
        {"at": "23:00:00", "level": 50},
        {"at": "05:30:00", "level": 80},
        {"solar_event": "sunrise", "offset": 20, "level": 0},
    ],
}


def _schedule(**kwargs: Any) -> DimmingSchedule:
    fields: dict[str, Any] = {
        "id": "urn:interop:dimming-schedule:test:1",
        "name": "Residential streets",
        "timezone": "Europe/Paris",
        "programs": [_NIGHT, {"key": "full", "steps": [{"solar_event": "sunset", "level": 100}]}],
        "rules": [
            {"priority": 10, "program": "full", "dates": ["2026-12-24", "2026-12-31"]},
            {"priority": 5, "program": "night", "weekdays": [1, 2, 3, 4, 5]},
        ],
        "default_program": "full",
    }
    return DimmingSchedule.model_validate(fields | kwargs)


def _energy(value: float, *, epoch: int | None = None, hours: int = 0, **kw: Any) -> Measurement:
    extensions = {} if epoch is None else {"lighting": {"counter_epoch": epoch}}
    fields: dict[str, Any] = {
        "id": f"urn:interop:measurement:test:{hours}",
        "property": _ENERGY,
        "value": value,
        "unit": _OM + "kilowattHour",
        "timestamp": _T0.replace(hour=18 + hours),
        "device": "urn:interop:device:test:node-1",
        "extensions": extensions,
    }
    return Measurement.model_validate(fields | kw)


# ---------------------------------------------------------------- schedules


def test_schedule_reads_talq_style_programs() -> None:
    schedule = _schedule()
    night = schedule.programs[0]
    assert [step.solar_event for step in night.steps] == [
        SolarEvent.SUNSET, None, None, SolarEvent.SUNRISE
    ]  # fmt: skip
    assert night.steps[0].offset == -15
    assert night.steps[1].at == time(23, 0)
    assert night.steps[1].level == 50.0
    assert schedule.rules[1].weekdays == frozenset({1, 2, 3, 4, 5})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"timezone": "Europe/Atlantis"}, "not an IANA time zone"),
        ({"timezone": "../etc/passwd"}, "not an IANA time zone"),
        ({"programs": [{"key": "p", "steps": [{"at": "20:00", "level": 101}]}]}, "less than"),
        ({"programs": [{"key": "p", "steps": [{"at": "20:00", "level": -1}]}]}, "greater than"),
        ({"programs": [{"key": "p", "steps": []}]}, "at least 1"),
        (
            {"programs": [{"key": "p", "steps": [
                {"at": "20:00", "solar_event": "sunset", "level": 5}]}]},
            "not both",
        ),
        ({"programs": [{"key": "p", "steps": [{"level": 5}]}]}, "not both"),
        ({"programs": [{"key": "p", "steps": [{"at": "20:00", "offset": 5, "level": 5}]}]},
         "no offset"),
        (  # 01:00 then 23:00 goes back in time within one noon-to-noon night
            {"programs": [{"key": "p", "steps": [
                {"at": "01:00", "level": 50}, {"at": "23:00", "level": 20}]}]},
            "fixed-time steps are not in night order",
        ),
        (
            {"programs": [{"key": "p", "steps": [
                {"solar_event": "sunrise", "level": 0}, {"solar_event": "sunset", "level": 90}]}]},
            "solar steps are not in night order",
        ),
        ({"programs": [_NIGHT, _NIGHT]}, "unique"),
        ({"default_program": "nope"}, "unknown programs ['nope']"),
        ({"rules": [{"priority": 1, "program": "ghost"}]}, "unknown programs ['ghost']"),
        (
            {"rules": [{"priority": 1, "program": "night"}, {"priority": 2, "program": "full"}]},
            "strictly decreasing priority",
        ),
        ({"rules": [{"priority": 1, "program": "night", "weekdays": [0]}]}, "greater than"),
        (
            {"rules": [{"priority": 1, "program": "night", "start_date": "2026-05-01",
                        "end_date": "2026-04-01"}]},
            "end_date is before start_date",
        ),
    ],
)  # fmt: skip
def test_schedule_validators(change: dict[str, Any], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message.replace("[", r"\[")):
        _schedule(**change)


def test_night_order_crosses_midnight() -> None:
    program = {"key": "p", "steps": [{"at": "22:00", "level": 60}, {"at": "00:30", "level": 30}]}
    assert len(_schedule(programs=[program], rules=[], default_program=None).programs) == 1


def test_schedule_rdf_round_trip_keeps_sunset_offsets() -> None:
    schedule = _schedule()
    graph = to_graph([schedule])
    assert validate(graph).conforms
    subject = URIRef(schedule.id)
    assert (subject, RDF.type, INTEROP.DimmingSchedule) in graph
    programs = graph.value(subject, INTEROP.dimmingPrograms)
    assert str(programs.datatype) == RDF_JSON
    steps = json.loads(str(programs))[0]["steps"]
    assert steps[0] == {"level": 100.0, "offset": -15, "solar_event": "sunset"}
    assert steps[1] == {"at": "23:00:00", "level": 50.0, "offset": 0}
    assert from_graph(graph) == [schedule]
    assert from_graph(Graph().parse(data=to_turtle([schedule]), format="turtle")) == [schedule]
    assert from_jsonld(to_jsonld([schedule])) == [schedule]
    assert RecordAdapter.validate_json(schedule.model_dump_json()) == schedule


# ---------------------------------------------------------------- light points and alarms


def test_light_point_and_its_device_stay_separate_records_in_rdf() -> None:
    device = Device(id="urn:interop:device:test:node-1", device_kind=DeviceKind.LIGHTING_DEVICE)
    light = LightPoint(
        id="urn:interop:light:test:1",
        device=device.id,
        lamp_type=LampType.LED,
        nominal_power=39,
        location=Point(lat=52.37, lon=4.89),
        lamppost="urn:interop:lamppost:test:p1",
        dali_address=3,
        controllable=True,
    )
    assert light.nominal_power == 39.0
    graph = to_graph([device, light])
    assert validate(graph).conforms
    types = set(graph.objects(URIRef(light.id), RDF.type))
    assert {INTEROP.StreetLight, S4ENVI.LightPoint} <= types
    assert from_graph(graph) == [device, light]


@pytest.mark.parametrize(
    "change", [{"dali_address": 64}, {"nominal_power": -1.0}, {"lamp_type": "candle"}]
)
def test_light_point_rejects_bad_values(change: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        LightPoint.model_validate({"id": "urn:x:l"} | change)


def test_alarm_uses_talq_event_names_and_round_trips() -> None:
    alarm = LightingAlarm(
        id="urn:interop:lighting-alarm:test:1",
        light="urn:interop:light:test:1",
        alarm_type=AlarmType("lamp_unexpected_on"),
        state=AlarmState.RAISED,
        timestamp=_T0,
        detail="day burner",
    )
    assert AlarmType.LAMP_FAILURE.__doc__ is not None
    graph = to_graph([alarm])
    assert validate(graph).conforms
    assert from_graph(graph) == [alarm]


# ---------------------------------------------------------------- energy counter epochs


def test_energy_delta_within_one_epoch() -> None:
    assert energy_delta(_energy(100.0), _energy(105.5, hours=1)) == pytest.approx(5.5)
    in_wh = _energy(107_000, hours=2, unit=_OM + "wattHour")
    assert energy_delta(_energy(100.0), in_wh) == pytest.approx(7.0)


def test_energy_delta_never_negative_across_a_meter_replacement() -> None:
    old = _energy(12_345.0, epoch=0)
    new = _energy(2.5, epoch=1, hours=1)
    assert energy_delta(old, new) == pytest.approx(2.5)
    assert energy_delta(_energy(12_345.0), new) == pytest.approx(2.5)  # no epoch = epoch 0
    assert energy_delta(old, _energy(0.0, epoch=4, hours=1)) == 0.0


def test_energy_delta_undeclared_reset_gives_zero_not_negative() -> None:
    assert energy_delta(_energy(500.0, epoch=2), _energy(3.0, epoch=2, hours=1)) == 0.0


@pytest.mark.parametrize(
    ("previous", "current", "message"),
    [
        (_energy(1.0, epoch=2), _energy(2.0, epoch=1, hours=1), "epoch went backwards"),
        (_energy(1.0, hours=2), _energy(2.0, hours=1), "older"),
        (_energy(1.0), _energy(2.0, hours=1, device="urn:x:other"), "different devices"),
        (_energy(1.0), _energy(2.0, hours=1, property=_OM + "x"), "not a saref:Energy"),
        (_energy(1.0, epoch=-1), _energy(2.0, hours=1), "counter_epoch"),
    ],
)
def test_energy_delta_refuses_inconsistent_readings(
    previous: Measurement, current: Measurement, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        energy_delta(previous, current)
