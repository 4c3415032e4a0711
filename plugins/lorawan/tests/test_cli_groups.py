"""The ``interop_cli_groups`` hook: the plugin's group is mounted, a broken plugin is not."""

from __future__ import annotations

from collections.abc import Sequence

import interop_lorawan
import pytest
import typer
from typer.testing import CliRunner

from interop import API_VERSION
from interop.adapters import Capability, DemoResult, PluginManifest
from interop.cli.app import mount_plugin_groups
from interop.errors import PluginError
from interop.hookspecs import hookimpl
from interop.registry import Registry


class BrokenCliPlugin:
    """A plugin whose command groups cannot be built."""

    MANIFEST = PluginManifest(
        name="broken", version="1.0", api_version=API_VERSION, vendor="test",
        description="raises from interop_cli_groups", protocols=("none",),
        capabilities=frozenset({Capability.DEMO}),
    )  # fmt: skip

    @hookimpl
    def interop_demo(self) -> DemoResult | None:
        return None

    @hookimpl
    def interop_cli_groups(self) -> Sequence[typer.Typer]:
        raise RuntimeError("no groups today")


def _registry(strict: bool) -> Registry:
    registry = Registry(strict=strict, allow={"lorawan", "broken"})
    registry.register(interop_lorawan, "lorawan")
    registry.register(BrokenCliPlugin(), "broken")
    return registry


def test_groups_are_mounted_and_a_broken_plugin_is_skipped():
    root = typer.Typer(name="root")

    @root.command()
    def hello() -> None:
        """A core command."""

    assert mount_plugin_groups(root, _registry(strict=False)) == ["lorawan"]
    runner = CliRunner()
    assert runner.invoke(root, ["--help"]).exit_code == 0
    listed = runner.invoke(root, ["lorawan", "codecs", "--json"])
    assert listed.exit_code == 0, listed.output
    assert '"cayenne-lpp"' in listed.stdout


def test_a_group_cannot_take_a_core_command_name():
    root = typer.Typer(name="root")

    @root.command(name="lorawan")
    def core() -> None:
        """A core command of the same name."""

    assert mount_plugin_groups(root, _registry(strict=False)) == []


def test_strict_registry_reports_the_broken_plugin():
    with pytest.raises(PluginError, match="no groups today"):
        _registry(strict=True).cli_groups()
