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
    details: tuple[tuple[str, str | int | float | bool], ...] = ()
    """Notice-specific fields as (name, value) pairs, e.g. ``("tripId", "T1")``; a summary of
    notices not listed carries ``("moreNotices", count)``."""


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

    def as_notice_report(self) -> dict[str, Any]:
        """The report keyed as MobilityData's gtfs-validator ``report.json``.

        ``notices`` holds one entry per code (``code``, ``severity`` in capitals,
        ``totalNotices``, ``sampleNotices`` with ``filename``, ``csvRowNumber`` (header = 1),
        ``fieldName``, the notice's own fields from ``details`` and ``message``); ``summary``
        the source, verdict and counts.
        """
        by_code: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_code.setdefault(issue.code, []).append(issue)
        notices = []
        for code, issues in by_code.items():
            more = sum(int(dict(i.details).get("moreNotices", 0)) for i in issues)
            samples = [
                {
                    **{
                        key: value
                        for key, value in (
                            ("filename", issue.file),
                            ("csvRowNumber", issue.row),
                            ("fieldName", issue.field),
                        )
                        if value is not None
                    },
                    **dict(issue.details),
                    "message": issue.message,
                }
                for issue in issues
                if "moreNotices" not in dict(issue.details)
            ]
            notices.append(
                {
                    "code": code,
                    "severity": issues[0].severity.value.upper(),
                    "totalNotices": len(samples) + more,
                    "sampleNotices": samples,
                }
            )
        counts = {
            f"{severity.value}s": sum(i.severity is severity for i in self.issues)
            for severity in Severity
        }
        summary = {"source": self.source, "conforms": self.conforms, "checked": self.checked}
        return {"summary": {**summary, "counts": counts}, "notices": notices}

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "source": self.source,
            "conforms": self.conforms,
            "checked": self.checked,
            "issues": [{**asdict(issue), "details": dict(issue.details)} for issue in self.issues],
        }
