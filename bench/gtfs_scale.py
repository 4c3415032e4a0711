"""Scale a GTFS feed by replicating its trips, stop_times, shapes and frequencies with new ids.

Copy 1 keeps the original ids, copy ``i`` (2..N) appends ``_s<i>`` to every ``trip_id`` and
``shape_id`` (in trips, stop_times, shapes and frequencies alike), so foreign keys stay
consistent and the output of a linear mapping grows N times. Every other file (agency, stops,
routes, calendar, ...) is copied once. The result is a folder of ``.txt`` files.

    uv run python -m bench.gtfs_scale FEED.zip OUT_DIR FACTOR
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

__all__ = ["REPLICATED", "scale_feed"]

REPLICATED = ("trips.txt", "stop_times.txt", "shapes.txt", "frequencies.txt")
"""The tables copied N times; the others are copied once."""

_IDS = ("trip_id", "shape_id")


def _members(feed: Path) -> dict[str, bytes]:
    """The feed's files by lower-case name (a zip or a folder, top level only)."""
    if feed.is_dir():
        return {p.name.lower(): p.read_bytes() for p in feed.iterdir() if p.is_file()}
    with zipfile.ZipFile(feed) as archive:
        return {
            Path(info.filename).name.lower(): archive.read(info)
            for info in archive.infolist()
            if not info.is_dir()
        }


def scale_feed(feed: Path, out: Path, factor: int) -> Path:
    """Write ``feed`` scaled ``factor`` times into the folder ``out``; return ``out``."""
    if factor < 1:
        raise ValueError("factor must be >= 1")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in _members(feed).items():
        if name not in REPLICATED:
            (out / name).write_bytes(data)
            continue
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        if not rows:
            (out / name).write_bytes(b"")
            continue
        header, body = rows[0], [row for row in rows[1:] if row]
        positions = [i for i, column in enumerate(header) if column.strip() in _IDS]
        with (out / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for copy in range(1, factor + 1):
                suffix = "" if copy == 1 else f"_s{copy}"
                for row in body:
                    if suffix:
                        row = list(row)
                        for i in positions:
                            if i < len(row) and row[i]:
                                row[i] += suffix
                    writer.writerow(row)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``FEED OUT_DIR FACTOR``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    scale_feed(Path(args[0]), Path(args[1]), int(args[2]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
