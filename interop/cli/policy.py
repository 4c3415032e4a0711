"""``interop policy check|report``: what a privacy policy does, and its GDPR Art. 30 record."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from interop.cli.context import console, err_console, parse_options, reports_errors

__all__ = ["register"]

policy_app = typer.Typer(
    name="policy",
    help="Check a privacy policy file and write its GDPR Art. 30 record.",
    no_args_is_help=True,
)

PolicyFile = Annotated[
    Path | None,
    typer.Argument(help="Policy file (TOML); the built-in default policy when omitted."),
]
SinkOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sink",
        help="A sink and its jurisdiction, NAME=CODE (ISO 3166, EU, EEA; empty: undeclared). "
        "Repeatable.",
    ),
]


def _sinks(items: list[str] | None) -> dict[str, str | None]:
    return {name: (code or None) for name, code in parse_options(items).items()}


@reports_errors
def check(
    file: PolicyFile = None,
    sink: SinkOption = None,
    changed: Annotated[
        bool, typer.Option("--changed", help="Only fields some stage does not keep as is.")
    ] = False,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only this record kind. Repeatable.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print decisions as JSON.")] = False,
) -> None:
    """Explain what happens to each field of each record type, for the store and each sink.

    With --sink, also checks the jurisdictions: exit status 2 when a sink outside the
    allowed ones would receive pseudonymous or personal data.
    """
    from interop.privacy import Action, Enforcer, KeyRing, load_policy

    policy = load_policy(file)
    sinks = _sinks(sink)
    keys = KeyRing.from_env()
    enforcer = Enforcer(policy, keys)
    decisions = enforcer.decisions(list(sinks))
    if kind:
        decisions = [d for d in decisions if d.kind in kind]
    if changed:
        decisions = [d for d in decisions if any(a is not Action.KEEP for a in d.actions.values())]
    if as_json:
        payload = {
            "policy": {"name": policy.name, "version": policy.version, "source": policy.source},
            "pseudonymisation_key": keys.current_version,
            "fields": [
                {
                    "kind": d.kind,
                    "field": d.field,
                    "class": d.data_class.value,
                    "actions": {s: a.value for s, a in d.actions.items()},
                    "refuses_record": [s for s, refused in d.refuses.items() if refused],
                }
                for d in decisions
            ],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        table = Table(title=f"{policy.name} (version {policy.version})")
        for column in ("record", "field", "class", "store", *sinks):
            table.add_column(column)
        for d in decisions:
            cells = [
                a.value + (" (record refused)" if d.refuses[s] else "")
                for s, a in d.actions.items()
            ]
            table.add_row(d.kind, d.field, d.data_class.value, *cells)
        console.print(table)
        for rule in policy.aggregate:
            console.print(
                f"aggregate {escape(rule.name)}: {escape(', '.join(rule.kinds))} "
                f"{escape(', '.join(rule.properties) or 'every property')} consumed into "
                f"{rule.statistic} per {escape(rule.area)} and window; cells under "
                f"k={rule.k} contributors suppressed",
                highlight=False,
            )
    if keys.current_version is None and any(
        a is Action.PSEUDONYMISE for d in decisions for a in d.actions.values()
    ):
        err_console.print(
            "[yellow]note[/]: no pseudonymisation key (INTEROP_PSEUDONYM_KEY_FILE or "
            "INTEROP_PSEUDONYM_KEYS): records holding a value to pseudonymise are refused",
            highlight=False,
        )
    if sinks:
        enforcer.check_sinks(sinks)
        err_console.print(f"jurisdictions: {len(sinks)} sink(s) allowed", highlight=False)


@reports_errors
def report(
    file: PolicyFile = None,
    sink: SinkOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write OUTPUT.md and OUTPUT.json instead of printing."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON record.")] = False,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the JSON Schema of the JSON record.")
    ] = False,
) -> None:
    """Write the GDPR Art. 30 record of processing activities, as Markdown and JSON."""
    from interop.privacy import Enforcer, KeyRing, RecordOfProcessing, build_record, load_policy
    from interop.privacy import render_markdown as markdown

    if schema:
        document = RecordOfProcessing.model_json_schema()
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
    record = build_record(Enforcer(load_policy(file), KeyRing.from_env()), _sinks(sink))
    text = record.model_dump_json(indent=2) + "\n"
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        md_path, json_path = output.with_suffix(".md"), output.with_suffix(".json")
        md_path.write_text(markdown(record), encoding="utf-8")
        json_path.write_text(text, encoding="utf-8")
        console.print(f"wrote {md_path} and {json_path}", highlight=False)
    elif as_json:
        sys.stdout.write(text)
    else:
        sys.stdout.write(markdown(record))


def register(app: typer.Typer) -> None:
    """Add the ``policy`` group (``check``, ``report``) to the root command."""
    policy_app.command()(check)
    policy_app.command()(report)
    app.add_typer(policy_app)
