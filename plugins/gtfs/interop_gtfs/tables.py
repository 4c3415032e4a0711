"""Read one GTFS table (a CSV file) as a stream of rows, tolerating what real feeds do.

UTF-8 with or without a byte-order mark is read as is; a file that is not valid UTF-8 is
read as Windows-1252 (a superset of ISO-8859-1 for printable text, which Nordic and older
feeds use), or as ISO-8859-1 if it holds bytes Windows-1252 leaves undefined, with a warning
naming the first bad byte. Quoted fields, CRLF, CR and LF line
endings, blank lines and whitespace around column names are handled; rows with the wrong
number of fields are reported with their row number and kept as far as they go.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from typing import IO

from interop.validate import Issue, Severity
from interop_gtfs.archive import FeedArchive

__all__ = ["Block", "Table", "read_blocks", "read_header", "read_rows", "read_table"]

_PROBE_CHUNK = 1 << 20
_READ_CHUNK = 1 << 16
_HEADER_PROBE = 1 << 16
_IN_MEMORY = 32 << 20
"""Files up to this many bytes are inflated once and held while they are probed and read."""


@dataclass(slots=True)
class Table:
    """Header and encoding of a table, filled in as it is read; notices collect problems."""

    name: str
    columns: tuple[str, ...] = ()
    encoding: str = "utf-8"
    notices: list[Issue] = field(default_factory=list)


@dataclass(slots=True)
class _Scan:
    """What one pass over a file's bytes found: the first undecodable byte, plainness."""

    error: tuple[int, int] | None = None
    plain: bool = True


def _scan(chunks: Iterable[bytes], encoding: str, plainness: bool) -> _Scan:
    """Decode ``chunks`` as ``encoding`` to their first error; with ``plainness``, check it too.

    Plain: the file holds no quote, NUL or carriage return not followed by a line feed.
    Those three bytes mean the same in UTF-8, Windows-1252 and ISO-8859-1, so plainness
    does not depend on the encoding finally used. ASCII is valid in all three: chunks of
    ASCII (the usual feed) are not decoded at all while no multi-byte sequence is pending.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    found = _Scan(plain=plainness)
    offset = 0
    pending_cr = False
    settled = True  # every chunk so far was ASCII: the decoder holds no partial sequence
    for chunk in chunks:
        if found.plain:
            if pending_cr and not chunk.startswith(b"\n"):
                found.plain = False
            pending_cr = chunk.endswith(b"\r")
            carriage = chunk.count(b"\r") - pending_cr
            found.plain = found.plain and not (
                b'"' in chunk or b"\x00" in chunk or (carriage and carriage != chunk.count(b"\r\n"))
            )
        if found.error is None and not (settled and chunk.isascii()):
            settled = False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                found.error = (offset + exc.start, chunk[exc.start])
                if not found.plain:
                    return found
        offset += len(chunk)
    if pending_cr:
        found.plain = False
    if found.error is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            found.error = (offset, 0)
    return found


def _chunks(archive: FeedArchive, name: str, data: bytes | None) -> Iterator[bytes]:
    """The bytes of ``name`` in probe-sized chunks, from ``data`` when it holds them."""
    if data is not None:
        for start in range(0, len(data), _PROBE_CHUNK):
            yield data[start : start + _PROBE_CHUNK]
        return
    with archive.open(name) as handle:
        while chunk := handle.read(_PROBE_CHUNK):
            yield chunk


def _whole(archive: FeedArchive, name: str) -> bytes | None:
    """The bytes of ``name`` when it is small enough to hold while it is read, else None.

    Such a file is inflated once for both its probe and its read instead of twice.
    """
    if name in archive.encodings or archive.files[name].size > _IN_MEMORY:
        return None
    with archive.open(name) as handle:
        return handle.read()


@contextmanager
def _opened(archive: FeedArchive, name: str, data: bytes | None) -> Iterator[IO[bytes]]:
    """``name`` opened for reading: from ``data`` when it holds the file, else the archive."""
    if data is not None:
        yield io.BytesIO(data)
        return
    with archive.open(name) as handle:
        yield handle


def _detect_encoding(
    archive: FeedArchive, table: Table, data: bytes | None = None
) -> tuple[str, bool]:
    """Pick the encoding: UTF-8 (BOM stripped), else Windows-1252, else ISO-8859-1.

    ISO-8859-1 decodes any byte, so reading never fails; a notice names the first bad byte.
    Also tells whether the file is plain (see :func:`_scan`). The archive remembers the
    answer, so a file read twice is probed once. ``data``, when given, is the file's bytes.
    """
    known = archive.encodings.get(table.name)
    if known is None:
        known = _probe(archive, table.name, data)
        archive.encodings[table.name] = known
    encoding, notice, plain = known
    if notice is not None:
        table.notices.append(notice)
    return encoding, plain


def _probe(archive: FeedArchive, name: str, data: bytes | None) -> tuple[str, Issue | None, bool]:
    scan = _scan(_chunks(archive, name, data), "utf-8", True)
    if scan.error is None:
        return "utf-8-sig", None, scan.plain
    cp1252 = _scan(_chunks(archive, name, data), "cp1252", False)
    fallback = "cp1252" if cp1252.error is None else "latin-1"
    offset, byte = scan.error
    notice = Issue(
        Severity.WARNING,
        "non_utf8_encoding",
        f"byte 0x{byte:02x} at offset {offset} is not UTF-8; the file was read as "
        f"{'Windows-1252' if fallback == 'cp1252' else 'ISO-8859-1'} (GTFS requires UTF-8)",
        name,
    )
    return fallback, notice, scan.plain


def _plain_lines(raw: IO[bytes], encoding: str) -> Generator[list[str]]:
    """The lines of a plain file (no quote, NUL or bare CR), a chunk of them at a time.

    Line ends (LF or CRLF) are removed; the last line is yielded even without a line end.
    """
    for body in _plain_bodies(raw, encoding):
        yield body.split("\n")


def _plain_bodies(raw: IO[bytes], encoding: str) -> Generator[str]:
    """A plain file's text a run of whole lines at a time, lines joined by LF (CRLF made LF).

    The last line is yielded even without a line end.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    carry = ""
    while chunk := raw.read(_READ_CHUNK):
        text = carry + decoder.decode(chunk)
        cut = text.rfind("\n")
        if cut < 0:
            carry = text
            continue
        carry = text[cut + 1 :]
        body = text[:cut]
        if "\r" in body:
            body = body.replace("\r\n", "\n")
            if body.endswith("\r"):  # the CR of the CRLF the cut was made at
                body = body[:-1]
        yield body
    text = carry + decoder.decode(b"", final=True)
    if text:
        yield text


