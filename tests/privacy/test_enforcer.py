"""The enforcer on concrete records: refusals, pseudonyms, sinks, aggregates, dead letters."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from interop.errors import PolicyViolation, ValidationError
from interop.model import Command, CommandKind, Device, DeviceKind, Measurement, Point, Provenance
from interop.privacy import Enforcer, KeyRing, Policy, default_policy, is_pseudonym, load_policy
from interop.privacy.policy import parse_policy

SAMPLES = Path(__file__).resolve().parents[2] / "interop" / "privacy" / "samples"
KEYS = KeyRing({1: b"a-first-secret-of-some-length", 2: b"the-second-secret-after-rotation"})
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OCCUPANCY = "https://saref.etsi.org/core/Occupancy"
ONE = "http://www.ontology-of-units-of-measure.org/resource/om-2/one"


def command(issued_by: str | None = "alice@example.org") -> Command:
    return Command(
        id="urn:interop:command:test:1",
        action=CommandKind.ON,
        target="urn:interop:device:test:lamp-1",
        issued_at=T0,
        issued_by=issued_by,
    )


def policy(**data: Any) -> Policy:
    return parse_policy(data, "test.toml")


def test_no_key_refuses_a_personal_value_naming_field_and_sink() -> None:
    enforcer = Enforcer(default_policy(), KeyRing())
    device = Device(id="urn:interop:device:test:d", device_kind=DeviceKind.SENSOR)
    with pytest.raises(PolicyViolation) as caught:
        enforcer.for_store([device, command()])  # all or nothing: the device is not kept
    assert caught.value.field == "issued_by"
    assert "store" in str(caught.value)
    assert "alice" not in str(caught.value)
    assert enforcer.drain_audit() == {("refuse", "command.issued_by", "store"): 1}
    assert enforcer.for_store([command(None)]) == [command(None)]  # nothing personal in it
    # a sink leaves the record out instead, and says why
    assert enforcer.for_sink("broker", [command()]) == []
    (refused,) = enforcer.drain_refused()
    assert (refused.index, refused.sink, refused.error.field) == (0, "broker", "issued_by")


def test_a_key_pseudonymises_personal_values_as_iris() -> None:
    enforcer = Enforcer(default_policy(), KEYS)
    (stored,) = enforcer.for_store([command()])
    assert stored.issued_by is not None
    assert is_pseudonym(stored.issued_by)
    assert stored.issued_by.startswith("urn:interop:pseudonym:v2:")
    assert stored.model_copy(update={"issued_by": None}) == command(None)
    # idempotent downstream: a sink gets the same pseudonym, not a pseudonym of it
    assert enforcer.for_sink("broker", [stored]) == [stored]
    assert enforcer.drain_audit() == {
        ("pseudonymise", "command.issued_by", "store"): 1,
        ("pseudonymise", "command.issued_by", "broker"): 1,
    }
    assert enforcer.drain_audit() == {}


def test_records_the_policy_leaves_alone_are_passed_as_they_are() -> None:
    enforcer = Enforcer(default_policy(), KEYS)
    device = Device(id="urn:interop:device:test:d", device_kind=DeviceKind.SENSOR)
    assert enforcer.for_store([device])[0] is device


def test_a_sink_gets_less_than_the_store() -> None:
    enforcer = Enforcer(load_policy(SAMPLES / "city.toml"), KEYS)
    device = Device(
        id="urn:interop:device:test:d",
        device_kind=DeviceKind.SENSOR,
        location=Point(lat=48.8566, lon=2.3522, alt=35.0),
        provenance=Provenance(plugin="p", plugin_version="1", original_id="vendor-42"),
    )
    (stored,) = enforcer.for_store([device, command()])[:1]
    assert stored.location == device.location
    assert stored.provenance is not None
    assert stored.provenance.original_id is None
    (sent,) = enforcer.for_sink("opendata", [stored])
    assert sent.location is not None
    assert sent.location != device.location
    assert sent.location.alt is None
    (cmd,) = enforcer.for_sink("opendata", enforcer.for_store([command()]))
    assert cmd.issued_by is None


def test_suppressing_a_required_field_refuses_the_record() -> None:
    enforcer = Enforcer(policy(sinks={"x": {"fields": {"command.target": "suppress"}}}), KEYS)
    assert enforcer.for_sink("x", [command(None)]) == []
    (refused,) = enforcer.drain_refused()
    assert (refused.sink, refused.error.field) == ("x", "target")


def test_extension_members_are_suppressed_or_pseudonymised() -> None:
    enforcer = Enforcer(
        policy(fields={"extensions.ttn.rssi": "suppress", "extensions.ttn.gw": "pseudonymise"}),
        KEYS,
    )
    record = command(None).model_copy(
        update={"extensions": {"ttn": {"rssi": -80, "gw": "eui-1", "sf": 7}}}
    )
    (out,) = enforcer.for_store([record])
    assert out.extensions["ttn"]["sf"] == 7
    assert "rssi" not in out.extensions["ttn"]
    assert is_pseudonym(str(out.extensions["ttn"]["gw"]))


def detection(mac: str, zone: str, at: datetime) -> Measurement:
    return Measurement(
        id=f"urn:interop:measurement:wifi:{mac}-{at.timestamp():.0f}",
        property=OCCUPANCY,
        value=1,
        unit=ONE,
        timestamp=at,
        device="urn:interop:device:wifi:sensor-1",
        feature_of_interest=zone,
        extensions={"wifi": {"mac": mac}},
    )


def test_footfall_counts_devices_per_zone_and_suppresses_small_cells() -> None:
    enforcer = Enforcer(load_policy(SAMPLES / "footfall.toml"), KeyRing())
    zone_a, zone_b = "urn:interop:place:city:zone-a", "urn:interop:place:city:zone-b"
    batch = [
        detection(f"aa:00:00:00:00:{i:02x}", zone_a, T0 + timedelta(minutes=i)) for i in range(6)
    ]
    batch += [detection("aa:00:00:00:00:00", zone_a, T0 + timedelta(minutes=7))]  # seen again
    batch += [detection(f"bb:00:00:00:00:{i:02x}", zone_b, T0) for i in range(3)]
    assert enforcer.for_store(batch) == []  # consumed, nothing stored one by one
    assert enforcer.flush(T0 + timedelta(minutes=14)) == []  # window still open
    (count,) = enforcer.flush(T0 + timedelta(minutes=15))
    assert (count.value, count.feature_of_interest, count.timestamp) == (6, zone_a, T0)
    assert count.provenance is not None
    assert count.provenance.policy_version == "footfall-1"
    assert "aa:00" not in count.model_dump_json()
    assert enforcer.for_store([count]) == [count]  # an aggregate is never aggregated again
    late = detection("cc:00:00:00:00:01", zone_a, T0 + timedelta(minutes=3))
    assert enforcer.for_store([late]) == []
    assert enforcer.flush(T0 + timedelta(hours=1)) == []
    audit = enforcer.drain_audit()
    assert audit[("aggregate", "measurement", "aggregate:footfall")] == 10
    assert audit[("suppress-cell", OCCUPANCY, "aggregate:footfall")] == 1
    assert audit[("late", "measurement", "aggregate:footfall")] == 1
    # the aggregate itself passes every sink: an aggregate above k is not pseudonymous data
    assert enforcer.for_sink("opendata", [count]) == [count]


def test_historical_footfall_sensor_after_sensor_is_counted_whole() -> None:
    """A day's files, one zone after the other, each flushed between: nothing is late."""
    enforcer = Enforcer(load_policy(SAMPLES / "footfall.toml"), KeyRing())
    zones = ["urn:interop:place:city:zone-a", "urn:interop:place:city:zone-b"]
    now = T0 + timedelta(days=1)
    emitted = []
    for zone in zones:
        batch = [
            detection(
                f"aa:00:00:00:{minute:02x}:{device:02x}", zone, T0 + timedelta(minutes=minute)
            )
            for minute in range(0, 60, 5)
            for device in range(5)
        ]
        assert enforcer.for_store(batch) == []
        emitted += enforcer.flush(now)
    emitted += enforcer.flush(now)
    assert enforcer.open_windows() == 0
    counts = sorted((m.feature_of_interest, m.timestamp, m.value) for m in emitted)
    expected = [(z, T0 + timedelta(minutes=15 * q), 15) for z in zones for q in range(4)]
    assert counts == expected
    assert not any(key[0] == "late" for key in enforcer.drain_audit())


