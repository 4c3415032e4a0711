"""The plugin's ingress: TTS v3 webhooks/MQTT and the ChirpStack v4 integration, as the gateway
uses them (hints built the gateway's way, decoded through the pipeline's Decoder with the real
plugin registry), their idempotency keys, protobuf twins, and hostile bodies.

The messages are written after The Things Stack's and ChirpStack's documented formats (field
names, id shapes, the protobuf JSON mapping), and corpus uplinks (../shared/corpus/lorawan)
are wrapped in ChirpStack events when the corpus is present.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from chirpstack_api.integration import integration_pb2 as pb
from google.protobuf.json_format import ParseDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interop_lorawan.ingress import AUTH_HEADER, chirpstack_key, tts_key

from interop.errors import DecodeError
from interop.gateway.config import MqttConfig
from interop.gateway.mqtt import subscription_topics
from interop.ingress import Ingress
from interop.model import Measurement
from interop.pipeline.routes import Decoder, Route
from interop.registry import Registry
from interop.store.contract import RawMessage

RECEIVED = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
APP = "city-air"
IDS = {
    "device_id": "ers-co2-townhall-2",
    "application_ids": {"application_id": APP},
    "dev_eui": "A81758FFFE0312AB",
    "join_eui": "0000000000000000",
    "dev_addr": "260B4C1D",
}


def _correlation(ulid: str) -> list[str]:
    """Correlation ids as TTS attaches them to an uplink on its way GS -> NS -> AS."""
    return [
        f"as:up:{ulid}A",
        f"gs:conn:{ulid}B",
        f"gs:up:host:{ulid}C",
        f"gs:uplink:{ulid}D",
        f"ns:uplink:{ulid}E",
        f"rpc:/ttn.lorawan.v3.GsNs/HandleUplink:{ulid}F",
        f"rpc:/ttn.lorawan.v3.NsAs/HandleUplink:{ulid}G",
    ]


def tts_uplink(ulid: str = "01HR3Q8K2V9YB7Z4T6M0N1P2Q", f_cnt: int = 4711) -> dict[str, Any]:
    """A TTS v3 uplink webhook body (Elsys ERS CO2 frame, decoded by the device repository)."""
    return {
        "end_device_ids": IDS,
        "correlation_ids": _correlation(ulid),
        "received_at": "2024-03-05T08:15:02.482317Z",
        "uplink_message": {
            "session_key_id": "AY3oZk2nQ1yH0bXc8sV6tA==",
            "f_port": 1,
            "f_cnt": f_cnt,
            "frm_payload": "AQDiAikEACcFBgYDCA==",
            "decoded_payload": {
                "temperature": 22.6, "humidity": 41, "light": 39, "motion": 6, "co2": 776,
            },
            "rx_metadata": [{
                "gateway_ids": {"gateway_id": "gw-cityhall-roof", "eui": "B827EBFFFE6A1C2D"},
                "time": "2024-03-05T08:15:02.251Z", "timestamp": 1832749012, "rssi": -97,
                "channel_rssi": -97, "snr": 7.25, "channel_index": 4,
                "uplink_token": "CiIKIAoUZ3ctY2l0eWhhbGwtcm9vZhII",
            }],
            "settings": {
                "data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 9,
                                       "coding_rate": "4/5"}},
                "frequency": "867500000", "timestamp": 1832749012,
                "time": "2024-03-05T08:15:02.251Z",
            },
            "received_at": "2024-03-05T08:15:02.276Z",
            "consumed_airtime": "0.205824s",
            "version_ids": {"brand_id": "elsys", "model_id": "ers-co2", "hardware_version": "1.0",
                            "firmware_version": "1.0", "band_id": "EU_863_870"},
            "network_ids": {"net_id": "000013", "tenant_id": "ttn", "cluster_id": "eu1",
                            "cluster_address": "eu1.cloud.thethings.network"},
        },
    }  # fmt: skip


TTS_JOIN = {
    "end_device_ids": IDS,
    "correlation_ids": _correlation("01HR3P0000JOINACCEPT00000"),
    "received_at": "2024-03-05T07:59:58.101Z",
    "join_accept": {
        "session_key_id": "AY3oZk2nQ1yH0bXc8sV6tA==",
        "received_at": "2024-03-05T07:59:58.020Z",
    },
}
TTS_LOCATION = {
    "end_device_ids": IDS,
    "correlation_ids": [
        "as:up:01HR3Q8K2V9YB7Z4T6M0N1P2QH",
        *_correlation("01HR3Q8K2V9YB7Z4T6M0N1P2Q"),
    ],
    "received_at": "2024-03-05T08:15:03.001Z",
    "location_solved": {
        "service": "lora-cloud-device-management-v1-gnss",
        "location": {"latitude": 52.0911, "longitude": 5.122, "altitude": 12, "accuracy": 8,
                     "source": "SOURCE_GPS"},
    },
}  # fmt: skip
TTS_SERVICE_DATA = {
    "end_device_ids": IDS,
    "correlation_ids": ["as:up:01HR3Q9AAAAAAAAAAAAAAAAAAA", "as:packages:loraclouddmsv1:01HR3Q9B"],
    "received_at": "2024-03-05T08:16:00.5Z",
    "service_data": {
        "service": "lora-cloud-device-management-v1-stream",
        "data": {"stream_records": [[0, "SGVsbG8="]]},
    },
}

TENANT = "52f14cd4-c6f1-4fbd-8f87-4025e1d49242"
CS_APP = "e2b6c1a0-7d3f-4b8e-9c21-5a4d3e2f1b0c"
DEV_EUI = "70b3d5f2a0001a2b"
DEVICE_INFO = {
    "tenantId": TENANT, "tenantName": "City", "applicationId": CS_APP,
    "applicationName": "parking", "deviceProfileId": "14855bf7-d10d-4aee-b618-ebfcb64dc7ad",
    "deviceProfileName": "Nwave NPS405", "deviceName": "bay-0142", "devEui": DEV_EUI,
    "deviceClassEnabled": "CLASS_A", "tags": {"street": "Marktstraat"},
}  # fmt: skip
DEDUP = "5f0c9a3e-8d1b-4c52-9a7e-2b6f1d0c4e11"
CS_EVENTS: dict[str, dict[str, Any]] = {
    "up": {
        "deduplicationId": DEDUP, "time": "2024-03-05T08:16:40.118245+00:00",
        "deviceInfo": DEVICE_INFO, "devAddr": "01ab23cd", "adr": True, "dr": 5, "fCnt": 812,
        "fPort": 1, "data": "yg==",
        "object": {"temperature": 21.5, "humidity": 48.0, "occupied": True},
        "rxInfo": [{
            "gatewayId": "0016c001f153a14c", "uplinkId": 31270,
            "nsTime": "2024-03-05T08:16:40.091Z", "rssi": -104, "snr": 4.5, "channel": 2,
            "context": "E3OWOQ==", "metadata": {"region_common_name": "EU868"},
            "crcStatus": "CRC_OK",
        }],
        "txInfo": {"frequency": 868500000, "modulation": {"lora": {
            "bandwidth": 125000, "spreadingFactor": 7, "codeRate": "CR_4_5"}}},
    },
    "join": {
        "deduplicationId": "c9dbe358-2578-4fb7-b295-66b44edc45a6",
        "time": "2024-03-05T07:58:28.823500726+00:00", "deviceInfo": DEVICE_INFO,
        "devAddr": "01ab23cd",
    },
    "status": {
        "deduplicationId": DEDUP, "time": "2024-03-05T08:16:40.118245+00:00",
        "deviceInfo": DEVICE_INFO, "margin": 7, "batteryLevel": 87.5,
    },
    "ack": {
        "deduplicationId": "9b8c2f8e-3a52-4f5e-8f1c-1d2e3f4a5b6c",
        "time": "2024-03-05T08:20:11.5+00:00", "deviceInfo": DEVICE_INFO,
        "queueItemId": "f1a6c2f4-8b8f-4e63-9c1e-3d2b1a0f9e8d", "acknowledged": True,
        "fCntDown": 7,
    },
    "txack": {
        "downlinkId": 3025211231, "time": "2024-03-05T08:20:09.25+00:00",
        "deviceInfo": DEVICE_INFO, "queueItemId": "f1a6c2f4-8b8f-4e63-9c1e-3d2b1a0f9e8d",
        "fCntDown": 7, "gatewayId": "0016c001f153a14c",
        "txInfo": {"frequency": 869525000, "power": 27, "modulation": {"lora": {
            "bandwidth": 125000, "spreadingFactor": 9, "codeRate": "CR_4_5",
            "polarizationInversion": True}}},
    },
    "log": {
        "time": "2024-03-05T08:21:00.000001+00:00", "deviceInfo": DEVICE_INFO,
        "level": "ERROR", "code": "UPLINK_CODEC",
        "description": "ReferenceError: decodeUplink is not defined",
        "context": {"deduplication_id": DEDUP},
    },
    "location": {
        "deduplicationId": DEDUP, "time": "2024-03-05T08:16:41+00:00", "deviceInfo": DEVICE_INFO,
        "location": {"latitude": 52.0907, "longitude": 5.1214, "altitude": 3.0,
                     "source": "GEO_RESOLVER_TDOA", "accuracy": 120.0},
    },
    "integration": {
        "time": "2024-03-05T08:16:42+00:00", "deviceInfo": DEVICE_INFO,
        "integrationName": "loracloud", "eventType": "modem_UplinkResponse",
        "object": {"result": {"deveui": "70-b3-d5-f2-a0-00-1a-2b", "pending_requests": None}},
    },
}  # fmt: skip
PROTOBUF = {
    "up": pb.UplinkEvent, "join": pb.JoinEvent, "status": pb.StatusEvent, "ack": pb.AckEvent,
    "txack": pb.TxAckEvent, "log": pb.LogEvent, "location": pb.LocationEvent,
}  # fmt: skip


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry().load()


@pytest.fixture(scope="module")
def declared(registry: Registry) -> dict[str, Ingress]:
    return {name: i for (plugin, name), i in registry.ingresses().items() if plugin == "lorawan"}


def hints_for(
    ingress: Ingress,
    *,
    query: Mapping[str, str] = {},
    headers: Mapping[str, str] = {},
    topic: str | None = None,
) -> dict[str, str]:
    """The metadata the gateway passes, built the way the Ingress contract describes."""
    hints = dict(ingress.hints)
    hints.update({k: v for k, v in query.items() if k in ingress.query_hints})
    lowered = {k.lower(): v for k, v in headers.items()}
    for header, hint in ingress.header_hints.items():
        if header.lower() in lowered:
            hints[hint] = lowered[header.lower()]
    if topic is not None:
        hints["topic"] = topic
    return hints


def decode(registry: Registry, ingress: Ingress, body: bytes, hints: Mapping[str, str]) -> list:
    """Decode through the pipeline's Decoder on the route the gateway builds."""
    source = f"lorawan:{ingress.name}"
    decoder = Decoder(registry, {source: Route(source, "lorawan", ingress.adapter, ingress.hints)})
    message = RawMessage(source, "k", body, RECEIVED, dict(hints))
    return decoder.decode(message)


