"""``interop plugin new NAME``: write a working plugin from the template, names replaced.

The source is the template distribution (``plugins/template`` of this repository: its
``pyproject.toml``, README, package and tests), found next to the installed
``interop_template`` package or given with ``--template``. Every file is copied with the
template's names replaced by the new plugin's: the distribution (``interop-NAME``), the
package (``interop_NAME``), the entry point and ``MANIFEST.name`` (``NAME``), the codec class
and name, and the plugin name inside minted IRIs. The result installs as it is and passes
the conformance kit with no edit; then it is the author's to change.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from typing import Annotated

import typer

from interop.cli.context import console, reports_errors
from interop.errors import ValidationError

__all__ = ["TEMPLATE_NAME", "find_template", "register", "renamer", "write_plugin"]

TEMPLATE_NAME = "template"
"""The plugin name of the template distribution (``interop-template``)."""
_SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*.egg-info", "build", "dist")


def renamer(name: str) -> list[tuple[re.Pattern[str], str]]:
    """The replacements that turn the template's names into plugin ``name``'s, in order."""
    snake = name.replace("-", "_")
    camel = "".join(part.capitalize() for part in name.split("-"))
    return [
        (re.compile(r"interop_template"), f"interop_{snake}"),
        (re.compile(r"interop-template"), f"interop-{name}"),
        (re.compile(r"TemplateJsonCodec"), f"{camel}JsonCodec"),
        (re.compile(r"\bTestTemplate"), f"Test{camel}"),
        (re.compile(r"test_template_"), f"test_{snake}_"),
        (re.compile(r'"template-json"'), f'"{name}-json"'),
        (re.compile(r'"template"'), f'"{name}"'),
        (re.compile(r":template:"), f":{name}:"),
        (re.compile(r"^template = ", re.MULTILINE), f"{name} = "),
    ]


def _renamed(text: str, rules: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def find_template() -> Path | None:
    """The template distribution's folder, when the template is installed from source.

    Located with :func:`importlib.util.find_spec`, never imported: the core imports no
    plugin by name.
    """
    spec = importlib.util.find_spec("interop_template")
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def write_plugin(name: str, target: Path, template: Path) -> list[Path]:
    """Write plugin ``name`` into the new folder ``target`` from ``template``; the files.

    Raises :class:`~interop.errors.ValidationError` for a name that is not a lowercase slug,
    a ``target`` that exists, or a ``template`` that is not the template distribution.
    """
    if not _SLUG.fullmatch(name) or name == TEMPLATE_NAME:
        raise ValidationError(
            f"{name!r} cannot name a plugin", source=name, field="NAME",
            expected="a lowercase slug other than 'template', such as 'acme' or 'acme-lamps'",
        )  # fmt: skip
    if not (template / "pyproject.toml").is_file() or not (template / "interop_template").is_dir():
        raise ValidationError(
            "not the template distribution", source=str(template), field="--template",
            expected="a folder holding pyproject.toml and interop_template/ (plugins/template)",
        )  # fmt: skip
    if target.exists():
        raise ValidationError(
            "already exists; nothing was written", source=str(target), field="--dir",
            expected="a folder in which no entry of that name exists yet",
        )  # fmt: skip
    rules = renamer(name)
    staging = target.with_name(f".{target.name}.partial")
    shutil.copytree(template, staging, ignore=_SKIPPED)
    try:
        for path in sorted(staging.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            renamed = path.with_name(_renamed(path.name, rules))
            if path.is_file() and path.suffix in {".py", ".toml", ".md", ".txt", ".json"}:
                path.write_text(_renamed(path.read_text("utf-8"), rules), "utf-8")
            if renamed != path:
                path.rename(renamed)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in target.rglob("*") if p.is_file())


@reports_errors
def new(
    name: Annotated[str, typer.Argument(help="The plugin name, a lowercase slug (acme).")],
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to create the plugin's folder NAME.")
    ] = Path("."),
    template: Annotated[
        Path | None,
        typer.Option("--template", help="The template distribution (default: installed)."),
    ] = None,
) -> None:
    """Write a new plugin NAME from the template: installs and passes the kit as it is."""
    source = template if template is not None else find_template()
    if source is None:
        raise ValidationError(
            "the template plugin is not installed from source", source="interop_template",
            field="--template",
            expected="--template pointing to a copy of plugins/template of the interop repository",
        )  # fmt: skip
    target = directory / name
    files = write_plugin(name, target, source)
    console.print(f"wrote plugin {name!r} ({len(files)} files) to {target}")
    console.print(
        f"next: install it (uv pip install -e {target}), then "
        f"pytest --pyargs interop.testing.suite --interop-plugin {name}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add the ``plugin`` group (``interop plugin new NAME``) to the root command."""
    group = typer.Typer(name="plugin", help="Write new plugins.", no_args_is_help=True)
    group.command("new")(new)
    app.add_typer(group, name="plugin")
