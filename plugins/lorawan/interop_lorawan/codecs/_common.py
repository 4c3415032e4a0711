"""Shared helpers for the native codecs: strict byte reading and errors.

Errors name the device and the byte offset; warnings have a side channel; helpers keep the
float/int conventions that make results equal the makers' JS.

Why a helper: every codec must fail the same way (``DecodeError`` naming the device, the byte
offset and what was expected) and never with ``IndexError``/``KeyError``; centralising the byte
access makes that a property of the module rather than of each codec's care.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from interop.errors import DecodeError, EncodeError

from ..payload import Decoded, PayloadCodec

__all__ = [
    "NativeCodec",
    "Reader",
    "decode_error",
    "encode_error",
    "require_port",
    "to_raw",
]


def decode_error(
    codec_id: str, device: str, offset: int, message: str, expected: str
) -> DecodeError:
    """A DecodeError whose text names the codec, the device and the byte offset."""
    return DecodeError(
        f"{codec_id}: {message} at byte offset {offset}",
        source=device,
        field=f"byte {offset}",
        expected=expected,
    )


def encode_error(
    codec_id: str, device: str, field: str, message: str, expected: str
) -> EncodeError:
    """An EncodeError naming the codec, the device and the offending field."""
    return EncodeError(f"{codec_id}: {message}", source=device, field=field, expected=expected)


def require_port(codec_id: str, device: str, f_port: int, allowed: Collection[int]) -> None:
    """Refuse an FPort the codec does not know (offset 0: nothing of the payload was usable)."""
    if f_port not in allowed:
        raise DecodeError(
            f"{codec_id}: unsupported FPort {f_port} at byte offset 0",
            source=device,
            field="f_port",
            expected=f"FPort one of {sorted(allowed)}"
            if len(allowed) < 20
            else f"FPort {min(allowed)}..{max(allowed)}",
        )


class Reader:
    """Bounds-checked big/little-endian integer reads over one payload."""

    __slots__ = ("codec_id", "data", "device")

    def __init__(self, data: bytes, *, codec_id: str, device: str) -> None:
        self.data = data
        self.codec_id = codec_id
        self.device = device

    def __len__(self) -> int:
        return len(self.data)

    def error(self, offset: int, message: str, expected: str) -> DecodeError:
        """A DecodeError for this payload."""
        return decode_error(self.codec_id, self.device, offset, message, expected)

    def need(self, offset: int, size: int, what: str) -> None:
        """Raise unless ``size`` bytes are available at ``offset``."""
        if offset < 0 or offset + size > len(self.data):
            raise self.error(
                offset,
                f"payload truncated reading {what} ({len(self.data)} bytes)",
                f"{size} byte(s) for {what}",
            )

    def uint(self, offset: int, size: int, what: str, *, little: bool = False) -> int:
        """Unsigned integer of ``size`` bytes at ``offset``."""
        self.need(offset, size, what)
        return int.from_bytes(
            self.data[offset : offset + size], "little" if little else "big", signed=False
        )

    def sint(self, offset: int, size: int, what: str, *, little: bool = False) -> int:
        """Two's-complement integer of ``size`` bytes at ``offset``."""
        self.need(offset, size, what)
        return int.from_bytes(
            self.data[offset : offset + size], "little" if little else "big", signed=True
        )

    def exact_length(self, size: int, what: str) -> None:
        """Raise unless the payload is exactly ``size`` bytes (truncated or trailing bytes)."""
        if len(self.data) < size:
            raise self.error(
                len(self.data),
                f"payload truncated ({len(self.data)} bytes)",
                f"{size} bytes of {what}",
            )
        if len(self.data) > size:
            raise self.error(
                size, f"{len(self.data) - size} trailing byte(s)", f"{size} bytes of {what}"
            )


def to_raw(
    value: object,
    *,
    scale: float,
    size: int,
    signed: bool,
    codec_id: str,
    device: str,
    field: str,
) -> int:
    """``value * scale`` as an integer that fits ``size`` bytes, or EncodeError.

    Refuses non-numbers, values that are not a multiple of the resolution (beyond float noise)
    and values outside the range the bytes can carry.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise encode_error(codec_id, device, field, f"not a number: {value!r}", "a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise encode_error(codec_id, device, field, f"not finite: {value!r}", "a finite number")
    scaled = value * scale
    raw = round(scaled)
    if abs(scaled - raw) > 1e-6 * max(1.0, abs(scaled)):
        raise encode_error(
            codec_id,
            device,
            field,
            f"{value!r} is finer than the resolution",
            f"a multiple of {1 / scale:g}",
        )
    bits = 8 * size
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if not low <= raw <= high:
        raise encode_error(
            codec_id,
            device,
            field,
            f"{value!r} is out of range",
            f"{low / scale:g} to {high / scale:g}",
        )
    return raw


class NativeCodec(PayloadCodec):
    """A :class:`PayloadCodec` that can also report decoder warnings.

    The contract's ``decode_uplink`` returns exactly the maker's ``data`` object. Warnings
    (the ``warnings`` array of a TTN decoder result) are available from
    :meth:`decode_uplink_with_warnings`, so callers that care (envelope mapping,
    ``decoded_payload_warnings``) can get them without changing the contract.
    """

    def decode_uplink_with_warnings(
        self, f_port: int, data: bytes, *, device: str = "device"
    ) -> tuple[Decoded, list[str]]:
        """The decoded object and the decoder warnings (empty unless the codec emits some)."""
        return self.decode_uplink(f_port, data, device=device), []
