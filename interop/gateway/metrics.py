"""Prometheus metrics: the pipeline's counters per stage and sink, and HTTP latencies.

A registry of its own (never the global default), so that several gateways in one process
(tests, benchmarks) do not share counts. Pipeline counts are read at scrape time.

With several worker processes (``server.workers``), prometheus_client's multiprocess mode
is on (``PROMETHEUS_MULTIPROC_DIR``, set by the supervisor): every metric is kept in files
that any worker sums when scraped, so ``/metrics`` tells the whole gateway whichever worker
answers. Pipeline counts are then copied into real counters (:meth:`GatewayMetrics.sync`,
every second and at each scrape).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from interop.pipeline import PipelineCounters

__all__ = ["CONTENT_TYPE", "MULTIPROCESS_ENV", "GatewayMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
_TOTALS = (
    ("received", "Raw messages submitted."),
    ("duplicates", "Redeliveries of messages already stored."),
    ("decoded", "Messages decoded into records."),
    ("stored", "Records committed to the store."),
)
_PER_SINK = (
    ("delivered", "Records delivered, by sink."),
    ("refused", "Records a sink refused for good."),
    ("retries", "Failed deliveries retried."),
)


class _PipelineCollector(Collector):
    def __init__(self, counters: PipelineCounters) -> None:
        self.counters = counters

    def collect(self) -> Iterator[Metric]:
        c = self.counters
        for name, doc in _TOTALS:
            yield CounterMetricFamily(f"interop_{name}", doc, value=getattr(c, name))
        dead = CounterMetricFamily(
            "interop_dead_lettered", "Dead letters by stage.", labels=["stage"]
        )
        for stage, value in sorted(c.dead_lettered.items()):
            dead.add_metric([stage], value)
        yield dead
        families = {
            name: CounterMetricFamily(_sink_metric(name), doc, labels=["sink"])
            for name, doc in _PER_SINK
        }
        lag = GaugeMetricFamily("interop_sink_lag", "Records waiting for a sink.", labels=["sink"])
        for sink in sorted({*c.delivered, *c.refused, *c.retries, *c.lag}):
            for name, family in families.items():
                family.add_metric([sink], getattr(c, name).get(sink, 0))
            lag.add_metric([sink], c.lag.get(sink, 0))
        yield from (*families.values(), lag)


def _sink_metric(name: str) -> str:
    return "interop_delivery_retries" if name == "retries" else f"interop_{name}"


class _PipelineMirror:
    """The pipeline's counts copied into multiprocess counters (deltas since the last copy)."""

    def __init__(self, counters: PipelineCounters, registry: CollectorRegistry) -> None:
        self.counters = counters
        self.totals = {
            name: Counter(f"interop_{name}", doc, registry=registry) for name, doc in _TOTALS
        }
        self.dead = Counter(
            "interop_dead_lettered", "Dead letters by stage.", ["stage"], registry=registry
        )
        self.per_sink = {
            name: Counter(_sink_metric(name), doc, ["sink"], registry=registry)
            for name, doc in _PER_SINK
        }
        self.lag = Gauge(
            "interop_sink_lag", "Records waiting for a sink.", ["sink"], registry=registry,
            multiprocess_mode="livemax",
        )  # fmt: skip
        self.copied: dict[tuple[str, str], int] = {}

    def _add(self, key: tuple[str, str], value: int, counter: Counter) -> None:
        delta = value - self.copied.get(key, 0)
        if delta > 0:
            counter.inc(delta)
            self.copied[key] = value

    def sync(self) -> None:
        c = self.counters
        for name, counter in self.totals.items():
            self._add((name, ""), getattr(c, name), counter)
        for stage, value in c.dead_lettered.items():
            self._add(("dead", stage), value, self.dead.labels(stage))
        for name, family in self.per_sink.items():
            for sink, value in getattr(c, name).items():
                self._add((name, sink), value, family.labels(sink))
        for sink, value in c.lag.items():
            self.lag.labels(sink).set(value)


class GatewayMetrics:
    """Every metric of one gateway, and its text exposition."""

    def __init__(self, counters: PipelineCounters) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.shared = bool(os.environ.get(MULTIPROCESS_ENV))
        """True in a worker of several: metrics are summed over every worker's files."""
        self._mirror: _PipelineMirror | None = None
        if self.shared:
            self._mirror = _PipelineMirror(counters, self.registry)
        else:
            self.registry.register(_PipelineCollector(counters))
        self.auth_failures = Counter(
            "interop_auth_failures",
            "Requests refused for a missing or wrong secret.",
            ["route"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "interop_rejected",
            "Requests answered 4xx for their input (kept in the dead letter).",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "interop_request_seconds",
            "HTTP request latency, by route and status class.",
            ["route", "status"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.mqtt_messages = Counter(
            "interop_mqtt_messages",
            "MQTT messages received and acknowledged after commit.",
            ["ingress"],
            registry=self.registry,
        )
        self.mqtt_reconnects = Counter(
            "interop_mqtt_reconnects", "Reconnections to an MQTT broker.", ["ingress"],
            registry=self.registry,
        )  # fmt: skip
        self.mqtt_subscribed = Gauge(
            "interop_mqtt_subscribed",
            "Connections subscribed to the ingress's broker (1 per worker while subscribed).",
            ["ingress"],
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.mqtt_backlog = Gauge(
            "interop_mqtt_backlog",
            "MQTT messages received from the broker and not yet committed (all workers).",
            ["ingress"],
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def sync(self) -> None:
        """Copy the pipeline's counts into the shared files (workers of several only)."""
        if self._mirror is not None:
            self._mirror.sync()

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric (of every worker, when several)."""
        if not self.shared:
            return generate_latest(self.registry)
        self.sync()
        merged = CollectorRegistry()
        MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
        return generate_latest(merged)
