"""The registry: discovery through entry points, checks, strict and lenient modes, env lists."""

import textwrap
from importlib.metadata import EntryPoint

import pytest

from interop import API_VERSION
from interop.adapters import Codec
from interop.errors import (
    IncompatiblePluginError,
    PluginError,
    PluginLoadError,
    PluginNotFoundError,
    PluginValidationError,
)
from interop.errors import (
    ValidationError as InteropValidationError,
)
from interop.registry import ENTRY_POINT_GROUP, Registry

GOOD = """
from interop.adapters import Codec, PluginManifest
from interop.hookspecs import hookimpl
from interop.model.properties import PropertySpec
from interop.model.units import QuantityKind

MANIFEST = PluginManifest(
    name="{name}", version="1.0", api_version={api}, vendor="Acme", description="Acme sensors",
    protocols=("acme-json",), capabilities={{"decode"}},
)

class AcmeCodec(Codec):
    name = "acme"

    def decode(self, raw, ctx):
        return []

@hookimpl
def interop_register_adapters():
    return [AcmeCodec]

@hookimpl
def interop_register_properties():
    return [PropertySpec("acme_glow", "https://acme.example/Glow", "glow",
                         QuantityKind.ILLUMINANCE, "http://www.ontology-of-units-of-measure.org/resource/om-2/lux")]
"""


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _plugin(plugin_dir, name, body):
    """Write a plugin module (unique per test, so sys.modules never serves a stale one)."""
    module = f"plug_{name}_{abs(hash(plugin_dir))}"
    (plugin_dir / f"{module}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return EntryPoint(name=name, value=module, group=ENTRY_POINT_GROUP)


def test_a_good_plugin_loads_through_its_entry_point(plugin_dir):
    ep = _plugin(plugin_dir, "acme", GOOD.format(name="acme", api=API_VERSION))
    registry = Registry(strict=True, environ={}).load([ep])
    loaded = registry.get("acme")
    assert loaded.manifest.vendor == "Acme"
    assert [cls.name for cls in registry.adapters(Codec)] == ["acme"]
    assert registry.adapter(Codec, "acme").__name__ == "AcmeCodec"
    assert "acme_glow" in registry.properties
    assert "acme_glow" not in Registry(environ={}).properties  # no state shared between registries


def test_the_installed_template_plugin_is_discovered():
    registry = Registry(strict=True, environ={}).load()
    template = registry.get("template")
    assert template.distribution == "interop-template"
    assert template.manifest.api_version == API_VERSION


def test_import_failure_is_isolated_in_lenient_mode_and_raised_in_strict(plugin_dir):
    good = _plugin(plugin_dir, "acme", GOOD.format(name="acme", api=API_VERSION))
    bad = _plugin(plugin_dir, "broken", "raise RuntimeError('vendor bug')\n")
    registry = Registry(environ={}).load([bad, good])
    assert [p.name for p in registry.plugins] == ["acme"]
    (failure,) = registry.failures
    assert isinstance(failure.error, PluginLoadError)
    assert "vendor bug" in str(failure.error)
    with pytest.raises(PluginLoadError, match="vendor bug"):
        Registry(strict=True, environ={}).load([bad])


def test_wrong_api_version_is_refused_clearly(plugin_dir):
    ep = _plugin(plugin_dir, "old", GOOD.format(name="old", api=API_VERSION + 1))
    with pytest.raises(IncompatiblePluginError, match=f"speaks {API_VERSION}"):
        Registry(strict=True, environ={}).load([ep])
    lenient = Registry(environ={}).load([ep])
    assert lenient.plugins == ()
    with pytest.raises(PluginNotFoundError, match="failed to load"):
        lenient.get("old")


def test_manifest_name_must_match_the_entry_point(plugin_dir):
    ep = _plugin(plugin_dir, "alias", GOOD.format(name="acme", api=API_VERSION))
    with pytest.raises(PluginValidationError, match="entry-point name 'alias'"):
        Registry(strict=True, environ={}).load([ep])


def test_missing_manifest_is_refused(plugin_dir):
    ep = _plugin(plugin_dir, "bare", "X = 1\n")
    with pytest.raises(PluginValidationError, match="no MANIFEST"):
        Registry(strict=True, environ={}).load([ep])


def test_declared_but_unimplemented_capability_is_refused(plugin_dir):
    body = GOOD.format(name="liar", api=API_VERSION).replace('{"decode"}', '{"decode", "encode"}')
    ep = _plugin(plugin_dir, "liar", body)
    with pytest.raises(PluginValidationError, match="encode"):
        Registry(strict=True, environ={}).load([ep])


def test_misspelt_hook_is_refused(plugin_dir):
    body = GOOD.format(name="typo", api=API_VERSION).replace(
        "def interop_register_adapters", "def interop_register_adaptors"
    )
    ep = _plugin(plugin_dir, "typo", body)
    with pytest.raises(PluginValidationError, match="interop_register_adaptors"):
        Registry(strict=True, environ={}).load([ep])


def test_biometric_property_from_a_plugin_is_refused(plugin_dir):
    body = GOOD.format(name="spy", api=API_VERSION).replace('"acme_glow"', '"heart_rate"')
    ep = _plugin(plugin_dir, "spy", body)
    with pytest.raises(PluginValidationError, match="biometric"):
        Registry(strict=True, environ={}).load([ep])


def test_allow_and_deny_lists_come_from_the_environment(plugin_dir):
    eps = [_plugin(plugin_dir, n, GOOD.format(name=n, api=API_VERSION)) for n in ("a", "b", "c")]
    allow = Registry(environ={"INTEROP_PLUGINS": "a, b"}).load(eps)
    assert [p.name for p in allow.plugins] == ["a", "b"]
    assert allow.skipped == {"c"}
    deny = Registry(environ={"INTEROP_PLUGINS": "a,b", "INTEROP_DISABLE_PLUGINS": "b"}).load(eps)
    assert [p.name for p in deny.plugins] == ["a"]
    with pytest.raises(PluginNotFoundError, match="INTEROP_DISABLE_PLUGINS"):
        deny.get("b")
    explicit = Registry(deny=["a"], environ={"INTEROP_DISABLE_PLUGINS": "c"}).load(eps)
    assert [p.name for p in explicit.plugins] == ["b", "c"]


def test_tracing_logs_hook_calls(plugin_dir, caplog):
    ep = _plugin(plugin_dir, "acme", GOOD.format(name="acme", api=API_VERSION))
    registry = Registry(environ={"INTEROP_TRACE_PLUGINS": "1"}).load([ep])
    with caplog.at_level("DEBUG", logger="interop.registry"):
        registry.hook.interop_register_adapters()
    assert "interop_register_adapters" in caplog.text


def test_ambiguous_adapter_lookup_names_the_candidates(plugin_dir):
    body = GOOD.format(name="two", api=API_VERSION).replace(
        "return [AcmeCodec]",
        "return [AcmeCodec, type('Other', (AcmeCodec,), {'name': 'other'})]",
    )
    registry = Registry(strict=True, environ={}).load([_plugin(plugin_dir, "two", body)])
    with pytest.raises(PluginError, match=r"\['acme', 'other'\]"):
        registry.adapter(Codec, "two")
    assert registry.adapter(Codec, "two", "other").name == "other"


def test_importing_interop_loads_no_plugin():
    import subprocess
    import sys

    code = "import interop, sys; print(any(m.startswith('interop_') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


VALIDATING = (
    GOOD.replace('{{"decode"}}', '{{"decode", "validate"}}')
    + """
from interop.validate import Issue, Report, Severity

@hookimpl
def interop_validate(path):
    size = path.stat().st_size
    issues = () if size else (Issue(Severity.ERROR, "empty_file", "empty", str(path)),)
    return Report(str(path), 1, issues)
"""
)


def test_validation_is_delegated_to_the_plugin(plugin_dir, tmp_path):
    from interop.validate import validate_file

    ep = _plugin(plugin_dir, "acme", VALIDATING.format(name="acme", api=API_VERSION))
    registry = Registry(strict=True, environ={}).load([ep])
    empty = tmp_path / "feed.acme"
    empty.write_bytes(b"")
    report = validate_file(f"acme:{empty}", registry)
    assert not report.conforms
    assert report.issues[0].code == "empty_file"
    empty.write_bytes(b"x")
    assert validate_file(f"acme:{empty}", registry).conforms


def test_validate_hook_without_the_capability_is_refused(plugin_dir):
    body = VALIDATING.replace('{{"decode", "validate"}}', '{{"decode"}}')
    ep = _plugin(plugin_dir, "quiet", body.format(name="quiet", api=API_VERSION))
    with pytest.raises(PluginValidationError, match="validate"):
        Registry(strict=True, environ={}).load([ep])


def test_plugin_without_validation_says_so(plugin_dir, tmp_path):
    ep = _plugin(plugin_dir, "acme", GOOD.format(name="acme", api=API_VERSION))
    registry = Registry(strict=True, environ={}).load([ep])
    with pytest.raises(PluginError, match="does not validate"):
        registry.validate("acme", tmp_path)


# The hook body below goes through str.format, hence its doubled braces.
_PROFILE_MANIFEST = '{{"decode", "rdf_profile"}}, rdf_profiles=("plain",)'
PROFILED = (
    GOOD.replace('{{"decode"}}', _PROFILE_MANIFEST)
    + """

@hookimpl
def interop_write_rdf_profile(profile, source, out, options, progress):
    lines = [ln for ln in source.read_text().splitlines() if ln]
    for n, line in enumerate(lines):
        out.write(f'<urn:row:{{n}}> <urn:p:text> "{{line}}" .\\n')
        if progress is not None:
            progress(1)
    if options.get("fail"):
        raise ValueError("late failure")
    return len(lines)
"""
)


def test_rdf_profiles_are_written_by_the_plugin(plugin_dir, tmp_path):
    from interop.convert import convert

    ep = _plugin(plugin_dir, "acme", PROFILED.format(name="acme", api=API_VERSION))
    registry = Registry(strict=True, environ={}).load([ep])
    source = tmp_path / "in.acme"
    source.write_text("a\nb\n")
    target = tmp_path / "out.nt"
    seen = []
    count = convert(registry, f"acme:{source}", f"rdf:{target}", seen.append, profile="plain")
    assert count == 2
    assert seen == [1, 1]
    assert target.read_text().count(" .\n") == 2
    with pytest.raises(PluginError, match=r"one of \['plain'\]"):
        convert(registry, f"acme:{source}", f"rdf:{target}", profile="fancy")
    with pytest.raises(ValueError, match="late failure"):
        convert(registry, f"acme:{source}", f"rdf:{tmp_path / 'x.nt'}", profile="plain",
                options={"fail": "1"})  # fmt: skip
    assert not (tmp_path / "x.nt").exists(), "a failed profile export leaves no output"
    with pytest.raises(InteropValidationError, match="N-Triples"):
        convert(registry, f"acme:{source}", f"rdf:{tmp_path / 'x.ttl'}", profile="plain")


def test_profiles_and_hook_must_agree(plugin_dir):
    body = PROFILED.replace(', rdf_profiles=("plain",)', "")
    ep = _plugin(plugin_dir, "half", body.format(name="half", api=API_VERSION))
    with pytest.raises(PluginValidationError, match="rdf_profiles"):
        Registry(strict=True, environ={}).load([ep])
