"""Jurisdictions a policy may allow: ISO 3166-1 alpha-2 codes, ``EU`` and ``EEA`` as groups."""

from __future__ import annotations

__all__ = ["EEA", "EU", "allows", "expand"]

# fmt: off
EU = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})
# fmt: on
"""The 27 member states of the European Union."""

EEA = EU | {"IS", "LI", "NO"}
"""The European Economic Area: the EU, Iceland, Liechtenstein and Norway."""

_GROUPS = {"EU": EU, "EEA": EEA}


def expand(codes: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    """Country codes (and group names) with ``EU``/``EEA`` expanded to their members."""
    out: set[str] = set()
    for code in codes:
        upper = code.strip().upper()
        out.add(upper)
        out |= _GROUPS.get(upper, frozenset())
    return frozenset(out)


def allows(allowed: frozenset[str], jurisdiction: str | None) -> bool:
    """True when data may go to ``jurisdiction``; a group is allowed only as a whole."""
    if jurisdiction is None:
        return False
    code = jurisdiction.strip().upper()
    if code in _GROUPS:
        return _GROUPS[code] <= allowed
    return code in allowed
