"""The conformance kit: generic checks every adapter must pass, as base test classes.

Subclass a base class in your plugin's tests and set its class attributes (zarr.testing
style); pytest then runs every inherited ``test_*`` method against your adapter::

    class TestMyCodec(CodecConformance):
        codec_cls = MyCodec
        manifest = MANIFEST
        examples = (Path("tests/fixtures/uplink.json").read_bytes(),)
        known_answers = (KnownAnswer("uplink", raw, [Measurement(...)]),)
        batches = my_strategies.messages()

Pick the class that fits the adapter, so that every inherited check applies and none is
skipped: :class:`DecoderConformance` for a decode-only codec, :class:`CodecConformance`
(which adds the encode checks) for a codec that also encodes, :class:`DatasetReaderConformance`
for a reader alone and :class:`DatasetConformance` for a reader with its writer.

Each check is also a plain ``check_*`` function taking a case from
:mod:`interop.testing.cases`; the no-code suite (:mod:`interop.testing.suite`) runs the same
functions over the cases a plugin returns from ``interop_conformance_cases``.
"""

from __future__ import annotations

import difflib
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interop.adapters import (
    Adapter,
    Capability,
    Codec,
    DatasetReader,
    DatasetWriter,
    DecodeContext,
    EncodeContext,
    PluginManifest,
)
from interop.errors import DecodeError, EncodeError
from interop.model.records import RECORD_TYPES, Record, RecordAdapter
from interop.registry import LoadedPlugin, Registry
from interop.testing.cases import (
    CodecCase,
    DatasetCase,
    DatasetKnownAnswer,
    KnownAnswer,
    known_answer_source,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "DECODE_TIMEOUT",
    "CodecConformance",
    "DatasetConformance",
    "DatasetReaderConformance",
    "DecoderConformance",
    "PluginConformance",
    "assert_bytes_equal",
    "assert_records_equal",
    "check_cases_cover_capabilities",
    "check_codec_deterministic",
    "check_codec_examples_valid",
    "check_codec_junk_raises_decode_error",
    "check_codec_known_answers",
    "check_codec_rdf_conforms",
    "check_codec_refuses_unrepresentable",
    "check_codec_round_trip",
    "check_dataset_junk_raises_decode_error",
    "check_dataset_known_answers",
    "check_dataset_round_trip",
    "check_dataset_samples_valid",
    "check_demo",
    "check_manifest",
    "check_plugin_registers",
    "plugin_cases",
]

DECODE_TIMEOUT = 5.0
"""Seconds a decode of junk input may take before the kit calls it a hang."""

JUNK_MAX_SIZE = 512
"""Largest random input fed to a decoder: small, so a slow decoder shows as a hang."""

RDF_MAX_EXAMPLES = 5
"""Generated batches exported to RDF per run: SHACL validation is slow, examples also run."""

T = TypeVar("T")


# comparison -------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _differences(
    expected: object,
    actual: object,
    precision: Mapping[str, float],
    path: str,
    tolerance: float | None,
) -> Iterable[str]:
    """Yield one line per difference; ``tolerance`` applies to numbers at and below ``path``."""
    tolerance = precision.get(path, tolerance)
    where = path or "<record>"
    if tolerance is not None and _is_number(expected) and _is_number(actual):
        if not abs(float(expected) - float(actual)) <= tolerance:  # type: ignore[arg-type]
            yield f"{where}: {expected!r} != {actual!r} (tolerance {tolerance})"
        return
    if tolerance is not None and isinstance(expected, datetime) and isinstance(actual, datetime):
        if not abs((expected - actual).total_seconds()) <= tolerance:
            yield f"{where}: {expected!r} != {actual!r} (tolerance {tolerance} s)"
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys(), key=str):
            child = f"{path}.{key}" if path else str(key)
            if key not in actual:
                yield f"{child}: missing (was {expected[key]!r})"
            elif key not in expected:
                yield f"{child}: appeared ({actual[key]!r})"
            else:
                yield from _differences(expected[key], actual[key], precision, child, tolerance)
        return
    if isinstance(expected, list | tuple) and isinstance(actual, list | tuple):
        if len(expected) != len(actual):
            yield f"{where}: {len(expected)} items became {len(actual)}: {expected!r} -> {actual!r}"
            return
        for item_e, item_a in zip(expected, actual, strict=True):
            yield from _differences(item_e, item_a, precision, path, tolerance)
        return
    if _is_number(expected) and _is_number(actual) and type(expected) is not type(actual):
        yield f"{where}: {expected!r} became {actual!r} ({type(expected).__name__} -> "
        f"{type(actual).__name__})"
        return
    if expected != actual:
        yield f"{where}: {expected!r} != {actual!r}"


