"""The gateway service: store, policy, pipeline, HTTP API and MQTT subscriptions, composed.

:class:`Gateway` knows no vendor: webhook routes and MQTT topics come from plugins'
``interop_ingress`` hooks, sinks from the config (built-in kinds or a plugin's Sink
adapter). ``await gateway.start()`` opens everything and listens; ``await gateway.stop()``
stops accepting, drains in-flight processing and delivery (bounded by
``server.drain_seconds``) and closes the store.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import secrets as token_source
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from interop.adapters import Sink
from interop.errors import InteropError, ValidationError
from interop.gateway.admin import AdminApi
from interop.gateway.config import GatewayConfig, IngressConfig, MqttConfig, SinkConfig
from interop.gateway.downlinks import DownlinkApi, DownlinkServer, configure_downlinks
from interop.gateway.lighting import (
    CursorFile,
    LightingMetrics,
    LightingSystem,
    StatusFile,
    connect_systems,
)
from interop.gateway.lighting_api import LightingApi
from interop.gateway.metrics import CONTENT_TYPE, GatewayMetrics
from interop.gateway.mqtt import MqttIngestion
from interop.gateway.openapi import openapi_document
from interop.gateway.problems import problem
from interop.gateway.webhooks import WebhookRoute
from interop.ingress import Ingress
from interop.pipeline import Backoff, Pipeline, Route, SinkBinding, default_worker
from interop.secrets import Secret, resolve_secret
from interop.store import Durability, Store, open_store

if TYPE_CHECKING:
    from interop.registry import Registry

__all__ = ["INGEST_TOKEN_ENV", "Gateway", "serve_until_signalled"]

log = logging.getLogger("interop.gateway")

INGEST_TOKEN_ENV = "INTEROP_INGEST_TOKEN"
"""The ingestion token of ingresses with no secret of their own; generated when unset."""
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class _Mounted:
    plugin: str
    ingress: Ingress
    secret: Secret
    entry: IngressConfig | None
    """Its gateway config entry (None when every installed ingress is mounted by default)."""


class Gateway:
    """One gateway worker; see the module docstring.

    ``index`` is this worker's place among ``server.workers`` processes sharing the port
    (see :mod:`interop.gateway.workers`): only worker 0 delivers to the sinks and polls the
    lighting systems, so that each sink and poller has one writer.
    """

    def __init__(self, config: GatewayConfig, registry: Registry, *, index: int = 0) -> None:
        if not 0 <= index < config.server.workers:
            raise ValidationError(
                f"worker {index} of {config.server.workers}", source="gateway",
                field="server.workers", expected=f"an index below {config.server.workers}",
            )  # fmt: skip
        self.config = config
        self.registry = registry
        self.index = index
        self.worker = ""
        """This worker's name in the store (claims, sink leases): set by :meth:`start`."""
        self.store: Store | None = None
        self.pipeline: Pipeline | None = None
        self.metrics: GatewayMetrics | None = None
        self.generated_token: str | None = None
        """The ingestion token generated at start (None when configured)."""
        self.mounted: list[_Mounted] = []
        self.mqtt: list[MqttIngestion] = []
        self._mqtt_tasks: list[asyncio.Task[None]] = []
        self.lighting: list[LightingSystem] = []
        self.downlinks: list[DownlinkServer] = []
        self._lighting_metrics: LightingMetrics | None = None
        self._downlink_api: DownlinkApi | None = None
        self._runner: web.AppRunner | None = None
        self._sync_task: asyncio.Task[None] | None = None
        self._site: web.TCPSite | None = None
        self.port: int | None = None

    # assembly ------------------------------------------------------------------------------

    def data_dir(self) -> Path:
        """Where default sinks write: the store's folder, or ``./interop-data``."""
        location = self.config.store.location
        if location.startswith(("postgresql://", "postgres://")):
            return Path("interop-data")
        return Path(location.removeprefix("sqlite:"))

    def _lighting_status(self) -> StatusFile:
        """Where worker 0 shares its view of the lighting systems with the other workers."""
        return StatusFile(self.data_dir() / "lighting-status.json")

    def _ingest_token(self) -> Secret:
        value = os.environ.get(INGEST_TOKEN_ENV)
        if value:
            return Secret(value, f"env:{INGEST_TOKEN_ENV}")
        self.generated_token = token_source.token_urlsafe(24)
        return Secret(self.generated_token, "generated")

    def _mount_plan(self) -> list[_Mounted]:
        available = self.registry.ingresses()
        default: Secret | None = None

        def fallback() -> Secret:
            nonlocal default
            default = default or self._ingest_token()
            return default

        if self.config.ingress is None:
            return [
                _Mounted(plugin, ingress, fallback(), None)
                for (plugin, _), ingress in sorted(available.items())
            ]
        plan = []
        for index, entry in enumerate(self.config.ingress):
            ingress = available.get((entry.plugin, entry.name))
            if ingress is None:
                raise ValidationError(
                    f"no ingress {entry.plugin}:{entry.name} is installed",
                    source="gateway config",
                    field=f"ingress[{index}]",
                    expected=f"one of {sorted(f'{p}:{n}' for p, n in available)}",
                )
            secret = (
                resolve_secret(entry.secret, field=f"ingress[{index}].secret")
                if entry.secret
                else fallback()
            )
            plan.append(_Mounted(entry.plugin, ingress, secret, entry))
        return plan

    def _sinks(self) -> list[SinkBinding]:
        from interop.pipeline.sinks import build_sink

        configs = self.config.sink
        if configs is None:
            base = self.data_dir() / "sinks"
            configs = [
                SinkConfig(name="records", kind="jsonl", path=str(base / "records")),
                SinkConfig(name="rdf", kind="oxigraph", path=str(base / "rdf")),
            ]
        bindings = []
        for index, entry in enumerate(configs):
            if entry.kind == "plugin":
                sink = self._plugin_sink(entry, index)
            else:
                if not entry.path:
                    raise ValidationError(
                        "a built-in sink needs a path",
                        source="gateway config",
                        field=f"sink[{index}].path",
                    )
                sink = build_sink(f"{entry.kind}:{entry.path}")[1]
            local = entry.kind != "plugin"
            jurisdiction = entry.jurisdiction or (
                self.config.server.jurisdiction if local else None
            )
            bindings.append(
                SinkBinding(
                    entry.name,
                    sink,
                    jurisdiction=jurisdiction,
                    batch_size=entry.batch_size,
                    from_start=entry.from_start,
                    backoff=Backoff(cap=entry.retry_max_seconds),
                )
            )
        return bindings

    def _plugin_sink(self, entry: SinkConfig, index: int) -> Sink:
        if not entry.plugin:
            raise ValidationError(
                "a plugin sink names its plugin", source="gateway config",
                field=f"sink[{index}].plugin",
            )  # fmt: skip
        cls = self.registry.adapter(Sink, entry.plugin, entry.adapter)
        factory = getattr(cls, "from_mapping", None)
        try:
            built = factory(entry.options) if callable(factory) else cls(**entry.options)
        except InteropError:
            raise
        except Exception as exc:  # a plugin's constructor: report, naming the config entry
            raise ValidationError(
                f"cannot build the sink: {type(exc).__name__}: {exc}",
                source="gateway config",
                field=f"sink[{index}].options",
            ) from None
        if not isinstance(built, Sink):
            raise ValidationError(
                "the plugin did not build a Sink", source="gateway config", field=f"sink[{index}]"
            )
        return built

    def _policy(self) -> Any:
        from interop.privacy import Enforcer, KeyRing, load_policy

        path = Path(self.config.policy) if self.config.policy else None
        return Enforcer(load_policy(path), KeyRing.from_env(), properties=self.registry.properties)

    # lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the store, start the pipeline, listen on HTTP, subscribe to MQTT brokers."""
        self.mounted = self._mount_plan()
        self.downlinks = configure_downlinks(self.config.downlink, self.registry)
        self.lighting = connect_systems(self.config.lighting, self.registry)
        many = self.config.server.workers > 1
        leader = self.index == 0
        sinks = self._sinks() if leader else []
        policy = self._policy()
        routes = [
            Route(
                f"{m.plugin}:{m.ingress.name}",
                m.plugin,
                m.ingress.adapter,
                {**m.ingress.hints, **(m.entry.hints if m.entry is not None else {})},
            )
            for m in self.mounted
        ]
        routes += [s.route() for s in self.lighting] + [d.route() for d in self.downlinks]
        store_config = self.config.store
        self.store = open_store(
            store_config.location, durability=Durability(store_config.durability)
        )
        await self.store.open()
        worker = store_config.worker or default_worker()
        if many:
            worker = f"{worker}-w{self.index}"
        self.worker = worker
        self.pipeline = Pipeline(
            self.store, self.registry, routes, sinks=sinks, policy=policy, worker=worker,
            entity_refresh=self.config.store.entity_refresh_seconds,
        )  # fmt: skip
        try:
            await self.pipeline.start()
        except BaseException:
            await self.store.aclose()
            raise
        self.metrics = GatewayMetrics(self.pipeline.counters)
        if self.metrics.shared:
            self._sync_task = asyncio.create_task(_sync_metrics(self.metrics), name="metrics")
        self._lighting_metrics = LightingMetrics(self.metrics.registry)
        app = self.build_app()
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=5.0
        )
        await self._runner.setup()
        server = self.config.server
        self._site = web.TCPSite(
            self._runner, server.host, server.port, reuse_port=True if many else None
        )
        await self._site.start()
        sockets = getattr(self._site._server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else server.port
        for mounted in self.mounted:
            if mounted.entry is not None and mounted.entry.mqtt is not None:
                self._start_mqtt(mounted, mounted.entry.mqtt, worker)
        if leader:
            cursors = CursorFile(self.data_dir() / "lighting-cursors.json")
            shared = self._lighting_status() if many else None
            for system in self.lighting:
                system.start(self.pipeline, cursors, self._lighting_metrics, shared)
        log.info(
            "gateway listening on %s", self.url,
            extra={"ingress": [f"{m.plugin}:{m.ingress.name}" for m in self.mounted]},
        )  # fmt: skip

    def _start_mqtt(self, mounted: _Mounted, config: MqttConfig, worker: str) -> None:
        assert self.pipeline is not None
        assert self.metrics is not None
        client_id = config.client_id or f"interop-{worker}-{mounted.plugin}-{mounted.ingress.name}"
        if self.config.server.workers > 1:
            # one broker stream split among the workers: distinct ids, one shared group
            group = config.shared_group or f"interop-{mounted.plugin}-{mounted.ingress.name}"
            config = config.model_copy(update={"shared_group": group})
            if config.client_id:
                client_id = f"{config.client_id}-w{self.index}"
        ingestion = MqttIngestion(
            mounted.plugin, mounted.ingress, config, self.pipeline, self.metrics, client_id
        )
        plan = ingestion.plan()
        self.mqtt.append(ingestion)
        task = asyncio.create_task(ingestion.run(plan), name=f"mqtt-{ingestion.source}")
        task.add_done_callback(_log_task_end)
        self._mqtt_tasks.append(task)

    @property
    def url(self) -> str:
        """The base URL it listens on."""
        return f"http://{self.config.server.host}:{self.port}"

    async def stop(self) -> None:
        """Stop accepting, drain in-flight work within ``drain_seconds``, close everything."""
        for system in self.lighting:
            await system.stop()
        for task in self._mqtt_tasks:
            task.cancel()
        await asyncio.gather(*self._mqtt_tasks, return_exceptions=True)
        self._mqtt_tasks.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._downlink_api is not None:
            await self._downlink_api.aclose()
        if self.pipeline is not None:
            await self.pipeline.stop(drain=True, timeout=self.config.server.drain_seconds)
            self.pipeline = None
        if self._sync_task is not None:
            self._sync_task.cancel()
            await asyncio.gather(self._sync_task, return_exceptions=True)
            self._sync_task = None
            if self.metrics is not None:
                self.metrics.sync()  # the last counts, for the other workers' scrapes
        if self.store is not None:
            await self.store.aclose()
            self.store = None

    # HTTP ----------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """The aiohttp application of the gateway's API."""
        assert self.pipeline is not None
        assert self.metrics is not None
        metrics = self.metrics
        app = web.Application(
            middlewares=[_observe(metrics)], client_max_size=self.config.server.max_body_bytes
        )
        for mounted in self.mounted:
            if mounted.entry is not None and not mounted.entry.webhook:
                continue
            route = WebhookRoute(
                mounted.plugin,
                mounted.ingress,
                self.pipeline,
                mounted.secret,
                metrics,
                self.config.server.max_body_bytes,
            )
            app.router.add_post(route.path, route.handle)
        token = self.config.server.admin_token
        admin = AdminApi(
            self.pipeline, resolve_secret(token, field="server.admin_token") if token else None
        )
        app.router.add_get("/admin/deadletters", admin.list)
        app.router.add_post("/admin/deadletters/replay", admin.replay)
        assert self._lighting_metrics is not None
        systems = {s.name: s for s in self.lighting}
        shared = self._lighting_status() if self.config.server.workers > 1 else None
        LightingApi(systems, self.pipeline, admin.token, self._lighting_metrics, shared).mount(app)
        servers = {d.entry.name: d for d in self.downlinks}
        self._downlink_api = DownlinkApi(servers, self.pipeline, admin.token)
        self._downlink_api.mount(app)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/openapi.json", self._openapi)
        return app

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "alive", "worker": self.worker})

    async def _readyz(self, request: web.Request) -> web.Response:
        assert self.pipeline is not None
        body: dict[str, Any] = {"status": "ready", "store": "ok", "sinks": {}}
        ready = True
        try:
            await asyncio.wait_for(self.pipeline.store.stats(), 5.0)
        except (InteropError, TimeoutError) as exc:
            body["store"] = f"failing: {getattr(exc, 'code', 'timeout')}"
            ready = False
        for worker in self.pipeline.workers:
            state = "ok" if worker.failing_since is None else f"failing: {worker.last_error}"
            body["sinks"][worker.binding.name] = state
            ready &= worker.failing_since is None
        body["status"] = "ready" if ready else "not ready"
        return web.json_response(body, status=200 if ready else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        assert self.metrics is not None
        assert self.pipeline is not None
        body = self.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def _openapi(self, request: web.Request) -> web.Response:
        from interop import __version__

        document = openapi_document(
            [
                (m.plugin, m.ingress.name, m.ingress.description, m.ingress.media_types,
                 m.ingress.query_hints)
                for m in self.mounted
                if m.entry is None or m.entry.webhook
            ],
            version=__version__,
            lighting=[s.name for s in self.lighting],
            downlinks=[d.entry.name for d in self.downlinks],
        )  # fmt: skip
        return web.Response(body=orjson.dumps(document), content_type="application/json")


def _observe(metrics: GatewayMetrics) -> Any:
    histograms: dict[tuple[str, int], Any] = {}  # labelled once per route and status class

    @web.middleware
    async def middleware(request: web.Request, handler: _Handler) -> web.StreamResponse:
        start = time.perf_counter()
        route = request.match_info.route.resource
        name = route.canonical if route is not None else "unmatched"
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = problem(exc.status, exc.reason, exc.text if exc.status >= 400 else None)
            if exc.status < 400:
                raise
        except Exception:  # a bug of ours: logged, answered 500 without details
            log.exception("request to %s failed", name)
            response = problem(500, "Internal Server Error", code="internal-error")
        elapsed = time.perf_counter() - start
        status_class = response.status // 100
        histogram = histograms.get((name, status_class))
        if histogram is None:
            histogram = metrics.latency.labels(name, f"{status_class}xx")
            histograms[name, status_class] = histogram
        histogram.observe(elapsed)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s %d", request.method, name, response.status,
                extra={"status": response.status, "seconds": round(elapsed, 6)},
            )  # fmt: skip
        return response

    return middleware


