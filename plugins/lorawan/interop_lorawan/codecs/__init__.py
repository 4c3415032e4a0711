"""Native payload codecs: Cayenne LPP and vendor codecs, one module per vendor.

``builtin_codecs()`` registers every codec under its id: ``cayenne-lpp`` plus the codec ids of
the TTN Device Repository (``ra0715-codec``, ``dl-pm-codec`` ...), so a device profile's codec
id finds the native codec directly; Elsys also answers to ``elsys`` (one TLV format for all).

Decoded object: exactly the maker's ``data`` object (same keys, same string/number/boolean
types, same units-in-strings where the maker does that), so the native codecs and the makers'
JavaScript codecs are interchangeable for the semantic mapping. Cayenne LPP follows The Things
Stack's built-in formatter (``{"temperature_3": 27.2}``; see :mod:`.cayenne`).

Warnings: ``decode_uplink`` (the contract) returns the object only; decoder warnings (e.g.
Sting's ``"Humidity out of range (109.1)"``) come from
:meth:`NativeCodec.decode_uplink_with_warnings`, which returns ``(object, warnings)``.
Errors: only ``DecodeError``/``EncodeError``, naming the device, the byte offset (decode) or
field (encode) and what was expected. The native codecs are stricter than the JS: truncated
frames, trailing bytes, unknown ports/ids are errors, never silently zero or ``undefined``.
Where a maker's arithmetic is unusual but defines the values deployments see (Paxcounter's
wrapping uptime, Dingtek's float routine) the codecs reproduce it; LDS02's short frames are
read as the maker reads them, with a warning.
"""

from __future__ import annotations

from ..payload import PayloadCodec, PayloadCodecs
from . import (
    bosch,
    browan,
    decentlab,
    dingtek,
    dragino,
    ellenex,
    elsys,
    emu,
    mclimate,
    netvox,
    nwave,
    paxcounter,
    plenom,
    sting,
    talkpool,
)
from ._common import NativeCodec
from .cayenne import CayenneLPP

__all__ = ["CayenneLPP", "NativeCodec", "builtin_codecs"]

_ALL: tuple[type[PayloadCodec], ...] = (
    CayenneLPP,
    *netvox.CODECS,
    *decentlab.CODECS,
    *elsys.CODECS,
    *dragino.CODECS,
    *browan.CODECS,
    *nwave.CODECS,
    *paxcounter.CODECS,
    *dingtek.CODECS,
    *ellenex.CODECS,
    *sting.CODECS,
    *talkpool.CODECS,
    *mclimate.CODECS,
    *bosch.CODECS,
    *plenom.CODECS,
    *emu.CODECS,
)


def builtin_codecs() -> PayloadCodecs:
    """A fresh table of every native codec (no global state: callers may add their own)."""
    table = PayloadCodecs()
    for cls in _ALL:
        table.register(cls.codec_id, cls)
    return table