def cs_http(ingress: Ingress, event: str, protobuf: bool = False) -> dict[str, str]:
    content = "application/octet-stream" if protobuf else "application/json"
    return hints_for(ingress, query={"event": event}, headers={"content-type": content})


def to_protobuf(event: str, doc: Mapping[str, Any]) -> bytes:
    """The protobuf body ChirpStack sends for ``doc`` (which must be valid protobuf JSON)."""
    return bytes(ParseDict(doc, PROTOBUF[event]()).SerializeToString())


def dumps(doc: Any) -> bytes:
    return orjson.dumps(doc)


def by_id(records: list[Any]) -> list[Any]:
    """Records in id order: a protobuf Struct is a map, so ``object`` keys come in any order."""
    return sorted(records, key=lambda record: record.id)


# the declarations -----------------------------------------------------------------------


def test_declared_ingresses(declared: dict[str, Ingress]) -> None:
    assert sorted(declared) == [
        "chirpstack", "tts-join", "tts-location", "tts-service-data", "tts-uplink",
    ]  # fmt: skip
    topics = {name: i.mqtt_topics for name, i in declared.items()}
    assert topics["tts-uplink"] == ("v3/{app}[@{tenant}]/devices/+/up",)
    assert topics["tts-join"] == ("v3/{app}[@{tenant}]/devices/+/join",)
    assert topics["tts-location"] == ("v3/{app}[@{tenant}]/devices/+/location/solved",)
    assert topics["tts-service-data"] == ("v3/{app}[@{tenant}]/devices/+/service/data",)
    assert topics["chirpstack"] == ("application/{application_id}/device/+/event/+",)
    cs = declared["chirpstack"]
    assert cs.query_hints == ("event",)
    assert "application/octet-stream" in cs.media_types
    assert "application/json" in cs.media_types
    assert all(i.auth_header == AUTH_HEADER and i.key is not None for i in declared.values())
    assert all(i.adapter == "lorawan-uplink" for i in declared.values())


