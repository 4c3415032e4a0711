"""Move records from any source to any target named by a plugin-qualified URI.

A URI is ``scheme:path``. ``records:`` (canonical records as JSON Lines) and ``rdf:``
(N-Triples streamed, Turtle or JSON-LD by suffix) are built in; any other scheme names a
plugin, whose DatasetReader/DatasetWriter is used when it has one, else its Codec (a folder
holds one message per file, a ``.jsonl``/``.ndjson`` file one message per line, any other
file is one message). ``plugin+adapter:path`` picks one Codec by name when the plugin has
several (``lorawan+downlink:``). Data always passes through the canonical model: there is
no vendor-to-vendor path.

Reading is lenient when the caller passes a :class:`~interop.setaside.SetAsideLog`: a
reader or codec reports what it could not turn into records through :mod:`interop.setaside`
(a codec's undecodable message or line is set aside here, with the codec's reason) and the
conversion goes on. Without a log, or with a strict one, the first bad item stops it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError as PydanticValidationError

from interop.adapters import Codec, DatasetReader, DatasetWriter, DecodeContext, EncodeContext
from interop.errors import DecodeError, InteropError, ValidationError
from interop.model.records import Record, RecordAdapter, record_json
from interop.registry import Registry
from interop.setaside import SetAsideLog, collecting, set_aside

__all__ = ["BUILTIN_SCHEMES", "DataUri", "convert", "read_records", "write_records"]

BUILTIN_SCHEMES = frozenset({"records", "rdf"})
_LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class DataUri:
    """A parsed ``scheme:path`` reference to data."""

    scheme: str
    path: Path
    adapter: str | None = None
    """Adapter name after ``+`` in the scheme (``lorawan+ttn-v3``), if given."""

    @classmethod
    def parse(cls, text: str) -> DataUri:
        """Split ``gtfs:feed.zip`` into scheme and path; a bare path is refused."""
        scheme, sep, path = text.partition(":")
        if not sep or not scheme or not path or os.sep in scheme or len(scheme) == 1:
            raise ValidationError(
                "not a plugin-qualified URI",
                source=text,
                expected="scheme:path such as gtfs:feed.zip, rdf:out.nt or records:in.jsonl",
            )
        plugin, plus, adapter = scheme.lower().partition("+")
        return cls(plugin, Path(path), adapter if plus else None)

    def __str__(self) -> str:
        adapter = f"+{self.adapter}" if self.adapter else ""
        return f"{self.scheme}{adapter}:{self.path}"


def _chunked(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read_jsonl(path: Path) -> Iterator[Record]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield RecordAdapter.validate_json(line)
            except PydanticValidationError as exc:
                raise ValidationError(
                    f"line {number} is not a canonical record: {exc.errors(include_url=False)}",
                    source=str(path),
                    expected="one JSON record per line, with a 'kind' field",
                ) from exc


def _messages(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for child in sorted(p for p in path.iterdir() if p.is_file()):
            yield str(child), child.read_bytes()
    elif path.suffix in _LINE_SUFFIXES:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield f"{path}:{number}", line.rstrip(b"\r\n")
    else:
        yield str(path), path.read_bytes()


_RDF_FORMATS = {".nt": "nt", ".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld"}


def _rdf_format(path: Path) -> str:
    try:
        return _RDF_FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValidationError(
            "unknown RDF file suffix", source=str(path), expected=", ".join(_RDF_FORMATS)
        ) from None


def _read_rdf(path: Path) -> list[Record]:
    import rdflib

    from interop.rdf import from_graph, from_jsonld

    fmt = _rdf_format(path)
    if fmt == "json-ld":
        return from_jsonld(path.read_text(encoding="utf-8"))
    graph = rdflib.Graph()
    try:
        graph.parse(path, format=fmt)
    except InteropError:
        raise
    except Exception as exc:  # rdflib raises many unrelated types on malformed input
        raise DecodeError(f"unreadable RDF: {exc}", source=str(path)) from exc
    return from_graph(graph)


def _write_rdf(records: Iterable[Record], path: Path, named: Path) -> int:
    """Stream N-Triples to ``path``; build a graph only for Turtle or JSON-LD output.

    ``named`` is the final file name, whose suffix picks the format.
    """
    from interop.rdf import to_jsonld, to_turtle, write_ntriples

    fmt = _rdf_format(named)
    if fmt == "nt":
        count = 0

        def counting() -> Iterator[Record]:
            nonlocal count
            for record in records:
                count += 1
                yield record

        with path.open("w", encoding="utf-8") as out:
            write_ntriples(counting(), out)
        return count
    materialised = list(records)
    if fmt == "json-ld":
        path.write_text(to_jsonld(materialised), encoding="utf-8")
    else:
        path.write_text(to_turtle(materialised), encoding="utf-8")
    return len(materialised)


def _adapter_options(cls: type, options: Mapping[str, str]) -> dict[str, str]:
    """The ``options`` an adapter class's constructor accepts (by keyword)."""
    import inspect

    try:
        accepted = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return {}
    return {key: value for key, value in options.items() if key in accepted}


