"""The no-code conformance suite: ``pytest --pyargs interop.testing.suite --interop-plugin NAME``.

Loads the named plugins (every installed plugin without ``--interop-plugin``) through a
strict registry, asks each for its cases (``interop_conformance_cases``) and runs the checks
of :mod:`interop.testing.conformance` over them, each check over the cases it applies to
(checks that apply to no case are deselected, not skipped). A plugin without cases still gets its
manifest and capabilities checked, and fails for each declared capability left untested.
Every simulator a plugin returns from ``interop_simulators`` gets the lighting-controller
suite (:class:`~interop.testing.lighting.LightingControllerConformance`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interop.adapters import Capability
from interop.registry import LoadedPlugin, Registry
from interop.simulation.server import SimulatorSpec
from interop.testing import conformance as kit
from interop.testing.cases import CodecCase, DatasetCase
from interop.testing.lighting import LightingControllerConformance
from interop.testing.pytest_plugin import NOT_APPLICABLE, registry_for

__all__: list[str] = []


def _cases(registry: Registry) -> list[tuple[LoadedPlugin, object]]:
    return [
        (loaded, case)
        for loaded in registry.plugins
        for case in kit.plugin_cases(registry, loaded.name)
    ]


def _codec_applies(test: str, case: CodecCase) -> bool:
    """Whether codec check ``test`` applies to ``case`` (encode checks need encode strategies)."""
    if test == "test_codec_round_trip":
        return case.batches is not None
    if test == "test_codec_refuses_unrepresentable":
        return case.unrepresentable is not None
    return True


def _dataset_applies(test: str, case: DatasetCase) -> bool:
    """Whether dataset check ``test`` applies to ``case`` (a writer-only case reads nothing)."""
    if test == "test_dataset_round_trip":
        return None not in (case.reader, case.writer, case.batches)
    if test == "test_dataset_samples_valid":
        return case.reader is not None and bool(case.samples)
    if test == "test_dataset_junk_raises_decode_error":
        return case.reader is not None
    return True


def _not_applicable(names: tuple[str, ...]) -> list[object]:
    """One placeholder parameter that the kit's pytest plugin deselects before the run."""
    return [pytest.param(*([None] * len(names)), id="none", marks=NOT_APPLICABLE)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize the checks below over the plugins and the cases each check applies to.

    A check that applies to no case under test is deselected (``interop_not_applicable``),
    not reported as a skip: only checks that mean something for the plugin are run.
    """
    registry = registry_for(metafunc.config)
    test = metafunc.definition.name
    if "codec_case" in metafunc.fixturenames:
        codecs = [
            pytest.param(p, c, id=f"{p.name}-{c.id}")
            for p, c in _cases(registry)
            if isinstance(c, CodecCase) and _codec_applies(test, c)
        ]
        names: tuple[str, ...] = ("plugin", "codec_case")
        metafunc.parametrize(names, codecs or _not_applicable(names))
        return
    if "dataset_case" in metafunc.fixturenames:
        datasets = [
            pytest.param(p, c, id=f"{p.name}-{c.id}")
            for p, c in _cases(registry)
            if isinstance(c, DatasetCase) and _dataset_applies(test, c)
        ]
        names = ("plugin", "dataset_case")
        metafunc.parametrize(names, datasets or _not_applicable(names))
        return
    if "simulator" in metafunc.fixturenames:
        specs = sorted(registry.simulators().values(), key=lambda spec: spec.name)
        params = [pytest.param(spec, id=spec.name) for spec in specs]
        if not params:
            reason = "no plugin under test returns a SimulatorSpec from interop_simulators"
            params = [pytest.param(None, id="none", marks=pytest.mark.skip(reason=reason))]
        metafunc.parametrize("simulator", params)
        return
    if "plugin" in metafunc.fixturenames:
        plugins = list(registry.plugins)
        if test == "test_demo_runs":
            plugins = [p for p in plugins if Capability.DEMO in p.manifest.capabilities]
        params = [pytest.param(p, id=p.name) for p in plugins]
        metafunc.parametrize("plugin", params or _not_applicable(("plugin",)))


@pytest.fixture
def registry(pytestconfig: pytest.Config) -> Registry:
    """The session's strict registry of plugins under test."""
    return registry_for(pytestconfig)


def test_manifest_valid(plugin: LoadedPlugin) -> None:
    """Ensure the plugin's MANIFEST validates and targets this core's plugin API."""
    kit.check_manifest(plugin.module)


def test_capabilities_implemented(plugin: LoadedPlugin) -> None:
    """Ensure a fresh strict registry accepts the plugin: declared capabilities exist."""
    kit.check_plugin_registers(plugin.module)


def test_capabilities_have_cases(registry: Registry, plugin: LoadedPlugin) -> None:
    """Ensure every testable declared capability has a conformance case."""
    kit.check_cases_cover_capabilities(plugin, kit.plugin_cases(registry, plugin.name))


def test_demo_runs(plugin: LoadedPlugin, tmp_path: Path) -> None:
    """Ensure a DEMO plugin's demo runs offline and writes what it reports."""
    registry, loaded = kit.check_plugin_registers(plugin.module)
    kit.check_demo(registry, loaded.name, tmp_path)


def test_codec_round_trip(plugin: LoadedPlugin, codec_case: CodecCase) -> None:
    """Ensure decode(encode(records)) gives the records back, within declared precision."""
    kit.check_codec_round_trip(codec_case, plugin.manifest.precision)


def test_codec_refuses_unrepresentable(plugin: LoadedPlugin, codec_case: CodecCase) -> None:
    """Ensure encode refuses what the format cannot hold with EncodeError, never silently."""
    kit.check_codec_refuses_unrepresentable(codec_case)


def test_codec_junk_raises_decode_error(plugin: LoadedPlugin, codec_case: CodecCase) -> None:
    """Ensure random or damaged bytes raise only DecodeError (no KeyError, no hang)."""
    kit.check_codec_junk_raises_decode_error(codec_case)


def test_codec_deterministic(plugin: LoadedPlugin, codec_case: CodecCase) -> None:
    """Ensure the same input and context always decode to the same records."""
    kit.check_codec_deterministic(codec_case)


def test_codec_examples_valid(plugin: LoadedPlugin, codec_case: CodecCase) -> None:
    """Ensure every real example decodes to records that re-validate unchanged."""
    kit.check_codec_examples_valid(codec_case)


def test_codec_known_answers(plugin: LoadedPlugin, codec_case: CodecCase) -> None:
    """Ensure each known answer decodes to exactly its records (and encodes to its bytes)."""
    kit.check_codec_known_answers(codec_case)


def test_codec_rdf_conforms(plugin: LoadedPlugin, codec_case: CodecCase) -> None:
    """Ensure the RDF export of decoded and round-tripped records passes the SHACL shapes."""
    kit.check_codec_rdf_conforms(codec_case, plugin.manifest.precision)


def test_dataset_round_trip(plugin: LoadedPlugin, dataset_case: DatasetCase) -> None:
    """Ensure records written as a dataset read back equal, within declared precision."""
    kit.check_dataset_round_trip(dataset_case, plugin.manifest.precision)


def test_dataset_samples_valid(plugin: LoadedPlugin, dataset_case: DatasetCase) -> None:
    """Ensure every sample dataset reads to valid records, identically twice."""
    kit.check_dataset_samples_valid(dataset_case)


def test_dataset_known_answers(plugin: LoadedPlugin, dataset_case: DatasetCase) -> None:
    """Ensure each known answer reads to exactly its records (and writes its files)."""
    kit.check_dataset_known_answers(dataset_case)


def test_dataset_junk_raises_decode_error(plugin: LoadedPlugin, dataset_case: DatasetCase) -> None:
    """Ensure a file of random bytes raises only DecodeError when read."""
    kit.check_dataset_junk_raises_decode_error(dataset_case)


class TestLightingController(LightingControllerConformance):
    """The lighting-controller suite, once per simulator of the plugins under test."""

    @pytest.fixture(autouse=True)
    def _bind_simulator(self, simulator: SimulatorSpec) -> None:
        """Run each inherited check against the parametrized simulator."""
        self.spec = simulator
