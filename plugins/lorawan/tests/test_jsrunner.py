"""The sandboxed runner for Device Repository JavaScript codecs (fixtures in fixtures/js/)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_lorawan.jsrunner import DEFAULT_TIME_LIMIT_S, JsPayloadCodec
from interop_lorawan.payload import Downlink

from interop.errors import DecodeError, EncodeError, PluginError

FIXTURES = Path(__file__).parent / "fixtures" / "js"
MARGIN_S = 2.0
"""Generous slack over the time limit for a slow CI machine; the point is 'stopped', not speed."""

READINGS = bytes([0x01, 0x67, 0x00, 0xD7, 0x02, 0x68, 0x50, 0x03, 0x73, 0x27, 0x4F])


def codec(name: str, **options: object) -> JsPayloadCodec:
    """The fixture codec ``name``.js, with ``name`` as its codec id."""
    source = (FIXTURES / f"{name}.js").read_text(encoding="utf-8")
    return JsPayloadCodec(name, source, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def lpp() -> JsPayloadCodec:
    return JsPayloadCodec.from_codec_yaml(FIXTURES / "lpp-subset.yaml", codec_id="lpp-js")


# --- decoding and encoding ------------------------------------------------------------------


def test_lpp_subset_decodes_readings(lpp: JsPayloadCodec) -> None:
    assert lpp.codec_id == "lpp-js"
    assert lpp.decode_uplink(1, READINGS, device="node-7") == {
        "temperature_1": 21.5,
        "relative_humidity_2": 40,
        "barometric_pressure_3": 1006.3,
    }
    assert lpp.decode_uplink(1, b"") == {}


def test_codec_yaml_examples_pass(lpp: JsPayloadCodec) -> None:
    downlink = JsPayloadCodec.from_codec_yaml(FIXTURES / "downlink.yaml", codec_id="cfg")
    assert len(lpp.examples) == 3
    assert len(downlink.examples) == 2
    assert lpp.check_examples() == []
    assert downlink.check_examples() == []


def test_downlink_encoder_and_decoder_round_trip() -> None:
    pair = codec("downlink")
    encoded = pair.encode_downlink({"interval": 600, "led": True}, device="node-7")
    assert encoded == Downlink(10, bytes([0x01, 0x02, 0x58, 0x01]))
    assert pair.decode_downlink(10, encoded.data) == {"interval": 600, "led": True}
    with pytest.raises(EncodeError, match="interval must be an integer") as caught:
        pair.encode_downlink({"interval": 0, "led": True}, device="node-7")
    assert caught.value.source == "node-7"
    assert "'downlink'" in str(caught.value)


def test_missing_function_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="decodeUplink is not defined") as caught:
        codec("downlink").decode_uplink(1, b"\x00", device="node-9")
    assert caught.value.source == "node-9"


def test_warnings_are_kept_apart_from_data() -> None:
    result = codec("lpp-subset").decode_uplink_result(1, READINGS[:4])
    assert result.data == {"temperature_1": 21.5}
    assert result.warnings == ()
    warned = JsPayloadCodec(
        "warned", "function decodeUplink(i) { return {data: {n: 1}, warnings: ['low battery']}; }"
    ).decode_uplink_result(1, b"")
    assert warned.data == {"n": 1}
    assert warned.warnings == ("low battery",)
    with pytest.raises(DecodeError, match="not a configuration downlink"):
        codec("downlink").decode_downlink(11, b"\x01\x00\x01\x00")


def test_variables_and_recv_time_reach_the_codec() -> None:
    source = (
        "function decodeUplink(i) {"
        " return {data: {site: i.variables.site, t: i.recvTime, port: i.fPort}}; }"
    )
    from datetime import UTC, datetime

    echo = JsPayloadCodec("echo", source, variables={"site": "north"})
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert echo.decode_uplink(7, b"", recv_time=at) == {
        "site": "north",
        "t": "2026-01-02T03:04:05+00:00",
        "port": 7,
    }


# --- failures become DecodeError / EncodeError ----------------------------------------------


def test_runaway_codec_is_stopped_within_its_limit() -> None:
    runaway = codec("runaway")
    for _ in range(2):  # the second call runs in a rebuilt context
        start = time.perf_counter()
        with pytest.raises(DecodeError, match="time limit of 100 ms") as caught:
            runaway.decode_uplink(1, b"\x01", device="node-1")
        assert time.perf_counter() - start < DEFAULT_TIME_LIMIT_S + MARGIN_S
        assert caught.value.source == "node-1"
        assert "'runaway'" in str(caught.value)
    start = time.perf_counter()
    with pytest.raises(EncodeError, match="time limit of 50 ms"):
        codec("runaway", time_limit_s=0.05).encode_downlink({"x": 1}, device="node-1")
    assert time.perf_counter() - start < 0.05 + MARGIN_S


def test_throwing_codec() -> None:
    throwing = codec("throwing")
    with pytest.raises(
        DecodeError, match=r"threw RangeError: payload too short: 2 bytes"
    ) as caught:
        throwing.decode_uplink(1, b"\x01\x02", device="node-2")
    assert caught.value.source == "node-2"
    assert "'throwing'" in str(caught.value)
    with pytest.raises(EncodeError, match="threw TypeError: cannot encode"):
        throwing.encode_downlink({}, device="node-2")


def test_codec_returning_errors() -> None:
    failing = codec("errors")
    with pytest.raises(DecodeError, match="reported errors: unsupported fPort 3") as caught:
        failing.decode_uplink(3, b"", device="node-3")
    assert caught.value.field == "errors"
    assert "'errors'" in str(caught.value)
    with pytest.raises(EncodeError, match="downlinks are not supported"):
        failing.encode_downlink({}, device="node-3")


@pytest.mark.parametrize(
    ("port", "message"),
    [
        (1, "not JSON: TypeError: circular"),
        (2, "not JSON: TypeError: non-finite NaN"),
        (3, "not JSON: TypeError: a function"),
        (4, 'returned "just a string"'),
        (5, "returned data \\[1, 2, 3\\]"),
        (6, "returned null"),
    ],
)
def test_codec_returning_non_json(port: int, message: str) -> None:
    with pytest.raises(DecodeError, match=message) as caught:
        codec("non-json").decode_uplink(port, b"", device="node-4")
    assert caught.value.source == "node-4"


def test_memory_hog_is_stopped_and_the_codec_recovers() -> None:
    hog = codec("memory-hog", memory_limit=8 * 1024 * 1024, time_limit_s=5.0)
    for _ in range(2):
        start = time.perf_counter()
        with pytest.raises(DecodeError, match="exceeded its memory limit") as caught:
            hog.decode_uplink(1, b"", device="node-5")
        assert time.perf_counter() - start < 5.0 + MARGIN_S
        assert "'memory-hog'" in str(caught.value)


def test_unbounded_recursion_is_a_decode_error() -> None:
    deep = JsPayloadCodec("deep", "function f(n) { return f(n + 1) + 1; }\n"
                          "function decodeUplink(i) { return {data: {v: f(0)}}; }")  # fmt: skip
    with pytest.raises(DecodeError, match="stack limit"):
        deep.decode_uplink(1, b"")
    with pytest.raises(DecodeError, match="stack limit"):
        deep.decode_uplink(1, b"")


def test_encode_refuses_bad_bytes_and_ports() -> None:
    bad = JsPayloadCodec("bad", "function encodeDownlink(i) { return i.data; }")
    with pytest.raises(EncodeError, match=r"integers 0\.\.255"):
        bad.encode_downlink({"bytes": [1, 256], "fPort": 1})
    with pytest.raises(EncodeError, match=r"1\.\.223"):
        bad.encode_downlink({"bytes": [1], "fPort": 0})
    with pytest.raises(EncodeError, match="not JSON"):
        bad.encode_downlink({"when": object()})
    assert bad.encode_downlink({"bytes": [0, 255]}) == Downlink(None, b"\x00\xff")


# --- the sandbox --------------------------------------------------------------------------


def test_no_host_facilities_are_exposed() -> None:
    escape = codec("escape")
    found = escape.decode_uplink(1, b"")
    assert {k: v for k, v in found.items() if k != "importIsPromise"} == dict.fromkeys(
        [
            "require", "process", "fetch", "std", "os", "print", "console", "setTimeout",
            "XMLHttpRequest", "Deno", "Bun", "scriptArgs", "module", "exports", "Buffer",
        ],
        "undefined",
    )  # fmt: skip
    with pytest.raises(EncodeError, match="ReferenceError: 'require' is not defined"):
        escape.encode_downlink({})
    with pytest.raises(DecodeError, match="ReferenceError: 'fetch' is not defined"):
        escape.decode_downlink(1, b"")


def test_dynamic_import_loads_nothing() -> None:
    source = """
    var outcome = 'pending';
    function decodeUplink(i) {
      import('std').then(function () { outcome = 'loaded'; }, function () { outcome = 'refused'; });
      return {data: {outcome: outcome}};
    }"""
    assert JsPayloadCodec("imports", source).decode_uplink(1, b"") == {"outcome": "pending"}


def test_one_call_cannot_poison_the_next() -> None:
    stateful = codec("global-state")
    first = stateful.decode_uplink(1, b"")
    assert first == {"calls": 1, "leaked": 1, "seenPatch": "undefined", "round": 3}
    assert stateful.decode_uplink(1, b"") == first
    # a failed call (context rebuilt) does not disturb the same codec's next call either
    assert codec("lpp-subset").decode_uplink(1, READINGS[:4]) == {"temperature_1": 21.5}


def test_syntax_errors_and_bad_yaml_are_plugin_errors(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="SyntaxError"):
        JsPayloadCodec("broken", "function decodeUplink( {")
    (tmp_path / "codec.yaml").write_text("uplinkDecoder:\n  fileName: ../outside.js\n")
    with pytest.raises(PluginError, match="fileName"):
        JsPayloadCodec.from_codec_yaml(tmp_path / "codec.yaml", codec_id="x")
    (tmp_path / "empty.yaml").write_text("vendorProfileID: 1\n")
    with pytest.raises(PluginError, match="names no codec file"):
        JsPayloadCodec.from_codec_yaml(tmp_path / "empty.yaml", codec_id="x")


def test_codec_can_be_used_from_several_threads(lpp: JsPayloadCodec) -> None:
    results: list[object] = []

    def work() -> None:
        results.extend(lpp.decode_uplink(1, READINGS) for _ in range(50))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 200
    assert all(r == results[0] for r in results)


LPP_BYTES = st.binary(max_size=40) | st.lists(
    st.sampled_from([0, 1, 2, 3, 0x65, 0x66, 0x67, 0x68, 0x73, 0xFF]), max_size=40
).map(bytes)
"""Arbitrary bytes, and bytes built from valid LPP type codes (so some decode cleanly)."""


@settings(max_examples=300, deadline=None)
@given(LPP_BYTES)
def test_random_bytes_give_results_or_decode_errors(lpp: JsPayloadCodec, data: bytes) -> None:
    failure: DecodeError | None = None
    decoded: dict[str, object] = {}
    try:
        decoded = lpp.decode_uplink(1, data, device="fuzz")
    except DecodeError as error:
        failure = error
    if failure is not None:
        assert failure.source == "fuzz"
        assert "'lpp-js'" in str(failure)
    else:
        assert all(isinstance(v, int | float) for v in decoded.values())