def assert_records_equal(
    expected: Sequence[Record],
    actual: Sequence[Record],
    precision: Mapping[str, float] | None = None,
    *,
    what: str = "after the round trip",
) -> None:
    """Fail unless both lists hold the same records in the same order.

    Numbers (and datetimes, in seconds) under a field path named in ``precision`` may differ
    by that absolute tolerance, as the manifest declares; everything else must be exactly
    equal, including int versus float. The failure lists every differing field.
    """
    tolerances = dict(precision or {})
    if len(expected) != len(actual):
        raise AssertionError(
            f"{len(expected)} records became {len(actual)} {what}: "
            f"{[r.kind for r in expected]} -> {[r.kind for r in actual]}"
        )
    problems = []
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if type(want) is not type(got):
            problems.append(f"record {index}: {want.kind} became {got.kind}")
            continue
        lines = list(_differences(want.model_dump(), got.model_dump(), tolerances, "", None))
        problems.extend(f"record {index} ({want.kind}) {line}" for line in lines)
    if problems:
        raise AssertionError(f"records differ {what}:\n  " + "\n  ".join(problems))


def _bytes_lines(data: bytes) -> list[str]:
    """``data`` as lines for a diff: text lines when UTF-8, else 16-byte hex rows."""
    try:
        return data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return [data[at : at + 16].hex(" ") + "\n" for at in range(0, len(data), 16)]


def assert_bytes_equal(expected: bytes, actual: bytes, what: str) -> None:
    """Fail unless the bytes are identical; the failure shows a unified diff of the two."""
    if expected == actual:
        return
    diff = difflib.unified_diff(
        _bytes_lines(expected), _bytes_lines(actual), "expected", "actual", lineterm=""
    )
    body = "".join(line if line.endswith("\n") else line + "\n" for line in diff)
    raise AssertionError(f"{what}: the bytes differ from the known answer:\n{body}")


def _assert_valid_records(records: object, what: str) -> list[Record]:
    """Fail unless ``records`` is a list of canonical records that re-validate unchanged."""
    if not isinstance(records, list):
        raise AssertionError(f"{what} returned {type(records).__name__}, expected a list")
    checked: list[Record] = []
    for index, record in enumerate(records):
        if not isinstance(record, RECORD_TYPES):
            raise AssertionError(
                f"{what}: item {index} is a {type(record).__name__}, not a canonical record"
            )
        again = RecordAdapter.validate_python(record.model_dump())
        if again != record:
            raise AssertionError(f"{what}: record {index} changes when re-validated: {record!r}")
        checked.append(record)
    return checked


# running vendor code ----------------------------------------------------------------------