def _oversized(lines: list[str]) -> int:
    """Index of the first line with a field over the csv module's limit, else ``len(lines)``.

    The csv module stops there with an error, and so does the plain path.
    """
    limit = csv.field_size_limit()
    if max(map(len, lines), default=0) <= limit:
        return len(lines)
    for index, text in enumerate(lines):
        if len(text) > limit and max(map(len, text.split(","))) > limit:
            return index
    return len(lines)


def _too_large() -> csv.Error:
    return csv.Error(f"field larger than field limit ({csv.field_size_limit()})")


def _header(table: Table, name: str, header: list[str] | None) -> bool:
    """Record the header (stripped) on ``table``; False (noticed) when the file is empty."""
    if header is None:
        table.notices.append(Issue(Severity.ERROR, "empty_file", "the file is empty", name))
        return False
    columns = tuple(column.strip() for column in header)
    if columns != tuple(header):
        table.notices.append(
            Issue(
                Severity.WARNING,
                "leading_or_trailing_whitespaces",
                "column names carry whitespace; it was removed",
                name,
                1,
            )
        )
    table.columns = columns
    return True


def _irregular(table: Table, name: str, row: list[str], line: int) -> bool:
    """Whether a row whose length is not the header's is kept (noticed) or skipped (blank)."""
    if not row or (len(row) == 1 and not row[0].strip()):
        return False
    table.notices.append(
        Issue(
            Severity.ERROR,
            "invalid_row_length",
            f"{len(row)} fields where the header has {len(table.columns)}",
            name,
            line,
        )
    )
    return True


def _split(line: str) -> list[str]:
    """A plain line's fields (an empty line has none, as the csv module reads it)."""
    return line.split(",") if line else []


class Block:
    """A block of data rows held by column: ``columns[p]`` holds header column ``p``'s texts.

    A row whose length is not the header's is kept as read in ``odd`` (by offset); its
    cells in ``columns`` read as empty. Iterating gives the rows as read, in order.
    """

    __slots__ = ("columns", "count", "odd")

    def __init__(self, columns: list[Sequence[str]], count: int, odd: dict[int, list[str]]) -> None:
        self.columns = columns
        self.count = count
        self.odd = odd

    @classmethod
    def of_rows(cls, rows: list[list[str]], width: int) -> Block:
        """The block of ``rows`` (lists of fields) under a header ``width`` columns wide."""
        odd = {offset: row for offset, row in enumerate(rows) if len(row) != width}
        empty = [""] * width
        fixed = [empty if i in odd else row for i, row in enumerate(rows)] if odd else rows
        columns: list[Sequence[str]] = list(zip(*fixed, strict=True)) if fixed else []
        if not columns:
            columns = [[] for _ in range(width)]
        return cls(columns, len(rows), odd)

    def __len__(self) -> int:
        return self.count

    def rows(self, start: int, stop: int) -> Block:
        """The block of rows ``start:stop`` (this block itself when that is all of it)."""
        stop = min(stop, self.count)
        if start == 0 and stop == self.count:
            return self
        odd = {i - start: row for i, row in self.odd.items() if start <= i < stop}
        return Block([column[start:stop] for column in self.columns], stop - start, odd)

    def row(self, offset: int) -> list[str]:
        """Row ``offset`` as read."""
        odd = self.odd.get(offset)
        if odd is not None:
            return odd
        return [column[offset] for column in self.columns]

    def __iter__(self) -> Iterator[list[str]]:
        if not self.odd and self.columns:
            return map(list, zip(*self.columns, strict=True))
        return map(self.row, range(self.count))