# The Things Stack ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "doc", "readings"),
    [
        ("tts-uplink", tts_uplink(), 5),
        ("tts-join", TTS_JOIN, 0),
        ("tts-location", TTS_LOCATION, 0),
        ("tts-service-data", TTS_SERVICE_DATA, 0),
    ],
)
def test_tts_messages_decode_by_webhook_and_mqtt(
    registry: Registry, declared: dict[str, Ingress], name: str, doc: dict[str, Any],
    readings: int,
) -> None:  # fmt: skip
    ingress = declared[name]
    body = dumps(doc)
    config = MqttConfig(topics={"app": APP, "tenant": "ttn"})
    topic = subscription_topics(ingress, config)[0].replace("+", IDS["device_id"])
    by_webhook = decode(registry, ingress, body, hints_for(ingress))
    by_mqtt = decode(registry, ingress, body, hints_for(ingress, topic=topic))
    assert by_webhook == by_mqtt
    assert sum(isinstance(r, Measurement) for r in by_webhook) == readings
    if name == "tts-join":
        assert [r.kind for r in by_webhook] == ["device"]
    if readings:
        frames = {
            r.extensions["lorawan"]["uplink"]["f_cnt"]
            for r in by_webhook
            if isinstance(r, Measurement)
        }
        assert frames == {4711}


