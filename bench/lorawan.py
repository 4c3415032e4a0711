"""The ``lorawan`` group: end-to-end uplinks/s for TTN v3 JSON carrying Cayenne LPP payloads.

Every row processes the same ``n`` TTS v3 uplink messages (JSON bytes as a webhook or MQTT
delivers them), each with an 11-byte LPP payload of three readings (temperature, humidity,
barometric pressure), and returns how many readings it produced (3 per message):

* the floor (baseline): ``orjson.loads`` + base64 decode + one ``struct.unpack`` of the
  fixed payload layout; nothing else, so no real path can beat it;
* native Cayenne LPP: the same parsing, then the plugin's ``cayenne-lpp`` payload codec;
* the plugin's uplink ``Codec`` adapter: TTN JSON to canonical records (Device +
  Measurements; the output counts the Measurements);
* the JS runner: the same parsing, then the LPP-subset JavaScript codec of the tests
  (``plugins/lorawan/tests/fixtures/js/lpp-subset.js``) in the QuickJS sandbox.

The issue's target: the native LPP path reaches at least 25% of the floor's messages/s
(ratio <= 4). A path whose module is not installed yet is left out of the run with a
message on stderr, rather than failing the whole benchmark.
"""

from __future__ import annotations

import base64
import math
import random
import struct
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from operator import countOf
from pathlib import Path
from typing import Any

import orjson

from bench.harness import Benchmark, Workload

__all__ = ["GROUP", "lorawan_benchmarks", "uplink_messages"]

GROUP = "lorawan"
JS_CODEC = (
    Path(__file__).resolve().parents[1]
    / "plugins/lorawan/tests/fixtures/js/lpp-subset.js"
)  # fmt: skip
_LAYOUT = struct.Struct(">BBhBBBBBH")
"""The benchmark payload: ch 1 temperature (0x67), ch 2 humidity (0x68), ch 3 pressure (0x73)."""
_READINGS = 3
_START = datetime(2024, 5, 1, tzinfo=UTC)


def uplink_messages(n: int, seed: int) -> list[bytes]:
    """``n`` TTS v3 uplink messages (JSON bytes) from 200 devices, with realistic metadata."""
    rng = random.Random(seed)
    messages = []
    for i in range(n):
        device = i % 200
        temperature = rng.randint(-150, 350)  # 0.1 °C
        humidity = rng.randint(40, 190)  # 0.5 %RH
        pressure = rng.randint(9800, 10300)  # 0.1 hPa
        payload = _LAYOUT.pack(1, 0x67, temperature, 2, 0x68, humidity, 3, 0x73, pressure)
        at = (_START + timedelta(seconds=i)).isoformat().replace("+00:00", ".123456789Z")
        doc: dict[str, Any] = {
            "end_device_ids": {
                "device_id": f"lpp-node-{device:03d}",
                "application_ids": {"application_id": "city-sensors"},
                "dev_eui": f"70B3D57ED0{device:06X}",
                "join_eui": "0000000000000000",
                "dev_addr": f"260B{device:04X}",
            },
            "correlation_ids": [f"as:up:01HZ{i:022d}"],
            "received_at": at,
            "uplink_message": {
                "session_key_id": "AYa8m2lY0Pr2uMmF2Uw3pw==",
                "f_port": 1,
                "f_cnt": i // 200,
                "frm_payload": base64.b64encode(payload).decode(),
                "rx_metadata": [
                    {
                        "gateway_ids": {"gateway_id": "gw-city-hall", "eui": "B827EBFFFE000001"},
                        "time": at,
                        "rssi": -rng.randint(60, 120),
                        "channel_rssi": -rng.randint(60, 120),
                        "snr": round(rng.uniform(-10, 10), 1),
                        "uplink_token": "ChYKFAoQZ3ctY2l0eS1oYWxsEgQIARAB",
                    }
                ],
                "settings": {
                    "data_rate": {
                        "lora": {"bandwidth": 125000, "spreading_factor": 7, "coding_rate": "4/5"}
                    },
                    "frequency": "868100000",
                    "timestamp": 1_000_000 + i,
                },
                "received_at": at,
                "consumed_airtime": "0.061696s",
                "network_ids": {
                    "net_id": "000013",
                    "tenant_id": "ttn",
                    "cluster_id": "eu1",
                    "cluster_address": "eu1.cloud.thethings.network",
                },
            },
        }
        messages.append(orjson.dumps(doc))
    return messages


# --- the rows ------------------------------------------------------------------------------


def _floor(messages: list[bytes]) -> Workload:
    loads, b64decode, unpack = orjson.loads, base64.b64decode, _LAYOUT.unpack

    def run() -> int:
        values = 0
        for message in messages:
            fields = unpack(b64decode(loads(message)["uplink_message"]["frm_payload"]))
            values += len(fields[2::3])  # temperature, humidity, pressure
        return values

    return run


def _payload_codec_workload(
    messages: list[bytes], decode: Callable[..., dict[str, Any]]
) -> Workload:
    loads, b64decode = orjson.loads, base64.b64decode

    def run() -> int:
        values = 0
        for message in messages:
            doc = loads(message)
            uplink = doc["uplink_message"]
            data = b64decode(uplink["frm_payload"])
            decoded = decode(uplink["f_port"], data, device=doc["end_device_ids"]["device_id"])
            values += len(decoded)
        return values

    return run


