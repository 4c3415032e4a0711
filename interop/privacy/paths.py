"""How a policy file names fields (``command.issued_by``, ``location``, ``extensions.wifi``).

A name is ``kind.path`` (one record type) or ``path`` (every record type with that field);
``path`` walks nested models with dots. ``extensions.<namespace>[.<member>]`` names vendor
fields inside a record's extensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel

from interop.model.base import DataClass
from interop.model.records import RECORD_TYPES
from interop.privacy.fields import FieldSpec, fields_of, iter_fields

__all__ = ["PathProblem", "check_path", "kinds", "record_fields", "split_path"]

EXTENSIONS = "extensions"


@cache
def kinds() -> dict[str, type[BaseModel]]:
    """Every record kind tag and its class."""
    return {str(cls.model_fields["kind"].default): cls for cls in RECORD_TYPES}


@cache
def record_fields(kind: str) -> dict[str, FieldSpec]:
    """Every field of a record kind, by dotted path."""
    return {spec.dotted: spec for spec in iter_fields(fields_of(kinds()[kind]))}


def split_path(path: str) -> tuple[str | None, str]:
    """``command.issued_by`` -> (``command``, ``issued_by``); ``location`` -> (None, ...)."""
    head, _, rest = path.partition(".")
    if rest and head in kinds():
        return head, rest
    return None, path


@dataclass(frozen=True, slots=True)
class PathProblem:
    """Why a field override cannot be accepted."""

    message: str
    expected: str
    forbidden: bool = False
    """True for a policy breach (keeping a personal field), False for a typo."""


def check_path(path: str, action: str) -> PathProblem | None:
    """None when ``path`` names a field and ``action`` may apply to it."""
    kind, rest = split_path(path)
    if rest == EXTENSIONS or rest.startswith(EXTENSIONS + "."):
        return None
    candidates = [kind] if kind is not None else list(kinds())
    specs = [record_fields(k)[rest] for k in candidates if rest in record_fields(k)]
    if not specs:
        where = f"record kind {kind!r}" if kind else "any record type"
        return PathProblem(
            f"no field {rest!r} in {where}",
            "kind.field or field, e.g. command.issued_by or location (see interop policy check)",
        )
    if action == "keep" and any(s.data_class is DataClass.PERSONAL for s in specs):
        return PathProblem(
            "a personal field may not be kept in clear",
            "pseudonymise, generalise or suppress",
            forbidden=True,
        )
    return None
