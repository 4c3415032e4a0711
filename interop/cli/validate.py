"""``interop validate``: RDF against SHACL, records against the model, vendor files by plugin."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from interop.cli.context import StrictOption, console, load_registry, reports_errors

__all__ = ["register"]


@reports_errors
def validate(
    file: Annotated[
        str, typer.Argument(help="RDF file (.ttl, .nt, .jsonld), records:FILE or plugin:PATH")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="text, or json: notices by code, keyed as MobilityData's report.json.",
        ),
    ] = "text",
    strict: StrictOption = False,
) -> None:
    """Check a file: RDF against SHACL, records against the model, vendor files by plugin."""
    from interop.errors import ValidationError
    from interop.validate import validate_file

    if output_format not in ("text", "json"):
        raise ValidationError("unknown --format", source=output_format, expected="text or json")

    scheme = file.partition(":")[0]
    needs_plugin = ":" in file and len(scheme) > 1 and scheme not in ("records", "rdf")
    report = validate_file(file, load_registry(strict) if needs_plugin else None)
    if output_format == "json":
        sys.stdout.write(json.dumps(report.as_notice_report(), indent=2) + "\n")
    elif as_json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
    else:
        console.print(report.text, highlight=False, markup=False)
    if not report.conforms:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the root command."""
    app.command()(validate)