def _native_codec() -> Any:
    """``builtin_codecs().get("cayenne-lpp")``: the plugin's built-in LPP codec."""
    from interop_lorawan.codecs import builtin_codecs

    return builtin_codecs().get("cayenne-lpp")


def _js_codec() -> Any:
    from interop_lorawan.jsrunner import JsPayloadCodec

    return JsPayloadCodec("lpp-subset-js", JS_CODEC.read_text(encoding="utf-8"))


def _uplink_codec() -> tuple[Any, Any]:
    """The plugin's uplink Codec adapter from the registry, and the context to decode with."""
    from interop.adapters import Codec, DecodeContext
    from interop.errors import PluginNotFoundError
    from interop.registry import Registry

    registry = Registry(allow={"lorawan"}).load()
    try:
        adapter = registry.adapter(Codec, "lorawan")
    except PluginNotFoundError:  # entry point not registered yet: the adapter class itself
        from interop_lorawan.uplink import LorawanUplinkCodec as adapter
    context = DecodeContext(source="bench", hints={"codec": "cayenne-lpp", "network": "ttn-v3"})
    return adapter(), context


def _records(messages: list[bytes]) -> Workload:
    from interop.model import Measurement

    codec, context = _uplink_codec()

    def run() -> int:
        count = 0
        for message in messages:  # counted in C, as the floor counts its readings
            count += countOf(map(type, codec.decode(message, context)), Measurement)
        return count

    return run


def _check(name: str, workload: Workload, per_message: int, reference: list[float] | None,
           values: Callable[[], list[float]] | None) -> None:  # fmt: skip
    """Refuse a path that does not do the same work as the floor (3 readings per message)."""
    produced = workload()
    if produced != per_message:
        raise RuntimeError(
            f"{name}: one message gave {produced} readings/Measurements, expected {per_message}"
        )
    if reference is not None and values is not None:
        got = sorted(values())
        if len(got) != len(reference) or not all(map(math.isclose, got, reference)):
            raise RuntimeError(f"{name}: decoded {got}, the floor reads {reference}")


def _available(name: str, probe: Callable[[], object]) -> str | None:
    """None when ``probe`` works, else why the row is left out (also printed to stderr)."""
    try:
        probe()
    except Exception as exc:  # an absent or unfinished module must not stop the other rows
        why = f"{type(exc).__name__}: {exc}"
        print(f"bench lorawan: skipping {name!r}: {why}", file=sys.stderr, flush=True)
        return why
    return None


def lorawan_benchmarks(n: int, repeats: int, seed: int) -> list[Benchmark]:
    """The rows of the ``lorawan`` group whose code is installed (the floor always)."""
    one = uplink_messages(1, seed)
    raw = base64.b64decode(orjson.loads(one[0])["uplink_message"]["frm_payload"])
    fields = _LAYOUT.unpack(raw)
    reference = sorted([fields[2] / 10, fields[5] / 2, fields[8] / 10])

    def bench(name: str, factory: Callable[[list[bytes]], Workload], note: str,
              base: bool = False) -> Benchmark:  # fmt: skip
        return Benchmark(GROUP, name, n, lambda: factory(uplink_messages(n, seed)), base,
                         repeats, note)  # fmt: skip

    rows = [
        bench("floor: orjson + base64 + struct.unpack", _floor, base=True,
              note="parse + decode only: the fixed 11-byte layout unpacked, nothing checked."),
    ]  # fmt: skip

    def native_probe() -> None:
        codec = _native_codec()
        _check("native", _payload_codec_workload(one, codec.decode_uplink), _READINGS, reference,
               lambda: list(codec.decode_uplink(1, raw).values()))  # fmt: skip

    if _available("native cayenne-lpp", native_probe) is None:
        rows.append(bench(
            "native cayenne-lpp: orjson + base64 + decode_uplink",
            lambda m: _payload_codec_workload(m, _native_codec().decode_uplink),
            "interop_lorawan.codecs builtin 'cayenne-lpp' (pure Python, plausibility checks on); "
            "target: >= 25% of the floor's messages/s (ratio <= 4).",
        ))  # fmt: skip
    records_probe = lambda: _check("codec", _records(one), _READINGS, None, None)  # noqa: E731
    if _available("plugin uplink Codec", records_probe) is None:
        rows.append(bench(
            "plugin Codec: TTN JSON -> canonical records",
            _records,
            "registry.adapter(Codec, 'lorawan'): envelope, cayenne-lpp, semantic mapping "
            "(plausible ranges checked), Device + 3 Measurement records per message (the "
            "model's checks, explicit); output counts Measurements. Target: ratio <= 8.",
        ))  # fmt: skip

    def js_probe() -> None:
        codec = _js_codec()
        _check("js", _payload_codec_workload(one, codec.decode_uplink), _READINGS, reference,
               lambda: list(codec.decode_uplink(1, raw).values()))  # fmt: skip

    if _available("JS runner", js_probe) is None:
        rows.append(bench(
            "JS runner: orjson + base64 + lpp-subset.js (QuickJS)",
            lambda m: _payload_codec_workload(m, _js_codec().decode_uplink),
            "interop_lorawan.jsrunner: Device Repository JS codec in the QuickJS sandbox "
            "(fresh codec state and limits per call).",
        ))  # fmt: skip
    return rows
