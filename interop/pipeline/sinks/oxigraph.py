"""An on-disk RDF store (pyoxigraph) that a city can query with SPARQL.

Each record's triples live in a named graph named by the record's IRI, so a record
delivered again (at-least-once) or updated replaces its previous triples: the sink is
idempotent. Query with ``use_default_graph_as_union=True`` to see every record at once.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph

from interop.adapters import Sink
from interop.errors import SourceUnavailable
from interop.model.records import Record

__all__ = ["OxigraphSink"]


class OxigraphSink(Sink):
    """Keeps records as RDF in a pyoxigraph store at ``path`` (one named graph per record)."""

    name: ClassVar[str] = "oxigraph"
    description: ClassVar[str] = "An on-disk SPARQL store (pyoxigraph), one graph per record."

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store: Any = None
        self._lock = threading.Lock()

    def _open(self) -> Any:
        if self._store is None:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = pyoxigraph.Store(str(self.path))
            except OSError as exc:
                raise SourceUnavailable(
                    f"cannot open the RDF store: {exc}", source=str(self.path)
                ) from exc
        return self._store

    def _write(self, records: Sequence[Record]) -> None:
        from interop.rdf import write_ntriples

        with self._lock:
            store = self._open()
            for record in records:
                buffer = io.StringIO()
                write_ntriples([record], buffer)
                graph = pyoxigraph.NamedNode(record.id)
                store.remove_graph(graph)
                store.load(
                    buffer.getvalue().encode(),
                    format=pyoxigraph.RdfFormat.N_TRIPLES,
                    to_graph=graph,
                )
            store.flush()

    async def write(self, records: Sequence[Record]) -> None:
        """Replace each record's named graph; flushed to disk before returning."""
        try:
            await asyncio.to_thread(self._write, records)
        except OSError as exc:
            raise SourceUnavailable(f"cannot write: {exc}", source=str(self.path)) from exc

    def query(self, sparql: str) -> Any:
        """Run a SPARQL query over every record (the union of the named graphs)."""
        with self._lock:
            return self._open().query(sparql, use_default_graph_as_union=True)

    async def aclose(self) -> None:
        """Release the store."""
        with self._lock:
            self._store = None
