"""``interop serve``: run the gateway until interrupted (SIGINT or SIGTERM drain it)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interop.cli.context import console, load_registry, reports_errors

if TYPE_CHECKING:
    from interop.gateway.config import GatewayConfig

__all__ = ["register"]


@reports_errors
def serve(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Gateway config (TOML).")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port (0: any free port).")] = None,
    store: Annotated[
        str | None, typer.Option(help="Store folder or postgresql://... (overrides the config).")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="Privacy policy file (overrides the config).")
    ] = None,
    log_format: Annotated[str | None, typer.Option(help="json or text.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes sharing the port (overrides server.workers).", min=1),
    ] = None,
) -> None:
    """Run the gateway: webhooks and MQTT in, durable store, delivery to sinks."""
    from interop.gateway import Gateway, load_config
    from interop.gateway.logs import configure_logging
    from interop.gateway.service import serve_until_signalled

    settings = load_config(config)
    server = settings.server.model_copy(
        update={
            k: v
            for k, v in {
                "host": host,
                "port": port,
                "log_format": log_format,
                "workers": workers,
            }.items()
            if v is not None
        }
    )
    updates: dict[str, object] = {"server": server}
    if store is not None:
        updates["store"] = settings.store.model_copy(update={"location": store})
    if policy is not None:
        updates["policy"] = str(policy)
    settings = settings.model_copy(update=updates)
    configure_logging(settings.server.log_format)
    if settings.server.workers > 1:
        _supervise(settings)
        return
    gateway = Gateway(settings, load_registry(False))

    def started() -> None:
        console.print(f"[bold]interop gateway[/] on {gateway.url}", highlight=False)
        for mounted in gateway.mounted:
            console.print(
                f"  POST {gateway.url}/ingest/{mounted.plugin}/{mounted.ingress.name}",
                highlight=False,
            )
        if gateway.generated_token:
            console.print(
                f"  ingestion token (this run only; set INTEROP_INGEST_TOKEN to choose it): "
                f"{gateway.generated_token}",
                highlight=False,
            )
        console.print(
            "  health /healthz /readyz, metrics /metrics, API /openapi.json; Ctrl-C stops"
        )

    def stopping() -> None:
        console.print("draining in-flight work ...")

    asyncio.run(serve_until_signalled(gateway, started, stopping))


def _supervise(settings: GatewayConfig) -> None:
    """Run ``server.workers`` gateway processes on one port until SIGINT or SIGTERM."""
    from interop.gateway.workers import Supervisor

    supervisor = Supervisor(settings)
    supervisor.start()
    console.print(
        f"[bold]interop gateway[/] on {supervisor.url}: {settings.server.workers} workers",
        highlight=False,
    )
    if supervisor.generated_token:
        console.print(
            f"  ingestion token (this run only; set INTEROP_INGEST_TOKEN to choose it): "
            f"{supervisor.generated_token}",
            highlight=False,
        )
    console.print("  health /healthz /readyz, metrics /metrics, API /openapi.json; Ctrl-C stops")
    supervisor.run()
    console.print("stopped")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the root command."""
    app.command()(serve)
