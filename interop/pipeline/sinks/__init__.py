"""Built-in sinks: canonical records as JSON Lines files, RDF files, an on-disk RDF store.

Each is an :class:`interop.adapters.Sink` that returns from ``write`` only once the batch is
on disk (flushed and fsynced), so a cursor advanced after it never skips a record. Plugins
add more sinks (an NGSI-LD broker, another vendor's platform).
"""

from interop.pipeline.sinks.files import RotatingFile
from interop.pipeline.sinks.jsonl import JsonLinesSink
from interop.pipeline.sinks.oxigraph import OxigraphSink
from interop.pipeline.sinks.rdf_files import RdfFileSink
from interop.pipeline.sinks.spec import build_sink

__all__ = ["JsonLinesSink", "OxigraphSink", "RdfFileSink", "RotatingFile", "build_sink"]