def _with_timeout(call: Callable[[], T], timeout: float, what: str) -> T:
    """Run ``call`` in a worker thread and fail if it does not return within ``timeout``."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the caller unchanged
            failure.append(exc)

    worker = threading.Thread(target=run, name="interop-conformance-decode", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise AssertionError(f"{what} did not return within {timeout} s (a hang)")
    if failure:
        raise failure[0]
    return outcome[0]


def _only_decode_errors(call: Callable[[], object], what: str) -> object:
    """Call a decoder on bad input: DecodeError is fine, any other exception fails."""
    try:
        return _with_timeout(call, DECODE_TIMEOUT, what)
    except DecodeError:
        return None
    except AssertionError:
        raise
    except Exception as exc:
        raise AssertionError(
            f"{what} raised {type(exc).__name__}: {exc}; bad input must raise only "
            "interop.errors.DecodeError"
        ) from exc


@st.composite
def _damaged(draw: st.DrawFn, examples: Sequence[bytes]) -> bytes:
    """A real example, truncated, bit-flipped or with random bytes spliced in."""
    raw = draw(st.sampled_from(examples))
    if not raw:
        return draw(st.binary(max_size=JUNK_MAX_SIZE))
    how = draw(st.sampled_from(("truncate", "flip", "splice")))
    at = draw(st.integers(0, len(raw) - 1))
    if how == "truncate":
        return raw[:at]
    if how == "flip":
        bit = draw(st.integers(0, 7))
        return raw[:at] + bytes([raw[at] ^ (1 << bit)]) + raw[at + 1 :]
    return raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:]


def _junk(examples: Sequence[bytes]) -> SearchStrategy[bytes]:
    small = [raw for raw in examples if len(raw) <= 64 * JUNK_MAX_SIZE]
    random_bytes = st.binary(max_size=JUNK_MAX_SIZE)
    return st.one_of(random_bytes, _damaged(small)) if small else random_bytes


# plugin-level checks ----------------------------------------------------------------------


def check_manifest(plugin: object) -> PluginManifest:
    """The plugin's ``MANIFEST`` validates, targets this core's API and has a slug name."""
    from interop import API_VERSION

    raw = getattr(plugin, "MANIFEST", None)
    if raw is None:
        raise AssertionError(f"{plugin!r} has no module-level MANIFEST")
    manifest = PluginManifest.model_validate(raw, from_attributes=True)
    if manifest.api_version != API_VERSION:
        raise AssertionError(
            f"manifest targets plugin-API {manifest.api_version}; this core speaks {API_VERSION}"
        )
    return manifest


def check_plugin_registers(plugin: object) -> tuple[Registry, LoadedPlugin]:
    """A strict registry accepts the plugin: hooks known, capabilities exactly implemented."""
    registry = Registry(strict=True, environ={})
    loaded = registry.register(plugin)
    if loaded is None:  # pragma: no cover - strict mode raises instead
        raise AssertionError(f"a strict registry did not register {plugin!r}")
    return registry, loaded


def plugin_cases(registry: Registry, name: str) -> tuple[object, ...]:
    """Call plugin ``name``'s own ``interop_conformance_cases`` hook (empty if it has none).

    The items are returned as the plugin gave them; :func:`check_cases_cover_capabilities`
    reports any that is not a case.
    """
    loaded = registry.get(name)
    for impl in registry.hook.interop_conformance_cases.get_hookimpls():
        if impl.plugin is loaded.module:
            result = impl.function()
            if result is None:
                return ()
            if not isinstance(result, Iterable):
                raise AssertionError(
                    f"interop_conformance_cases of {name!r} returned {result!r}, not a sequence"
                )
            return tuple(result)
    return ()


def check_cases_cover_capabilities(loaded: LoadedPlugin, cases: Sequence[object]) -> None:
    """Every case tests an adapter of the plugin, and every testable capability has a case.

    An untested capability is a defect, so a DECODE codec without a CodecCase fails here.
    """
    problems: list[str] = []
    adapters = set(loaded.adapters)
    codec_cases: list[CodecCase] = []
    dataset_cases: list[DatasetCase] = []
    for case in cases:
        if isinstance(case, CodecCase):
            codec_cases.append(case)
            tested: list[type[Adapter] | None] = [case.codec]
        elif isinstance(case, DatasetCase):
            dataset_cases.append(case)
            tested = [case.reader, case.writer]
        else:
            problems.append(f"{case!r} is not a CodecCase or DatasetCase")
            continue
        for cls in tested:
            if cls is not None and cls not in adapters:
                problems.append(f"{case.id} tests {cls.__qualname__}, not an adapter of the plugin")
    declared = loaded.manifest.capabilities
    for codec in loaded.adapters:
        if not (Capability.DECODE in declared and issubclass(codec, Codec)):
            continue
        mine = [c for c in codec_cases if c.codec is codec]
        if not mine:
            problems.append(f"DECODE: codec {codec.name!r} has no CodecCase")
        elif codec.encode is not Codec.encode and all(c.batches is None for c in mine):
            problems.append(f"ENCODE: codec {codec.name!r} has no CodecCase with batches")
    if Capability.READ_DATASET in declared:
        for reader in loaded.adapters:
            tested_reader = any(
                c.reader is reader and (bool(c.samples) or c.batches is not None)
                for c in dataset_cases
            )
            if issubclass(reader, DatasetReader) and not tested_reader:
                problems.append(f"READ_DATASET: reader {reader.name!r} has no DatasetCase")
    if Capability.WRITE_DATASET in declared:
        for writer in loaded.adapters:
            tested_writer = any(c.writer is writer and c.batches is not None for c in dataset_cases)
            if issubclass(writer, DatasetWriter) and not tested_writer:
                problems.append(f"WRITE_DATASET: writer {writer.name!r} has no DatasetCase batches")
    if problems:
        raise AssertionError(
            f"plugin {loaded.name!r} conformance cases are incomplete:\n  " + "\n  ".join(problems)
        )


def check_demo(registry: Registry, name: str, output_dir: Path) -> None:
    """A DEMO plugin's demo runs offline and writes the files it reports under its folder."""
    results = [r for r in registry.demo(output_dir) if r.plugin == name]
    if len(results) != 1:
        raise AssertionError(f"the demo of {name!r} returned {len(results)} results, expected 1")
    result = results[0]
    if not result.outputs:
        raise AssertionError(f"the demo of {name!r} reported no output files")
    for path in result.outputs:
        if not path.is_file() or not path.resolve().is_relative_to(output_dir.resolve()):
            raise AssertionError(f"demo output {path} is not a file under {output_dir}")


