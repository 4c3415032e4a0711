"""The root ``interop`` application: each command module registers itself here.

No command module imports another; what they share lives in :mod:`interop.cli.context`.
"""

from __future__ import annotations

import typer

from interop.cli import convert, demo, lighting, plugins, validate

__all__ = ["app", "main"]

app = typer.Typer(
    name="interop",
    help="Plug any supplier's devices, feeds and platforms into one open, SAREF-aligned model.",
    no_args_is_help=True,
    add_completion=False,
)

for _module in (plugins, convert, validate, demo, lighting):
    _module.register(app)


def main() -> None:  # pragma: no cover - console entry point
    """Run the CLI."""
    app()
