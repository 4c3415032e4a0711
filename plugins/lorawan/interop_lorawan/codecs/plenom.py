"""Plenom Kuando Busylight (LoRaWAN status light).

Uplink (24 bytes): RSSI, SNR, messages received and sent as little-endian int32, then the
last colour (red, blue, green), on/off times, software and hardware revisions and ADR state,
one byte each. Other lengths decode to ``{"bytes": [...]}`` as in Plenom's decoder.
Downlink (FPort 15, 5 bytes): ``[red][blue][green][ontime][offtime]`` -- note blue before
green. Encoding refuses values outside 0..255 (the JS silently masks them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..payload import Decoded, Downlink
from ._common import NativeCodec, Reader, encode_error, require_port, to_raw

__all__ = ["CODECS", "PlenomBusylight"]

DOWNLINK_ORDER = ("red", "blue", "green", "ontime", "offtime")
UPLINK_BYTES = (
    "lastcolor_red",
    "lastcolor_blue",
    "lastcolor_green",
    "lastcolor_ontime",
    "lastcolor_offtime",
    "sw_rev",
    "hw_rev",
    "adr_state",
)


class PlenomBusylight(NativeCodec):
    """Busylight: status uplink, colour/blink downlink."""

    codec_id = "busylight-codec"
    vendor = "plenom"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """The 24-byte status report, or the raw bytes."""
        r = Reader(data, codec_id=self.codec_id, device=device)
        if len(data) != 24:
            return {"bytes": list(data)}
        out: Decoded = {
            name: r.sint(4 * i, 4, name, little=True)
            for i, name in enumerate(("RSSI", "SNR", "messages_received", "messages_send"))
        }
        out.update({name: data[16 + i] for i, name in enumerate(UPLINK_BYTES)})
        return out

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """5 bytes on FPort 15."""
        require_port(self.codec_id, device, f_port, (15,))
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(5, "a colour command")
        return dict(zip(DOWNLINK_ORDER, data, strict=True))

    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """``{red, green, blue, ontime, offtime}`` (each 0..255) -> 5 bytes on FPort 15."""
        if set(obj) != set(DOWNLINK_ORDER):
            raise encode_error(
                self.codec_id, device, "downlink", f"fields {sorted(obj)}", str(DOWNLINK_ORDER)
            )
        return Downlink(
            15,
            bytes(
                to_raw(
                    obj[k],
                    scale=1,
                    size=1,
                    signed=False,
                    codec_id=self.codec_id,
                    device=device,
                    field=k,
                )
                for k in DOWNLINK_ORDER
            ),
        )


CODECS: tuple[type[NativeCodec], ...] = (PlenomBusylight,)
