"""Feed access: every corpus feed opens; hostile or odd archives are handled clearly."""

import zipfile
from pathlib import Path

import pytest
from interop_gtfs.archive import ArchiveLimits, FeedArchive
from interop_gtfs.tables import Table, read_table

from interop.errors import DecodeError


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _all_feeds(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.zip") if "madrid-bench" not in p.parts)


def test_every_corpus_feed_opens_and_every_table_reads(gtfs_corpus):
    feeds = _all_feeds(gtfs_corpus)
    assert len(feeds) >= 20
    for feed in feeds:
        with FeedArchive(feed) as archive:
            for name in archive.files:
                table = Table(name)
                rows = list(read_table(archive, name, table))
                if archive.files[name].size and rows:
                    assert table.columns, f"{feed.name}/{name} has rows but no header"


def test_utf8_bom_is_stripped(gtfs_corpus):
    with FeedArchive(gtfs_corpus / "edge/transitfeed_utf8bom.zip") as archive:
        table = Table("stops.txt")
        rows = list(read_table(archive, "stops.txt", table))
    assert table.columns[0] == "stop_id"
    assert rows
    assert all("stop_id" in row for row in rows)
    assert table.notices == []


def test_latin1_feed_is_read_with_a_notice(gtfs_corpus):
    with FeedArchive(gtfs_corpus / "edge/partridge_region-nord-v2.zip") as archive:
        table = Table("stops.txt")
        names = [row["stop_name"] for row in read_table(archive, "stops.txt", table)]
    assert any("ø" in name for name in names)
    assert [n.code for n in table.notices] == ["non_utf8_encoding"]
    assert "0xf8" in table.notices[0].message


def test_mixed_line_endings(gtfs_corpus):
    with FeedArchive(gtfs_corpus / "edge/transitfeed_bad_eol.zip") as archive:
        for name in archive.files:
            table = Table(name)
            rows = list(read_table(archive, name, table))
            assert all(v is not None and "\r" not in v and "\n" not in v
                       for row in rows for v in row.values()), name  # fmt: skip


def test_feed_in_a_sub_folder_is_found(gtfs_corpus):
    with FeedArchive(gtfs_corpus / "edge/partridge_nested.zip") as archive:
        assert "stops.txt" in archive.files
        assert [n.code for n in archive.notices] == ["invalid_input_files_in_subfolder"]


def test_unknown_files_are_kept(gtfs_corpus):
    with FeedArchive(gtfs_corpus / "edge/transitfeed_unknown_file.zip") as archive:
        assert "frecuencias.txt" in archive.files


def test_folder_feed(tmp_path):
    (tmp_path / "agency.txt").write_text('agency_id,agency_name\r\n1,"Transit, Inc."\r\n')
    with FeedArchive(tmp_path) as archive:
        assert list(archive.files) == ["agency.txt"]
        assert list(read_table(archive, "agency.txt")) == [
            {"agency_id": "1", "agency_name": "Transit, Inc."}
        ]


def test_short_rows_and_whitespace_in_header_are_reported(tmp_path):
    feed = _zip(tmp_path / "f.zip", {"stops.txt": b" stop_id ,stop_name\n1,A\n2\n\n3,C\n"})
    with FeedArchive(feed) as archive:
        table = Table("stops.txt")
        rows = list(read_table(archive, "stops.txt", table))
    assert [row["stop_id"] for row in rows] == ["1", "2", "3"]
    assert [(n.code, n.row) for n in table.notices] == [
        ("leading_or_trailing_whitespaces", 1),
        ("invalid_row_length", 3),
    ]


@pytest.mark.parametrize(
    "member", ["../evil.txt", "/etc/passwd.txt", "a/../../evil.txt", "C:/x.txt"]
)
def test_path_traversal_is_refused(tmp_path, member):
    feed = _zip(tmp_path / "evil.zip", {member: b"x"})
    with pytest.raises(DecodeError, match="path traversal"):
        FeedArchive(feed)


def test_zip_bomb_is_refused(tmp_path):
    feed = _zip(tmp_path / "bomb.zip", {"stop_times.txt": b"0" * (64 * 1024**2)})
    with pytest.raises(DecodeError, match="zip bomb"):
        FeedArchive(feed)
    limits = ArchiveLimits(max_total_bytes=1000, ratio_floor=10**12)
    with pytest.raises(DecodeError, match="zip bomb"):
        FeedArchive(_zip(tmp_path / "big.zip", {"a.txt": b"1" * 2000}), limits)


def test_not_a_zip_and_missing_paths(tmp_path):
    junk = tmp_path / "feed.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DecodeError, match="not a readable zip"):
        FeedArchive(junk)
    with pytest.raises(DecodeError, match="no such file"):
        FeedArchive(tmp_path / "absent.zip")


def test_files_in_several_folders_are_ambiguous(tmp_path):
    feed = _zip(tmp_path / "two.zip", {"a/stops.txt": b"stop_id\n", "b/stops.txt": b"stop_id\n"})
    with pytest.raises(DecodeError, match="several folders"):
        FeedArchive(feed)


def test_bytes_undefined_in_windows_1252_fall_back_to_latin1(tmp_path):
    (tmp_path / "stops.txt").write_bytes(b"stop_id,stop_name\n1,Caf\xe9\x81\n")
    with FeedArchive(tmp_path) as archive:
        table = Table("stops.txt")
        (row,) = read_table(archive, "stops.txt", table)
    assert row["stop_name"] == "Caf\xe9\x81"
    assert "ISO-8859-1" in table.notices[0].message
