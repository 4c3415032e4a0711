"""Prometheus metrics: the pipeline's counters per stage and sink, and HTTP latencies.

A registry of its own (never the global default), so that several gateways in one process
(tests, benchmarks) do not share counts. Pipeline counts are read at scrape time.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from interop.pipeline import PipelineCounters

__all__ = ["CONTENT_TYPE", "GatewayMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _PipelineCollector(Collector):
    def __init__(self, counters: PipelineCounters) -> None:
        self.counters = counters

    def collect(self) -> Iterator[Metric]:
        c = self.counters
        for name, value, doc in (
            ("received", c.received, "Raw messages submitted."),
            ("duplicates", c.duplicates, "Redeliveries of messages already stored."),
            ("decoded", c.decoded, "Messages decoded into records."),
            ("stored", c.stored, "Records committed to the store."),
        ):
            yield CounterMetricFamily(f"interop_{name}", doc, value=value)
        dead = CounterMetricFamily(
            "interop_dead_lettered", "Dead letters by stage.", labels=["stage"]
        )
        for stage, value in sorted(c.dead_lettered.items()):
            dead.add_metric([stage], value)
        yield dead
        delivered = CounterMetricFamily(
            "interop_delivered", "Records delivered, by sink.", labels=["sink"]
        )
        refused = CounterMetricFamily(
            "interop_refused", "Records a sink refused for good.", labels=["sink"]
        )
        retries = CounterMetricFamily(
            "interop_delivery_retries", "Failed deliveries retried.", labels=["sink"]
        )
        lag = GaugeMetricFamily("interop_sink_lag", "Records waiting for a sink.", labels=["sink"])
        for sink in sorted({*c.delivered, *c.refused, *c.retries, *c.lag}):
            delivered.add_metric([sink], c.delivered.get(sink, 0))
            refused.add_metric([sink], c.refused.get(sink, 0))
            retries.add_metric([sink], c.retries.get(sink, 0))
            lag.add_metric([sink], c.lag.get(sink, 0))
        yield from (delivered, refused, retries, lag)


class GatewayMetrics:
    """Every metric of one gateway, and its text exposition."""

    def __init__(self, counters: PipelineCounters) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
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
            "1 while the ingress is connected and subscribed to its broker, else 0.",
            ["ingress"],
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)