def test_tts_key_is_the_application_server_id() -> None:
    body = dumps(tts_uplink())
    assert tts_key(body, {}) == "ttn-v3:up:as:up:01HR3Q8K2V9YB7Z4T6M0N1P2QA"
    # a redelivery, re-serialised with the ids in another order, is the same message
    doc = tts_uplink()
    doc["correlation_ids"].reverse()
    assert tts_key(json.dumps(doc, indent=2).encode(), {"topic": "x"}) == tts_key(body, {})
    # several as:up ids (a solved location carries its uplink's): the same choice each time
    shuffled = copy.deepcopy(TTS_LOCATION)
    shuffled["correlation_ids"].reverse()
    assert tts_key(dumps(shuffled), {}) == tts_key(dumps(TTS_LOCATION), {})


def test_tts_keys_differ_between_messages() -> None:
    docs = [tts_uplink(), tts_uplink("01HR3Q8K2V9YB7Z4T6M0N1P2R", 4712), TTS_JOIN, TTS_LOCATION,
            TTS_SERVICE_DATA]  # fmt: skip
    keys = [tts_key(dumps(d), {}) for d in docs]
    assert None not in keys
    assert len(set(keys)) == len(keys)
    # the uplink and the location solved from it share correlation ids, not the key
    assert keys[0] != keys[3]


def test_tts_key_without_correlation_ids_uses_device_and_time() -> None:
    doc = tts_uplink()
    del doc["correlation_ids"]
    key = tts_key(dumps(doc), {})
    assert key == "ttn-v3:up:city-air/ers-co2-townhall-2/2024-03-05T08:15:02.482317+00:00/4711"
    later = copy.deepcopy(doc)
    later["received_at"] = "2024-03-05T08:25:02.1Z"
    later["uplink_message"]["f_cnt"] = 4712
    assert tts_key(dumps(later), {}) not in (None, key)
    del later["received_at"]
    del later["uplink_message"]["received_at"]
    assert tts_key(dumps(later), {}) is None  # the gateway falls back to a content hash


# ChirpStack ----------------------------------------------------------------------------


@pytest.mark.parametrize("event", sorted(CS_EVENTS))
def test_chirpstack_every_event_decodes(
    registry: Registry, declared: dict[str, Ingress], event: str
) -> None:
    ingress = declared["chirpstack"]
    body = dumps(CS_EVENTS[event])
    records = decode(registry, ingress, body, cs_http(ingress, event))
    topic = f"application/{CS_APP}/device/{DEV_EUI}/event/{event}"
    assert decode(registry, ingress, body, hints_for(ingress, topic=topic)) == records
    measurements = [r for r in records if isinstance(r, Measurement)]
    if event == "up":
        assert len(measurements) == 3  # temperature, humidity, occupancy
        assert all(m.extensions["lorawan"]["uplink"]["f_cnt"] == 812 for m in measurements)
    elif event == "status":
        assert [m.value for m in measurements] == [87.5]
    elif event == "join":
        assert [r.kind for r in records] == ["device"]
    else:
        assert records == []  # acks, logs, locations and integration events carry no readings


