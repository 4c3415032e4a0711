"""What the conformance kit needs to test this plugin: the uplink codec's case.

The uplink codec is decode-only (uplinks are device-originated), so its case has no
``batches`` and no ``unrepresentable`` strategy: the kit checks the sample envelopes decode
to valid, SHACL-conforming records, deterministically, and that junk gives only DecodeError.
"""

from __future__ import annotations

from interop.testing.cases import CodecCase
from interop_lorawan.demo import DEMO_CONTEXT, sample_messages
from interop_lorawan.expected import known_answers
from interop_lorawan.uplink import LorawanUplinkCodec

__all__ = ["conformance_cases"]


def conformance_cases() -> list[CodecCase]:
    """The cases this plugin's ``interop_conformance_cases`` hook returns."""
    return [
        CodecCase(
            codec=LorawanUplinkCodec,
            examples=tuple(sample_messages()),
            decode_context=DEMO_CONTEXT,
            known_answers=known_answers(DEMO_CONTEXT),
        )
    ]
