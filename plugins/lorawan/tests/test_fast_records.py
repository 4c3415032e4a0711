"""The per-uplink record builders (provenance factory, measurement batch) equal validation."""

from __future__ import annotations

import base64
import struct
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_lorawan.records import MeasurementBatch, ProvenanceFactory
from interop_lorawan.uplink import LorawanUplinkCodec
from pydantic import BaseModel, ValidationError

from interop.adapters import DecodeContext
from interop.errors import DecodeError
from interop.model.base import Provenance
from interop.model.device import Device
from interop.model.observation import Measurement

SAREF_T = "https://saref.etsi.org/core/Temperature"
CELSIUS = "http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius"
DEVICE = "urn:interop:device:lorawan:70b3d57ed0001a99"
ORIGIN = Provenance(plugin="lorawan", plugin_version="1", source_system="ttn-v3:a")

texts = st.sampled_from(["", "lorawan", "ttn-v3:city", "a b", "é"]) | st.text(max_size=4)
instants = st.none() | st.sampled_from([
    datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC), datetime(2024, 5, 1),
    datetime(2024, 5, 1, tzinfo=timezone(timedelta(hours=2))),
    datetime(2024, 5, 1, tzinfo=timezone(timedelta(0))),
])  # fmt: skip


def _outcome(build: Any) -> Any:
    try:
        return build()
    except ValidationError as exc:
        return ("refused", str(exc))


def _same(fast: BaseModel, full: BaseModel) -> None:
    """Equal records, built as validation builds them (field order, fields set)."""
    assert fast == full
    assert list(fast.__dict__) == list(full.__dict__)
    assert fast.model_fields_set == full.model_fields_set
    assert type(fast).model_validate(fast.model_dump()) == fast


def _validated(record: BaseModel) -> BaseModel:
    """``record`` validated again from the fields it was given."""
    return type(record).model_validate(record.model_dump(exclude_unset=True))


raw_ids = st.none() | st.sampled_from(
    ["urn:interop:message:lorawan%3Atts:k1", "not an iri", "urn:x:<y>"]
)
"""The pipeline's stamp: a message IRI (or something the model refuses), a policy version."""
policy_versions = st.none() | st.sampled_from(["default", "city-2026-12", ""]) | st.integers()


@settings(max_examples=160, deadline=None)
@given(
    plugin=texts, version=texts, system=texts,
    original=texts | st.integers() | st.none(), received_at=instants,
    raw_id=raw_ids, policy=policy_versions,
)  # fmt: skip
def test_provenance_factory_equals_validation(
    plugin: str, version: str, system: str, original: Any, received_at: datetime | None,
    raw_id: str | None, policy: Any,
) -> None:  # fmt: skip
    stamp = {
        name: value
        for name, value in (("raw_message_id", raw_id), ("policy_version", policy))
        if value is not None
    }
    fast = _outcome(
        lambda: ProvenanceFactory(plugin, version, system)(original, received_at, raw_id, policy)
    )
    full = _outcome(
        lambda: Provenance(
            plugin=plugin, plugin_version=version, source_system=system,
            original_id=original, received_at=received_at, **stamp,
        )
    )  # fmt: skip
    if isinstance(full, tuple):
        assert isinstance(fast, tuple)  # refused by the model's own check, same message
        assert fast[1].split("\n")[1:] == full[1].split("\n")[1:]
    else:
        _same(fast, full)


values = (
    st.integers() | st.floats() | st.booleans() | st.just("21.5") | st.decimals(allow_nan=False)
)
iris = st.sampled_from([SAREF_T, CELSIUS, "not an iri", "urn:x:<y>", "urn:x:has space"])


@settings(max_examples=150, deadline=None)
@given(
    value=values, prop=iris, unit=iris,
    timestamp=instants.filter(lambda t: t is not None), device=iris | st.just(DEVICE),
)  # fmt: skip
def test_measurement_batch_equals_validation_or_declines(
    value: Any, prop: str, unit: str, timestamp: datetime, device: str
) -> None:
    extensions = {"lorawan": {"field": "t", "uplink": {"f_cnt": 1}}}
    iri = "urn:interop:measurement:lorawan:x%2F1"
    fast = MeasurementBatch(timestamp, device, ORIGIN).build(iri, prop, value, unit, extensions)
    full = _outcome(
        lambda: Measurement(
            id=iri, property=prop, value=value, unit=unit, timestamp=timestamp,
            device=device, provenance=ORIGIN, extensions=extensions,
        )
    )  # fmt: skip
    if fast is not None:  # builds only what validation accepts, as validation builds it
        _same(fast, full)


