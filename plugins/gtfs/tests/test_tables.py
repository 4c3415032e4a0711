"""The plain-file fast path of :mod:`interop_gtfs.tables` reads what the csv module reads."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_gtfs import tables
from interop_gtfs.archive import FeedArchive
from interop_gtfs.tables import Table, read_blocks, read_header, read_rows

_PIECES = st.sampled_from(
    ["a", "é", " ", ",", ",,", "\n", "\r\n", "\n\n", "x,y", "\ufeff", "\u2028", "\x0c", "\x85"]
)


def _read(data: bytes, force_csv: bool, blocks: int = 0) -> tuple[object, ...]:
    archive = FeedArchive.in_memory({"stops.txt": data})
    if force_csv:
        archive.encodings["stops.txt"] = ("utf-8-sig", None, False)
    table = Table("stops.txt")
    if blocks:
        rows = [row for block in read_blocks(archive, "stops.txt", table, blocks) for row in block]
    else:
        rows = list(read_rows(archive, "stops.txt", table))
    notices = [(n.code, n.message, n.row) for n in table.notices]
    return rows, table.columns, notices


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_PIECES, max_size=40),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=7),
    st.booleans(),
)
def test_plain_split_reads_as_csv(pieces: list[str], size: int, chunk: int, held: bool) -> None:
    """Rows, header and notices (with line numbers) are the csv module's, row or block-wise.

    Whatever the size of the byte chunks the file is read in, and whether the file is
    held in memory while it is probed and read or streamed twice.
    """
    data = "".join(pieces).encode("utf-8")
    expected = _read(data, force_csv=True)
    saved = tables._READ_CHUNK, tables._PROBE_CHUNK, tables._IN_MEMORY
    tables._READ_CHUNK = tables._PROBE_CHUNK = chunk
    tables._IN_MEMORY = saved[2] if held else 0
    try:
        assert _read(data, force_csv=False) == expected
        assert _read(data, force_csv=False, blocks=size) == expected
    finally:
        tables._READ_CHUNK, tables._PROBE_CHUNK, tables._IN_MEMORY = saved


def test_plainness_is_detected() -> None:
    """Quotes and bare carriage returns send a file through csv; CRLF and a BOM do not."""
    plain = FeedArchive.in_memory({"stops.txt": b"\xef\xbb\xbfstop_id\r\n1\r\n"})
    list(read_rows(plain, "stops.txt", Table("stops.txt")))
    assert plain.encodings["stops.txt"][2] is True
    for data in (b'stop_id\n"1"\n', b"stop_id\r1\r", b"stop_id\n1\x00\n"):
        archive = FeedArchive.in_memory({"stops.txt": data})
        rows = list(read_rows(archive, "stops.txt", Table("stops.txt")))
        assert archive.encodings["stops.txt"][2] is False
        assert rows == ([["1\x00"]] if b"\x00" in data else [["1"]])


def test_oversized_field_stops_as_csv_does() -> None:
    """A field over the csv module's limit ends the read with the csv module's error."""
    data = b"stop_id,name\n1,a\n2," + b"x" * 200 + b"\n3,c\n"
    saved = csv.field_size_limit(100)
    try:
        for force_csv in (True, False):
            archive = FeedArchive.in_memory({"stops.txt": data})
            if force_csv:
                archive.encodings["stops.txt"] = ("utf-8-sig", None, False)
            seen = []
            with pytest.raises(csv.Error, match="field larger than field limit"):
                seen.extend(read_rows(archive, "stops.txt", Table("stops.txt")))
            assert seen == [["1", "a"]]
            with pytest.raises(csv.Error, match="field larger than field limit"):
                list(read_blocks(archive, "stops.txt", Table("stops.txt"), 10))
    finally:
        csv.field_size_limit(saved)


@settings(max_examples=100, deadline=None)
@given(st.lists(_PIECES, max_size=20), st.binary(max_size=3))
def test_header_alone_reads_as_the_whole_file_does(pieces: list[str], tail: bytes) -> None:
    """``read_header`` gives the columns a full read gives, whatever the file's encoding."""
    data = "".join(pieces).encode("utf-8") + tail
    archive = FeedArchive.in_memory({"stops.txt": data})
    table = Table("stops.txt")
    rows = read_rows(archive, "stops.txt", table)
    next(rows, None)
    rows.close()
    fresh = FeedArchive.in_memory({"stops.txt": data})
    assert read_header(fresh, "stops.txt") == table.columns
