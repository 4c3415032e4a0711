"""Timestamps as fixed-width UTC text, so that text order is time order in every engine."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["from_text", "to_text"]


def to_text(value: datetime) -> str:
    """``2026-12-03T09:00:00.000000Z``: always four-digit year, microseconds, UTC."""
    if value.tzinfo is UTC and value.year >= 1000:  # the common case, formatted in C
        text = value.isoformat()  # 2026-12-03T09:00:00[.000001]+00:00
        return f"{text[:-6]}Z" if value.microsecond else f"{text[:-6]}.000000Z"
    v = value.astimezone(UTC)
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
        f".{v.microsecond:06d}Z"
    )


def from_text(text: str) -> datetime:
    """The inverse of :func:`to_text` (an aware UTC datetime)."""
    return datetime.fromisoformat(text).astimezone(UTC)
