"""The pipeline: raw messages through codecs and the city's policy into the store and sinks.

See :class:`Pipeline`; built-in sinks are in :mod:`interop.pipeline.sinks`.
"""

from interop.pipeline.counters import PipelineCounters
from interop.pipeline.delivery import Backoff, DeliveryWorker, SinkBinding
from interop.pipeline.pipeline import Outcome, Pipeline, default_policy, default_worker
from interop.pipeline.policy import PassThrough, PolicyStage
from interop.pipeline.routes import RECORDS_PLUGIN, Decoder, Route

__all__ = [
    "RECORDS_PLUGIN",
    "Backoff",
    "Decoder",
    "DeliveryWorker",
    "Outcome",
    "PassThrough",
    "Pipeline",
    "PipelineCounters",
    "PolicyStage",
    "Route",
    "SinkBinding",
    "default_policy",
    "default_worker",
]
