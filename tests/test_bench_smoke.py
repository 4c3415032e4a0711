"""Smoke test of the benchmark runner: ``python -m bench --quick`` works end to end.

Checks shape and consistency only (every benchmark ran, timings are positive, paths that
are compared did the same work); never how fast anything is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO))
        from bench.__main__ import main

        results = tmp_path_factory.mktemp("bench-results")
        main(["--quick", "--quiet", "--results", str(results)])
    [json_file] = results.glob("*.json")
    return json.loads(json_file.read_text(encoding="utf-8")), results


def _expected() -> set[tuple[str, str]]:
    from bench.data import DEFAULT_SEED
    from bench.groups import Sizes, benchmarks

    return {(b.group, b.name) for b in benchmarks(Sizes.quick(), DEFAULT_SEED)}


def test_every_benchmark_has_positive_timings(quick_run):
    data, _ = quick_run
    results = data["results"]
    assert data["quick"] is True
    assert {(r["group"], r["name"]) for r in results} == _expected()
    for result in results:
        assert result["times_s"], result["name"]
        assert len(result["times_s"]) == result["repeats"]
        assert all(t > 0 for t in result["times_s"]), result["name"]
        assert result["median_s"] > 0
        assert result["ops_per_s"] > 0
        assert result["output"] > 0, result["name"]


def test_each_group_has_one_baseline_with_ratio_one(quick_run):
    data, _ = quick_run
    groups: dict[str, list[dict]] = {}
    for result in data["results"]:
        groups.setdefault(result["group"], []).append(result)
    from bench.groups import GROUPS

    assert set(groups) == set(GROUPS)
    for members in groups.values():
        [baseline] = {r["baseline"] for r in members}
        [base] = [r for r in members if r["name"] == baseline]
        assert base["ratio"] == pytest.approx(1.0)


def test_rdf_paths_produce_the_same_triple_count(quick_run):
    data, _ = quick_run
    export = {r["name"]: r["output"] for r in data["results"] if r["group"] == "rdf_export"}
    rdflib_count = export["rdflib to_graph + serialize nt"]
    assert export["write_ntriples (streaming, to StringIO)"] == rdflib_count
    assert len(set(export.values())) == 1, export


def test_markdown_table_lists_every_benchmark(quick_run):
    data, results = quick_run
    table = (results / "latest.md").read_text(encoding="utf-8")
    for result in data["results"]:
        assert result["name"] in table