def test_jurisdictions() -> None:
    enforcer = Enforcer(load_policy(SAMPLES / "city.toml"), KEYS)
    enforcer.check_sinks({"broker": "EU", "store-replica": "NO", "opendata": "US"})
    with pytest.raises(PolicyViolation, match="'analytics'") as caught:
        enforcer.check_sinks({"broker": "FR", "analytics": "US"})
    assert caught.value.source == "sink 'analytics'"
    with pytest.raises(PolicyViolation, match="no declared jurisdiction"):
        enforcer.check_sinks({"broker": None})
    only_fr = Enforcer(policy(jurisdictions=["FR"]), KEYS)
    with pytest.raises(PolicyViolation, match="'eu-wide'"):
        only_fr.check_sinks({"eu-wide": "EU"})  # a group is allowed only as a whole


def test_footfall_sinks_may_be_anywhere_once_only_aggregates_leave() -> None:
    enforcer = Enforcer(load_policy(SAMPLES / "footfall.toml"), KeyRing())
    enforcer.check_sinks({"opendata": "US"})


def test_dead_letters() -> None:
    raw = json.dumps({"devEUI": "70b3d57ed0000001", "data": {"user": "bob", "n": 1}}).encode()
    city = Enforcer(load_policy(SAMPLES / "city.toml"), KEYS)
    redacted = city.for_dead_letter(raw, "ttn")
    assert redacted is not None
    assert b"70b3d57ed0000001" not in redacted
    assert b"bob" not in redacted
    document = json.loads(redacted)
    assert is_pseudonym(document["devEUI"])
    assert document["data"]["n"] == 1
    assert city.for_dead_letter(b"\x00\x01 binary", "ttn") is None
    no_key = Enforcer(load_policy(SAMPLES / "city.toml"), KeyRing())
    assert json.loads(no_key.for_dead_letter(raw, "ttn") or b"") == {"data": {"n": 1}}
    footfall = Enforcer(load_policy(SAMPLES / "footfall.toml"), KeyRing())
    assert footfall.for_dead_letter(raw, "wifi") is None
    assert footfall.policy.dead_letter_retention == timedelta(days=1)
    assert Enforcer(default_policy()).for_dead_letter(raw, "x") == raw
    assert city.drain_audit()[("dead-letter-redact", "ttn", "dead_letter")] == 1


