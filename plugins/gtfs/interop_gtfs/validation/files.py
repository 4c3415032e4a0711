"""Which files a feed has: required files present, calendar defined, unknown files named.

A misspelt file name (``frecuencias.txt``) means data the consumer silently ignores, so an
unknown file within one or two edits of a known name is a warning that suggests the right
name; any other unknown file is information only (as in MobilityData's validator).
"""

from __future__ import annotations

from interop.validate import Severity
from interop_gtfs.validation.notices import Notices
from interop_gtfs.validation.schema import EXTRA_KNOWN_FILES, SPECS

__all__ = ["KNOWN_FILES", "REQUIRED_FILES", "check_files"]

REQUIRED_FILES = ("agency.txt", "routes.txt", "trips.txt", "stop_times.txt")
"""Always required; stops.txt is required unless the feed has Flex locations."""

KNOWN_FILES = frozenset(SPECS) | EXTRA_KNOWN_FILES


def check_files(names: set[str], notices: Notices) -> None:
    """Report missing required files, a missing calendar and unknown files."""
    for name in REQUIRED_FILES:
        if name not in names:
            notices.add("missing_required_file", "required file is absent", name)
    if "stops.txt" not in names and "locations.geojson" not in names:
        notices.add(
            "missing_required_file", "required unless locations.geojson is given", "stops.txt"
        )
    if "calendar.txt" not in names and "calendar_dates.txt" not in names:
        notices.add(
            "missing_calendar_and_calendar_date_files",
            "a feed needs calendar.txt or calendar_dates.txt",
        )
    for name in sorted(names - KNOWN_FILES):
        close = _misspelt(name)
        if close:
            notices.add(
                "unknown_file",
                f"not a GTFS file; did you mean {close}?",
                name,
                severity=Severity.WARNING,
            )
        else:
            notices.add("unknown_file", "not a GTFS file; it is ignored", name)


def _misspelt(name: str) -> str | None:
    """The known file ``name`` is one edit (two for long names; case ignored) away from."""
    lowered = name.lower()
    allowed = 2 if len(lowered) >= 12 else 1
    for known in sorted(KNOWN_FILES):
        if abs(len(known) - len(lowered)) <= allowed and _distance(lowered, known) <= allowed:
            return known
    return None


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]
