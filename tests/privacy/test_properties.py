"""Property tests of the issue's "Done when": random records (the kit's strategies) under
random policies never leak a personal value; pseudonyms follow key versions; aggregates
never show a cell below k; generalised positions stay within the declared precision;
retention selects exactly what is due."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

import interop.testing.strategies as kit
from interop.errors import InteropError
from interop.model import (
    IRI,
    RECORD_TYPES,
    Command,
    CommandKind,
    DataClass,
    Device,
    DeviceKind,
    Measurement,
    Point,
    RecordBase,
    UtcDateTime,
    protected,
)
from interop.privacy import Action, Enforcer, KeyRing, Policy, is_pseudonym
from interop.privacy.fields import FieldSpec, Shape, fields_of, iter_fields
from interop.privacy.generalise import METRES_PER_DEGREE, snap_position, snap_time
from interop.privacy.paths import kinds, record_fields
from interop.privacy.policy import parse_policy

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEYS = KeyRing({1: b"first-secret-0123456789", 2: b"second-secret-0123456789"})
OCCUPANCY = "https://saref.etsi.org/core/Occupancy"
TEMPERATURE = "https://saref.etsi.org/core/Temperature"
ONE = "http://www.ontology-of-units-of-measure.org/resource/om-2/one"
T0 = datetime(2026, 3, 2, tzinfo=UTC)


class Visit(RecordBase):
    """A record type the model does not have, with personal values of every shape.

    The enforcer reads classes from field metadata, so it must cover this type unchanged.
    """

    kind: Literal["test_visit"] = protected(DataClass.PUBLIC, "test_visit")
    visitor: IRI | None = protected(DataClass.PERSONAL, None)
    home: Point | None = protected(DataClass.PERSONAL, None)
    seen_at: UtcDateTime = protected(DataClass.PERSONAL)
    note: str | None = protected(DataClass.PERSONAL, None, min_length=1)
    tags: frozenset[str] = protected(DataClass.PERSONAL, default_factory=frozenset)


visits = st.builds(
    Visit,
    id=kit.iris("visit"),
    visitor=st.none() | kit.iris("person"),
    home=st.none() | kit.points(),
    seen_at=kit.utc_datetimes(),
    note=st.none() | st.text(min_size=1, max_size=20),
    tags=st.frozensets(st.text(min_size=1, max_size=5), max_size=3),
)
records = st.one_of([st.from_type(cls) for cls in RECORD_TYPES]) | visits
with_personal_values = visits | st.builds(
    lambda command, who: command.model_copy(update={"issued_by": who}),
    kit.commands(),
    st.text(min_size=1, max_size=20),
)
"""Records holding at least one personal value (any record may, most hold none)."""

_ALL_FIELDS = sorted(
    (f"{kind}.{path}", spec.data_class)
    for kind in kinds()
    for path, spec in record_fields(kind).items()
)
_ACTIONS = st.sampled_from(list(Action))
_NOT_KEEP = st.sampled_from([a for a in Action if a is not Action.KEEP])


@st.composite
def overrides(draw: st.DrawFn) -> dict[str, str]:
    chosen = draw(st.lists(st.sampled_from(_ALL_FIELDS), max_size=4, unique=True))
    out = {}
    for path, data_class in chosen:
        action = draw(_NOT_KEEP if data_class is DataClass.PERSONAL else _ACTIONS)
        out[path] = action.value
    return out


@st.composite
def class_actions(draw: st.DrawFn) -> dict[str, str]:
    out = {c.value: draw(_ACTIONS).value for c in DataClass if c is not DataClass.PERSONAL}
    out["personal"] = draw(_NOT_KEEP).value
    return out


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    sinks = {
        name: {"actions": draw(class_actions()), "fields": draw(overrides())}
        for name in draw(st.lists(st.sampled_from(["a", "b"]), max_size=2, unique=True))
    }
    data: dict[str, Any] = {
        "actions": draw(class_actions()),
        "fields": draw(overrides()),
        "sinks": sinks,
        "generalise": {
            "position_m": draw(st.floats(1, 100_000)),
            "time": draw(st.sampled_from(["1m", "15m", "1h", "1d"])),
        },
    }
    return parse_policy(data, "random.toml")


def _value(model: Any, spec: FieldSpec) -> Any:
    value = model
    for part in spec.path:
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _personal_roots(cls: type[RecordBase]) -> list[FieldSpec]:
    """Personal fields not nested under another personal field."""
    found = []
    for spec in iter_fields(fields_of(cls)):
        parent_personal = any(
            other.data_class is DataClass.PERSONAL and other.path == spec.path[: len(other.path)]
            for other in found
        )
        if spec.data_class is DataClass.PERSONAL and not parent_personal:
            found.append(spec)
    return found


def _not_in_clear(before: Any, after: Any, spec: FieldSpec, policy: Policy) -> bool:
    if after is None or after == spec.default:
        return True
    if spec.shape is Shape.TEXT:
        return isinstance(after, str) and is_pseudonym(after) and after != before
    if spec.shape is Shape.POSITION:
        lat, lon = snap_position(before.lat, before.lon, policy.generalise.position_m)
        return (after.lat, after.lon, after.alt) == (lat, lon, None)
    if spec.shape is Shape.TIME:
        return bool(after == snap_time(before, policy.generalise.time))
    return False


@SETTINGS
@given(
    policy=policies(),
    others=st.lists(records, max_size=3),
    personal=st.lists(with_personal_values, min_size=1, max_size=3),
    keyed=st.booleans(),
)
def test_no_personal_value_reaches_a_store_or_sink_in_clear(
    policy: Policy, others: list[Any], personal: list[Any], keyed: bool
) -> None:
    batch = others + personal
    enforcer = Enforcer(policy, KEYS if keyed else KeyRing())
    for sink in ("store", "a", "b"):
        applied = enforcer.apply(sink, batch)
        refused = {r.index for r in applied.refused}
        assert all(r.error.field and sink in str(r.error) for r in applied.refused)
        kept = iter(applied.records)
        for index, before in enumerate(batch):
            if index in refused:
                continue
            after = next(kept)
            assert type(after) is type(before)
            assert type(after).model_validate(after.model_dump()) == after  # still valid
            for spec in _personal_roots(type(before)):
                old = _value(before, spec)
                if old is None or old == spec.default:
                    continue
                assert _not_in_clear(old, _value(after, spec), spec, policy), spec.dotted


@SETTINGS
@given(identifier=st.text(min_size=1), other=st.text(min_size=1))
def test_pseudonyms_follow_key_versions(identifier: str, other: str) -> None:
    v1 = KeyRing(KEYS._keys, current=1)  # the ring before rotation
    assert KEYS.pseudonym(identifier) == KEYS.pseudonym(identifier)
    assert v1.pseudonym(identifier) == KEYS.pseudonym(identifier, version=1)
    assert v1.pseudonym(identifier) != KEYS.pseudonym(identifier)
    assert KEYS.pseudonym(identifier).startswith("urn:interop:pseudonym:v2:")
    if identifier != other:
        assert KEYS.pseudonym(identifier) != KEYS.pseudonym(other)


@SETTINGS
@given(
    names=st.lists(st.sampled_from(["ada", "bob", "cy", "dee"]), min_size=1, max_size=6),
    current=st.sampled_from([1, 2]),
)
def test_same_operator_same_pseudonym_within_a_version(names: list[str], current: int) -> None:
    enforcer = Enforcer(Policy(), KeyRing(KEYS._keys, current=current))
    batch = [
        Command(
            id=f"urn:interop:command:t:{i}",
            action=CommandKind.OFF,
            target="urn:interop:device:t:lamp",
            issued_at=T0,
            issued_by=name,
        )
        for i, name in enumerate(names)
    ]
    out = enforcer.for_store(batch)
    by_name: dict[str, set[str | None]] = {}
    for before, after in zip(batch, out, strict=True):
        by_name.setdefault(str(before.issued_by), set()).add(after.issued_by)
    assert all(len(pseudonyms) == 1 for pseudonyms in by_name.values())
    assert len({p for ps in by_name.values() for p in ps}) == len(by_name)


detections = st.tuples(
    st.integers(0, 9),  # contributor
    st.sampled_from(["urn:interop:place:t:a", "urn:interop:place:t:b", None]),
    st.integers(0, 59),  # minute
    st.integers(0, 100),  # value
)


@SETTINGS
@given(
    rows=st.lists(detections, max_size=40),
    k=st.integers(1, 6),
    statistic=st.sampled_from(["count", "sum", "mean"]),
)
def test_no_aggregate_cell_below_k(
    rows: list[tuple[int, str | None, int, int]], k: int, statistic: str
) -> None:
    policy = parse_policy(
        {
            "aggregate": [
                {
                    "name": "t",
                    "properties": ["occupancy"],
                    "statistic": statistic,
                    "window": "15m",
                    "contributor": "extensions.x.who",
                    "k": k,
                }
            ]
        },
        "t.toml",
    )
    enforcer = Enforcer(policy, KeyRing())
    batch = [
        Measurement(
            id=f"urn:interop:measurement:t:{i}",
            property=OCCUPANCY,
            value=value,
            unit=ONE,
            timestamp=T0 + timedelta(minutes=minute),
            feature_of_interest=zone,
            extensions={"x": {"who": f"device-{who}"}},
        )
        for i, (who, zone, minute, value) in enumerate(rows)
    ]
    assert enforcer.for_store(batch) == []
    expected: dict[tuple[str | None, datetime], list[tuple[int, int]]] = {}
    for who, zone, minute, value in rows:
        expected.setdefault((zone, T0 + timedelta(minutes=minute // 15 * 15)), []).append(
            (who, value)
        )
    # the first flush closes windows event time has passed, the second the idle rest
    out = enforcer.flush(T0 + timedelta(hours=2)) + enforcer.flush(T0 + timedelta(hours=2))
    emitted = {(m.feature_of_interest, m.timestamp): m for m in out}
    for key, members in expected.items():
        contributors = len({who for who, _ in members})
        if contributors < k:
            assert key not in emitted
            continue
        record = emitted.pop(key)
        assert record.extensions["aggregate"]["contributors"] == contributors >= k
        values = [v for _, v in members]
        want = {"count": contributors, "sum": sum(values), "mean": sum(values) / len(values)}
        assert math.isclose(record.value, want[statistic])
    assert emitted == {}


@SETTINGS
@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    cell_m=st.floats(1, 100_000),
)
def test_generalised_positions_lie_within_the_declared_precision(
    lat: float, lon: float, cell_m: float
) -> None:
    enforcer = Enforcer(
        parse_policy(
            {"fields": {"location": "generalise"}, "generalise": {"position_m": cell_m}}, "t"
        ),
        KeyRing(),
    )
    device = Device(
        id="urn:interop:device:t:1", device_kind=DeviceKind.SENSOR, location=Point(lat=lat, lon=lon)
    )
    (out,) = enforcer.for_store([device])
    assert out.location is not None
    half = cell_m / 2 * (1 + 1e-9) + 1e-6
    centre = out.location
    assert abs(centre.lat - lat) * METRES_PER_DEGREE <= half
    metres_per_lon = METRES_PER_DEGREE * math.cos(math.radians(centre.lat))
    if metres_per_lon * 360 > cell_m:  # a cell narrower than the whole parallel
        assert abs(centre.lon - lon) * metres_per_lon <= half
    again = enforcer.for_store([out])[0]
    assert again.location == centre  # generalising twice changes nothing


rules = st.fixed_dictionaries(
    {},
    optional={
        "class": st.sampled_from([c.value for c in DataClass]),
        "property": st.sampled_from(["occupancy", TEMPERATURE]),
        "kind": st.sampled_from(["measurement", "command"]),
    },
).flatmap(lambda d: st.integers(1, 100).map(lambda days: {**d, "keep": f"{days}d"}))
stored = st.one_of(
    st.tuples(st.just("measurement"), st.sampled_from([OCCUPANCY, TEMPERATURE])),
    st.tuples(st.just("command"), st.none() | st.just("ada")),
)


def _oracle(rule: dict[str, Any], kind: str, detail: str | None) -> bool:
    if "kind" in rule and rule["kind"] != kind:
        return False
    if "property" in rule:
        wanted = OCCUPANCY if rule["property"] == "occupancy" else rule["property"]
        if kind != "measurement" or detail != wanted:
            return False
    if "class" in rule:
        classes = {"public", "technical"}
        if kind == "measurement" and detail == OCCUPANCY:
            classes.add("pseudonymous")
        if kind == "command" and detail is not None:
            classes.add("personal")
        return rule["class"] in classes
    return True


@SETTINGS
@given(
    retention=st.lists(rules, max_size=4),
    item=stored,
    age_days=st.integers(0, 120),
)
def test_retention_selects_exactly_what_is_due(
    retention: list[dict[str, Any]], item: tuple[str, str | None], age_days: int
) -> None:
    enforcer = Enforcer(parse_policy({"retention": retention}, "t"), KEYS)
    kind, detail = item
    record: Any
    if kind == "measurement":
        assert detail is not None
        record = Measurement(id="urn:interop:m:1", property=detail, value=1, unit=ONE, timestamp=T0)
    else:
        record = Command(
            id="urn:interop:c:1",
            action=CommandKind.ON,
            target="urn:interop:d:1",
            issued_at=T0,
            issued_by=detail,
        )
    keeps = [int(r["keep"][:-1]) for r in retention if _oracle(r, kind, detail)]
    now = T0 + timedelta(days=age_days)
    assert enforcer.is_due(record, T0, now) == (bool(keeps) and age_days >= min(keeps))


_TOML_SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=8)
_KEYS = st.sampled_from(
    ["version", "actions", "fields", "sinks", "aggregate", "retention", "dead_letter",
     "generalise", "jurisdictions", "processing", "personal", "keep", "window", "k", "class",
     "mode", "position_m", "time", "command.issued_by", "x"]
)  # fmt: skip
documents = st.recursive(
    _TOML_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


@SETTINGS
@given(document=st.dictionaries(_KEYS, documents, max_size=5))
def test_any_policy_document_loads_or_fails_with_an_interop_error(
    document: dict[str, Any],
) -> None:
    outcome: Policy | InteropError
    try:
        outcome = parse_policy(document, "fuzz.toml")
    except InteropError as error:
        outcome = error
    if isinstance(outcome, InteropError):
        assert outcome.source == "fuzz.toml"
    else:
        assert outcome.actions[DataClass.PERSONAL] is not Action.KEEP


@SETTINGS
@given(
    payload=st.recursive(
        _TOML_SCALARS,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(["devEUI", "user", "n", "data"]), inner, max_size=3)
        ),
        max_leaves=10,
    ),
    keyed=st.booleans(),
)
def test_redacted_dead_letters_keep_no_named_identifier_in_clear(payload: Any, keyed: bool) -> None:
    policy = parse_policy({"dead_letter": {"mode": "redact", "fields": ["devEUI", "user"]}}, "t")
    enforcer = Enforcer(policy, KEYS if keyed else KeyRing())
    kept = enforcer.for_dead_letter(json.dumps(payload).encode(), "fuzz")
    assert kept is not None

    def check(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("devEUI", "user"):
                    assert isinstance(item, str)
                    assert is_pseudonym(item)
                else:
                    check(item)
        elif isinstance(value, list):
            for item in value:
                check(item)

    check(json.loads(kept))
