"""The contract every device payload codec meets, and the table that finds codecs by id.

A payload codec works on the application payload (FRMPayload) of one device model, like the
``decodeUplink`` / ``encodeDownlink`` / ``decodeDownlink`` functions of The Things Network
Device Repository: bytes and an FPort in, a JSON-like *decoded object* out (the same object
the maker's codec returns as ``data``), and back for downlinks. Turning that object into
canonical records is the semantic mapping's job, not the codec's.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from interop.errors import DecodeError, EncodeError, PluginError

__all__ = ["Downlink", "PayloadCodec", "PayloadCodecs"]

Decoded = dict[str, Any]
"""A decoded object: JSON-compatible values (str, int, float, bool, None, lists, dicts)."""


@dataclass(frozen=True, slots=True)
class Downlink:
    """An encoded downlink: the FPort (None when the codec names none) and the bytes."""

    f_port: int | None
    data: bytes


class PayloadCodec(ABC):
    """Decode (and, where the device takes downlinks, encode) one device model's payloads.

    ``decode_uplink`` raises only :class:`~interop.errors.DecodeError` (naming the device, the
    byte offset and what was expected); ``encode_downlink`` only
    :class:`~interop.errors.EncodeError`. Codecs are pure: no I/O, no clock.
    """

    codec_id: ClassVar[str]
    """Stable id, e.g. ``cayenne-lpp`` or ``elsys``; what device profiles refer to."""
    vendor: ClassVar[str] = ""
    """Vendor id in the Device Repository (``elsys``), for the semantic mapping overrides."""
    uses_f_port: ClassVar[bool] = True
    """Whether decoding depends on the FPort (a bare payload must then name it)."""
    takes_recv_time: ClassVar[bool] = False
    """Whether ``decode_uplink`` takes ``recv_time=`` (the uplink's receive time)."""

    @abstractmethod
    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Decode an uplink FRMPayload into the maker's decoded object."""

    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """Encode a downlink object into FPort + bytes; codecs without downlinks refuse."""
        raise EncodeError(
            f"codec {self.codec_id!r} has no downlink encoder", source=device, field="downlink"
        )

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Decode a downlink payload back into its object; codecs without downlinks refuse."""
        raise DecodeError(
            f"codec {self.codec_id!r} has no downlink decoder", source=device, field="downlink"
        )


class PayloadCodecs:
    """Payload codecs by id: built-in ones plus any the caller registers (no global state)."""

    def __init__(self) -> None:
        self._factories: dict[str, Callable[[], PayloadCodec]] = {}

    def register(self, codec_id: str, factory: Callable[[], PayloadCodec]) -> None:
        """Make ``codec_id`` resolve to codecs built by ``factory``."""
        if codec_id in self._factories:
            raise PluginError(
                "a payload codec is already registered under this id",
                source=codec_id,
                expected="a unique codec id",
            )
        self._factories[codec_id] = factory

    def get(self, codec_id: str) -> PayloadCodec:
        """A codec instance for ``codec_id``."""
        try:
            return self._factories[codec_id]()
        except KeyError:
            raise PluginError(
                "unknown payload codec",
                source=codec_id,
                field="codec",
                expected=f"one of {sorted(self._factories)}",
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._factories))

    def __contains__(self, codec_id: object) -> bool:
        return codec_id in self._factories
