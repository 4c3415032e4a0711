"""Open a GTFS feed (a zip file or a folder) safely and list its files.

Real feeds put their files at the top level or inside one sub-folder, and a zip from the
internet may be hostile. :class:`FeedArchive` finds the feed root, refuses path traversal
and zip bombs with a :class:`~interop.errors.DecodeError` naming the member and the limit,
and keeps files the GTFS reference does not define (reported, never dropped).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from interop.errors import DecodeError
from interop.validate import Issue, Severity

__all__ = ["ArchiveLimits", "FeedArchive", "FeedFile"]


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """What a zip may claim before it is treated as a bomb; generous for city-scale feeds."""

    max_members: int = 10_000
    max_total_bytes: int = 8 * 1024**3
    max_ratio: int = 200
    """Largest uncompressed/compressed ratio allowed for a member over ``ratio_floor`` bytes."""
    ratio_floor: int = 1024**2


@dataclass(frozen=True, slots=True)
class FeedFile:
    """One file of the feed: its name relative to the feed root and its size in bytes."""

    name: str
    size: int


def _safe_name(name: str, source: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise DecodeError(
            f"member {name!r} points outside the archive (path traversal)",
            source=source,
            field="zip member",
            expected="relative names inside the archive",
        )
    return path


class FeedArchive:
    """A GTFS feed on disk: ``files`` lists it, ``open`` streams one file's bytes."""

    def __init__(self, location: Path, limits: ArchiveLimits | None = None) -> None:
        self.location = location
        self.limits = limits or ArchiveLimits()
        self.notices: list[Issue] = []
        self._zip: zipfile.ZipFile | None = None
        self._root = PurePosixPath()
        self._files: dict[str, FeedFile] = {}
        self._memory: Mapping[str, bytes] | None = None
        self.encodings: dict[str, tuple[str, Issue | None, bool]] = {}
        """File name -> (encoding, notice, plain) once a reader has probed it (files never change).

        ``plain``: the file holds no quote, NUL or bare carriage return, so its rows are its
        lines split at commas."""
        if location.is_dir():
            self._scan_folder()
        elif location.is_file():
            self._scan_zip()
        else:
            raise DecodeError("no such file or folder", source=str(location), field="path")

    @classmethod
    def in_memory(cls, files: Mapping[str, bytes], name: str = "in-memory feed") -> FeedArchive:
        """A feed held in memory (file name -> bytes), e.g. built from gtfs-kit tables."""
        archive = cls.__new__(cls)
        archive.location = Path(name)
        archive.limits = ArchiveLimits()
        archive.notices = []
        archive._zip = None
        archive._root = PurePosixPath()
        archive._memory = dict(files)
        archive.encodings = {}
        archive._files = {}
        for file, data in files.items():
            _safe_name(file, name)
            if "/" in file.replace("\\", "/"):
                raise DecodeError("a file name holds a folder", source=name, field=file)
            archive._files[file] = FeedFile(file, len(data))
        return archive

    def __enter__(self) -> FeedArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the zip file handle, if any."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    @property
    def files(self) -> dict[str, FeedFile]:
        """Files of the feed root, by name (``stops.txt``), sorted."""
        return dict(sorted(self._files.items()))

    def _scan_folder(self) -> None:
        entries = {
            p.relative_to(self.location).as_posix(): p.stat().st_size
            for p in self.location.rglob("*")
            if p.is_file() and not p.is_symlink()
        }
        self._index(entries)

    def _scan_zip(self) -> None:
        source = str(self.location)
        try:
            archive = zipfile.ZipFile(self.location)
        except (zipfile.BadZipFile, OSError) as exc:
            raise DecodeError(
                f"not a readable zip file: {exc}", source=source, expected="a GTFS zip or folder"
            ) from exc
        self._zip = archive
        infos = [info for info in archive.infolist() if not info.is_dir()]
        limits = self.limits
        if len(infos) > limits.max_members:
            self.close()
            raise DecodeError(
                f"{len(infos)} members", source=source, expected=f"<= {limits.max_members}"
            )
        total = 0
        entries: dict[str, int] = {}
        for info in infos:
            _safe_name(info.filename, source)
            total += info.file_size
            ratio_suspicious = (
                info.file_size > limits.ratio_floor
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)
            )
            if ratio_suspicious or total > limits.max_total_bytes:
                self.close()
                raise DecodeError(
                    f"member {info.filename!r} expands to {info.file_size} bytes from "
                    f"{info.compress_size} (total so far {total}): refusing a likely zip bomb",
                    source=source,
                    field="zip member",
                    expected=f"ratio <= {limits.max_ratio}:1 and <= {limits.max_total_bytes} "
                    "bytes in all",
                )
            entries[info.filename] = info.file_size
        self._index(entries)

    def _index(self, entries: dict[str, int]) -> None:
        """Pick the feed root (top level, or the one sub-folder holding .txt files)."""
        source = str(self.location)
        paths = {name: PurePosixPath(name) for name in entries}
        top = [p for p in paths.values() if len(p.parts) == 1 and p.suffix == ".txt"]
        if not top:
            folders = {p.parent for p in paths.values() if p.suffix == ".txt"}
            if len(folders) == 1:
                (self._root,) = folders
                self.notices.append(
                    Issue(
                        Severity.WARNING,
                        "invalid_input_files_in_subfolder",
                        f"the feed's files are inside the folder {self._root.as_posix()!r}; "
                        "read from there",
                        source,
                    )
                )
            elif len(folders) > 1:
                names = sorted(f.as_posix() for f in folders)
                raise DecodeError(
                    f"GTFS files in several folders {names}",
                    source=source,
                    expected="the feed's .txt files at the top level or in one folder",
                )
        for name, size in entries.items():
            path = paths[name]
            if path.parent != self._root:
                continue
            self._files[path.name] = FeedFile(path.name, size)

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        """Open one feed file for binary reading."""
        if name not in self._files:
            raise DecodeError("no such file in the feed", source=str(self.location), field=name)
        member = (self._root / name).as_posix()
        if self._memory is not None:
            yield io.BytesIO(self._memory[name])
        elif self._zip is not None:
            with self._zip.open(member) as handle:
                yield handle
        else:
            with (self.location / member).open("rb") as handle:
                yield handle