def test_retention_from_the_city_sample() -> None:
    enforcer = Enforcer(load_policy(SAMPLES / "city.toml"), KEYS)
    occupancy = detection("aa", "urn:interop:place:city:a", T0)
    assert enforcer.keep_for(occupancy) == timedelta(days=30)
    assert enforcer.keep_for(command()) == timedelta(days=90)
    assert enforcer.keep_for(command(None)) is None
    assert enforcer.expires_at(command(), T0) == T0 + timedelta(days=90)
    assert not enforcer.is_due(command(), T0, T0 + timedelta(days=89))
    assert enforcer.is_due(command(), T0, T0 + timedelta(days=90))


def test_aggregate_rules_are_checked_against_the_model_and_the_properties() -> None:
    with pytest.raises(ValidationError) as caught:
        Enforcer(policy(aggregate=[{"name": "x", "window": "1h", "properties": ["ocupancy"]}]))
    assert (caught.value.source, caught.value.field) == ("test.toml", "aggregate.0.properties")
    with pytest.raises(ValidationError, match="no property, value and unit"):
        Enforcer(policy(aggregate=[{"name": "x", "window": "1h", "kinds": ["command"]}]))


def test_planning_for_the_store_consumes_nothing_until_admitted() -> None:
    enforcer = Enforcer(load_policy(SAMPLES / "footfall.toml"), KeyRing())
    zone = "urn:interop:place:city:zone-a"
    batch = [detection(f"aa:00:00:00:00:{i:02x}", zone, T0) for i in range(6)]
    kept, entries = enforcer.plan_store(batch)
    assert (kept, len(entries), enforcer.open_windows()) == ([], 6, 0)
    enforcer.plan_store(batch)  # planned again (a redelivery): still nothing counted
    enforcer.admit(entries)
    assert enforcer.flush(T0 + timedelta(minutes=14)) == []  # window still open
    (count,) = enforcer.flush(T0 + timedelta(minutes=15))
    assert count.value == 6
