"""The benchmark groups: what is timed, on how much data, against which baseline.

Input is built in each benchmark's ``prepare`` step and is not timed; the workload returns
how many objects or triples it produced so the runner can check that paths compared with
each other did the same work.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bench.data import measurement_dicts, measurement_kwargs, measurements
from bench.harness import Benchmark, Workload
from bench.lorawan import lorawan_benchmarks
from interop.model import Measurement, RecordAdapter

__all__ = ["GROUPS", "Sizes", "benchmarks"]

GROUPS = ("construction", "rdf_export", "shacl", "lorawan")
"""Every group, in the order the runner runs them."""


@dataclass(frozen=True, slots=True)
class Sizes:
    """How much data each group processes, and how often each benchmark repeats."""

    construction: int
    rdf_export: int
    shacl: tuple[int, ...]
    repeats: int
    rdf_repeats: int
    shacl_repeats: int
    lorawan: int = 20_000

    @classmethod
    def full(cls) -> Sizes:
        """The sizes of a real run."""
        return cls(construction=100_000, rdf_export=20_000, shacl=(500, 2000), repeats=5,
                   rdf_repeats=3, shacl_repeats=3)  # fmt: skip

    @classmethod
    def quick(cls) -> Sizes:
        """Small sizes for a CI smoke run: checks that every path works, not how fast."""
        return cls(construction=2_000, rdf_export=300, shacl=(20, 80), repeats=3,
                   rdf_repeats=3, shacl_repeats=1, lorawan=300)  # fmt: skip


# --- (a) record construction ---------------------------------------------------------------


def _construct(n: int, seed: int) -> Workload:
    rows = measurement_kwargs(n, seed)
    build = Measurement.model_construct

    def run() -> int:
        return len([build(**row) for row in rows])

    return run


def _validated(n: int, seed: int) -> Workload:
    rows = measurement_kwargs(n, seed)

    def run() -> int:
        return len([Measurement(**row) for row in rows])

    return run


def _validate_python(n: int, seed: int) -> Workload:
    rows = measurement_dicts(n, seed)
    validate = RecordAdapter.validate_python

    def run() -> int:
        return len([validate(row) for row in rows])

    return run


def _validate_json(n: int, seed: int) -> Workload:
    documents = [RecordAdapter.dump_json(record) for record in measurements(n, seed)]
    validate = RecordAdapter.validate_json

    def run() -> int:
        return len([validate(document) for document in documents])

    return run


def _construction(sizes: Sizes, seed: int) -> list[Benchmark]:
    n, repeats = sizes.construction, sizes.repeats

    def bench(
        name: str, factory: Callable[[int, int], Workload], *, note: str = "", base: bool = False
    ) -> Benchmark:
        return Benchmark("construction", name, n, lambda: factory(n, seed), base, repeats, note)

    return [
        bench(
            "Measurement.model_construct (no validation)",
            _construct,
            base=True,
            note="no validation (nested provenance stays a dict); runs in Python, so it is "
            "not necessarily faster than validated construction.",
        ),
        bench("Measurement(**kwargs)", _validated),
        bench("RecordAdapter.validate_python(dict)", _validate_python,
              note="discriminated union: picks the class from `kind`, then validates."),
        bench("RecordAdapter.validate_json(bytes)", _validate_json,
              note="from JSON bytes, as a queue or file delivers them."),
    ]  # fmt: skip


# --- (b) RDF export ------------------------------------------------------------------------


class _OxigraphTerms:
    """A :class:`interop.rdf.export.TermFactory` that builds pyoxigraph terms.

    Lets pyoxigraph serialise or store exactly the triples the exporter yields for
    rdflib and the streaming writer, so the three paths are compared on the same triples.
    """

    def __init__(self) -> None:
        import pyoxigraph

        self._ox = pyoxigraph
        self._iris: dict[str, Any] = {}

    def iri(self, value: str) -> Any:
        """A ``NamedNode`` (vocabulary IRIs are cached, as the N-Triples writer does)."""
        node = self._iris.get(value)
        if node is None:
            node = self._ox.NamedNode(value)
            if len(self._iris) < 4096:
                self._iris[value] = node
        return node

    def bnode(self, label: str) -> Any:
        """A ``BlankNode`` with the exporter's deterministic label."""
        return self._ox.BlankNode(label)

    def literal(self, lexical: str, datatype: str | None) -> Any:
        """A ``Literal``; plain strings have no datatype."""
        if datatype is None:
            return self._ox.Literal(lexical)
        return self._ox.Literal(lexical, datatype=self.iri(datatype))


def _oxigraph_terms(records: Sequence[Measurement]) -> Iterator[tuple[Any, Any, Any]]:
    from interop.rdf.export import record_triples

    terms, typed = _OxigraphTerms(), set[str]()
    for record in records:
        yield from record_triples(record, terms, typed)