def _lpp(temperature: int, humidity: int, pressure: int) -> bytes:
    return struct.pack(">BBhBBBBBH", 1, 0x67, temperature, 2, 0x68, humidity, 3, 0x73, pressure)


@settings(max_examples=80, deadline=None)
@given(
    device_id=st.text(min_size=1, max_size=10),
    dev_eui=st.none() | st.sampled_from(["70B3D57ED0001A01", "70b3d57ed0001a02"]),
    f_cnt=st.none() | st.integers(0, 2**32 - 1),
    at=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    zone=st.sampled_from(["Z", "+02:00", ".5Z", ".123456789Z"]),
    context_time=st.none() | st.datetimes(timezones=st.just(UTC)),
    correlation=st.none() | st.lists(st.text(max_size=6), max_size=2),
    readings=st.tuples(
        st.integers(-400, 1500), st.integers(0, 200), st.integers(8000, 11000)
    ),
    rssi=st.integers(-140, 0) | st.floats(-140, 0),
)  # fmt: skip
def test_uplink_records_equal_validated_records(
    device_id: str, dev_eui: str | None, f_cnt: int | None, at: datetime, zone: str,
    context_time: datetime | None, correlation: list[str] | None,
    readings: tuple[int, int, int], rssi: float,
) -> None:  # fmt: skip
    """Every record the uplink codec builds (fast paths included) is what validation gives."""
    ids: dict[str, Any] = {"device_id": device_id, "application_ids": {"application_id": "a"}}
    if dev_eui is not None:
        ids["dev_eui"] = dev_eui
    up: dict[str, Any] = {
        "f_port": 1, "frm_payload": base64.b64encode(_lpp(*readings)).decode(),
        "rx_metadata": [{"gateway_ids": {"gateway_id": "gw"}, "rssi": rssi, "snr": 1}],
        "received_at": at.isoformat() + zone,
    }  # fmt: skip
    if f_cnt is not None:
        up["f_cnt"] = f_cnt
    doc: dict[str, Any] = {"end_device_ids": ids, "uplink_message": up}
    if correlation is not None:
        doc["correlation_ids"] = correlation
    raw_id = None if context_time is None else f"urn:interop:message:t:{f_cnt}"
    ctx = DecodeContext(
        source="t", received_at=context_time, hints={"codec": "cayenne-lpp"},
        raw_message_id=raw_id, policy_version=raw_id and "city-1",
    )  # fmt: skip
    try:
        records = LorawanUplinkCodec().decode(orjson.dumps(doc), ctx)
    except DecodeError:
        return  # a time the model cannot hold (year 1 in another zone): refused
    assert isinstance(records[0], Device)
    for record in records:
        _same(record, _validated(record))
        if context_time is not None:  # a pipeline's message: its stamp is on every record
            assert record.provenance is not None
            assert record.provenance.raw_message_id == raw_id
            assert record.provenance.policy_version == "city-1"
    for record in records[1:]:
        assert isinstance(record, Measurement)
        assert record.provenance is not None
        assert record.provenance.received_at == context_time
        _same(record.provenance, _validated(record.provenance))


@settings(max_examples=60, deadline=None)
@given(
    temperature=st.integers(-400, 2500) | st.floats(-100, 300),
    humidity=st.integers(-5, 120) | st.none(),
    battery=st.integers(0, 70000) | st.floats(0, 100),
)
def test_a_remembered_mapping_report_equals_a_fresh_one(
    temperature: float, humidity: int | None, battery: float
) -> None:
    from interop_lorawan.mapping import SemanticMapper

    decoded = {"temperature": temperature, "humidity": humidity, "battery": battery}
    mapper = SemanticMapper()
    mapper.map(decoded)
    again = mapper.map(decoded)  # a report shared by every object all of whose fields placed
    fresh = SemanticMapper().map(decoded)
    assert again == fresh
    assert again.report.counts == fresh.report.counts
    assert dict(again.report.warnings) == dict(fresh.report.warnings)


