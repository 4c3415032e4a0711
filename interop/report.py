"""The validation report: issues with severity, stable code and location.

A leaf module (it imports nothing of the project) so that the hook specifications, the
registry and the validators can all use the same :class:`Report` without an import cycle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Issue", "Report", "Severity"]


class Severity(StrEnum):
    """How bad an issue is; only errors make a report non-conforming."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: where it is (file, row, field) and what is wrong."""

    severity: Severity
    code: str
    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """All issues found in one input; ``conforms`` when none is an error."""

    source: str
    checked: int
    issues: tuple[Issue, ...] = field(default=())

    @property
    def conforms(self) -> bool:
        """True when no issue has severity error."""
        return not any(i.severity is Severity.ERROR for i in self.issues)

    @property
    def text(self) -> str:
        """A human-readable summary, one line per issue."""
        verdict = "conforms" if self.conforms else "does NOT conform"
        lines = [f"{self.source}: {verdict} ({self.checked} checked, {len(self.issues)} issues)"]
        for issue in self.issues:
            where = ":".join(str(p) for p in (issue.file, issue.row) if p is not None)
            column = f" [{issue.field}]" if issue.field else ""
            lines.append(f"  {issue.severity}: {issue.code} {where}{column}: {issue.message}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "source": self.source,
            "conforms": self.conforms,
            "checked": self.checked,
            "issues": [asdict(issue) for issue in self.issues],
        }
