"""Check a data file and report every problem found, as a report rather than a crash.

``records:FILE`` (canonical JSON Lines) is checked against the model, RDF files against the
SHACL shapes. A :class:`Report` lists :class:`Issue` entries with severity, stable code,
file, row, field and message: the same shape plugin validators (e.g. GTFS) report in.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticValidationError

from interop.errors import ValidationError
from interop.model.records import RecordAdapter
from interop.report import Issue, Report, Severity

if TYPE_CHECKING:
    from interop.registry import Registry

__all__ = ["Issue", "Report", "Severity", "validate_file"]

_RDF_SUFFIXES = frozenset({".nt", ".ttl", ".jsonld"})


def _validate_records(path: Path) -> Report:
    issues: list[Issue] = []
    checked = 0
    with path.open("rb") as handle:
        for row, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            checked += 1
            try:
                RecordAdapter.validate_json(line)
            except PydanticValidationError as exc:
                issues.extend(_model_issues(exc.errors(include_url=False), str(path), row))
    return Report(str(path), checked, tuple(issues))


def _model_issues(errors: Iterable[Any], file: str, row: int) -> Iterable[Issue]:
    for error in errors:
        yield Issue(
            Severity.ERROR,
            f"model-{error['type']}",
            str(error["msg"]),
            file,
            row,
            ".".join(str(part) for part in error["loc"]) or None,
        )


def _validate_rdf(path: Path) -> Report:
    from interop.rdf import validate as shacl_validate

    report = shacl_validate(path)
    issues = tuple(
        Issue(
            Severity.ERROR if result.severity.endswith("Violation") else Severity.WARNING,
            "shacl-" + result.constraint.rsplit("#", 1)[-1],
            result.message,
            str(path),
            None,
            result.path,
        )
        for result in report.results
    )
    return Report(str(path), report.focus_nodes, issues)


def validate_file(reference: str, registry: Registry | None = None) -> Report:
    """Validate ``records:FILE``, an RDF file, or ``plugin:PATH`` (given a ``registry``).

    RDF files end in ``.ttl``, ``.nt`` or ``.jsonld``; ``plugin:PATH`` is handed to that
    plugin's ``interop_validate`` hook.
    """
    scheme, sep, rest = reference.partition(":")
    if sep and scheme == "records":
        path = Path(rest)
        if not path.is_file():
            raise ValidationError("no such file", source=reference, field="path")
        return _validate_records(path)
    path = Path(reference.removeprefix("rdf:"))
    if path.suffix.lower() in _RDF_SUFFIXES:
        if not path.is_file():
            raise ValidationError("no such file", source=reference, field="path")
        return _validate_rdf(path)
    if sep and len(scheme) > 1 and scheme != "rdf" and registry is not None:
        target = Path(rest)
        if not target.exists():
            raise ValidationError("no such file or folder", source=reference, field="path")
        return registry.validate(scheme, target)
    raise ValidationError(
        "cannot tell how to validate this input",
        source=reference,
        expected="records:FILE.jsonl, an RDF file (.ttl, .nt, .jsonld) or plugin:PATH",
    )