def test_chirpstack_event_query_overrides_shape(
    registry: Registry, declared: dict[str, Ingress]
) -> None:
    """An integration event has an ``object`` like an uplink; ``?event=`` says what it is."""
    ingress = declared["chirpstack"]
    body = dumps(CS_EVENTS["integration"])
    assert decode(registry, ingress, body, cs_http(ingress, "integration")) == []
    with pytest.raises(DecodeError, match="unknown event"):
        decode(registry, ingress, body, cs_http(ingress, "uplink"))


@pytest.mark.parametrize("event", sorted(PROTOBUF))
def test_chirpstack_protobuf_twins(
    registry: Registry, declared: dict[str, Ingress], event: str
) -> None:
    ingress = declared["chirpstack"]
    doc = CS_EVENTS[event]
    binary = to_protobuf(event, doc)
    as_json = decode(registry, ingress, dumps(doc), cs_http(ingress, event))
    as_protobuf = decode(registry, ingress, binary, cs_http(ingress, event, protobuf=True))
    assert by_id(as_protobuf) == by_id(as_json)
    topic = f"application/{CS_APP}/device/{DEV_EUI}/event/{event}"
    assert by_id(decode(registry, ingress, binary, hints_for(ingress, topic=topic))) == by_id(
        as_json
    )
    json_hints = cs_http(ingress, event)
    assert chirpstack_key(binary, cs_http(ingress, event, True)) == chirpstack_key(
        dumps(doc), json_hints
    )


def test_chirpstack_protobuf_integration_event_is_refused(
    registry: Registry, declared: dict[str, Ingress]
) -> None:
    ingress = declared["chirpstack"]
    with pytest.raises(DecodeError, match="no protobuf message for event 'integration'"):
        decode(registry, ingress, b"\x0a\x02ab", cs_http(ingress, "integration", protobuf=True))


def test_chirpstack_keys() -> None:
    up = cs_key = chirpstack_key(dumps(CS_EVENTS["up"]), {"event": "up"})
    assert cs_key == f"chirpstack-v4:up:{DEV_EUI}:deduplicationId={DEDUP}"
    keys = {event: chirpstack_key(dumps(doc), {"event": event}) for event, doc in CS_EVENTS.items()}
    assert None not in keys.values()
    assert len(set(keys.values())) == len(keys)  # up and status share the deduplication id
    # redelivery: re-serialised, by MQTT rather than HTTP
    topic = f"application/{CS_APP}/device/{DEV_EUI.upper()}/event/up"
    assert chirpstack_key(json.dumps(CS_EVENTS["up"], indent=1).encode(), {"topic": topic}) == up
    # a different frame
    other = dict(CS_EVENTS["up"], deduplicationId="0e6c3c43-08a2-4a8a-8ad3-3d4b4c5e6f70")
    assert chirpstack_key(dumps(other), {"event": "up"}) not in (None, up)
    # logs have no id: their time and content identify them
    later = dict(CS_EVENTS["log"], time="2024-03-05T08:22:00+00:00")
    assert chirpstack_key(dumps(later), {"event": "log"}) != keys["log"]
    # without the event type a key could merge an uplink with its status event: none
    assert chirpstack_key(dumps(CS_EVENTS["up"]), {}) is None
    assert chirpstack_key(dumps(CS_EVENTS["up"]), {"event": "bogus"}) is None


