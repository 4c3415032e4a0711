"""The JavaScript sandbox's guarantees: clean state, wall-clock limit, pure Date and
Math.random, output size and depth limits (issue 12)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from interop_lorawan import jsclock
from interop_lorawan.jsrunner import JsPayloadCodec
from interop_lorawan.mapping import MAX_DEPTH, SemanticMapper

from interop.errors import DecodeError


def js(source: str, **options: object) -> JsPayloadCodec:
    return JsPayloadCodec("sandbox-test", source, **options)  # type: ignore[arg-type]


def test_a_non_configurable_global_does_not_survive_the_call() -> None:
    codec = js(
        "function decodeUplink(input) {"
        "  var before = typeof pinned;"
        "  if (input.fPort === 1)"
        "    Object.defineProperty(globalThis, 'pinned', {value: 1, configurable: false});"
        "  return {data: {before: before}};"
        "}"
    )
    assert codec.decode_uplink(1, b"") == {"before": "undefined"}
    assert codec.decode_uplink(2, b"") == {"before": "undefined"}
    assert codec.decode_uplink(2, b"") == {"before": "undefined"}


def test_prevent_extensions_of_the_global_object_does_not_survive_the_call() -> None:
    codec = js(
        "function decodeUplink(input) {"
        "  var extensible = Object.isExtensible(globalThis);"
        "  leaked = input.fPort;"  # a sloppy implicit global, removed after every call
        "  if (input.fPort === 1) Object.preventExtensions(globalThis);"
        "  return {data: {extensible: extensible, leaked: typeof leaked}};"
        "}"
    )
    assert codec.decode_uplink(1, b"") == {"extensible": True, "leaked": "number"}
    assert codec.decode_uplink(2, b"") == {"extensible": True, "leaked": "number"}
    frozen = js(
        "function decodeUplink(input) {"
        "  var before = Object.isFrozen(globalThis);"
        "  Object.freeze(globalThis);"
        "  return {data: {before: before}};"
        "}"
    )
    assert frozen.decode_uplink(1, b"") == {"before": False}
    assert frozen.decode_uplink(1, b"") == {"before": False}


def test_the_time_limit_is_kept_by_the_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's interrupt asks the wall clock (not CPU time): jump it past the deadline."""

    class Clock:
        offset = 0.0
        asked = 0

        def monotonic(self) -> float:
            self.asked += 1
            return real() + self.offset

    real = jsclock.time.monotonic
    clock = Clock()
    monkeypatch.setattr(jsclock, "time", clock)
    codec = js("function decodeUplink(input) { while (true) {} }", time_limit_s=30.0)
    jump = threading.Timer(0.2, lambda: setattr(clock, "offset", 1e6))
    jump.start()
    try:
        with pytest.raises(DecodeError, match="time limit of 30000 ms"):
            codec.decode_uplink(1, b"")
    finally:
        jump.cancel()
    assert clock.asked > 2  # the interrupt handler consulted the wall clock while it ran
    clock.offset = 0.0
    assert js("function decodeUplink(i) { return {data: {n: 1}}; }").decode_uplink(1, b"") == {
        "n": 1
    }


def test_date_is_the_uplinks_receive_time() -> None:
    codec = js(
        "function decodeUplink(input) {"
        "  return {data: {now: Date.now(), iso: new Date().toISOString(),"
        "                 text: typeof Date(), year: new Date(2020, 0, 1).getFullYear(),"
        "                 isDate: new Date() instanceof Date}};"
        "}"
    )
    at = datetime(2024, 5, 1, 10, 0, 0, 250_000, tzinfo=UTC)
    assert codec.decode_uplink(1, b"", recv_time=at) == {
        "now": at.timestamp() * 1000,
        "iso": "2024-05-01T10:00:00.250Z",
        "text": "string",
        "year": 2020,
        "isDate": True,
    }
    assert codec.decode_uplink(1, b"")["now"] == 0  # no receive time: the epoch, not the clock


def test_math_random_is_seeded_by_the_input() -> None:
    source = "function decodeUplink(i) { return {data: {r: [Math.random(), Math.random()]}}; }"
    first, second = js(source), js(source)
    a = first.decode_uplink(1, b"\x01")["r"]
    assert a == first.decode_uplink(1, b"\x01")["r"] == second.decode_uplink(1, b"\x01")["r"]
    assert a != first.decode_uplink(1, b"\x02")["r"]
    assert all(0 <= x < 1 for x in a)
    assert a[0] != a[1]


def test_output_size_has_its_own_limit_and_message() -> None:
    big = js("function decodeUplink(i) { return {data: {s: 'x'.repeat(20 * 1024 * 1024)}}; }")
    with pytest.raises(DecodeError, match="output limit of 1048576 bytes"):
        big.decode_uplink(1, b"")
    small = js("function decodeUplink(i) { return {data: {s: 'x'.repeat(200)}}; }",
               output_limit=100)  # fmt: skip
    with pytest.raises(DecodeError, match="output limit of 100 bytes"):
        small.decode_uplink(1, b"")
    assert js("function decodeUplink(i) { return {data: {ok: 1}}; }").decode_uplink(1, b"") == {
        "ok": 1
    }


def test_a_deep_result_is_kept_unmapped_with_a_short_warning() -> None:
    codec = js(
        "function decodeUplink(i) {"
        "  var o = {temperature: 20};"
        "  for (var k = 0; k < 300; k++) o = {n: o};"
        "  return {data: {temperature: 21.5, deep: o}};"
        "}"
    )
    result = SemanticMapper().map(codec.decode_uplink(1, b""))
    assert [v.path for v in result.values] == ["temperature"]
    ((path, kept),) = result.unmapped.items()
    assert path.count(".") == MAX_DEPTH - 1
    assert isinstance(kept, str)
    assert len(kept) < 5000
    assert len(result.report.warnings[path]) < 80
