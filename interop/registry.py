"""Finds, checks and holds plugins: the one place the core meets vendor code.

A :class:`Registry` is an ordinary object; nothing is discovered at import time and there is
no process-wide plugin manager. ``Registry().load()`` reads the ``interop.plugins`` entry
points, imports each plugin, validates its ``MANIFEST`` and hooks, and collects its adapters,
properties and units. In lenient mode (the default for services) a broken plugin is logged
and skipped so one vendor cannot take a city down; in strict mode (tests, CI) it raises.

Environment (read when the constructor is not told otherwise):

- ``INTEROP_PLUGINS=a,b``: load only these plugins (allow-list);
- ``INTEROP_DISABLE_PLUGINS=c``: never load these (deny-list, wins over the allow-list);
- ``INTEROP_TRACE_PLUGINS=1``: log every hook call at DEBUG level.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, TextIO, TypeVar

import pluggy
from pydantic import ValidationError as PydanticValidationError

from interop import hookspecs
from interop.adapters import ADAPTER_KINDS, Adapter, Capability, Codec, DemoResult, PluginManifest
from interop.adapters import adapter_kind as kind_of
from interop.errors import (
    IncompatiblePluginError,
    InteropError,
    PluginError,
    PluginLoadError,
    PluginNotFoundError,
    PluginValidationError,
)
from interop.ingress import Ingress
from interop.model.properties import PropertyRegistry, default_property_registry
from interop.model.units import UnitRegistry, default_unit_registry
from interop.report import Report

__all__ = ["ENTRY_POINT_GROUP", "LoadedPlugin", "PluginFailure", "Registry"]

ENTRY_POINT_GROUP = "interop.plugins"
logger = logging.getLogger(__name__)
A = TypeVar("A", bound=Adapter)


@dataclass(frozen=True, slots=True)
class LoadedPlugin:
    """A plugin that passed every load-time check."""

    name: str
    manifest: PluginManifest
    module: object
    adapters: tuple[type[Adapter], ...]
    distribution: str | None = None


@dataclass(frozen=True, slots=True)
class PluginFailure:
    """A plugin that was skipped in lenient mode, and why."""

    name: str
    error: PluginError


def _split(value: str | None) -> frozenset[str] | None:
    if value is None or not value.strip():
        return None
    return frozenset(part.strip() for part in value.split(",") if part.strip())


class Registry:
    """The plugins of one process (or one test), with their adapters, properties and units."""

    def __init__(
        self,
        *,
        strict: bool = False,
        allow: Collection[str] | None = None,
        deny: Collection[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.strict = strict
        self.allow = frozenset(allow) if allow is not None else _split(env.get("INTEROP_PLUGINS"))
        self.deny = (
            frozenset(deny)
            if deny is not None
            else _split(env.get("INTEROP_DISABLE_PLUGINS")) or frozenset()
        )
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        if env.get("INTEROP_TRACE_PLUGINS", "") not in ("", "0"):
            self._pm.trace.root.setwriter(logger.debug)
            self._pm.enable_tracing()
        self._plugins: dict[str, LoadedPlugin] = {}
        self._failures: dict[str, PluginFailure] = {}
        self._skipped: set[str] = set()
        self.units: UnitRegistry = default_unit_registry()
        self.properties: PropertyRegistry = default_property_registry()

    # discovery -----------------------------------------------------------------------------

    def load(self, entry_points_: Iterable[EntryPoint] | None = None) -> Registry:
        """Discover and load every allowed plugin of the ``interop.plugins`` group; chainable."""
        found = entry_points(group=ENTRY_POINT_GROUP) if entry_points_ is None else entry_points_
        for entry in sorted(found, key=lambda e: e.name):
            if entry.name in self._plugins or not self._wanted(entry.name):
                continue
            try:
                module = entry.load()
            except Exception as exc:  # any import failure of vendor code is isolated here
                self._fail(
                    entry.name,
                    PluginLoadError(
                        f"importing {entry.value!r} failed: {type(exc).__name__}: {exc}",
                        source=entry.name,
                        expected="an importable plugin module",
                    ),
                )
                continue
            dist = entry.dist.name if entry.dist is not None else None
            self._add(module, entry.name, dist)
        return self

    def register(self, plugin: object, name: str | None = None) -> LoadedPlugin | None:
        """Register an in-process plugin (a module or object with hooks and ``MANIFEST``).

        Used by tests and one-off scripts; goes through the same checks as entry points.
        Returns None when the plugin is filtered out or (lenient mode) fails a check.
        """
        manifest = getattr(plugin, "MANIFEST", None)
        plugin_name = name or getattr(manifest, "name", None) or type(plugin).__name__
        if not self._wanted(plugin_name):
            return None
        return self._add(plugin, plugin_name, None)

    def _wanted(self, name: str) -> bool:
        wanted = name not in self.deny and (self.allow is None or name in self.allow)
        if not wanted:
            self._skipped.add(name)
            logger.info("interop plugin %r not loaded (allow/deny list)", name)
        return wanted

    def _fail(self, name: str, error: PluginError) -> None:
        if self.strict:
            raise error
        logger.warning("skipping interop plugin %r: %s", name, error)
        self._failures[name] = PluginFailure(name, error)

    def _add(self, plugin: object, name: str, dist: str | None) -> LoadedPlugin | None:
        try:
            manifest = self._check_manifest(plugin, name)
            self._register_hooks(plugin, name)
        except PluginError as error:
            self._fail(name, error)
            return None
        try:
            adapters = self._collect(plugin, name, manifest)
        except PluginError as error:
            self._pm.unregister(plugin)
            self._fail(name, error)
            return None
        loaded = LoadedPlugin(name, manifest, plugin, adapters, dist)
        self._plugins[name] = loaded
        return loaded

    # checks --------------------------------------------------------------------------------

    @staticmethod
    def _check_manifest(plugin: object, name: str) -> PluginManifest:
        raw = getattr(plugin, "MANIFEST", None)
        if raw is None:
            raise PluginValidationError(
                "plugin module has no MANIFEST", source=name, field="MANIFEST",
                expected="a module-level interop.adapters.PluginManifest",
            )  # fmt: skip
        try:
            manifest = PluginManifest.model_validate(raw, from_attributes=True)
        except PydanticValidationError as exc:
            raise PluginValidationError(
                f"invalid manifest: {exc.errors(include_url=False)}",
                source=name,
                field="MANIFEST",
                expected="a valid PluginManifest",
            ) from exc
        if manifest.name != name:
            raise PluginValidationError(
                f"manifest names the plugin {manifest.name!r}",
                source=name,
                field="MANIFEST.name",
                expected=f"the entry-point name {name!r}",
            )
        from interop import API_VERSION

        if manifest.api_version != API_VERSION:
            raise IncompatiblePluginError(
                f"plugin targets plugin-API {manifest.api_version}, this core speaks {API_VERSION}",
                source=name,
                field="MANIFEST.api_version",
                expected=str(API_VERSION),
            )
        return manifest

    def _register_hooks(self, plugin: object, name: str) -> None:
        try:
            self._pm.register(plugin, name=name)
        except ValueError as exc:  # pluggy: same plugin or name registered twice
            raise PluginValidationError(str(exc), source=name) from exc
        except pluggy.PluginValidationError as exc:
            raise PluginValidationError(str(exc), source=name, field="hooks") from exc
        unknown = [
            impl.function.__name__
            for impl_list in (self._pm.get_hookcallers(plugin) or [])
            for impl in impl_list.get_hookimpls()
            if impl.plugin is plugin and not impl_list.has_spec()
        ]
        if unknown:
            self._pm.unregister(plugin)
            raise PluginValidationError(
                f"implements hooks the core does not define: {sorted(unknown)}",
                source=name,
                field="hooks",
                expected="hooks of interop.hookspecs (check the spelling)",
            )

    def _call_own(self, hook_name: str, plugin: object, **kwargs: Any) -> Any:
        """Call one plugin's implementation of a hook (or return None if it has none)."""
        caller = getattr(self._pm.hook, hook_name)
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin:
                return impl.function(**{k: kwargs[k] for k in impl.argnames})
        return None

    def _collect(
        self, plugin: object, name: str, manifest: PluginManifest
    ) -> tuple[type[Adapter], ...]:
        try:
            adapters = tuple(self._call_own("interop_register_adapters", plugin) or ())
            properties = tuple(self._call_own("interop_register_properties", plugin) or ())
            units = tuple(self._call_own("interop_register_units", plugin) or ())
        except Exception as exc:
            raise PluginLoadError(
                f"a registration hook raised {type(exc).__name__}: {exc}", source=name
            ) from exc
        seen: set[tuple[type[Adapter], str]] = set()
        for cls in adapters:
            if not (isinstance(cls, type) and issubclass(cls, Adapter)):
                raise PluginValidationError(
                    f"registered {cls!r}", source=name, field="interop_register_adapters",
                    expected="Adapter subclasses (Codec, DatasetReader, ...)",
                )  # fmt: skip
            key = (kind_of(cls), cls.name)
            if key in seen:
                raise PluginValidationError(
                    f"two {key[0].__name__} adapters are named {cls.name!r}", source=name
                )
            seen.add(key)
        self._check_capabilities(plugin, name, manifest, adapters)
        try:
            for spec in properties:
                self.properties.register(spec)
            for unit in units:
                self.units.register(unit)
        except InteropError as exc:
            raise PluginValidationError(str(exc), source=name, field="registries") from exc
        return adapters

    def _check_capabilities(
        self,
        plugin: object,
        name: str,
        manifest: PluginManifest,
        adapters: Sequence[type[Adapter]],
    ) -> None:
        provided = {ADAPTER_KINDS[kind_of(cls)] for cls in adapters}
        if any(issubclass(c, Codec) and c.encode is not Codec.encode for c in adapters):
            provided.add(Capability.ENCODE)
        for hook_name, capability in (
            ("interop_demo", Capability.DEMO),
            ("interop_validate", Capability.VALIDATE),
            ("interop_write_rdf_profile", Capability.RDF_PROFILE),
            ("interop_simulators", Capability.SIMULATE),
        ):
            impls = getattr(self._pm.hook, hook_name).get_hookimpls()
            if any(impl.plugin is plugin for impl in impls):
                provided.add(capability)
        if bool(manifest.rdf_profiles) != (Capability.RDF_PROFILE in provided):
            raise PluginValidationError(
                "MANIFEST.rdf_profiles and the interop_write_rdf_profile hook go together",
                source=name,
                field="MANIFEST.rdf_profiles",
                expected="profile names exactly when the hook is implemented",
            )
        declared = set(manifest.capabilities)
        missing, undeclared = declared - provided, provided - declared
        if missing or undeclared:
            raise PluginValidationError(
                f"declares {sorted(missing) or 'nothing'} it does not implement and implements "
                f"{sorted(undeclared) or 'nothing'} it does not declare",
                source=name,
                field="MANIFEST.capabilities",
                expected=f"exactly the implemented capabilities {sorted(provided)}",
            )

    # queries -------------------------------------------------------------------------------

    @property
    def plugins(self) -> tuple[LoadedPlugin, ...]:
        """Loaded plugins, sorted by name."""
        return tuple(self._plugins[name] for name in sorted(self._plugins))

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        """Plugins skipped because a check failed (lenient mode only)."""
        return tuple(self._failures[name] for name in sorted(self._failures))

    @property
    def skipped(self) -> frozenset[str]:
        """Plugins not loaded because of the allow/deny lists."""
        return frozenset(self._skipped)

    @property
    def hook(self) -> pluggy.HookRelay:
        """The pluggy hook relay, to call a hook across every loaded plugin."""
        return self._pm.hook

    def get(self, name: str) -> LoadedPlugin:
        """The loaded plugin called ``name``."""
        try:
            return self._plugins[name]
        except KeyError:
            why = ""
            if name in self._failures:
                why = f"; it failed to load: {self._failures[name].error}"
            elif name in self._skipped:
                why = "; it is excluded by INTEROP_PLUGINS / INTEROP_DISABLE_PLUGINS"
            raise PluginNotFoundError(
                f"no plugin of that name is loaded{why}",
                source=name,
                expected=f"one of {sorted(self._plugins) or 'no plugins installed'}",
            ) from None

    def adapters(self, kind: type[A], plugin: str | None = None) -> list[type[A]]:
        """Every adapter class of ``kind`` (of one plugin, or of all)."""
        chosen = [self.get(plugin)] if plugin is not None else self.plugins
        return [cls for p in chosen for cls in p.adapters if issubclass(cls, kind)]

    def adapter(self, kind: type[A], plugin: str, name: str | None = None) -> type[A]:
        """The adapter class of ``kind`` in ``plugin``; ``name`` picks one when there are many."""
        candidates = self.adapters(kind, plugin)
        if name is not None:
            candidates = [cls for cls in candidates if cls.name == name]
        if len(candidates) == 1:
            return candidates[0]
        found = sorted(cls.name for cls in self.adapters(kind, plugin))
        raise PluginError(
            f"{len(candidates)} {kind.__name__} adapters match"
            + (f" the name {name!r}" if name else ""),
            source=plugin,
            field="adapter",
            expected=f"exactly one; the plugin has {found or 'none'}",
        )

    def cli_groups(self) -> list[tuple[str, Any]]:
        """``(plugin name, typer.Typer)`` of every command group the loaded plugins add.

        A plugin whose ``interop_cli_groups`` raises or returns something else is logged and
        left out (in strict mode: PluginError), so one plugin cannot break the CLI.
        """
        groups: list[tuple[str, Any]] = []
        for loaded in self.plugins:
            try:
                found = self._call_own("interop_cli_groups", loaded.module) or ()
                items = list(found)
                if not all(getattr(g, "info", None) is not None for g in items):
                    raise TypeError(f"returned {items!r}, not typer.Typer groups")
            except Exception as exc:  # vendor code: isolate any failure
                error = PluginError(
                    f"interop_cli_groups failed: {type(exc).__name__}: {exc}",
                    source=loaded.name, expected="a sequence of typer.Typer groups",
                )  # fmt: skip
                if self.strict:
                    raise error from exc
                logger.warning("skipping the CLI groups of plugin %r: %s", loaded.name, error)
                continue
            groups.extend((loaded.name, group) for group in items)
        return groups

    def ingresses(self) -> dict[tuple[str, str], Ingress]:
        """``(plugin, name) -> Ingress`` of every webhook/MQTT entry point plugins declare.

        A plugin whose ``interop_ingress`` raises or returns something else is logged and
        left out (in strict mode: PluginError), so one plugin cannot stop the gateway.
        """
        found: dict[tuple[str, str], Ingress] = {}
        for loaded in self.plugins:
            try:
                items = list(self._call_own("interop_ingress", loaded.module) or ())
                for item in items:
                    if not isinstance(item, Ingress):
                        raise TypeError(f"returned {type(item).__name__}, not Ingress")
                    if (loaded.name, item.name) in found:
                        raise ValueError(f"two ingresses are named {item.name!r}")
                    found[loaded.name, item.name] = item
            except Exception as exc:  # vendor code: isolate any failure
                error = PluginError(
                    f"interop_ingress failed: {type(exc).__name__}: {exc}",
                    source=loaded.name,
                    expected="a sequence of interop.ingress.Ingress with distinct names",
                )
                if self.strict:
                    raise error from exc
                logger.warning("skipping the ingresses of plugin %r: %s", loaded.name, error)
                for key in [k for k in found if k[0] == loaded.name]:
                    del found[key]
        return found

    def validate(self, scheme: str, path: Path) -> Report:
        """Have plugin ``scheme`` validate ``path`` (e.g. ``gtfs`` and a feed zip)."""
        loaded = self.get(scheme)
        if Capability.VALIDATE not in loaded.manifest.capabilities:
            raise PluginError(
                "the plugin does not validate files",
                source=scheme,
                field="capabilities",
                expected="a plugin declaring the 'validate' capability",
            )
        report = self._call_own("interop_validate", loaded.module, path=path)
        if not isinstance(report, Report):
            raise PluginError(
                f"interop_validate returned {type(report).__name__}",
                source=scheme,
                expected="an interop.validate.Report",
            )
        return report

    def write_rdf_profile(
        self,
        scheme: str,
        profile: str,
        source: Path,
        out: TextIO,
        options: Mapping[str, str] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Have plugin ``scheme`` write ``source`` as N-Triples in its RDF ``profile``."""
        loaded = self.get(scheme)
        known = list(loaded.manifest.rdf_profiles)
        if profile not in known:
            raise PluginError(
                "unknown RDF profile",
                source=f"{scheme}:{profile}",
                field="profile",
                expected=f"one of {known}" if known else "none: the plugin has no RDF profiles",
            )
        count = self._call_own(
            "interop_write_rdf_profile",
            loaded.module,
            profile=profile,
            source=source,
            out=out,
            options=dict(options or {}),
            progress=progress,
        )
        return int(count)

    def simulators(self) -> dict[str, Any]:
        """Every loaded plugin's simulators by name (``SimulatorSpec`` values)."""
        from interop.simulation.server import SimulatorSpec

        found: dict[str, Any] = {}
        for loaded in self.plugins:
            if Capability.SIMULATE not in loaded.manifest.capabilities:
                continue
            for spec in self._call_own("interop_simulators", loaded.module) or ():
                if not isinstance(spec, SimulatorSpec):
                    raise PluginError(
                        f"interop_simulators returned {type(spec).__name__}",
                        source=loaded.name,
                        expected="interop.simulation.server.SimulatorSpec objects",
                    )
                found[spec.name] = spec
        return found

    def demo(self, output_dir: Path) -> list[DemoResult]:
        """Run every loaded plugin's demo, each in ``output_dir/<plugin>``."""
        results = []
        for loaded in self.plugins:
            if Capability.DEMO not in loaded.manifest.capabilities:
                continue
            target = output_dir / loaded.name
            target.mkdir(parents=True, exist_ok=True)
            result = self._call_own("interop_demo", loaded.module, output_dir=target)
            if isinstance(result, DemoResult):
                results.append(result)
        return results
