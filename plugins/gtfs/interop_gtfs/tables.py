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
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO

from interop.validate import Issue, Severity
from interop_gtfs.archive import FeedArchive

__all__ = ["Table", "read_blocks", "read_rows", "read_table"]

_PROBE_CHUNK = 1 << 20
_READ_CHUNK = 1 << 18


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


def _scan(archive: FeedArchive, name: str, encoding: str, plainness: bool) -> _Scan:
    """Decode ``name`` as ``encoding`` to its first error; with ``plainness``, check it too.

    Plain: the file holds no quote, NUL or carriage return not followed by a line feed.
    Those three bytes mean the same in UTF-8, Windows-1252 and ISO-8859-1, so plainness
    does not depend on the encoding finally used.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    found = _Scan(plain=plainness)
    offset = 0
    pending_cr = False
    with archive.open(name) as handle:
        while chunk := handle.read(_PROBE_CHUNK):
            if found.plain:
                if pending_cr and not chunk.startswith(b"\n"):
                    found.plain = False
                pending_cr = chunk.endswith(b"\r")
                carriage = chunk.count(b"\r") - pending_cr
                found.plain = found.plain and not (
                    b'"' in chunk or b"\x00" in chunk or carriage != chunk.count(b"\r\n")
                )
            if found.error is None:
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


def _detect_encoding(archive: FeedArchive, table: Table) -> tuple[str, bool]:
    """Pick the encoding: UTF-8 (BOM stripped), else Windows-1252, else ISO-8859-1.

    ISO-8859-1 decodes any byte, so reading never fails; a notice names the first bad byte.
    Also tells whether the file is plain (see :func:`_scan`). The archive remembers the
    answer, so a file read twice is probed once.
    """
    known = archive.encodings.get(table.name)
    if known is None:
        known = _probe(archive, table.name)
        archive.encodings[table.name] = known
    encoding, notice, plain = known
    if notice is not None:
        table.notices.append(notice)
    return encoding, plain


def _probe(archive: FeedArchive, name: str) -> tuple[str, Issue | None, bool]:
    scan = _scan(archive, name, "utf-8", True)
    if scan.error is None:
        return "utf-8-sig", None, scan.plain
    fallback = "cp1252" if _scan(archive, name, "cp1252", False).error is None else "latin-1"
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
        yield body.split("\n")
    text = carry + decoder.decode(b"", final=True)
    if text:
        yield [text]


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


def read_blocks(
    archive: FeedArchive, name: str, table: Table, size: int
) -> Generator[list[list[str]]]:
    """Yield the data rows of ``name`` in lists of at most ``size``, as :func:`read_rows`.

    The same rows and notices as :func:`read_rows`, but a block's notices are all added
    before the block is yielded. A plain file (the common case) is split at line ends and
    commas by ``str.split``, without a per-field parser; any other goes through ``csv``.
    """
    table.encoding, plain = _detect_encoding(archive, table)
    if not plain:
        rows = read_rows(archive, name, table)
        try:
            while True:
                done = [list(islice(rows, size))]
                if not done[0]:
                    return
                yield done.pop()  # no local keeps the rows while the caller has them
        finally:
            rows.close()
    with archive.open(name) as raw:
        chunks = _plain_data(raw, name, table)
        if chunks is None:
            return
        width = len(table.columns)
        line = 1  # physical lines consumed so far (the header)
        block: list[list[str]] = []
        for lines in chunks:
            if _oversized(lines) < len(lines):
                raise _too_large()
            # lines wait as text (untracked by the garbage collector); only the rows of the
            # block being made are split into lists
            start = 0
            while start < len(lines):
                take = lines[start : start + size - len(block)]
                split = [text.split(",") for text in take]
                if set(map(len, split)) - {width} or (width == 1 and "" in take):
                    split = _regular(table, name, split, take, line + start)
                block += split
                del split  # the block alone holds its rows
                start += len(take)
                if len(block) >= size:
                    block, done = [], [block]
                    yield done.pop()  # no local keeps the rows while the caller has them
            line += len(lines)
        if block:
            done = [block]
            del block
            yield done.pop()


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


def read_rows(archive: FeedArchive, name: str, table: Table) -> Generator[list[str]]:
    """Yield the data rows of ``name`` as lists of fields, in ``table.columns`` order.

    The positional form, for hot loops that look columns up by index. A row may be shorter
    or longer than the header (reported as ``invalid_row_length``, the notice added just
    before the row is yielded); blank lines are skipped. ``table`` receives the header, the
    encoding used and the notices.
    """
    table.encoding, plain = _detect_encoding(archive, table)
    with archive.open(name) as raw:
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
