"""Conformance classes over the self-test codecs; the outer tests pick one class with -k."""

from datetime import UTC, datetime

from hypothesis import strategies as st
from vendor_codecs import (
    DecodeOnlyCodec,
    DroppingCodec,
    EchoCodec,
    KeyErrorCodec,
    PluginWithoutCases,
    RandomIdCodec,
    RoundingCodec,
    ScalingCodec,
    SilentCodec,
    SpacedCodec,
    manifest,
)

from interop.adapters import EncodeContext
from interop.model import Measurement
from interop.testing import strategies
from interop.testing.cases import KnownAnswer
from interop.testing.conformance import CodecConformance, DecoderConformance, PluginConformance

AT = datetime(2026, 1, 1, tzinfo=UTC)
SAMPLE = [
    Measurement(
        id="urn:x:m:1", property="https://saref.etsi.org/core/Temperature", value=21.5,
        unit="http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",
        timestamp=AT, device="urn:x:device:1", extensions={"acme": {"raw": 215}},
    )
]  # fmt: skip
EXAMPLES = (EchoCodec().encode(SAMPLE, EncodeContext()), b"[]")
RAW = (
    b'[{"kind":"measurement","id":"urn:x:m:1","provenance":null,"extensions":{"acme":{"raw":215}},'
    b'"property":"https://saref.etsi.org/core/Temperature","value":21.5,'
    b'"unit":"http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius",'
    b'"timestamp":"2026-01-01T00:00:00Z","device":"urn:x:device:1","feature_of_interest":null}]'
)
"""SAMPLE as the echo format writes it, by hand: compact canonical JSON."""
NOT_COMMANDS = st.one_of(
    strategies.devices(), strategies.measurements(), strategies.states(), strategies.places()
)
COMMANDS = st.lists(strategies.commands(), min_size=1, max_size=2)


class EchoCase(CodecConformance):
    codec_cls = EchoCodec
    examples = EXAMPLES
    batches = st.lists(NOT_COMMANDS, max_size=3)
    unrepresentable = COMMANDS
    known_answers = (KnownAnswer("one-measurement", RAW, SAMPLE, encoded=RAW),)


class TestEcho(EchoCase):
    pass


class TestDropping(EchoCase):
    codec_cls = DroppingCodec


class TestKeyError(EchoCase):
    codec_cls = KeyErrorCodec


class TestRandomId(EchoCase):
    codec_cls = RandomIdCodec


class TestSilent(EchoCase):
    codec_cls = SilentCodec


FLOATS = strategies.measurements().filter(lambda m: abs(m.value) < 1e9)


class TestRoundingWithPrecision(EchoCase):
    codec_cls = RoundingCodec
    batches = st.lists(FLOATS, min_size=1, max_size=3)
    manifest = manifest("rounding", precision={"value": 0.005})


class TestRoundingWithoutPrecision(TestRoundingWithPrecision):
    manifest = manifest("rounding")


class TestScaling(EchoCase):
    codec_cls = ScalingCodec
    batches = st.lists(
        strategies.measurements().filter(
            lambda m: isinstance(m.value, float) and (m.value == 0 or 1e-300 < abs(m.value) < 1e300)
        ),
        max_size=3,
    )


class TestSpaced(EchoCase):
    codec_cls = SpacedCodec


class TestDecodeOnly(DecoderConformance):
    codec_cls = DecodeOnlyCodec
    examples = EXAMPLES
    known_answers = (KnownAnswer("one-measurement", RAW, SAMPLE),)


class TestPluginWithoutCases(PluginConformance):
    plugin = PluginWithoutCases()
