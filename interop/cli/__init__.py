"""The ``interop`` command line, one module per command group.

``interop.cli.app`` is the root typer application and the documented entry point for tests:
``typer.testing.CliRunner().invoke(app, [...])`` runs any command in-process. Every
:class:`~interop.errors.InteropError` becomes a one-line message and exit status 2.
"""

from interop.cli.app import app, main

__all__ = ["app", "main"]
