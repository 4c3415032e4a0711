"""``interop plugin new NAME`` writes a plugin that installs and passes the kit, unedited."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from interop.cli import app

RUNNER = CliRunner()


def _new(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, ["plugin", "new", *args])
    return result.exit_code, result.output


def test_generated_plugin_installs_and_passes_the_kit_and_its_own_tests(tmp_path: Path) -> None:
    code, output = _new("acme-lamps", "--dir", str(tmp_path))
    assert code == 0, output
    plugin = tmp_path / "acme-lamps"
    assert (plugin / "interop_acme_lamps" / "codec.py").is_file()
    assert 'acme-lamps = "interop_acme_lamps"' in (plugin / "pyproject.toml").read_text()
    leftovers = [
        path for path in plugin.rglob("*.py") if "interop_template" in path.read_text("utf-8")
    ]
    assert leftovers == []
    uv = shutil.which("uv")
    assert uv is not None, "uv installs the generated distribution (it is on PATH, see README)"
    site = tmp_path / "site"
    subprocess.run(
        [uv, "pip", "install", "--no-deps", "--target", str(site), str(plugin)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    assert (site / "interop_acme_lamps" / "__init__.py").is_file()
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE",
         "--pyargs", "interop.testing.suite", "--interop-plugin", "acme-lamps",
         str(plugin / "tests")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    summary = run.stdout.splitlines()[-1]
    assert "failed" not in summary
    assert "error" not in summary


def test_refuses_a_name_that_is_not_a_slug(tmp_path: Path) -> None:
    for name in ("Acme", "acme_lamps", "template", "acme--lamps", "1acme"):
        code, output = _new(name, "--dir", str(tmp_path))
        assert code == 2, (name, output)
        assert "NAME" in output
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "mine.txt").write_text("keep")
    code, output = _new("acme", "--dir", str(tmp_path))
    assert code == 2
    assert "already exists" in output
    assert [p.name for p in (tmp_path / "acme").iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme"]


def test_refuses_a_folder_that_is_not_the_template(tmp_path: Path) -> None:
    code, output = _new("acme", "--dir", str(tmp_path), "--template", str(tmp_path))
    assert code == 2
    assert "--template" in output
