"""Benchmarks for interop's hot paths, run with ``uv run python -m bench``.

Each benchmark belongs to a group with one baseline; results are reported as the median of
several repeats and as a ratio to the baseline measured in the same process, so figures
from different machines are comparable as ratios, never as absolute times. The runner writes
``bench/results/<timestamp>.json`` and ``bench/results/latest.md``.

Groups:

- ``construction``: validated ``Measurement(...)`` vs ``Measurement.model_construct``
  (baseline, no validation) vs ``RecordAdapter.validate_python`` / ``validate_json``;
- ``rdf_export``: rdflib ``to_graph`` + N-Triples serialisation (baseline) vs the streaming
  ``write_ntriples`` vs pyoxigraph paths over the same triples;
- ``shacl``: ``interop.rdf.validate`` on graphs of different sizes (baseline: the smallest).
"""

from bench.harness import Benchmark, BenchmarkResult, RunReport, run_benchmarks

__all__ = ["Benchmark", "BenchmarkResult", "RunReport", "run_benchmarks"]
