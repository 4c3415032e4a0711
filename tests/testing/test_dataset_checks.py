"""The dataset checks, called directly on a tiny JSON-lines reader and writer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from interop.adapters import DatasetReader, DatasetWriter
from interop.errors import DecodeError
from interop.model import Record, RecordAdapter
from interop.testing import strategies
from interop.testing.cases import DatasetCase
from interop.testing.conformance import (
    check_dataset_junk_raises_decode_error,
    check_dataset_round_trip,
    check_dataset_samples_valid,
)

BATCHES = st.lists(strategies.measurements() | strategies.states(), max_size=5)


class LinesReader(DatasetReader):
    name = "lines"

    def read(self, source: Path, *, chunk_size: int = 10_000) -> Iterator[list[Record]]:
        chunk: list[Record] = []
        try:
            for line in source.read_bytes().splitlines():
                chunk.append(RecordAdapter.validate_json(line))
                if len(chunk) == chunk_size:
                    yield chunk
                    chunk = []
        except PydanticValidationError as exc:
            raise DecodeError(str(exc), source=str(source)) from exc
        if chunk:
            yield chunk


class LinesWriter(DatasetWriter):
    name = "lines"

    def write(self, chunks: Iterable[Sequence[Record]], target: Path) -> int:
        lines = [RecordAdapter.dump_json(r) for chunk in chunks for r in chunk]
        target.write_bytes(b"".join(line + b"\n" for line in lines))
        return len(lines)


class ForgetfulWriter(LinesWriter):
    def write(self, chunks: Iterable[Sequence[Record]], target: Path) -> int:
        return super().write(list(chunks)[:1], target)  # loses every chunk but the first


class CrashingReader(LinesReader):
    def read(self, source: Path, *, chunk_size: int = 10_000) -> Iterator[list[Record]]:
        yield [RecordAdapter.validate_json(line) for line in source.read_bytes().splitlines()]


@pytest.fixture(autouse=True)
def _fast_profile():
    """Few examples and no shrinking: these tests only need to know whether a check fails."""
    settings.register_profile(
        "dataset-selftest", max_examples=15, deadline=None, phases=(Phase.explicit, Phase.generate)
    )
    settings.load_profile("dataset-selftest")  # the conftest restores the previous profile


def test_a_correct_dataset_adapter_passes(tmp_path):
    sample = tmp_path / "sample.jsonl"
    sample.write_bytes(
        b'{"kind": "state", "id": "urn:x:s:1", "device": "urn:x:d:1", "value": "on",'
        b' "timestamp": "2026-01-01T00:00:00Z"}\n'
    )
    case = DatasetCase(LinesReader, LinesWriter, BATCHES, (sample,))
    check_dataset_round_trip(case, {})
    check_dataset_junk_raises_decode_error(case)
    check_dataset_samples_valid(case)


def test_a_writer_that_loses_chunks_fails_the_round_trip():
    with pytest.raises(AssertionError, match="write reported"):
        check_dataset_round_trip(DatasetCase(LinesReader, ForgetfulWriter, BATCHES), {})


def test_a_reader_that_leaks_pydantic_errors_fails_the_junk_check():
    with pytest.raises(AssertionError, match="raised ValidationError"):
        check_dataset_junk_raises_decode_error(DatasetCase(reader=CrashingReader))
