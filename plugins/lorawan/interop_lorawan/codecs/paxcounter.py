"""ESP32 Paxcounter (open-source firmware), "packed" payload format.

One FPort per message kind; integers are little-endian except the signed ``float`` (2 bytes,
big-endian two's complement, /100) used for the BME temperature. The decoded object is that of
the Device Repository's decoder: the decoded fields plus ``bytes`` (the payload as a list) and
``port``; ``pax`` = wifi + ble on FPort 1. The result carries empty ``warnings``/``errors``.

Deliberate difference from the JS: a frame whose length matches no layout of its port is a
DecodeError (the JS returns only ``bytes``/``port``). The 8-byte ``uptime`` is computed as the
JS does (32-bit shifts that wrap), so readings equal the maker's decoder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..payload import Decoded
from ._common import NativeCodec, Reader, require_port

__all__ = ["CODECS", "Paxcounter"]

Field = tuple[str, int, Callable[[Reader, int, str], Any]]


def _u(size: int) -> Callable[[Reader, int, str], Any]:
    return lambda r, pos, what: r.uint(pos, size, what, little=True)


def _maker_uptime(r: Reader, pos: int, what: str) -> int:
    """The 8-byte uptime as the maker's codec computes it, so readings equal its decoder.

    JavaScript shifts count modulo 32, so the high half is ORed onto the low half and the
    result is a signed 32-bit integer (the corpus status example depends on it).
    """
    r.need(pos, 8, what)
    value = 0
    for index, byte in enumerate(r.data[pos : pos + 8]):
        value |= byte << (8 * (index % 4))
    return value - (1 << 32) if value >= 1 << 31 else value


def _s16(r: Reader, pos: int, what: str) -> int:
    return r.sint(pos, 2, what, little=True)


def _latlng(r: Reader, pos: int, what: str) -> float:
    return round(r.sint(pos, 4, what, little=True) / 1e6, 6)


def _hundredths(r: Reader, pos: int, what: str) -> float:
    return round(r.uint(pos, 2, what, little=True) / 100, 2)


def _tenths(r: Reader, pos: int, what: str) -> float:
    return round(r.uint(pos, 2, what, little=True) / 10, 1)


def _float_be(r: Reader, pos: int, what: str) -> float:
    return round(r.sint(pos, 2, what) / 100, 2)


def _bitmap(names: tuple[str, ...]) -> Callable[[Reader, int, str], Any]:
    """Bit flags, most significant bit first; a repeated name keeps the lowest bit's value."""

    def read(r: Reader, pos: int, what: str) -> dict[str, int]:
        byte = r.uint(pos, 1, what)
        return {name: (byte >> (7 - i)) & 1 for i, name in enumerate(names)}

    return read


def _version(r: Reader, pos: int, what: str) -> str:
    r.need(pos, 10, what)
    return r.data[pos : pos + 10].split(b"\x00")[0].decode("latin-1")


U8, U16, U32 = _u(1), _u(2), _u(4)
LAT, LON = ("latitude", 4, _latlng), ("longitude", 4, _latlng)
GPS_TAIL: tuple[Field, ...] = (("sats", 1, U8), ("hdop", 2, _hundredths), ("altitude", 2, _s16))

LAYOUTS: dict[int, dict[int, tuple[Field, ...]]] = {
    1: {
        2: (("wifi", 2, U16),),
        4: (("wifi", 2, U16), ("ble", 2, U16)),
        8: (("wifi", 2, U16), ("ble", 2, U16), ("PM10", 2, U16), ("PM25", 2, U16)),
        10: (LAT, LON, ("wifi", 2, U16)),
        12: (LAT, LON, ("wifi", 2, U16), ("ble", 2, U16)),
        15: (("wifi", 2, U16), LAT, LON, *GPS_TAIL),
        17: (("wifi", 2, U16), ("ble", 2, U16), LAT, LON, *GPS_TAIL),
    },
    2: {
        20: (
            ("voltage", 2, U16),
            ("uptime", 8, _maker_uptime),
            ("cputemp", 1, U8),
            ("memory", 4, U32),
            ("reset0", 1, U8),
            ("restarts", 4, U32),
        )
    },
    3: {
        20: (
            ("loradr", 1, U8),
            ("txpower", 1, U8),
            ("rssilimit", 2, _s16),
            ("sendcycle", 1, U8),
            ("wifichancycle", 1, U8),
            ("blescantime", 1, U8),
            ("rgblum", 1, U8),
            (
                "flags",
                1,
                _bitmap(
                    (
                        "adr",
                        "screensaver",
                        "screen",
                        "countermode",
                        "blescan",
                        "antenna",
                        "reserved",
                        "reserved",
                    )
                ),
            ),
            (
                "payloadmask",
                1,
                _bitmap(
                    (
                        "battery",
                        "sensor3",
                        "sensor2",
                        "sensor1",
                        "gps",
                        "bme",
                        "reserved",
                        "counter",
                    )
                ),
            ),
            ("version", 10, _version),
        )
    },
    4: {8: (LAT, LON), 13: (LAT, LON, *GPS_TAIL)},
    5: {1: (("button", 1, U8),)},
    7: {
        8: (
            ("temperature", 2, _float_be),
            ("pressure", 2, _tenths),
            ("humidity", 2, _hundredths),
            ("air", 2, _hundredths),
        )
    },
    8: {2: (("voltage", 2, U16),)},
    9: {1: (("timesync_seqno", 1, U8),), 5: (("time", 4, U32), ("timestatus", 1, U8))},
    10: {2: (("ens", 2, U16),)},
}


class Paxcounter(NativeCodec):
    """Paxcounter people counter (wifi/BLE device counts, GPS, BME sensor, status)."""

    codec_id = "esp32-paxcounter-codec"
    vendor = "opensource"

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Pick the layout by FPort and length, then read the fields in order."""
        require_port(self.codec_id, device, f_port, LAYOUTS)
        r = Reader(data, codec_id=self.codec_id, device=device)
        layouts = LAYOUTS[f_port]
        if len(data) not in layouts:
            raise r.error(
                min(len(data), max(layouts)),
                f"no FPort {f_port} layout is {len(data)} bytes long",
                f"a length of {sorted(layouts)} bytes",
            )
        out: Decoded = {}
        pos = 0
        for name, size, read in layouts[len(data)]:
            out[name] = read(r, pos, name)
            pos += size
        if f_port == 1:
            out["pax"] = out.get("wifi", 0) + out.get("ble", 0)
        out["bytes"] = list(data)
        out["port"] = f_port
        return out


CODECS: tuple[type[NativeCodec], ...] = (Paxcounter,)