# codec checks -----------------------------------------------------------------------------


def check_codec_round_trip(case: CodecCase, precision: Mapping[str, float]) -> None:
    """``decode(encode(batch)) == batch`` for every representable batch, within precision."""
    if case.batches is None:
        if case.codec.encode is not Codec.encode:
            raise AssertionError(f"{case.id} encodes but its case gives no batches strategy")
        pytest.skip(f"{case.id} is decode-only: no round trip to check")
    codec = case.codec()

    @given(case.batches)
    def round_trip(batch: Sequence[Record]) -> None:
        raw = codec.encode(batch, case.encode_context)
        if not isinstance(raw, bytes):
            raise AssertionError(f"encode returned {type(raw).__name__}, expected bytes")
        back = codec.decode(raw, case.decode_context)
        assert_records_equal(batch, back, precision)

    round_trip()


def check_codec_refuses_unrepresentable(case: CodecCase) -> None:
    """``encode`` raises EncodeError, and nothing else, for records the format cannot hold."""
    if case.unrepresentable is None:
        pytest.skip(f"{case.id} names no unrepresentable records")
    codec = case.codec()

    @given(case.unrepresentable)
    def refuses(batch: Sequence[Record]) -> None:
        try:
            raw = codec.encode(batch, case.encode_context)
        except EncodeError:
            return
        except Exception as exc:
            raise AssertionError(
                f"encode raised {type(exc).__name__}: {exc}; expected interop.errors.EncodeError"
            ) from exc
        raise AssertionError(f"encode silently accepted an unrepresentable batch as {raw!r}")

    refuses()


def check_codec_junk_raises_decode_error(case: CodecCase) -> None:
    """Arbitrary and damaged bytes either decode to valid records or raise DecodeError only."""
    codec = case.codec()

    @given(_junk(case.examples))
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def junk(raw: bytes) -> None:
        result = _only_decode_errors(
            lambda: codec.decode(raw, case.decode_context), f"decode({raw[:80]!r}...)"
        )
        if result is not None:
            _assert_valid_records(result, f"decode({raw[:80]!r})")

    junk()


