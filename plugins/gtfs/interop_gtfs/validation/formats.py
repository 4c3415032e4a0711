"""Format checks for GTFS field types, one small function per type, chosen from a table.

Each checker takes a stripped, non-empty value and returns ``None`` when it is well formed,
or the MobilityData notice code to report. Numbers are parsed here too so that range and
enum checks can reuse the value (:func:`parse_number`).
"""

from __future__ import annotations

import math
import re
import zoneinfo
from collections.abc import Callable
from datetime import date
from functools import cache
from urllib.parse import urlsplit

__all__ = ["CHECKERS", "RANGES", "parse_date", "parse_number", "parse_time"]

_TIME = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)")
_DATE = re.compile(r"\d{8}")
_COLOR = re.compile(r"[0-9A-Fa-f]{6}")
_INTEGER = re.compile(r"[+-]?\d+")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

_CURRENCIES = frozenset(
    re.findall(
        r"[A-Z]{3}",
        """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK
    DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR
    ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD
    OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL
    SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU
    UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF XSU YER ZAR ZMW ZWG ZWL""",
    )
)
"""ISO 4217 active currency codes (fund and precious-metal codes left out)."""


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_time(value: str) -> int | None:
    """Seconds after the start of the service day for ``H:MM:SS`` (hours may pass 24)."""
    match = _TIME.fullmatch(value)
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds)


def parse_date(value: str) -> date | None:
    """The date written as ``YYYYMMDD``, else ``None``."""
    if _DATE.fullmatch(value) is None:
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def parse_number(value: str, kind: str) -> float | None:
    """The value as a number for ``integer``/``float``-like kinds, else ``None``."""
    if kind == "integer":
        return float(int(value)) if _INTEGER.fullmatch(value) else None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _number(kind: str, code: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if parse_number(value, kind) is not None else code

    return check


def _time(value: str) -> str | None:
    return None if parse_time(value) is not None else "invalid_time"


def _date(value: str) -> str | None:
    return None if parse_date(value) is not None else "invalid_date"


def _color(value: str) -> str | None:
    return None if _COLOR.fullmatch(value) else "invalid_color"


def _url(value: str) -> str | None:
    try:
        parts = urlsplit(value)
    except ValueError:
        return "invalid_url"
    ok = parts.scheme.lower() in {"http", "https"} and bool(parts.netloc) and " " not in value
    return None if ok else "invalid_url"


def _email(value: str) -> str | None:
    return None if _EMAIL.fullmatch(value) else "invalid_email"


def _language(value: str) -> str | None:
    return None if _LANGUAGE.fullmatch(value) else "invalid_language_code"


def _timezone(value: str) -> str | None:
    return None if value in _timezones() else "invalid_timezone"


def _currency(value: str) -> str | None:
    return None if value in _CURRENCIES else "invalid_currency"


CHECKERS: dict[str, Callable[[str], str | None]] = {
    "integer": _number("integer", "invalid_integer"),
    "float": _number("float", "invalid_float"),
    "latitude": _number("float", "invalid_float"),
    "longitude": _number("float", "invalid_float"),
    "time": _time,
    "date": _date,
    "color": _color,
    "url": _url,
    "email": _email,
    "language": _language,
    "timezone": _timezone,
    "currency": _currency,
}
"""Format check per field kind; ``text`` (and any kind not listed) is not checked."""

RANGES: dict[str, tuple[float, float]] = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)}
"""Inclusive ranges implied by a field kind."""
