"""Lenient reading: what a reader or codec set aside, and the notices it raised on the way.

Real data always has a few bad values. A reader or codec that meets one calls
:func:`set_aside` (an item it cannot turn into a record: a row, a line, a message) or
:func:`notice` (a problem it worked around, the bad value kept verbatim). While a caller
collects into a :class:`SetAsideLog` (``with collecting(log):``), both are recorded and
reading goes on; with no log, or a strict one, :func:`set_aside` raises the error it was
given, so code that does not opt in keeps failing fast. The log lives in a context
variable, so plugins need no extra argument and generators see the log of whoever consumes
them.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from interop.errors import InteropError
from interop.report import Issue, Severity

__all__ = [
    "OnError",
    "SetAside",
    "SetAsideLog",
    "collecting",
    "current",
    "notice",
    "set_aside",
]

OnError = Literal["skip", "fail"]
"""What to do with an item that cannot become a record: set it aside, or stop."""


@dataclass(frozen=True, slots=True)
class SetAside:
    """One input item refused and set aside: where it was, why, and the item verbatim."""

    source: str
    """Where the item was: ``feed.zip/stops.txt data row 12``, ``uplinks.jsonl:7``."""
    code: str
    """A stable code (a validation notice code or an error code)."""
    reason: str
    raw: str | bytes | None = None
    """The item as read (a CSV row as text, a message's bytes), when it can be shown."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``raw`` as text, or as ``raw_base64`` when it is not UTF-8 text."""
        data: dict[str, Any] = {"source": self.source, "code": self.code, "reason": self.reason}
        raw = self.raw
        if isinstance(raw, bytes):
            try:
                data["raw"] = raw.decode("utf-8")
            except UnicodeDecodeError:
                data["raw_base64"] = base64.b64encode(raw).decode("ascii")
        elif raw is not None:
            data["raw"] = raw
        return data


@dataclass
class SetAsideLog:
    """Collects set-aside items and notices of one conversion, with bounded memory.

    ``strict`` makes :func:`set_aside` raise (today's fail-fast behaviour); ``on_error="fail"``
    does the same for items only, while notices of kept values are still collected.
    ``dead_letter`` receives every set-aside item (e.g. to write it to a file); only the
    first ``sample_limit`` items and notices of each code are kept in memory.
    """

    strict: bool = False
    on_error: OnError = "skip"
    dead_letter: Callable[[SetAside], None] | None = None
    sample_limit: int = 20
    set_aside_counts: Counter[str] = field(default_factory=Counter)
    notice_counts: Counter[str] = field(default_factory=Counter)
    samples: list[SetAside] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)
    _severity: dict[str, Severity] = field(default_factory=dict)

    @property
    def refuses(self) -> bool:
        """True when an item that cannot become a record must stop the reading."""
        return self.strict or self.on_error == "fail"

    def add(self, item: SetAside) -> None:
        """Record one set-aside item (and hand it to the dead letter)."""
        self.set_aside_counts[item.code] += 1
        if self.set_aside_counts[item.code] <= self.sample_limit:
            self.samples.append(item)
        if self.dead_letter is not None:
            self.dead_letter(item)

    def note(self, issue: Issue) -> None:
        """Record one notice (a problem worked around; the data was kept)."""
        self.notice_counts[issue.code] += 1
        self._severity.setdefault(issue.code, issue.severity)
        if self.notice_counts[issue.code] <= self.sample_limit:
            self.notices.append(issue)

    @property
    def set_aside_total(self) -> int:
        """How many items were set aside."""
        return sum(self.set_aside_counts.values())

    @property
    def has_errors(self) -> bool:
        """True when a notice of severity error was raised (data kept, but not valid)."""
        return any(severity is Severity.ERROR for severity in self._severity.values())

    def summary(self) -> dict[str, Any]:
        """What was set aside and noticed, by code, with samples: JSON-ready."""
        return {
            "set_aside": {
                "count": self.set_aside_total,
                "by_code": dict(sorted(self.set_aside_counts.items())),
                "samples": [item.as_dict() for item in self.samples],
            },
            "notices": {
                "count": sum(self.notice_counts.values()),
                "by_code": {
                    code: {"severity": str(self._severity[code]), "count": count}
                    for code, count in sorted(self.notice_counts.items())
                },
                "samples": [
                    {
                        "code": issue.code,
                        "severity": str(issue.severity),
                        "message": issue.message,
                        "file": issue.file,
                        "row": issue.row,
                        "field": issue.field,
                    }
                    for issue in self.notices
                ],
            },
        }


_CURRENT: ContextVar[SetAsideLog | None] = ContextVar("interop_set_aside_log", default=None)


def current() -> SetAsideLog | None:
    """The log being collected into, or None when nobody opted into lenient reading."""
    return _CURRENT.get()


@contextmanager
def collecting(log: SetAsideLog) -> Iterator[SetAsideLog]:
    """Collect set-aside items and notices into ``log`` within the block."""
    token = _CURRENT.set(log)
    try:
        yield log
    finally:
        _CURRENT.reset(token)


def set_aside(
    error: InteropError,
    *,
    code: str | None = None,
    raw: str | bytes | None = None,
    where: str | None = None,
) -> None:
    """Set an item aside in the current log, or raise ``error`` when none collects or refuses.

    ``error`` gives the reason and, unless ``where`` names the item, its ``source``;
    ``code`` defaults to the error's code. Returning means: skip the item and go on.
    """
    log = _CURRENT.get()
    if log is None or log.refuses:
        raise error
    log.add(SetAside(where or error.source or "input", code or error.code, str(error), raw))


def notice(issue: Issue) -> None:
    """Record a notice in the current log (nothing happens when nobody collects)."""
    log = _CURRENT.get()
    if log is not None:
        log.note(issue)
