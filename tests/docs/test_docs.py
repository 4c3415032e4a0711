"""The documentation stays in step with the code: hooks, errors, generated tables, examples."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from interop import errors, hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs"
PLUGIN_PAGE = DOCS / "writing-a-plugin.md"
FENCE = re.compile(r"^```python\n(?P<code>.*?)^```", re.M | re.S)


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("interop_docs_hooks", DOCS / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _spec_names() -> set[str]:
    return {
        name
        for name in dir(hookspecs)
        if name.startswith("interop_") and hasattr(getattr(hookspecs, name), "interop_spec")
    }


def _documented_hooks() -> set[str]:
    text = PLUGIN_PAGE.read_text(encoding="utf-8")
    return set(re.findall(r"^### `(interop_\w+)`", text, re.M))


def test_hook_discovery_finds_hooks(hooks):
    assert _spec_names(), "no hook specifications found in interop.hookspecs"
    assert set(hooks.hook_names()) == _spec_names()


@pytest.mark.parametrize("hook", sorted(_spec_names()))
def test_every_hook_is_documented(hook):
    assert hook in _documented_hooks(), (
        f"{hook} has no '### `{hook}`' section in {PLUGIN_PAGE.relative_to(DOCS.parent)}"
    )


def test_no_documented_hook_is_missing_from_hookspecs():
    assert _documented_hooks() <= _spec_names()


def test_error_table_lists_every_public_error(hooks):
    table = hooks.render_errors()
    rows = {
        match["name"]: match["code"]
        for match in re.finditer(r"`(?P<name>\w+)` \| `(?P<code>[a-z-]+)` \|", table)
    }
    public = {
        name: getattr(errors, name)
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), errors.InteropError)
    }
    assert public
    for name, cls in public.items():
        assert rows.get(name) == cls.code, f"{name} ({cls.code}) missing from the error table"


def test_error_table_is_on_the_concepts_page():
    assert "<!-- interop:errors -->" in (DOCS / "concepts.md").read_text(encoding="utf-8")


def test_generated_tables_cover_the_registries(hooks):
    from interop.model.properties import DEFAULT_PROPERTIES
    from interop.model.units import DEFAULT_UNITS

    properties, units = hooks.render_properties(), hooks.render_units()
    for spec in DEFAULT_PROPERTIES:
        assert f"`{spec.key}`" in properties
        assert f"`{hooks.compact(spec.iri)}`" in properties
    for unit in DEFAULT_UNITS:
        assert f"`{hooks.compact(unit.iri)}`" in units


def test_rdf_mapping_table_covers_every_record_field(hooks):
    mapping = pytest.importorskip("interop.rdf.mapping")
    table = hooks.render_rdf_mapping()
    for entry in mapping.RECORD_MAPS:
        assert f"`{entry.cls.__name__}`" in table
        for name in entry.cls.model_fields:
            assert f"`{name}`" in table


def _pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_every_placeholder_renders(hooks, page):
    rendered = hooks.render(page.read_text(encoding="utf-8"), str(page))
    assert not hooks.PLACEHOLDER.search(rendered)


@pytest.mark.parametrize(
    "page",
    [p for p in _pages() if FENCE.search(p.read_text(encoding="utf-8"))],
    ids=lambda p: str(p.relative_to(DOCS)),
)
def test_python_examples_run(page, capsys):
    """Every ```python block of a page runs, in order, in one namespace per page."""
    blocks = [m["code"] for m in FENCE.finditer(page.read_text(encoding="utf-8"))]
    namespace: dict[str, object] = {"__name__": f"docs_example_{page.stem}"}
    for block in blocks:
        exec(compile(block, str(page), "exec"), namespace)
