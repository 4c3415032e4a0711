"""The gateway demo: a running gateway, sample messages posted over HTTP, what became of them.

``interop demo`` calls :func:`run_gateway_demo`: it starts the gateway on a free loopback
port with the sample city policy (``interop/privacy/samples/city.toml``), posts every
installed ingress's sample messages to its webhook with the ingestion token, waits for
delivery and reports, per ingress, what was stored, pseudonymised, dead-lettered and
delivered to each sink.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp

from interop.gateway.config import GatewayConfig
from interop.gateway.service import INGEST_TOKEN_ENV, Gateway
from interop.pipeline.sources import raw_messages

if TYPE_CHECKING:
    from interop.registry import Registry

__all__ = ["GatewayDemo", "run_gateway_demo"]

DEMO_KEY_ENV = "INTEROP_PSEUDONYM_KEYS"


@dataclass
class GatewayDemo:
    """What the demo did."""

    url: str
    posted: dict[str, int] = field(default_factory=dict)
    answers: dict[str, dict[int, int]] = field(default_factory=dict)
    """Ingress -> HTTP status -> how many answers."""
    stored: int = 0
    dead_lettered: int = 0
    pseudonymised: int = 0
    delivered: dict[str, int] = field(default_factory=dict)
    outputs: tuple[Path, ...] = ()

    @property
    def ok(self) -> bool:
        """Every sample was answered 2xx or 4xx (never 5xx) and something was stored."""
        statuses = [s for per in self.answers.values() for s in per]
        return self.stored > 0 and all(s < 500 for s in statuses)


async def run_gateway_demo(registry: Registry, output: Path) -> GatewayDemo:
    """Start a gateway on loopback, post the installed ingresses' samples, report."""
    from interop.privacy import SAMPLES

    folder = output / "gateway"
    if folder.exists():
        shutil.rmtree(folder)  # a demo starts from an empty store every time
    token = secrets.token_urlsafe(16)
    previous = {name: os.environ.get(name) for name in (INGEST_TOKEN_ENV, DEMO_KEY_ENV)}
    os.environ[INGEST_TOKEN_ENV] = token
    if not os.environ.get(DEMO_KEY_ENV) and not os.environ.get("INTEROP_PSEUDONYM_KEY_FILE"):
        os.environ[DEMO_KEY_ENV] = "1:" + secrets.token_hex(16)  # this run's key only
    config = GatewayConfig.model_validate(
        {
            "server": {"port": 0, "log_format": "text"},
            "store": {"location": str(folder / "store")},
            "policy": str(SAMPLES / "city.toml"),
            "sink": [
                {"name": "opendata", "kind": "jsonl", "path": str(folder / "opendata"),
                 "jurisdiction": "FR", "from_start": True},
                {"name": "rdf", "kind": "oxigraph", "path": str(folder / "rdf"),
                 "jurisdiction": "FR", "from_start": True},
            ],
        }
    )  # fmt: skip
    gateway = Gateway(config, registry)
    try:
        await gateway.start()
        report = GatewayDemo(gateway.url, outputs=(folder / "opendata", folder / "rdf"))
        async with aiohttp.ClientSession() as session:
            for mounted in gateway.mounted:
                await _post_samples(
                    session, gateway, mounted.plugin, mounted.ingress, token, report
                )
        assert gateway.pipeline is not None
        await gateway.pipeline.wait_delivered()
        counters = gateway.pipeline.counters
        report.stored = counters.stored
        report.dead_lettered = sum(counters.dead_lettered.values())
        report.delivered = dict(counters.delivered)
        stats = await gateway.pipeline.store.stats()
        report.pseudonymised = sum(
            n for key, n in stats.audit.items() if key.startswith("pseudonymise/")
        )
    finally:
        await gateway.stop()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return report


async def _post_samples(
    session: aiohttp.ClientSession,
    gateway: Gateway,
    plugin: str,
    ingress: object,
    token: str,
    report: GatewayDemo,
) -> None:
    from interop.ingress import Ingress

    assert isinstance(ingress, Ingress)
    if ingress.samples is None or not ingress.samples.exists():
        return
    name = f"{plugin}:{ingress.name}"
    url = f"{gateway.url}/ingest/{plugin}/{ingress.name}"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": ingress.media_types[0]}
    answers = report.answers.setdefault(name, {})
    broken = b'{"this message": "is not what the ingress expects"'
    async with session.post(url, data=broken, headers=headers) as response:
        await response.read()  # a broken message, to show the dead letter at work
        answers[response.status] = answers.get(response.status, 0) + 1
    report.posted[name] = report.posted.get(name, 0) + 1
    for message in raw_messages(ingress.samples, name):
        async with session.post(
            url, data=message.payload, headers=headers, params=dict(ingress.sample_hints)
        ) as response:
            await response.read()
            answers[response.status] = answers.get(response.status, 0) + 1
        report.posted[name] = report.posted.get(name, 0) + 1