def _rdflib_serialize(n: int, seed: int) -> Workload:
    from interop.rdf import to_graph

    records = measurements(n, seed)

    def run() -> int:
        graph = to_graph(records)
        graph.serialize(format="nt", encoding="utf-8")
        return len(graph)

    return run


def _rdflib_graph_only(n: int, seed: int) -> Workload:
    from interop.rdf import to_graph

    records = measurements(n, seed)

    def run() -> int:
        return len(to_graph(records))

    return run


def _streaming(n: int, seed: int) -> Workload:
    from interop.rdf import write_ntriples

    records = measurements(n, seed)

    def run() -> int:
        return write_ntriples(records, io.StringIO())

    return run


def _oxigraph_serialize(n: int, seed: int) -> Workload:
    import pyoxigraph

    records = measurements(n, seed)

    def run() -> int:
        triples = [pyoxigraph.Triple(s, p, o) for s, p, o in _oxigraph_terms(records)]
        pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
        return len(triples)

    return run


def _oxigraph_store(n: int, seed: int) -> Workload:
    import pyoxigraph

    records = measurements(n, seed)

    def run() -> int:
        store = pyoxigraph.Store()
        store.extend(pyoxigraph.Quad(s, p, o) for s, p, o in _oxigraph_terms(records))
        return len(store)

    return run


def _streaming_into_oxigraph(n: int, seed: int) -> Workload:
    import pyoxigraph

    from interop.rdf import write_ntriples

    records = measurements(n, seed)

    def run() -> int:
        buffer = io.StringIO()
        write_ntriples(records, buffer)
        store = pyoxigraph.Store()
        store.load(buffer.getvalue(), format=pyoxigraph.RdfFormat.N_TRIPLES)
        return len(store)

    return run


def _rdf_export(sizes: Sizes, seed: int) -> list[Benchmark]:
    n, repeats = sizes.rdf_export, sizes.rdf_repeats

    def bench(
        name: str, factory: Callable[[int, int], Workload], *, note: str = "", base: bool = False
    ) -> Benchmark:
        return Benchmark("rdf_export", name, n, lambda: factory(n, seed), base, repeats, note)

    return [
        bench("rdflib to_graph + serialize nt", _rdflib_serialize, base=True,
              note="records -> rdflib Graph -> N-Triples bytes."),
        bench("rdflib to_graph only", _rdflib_graph_only,
              note="the graph-building part of the baseline, without serialisation."),
        bench("write_ntriples (streaming, to StringIO)", _streaming,
              note="records -> N-Triples text; no graph, flat memory."),
        bench("pyoxigraph terms + serialize nt", _oxigraph_serialize,
              note="same triples built as pyoxigraph terms (Python-side), serialised by "
                   "pyoxigraph; term construction dominates."),
        bench("pyoxigraph terms + Store.extend", _oxigraph_store,
              note="same triples inserted into an in-memory pyoxigraph Store (indexed)."),
        bench("write_ntriples + pyoxigraph Store.load", _streaming_into_oxigraph,
              note="streaming text parsed into an in-memory Store: the cheap way to a "
                   "queryable store."),
    ]  # fmt: skip


# --- (c) SHACL validation ------------------------------------------------------------------


def _shacl(n: int, seed: int) -> Workload:
    from interop.rdf import to_graph, validate

    graph = to_graph(measurements(n, seed))
    first = validate(graph)
    if not first.conforms:
        raise RuntimeError(f"benchmark data does not conform to the shapes:\n{first.text}")

    def run() -> int:
        report = validate(graph)
        return len(graph) if report.conforms else -1

    return run


def _shacl_group(sizes: Sizes, seed: int) -> list[Benchmark]:
    smallest = min(sizes.shacl)
    return [
        Benchmark(
            "shacl",
            f"validate {n} measurements",
            n,
            lambda n=n: _shacl(n, seed),  # type: ignore[misc]
            n == smallest,
            sizes.shacl_repeats,
            "interop.rdf.validate on a prebuilt rdflib graph; ratio shows how cost scales.",
        )
        for n in sizes.shacl
    ]


_BUILDERS: dict[str, Callable[[Sizes, int], list[Benchmark]]] = {
    "construction": _construction,
    "rdf_export": _rdf_export,
    "shacl": _shacl_group,
    "lorawan": lambda sizes, seed: lorawan_benchmarks(sizes.lorawan, sizes.repeats, seed),
}


def benchmarks(sizes: Sizes, seed: int, only: Sequence[str] | None = None) -> list[Benchmark]:
    """Every benchmark of the chosen groups (all groups when ``only`` is None)."""
    chosen = GROUPS if not only else tuple(g for g in GROUPS if g in only)
    return [bench for group in chosen for bench in _BUILDERS[group](sizes, seed)]
