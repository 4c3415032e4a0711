"""The ``pytest11`` plugin of interop-core: options, Hypothesis profiles and fixtures.

pytest imports this module in *every* run in an environment where interop-core is
installed, before coverage starts, so it imports only pytest and the standard library;
interop and Hypothesis are imported inside hooks and fixtures, when they are used.

- ``--interop-plugin NAME`` (repeatable): the plugins the conformance suite and the
  ``interop_registry`` fixture load (default: every installed plugin);
- ``--interop-hypothesis-profile dev|ci`` (or ``INTEROP_HYPOTHESIS_PROFILE``): "dev" is
  the default; "ci" runs more examples, derandomized. A profile that a conftest already
  loaded is left alone unless one of these two asks otherwise.
"""

from __future__ import annotations

import os
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from interop.registry import Registry

__all__ = [
    "NOT_APPLICABLE",
    "PROFILES",
    "interop_plugin_names",
    "interop_registry",
    "registry_for",
]

ENTRY_POINT_GROUP = "interop.plugins"
"""Entry-point group of interop plugins (as in :mod:`interop.registry`, without importing it)."""
PROFILES = ("dev", "ci")
"""Hypothesis profiles this plugin registers; "dev" is loaded by default."""
PROFILE_ENV = "INTEROP_HYPOTHESIS_PROFILE"

_REGISTRY = pytest.StashKey["Registry"]()

NOT_APPLICABLE = pytest.mark.interop_not_applicable
"""Marks a parametrized check that applies to nothing under test: deselected, never run."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``--interop-plugin`` and ``--interop-hypothesis-profile`` options."""
    group = parser.getgroup("interop", "interop conformance kit")
    group.addoption(
        "--interop-plugin",
        action="append",
        dest="interop_plugins",
        default=[],
        metavar="NAME",
        help="interop plugin to load and check (repeatable; default: every installed plugin)",
    )
    group.addoption(
        "--interop-hypothesis-profile",
        dest="interop_hypothesis_profile",
        choices=PROFILES,
        default=None,
        help=f"Hypothesis profile for the kit (default: ${PROFILE_ENV} or 'dev')",
    )


def _installed_plugins() -> list[str]:
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


def _register_profiles(config: pytest.Config) -> None:
    """Register "dev" and "ci" and load the one asked for (Hypothesis imported only here)."""
    from hypothesis import HealthCheck, settings

    settings.register_profile("dev", max_examples=50, deadline=None)
    settings.register_profile(
        "ci",
        max_examples=300,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    asked = config.getoption("interop_hypothesis_profile") or os.environ.get(PROFILE_ENV)
    if asked is not None:
        if asked not in PROFILES:
            raise pytest.UsageError(f"{PROFILE_ENV}={asked!r} is not one of {list(PROFILES)}")
        settings.load_profile(asked)
    elif settings.get_current_profile_name() == "default" and not config.getoption(
        "hypothesis_profile", None
    ):
        settings.load_profile("dev")


def pytest_configure(config: pytest.Config) -> None:
    """Check ``--interop-plugin`` names and set up the Hypothesis profiles."""
    config.addinivalue_line(
        "markers", "interop_not_applicable: a kit check with nothing to check; deselected"
    )
    asked = config.getoption("interop_plugins")
    if asked:
        installed = _installed_plugins()
        unknown = sorted(set(asked) - set(installed))
        if unknown:
            raise pytest.UsageError(
                f"--interop-plugin: no installed interop plugin is named {', '.join(unknown)}; "
                f"installed: {', '.join(installed) or 'none'} (entry-point group "
                f"{ENTRY_POINT_GROUP!r})"
            )
    from importlib.util import find_spec

    if find_spec("hypothesis") is not None:
        _register_profiles(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the kit's checks that apply to no plugin or case under test."""
    marked = [item.get_closest_marker("interop_not_applicable") is not None for item in items]
    if any(marked):
        config.hook.pytest_deselected(items=[i for i, m in zip(items, marked, strict=True) if m])
        items[:] = [item for item, m in zip(items, marked, strict=True) if not m]


def registry_for(config: pytest.Config) -> Registry:
    """The strict registry of this session, holding the ``--interop-plugin`` plugins.

    Built once per session; a plugin that fails any load-time check raises its PluginError.
    """
    if _REGISTRY not in config.stash:
        from interop.registry import Registry

        names = config.getoption("interop_plugins") or None
        config.stash[_REGISTRY] = Registry(strict=True, allow=names, environ={}).load()
    return config.stash[_REGISTRY]


@pytest.fixture(scope="session")
def interop_plugin_names(pytestconfig: pytest.Config) -> list[str]:
    """The plugins under test: the ``--interop-plugin`` names, else every installed one."""
    return list(pytestconfig.getoption("interop_plugins")) or _installed_plugins()


@pytest.fixture(scope="session")
def interop_registry(pytestconfig: pytest.Config) -> Registry:
    """A strict :class:`~interop.registry.Registry` with the plugins under test loaded."""
    return registry_for(pytestconfig)
