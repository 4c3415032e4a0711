"""The plugin passes the conformance kit: round trips of every record type, junk input."""

from __future__ import annotations

import interop_ngsild
from interop_ngsild.codec import (
    ConciseCodec,
    EntityReader,
    EntityWriter,
    KeyValuesCodec,
    NormalizedCodec,
)
from interop_ngsild.conformance import (
    batches,
    dataset_known_answers,
    known_answers,
    sample_entities,
    sample_files,
    unrepresentable,
)
from interop_ngsild.manifest import MANIFEST
from interop_ngsild.representation import Representation

from interop.testing.conformance import CodecConformance, DatasetConformance, PluginConformance


class TestNgsiLdPlugin(PluginConformance):
    plugin = interop_ngsild


class TestNormalizedCodec(CodecConformance):
    codec_cls = NormalizedCodec
    manifest = MANIFEST
    examples = (sample_entities(Representation.NORMALIZED),)
    known_answers = known_answers(Representation.NORMALIZED)
    batches = batches()
    unrepresentable = unrepresentable()


class TestConciseCodec(CodecConformance):
    codec_cls = ConciseCodec
    manifest = MANIFEST
    examples = (sample_entities(Representation.CONCISE),)
    known_answers = known_answers(Representation.CONCISE)
    batches = batches()
    unrepresentable = unrepresentable()


class TestKeyValuesCodec(CodecConformance):
    codec_cls = KeyValuesCodec
    manifest = MANIFEST
    examples = (sample_entities(Representation.KEY_VALUES),)
    known_answers = known_answers(Representation.KEY_VALUES)
    batches = batches(measurements=False)
    unrepresentable = unrepresentable(measurements=True)


class TestEntityFiles(DatasetConformance):
    reader_cls = EntityReader
    writer_cls = EntityWriter
    manifest = MANIFEST
    batches = batches()
    samples = sample_files()
    known_answers = dataset_known_answers()