class _MappedInFull(LorawanUplinkCodec):
    """The uplink codec that always takes the mapping's full result (the checked path)."""

    _flat_path = False


_FLAT, _FULL = LorawanUplinkCodec(), _MappedInFull()
_FIELDS = ["temperature", "humidity", "battery", "pressure", "co2", "distance", "rssi", "x"]


@settings(max_examples=100, deadline=None)
@given(
    decoded=st.dictionaries(
        st.sampled_from(_FIELDS),
        st.integers(-100, 70000)
        | st.floats(-50, 5000)
        | st.sampled_from([0, 1, 21, 21.0, 3300])
        | st.none()
        | st.just("NoSensor"),
        max_size=5,
    ),
    f_cnt=st.integers(0, 9),
)
def test_flat_placement_gives_the_records_of_the_full_mapping(
    decoded: dict[str, Any], f_cnt: int
) -> None:
    """The flat path (every field placed, no full mapping result) equals the checked one."""
    doc: dict[str, Any] = {
        "end_device_ids": {"device_id": "d", "application_ids": {"application_id": "a"}},
        "received_at": "2024-05-01T10:00:00Z",
        "uplink_message": {"f_port": 1, "f_cnt": f_cnt, "decoded_payload": decoded},
    }
    ctx = DecodeContext(source="t")

    def outcome(codec: LorawanUplinkCodec) -> Any:
        try:
            return [r.model_dump() for r in codec.decode(orjson.dumps(doc), ctx)]
        except DecodeError as exc:
            return str(exc)

    assert outcome(_FLAT) == outcome(_FULL)  # shared codecs: remembered placements too


def test_the_flat_path_is_taken_for_a_plain_lpp_uplink() -> None:
    """The common uplink (LPP, three readings) takes the flat path, with its counts."""
    codec = LorawanUplinkCodec()
    lpp = codec._codec("cayenne-lpp", "t")
    payload = _lpp(215, 120, 10131)
    assert codec.mapper.place_flat(lpp.decode_uplink(1, payload)) is not None
    doc = {
        "end_device_ids": {"device_id": "d", "application_ids": {"application_id": "a"}},
        "received_at": "2024-05-01T10:00:00Z",
        "uplink_message": {
            "f_port": 1, "f_cnt": 3, "frm_payload": base64.b64encode(payload).decode(),
        },
    }  # fmt: skip
    ctx = DecodeContext(source="t", hints={"codec": "cayenne-lpp"})
    fast = [r.model_dump() for r in codec.decode(orjson.dumps(doc), ctx)]
    assert fast == [r.model_dump() for r in _MappedInFull().decode(orjson.dumps(doc), ctx)]
    assert fast[1]["extensions"]["lorawan"]["uplink"]["mapping"]["mapped"] == 3


@settings(max_examples=40, deadline=None)
@given(received_at=instants, original=texts)
def test_a_device_with_its_provenance_equals_model_copy(
    received_at: datetime | None, original: str
) -> None:
    from interop_lorawan.records import with_provenance

    device = Device(
        id=DEVICE, device_kind="sensor", name="n", provenance=ORIGIN,
        extensions={"lorawan": {"dev_eui": "70b3d57ed0001a99"}},
    )  # fmt: skip
    origin = _outcome(lambda: ProvenanceFactory("lorawan", "1", "ttn-v3:a")(original, received_at))
    if isinstance(origin, tuple):
        return  # a receive time the model refuses: no Provenance to put on the Device
    fast = with_provenance(device, origin)
    full = device.model_copy(update={"provenance": origin})
    assert fast == full
    assert list(fast.__dict__) == list(full.__dict__)
    assert fast.model_fields_set == full.model_fields_set
    assert fast.__pydantic_extra__ == full.__pydantic_extra__
    assert fast.__pydantic_private__ == full.__pydantic_private__
    assert device.provenance == ORIGIN  # the cached record is left as it was
