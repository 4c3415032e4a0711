"""SLV's string-typed values ("0.0447", "false", "229") parsed into Python numbers and flags."""

from __future__ import annotations

import math

from interop.errors import DecodeError

__all__ = ["parse_arc", "parse_flag", "parse_number"]

Scalar = str | int | float | bool | None


def parse_number(value: Scalar, *, field: str, source: str | None = None) -> float:
    """A finite number from SLV's decimal string (numbers are accepted as they are)."""
    if isinstance(value, bool) or value is None:
        raise DecodeError(f"{value!r} is not a number", source=source, field=field)
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except ValueError:
        raise DecodeError(
            f"{value!r} is not a number", source=source, field=field, expected="a decimal string"
        ) from None
    if not math.isfinite(number):
        raise DecodeError(
            f"{value!r} is not finite", source=source, field=field, expected="a finite number"
        )
    return number


def parse_arc(value: Scalar, *, field: str = "LampLevel", source: str | None = None) -> int:
    """A DALI arc level from its string ("229"); DecodeError for anything but 0..254."""
    number = parse_number(value, field=field, source=source)
    if not number.is_integer() or not 0 <= number <= 254:
        raise DecodeError(
            f"{value!r} is not a DALI arc level", source=source, field=field, expected="0..254"
        )
    return int(number)


def parse_flag(value: Scalar, *, field: str, source: str | None = None) -> bool:
    """A boolean from SLV's ``"true"``/``"false"`` (also 1/0)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise DecodeError(
        f"{value!r} is not a flag", source=source, field=field, expected='"true" or "false"'
    )