def test_chirpstack_corpus_objects_protobuf_and_json_agree(
    registry: Registry, declared: dict[str, Ingress], lorawan_vectors: Path
) -> None:
    """Corpus uplinks as ChirpStack sends them (object = the codec's output): both encodings."""
    ingress = declared["chirpstack"]
    lines = lorawan_vectors.read_text(encoding="utf-8").splitlines()
    vectors = [json.loads(line) for line in lines]
    uplinks = [v for v in vectors if v["direction"] == "uplink" and v["expected"].get("data")]
    measured = refused = 0
    for index, vector in enumerate(uplinks[:60]):
        doc = dict(
            CS_EVENTS["up"],
            deduplicationId=f"00000000-0000-4000-8000-{index:012d}",
            fPort=vector["fPort"],
            data=__import__("base64").b64encode(bytes.fromhex(vector["bytes_hex"])).decode(),
            object=vector["expected"]["data"],
        )
        binary = to_protobuf("up", doc)
        # ChirpStack's JSON is the same message: a Struct's numbers are doubles there too
        as_sent = dumps(json.loads(json.dumps(doc), parse_int=float))
        fields = []
        for body, hints in ((as_sent, cs_http(ingress, "up")),
                            (binary, cs_http(ingress, "up", protobuf=True))):  # fmt: skip
            try:
                decode(registry, ingress, body, hints)
            except DecodeError as exc:  # nothing placed: both encodings must refuse it alike
                fields.append(exc.field)
        if fields:
            assert fields == ["decoded_payload", "decoded_payload"], vector["device"]
            refused += 1
            continue
        as_json = decode(registry, ingress, as_sent, cs_http(ingress, "up"))
        as_protobuf = decode(registry, ingress, binary, cs_http(ingress, "up", protobuf=True))
        assert by_id(as_protobuf) == by_id(as_json), vector["device"]
        measured += sum(isinstance(r, Measurement) for r in as_json)
    assert measured > 0
    assert refused < measured


# hostile bodies ------------------------------------------------------------------------

DEEP_ARRAY = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
HOSTILE: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("junk", b"\x00\x01garbage\xff"),
    ("deep array", DEEP_ARRAY),
    ("deep object", DEEP_OBJECT),
    ("deep under deviceInfo", b'{"deviceInfo":' + DEEP_OBJECT + b"}"),
    ("not UTF-8", b'{"end_device_ids": {"device_id": "\xff\xfe"}}'),
    ("latin-1", '{"deviceInfo": {"deviceName": "Straße"}}'.encode("latin-1")),
    ("top-level list", b"[1, 2]"),
    ("wrong types tts", dumps(dict(tts_uplink(), uplink_message={"f_port": "one"}))),
    ("wrong ids tts", dumps(dict(tts_uplink(), end_device_ids=["a"]))),
    ("wrong types cs", dumps(dict(CS_EVENTS["up"], fCnt="812", rxInfo={"rssi": 1}))),
    ("wrong deviceInfo", dumps(dict(CS_EVENTS["up"], deviceInfo=[DEV_EUI]))),
    ("bad DevEUI", dumps(dict(CS_EVENTS["up"], deviceInfo={"devEui": "zz"}))),
    ("NaN", b'{"deviceInfo": {"devEui": "70b3d5f2a0001a2b"}, "fPort": NaN}'),
    ("huge", b'{"x": "' + b"a" * 300_000 + b'"}'),
]


@pytest.mark.parametrize(("label", "body"), HOSTILE, ids=[label for label, _ in HOSTILE])
def test_hostile_bodies_raise_decode_error_only(
    registry: Registry, declared: dict[str, Ingress], label: str, body: bytes
) -> None:
    cs = declared["chirpstack"]
    cases = [
        (declared["tts-uplink"], hints_for(declared["tts-uplink"])),
        (declared["tts-join"], hints_for(declared["tts-join"], topic="v3/a@ttn/devices/d/join")),
        (cs, cs_http(cs, "up")),
        (cs, cs_http(cs, "status", protobuf=True)),
        (cs, hints_for(cs, topic=f"application/{CS_APP}/device/{DEV_EUI}/event/up")),
        (cs, hints_for(cs, query={"event": "up"})),  # no content type: sniffed
    ]
    for ingress, hints in cases:
        with pytest.raises(DecodeError):
            decode(registry, ingress, body, hints)
        assert ingress.key is not None
        key = ingress.key(body, hints)
        assert key is None or isinstance(key, str)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=300), event=st.sampled_from(sorted(PROTOBUF)))
