"""Append-only files that rotate by size and are fsynced at every batch."""

from __future__ import annotations

import os
import re
from pathlib import Path

from interop.errors import SourceUnavailable

__all__ = ["RotatingFile"]


class RotatingFile:
    """``<folder>/<stem>-000001<suffix>``, then ``-000002`` once ``max_bytes`` is passed.

    Reopening a folder continues the newest file. ``append`` writes, flushes and fsyncs;
    a disk error becomes :class:`~interop.errors.SourceUnavailable` so that the pipeline
    retries from its cursor rather than losing the batch.
    """

    def __init__(self, folder: Path, stem: str, suffix: str, *, max_bytes: int) -> None:
        self.folder = folder
        self.stem = stem
        self.suffix = suffix
        self.max_bytes = max_bytes
        self._pattern = re.compile(rf"^{re.escape(stem)}-(\d{{6}}){re.escape(suffix)}$")

    def _current(self) -> Path:
        numbers = [
            int(m.group(1))
            for p in self.folder.glob(f"{self.stem}-*{self.suffix}")
            if (m := self._pattern.match(p.name))
        ]
        number = max(numbers, default=1)
        path = self.folder / f"{self.stem}-{number:06d}{self.suffix}"
        if path.exists() and path.stat().st_size >= self.max_bytes:
            path = self.folder / f"{self.stem}-{number + 1:06d}{self.suffix}"
        return path

    def files(self) -> list[Path]:
        """Every file written so far, oldest first."""
        return sorted(p for p in self.folder.glob(f"{self.stem}-*{self.suffix}"))

    def append(self, text: str) -> Path:
        """Append ``text`` durably to the current file; return that file."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._current()
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise SourceUnavailable(
                f"cannot write: {exc.strerror}",
                source=str(self.folder),
                expected="a writable folder",
            ) from exc
        return path
