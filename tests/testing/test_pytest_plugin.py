"""The pytest11 plugin: cheap to import, options, Hypothesis profiles and fixtures."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import interop.testing.pytest_plugin as plugin_module

from .conftest import INNER_INI

HEAVY = ("interop", "hypothesis", "pydantic", "rdflib")


def test_module_imports_only_pytest_and_stdlib():
    tree = ast.parse(Path(plugin_module.__file__).read_text(encoding="utf-8"))
    top_level = []
    for node in tree.body:  # imports under `if TYPE_CHECKING:` never run
        if isinstance(node, ast.Import):
            top_level += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top_level.append(node.module.split(".")[0])
    assert top_level, "the plugin module must import pytest at least"
    outside = [name for name in top_level if name not in sys.stdlib_module_names | {"pytest"}]
    assert outside == []


def _modules_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)


def test_importing_the_plugin_loads_nothing_heavy_of_its_own():
    new = _modules_after(
        "import json, sys\n"
        "import interop.testing\n"
        "before = set(sys.modules)\n"
        "import interop.testing.pytest_plugin\n"
        f"print(json.dumps(sorted(m for m in set(sys.modules) - before if m.startswith({HEAVY}))))"
    )
    assert new == ["interop.testing.pytest_plugin"]


def test_importing_the_plugin_from_scratch_loads_only_its_package():
    loaded = _modules_after(
        "import json, sys\n"
        "import interop.testing.pytest_plugin\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({HEAVY}))))"
    )
    assert loaded == ["interop", "interop.testing", "interop.testing.pytest_plugin"]


PROFILE_PROBE = """
from hypothesis import settings

def test_profile():
    current = settings()
    print("PROFILE", settings.get_current_profile_name(), current.max_examples, current.derandomize)
"""


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ((), None, "PROFILE dev 50 False"),
        (("--interop-hypothesis-profile", "ci"), None, "PROFILE ci 300 True"),
        ((), "ci", "PROFILE ci 300 True"),
        (("--interop-hypothesis-profile", "dev"), "ci", "PROFILE dev 50 False"),
    ],
)
def test_hypothesis_profile_selection(pytester, monkeypatch, args, env, expected):
    from hypothesis import settings

    settings.load_profile("default")  # as in a fresh process
    if env is None:
        monkeypatch.delenv("INTEROP_HYPOTHESIS_PROFILE", raising=False)
    else:
        monkeypatch.setenv("INTEROP_HYPOTHESIS_PROFILE", env)
    pytester.makeini(INNER_INI)
    pytester.makepyfile(test_probe=PROFILE_PROBE)
    result = pytester.runpytest("-s", *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*{expected}*"])


def test_a_profile_loaded_by_a_conftest_is_left_alone(pytester, monkeypatch):
    monkeypatch.delenv("INTEROP_HYPOTHESIS_PROFILE", raising=False)
    pytester.makeini(INNER_INI)
    pytester.makeconftest(
        "from hypothesis import settings\n"
        "settings.register_profile('mine', max_examples=7, derandomize=False)\n"
        "settings.load_profile('mine')\n"
    )
    pytester.makepyfile(test_probe=PROFILE_PROBE)
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*PROFILE mine 7 False*"])


def test_interop_registry_fixture_holds_the_named_plugins(pytester):
    pytester.makeini(INNER_INI)
    pytester.makepyfile(
        test_registry="""
        def test_registry(interop_registry, interop_plugin_names):
            assert interop_plugin_names == ["template"]
            assert [p.name for p in interop_registry.plugins] == ["template"]
            assert interop_registry.strict
        """
    )
    result = pytester.runpytest("--interop-plugin", "template")
    result.assert_outcomes(passed=1)
