"""The root ``interop`` application: each command module registers itself here.

No command module imports another; what they share lives in :mod:`interop.cli.context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from interop.cli import (
    convert,
    demo,
    ingest,
    lighting,
    plugins,
    policy,
    scaffold,
    serve,
    store,
    validate,
)

if TYPE_CHECKING:
    from interop.registry import Registry

__all__ = ["app", "main", "mount_plugin_groups"]

app = typer.Typer(
    name="interop",
    help="Plug any supplier's devices, feeds and platforms into one open, SAREF-aligned model.",
    no_args_is_help=True,
    add_completion=False,
)

for _module in (plugins, scaffold, convert, validate, ingest, store, serve, demo, lighting, policy):
    _module.register(app)


def mount_plugin_groups(root: typer.Typer, registry: Registry | None = None) -> list[str]:
    """Mount the command groups plugins contribute (``interop_cli_groups``); their names.

    Plugins are loaded leniently and any failure is logged and skipped, so a broken plugin
    never breaks ``interop --help``; a group may not take a name already in use.
    """
    import logging

    log = logging.getLogger(__name__)
    try:
        if registry is None:
            from interop.registry import Registry

            registry = Registry(strict=False).load()
        groups = registry.cli_groups()
    except Exception as exc:  # vendor code must never take the CLI down
        log.warning("plugin command groups not mounted: %s: %s", type(exc).__name__, exc)
        return []
    taken = {
        c.name or (c.callback.__name__ if c.callback else "") for c in root.registered_commands
    }
    for registered in root.registered_groups:
        name = registered.name or (registered.typer_instance or typer.Typer()).info.name
        if isinstance(name, str):
            taken.add(name)
    mounted = []
    for plugin, group in groups:
        name = group.info.name
        if not isinstance(name, str) or not name or name in taken:
            log.warning("plugin %r: command group %r skipped (no name, or taken)", plugin, name)
            continue
        root.add_typer(group, name=name)
        taken.add(name)
        mounted.append(name)
    return mounted


mount_plugin_groups(app)


def main() -> None:  # pragma: no cover - console entry point
    """Run the CLI."""
    app()
