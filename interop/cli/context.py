"""What every ``interop`` command shares: the consoles, error reporting, registry loading.

Command modules import from here and never from each other, so that adding a command group
is adding one module and one line in :mod:`interop.cli.app`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from interop.errors import InteropError, ValidationError

if TYPE_CHECKING:
    from interop.registry import Registry

__all__ = [
    "StoreOption",
    "StrictOption",
    "console",
    "err_console",
    "load_registry",
    "parse_options",
    "reports_errors",
]

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

StoreOption = Annotated[
    str,
    typer.Option(
        "--store",
        envvar="INTEROP_STORE",
        help="Store: a folder (embedded SQLite) or postgresql://... (env INTEROP_STORE).",
    ),
]
"""The ``--store`` option of every command that opens a store."""

StrictOption = Annotated[
    bool, typer.Option("--strict", help="Fail on a broken plugin instead of skipping it.")
]


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn interop errors into a red one-line message and exit status 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InteropError as error:
            err_console.print(
                f"[bold red]error[/]: {escape(str(error))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(2) from error

    return wrapper


def load_registry(strict: bool) -> Registry:
    """The installed plugins, loaded strictly (a broken plugin is an error) or leniently."""
    from interop.registry import Registry

    return Registry(strict=strict).load()


def parse_options(items: list[str] | None) -> dict[str, str]:
    """``["k=v", ...]`` as a dict; a malformed item is a ValidationError."""
    options: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValidationError("malformed option", source=item, expected="KEY=VALUE")
        options[key] = value
    return options
