"""The lorawan plugin passes the conformance kit; demo, CLI-style decoding, downlinks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import interop_lorawan
import pytest
from interop_lorawan.conformance import conformance_cases
from interop_lorawan.demo import run_demo
from interop_lorawan.payload import Downlink, PayloadCodec, PayloadCodecs
from interop_lorawan.profiles import load_profiles
from interop_lorawan.uplink import DownlinkBuilder, LorawanUplinkCodec

from interop.errors import EncodeError
from interop.model.command import Command, CommandKind
from interop.testing.conformance import DecoderConformance, PluginConformance

_CASE = conformance_cases()[0]


class TestLorawanPlugin(PluginConformance):
    plugin = interop_lorawan


class TestLorawanUplinkCodec(DecoderConformance):
    codec_cls = LorawanUplinkCodec
    manifest = interop_lorawan.MANIFEST
    examples = tuple(_CASE.examples)
    known_answers = tuple(_CASE.known_answers)
    decode_context = _CASE.decode_context


def test_demo_conforms(tmp_path):
    result = run_demo(tmp_path)
    assert "SHACL conforms" in result.summary
    assert all(path.is_file() for path in result.outputs)


class _Switch(PayloadCodec):
    codec_id: ClassVar[str] = "test-switch"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> dict[str, Any]:
        return {"relay": data[0]}

    def encode_downlink(self, obj: Any, *, device: str = "device") -> Downlink:
        return Downlink(None, bytes([obj["relay"], obj.get("dim", 0)]))


def _builder() -> DownlinkBuilder:
    codecs = PayloadCodecs()
    codecs.register("test-switch", _Switch)
    book = load_profiles(
        {
            "profiles": {
                "switch": {
                    "codec": "test-switch", "device_kind": "switch", "f_port": 10,
                    "downlinks": {"on": {"relay": 1}, "set_level": {"relay": 1, "dim": "{level}"}},
                }
            },
            "devices": {"70B3D5F2A0001A2B": "switch"},
        }
    )  # fmt: skip
    return DownlinkBuilder(book, codecs)


def _command(action: CommandKind, level: float | None = None) -> Command:
    return Command(
        id="urn:interop:command:1", action=action, level=level,
        target="urn:interop:device:lorawan:70b3d5f2a0001a2b",
        issued_at=datetime(2024, 3, 5, tzinfo=UTC),
    )  # fmt: skip


def test_downlink_tts_and_chirpstack():
    builder = _builder()
    assert builder.tts(_command(CommandKind.ON)) == {
        "downlinks": [
            {"f_port": 10, "frm_payload": "AQA=", "priority": "NORMAL",
             "correlation_ids": ["urn:interop:command:1"]}
        ]
    }  # fmt: skip
    assert builder.chirpstack(_command(CommandKind.SET_LEVEL, 40)) == {
        "queueItem": {"devEui": "70b3d5f2a0001a2b", "confirmed": False, "fPort": 10, "data": "ASg="}
    }


def test_downlink_refuses_unmapped_command():
    with pytest.raises(EncodeError) as caught:
        _builder().tts(_command(CommandKind.OFF))
    assert caught.value.field == "action"
