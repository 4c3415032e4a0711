"""Conformance cases: what a plugin hands the conformance kit about each of its adapters.

A plugin returns these from its ``interop_conformance_cases`` hook. A case names an adapter
class and describes, as Hypothesis strategies and real samples, what the adapter must
handle: the records it can represent (they must survive a round trip), the records it must
refuse, and recorded vendor messages or files it must decode. The kit
(:mod:`interop.testing.conformance`) turns each case into tests.

Hypothesis is imported only for type checking here: plugins import this module inside their
hook function, so a plugin never needs Hypothesis at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from interop.adapters import Codec, DatasetReader, DatasetWriter, DecodeContext, EncodeContext

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from interop.model.records import Record

__all__ = ["CodecCase", "ConformanceCase", "DatasetCase"]


@dataclass(frozen=True, slots=True)
class CodecCase:
    """How to test one :class:`~interop.adapters.Codec`.

    ``batches`` draws lists of records the codec can write as *one* message and read back
    unchanged (within the manifest's ``precision``): ids, provenance and all, exactly as
    ``codec.decode(..., decode_context)`` would produce them. Leave it ``None`` only for a
    decode-only codec. ``unrepresentable`` draws lists that ``encode`` must refuse with
    :class:`~interop.errors.EncodeError`. ``examples`` are real vendor messages, each of which
    must decode to valid records.
    """

    codec: type[Codec]
    examples: Sequence[bytes]
    batches: SearchStrategy[Sequence[Record]] | None = None
    unrepresentable: SearchStrategy[Sequence[Record]] | None = None
    decode_context: DecodeContext = field(default_factory=DecodeContext)
    encode_context: EncodeContext = field(default_factory=EncodeContext)

    @property
    def id(self) -> str:
        """A short name for test ids: ``codec:<adapter name>``."""
        return f"codec:{self.codec.name}"


@dataclass(frozen=True, slots=True)
class DatasetCase:
    """How to test a :class:`~interop.adapters.DatasetReader` and/or ``DatasetWriter``.

    ``batches`` draws record lists the writer can write and the reader read back unchanged
    (within the manifest's ``precision``); ``samples`` are real datasets (files or folders)
    the reader must read into valid records.
    """

    reader: type[DatasetReader] | None = None
    writer: type[DatasetWriter] | None = None
    batches: SearchStrategy[Sequence[Record]] | None = None
    samples: Sequence[Path] = ()

    @property
    def id(self) -> str:
        """A short name for test ids: ``dataset:<reader name>/<writer name>``."""
        names = [cls.name for cls in (self.reader, self.writer) if cls is not None]
        return "dataset:" + "/".join(dict.fromkeys(names))


ConformanceCase = CodecCase | DatasetCase
"""Anything an ``interop_conformance_cases`` hook may return."""