def test_protobuf_junk_raises_decode_error_only(
    registry: Registry, declared: dict[str, Ingress], body: bytes, event: str
) -> None:
    cs = declared["chirpstack"]
    hints = cs_http(cs, event, protobuf=True)
    try:
        records = decode(registry, cs, body, hints)
    except DecodeError:
        pass
    else:  # bytes that happen to be a valid event with a device: decoded like one
        assert isinstance(records, list)
    assert chirpstack_key(body, hints) is None or isinstance(chirpstack_key(body, hints), str)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    where=st.sampled_from(["tts", "uplink_message", "end_device_ids", "cs", "deviceInfo"]),
    field=st.sampled_from(
        [
            "f_port",
            "f_cnt",
            "frm_payload",
            "received_at",
            "correlation_ids",
            "device_id",
            "devEui",
            "fCnt",
            "data",
            "time",
            "rxInfo",
            "object",
            "deduplicationId",
            "decoded_payload",
            "application_ids",
        ]
    ),
    value=JSON_VALUES,
)
def test_wrong_types_anywhere_raise_decode_error_only(
    registry: Registry, declared: dict[str, Ingress], where: str, field: str, value: Any
) -> None:
    """A documented message with one field replaced by any JSON value: DecodeError or records."""
    if where in ("tts", "uplink_message", "end_device_ids"):
        doc = copy.deepcopy(tts_uplink())  # IDS is shared by the fixtures
        ingress, hints = declared["tts-uplink"], hints_for(declared["tts-uplink"])
        target = doc if where == "tts" else doc[where]
    else:
        doc = copy.deepcopy(CS_EVENTS["up"])
        ingress = declared["chirpstack"]
        hints = cs_http(ingress, "up")
        target = doc if where == "cs" else doc["deviceInfo"]
    target[field] = value
    body = json.dumps(doc).encode()  # integers of any size, as JSON text allows
    try:
        records = decode(registry, ingress, body, hints)
    except DecodeError:
        pass
    else:
        assert isinstance(records, list)
    assert ingress.key is not None
    key = ingress.key(body, hints)
    assert key is None or (isinstance(key, str) and len(key) < 300)


def test_wrong_protobuf_message_for_the_event(
    registry: Registry, declared: dict[str, Ingress]
) -> None:
    """A log event's bytes posted as ?event=up: still only a DecodeError or no readings."""
    cs = declared["chirpstack"]
    binary = to_protobuf("log", CS_EVENTS["log"])
    try:
        records = decode(registry, cs, binary, cs_http(cs, "up", protobuf=True))
    except DecodeError:
        return
    assert not any(isinstance(r, Measurement) for r in records)


# through a running gateway ---------------------------------------------------------------

TOKEN = "lorawan-ingest-secret"


def gateway_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **mqtt: Any) -> Any:
    """Config of an in-process gateway on a free loopback port with the LoRaWAN ingresses."""
    from interop.gateway import GatewayConfig

    monkeypatch.setenv("LORAWAN_INGEST_TOKEN", TOKEN)
    ingress = [
        {"plugin": "lorawan", "name": name, "secret": "env:LORAWAN_INGEST_TOKEN", **extra}
        for name, extra in (("tts-uplink", mqtt.get("tts", {})), ("chirpstack", mqtt.get("cs", {})))
    ]
    return GatewayConfig.model_validate({
        "server": {"port": 0},
        "store": {"location": str(tmp_path / "data")},
        "sink": [{"name": "files", "kind": "jsonl", "path": str(tmp_path / "out")}],
        "ingress": ingress,
    })  # fmt: skip