def read_records(
    registry: Registry,
    uri: DataUri,
    *,
    chunk_size: int = 10_000,
    options: Mapping[str, str] | None = None,
    hints: Mapping[str, str] | None = None,
) -> Iterator[list[Record]]:
    """Return the records behind ``uri`` as an iterator of chunks.

    The input and its adapter are checked now, so a missing file or unknown plugin fails
    before any output is opened; the data itself is read lazily as the iterator is consumed.
    ``options`` (e.g. ``namespace``) go to a dataset reader whose constructor takes them;
    ``hints`` (e.g. ``codec``, ``profiles``) to a codec with every message. A codec's
    message that does not decode is set aside (see :mod:`interop.setaside`) when the
    consumer collects into a lenient log, else its DecodeError stops the reading.
    """
    if not uri.path.exists():
        raise ValidationError("no such file or folder", source=str(uri), field="path")
    if uri.scheme == "records":
        return _chunked(_read_jsonl(uri.path), chunk_size)
    if uri.scheme == "rdf":
        return _chunked(_read_rdf(uri.path), chunk_size)
    if registry.adapters(DatasetReader, uri.scheme) and uri.adapter is None:
        reader_cls = registry.adapter(DatasetReader, uri.scheme)
        reader = reader_cls(**_adapter_options(reader_cls, options or {}))
        return reader.read(uri.path, chunk_size=chunk_size)
    codec = registry.adapter(Codec, uri.scheme, uri.adapter)()
    received = datetime.now(UTC)

    def decoded() -> Iterator[Record]:
        for source, raw in _messages(uri.path):
            ctx = DecodeContext(source=source, received_at=received, hints=dict(hints or {}))
            try:
                records = codec.decode(raw, ctx)
            except DecodeError as error:
                set_aside(error, raw=raw, where=source)
                continue
            yield from records

    return _chunked(decoded(), chunk_size)


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """Yield a sibling temporary path that replaces ``path`` only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".partial-{path.name}")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def write_records(
    registry: Registry,
    chunks: Iterable[Sequence[Record]],
    uri: DataUri,
    progress: Progress | None = None,
    *,
    options: Mapping[str, str] | None = None,
) -> int:
    """Write record chunks to ``uri``; returns how many records were written.

    Files are written under a temporary name and moved into place at the end, so a failed
    conversion never leaves a truncated output behind. Dataset writers own their target.
    ``options`` (e.g. ``namespace``) go to a dataset writer whose constructor takes them.
    """

    def counted() -> Iterator[Sequence[Record]]:
        for chunk in chunks:
            yield chunk
            if progress is not None:
                progress(len(chunk))

    if (
        uri.scheme not in BUILTIN_SCHEMES
        and uri.adapter is None
        and registry.adapters(DatasetWriter, uri.scheme)
    ):
        writer_cls = registry.adapter(DatasetWriter, uri.scheme)
        writer = writer_cls(**_adapter_options(writer_cls, options or {}))
        return writer.write(counted(), uri.path)
    codec = None
    if uri.scheme not in BUILTIN_SCHEMES:
        codec = registry.adapter(Codec, uri.scheme, uri.adapter)()
    with _atomic(uri.path) as partial:
        if uri.scheme == "records":
            total = 0
            with partial.open("wb") as out:
                for chunk in counted():
                    for record in chunk:
                        out.write(record_json(record) + b"\n")
                    total += len(chunk)
            return total
        if uri.scheme == "rdf":
            return _write_rdf((r for chunk in counted() for r in chunk), partial, uri.path)
        assert codec is not None
        records = [r for chunk in counted() for r in chunk]
        partial.write_bytes(codec.encode(records, EncodeContext(target=str(uri))))
        return len(records)


def convert(
    registry: Registry,
    source: str,
    target: str,
    progress: Progress | None = None,
    *,
    profile: str | None = None,
    options: Mapping[str, str] | None = None,
    log: SetAsideLog | None = None,
    adapter_options: Mapping[str, str] | None = None,
    hints: Mapping[str, str] | None = None,
) -> int:
    """Read ``source`` and write ``target`` (both ``scheme:path``); returns the record count.

    With ``profile`` the source plugin writes ``rdf:FILE.nt`` itself in that RDF profile
    (e.g. ``linked-gtfs``) and the count returned is of triples. With ``log`` the reading
    is lenient: items the source's reader or codec cannot turn into records are set aside
    into it (and its dead letter) and notices collected, unless the log is strict.
    ``adapter_options`` (e.g. ``namespace``) go to the dataset reader and writer;
    ``hints`` to a message source's codec (its DecodeContext).
    """
    src, dst = DataUri.parse(source), DataUri.parse(target)
    if profile is None:
        if log is None:
            return _convert_records(registry, src, dst, progress, adapter_options, hints)
        with collecting(log):
            return _convert_records(registry, src, dst, progress, adapter_options, hints)
    if dst.scheme != "rdf" or dst.path.suffix.lower() != ".nt" or src.scheme in BUILTIN_SCHEMES:
        raise ValidationError(
            "an RDF profile is written by the source's plugin, as N-Triples",
            source=f"{source} -> {target}",
            field="profile",
            expected="plugin:INPUT and rdf:OUTPUT.nt",
        )
    if not src.path.exists():
        raise ValidationError("no such file or folder", source=str(src), field="path")
    registry.get(src.scheme)
    with _atomic(dst.path) as partial, partial.open("w", encoding="utf-8") as out:
        return registry.write_rdf_profile(
            src.scheme, profile, src.path, out, options or {}, progress
        )


def _convert_records(
    registry: Registry,
    src: DataUri,
    dst: DataUri,
    progress: Progress | None,
    adapter_options: Mapping[str, str] | None,
    hints: Mapping[str, str] | None = None,
) -> int:
    chunks = read_records(registry, src, options=adapter_options, hints=hints)
    return write_records(registry, chunks, dst, progress, options=adapter_options)