async def serve_until_signalled(
    gateway: Gateway,
    started: Callable[[], None] = lambda: None,
    stopping: Callable[[], None] = lambda: None,
    stop: asyncio.Event | None = None,
) -> None:
    """Start ``gateway``, call ``started``, serve until SIGINT or SIGTERM, then drain it.

    ``stop``, when given, stops it too once set. A gateway that fails half-way through
    starting is stopped too (it releases its port and store) before the error propagates.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await gateway.start()
        _settle_heap()
        started()
        await stop.wait()
        stopping()
    finally:
        await gateway.stop()


def _settle_heap() -> None:
    """Keep the start-up heap out of the cyclic collector's passes; collect young ones less often.

    What start-up built (modules, models, plugins, caches) lives as long as the server, and a
    full collection that walks it again pauses every request in flight: with ``gc.freeze``
    and a first generation of 10,000 allocations instead of 700, the gateway's p99 latency
    under load fell by about a tenth on this machine (``bench.gateway``).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


async def _sync_metrics(metrics: GatewayMetrics, interval: float = 1.0) -> None:
    """Copy this worker's pipeline counts for the other workers' scrapes, every ``interval``."""
    while True:
        await asyncio.sleep(interval)
        metrics.sync()


def _log_task_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("MQTT ingestion stopped: %s", task.exception())
