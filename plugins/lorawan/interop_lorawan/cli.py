"""``interop lorawan ...``: the commands only LoRaWAN needs, mounted by the core CLI.

``interop lorawan codecs`` lists the built-in payload codec ids with their maker and model,
so a device profile or ``--codec`` can name one; ``interop lorawan coverage FILE`` shows,
per device model, which decoded fields the semantic mapping places, which it placed by
choosing among ambiguous units, and which stay unmapped and why: what an integrator puts in
a device profile. Generic work (decoding, converting) stays in ``interop decode`` and
``interop convert``, which take ``--codec ID|PATH.yaml`` and ``--profiles FILE`` as hints.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from interop.cli.context import console, err_console, reports_errors

__all__ = ["app"]

app = typer.Typer(
    name="lorawan",
    help="LoRaWAN: the built-in payload codecs and the semantic mapping's coverage.",
    no_args_is_help=True,
)


@app.command("codecs")
@reports_errors
def codecs(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per codec.")] = False,
) -> None:
    """List the built-in payload codec ids with their maker and model."""
    import orjson

    from interop_lorawan.uplink import default_payload_codecs

    table = default_payload_codecs()
    rows = []
    for codec_id in table:
        codec = table.get(codec_id)
        doc = (type(codec).__doc__ or "").strip().splitlines()
        rows.append((codec_id, codec.vendor or "-", doc[0] if doc else ""))
    if as_json:
        for codec_id, vendor, model in rows:
            line = {"codec": codec_id, "maker": vendor, "model": model}
            sys.stdout.write(orjson.dumps(line).decode() + "\n")
        return
    from rich.table import Table

    out = Table(title=f"{len(rows)} built-in payload codecs (also: --codec PATH.yaml)")
    for column in ("codec id", "maker", "model"):
        out.add_column(column, overflow="fold")
    for row in rows:
        out.add_row(*row)
    console.print(out)


@app.command("coverage")
@reports_errors
def coverage(
    file: Annotated[
        Path, typer.Argument(help="JSON Lines: TTS/ChirpStack uplinks or decoded objects.")
    ],
    codec: Annotated[
        str | None,
        typer.Option(help="Payload codec (id or Device Repository YAML) for raw uplinks."),
    ] = None,
    profiles: Annotated[
        Path | None, typer.Option(help="Device profiles (TOML/JSON): codecs and field rules.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per model.")] = False,
) -> None:
    """Per device model: mapped fields, ambiguous ones placed by value, unmapped and why."""
    import orjson

    from interop.errors import ValidationError
    from interop_lorawan.coverage import coverage_of, decoded_objects

    if not file.is_file():
        raise ValidationError("no such file", source=str(file), field="FILE")
    hints: dict[str, str] = {}
    if codec is not None:
        hints["codec"] = codec
    if profiles is not None:
        if not profiles.is_file():
            raise ValidationError("no such file", source=str(profiles), field="--profiles")
        hints["profiles"] = str(profiles)
    models = coverage_of(decoded_objects(file, hints))
    if not models:
        err_console.print(f"[yellow]warning[/]: {file} holds no decoded object")
        raise typer.Exit(1)
    if as_json:
        for model in models.values():
            line: dict[str, Any] = {
                "model": model.model, "objects": model.objects,
                "coverage": round(model.coverage, 4), "mapped": dict(model.mapped),
                "resolved": dict(model.resolved), "unmapped": dict(model.unmapped),
            }  # fmt: skip
            sys.stdout.write(orjson.dumps(line).decode() + "\n")
        return
    for model in models.values():
        console.print(
            f"[bold]{model.model}[/]: {model.objects} objects, "
            f"{model.coverage:.0%} of fields mapped"
        )
        for title, counts in (
            ("mapped", model.mapped),
            ("ambiguous, placed by value", model.resolved),
            ("unmapped", model.unmapped),
        ):
            if counts:
                console.print(f"  {title}:", highlight=False)
                for label, count in sorted(counts.items()):
                    console.print(f"    {label}  x{count}", highlight=False, markup=False)
