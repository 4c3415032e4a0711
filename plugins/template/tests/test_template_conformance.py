"""The template passes the conformance kit: this is all a vendor's kit test needs."""

from __future__ import annotations

import interop_template
from interop_template.codec import TemplateJsonCodec
from interop_template.conformance import ROUND_TRIP_CONTEXT, messages, unrepresentable
from interop_template.demo import sample_messages
from interop_template.expected import known_answers
from interop_template.manifest import MANIFEST

from interop.testing.conformance import CodecConformance, PluginConformance


class TestTemplatePlugin(PluginConformance):
    plugin = interop_template


class TestTemplateJsonCodec(CodecConformance):
    codec_cls = TemplateJsonCodec
    manifest = MANIFEST
    examples = tuple(sample_messages().values())
    batches = messages()
    unrepresentable = unrepresentable()
    decode_context = ROUND_TRIP_CONTEXT
    known_answers = known_answers(ROUND_TRIP_CONTEXT)
