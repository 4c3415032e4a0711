"""Plant the review's silent bugs one at a time in a copy of the tree; show which tests fail.

Each bug is a one-line change a round trip cannot see (the same mistake both ways). The
script copies the working tree, plants one bug, runs the known-answer tests and the kit's
known-answer checks against the copy (first on ``PYTHONPATH``), records the failing tests,
restores the file and goes on. The original tree is never touched. A bug that no test
catches is reported as such and makes the exit status 1.

    uv run python quality/planted_bugs.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
PLUGIN_ROOTS = ("plugins/gtfs", "plugins/lorawan", "plugins/template")
IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "__pycache__", "site", ".mypy_cache", ".ruff_cache", ".pytest_cache", "*.whl"
)
TESTS = (
    "tests/known_answers",
    "plugins/gtfs/tests/test_known_answers.py",
    "plugins/lorawan/tests/test_known_answers.py",
    "plugins/gtfs/tests/test_plugin.py::TestGtfsDataset::test_known_answers",
    "plugins/template/tests/test_template_conformance.py",
)


@dataclass(frozen=True, slots=True)
class Bug:
    """One planted bug: replace the first ``old`` in ``path`` with ``new``."""

    name: str
    path: str
    old: str
    new: str


BUGS = (
    Bug(
        "millibar factor 1000 instead of 100",
        "interop/model/units.py",
        '_om("millibar", "millibar", _Q.PRESSURE, 100,',
        '_om("millibar", "millibar", _Q.PRESSURE, 1000,',
    ),
    Bug(
        "a Decimal built from a float",
        "interop/model/units.py",
        "return Decimal(result.numerator) / Decimal(result.denominator)",
        "return Decimal(float(result))",
    ),
    Bug(
        "saref:hasManufacturer swapped with saref:hasModel",
        "interop/rdf/mapping.py",
        '"manufacturer": Value(_s("hasManufacturer")),\n'
        '            "model": Value(_s("hasModel")),',
        '"manufacturer": Value(_s("hasModel")),\n'
        '            "model": Value(_s("hasManufacturer")),',
    ),
    Bug(
        "wheelchair_accessible swapped with bikes_allowed",
        "plugins/gtfs/interop_gtfs/columns.py",
        'C("wheelchair_accessible", "wheelchair_accessible", AVAILABILITY),\n'
        '            C("bikes_allowed", "bikes_allowed", AVAILABILITY),',
        'C("wheelchair_accessible", "bikes_allowed", AVAILABILITY),\n'
        '            C("bikes_allowed", "wheelchair_accessible", AVAILABILITY),',
    ),
    Bug(
        "floats written with an exponent (1e-05)",
        "plugins/gtfs/interop_gtfs/columns.py",
        'if "e" in text or "E" in text:',
        "if False:",
    ),
    Bug(
        "Cayenne LPP pressure limit of 11000 hPa",
        "plugins/lorawan/interop_lorawan/codecs/cayenne.py",
        'LppType(115, "barometric_pressure", 2, False, (10,), limits=((0, 1100),)),',
        'LppType(115, "barometric_pressure", 2, False, (10,), limits=((0, 11000),)),',
    ),
)


def _failing(copy: Path) -> list[str]:
    python_path = ":".join(str(copy / root) for root in (".", *PLUGIN_ROOTS))
    env = {**os.environ, "PYTHONPATH": python_path, "INTEROP_SHARED_DIR": str(SHARED)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf", *TESTS],
        cwd=copy, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return [
        line.removeprefix("FAILED ").split(" - ")[0]
        for line in run.stdout.splitlines()
        if line.startswith("FAILED ")
    ]


def main() -> int:
    """Plant each bug, print the tests that fail; 1 if a bug fails none (or the base fails)."""
    with tempfile.TemporaryDirectory(prefix="interop-planted-") as folder:
        copy = Path(folder) / "tree"
        shutil.copytree(REPO, copy, ignore=IGNORED)
        baseline = _failing(copy)
        if baseline:
            print("tests fail before any bug is planted:\n  " + "\n  ".join(baseline))
            return 1
        uncaught = 0
        for bug in BUGS:
            path = copy / bug.path
            original = path.read_text(encoding="utf-8")
            if bug.old not in original:
                print(f"{bug.name}: the line to change is not in {bug.path}; update the script")
                return 1
            path.write_text(original.replace(bug.old, bug.new, 1), encoding="utf-8")
            try:
                failing = _failing(copy)
            finally:
                path.write_text(original, encoding="utf-8")
            uncaught += not failing
            print(f"{bug.name} ({bug.path}): {len(failing)} failing tests")
            for test in failing[:8]:
                print(f"    {test}")
            if len(failing) > 8:
                print(f"    ... and {len(failing) - 8} more")
    return 1 if uncaught else 0


if __name__ == "__main__":
    sys.exit(main())