def read_blocks(archive: FeedArchive, name: str, table: Table, size: int) -> Generator[Block]:
    """Yield the data rows of ``name`` in :class:`Block` s of at most ``size`` rows.

    The same rows and notices as :func:`read_rows`, but a block's notices are all added
    before the block is yielded. A plain file (the common case) is split by ``str.split``
    without a per-field parser: a run of lines that all hold the header's number of commas
    is joined and split once, and its columns are slices of that one list of cells. Any
    other file goes through ``csv``.
    """
    data = _whole(archive, name)
    table.encoding, plain = _detect_encoding(archive, table, data)
    if not plain:
        rows = read_rows(archive, name, table, data)
        del data
        try:
            while True:
                done = [list(islice(rows, size))]
                if not done[0]:
                    return
                yield Block.of_rows(done.pop(), len(table.columns))
        finally:
            rows.close()
    with _opened(archive, name, data) as raw:
        del data
        bodies = _plain_data_bodies(raw, name, table)
        if bodies is None:
            return
        width = len(table.columns)
        line = 1  # physical lines consumed so far (the header)
        pieces: list[Block] = []
        held = 0
        for body in bodies:
            piece = _body_block(table, name, body, width, line)
            line += body.count("\n") + 1
            start = 0
            while start < piece.count:
                part = piece.rows(start, start + size - held)
                pieces.append(part)
                held += part.count
                start += part.count
                if held >= size:
                    made = [_joined(pieces, width)]
                    pieces, held = [], 0
                    yield made.pop()  # no local keeps the rows while the caller has them
            del piece
        if held:
            made = [_joined(pieces, width)]
            del pieces
            yield made.pop()


def _plain_data_bodies(raw: IO[bytes], name: str, table: Table) -> Iterator[str] | None:
    """The data lines of a plain file as runs of lines (:func:`_plain_bodies`).

    The header is read into ``table``; None when the file has no usable header (noticed).
    """
    bodies = _plain_bodies(raw, table.encoding)
    first = next(bodies, None)
    head, found, rest = (first or "").partition("\n")
    if first is not None and _oversized([head]) == 0:
        raise _too_large()
    if not _header(table, name, _split(head) if first is not None else None):
        return None
    return chain((rest,), bodies) if found else bodies


def _body_block(table: Table, name: str, body: str, width: int, before: int) -> Block:
    """The block of a run of lines of a plain file (``before``: physical lines before it).

    Regular lines (each with the header's number of fields, none blank) are split at once:
    with a comma put before every line feed, one split gives every cell, each line's first
    cell starting with its line feed. The run is regular exactly when there are as many
    cells as lines times the width and every line's first cell holds a line feed (there is
    one per line after the first, and each starts the cell it is in).
    """
    limit = csv.field_size_limit()
    lines = body.count("\n") + 1
    blank = width == 1 and (not body or body[0] == "\n" or body[-1] == "\n" or "\n\n" in body)
    if width > 0 and not blank and len(body) <= limit:
        cells = body.replace("\n", ",\n").split(",")
        if len(cells) == lines * width:
            starts = "".join(cells[width::width])
            if starts.count("\n") == lines - 1:
                first = starts.split("\n")
                first[0] = cells[0]
                columns: list[Sequence[str]] = [first]
                columns += [cells[p::width] for p in range(1, width)]
                return Block(columns, lines, {})
    split = body.split("\n")
    if _oversized(split) < len(split):
        raise _too_large()
    return _lines_block(table, name, split, width, before)


def _lines_block(table: Table, name: str, lines: list[str], width: int, before: int) -> Block:
    """The block of some lines of a plain file (``before``: physical lines before them)."""
    regular = not (width == 1 and "" in lines) and set(map(str.count, lines, repeat(","))) <= {
        width - 1
    }
    if regular:
        cells = ",".join(lines).split(",")
        return Block([cells[p::width] for p in range(width)], len(lines), {})
    rows = _regular(table, name, [text.split(",") for text in lines], lines, before)
    return Block.of_rows(rows, width)


