"""Mutation testing of the modules where a wrong answer would be silent (not part of CI).

For each target module, a copy of the working tree is mutated by cosmic-ray (from PyPI, run
with ``uv tool run``, so it is not a project dependency) and the module's relevant tests,
known answers first, run against each mutant. The share of mutants killed is the figure:
a surviving mutant is a change of the code that no test notices.

Bounded in time: each module samples at most ``--sample`` mutants (seeded, so reruns draw
the same ones) and stops after ``--minutes``; the report says how many ran. The original
tree is never touched: the copy is put first on ``PYTHONPATH``, ahead of the editable
installs, so the mutated module is the one imported.

    uv run python quality/mutation.py                 # every target, defaults
    uv run python quality/mutation.py units cayenne --sample 60 --minutes 5
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COSMIC_RAY = ("uv", "tool", "run", "--from", "cosmic-ray==8.7.0")
IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "__pycache__", "*.egg-info", "site", ".mypy_cache", ".ruff_cache",
    ".pytest_cache", "quality", "*.whl",
)  # fmt: skip
PLUGIN_ROOTS = ("plugins/gtfs", "plugins/lorawan", "plugins/template")
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
"""The shared reference data the known-answer tests read (the copy has no ``../shared``)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A module to mutate and the tests that should notice a wrong answer in it."""

    module: str
    tests: tuple[str, ...]


TARGETS: dict[str, Target] = {
    "units": Target(
        "interop/model/units.py",
        ("tests/known_answers/test_units.py", "tests/model/test_units.py"),
    ),
    "rdf-mapping": Target(
        "interop/rdf/mapping.py",
        ("tests/known_answers/test_rdf_mapping.py", "tests/rdf/test_mapping.py"),
    ),
    "gtfs-columns": Target(
        "plugins/gtfs/interop_gtfs/columns.py",
        ("plugins/gtfs/tests/test_known_answers.py", "plugins/gtfs/tests/test_writer.py"),
    ),
    "cayenne": Target(
        "plugins/lorawan/interop_lorawan/codecs/cayenne.py",
        ("plugins/lorawan/tests/test_known_answers.py", "plugins/lorawan/tests/test_cayenne.py"),
    ),
    "elsys": Target(
        "plugins/lorawan/interop_lorawan/codecs/elsys.py",
        ("plugins/lorawan/tests/test_known_answers.py",),
    ),
    "dingtek": Target(
        "plugins/lorawan/interop_lorawan/codecs/dingtek.py",
        ("plugins/lorawan/tests/test_known_answers.py",),
    ),
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to the sampled mutants of one module."""

    name: str
    total: int
    equivalent: int
    sampled: int
    killed: int
    survived: int
    incompetent: int
    seconds: float
    survivors: tuple[str, ...]

    @property
    def score(self) -> float:
        """Killed over killed + survived (incompetent mutants, e.g. a syntax error, left out)."""
        judged = self.killed + self.survived
        return self.killed / judged if judged else 0.0


def _test_command(copy: Path, target: Target) -> str:
    python_path = ":".join(str(copy / root) for root in (".", *PLUGIN_ROOTS))
    command = (
        f"env PYTHONPATH={python_path} INTEROP_SHARED_DIR={SHARED} "
        f"{shlex.quote(sys.executable)} -m pytest -x -q "
        "-p no:cacheprovider -o addopts=--import-mode=importlib " + " ".join(target.tests)
    )
    return command


def _config(copy: Path, target: Target, timeout: float) -> Path:
    command = _test_command(copy, target)
    path = copy / "cosmic-ray.toml"
    path.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{target.module}"\n'
        f"timeout = {timeout}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n\n"
        '[cosmic-ray.distributor]\nname = "local"\n',
        encoding="utf-8",
    )
    return path