async def _post(session: Any, url: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
    async with session.post(url, data=body, headers=dict(headers)) as response:
        return response.status, await response.json(content_type=None)


def test_webhooks_through_the_gateway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: Registry
) -> None:
    """TTS and ChirpStack (JSON and protobuf) webhooks: stored, redeliveries once, junk kept."""
    import asyncio

    import aiohttp

    from interop.gateway import Gateway

    config = gateway_config(tmp_path, monkeypatch)
    tts_headers = {"Content-Type": "application/json", AUTH_HEADER: TOKEN}
    cs_json = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
    cs_binary = {"Content-Type": "application/octet-stream", AUTH_HEADER: TOKEN}
    uplink = dumps(tts_uplink())
    resent = json.dumps(tts_uplink(), indent=2).encode()

    async def go() -> tuple[dict[str, tuple[int, Any]], Any]:
        gateway = Gateway(config, registry)
        await gateway.start()
        try:
            base = f"{gateway.url}/ingest/lorawan"
            answers = {}
            async with aiohttp.ClientSession() as session:
                steps = [
                    ("tts", "tts-uplink", uplink, tts_headers),
                    ("tts again", "tts-uplink", resent, tts_headers),
                    ("tts wrong secret", "tts-uplink", uplink, {**tts_headers, AUTH_HEADER: "x"}),
                    ("cs up", "chirpstack?event=up", dumps(CS_EVENTS["up"]), cs_json),
                    ("cs up protobuf", "chirpstack?event=up",
                     to_protobuf("up", CS_EVENTS["up"]), cs_binary),
                    ("cs status protobuf", "chirpstack?event=status",
                     to_protobuf("status", CS_EVENTS["status"]), cs_binary),
                    ("cs log", "chirpstack?event=log", dumps(CS_EVENTS["log"]), cs_json),
                    ("cs junk", "chirpstack?event=up", b"\xff\x00junk" * 9, cs_binary),
                    ("cs deep", "chirpstack?event=up", DEEP_ARRAY[:3000], cs_json),
                ]  # fmt: skip
                for label, path, body, headers in steps:
                    answers[label] = await _post(session, f"{base}/{path}", body, headers)
            stats = await gateway.store.stats()
        finally:
            await gateway.stop()
        return answers, stats

    answers, stats = asyncio.run(go())
    assert answers["tts"] == (202, {"status": "stored", "records": 6})
    assert answers["tts again"][0] == 200
    assert answers["tts again"][1]["status"] == "duplicate"
    assert answers["tts wrong secret"][0] == 401
    assert answers["cs up"] == (202, {"status": "stored", "records": 4})
    assert answers["cs up protobuf"][1]["status"] == "duplicate"  # same deduplicationId
    # the battery reading; its device, unchanged since "cs up", is not written again
    assert answers["cs status protobuf"] == (202, {"status": "stored", "records": 1})
    assert answers["cs log"] == (202, {"status": "stored", "records": 0})
    assert answers["cs junk"][0] == 422
    assert answers["cs deep"][0] == 422
    assert (stats.inbox_total, stats.dead_letters) == (6, 2)


def test_mqtt_through_the_gateway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: Registry
) -> None:
    """The declared topic filters, filled from config, receive TTS JSON and ChirpStack protobuf."""
    import asyncio
    import os
    import time

    import aiomqtt

    from interop.gateway import Gateway
    from interop.testing.servers import mosquitto_binary, running_mosquitto

    if mosquitto_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("mosquitto is not installed; .ci/run installs it")
        pytest.skip("mosquitto is not installed (Debian package mosquitto)")
    with running_mosquitto() as (broker, _process):
        url = f"mqtt://127.0.0.1:{broker}"
        config = gateway_config(
            tmp_path, monkeypatch,
            tts={"mqtt": {"url": url, "topics": {"app": APP, "tenant": "ttn"}}},
            cs={"mqtt": {"url": url, "topics": {"application_id": CS_APP}}},
        )  # fmt: skip
        messages = [
            (f"v3/{APP}@ttn/devices/{IDS['device_id']}/up", dumps(tts_uplink())),
            (f"v3/{APP}@ttn/devices/{IDS['device_id']}/up", dumps(tts_uplink())),  # duplicate
            (f"application/{CS_APP}/device/{DEV_EUI}/event/up", to_protobuf("up", CS_EVENTS["up"])),
            (f"application/{CS_APP}/device/{DEV_EUI}/event/status", dumps(CS_EVENTS["status"])),
            (f"application/{CS_APP}/device/{DEV_EUI}/event/ack", to_protobuf("ack", CS_EVENTS["ack"])),  # noqa: E501
            ("application/other-app/device/0000000000000001/event/up", b"not ours"),
        ]  # fmt: skip

        async def go() -> Any:
            gateway = Gateway(config, registry)
            await gateway.start()
            try:
                for ingestion in gateway.mqtt:  # a new session: only what follows SUBSCRIBE
                    await asyncio.wait_for(ingestion.subscribed.wait(), 30)
                async with aiomqtt.Client("127.0.0.1", broker) as client:
                    for topic, body in messages:
                        await client.publish(topic, body, qos=1)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    stats = await gateway.store.stats()
                    if stats.inbox_total >= 4 and stats.records >= 11:
                        break
                    await asyncio.sleep(0.1)
                return stats
            finally:
                await gateway.stop()

        stats = asyncio.run(go())
    # the TTS uplink once (device + 5), ChirpStack up (device + 3), status (its battery level;
    # the device is the same record), ack (none); nothing from the other application
    assert (stats.inbox_total, stats.records, stats.dead_letters) == (4, 11, 0)