def _joined(pieces: list[Block], width: int) -> Block:
    """One block of consecutive blocks (a block that spans two chunks of lines)."""
    if len(pieces) == 1:
        return pieces[0]
    columns: list[list[str]] = [[] for _ in range(width)]
    odd: dict[int, list[str]] = {}
    count = 0
    for piece in pieces:
        for column, more in zip(columns, piece.columns, strict=True):
            column += more
        odd.update((count + offset, row) for offset, row in piece.odd.items())
        count += piece.count
    return Block(list(columns), count, odd)


def _regular(
    table: Table, name: str, rows: list[list[str]], lines: list[str], before: int
) -> list[list[str]]:
    """``rows`` less the blank ones, noticing the others whose length is not the header's."""
    width = len(table.columns)
    kept = []
    for offset, (row, text) in enumerate(zip(rows, lines, strict=True)):
        if len(row) != width or not text:
            fields = _split(text)
            if len(fields) != width and not _irregular(table, name, fields, before + offset + 1):
                continue
            row = fields
        kept.append(row)
    return kept


def read_rows(
    archive: FeedArchive, name: str, table: Table, data: bytes | None = None
) -> Generator[list[str]]:
    """Yield the data rows of ``name`` as lists of fields, in ``table.columns`` order.

    The positional form, for hot loops that look columns up by index. A row may be shorter
    or longer than the header (reported as ``invalid_row_length``, the notice added just
    before the row is yielded); blank lines are skipped. ``table`` receives the header, the
    encoding used and the notices. ``data``, when given, is the file's bytes.
    """
    if data is None:
        data = _whole(archive, name)
    table.encoding, plain = _detect_encoding(archive, table, data)
    with _opened(archive, name, data) as raw:
        del data
        if plain:
            yield from _plain_rows(raw, name, table)
            return
        text = io.TextIOWrapper(raw, encoding=table.encoding, errors="strict", newline="")
        reader = csv.reader(text, strict=False)
        if not _header(table, name, next(reader, None)):
            return
        width = len(table.columns)
        for row in reader:
            if len(row) != width and not _irregular(table, name, row, reader.line_num):
                continue
            yield row


def _plain_data(raw: IO[bytes], name: str, table: Table) -> Iterator[list[str]] | None:
    """The data lines of a plain file in chunks, its header read into ``table``.

    None when the file has no usable header (the notice is in ``table``).
    """
    chunks = _plain_lines(raw, table.encoding)
    first = next(chunks, None)
    if first is not None and _oversized(first[:1]) == 0:
        raise _too_large()
    if not _header(table, name, _split(first[0]) if first else None):
        return None
    assert first is not None
    return chain((first[1:],), chunks)


def _plain_rows(raw: IO[bytes], name: str, table: Table) -> Generator[list[str]]:
    """:func:`read_rows` of a plain file."""
    chunks = _plain_data(raw, name, table)
    if chunks is None:
        return
    width = len(table.columns)
    line = 1
    for lines in chunks:
        stop = _oversized(lines)
        for index, text in enumerate(lines):
            if index == stop:
                raise _too_large()
            line += 1
            row = _split(text)
            if len(row) != width and not _irregular(table, name, row, line):
                continue
            yield row


def read_header(archive: FeedArchive, name: str) -> tuple[str, ...]:
    """The column names of ``name`` (stripped), as :func:`read_rows` reads them.

    A first line of plain ASCII (no quote, NUL or bare carriage return) reads the same in
    every encoding the reader may pick, so it is taken from the file's first bytes without
    probing the whole file; any other header is read by :func:`read_rows`. Empty for an
    empty file.
    """
    with archive.open(name) as raw:
        start = raw.read(_HEADER_PROBE)
    line, found, _ = start.partition(b"\n")
    if line.endswith(b"\r"):
        line = line[:-1]
    plain = found and line and line.isascii() and len(line) <= csv.field_size_limit()
    if plain and not any(c in line for c in (b'"', b"\x00", b"\r")):
        return tuple(column.strip() for column in line.decode("ascii").split(","))
    table = Table(name)
    rows = read_rows(archive, name, table)
    try:
        next(rows, None)
    finally:
        rows.close()
    return table.columns


def read_table(
    archive: FeedArchive, name: str, table: Table | None = None
) -> Generator[dict[str, str]]:
    """Yield the rows of ``name`` as dicts keyed by column name (values unstripped).

    Pass a :class:`Table` to receive the header, the encoding used and the notices. A short
    row lacks the keys of its missing fields.
    """
    table = table if table is not None else Table(name)
    rows = read_rows(archive, name, table)
    first = next(rows, None)
    if first is None:
        return
    columns = table.columns
    yield dict(zip(columns, first, strict=False))
    for row in rows:
        yield dict(zip(columns, row, strict=False))
