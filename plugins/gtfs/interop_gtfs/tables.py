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
from collections.abc import Generator
from dataclasses import dataclass, field

from interop.validate import Issue, Severity
from interop_gtfs.archive import FeedArchive

__all__ = ["Table", "read_rows", "read_table"]

_PROBE_CHUNK = 1 << 20


@dataclass(slots=True)
class Table:
    """Header and encoding of a table, filled in as it is read; notices collect problems."""

    name: str
    columns: tuple[str, ...] = ()
    encoding: str = "utf-8"
    notices: list[Issue] = field(default_factory=list)


def _first_error(archive: FeedArchive, name: str, encoding: str) -> tuple[int, int] | None:
    """Return (offset, byte) of the first byte ``encoding`` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with archive.open(name) as handle:
        while chunk := handle.read(_PROBE_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, chunk[exc.start]
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, 0
    return None


def _detect_encoding(archive: FeedArchive, table: Table) -> str:
    """Pick the encoding: UTF-8 (BOM stripped), else Windows-1252, else ISO-8859-1.

    ISO-8859-1 decodes any byte, so reading never fails; a notice names the first bad byte.
    The archive remembers the answer, so a file read twice is probed once.
    """
    known = archive.encodings.get(table.name)
    if known is None:
        known = _probe(archive, table.name)
        archive.encodings[table.name] = known
    encoding, notice = known
    if notice is not None:
        table.notices.append(notice)
    return encoding


def _probe(archive: FeedArchive, name: str) -> tuple[str, Issue | None]:
    error = _first_error(archive, name, "utf-8")
    if error is None:
        return "utf-8-sig", None
    fallback = "cp1252" if _first_error(archive, name, "cp1252") is None else "latin-1"
    offset, byte = error
    notice = Issue(
        Severity.WARNING,
        "non_utf8_encoding",
        f"byte 0x{byte:02x} at offset {offset} is not UTF-8; the file was read as "
        f"{'Windows-1252' if fallback == 'cp1252' else 'ISO-8859-1'} (GTFS requires UTF-8)",
        name,
    )
    return fallback, notice


def read_rows(archive: FeedArchive, name: str, table: Table) -> Generator[list[str]]:
    """Yield the data rows of ``name`` as lists of fields, in ``table.columns`` order.

    The positional form, for hot loops that look columns up by index. A row may be shorter
    or longer than the header (reported as ``invalid_row_length``); blank lines are skipped.
    ``table`` receives the header, the encoding used and the notices.
    """
    table.encoding = _detect_encoding(archive, table)
    with archive.open(name) as raw:
        text = io.TextIOWrapper(raw, encoding=table.encoding, errors="strict", newline="")
        reader = csv.reader(text, strict=False)
        header = next(reader, None)
        if header is None:
            table.notices.append(Issue(Severity.ERROR, "empty_file", "the file is empty", name))
            return
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
        width = len(columns)
        for row in reader:
            if len(row) != width:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                table.notices.append(
                    Issue(
                        Severity.ERROR,
                        "invalid_row_length",
                        f"{len(row)} fields where the header has {width}",
                        name,
                        reader.line_num,
                    )
                )
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