def _annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where a function's parameter and return annotations are, when they are never run.

    Under ``from __future__ import annotations`` these stay strings that nothing evaluates,
    so mutating them (``str | None`` -> ``str // None``) cannot change behaviour: such
    mutants are equivalent and would only dilute the score. Class-level annotations are
    kept, since dataclasses and pydantic do read them.
    """
    tree = ast.parse(source)
    postponed = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    if not postponed:
        return []
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            notes = [a.annotation for a in every if a.annotation is not None]
            notes += [node.returns] if node.returns is not None else []
            for note in notes:
                end = (note.end_lineno or note.lineno, note.end_col_offset or 0)
                spans.append(((note.lineno, note.col_offset), end))
    return spans


def _sample(session: Path, module: Path, size: int, seed: int) -> tuple[int, int, int]:
    """Drop equivalent annotation mutants, keep ``size`` random others: (total, left out, kept)."""
    spans = _annotation_spans(module.read_text(encoding="utf-8"))
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT job_id, start_pos_row, start_pos_col FROM mutation_specs ORDER BY job_id"
        ).fetchall()
        equivalent = {job for job, row, col in rows if any(a <= (row, col) < b for a, b in spans)}
        db.executemany("DELETE FROM mutation_specs WHERE job_id = ?", [(j,) for j in equivalent])
        db.executemany("DELETE FROM work_items WHERE job_id = ?", [(j,) for j in equivalent])
        ids = [job for job, _, _ in rows if job not in equivalent]
        keep = set(random.Random(seed).sample(ids, min(size, len(ids))))
        dropped = [(job,) for job in ids if job not in keep]
        db.executemany("DELETE FROM mutation_specs WHERE job_id = ?", dropped)
        db.executemany("DELETE FROM work_items WHERE job_id = ?", dropped)
    return len(rows), len(equivalent), len(keep)


def _results(copy: Path, session: Path) -> tuple[int, int, int, list[str]]:
    dump = subprocess.run(
        [*COSMIC_RAY, "cosmic-ray", "dump", str(session)],
        cwd=copy, capture_output=True, text=True, check=True,
    )  # fmt: skip
    killed = survived = incompetent = 0
    survivors = []
    for line in dump.stdout.splitlines():
        item, result = json.loads(line)
        if result is None:
            continue
        outcome = result.get("test_outcome")
        if outcome == "killed":
            killed += 1
        elif outcome == "survived":
            survived += 1
            survivors.append(result.get("diff") or str(item))
        else:
            incompetent += 1
    return killed, survived, incompetent, survivors


def _exec_within(cwd: Path, command: list[str], seconds: float) -> None:
    """Run ``command`` in its own process group; end the whole group when time is up."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)  # the budget is spent: report what finished
        process.wait()


def run(name: str, target: Target, sample: int, minutes: float, seed: int) -> Outcome:
    """Mutate one module in a fresh copy of the tree and count the mutants its tests kill."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"interop-mutation-{name}-") as folder:
        copy = Path(folder) / "tree"
        shutil.copytree(REPO, copy, ignore=IGNORED)
        baseline = subprocess.run(
            shlex.split(_test_command(copy, target)), cwd=copy, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        if baseline.returncode != 0:
            raise SystemExit(
                f"{name}: the tests fail on the unmutated tree, so no mutant can be judged:\n"
                + baseline.stdout[-3000:]
            )
        config = _config(copy, target, timeout=120.0)
        session = copy / "session.sqlite"
        subprocess.run(
            [*COSMIC_RAY, "cosmic-ray", "init", str(config), str(session)],
            cwd=copy, check=True, capture_output=True,
        )  # fmt: skip
        total, equivalent, kept = _sample(session, copy / target.module, sample, seed)
        _exec_within(copy, [*COSMIC_RAY, "cosmic-ray", "exec", str(config), str(session)],
                     minutes * 60)  # fmt: skip
        killed, survived, incompetent, survivors = _results(copy, session)
    return Outcome(
        name, total, equivalent, kept, killed, survived, incompetent, time.monotonic() - started,
        tuple(survivors),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the chosen targets and print one line per module; exit 1 below ``--floor``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help=f"some of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--sample", type=int, default=120, help="mutants per module (max)")
    parser.add_argument("--minutes", type=float, default=12.0, help="time budget per module")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--floor", type=float, default=0.80, help="lowest acceptable score")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--survivors", action="store_true", help="print surviving mutants")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.targets) - set(TARGETS))
    if unknown:
        parser.error(f"unknown targets {unknown}; choose from {sorted(TARGETS)}")
    outcomes = []
    for name in args.targets or list(TARGETS):
        outcome = run(name, TARGETS[name], args.sample, args.minutes, args.seed)
        outcomes.append(outcome)
        ran = outcome.killed + outcome.survived + outcome.incompetent
        print(
            f"{name:14} {outcome.score:6.1%} killed  ({outcome.killed} killed, "
            f"{outcome.survived} survived, {outcome.incompetent} incompetent; {ran} of "
            f"{outcome.sampled} sampled of {outcome.total} mutants, {outcome.equivalent} in "
            f"unevaluated annotations left out; {outcome.seconds:.0f} s)",
            flush=True,
        )
        if args.survivors:
            for diff in outcome.survivors:
                print("    " + diff.replace("\n", "\n    "))
    if args.json:
        args.json.write_text(
            json.dumps(
                [{**{k: getattr(o, k) for k in ("name", "total", "equivalent", "sampled", "killed",
                                               "survived", "incompetent", "seconds")},
                  "score": o.score} for o in outcomes],
                indent=2,
            ),
            encoding="utf-8",
        )  # fmt: skip
    return 0 if all(o.score >= args.floor for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
