"""Serving a simulated vendor API on 127.0.0.1 with aiohttp, faults included.

A plugin describes its simulator as a :class:`SimulatorSpec`: how to build the aiohttp
application of its vendor API over a :class:`~interop.simulation.world.LightWorld`, how the
vendor signals overload, and how to connect its controller to it. :func:`serve` runs one for
the length of an ``async with`` (tests, demos, benchmarks); ``interop sim`` runs one until
interrupted. The fault middleware applies the world's :class:`~interop.simulation.world.Faults`
before the vendor handlers see a request.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Middleware

from interop.control.http import ClientSettings
from interop.control.lighting import LightingController
from interop.errors import ValidationError
from interop.simulation.world import LightWorld

__all__ = [
    "SimulatorSpec",
    "build",
    "default_overload",
    "fault_middleware",
    "serve",
    "serve_in_thread",
    "tls_context",
    "world_key",
]

world_key: web.AppKey[LightWorld] = web.AppKey("interop_world", LightWorld)
"""Where a simulator application keeps its world: ``app[world_key]``."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def default_overload(status: int, retry_after: float | None) -> web.Response:
    """A plain overload answer: the status, ``Retry-After`` when known, a short text body."""
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
    return web.Response(status=status, text="overloaded, try again later", headers=headers)


@dataclass(frozen=True, slots=True)
class SimulatorSpec:
    """A plugin's simulator: its vendor API over a world, and how its controller connects.

    ``build_app(world)`` returns the aiohttp application (without the fault middleware,
    which :func:`serve` adds). ``connect(url, world, settings)`` returns the plugin's
    controller for a simulator at ``url``, logged in with the world's credentials.
    ``overload(status, retry_after)`` renders an injected failure as the vendor would
    (an HTML page, a problem document, ...); ``rate_limit_status`` is the status the
    vendor uses when a client sends too much (429, or 503 when it has no 429).
    ``command_path`` and ``result_path`` let the conformance suite aim faults at the
    command request and at result polling.
    """

    name: str
    description: str
    build_app: Callable[[LightWorld], web.Application]
    connect: Callable[[str, LightWorld, ClientSettings | None], LightingController]
    overload: Callable[[int, float | None], web.StreamResponse] = default_overload
    rate_limit_status: int = 429
    default_port: int = 8080
    command_path: str = ""
    """Part of the path of the request that carries light commands (for path-bound faults)."""
    result_path: str = ""
    """Part of the path a controller polls for command results; "" when the API has none."""


def fault_middleware(spec: SimulatorSpec) -> Middleware:
    """Middleware applying the world's faults: latency, drops, hangs, failures, rate limits."""
    buckets: dict[str, tuple[float, float]] = {}

    @web.middleware
    async def faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        world = request.app[world_key]
        fault = world.take_fault(request.path)
        if world.faults.latency:
            await asyncio.sleep(world.faults.latency)
        if fault is not None:
            what, wait = fault
            if what == "drop":
                if request.transport is not None:
                    request.transport.close()
                raise asyncio.CancelledError
            if what == "hang":
                await asyncio.sleep(3600)
            if what == "throttle":
                return spec.overload(spec.rate_limit_status, wait)
            return spec.overload(int(what.split(":")[1]), wait)
        limit = world.faults.rate_limit
        if limit is not None:
            client = request.headers.get("Authorization") or request.remote or "?"
            now = time.monotonic()
            tokens, last = buckets.get(client, (limit, now))
            tokens = min(limit, tokens + (now - last) * limit)
            if tokens < 1.0:
                buckets[client] = (tokens, now)
                return spec.overload(spec.rate_limit_status, world.faults.retry_after)
            buckets[client] = (tokens - 1.0, now)
        world.tick()
        return await handler(request)

    return faults


@asynccontextmanager
async def serve(
    spec: SimulatorSpec,
    world: LightWorld,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[str]:
    """Run ``spec``'s simulator over ``world`` for the block; yields its base URL.

    ``port`` 0 picks a free port. Only loopback is meant. With ``ssl_context`` it serves
    HTTPS (see :func:`tls_context` for one that requires client certificates).
    """
    app = build(spec, world)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    scheme = "https" if ssl_context is not None else "http"
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"{scheme}://{shown}:{bound}"
    finally:
        await runner.cleanup()


def tls_context(
    certificate: Path, key: Path | None = None, *, client_ca: Path | None = None
) -> ssl.SSLContext:
    """A server TLS context; with ``client_ca`` a client certificate it signed is required.

    That is how a TALQ Gateway authenticates its CMS (mutual TLS). ValidationError names
    the file that cannot be loaded.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(str(certificate), str(key) if key is not None else None)
    except (OSError, ssl.SSLError) as exc:
        raise ValidationError(
            f"cannot load the server certificate and key ({type(exc).__name__})",
            source=str(certificate),
            field="certificate",
            expected="a PEM certificate and its unencrypted PEM private key",
        ) from None
    if client_ca is not None:
        try:
            context.load_verify_locations(cafile=str(client_ca))
        except (OSError, ssl.SSLError) as exc:
            raise ValidationError(
                f"cannot load the client CA ({type(exc).__name__})",
                source=str(client_ca),
                field="client_ca",
                expected="a PEM file of the CA certificates that sign client certificates",
            ) from None
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def build(spec: SimulatorSpec, world: LightWorld) -> web.Application:
    """The simulator application: the vendor routes behind the fault middleware."""
    vendor = spec.build_app(world)
    vendor[world_key] = world
    vendor.middlewares.insert(0, fault_middleware(spec))
    return vendor


@contextmanager
def serve_in_thread(spec: SimulatorSpec, world: LightWorld) -> Iterator[str]:
    """:func:`serve` from a background thread with its own event loop; yields the base URL.

    For callers that run their own event loop or none (a gateway in a child process, a
    synchronous client such as schemathesis).
    """
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: dict[str, str] = {}

    async def main() -> None:
        async with serve(spec, world) as url:
            box["url"] = url
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError(f"the {spec.name} simulator did not start within 10 s")
    try:
        yield box["url"]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
