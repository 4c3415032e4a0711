"""Lighting controllers on loopback: lights inventoried/s, commands applied/s, plugin overhead.

    uv run python -m bench.lighting                 # 2,000 lights per simulator
    uv run python -m bench.lighting --quick         # 100 lights: a smoke run, not a measurement

For every installed simulator (``interop_simulators`` hook) the benchmark serves a simulated
fleet on 127.0.0.1 (no latency, no faults, commands applied at once) and times, through the
plugin's controller:

* **inventory**: ``lights()`` over the whole fleet (lights/s);
* **commands accepted**: ``set_level`` on every light until the system has accepted every
  command (for an asynchronous API such as SLV's batches, until the batch finished);
* **commands applied**: the same, then ``confirm`` until telemetry shows every level applied
  (polling every 0.05 s; this row includes the protocol's waiting, which the raw replay,
  sending the same requests back to back, does not).

The baseline of each row is the same API traffic sent with raw aiohttp: a recording middleware
captures every request the plugin made (method, path, query, body, auth headers), and the
benchmark replays them with a plain ``aiohttp.ClientSession`` (inventory pages one after the
other, as paging needs; command traffic with the plugin's concurrency), reading each body and
parsing it as JSON when it is JSON. The plugin's overhead is the ratio plugin time / raw time
measured in the same process. Medians of ``--repeat`` runs. Results go to
``bench/results/lighting.md`` and ``bench/results/lighting.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from aiohttp import web

RESULTS = Path(__file__).resolve().parent / "results"
_REPLAYED_HEADERS = ("Authorization", "Cookie", "X-CSRF-Token", "talq-api-version", "Content-Type")


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request as the plugin sent it."""

    method: str
    path_qs: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Row:
    """One measurement: a simulator, an operation, the plugin and raw times (medians)."""

    simulator: str
    operation: str
    items: int
    requests: int
    plugin_seconds: float
    raw_seconds: float

    @property
    def per_second(self) -> float:
        """Lights (or commands) per second through the plugin."""
        return self.items / self.plugin_seconds

    @property
    def overhead(self) -> float:
        """Plugin time over raw aiohttp time for the same requests."""
        return self.plugin_seconds / self.raw_seconds


def _recorder(log: list[Recorded]) -> Any:
    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.read()
        headers = {k: request.headers[k] for k in _REPLAYED_HEADERS if k in request.headers}
        log.append(Recorded(request.method, request.path_qs, headers, body))
        return await handler(request)

    return record


async def _replay(url: str, requests: list[Recorded], concurrency: int) -> float:
    """Send the recorded requests with raw aiohttp; seconds taken."""
    limit = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(item: Recorded) -> None:
            async with (
                limit,
                session.request(
                    item.method, url + item.path_qs, data=item.body or None, headers=item.headers
                ) as response,
            ):
                content = await response.read()
                if response.content_type == "application/json":
                    orjson.loads(content)

        started = time.perf_counter()
        if concurrency == 1:
            for item in requests:
                await one(item)
        else:
            await asyncio.gather(*(one(item) for item in requests))
        return time.perf_counter() - started


async def _measure(
    spec: Any,
    lights: int,
    operation: str,
    work: Callable[[Any, Any], Awaitable[int]],
    concurrency: int,
) -> tuple[float, float, int, int]:
    """Time ``work`` through the plugin, then the raw replay of its traffic (fresh fleets)."""
    from interop.control.http import ClientSettings
    from interop.simulation.server import build
    from interop.simulation.world import LightWorld

    world = LightWorld(lights, seed=3, apply_delay=0.0)
    log: list[Recorded] = []
    app = build(spec, world)
    app.middlewares.append(_recorder(log))
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    controller = spec.connect(url, world, ClientSettings(concurrency=concurrency, timeout=60))
    try:
        ids = [light.id async for light in controller.lights()]  # warm: login, first page
        log.clear()
        started = time.perf_counter()
        items = await work(controller, ids)
        plugin_seconds = time.perf_counter() - started
        recorded = list(log)
        raw_seconds = await _replay(url, recorded, 1 if operation == "inventory" else concurrency)
    finally:
        await controller.aclose()
        await runner.cleanup()
    return plugin_seconds, raw_seconds, items, len(recorded)


async def _inventory(controller: Any, ids: list[str]) -> int:
    return len([light async for light in controller.lights()])


async def _commands(controller: Any, ids: list[str]) -> int:
    from interop.model.command import CommandKind, CommandStatus

    commands = [controller.command(i, CommandKind.SET_LEVEL, level=50.0) for i in ids]
    results = await controller.execute(commands)
    accepted = sum(r.status is CommandStatus.ACCEPTED for r in results)
    if accepted != len(ids):
        raise RuntimeError(f"only {accepted} of {len(ids)} commands were accepted")
    return accepted


async def _applied(controller: Any, ids: list[str]) -> int:
    from interop.model.command import CommandKind, CommandStatus

    commands = [controller.command(i, CommandKind.SET_LEVEL, level=50.0) for i in ids]
    results = await controller.execute(commands)
    results = await controller.confirm(commands, results, timeout=60, interval=0.05)
    applied = sum(r.status is CommandStatus.APPLIED for r in results)
    if applied != len(ids):
        raise RuntimeError(f"only {applied} of {len(ids)} commands were applied")
    return applied


async def run(names: list[str] | None, lights: int, repeat: int, concurrency: int) -> list[Row]:
    """Measure every selected simulator; one Row per simulator and operation."""
    from interop.registry import Registry

    specs = Registry().load().simulators()
    rows = []
    for name, spec in sorted(specs.items()):
        if names and name not in names:
            continue
        for operation, work in (
            ("inventory", _inventory),
            ("commands accepted", _commands),
            ("commands applied", _applied),
        ):
            samples = [
                await _measure(spec, lights, operation, work, concurrency) for _ in range(repeat)
            ]
            rows.append(
                Row(
                    simulator=name,
                    operation=operation,
                    items=samples[0][2],
                    requests=samples[0][3],
                    plugin_seconds=statistics.median(s[0] for s in samples),
                    raw_seconds=statistics.median(s[1] for s in samples),
                )
            )
            print(f"  {name} {operation}: done", file=sys.stderr, flush=True)
    return rows


def render(rows: list[Row], lights: int) -> str:
    """The results as a Markdown table."""
    lines = [
        f"# Lighting controllers on loopback ({lights} lights, {platform.python_version()})",
        "",
        "| simulator | operation | items | requests | plugin s | items/s | raw aiohttp s "
        "| overhead (plugin / raw) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.simulator} | {row.operation} | {row.items} | {row.requests} | "
            f"{row.plugin_seconds:.3f} | {row.per_second:,.0f} | {row.raw_seconds:.3f} | "
            f"{row.overhead:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> list[Row]:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.lighting", description=__doc__)
    parser.add_argument("--lights", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", action="append", help="simulator name (repeatable)")
    parser.add_argument("--quick", action="store_true", help="100 lights, one repeat")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    lights, repeat = (100, 1) if args.quick else (args.lights, args.repeat)
    rows = asyncio.run(run(args.only, lights, repeat, args.concurrency))
    table = render(rows, lights)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "lighting.md").write_text(table, "utf-8")
    payload = [
        {**asdict(row), "per_second": row.per_second, "overhead": row.overhead} for row in rows
    ]
    (args.results / "lighting.json").write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    print(table)
    return rows


if __name__ == "__main__":
    main()
