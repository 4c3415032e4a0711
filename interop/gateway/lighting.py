"""Lighting systems behind the gateway: connected controllers and their telemetry pollers.

Each ``[[lighting]]`` entry of the config is one :class:`LightingSystem`: the plugin's
:class:`~interop.control.lighting.LightingController` (found through the registry by the
``PLUGIN:URL`` address, so the gateway knows no vendor) and a poller task. Every
``poll_seconds`` the poller reads the inventory, the readings logged since its cursor (the
latest readings on the first poll) and the raised alarms, and stores them through the
pipeline as route ``lighting:{name}``, so the city's policy applies as to any webhook.
Records are keyed by id and content, so a reading read twice is stored once.

The cursor (the newest reading time seen) is kept in a small JSON file in the data
directory, written atomically after the readings are committed; each poll reads back
:data:`LOOKBACK` before it to catch readings the system logged late. A failing controller
never stops the service: the poller logs, counts, backs off (up to ``poll_seconds``) and
tries again; ``failing`` says so to the command API, which then answers 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge

from interop.control.connect import open_lighting
from interop.control.http import ClientSettings
from interop.control.lighting import LightingController
from interop.errors import InteropError, SourceUnavailable, StoreUnavailable, ValidationError
from interop.gateway.commands import store_records
from interop.gateway.config import LightingConfig
from interop.model.lighting import LightPoint
from interop.model.observation import Measurement
from interop.model.records import Record
from interop.pipeline import Backoff, Pipeline, Route
from interop.pipeline.routes import RECORDS_PLUGIN
from interop.secrets import resolve_secret

__all__ = [
    "LOOKBACK", "CursorFile", "LightingMetrics", "LightingSystem", "StatusFile", "connect_systems",
]  # fmt: skip

log = logging.getLogger("interop.gateway.lighting")

LOOKBACK = timedelta(minutes=15)
"""How far before its cursor each poll reads again, for readings a system logs late."""
CHUNK = 200
"""Lights per telemetry or history request."""
_STORE_BATCH = 500


class _JsonFile:
    """One JSON object in a file of the data directory, replaced atomically on each write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        """Pollers write from worker threads: one read-modify-write at a time."""

    def _read(self) -> dict[str, Any]:
        try:
            data = orjson.loads(self.path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def _put(self, name: str, entry: dict[str, Any], *, sync: bool) -> None:
        """Set one entry: write a temporary file (fsynced when ``sync``), then rename it."""
        with self._lock:
            data = self._read()
            data[name] = entry
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                handle.write(orjson.dumps(data, option=orjson.OPT_INDENT_2))
                if sync:
                    handle.flush()
                    os.fsync(handle.fileno())
            temporary.replace(self.path)


class CursorFile(_JsonFile):
    """Per-system cursors (newest reading time seen) in one JSON file, written atomically."""

    def get(self, name: str, url: str) -> datetime | None:
        """The cursor of system ``name`` at ``url`` (None: never polled, or another URL)."""
        entry = self._read().get(name)
        if not isinstance(entry, dict) or entry.get("url") != url:
            return None
        try:
            return datetime.fromisoformat(str(entry.get("cursor"))).astimezone(UTC)
        except ValueError:
            return None

    def put(self, name: str, url: str, cursor: datetime) -> None:
        """Record a cursor durably (write a temporary file, fsync, rename)."""
        self._put(name, {"url": url, "cursor": cursor.isoformat()}, sync=True)


class StatusFile(_JsonFile):
    """Each system's state as its poller last saw it, for the workers that do not poll.

    With several gateway workers only worker 0 polls; the others answer ``GET /lighting``
    from this file (written after every poll, not fsynced: it is a view, not a record).
    """

    def get(self, name: str) -> dict[str, Any] | None:
        """The last state written for system ``name``, if any."""
        entry = self._read().get(name)
        return entry if isinstance(entry, dict) else None

    def put(self, name: str, status: dict[str, Any]) -> None:
        """Replace the state of system ``name``."""
        self._put(name, status, sync=False)


class LightingMetrics:
    """Prometheus metrics of the lighting systems, in the gateway's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.polls = Counter(
            "interop_lighting_polls", "Telemetry polls, by system and outcome (ok, failed).",
            ["system", "outcome"], registry=registry,
        )  # fmt: skip
        self.records = Counter(
            "interop_lighting_records", "Records read from a lighting system and submitted.",
            ["system"], registry=registry,
        )  # fmt: skip
        self.last_poll = Gauge(
            "interop_lighting_last_poll_timestamp_seconds",
            "When the last successful poll of a system ended (Unix time).",
            ["system"], registry=registry,
        )  # fmt: skip
        self.commands = Counter(
            "interop_lighting_commands", "Per-light command results, by system and status.",
            ["system", "status"], registry=registry,
        )  # fmt: skip


@dataclass
class LightingSystem:
    """One configured lighting system: its controller, poller state and cached inventory."""

    entry: LightingConfig
    controller: LightingController
    plugin: str
    failing_since: float | None = None
    """``time.monotonic()`` of the first failure of the current run of failures."""
    last_error: str | None = None
    inventory: list[LightPoint] = field(default_factory=list)
    polled_at: datetime | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        """The system's name in the config and the API."""
        return self.entry.name

    @property
    def source(self) -> str:
        """The pipeline route of its records."""
        return f"lighting:{self.entry.name}"

    def route(self) -> Route:
        """Its records are canonical already: the built-in ``records`` route."""
        return Route(self.source, RECORDS_PLUGIN)

    def failed(self, exc: BaseException) -> None:
        """Note a failure to reach the system (kept for the API's 503 and logs)."""
        if self.failing_since is None:
            self.failing_since = time.monotonic()
        self.last_error = (
            f"{exc.code}: {exc.message}" if isinstance(exc, InteropError) else type(exc).__name__
        )

    def reached(self) -> None:
        """Note that the system answered."""
        self.failing_since = None
        self.last_error = None

    def status(self) -> dict[str, Any]:
        """Its state for ``GET /lighting``: reachable or failing, last error, last poll, lights."""
        return {
            "name": self.name,
            "plugin": self.plugin,
            "status": "ok" if self.failing_since is None else "failing",
            "error": self.last_error,
            "polled_at": self.polled_at.isoformat() if self.polled_at else None,
            "lights": len(self.inventory),
        }

    @property
    def seen(self) -> bool:
        """Whether this process has polled or called the system yet."""
        return self.polled_at is not None or self.failing_since is not None

    async def probe(self) -> None:
        """Read one inventory page within the command deadline; raise when it cannot."""
        lights = self.controller.lights(page_size=1)
        try:
            await asyncio.wait_for(anext(lights, None), self.entry.command_deadline)
        except TimeoutError:
            raise SourceUnavailable(
                f"no answer within {self.entry.command_deadline:g} s", source=self.name
            ) from None
        finally:
            with contextlib.suppress(Exception):
                await lights.aclose()  # type: ignore[attr-defined]
        self.reached()

    # polling ------------------------------------------------------------------------------

    async def poll(self, pipeline: Pipeline, cursors: CursorFile, metrics: LightingMetrics) -> int:
        """One poll: inventory, readings since the cursor, alarms, stored; returns the count."""
        lights = [light async for light in self.controller.lights()]
        ids = [light.id for light in lights]
        cursor = cursors.get(self.name, self.entry.url)
        now = datetime.now(UTC)
        readings: list[Measurement] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            if cursor is None or self.entry.readings == "latest":
                readings += await self.controller.telemetry(chunk)
            else:
                readings += await self.controller.history(chunk, cursor - LOOKBACK, now)
        alarms = await self.controller.alarms() if ids else []
        records: list[Record] = [*lights, *readings, *alarms]
        for start in range(0, len(records), _STORE_BATCH):
            await store_records(
                pipeline, self.source, records[start : start + _STORE_BATCH],
                origin=f"poll {self.name}",
            )  # fmt: skip
        newest = max((m.timestamp for m in readings), default=None)
        if newest is not None and (cursor is None or newest > cursor):
            await asyncio.to_thread(cursors.put, self.name, self.entry.url, newest)
        elif cursor is None:
            await asyncio.to_thread(cursors.put, self.name, self.entry.url, now)
        self.inventory = lights
        self.polled_at = now
        metrics.records.labels(self.name).inc(len(records))
        return len(records)

    async def run(
        self,
        pipeline: Pipeline,
        cursors: CursorFile,
        metrics: LightingMetrics,
        shared: StatusFile | None = None,
    ) -> None:
        """Poll forever; on failure log, count and back off, never raise (until cancelled).

        After each poll its state goes to ``shared`` for the workers that do not poll.
        """
        backoff = Backoff(base=1.0, cap=self.entry.poll_seconds)
        failures = 0
        while True:
            try:
                count = await self.poll(pipeline, cursors, metrics)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a controller, store or plugin failure: retry later
                if isinstance(exc, StoreUnavailable):  # the system is fine; the store is not
                    self.last_error = f"{exc.code}: {exc.message}"
                else:
                    self.failed(exc)
                await self._share(shared)
                metrics.polls.labels(self.name, "failed").inc()
                wait = max(backoff.delay(failures), min(1.0, self.entry.poll_seconds))
                failures += 1
                log.warning(
                    "polling lighting system %s failed (%s); again in %.1f s",
                    self.name, self.last_error, wait,
                )  # fmt: skip
                await asyncio.sleep(wait)
                continue
            failures = 0
            self.reached()
            await self._share(shared)
            metrics.polls.labels(self.name, "ok").inc()
            metrics.last_poll.labels(self.name).set(time.time())
            log.debug("polled lighting system %s: %d records", self.name, count)
            await asyncio.sleep(self.entry.poll_seconds)

    async def _share(self, shared: StatusFile | None) -> None:
        if shared is None:
            return
        try:
            await asyncio.to_thread(shared.put, self.name, self.status())
        except OSError as exc:  # a view for the other workers: never stops the poller
            log.warning("cannot share the state of %s: %s", self.name, exc.strerror)

    def start(
        self,
        pipeline: Pipeline,
        cursors: CursorFile,
        metrics: LightingMetrics,
        shared: StatusFile | None = None,
    ) -> None:
        """Start the poller task."""
        self._task = asyncio.create_task(
            self.run(pipeline, cursors, metrics, shared), name=f"lighting-{self.name}"
        )

    async def stop(self) -> None:
        """Stop the poller and close the controller's connections."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self.controller.aclose()


def _credentials(entry: LightingConfig, index: int) -> dict[str, str]:
    """``user:password`` or a token from the entry's secret reference (None: environment)."""
    if entry.credentials is None:
        return {}
    value = resolve_secret(entry.credentials, field=f"lighting[{index}].credentials").reveal()
    user, colon, password = value.partition(":")
    return {"username": user, "password": password} if colon else {"token": value}


def connect_systems(entries: Sequence[LightingConfig], registry: object) -> list[LightingSystem]:
    """A controller for every configured system (no I/O yet); errors name the entry."""
    systems: list[LightingSystem] = []
    names: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.name in names or not entry.name.replace("-", "").replace("_", "").isalnum():
            raise ValidationError(
                "duplicate or unusable name", source="gateway config",
                field=f"lighting[{index}].name", expected="a unique name of letters, digits, - _",
            )  # fmt: skip
        names.add(entry.name)
        settings = ClientSettings(deadline=entry.command_deadline)
        controller = open_lighting(
            registry, entry.url, settings=settings, options=_credentials(entry, index)
        )
        plugin = entry.url.partition(":")[0]
        systems.append(LightingSystem(entry, controller, plugin))
    return systems
