"""One supervised gateway worker process: ``python -m interop.gateway.worker``.

Started by :class:`interop.gateway.workers.Supervisor` with its index, a pipe to say it
is listening, and the config in the environment; runs a
:class:`~interop.gateway.service.Gateway` until SIGTERM or SIGINT, then drains.
"""

from __future__ import annotations

import asyncio
import os
import sys

from interop.errors import InteropError
from interop.gateway.config import GatewayConfig
from interop.gateway.workers import READY, WORKER_CONFIG_ENV, WORKER_ENV

__all__ = ["main"]


async def _serve(config: GatewayConfig, index: int, ready_fd: int) -> None:
    from interop.gateway.service import Gateway, serve_until_signalled
    from interop.registry import Registry

    def ready() -> None:
        os.write(ready_fd, READY)
        os.close(ready_fd)

    gateway = Gateway(config, Registry(strict=False).load(), index=index)
    await serve_until_signalled(gateway, ready)


def main() -> int:
    """Run the worker named by the environment; 2 when started without one, 1 on an error."""
    from interop.gateway.logs import configure_logging

    spec = os.environ.get(WORKER_ENV, "")
    index, _, fd = spec.partition(":")
    if not (index.isdigit() and fd.isdigit()) or WORKER_CONFIG_ENV not in os.environ:
        print("interop.gateway.worker is started by `interop serve --workers N`", file=sys.stderr)
        return 2
    config = GatewayConfig.model_validate_json(os.environ[WORKER_CONFIG_ENV])
    configure_logging(config.server.log_format)
    try:
        asyncio.run(_serve(config, int(index), int(fd)))
    except InteropError as exc:
        print(f"gateway worker {index}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