def check_codec_deterministic(case: CodecCase) -> None:
    """The same bytes in the same context decode to equal records, in any order, any instance."""
    ctx = case.decode_context
    codec = case.codec()
    first = [codec.decode(raw, ctx) for raw in case.examples]
    again = [codec.decode(raw, ctx) for raw in case.examples]
    fresh = case.codec()
    backwards = [fresh.decode(raw, ctx) for raw in reversed(case.examples)][::-1]
    for one, two, three in zip(first, again, backwards, strict=True):
        assert_records_equal(one, two, what="when the same example is decoded again")
        assert_records_equal(one, three, what="when the examples are decoded in reverse order")
    if case.batches is None:
        return

    @given(case.batches)
    def same_twice(batch: Sequence[Record]) -> None:
        raw = codec.encode(batch, case.encode_context)
        again = fresh.decode(raw, ctx)
        assert_records_equal(codec.decode(raw, ctx), again, what="between two decodes")

    same_twice()


def check_codec_examples_valid(case: CodecCase) -> list[Record]:
    """Every real example decodes (no error) to records that re-validate unchanged."""
    if not case.examples:
        raise AssertionError(f"{case.id} has no example messages; add real recorded samples")
    codec = case.codec()
    records: list[Record] = []
    for index, raw in enumerate(case.examples):
        try:
            decoded = codec.decode(raw, case.decode_context)
        except Exception as exc:
            raise AssertionError(
                f"example {index} ({raw[:80]!r}) failed to decode: {type(exc).__name__}: {exc}"
            ) from exc
        records.extend(_assert_valid_records(decoded, f"example {index}"))
    if not records:
        raise AssertionError(f"the examples of {case.id} decode to no records at all")
    return records


