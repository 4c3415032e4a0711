"""``interop plugins`` (what is installed) and ``interop schema`` (JSON Schema of records)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from interop.cli.context import StrictOption, console, err_console, load_registry, reports_errors

__all__ = ["register"]


@reports_errors
def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="Print manifests as JSON.")] = False,
    strict: StrictOption = False,
) -> None:
    """List installed plugins with their manifests and capabilities."""
    registry = load_registry(strict)
    if as_json:
        payload = {
            "plugins": [
                {
                    **p.manifest.model_dump(mode="json"),
                    "distribution": p.distribution,
                    "adapters": [
                        {"kind": _kind_name(cls), "name": cls.name, "class": _qualname(cls)}
                        for cls in p.adapters
                    ],
                }
                for p in registry.plugins
            ],
            "failures": [{"name": f.name, "error": str(f.error)} for f in registry.failures],
        }
        sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        return
    table = Table(title="interop plugins")
    for column in ("name", "version", "vendor", "protocols", "capabilities", "adapters"):
        table.add_column(column)
    for p in registry.plugins:
        m = p.manifest
        table.add_row(
            m.name,
            m.version,
            m.vendor,
            ", ".join(m.protocols),
            ", ".join(sorted(m.capabilities)),
            ", ".join(f"{_kind_name(c)}:{c.name}" for c in p.adapters),
        )
    console.print(table)
    for failure in registry.failures:
        message = escape(f"{failure.name}: {failure.error}")
        err_console.print(f"[yellow]skipped[/] {message}", highlight=False)


def _kind_name(cls: type) -> str:
    from interop.adapters import adapter_kind

    return adapter_kind(cls).__name__


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@reports_errors
def schema(
    kind: Annotated[
        str | None, typer.Argument(help="Record kind (e.g. measurement); all when omitted.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write one <kind>.schema.json per kind here.")
    ] = None,
) -> None:
    """Print the JSON Schema of every record type (or of one kind)."""
    from interop.model.records import RECORD_TYPES, RecordAdapter, record_type

    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for cls in RECORD_TYPES:
            name = cls.model_fields["kind"].default
            text = json.dumps(cls.model_json_schema(), indent=2, sort_keys=True)
            (out / f"{name}.schema.json").write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {len(RECORD_TYPES)} schemas to {out}")
        return
    if kind is None:
        document = RecordAdapter.json_schema()
    else:
        try:
            document = record_type(kind).model_json_schema()
        except KeyError as exc:
            from interop.errors import ValidationError

            raise ValidationError(str(exc.args[0]), source=kind, field="kind") from None
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")


def register(app: typer.Typer) -> None:
    """Add ``plugins`` and ``schema`` to the root command."""
    app.command()(plugins)
    app.command()(schema)
