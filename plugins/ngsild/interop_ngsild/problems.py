"""NGSI-LD ProblemDetails (RFC 7807) and whether a failure is worth retrying.

A broker answers errors as ``{"type": "https://uri.etsi.org/ngsi-ld/errors/<Name>", "title",
"detail", "status"}``. Retryable: the broker or something it needs is down (503, 502, 504,
500, ``LdContextNotAvailable``, timeouts); a retry from the pipeline's cursor will succeed.
Permanent: the broker refuses the data itself (``BadRequestData``, ``InvalidRequest``, 422):
retrying cannot help, so that entity's records go to the dead letter with the broker's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ERRORS", "Problem", "problem_from"]

ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"
_RETRYABLE_TYPES = frozenset({"LdContextNotAvailable", "InternalError"})
_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Problem:
    """One error a broker reported, for a request or for one entity of a batch."""

    status: int
    type: str
    detail: str

    @property
    def name(self) -> str:
        """The error's short name (``BadRequestData``), or its type URI when not an ETSI one."""
        return self.type.removeprefix(ERRORS)

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later."""
        return self.name in _RETRYABLE_TYPES or self.status in _RETRYABLE_STATUS

    def __str__(self) -> str:
        return (
            f"{self.status} {self.name}: {self.detail}"
            if self.detail
            else f"{self.status} {self.name}"
        )


def problem_from(body: Any, status: int) -> Problem:
    """Read a ProblemDetails body (or anything else a broker sent) with its HTTP status."""
    if isinstance(body, Mapping):
        kind = body.get("type")
        detail = body.get("detail") or body.get("title") or ""
        raw_status = body.get("status")
        return Problem(
            raw_status
            if isinstance(raw_status, int) and not isinstance(raw_status, bool)
            else status,
            str(kind) if isinstance(kind, str) else f"http-{status}",
            str(detail)[:500],
        )
    text = body if isinstance(body, str) else ""
    return Problem(status, f"http-{status}", text[:500])
