"""Conformance cases: what a plugin hands the conformance kit about each of its adapters.

A plugin returns these from its ``interop_conformance_cases`` hook. A case names an adapter
class and describes, as Hypothesis strategies and real samples, what the adapter must
handle: the records it can represent (they must survive a round trip), the records it must
refuse, recorded vendor messages or files it must decode, and known answers: messages with
the exact records they must decode to (and the exact bytes those records must encode to),
written by hand from the vendor's documentation. The kit (:mod:`interop.testing.conformance`)
turns each case into tests.

Hypothesis is imported only for type checking here: plugins import this module inside their
hook function, so a plugin never needs Hypothesis at run time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from interop.adapters import Codec, DatasetReader, DatasetWriter, DecodeContext, EncodeContext

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from interop.model.records import Record

__all__ = [
    "CodecCase",
    "ConformanceCase",
    "DatasetCase",
    "DatasetKnownAnswer",
    "KnownAnswer",
    "known_answer_source",
]


@dataclass(frozen=True, slots=True)
class KnownAnswer:
    """One message and the records it must decode to, exactly; optionally its encoding.

    ``records`` are written by hand from the format's specification or the vendor's
    documentation, never produced by the codec under test: a round trip cannot catch a
    mistake made the same way in both directions, a known answer can. ``encoded`` is the
    exact bytes ``encode(records)`` must give (omit it for a decode-only codec, or when the
    codec's output is not byte-stable). ``name`` labels the answer in failure messages.
    """

    name: str
    raw: bytes
    records: Sequence[Record]
    encoded: bytes | None = None


@dataclass(frozen=True, slots=True)
class DatasetKnownAnswer:
    """A small dataset and the records it must read to, exactly; optionally what is written.

    ``source`` is the dataset as the reader takes it: ``bytes`` for a one-file format, or a
    mapping of file names to contents for a folder (a GTFS feed). ``written``, in the same
    shape, is exactly what the writer must produce from ``records`` (every file, byte for
    byte: number formats, colours, times past midnight). Read order matters: ``records`` are
    compared in the order the reader yields them.
    """

    name: str
    source: bytes | Mapping[str, bytes]
    records: Sequence[Record]
    written: bytes | Mapping[str, bytes] | None = None


def known_answer_source(content: bytes | Mapping[str, bytes], target: Path) -> Path:
    """Lay out ``content`` at ``target``: a file of those bytes, or a folder of those files."""
    if isinstance(content, bytes):
        target.write_bytes(content)
        return target
    target.mkdir()
    for name, data in content.items():
        (target / name).write_bytes(data)
    return target


@dataclass(frozen=True, slots=True)
class CodecCase:
    """How to test one :class:`~interop.adapters.Codec`.

    ``batches`` draws lists of records the codec can write as *one* message and read back
    unchanged (within the manifest's ``precision``): ids, provenance and all, exactly as
    ``codec.decode(..., decode_context)`` would produce them. Leave it ``None`` only for a
    decode-only codec. ``unrepresentable`` draws lists that ``encode`` must refuse with
    :class:`~interop.errors.EncodeError`. ``examples`` are real vendor messages, each of which
    must decode to valid records; ``known_answers`` give, for messages like them, the exact
    records they must decode to (decoded with ``decode_context``).
    """

    codec: type[Codec]
    examples: Sequence[bytes]
    batches: SearchStrategy[Sequence[Record]] | None = None
    unrepresentable: SearchStrategy[Sequence[Record]] | None = None
    decode_context: DecodeContext = field(default_factory=DecodeContext)
    encode_context: EncodeContext = field(default_factory=EncodeContext)
    known_answers: Sequence[KnownAnswer] = ()

    @property
    def id(self) -> str:
        """A short name for test ids: ``codec:<adapter name>``."""
        return f"codec:{self.codec.name}"


@dataclass(frozen=True, slots=True)
class DatasetCase:
    """How to test a :class:`~interop.adapters.DatasetReader` and/or ``DatasetWriter``.

    ``batches`` draws record lists the writer can write and the reader read back unchanged
    (within the manifest's ``precision``); ``samples`` are real datasets (files or folders)
    the reader must read into valid records; ``known_answers`` are small datasets with the
    exact records they must read to (and what the writer must write from them).
    """

    reader: type[DatasetReader] | None = None
    writer: type[DatasetWriter] | None = None
    batches: SearchStrategy[Sequence[Record]] | None = None
    samples: Sequence[Path] = ()
    known_answers: Sequence[DatasetKnownAnswer] = ()

    @property
    def id(self) -> str:
        """A short name for test ids: ``dataset:<reader name>/<writer name>``."""
        names = [cls.name for cls in (self.reader, self.writer) if cls is not None]
        return "dataset:" + "/".join(dict.fromkeys(names))


ConformanceCase = CodecCase | DatasetCase
"""Anything an ``interop_conformance_cases`` hook may return."""