def _check_known_answer(codec: Codec, case: CodecCase, answer: KnownAnswer) -> None:
    try:
        decoded = codec.decode(answer.raw, case.decode_context)
    except Exception as exc:
        raise AssertionError(
            f"known answer {answer.name!r} ({answer.raw[:80]!r}) failed to decode: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    _assert_valid_records(decoded, f"known answer {answer.name!r}")
    assert_records_equal(
        answer.records, decoded, what=f"from the known answer {answer.name!r} (expected != got)"
    )
    if answer.encoded is not None:
        raw = codec.encode(answer.records, case.encode_context)
        assert_bytes_equal(answer.encoded, raw, f"encoding known answer {answer.name!r}")


def check_codec_known_answers(case: CodecCase) -> None:
    """Each known answer decodes to exactly its records, and encodes to exactly its bytes.

    Every answer is checked; the failure lists each one that differs, field by field.
    """
    if not case.known_answers:
        raise AssertionError(
            f"{case.id} declares no known answers: add KnownAnswer(name, raw, records) items, "
            "with records written from the format's documentation, to its case"
        )
    codec = case.codec()
    failures = []
    for answer in case.known_answers:
        try:
            _check_known_answer(codec, case, answer)
        except AssertionError as exc:
            failures.append(str(exc))
    if failures:
        raise AssertionError("\n".join(failures))


def _assert_rdf_conforms(records: Sequence[Record], what: str) -> None:
    from interop.rdf import to_graph, validate  # the RDF layer loads rdflib and pyshacl

    report = validate(to_graph(records))
    if not report.conforms:
        raise AssertionError(f"the RDF export of {what} breaks the SHACL shapes:\n{report.text}")


def check_codec_rdf_conforms(case: CodecCase, precision: Mapping[str, float]) -> None:
    """The RDF export of decoded examples and of round-tripped records passes SHACL."""
    _assert_rdf_conforms(check_codec_examples_valid(case), f"the examples of {case.id}")
    if case.batches is None:
        return
    codec = case.codec()

    @given(case.batches)
    @settings(max_examples=RDF_MAX_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
    def exported(batch: Sequence[Record]) -> None:
        back = codec.decode(codec.encode(batch, case.encode_context), case.decode_context)
        _assert_rdf_conforms(back, f"round-tripped records of {case.id}")

    exported()


# dataset checks ---------------------------------------------------------------------------


def _read_all(reader: DatasetReader, source: Path, chunk_size: int) -> list[Record]:
    records: list[Record] = []
    for chunk in reader.read(source, chunk_size=chunk_size):
        if len(chunk) > chunk_size:
            raise AssertionError(f"read yielded a chunk of {len(chunk)} > chunk_size {chunk_size}")
        records.extend(chunk)
    return records


def _by_identity(records: Iterable[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r.kind, r.id))


def check_dataset_round_trip(case: DatasetCase, precision: Mapping[str, float]) -> None:
    """Records written as a dataset (in two chunks) read back equal, in any order."""
    if case.reader is None or case.writer is None or case.batches is None:
        pytest.skip(f"{case.id} needs a reader, a writer and batches for a round trip")
    reader, writer = case.reader(), case.writer()

    @given(case.batches)
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def round_trip(batch: Sequence[Record]) -> None:
        half = len(batch) // 2
        with tempfile.TemporaryDirectory(prefix="interop-dataset-") as folder:
            target = Path(folder) / "dataset"
            written = writer.write([batch[:half], batch[half:]], target)
            if written != len(batch):
                raise AssertionError(f"write reported {written} records, {len(batch)} given")
            back = _read_all(reader, target, chunk_size=3)
        assert_records_equal(_by_identity(batch), _by_identity(back), precision)

    round_trip()


def check_dataset_samples_valid(case: DatasetCase) -> None:
    """Every sample dataset reads to valid records, the same ones on a second read."""
    if case.reader is None or not case.samples:
        pytest.skip(f"{case.id} has no reader samples")
    for sample in case.samples:
        records = _assert_valid_records(
            _read_all(case.reader(), sample, chunk_size=1000), f"reading {sample}"
        )
        if not records:
            raise AssertionError(f"sample {sample} reads to no records")
        again = _read_all(case.reader(), sample, chunk_size=7)
        assert_records_equal(records, again, what=f"when {sample} is read again")


def check_dataset_junk_raises_decode_error(case: DatasetCase) -> None:
    """A file of arbitrary bytes either reads to valid records or raises DecodeError only."""
    if case.reader is None:
        pytest.skip(f"{case.id} has no reader")
    reader = case.reader()

    @given(st.binary(max_size=JUNK_MAX_SIZE))
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def junk(raw: bytes) -> None:
        with tempfile.TemporaryDirectory(prefix="interop-junk-") as folder:
            source = Path(folder) / "junk"
            source.write_bytes(raw)
            result = _only_decode_errors(
                lambda: _read_all(reader, source, chunk_size=1000), f"reading {raw[:80]!r}"
            )
        if result is not None:
            _assert_valid_records(result, f"reading {raw[:80]!r}")

    junk()


def _check_dataset_answer(case: DatasetCase, answer: DatasetKnownAnswer, folder: Path) -> None:
    if case.reader is not None:
        source = known_answer_source(answer.source, folder / "source")
        try:
            read = _read_all(case.reader(), source, chunk_size=1000)
        except Exception as exc:
            raise AssertionError(
                f"known answer {answer.name!r} failed to read: {type(exc).__name__}: {exc}"
            ) from exc
        _assert_valid_records(read, f"known answer {answer.name!r}")
        assert_records_equal(
            _by_identity(answer.records),
            _by_identity(read),
            what=f"from the known answer {answer.name!r} (expected != got, by kind and id)",
        )
    if answer.written is None:
        return
    if case.writer is None:
        raise AssertionError(f"known answer {answer.name!r} gives written files but no writer")
    target = folder / "written"
    case.writer().write([list(answer.records)], target)
    _assert_written(answer.written, target, f"writing known answer {answer.name!r}")


def _assert_written(expected: bytes | Mapping[str, bytes], target: Path, what: str) -> None:
    if isinstance(expected, bytes):
        if not target.is_file():
            raise AssertionError(f"{what}: expected one file at {target}")
        assert_bytes_equal(expected, target.read_bytes(), what)
        return
    if not target.is_dir():
        raise AssertionError(f"{what}: expected a folder of files at {target}")
    found = sorted(path.name for path in target.iterdir())
    if found != sorted(expected):
        raise AssertionError(f"{what}: wrote files {found}, expected {sorted(expected)}")
    for name, content in sorted(expected.items()):
        assert_bytes_equal(content, (target / name).read_bytes(), f"{what}, file {name}")


def check_dataset_known_answers(case: DatasetCase) -> None:
    """Each known answer reads to exactly its records and writes exactly its files.

    Records are compared by kind and id, in any order; every answer is checked and the
    failure lists each one that differs.
    """
    if not case.known_answers:
        raise AssertionError(
            f"{case.id} declares no known answers: add DatasetKnownAnswer(name, source, "
            "records) items, with records written from the format's specification"
        )
    failures = []
    for answer in case.known_answers:
        with tempfile.TemporaryDirectory(prefix="interop-answer-") as folder:
            try:
                _check_dataset_answer(case, answer, Path(folder))
            except AssertionError as exc:
                failures.append(str(exc))
    if failures:
        raise AssertionError("\n".join(failures))


# base classes -----------------------------------------------------------------------------


class PluginConformance:
    """Checks on a whole plugin module: manifest, capabilities, cases and demo.

    Set ``plugin`` to your plugin module (the one your entry point names). The demo check
    is part of the class only when the plugin's manifest declares ``DEMO``: a check that
    does not apply to the plugin is left out, not skipped.
    """

    plugin: ClassVar[object]

    def __init_subclass__(cls, **kwargs: object) -> None:
        """Leave ``test_demo_runs`` out of a subclass whose plugin declares no DEMO."""
        super().__init_subclass__(**kwargs)
        plugin = cls.__dict__.get("plugin")
        manifest = getattr(plugin, "MANIFEST", None)
        capabilities = getattr(manifest, "capabilities", None)
        if capabilities is not None and Capability.DEMO not in capabilities:
            cls.test_demo_runs = None  # type: ignore[assignment,method-assign]

    def test_manifest_valid(self) -> None:
        """Ensure MANIFEST validates, targets this core's plugin API and has a slug name."""
        check_manifest(self.plugin)

    def test_capabilities_implemented(self) -> None:
        """Ensure a strict registry accepts the plugin: every declared capability exists."""
        check_plugin_registers(self.plugin)

    def test_capabilities_have_cases(self) -> None:
        """Ensure ``interop_conformance_cases`` covers every testable declared capability."""
        registry, loaded = check_plugin_registers(self.plugin)
        check_cases_cover_capabilities(loaded, plugin_cases(registry, loaded.name))

    def test_demo_runs(self, tmp_path: Path) -> None:
        """Ensure the plugin's demo runs offline and writes the files it reports."""
        registry, loaded = check_plugin_registers(self.plugin)
        check_demo(registry, loaded.name, tmp_path)


class DecoderConformance:
    """Checks on a decode-only :class:`~interop.adapters.Codec`; set the class attributes.

    ``codec_cls`` is the codec; ``examples`` real vendor messages; ``known_answers`` messages
    with the exact records they must decode to; ``manifest`` supplies the declared
    ``precision``; ``decode_context`` is what examples and answers are decoded with.
    A codec that also encodes subclasses :class:`CodecConformance` instead.
    """

    codec_cls: ClassVar[type[Codec]]
    examples: ClassVar[Sequence[bytes]] = ()
    known_answers: ClassVar[Sequence[KnownAnswer]] = ()
    manifest: ClassVar[PluginManifest | None] = None
    decode_context: ClassVar[DecodeContext] = DecodeContext()

    @classmethod
    def case(cls) -> CodecCase:
        """The class attributes as a :class:`CodecCase`."""
        return CodecCase(
            codec=cls.codec_cls,
            examples=cls.examples,
            decode_context=cls.decode_context,
            known_answers=cls.known_answers,
        )

    @classmethod
    def precision(cls) -> Mapping[str, float]:
        """The manifest's declared precision (exact comparison without a manifest)."""
        return cls.manifest.precision if cls.manifest is not None else {}

    def test_junk_raises_decode_error(self) -> None:
        """Ensure random or damaged bytes raise only DecodeError (no KeyError, no hang)."""
        check_codec_junk_raises_decode_error(self.case())

    def test_deterministic(self) -> None:
        """Ensure the same input and context always decode to the same records."""
        check_codec_deterministic(self.case())

    def test_examples_valid(self) -> None:
        """Ensure every real example decodes to records that re-validate unchanged."""
        check_codec_examples_valid(self.case())

    def test_known_answers(self) -> None:
        """Ensure each known answer decodes to exactly its records (and encodes to its bytes)."""
        check_codec_known_answers(self.case())

    def test_rdf_conforms(self) -> None:
        """Ensure the RDF export of decoded (and round-tripped) records passes the SHACL shapes."""
        check_codec_rdf_conforms(self.case(), self.precision())


class CodecConformance(DecoderConformance):
    """Checks on a :class:`~interop.adapters.Codec` that decodes and encodes.

    Adds to :class:`DecoderConformance`: ``batches``, a strategy of record lists the codec
    can encode as one message and decode back (required); ``unrepresentable``, a strategy of
    record lists encode must refuse (required: every format has limits); ``encode_context``.
    """

    batches: ClassVar[SearchStrategy[Sequence[Record]]]
    unrepresentable: ClassVar[SearchStrategy[Sequence[Record]]]
    encode_context: ClassVar[EncodeContext] = EncodeContext()

    @classmethod
    def case(cls) -> CodecCase:
        """The class attributes as a :class:`CodecCase`."""
        return CodecCase(
            codec=cls.codec_cls,
            examples=cls.examples,
            batches=cls.batches,
            unrepresentable=cls.unrepresentable,
            decode_context=cls.decode_context,
            encode_context=cls.encode_context,
            known_answers=cls.known_answers,
        )

    def test_round_trip(self) -> None:
        """Ensure decode(encode(records)) gives the records back, within declared precision."""
        check_codec_round_trip(self.case(), self.precision())

    def test_refuses_unrepresentable(self) -> None:
        """Ensure encode refuses what the format cannot hold with EncodeError, never silently."""
        check_codec_refuses_unrepresentable(self.case())


class DatasetReaderConformance:
    """Checks on a :class:`~interop.adapters.DatasetReader` alone.

    Set ``reader_cls``, ``samples`` (real dataset paths), ``known_answers`` (small datasets
    with the exact records they must read to) and ``manifest``. A reader that has a writer
    subclasses :class:`DatasetConformance` instead.
    """

    reader_cls: ClassVar[type[DatasetReader]]
    samples: ClassVar[Sequence[Path]] = ()
    known_answers: ClassVar[Sequence[DatasetKnownAnswer]] = ()
    manifest: ClassVar[PluginManifest | None] = None

    @classmethod
    def case(cls) -> DatasetCase:
        """The class attributes as a :class:`DatasetCase`."""
        return DatasetCase(
            reader=cls.reader_cls, samples=cls.samples, known_answers=cls.known_answers
        )

    @classmethod
    def precision(cls) -> Mapping[str, float]:
        """The manifest's declared precision (exact comparison without a manifest)."""
        return cls.manifest.precision if cls.manifest is not None else {}

    def test_samples_valid(self) -> None:
        """Ensure every sample dataset reads to valid records, identically twice."""
        check_dataset_samples_valid(self.case())

    def test_junk_raises_decode_error(self) -> None:
        """Ensure a file of random bytes raises only DecodeError when read."""
        check_dataset_junk_raises_decode_error(self.case())

    def test_known_answers(self) -> None:
        """Ensure each known answer reads to exactly its records (and writes its files)."""
        check_dataset_known_answers(self.case())


class DatasetConformance(DatasetReaderConformance):
    """Checks on a :class:`~interop.adapters.DatasetReader` with its ``DatasetWriter``.

    Adds ``writer_cls`` and ``batches`` (record lists the writer can write and the reader
    read back) to :class:`DatasetReaderConformance`, and the round trip check.
    """

    writer_cls: ClassVar[type[DatasetWriter]]
    batches: ClassVar[SearchStrategy[Sequence[Record]]]

    @classmethod
    def case(cls) -> DatasetCase:
        """The class attributes as a :class:`DatasetCase`."""
        return DatasetCase(
            reader=cls.reader_cls,
            writer=cls.writer_cls,
            batches=cls.batches,
            samples=cls.samples,
            known_answers=cls.known_answers,
        )

    def test_round_trip(self) -> None:
        """Ensure records written as a dataset read back equal, within declared precision."""
        check_dataset_round_trip(self.case(), self.precision())
