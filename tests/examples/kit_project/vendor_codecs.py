"""Codecs for the kit's self-test: one correct canonical-JSON codec and broken variants.

Each broken variant differs from ``EchoCodec`` in exactly one defect the kit must catch.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import ClassVar

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from interop import API_VERSION
from interop.adapters import Capability, Codec, DecodeContext, EncodeContext, PluginManifest
from interop.errors import DecodeError, EncodeError
from interop.hookspecs import hookimpl
from interop.model import Measurement, Record

_RECORDS: TypeAdapter[list[Record]] = TypeAdapter(list[Record])


class EchoCodec(Codec):
    """Records as a JSON array of their canonical form; refuses commands."""

    name = "echo"

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        try:
            return _RECORDS.validate_json(raw)
        except PydanticValidationError as exc:
            raise DecodeError(str(exc), source=ctx.source, expected="a JSON array") from exc

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        if any(record.kind == "command" for record in records):
            raise EncodeError("commands are not echoed", source=ctx.target, field="kind")
        return _RECORDS.dump_json(list(records))


class DroppingCodec(EchoCodec):
    """Defect: loses every record's vendor extensions on encode."""

    name = "dropping"

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        return super().encode([r.model_copy(update={"extensions": {}}) for r in records], ctx)


class KeyErrorCodec(EchoCodec):
    """Defect: looks the first byte up in a table, so junk raises KeyError."""

    name = "key-error"
    _FRAMES: ClassVar[dict[bytes, str]] = {b"[": "array"}

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        self._FRAMES[raw[:1]]
        return super().decode(raw, ctx)


class RandomIdCodec(EchoCodec):
    """Defect: gives every decoded record a fresh uuid4 id."""

    name = "random-id"

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        return [
            r.model_copy(update={"id": f"urn:uuid:{uuid.uuid4()}"})
            for r in super().decode(raw, ctx)
        ]


class SilentCodec(EchoCodec):
    """Defect: encodes commands too, silently, although its case says it cannot."""

    name = "silent"

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        return _RECORDS.dump_json(list(records))


class RoundingCodec(EchoCodec):
    """Keeps two decimals of measured values: correct only with a declared precision."""

    name = "rounding"

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        rounded = [
            r.model_copy(update={"value": round(r.value, 2)}) if isinstance(r, Measurement) else r
            for r in records
        ]
        return super().encode(rounded, ctx)


class ScalingCodec(EchoCodec):
    """Defect: reads measured values twice too large and writes them halved.

    The mistake is symmetric, so every round trip passes: only a known answer catches it.
    """

    name = "scaling"

    @staticmethod
    def _scaled(records: Sequence[Record], factor: float) -> list[Record]:
        return [
            r.model_copy(update={"value": r.value * factor}) if isinstance(r, Measurement) else r
            for r in records
        ]

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        return self._scaled(super().decode(raw, ctx), 2.0)

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        return super().encode(self._scaled(records, 0.5), ctx)


class SpacedCodec(EchoCodec):
    """Defect: writes pretty-printed JSON, not the compact bytes its documentation gives."""

    name = "spaced"

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        return super().encode(records, ctx).replace(b",", b", ")


class DecodeOnlyCodec(EchoCodec):
    """A correct decode-only codec: its class has no encode checks at all."""

    name = "decode-only"
    encode = Codec.encode  # type: ignore[assignment]


def manifest(name: str, **extra: object) -> PluginManifest:
    """A valid manifest for a self-test plugin declaring DECODE and ENCODE."""
    fields: dict[str, object] = {
        "name": name,
        "version": "1.0.0",
        "api_version": API_VERSION,
        "vendor": "kit self-test",
        "description": "a codec for testing the kit",
        "protocols": ("canonical JSON",),
        "capabilities": frozenset({Capability.DECODE, Capability.ENCODE}),
    }
    fields.update(extra)
    return PluginManifest.model_validate(fields)


class PluginWithoutCases:
    """A plugin that registers a codec but gives the kit no case for it."""

    MANIFEST = manifest("no-cases")

    @hookimpl
    def interop_register_adapters(self) -> list[type[Codec]]:
        return [EchoCodec]
