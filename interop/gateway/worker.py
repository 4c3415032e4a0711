"""One supervised gateway worker process: ``python -m interop.gateway.worker``.

Started by :class:`interop.gateway.workers.Supervisor` with its index, a pipe to say it
is listening, and the config in the environment; runs a
:class:`~interop.gateway.service.Gateway` until SIGTERM or SIGINT, or until its supervisor
is gone (killed with SIGKILL, it could not stop its workers), then drains.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from interop.errors import InteropError
from interop.gateway.config import GatewayConfig
from interop.gateway.workers import READY, WORKER_CONFIG_ENV, WORKER_ENV

__all__ = ["main"]

log = logging.getLogger("interop.gateway.worker")


ORPHAN_CHECK_SECONDS = 1.0


async def _watch_parent(parent: int, stop: asyncio.Event) -> None:
    """Set ``stop`` once the supervisor that started this worker has gone."""
    while os.getppid() == parent:
        await asyncio.sleep(ORPHAN_CHECK_SECONDS)
    log.warning("the supervisor (process %d) is gone: stopping", parent)
    stop.set()


async def _serve(config: GatewayConfig, index: int, ready_fd: int, parent: int) -> None:
    from interop.gateway.service import Gateway, serve_until_signalled
    from interop.registry import Registry

    def ready() -> None:
        os.write(ready_fd, READY)
        os.close(ready_fd)

    stop = asyncio.Event()
    watch = asyncio.create_task(_watch_parent(parent, stop), name="watch-supervisor")
    try:
        gateway = Gateway(config, Registry(strict=False).load(), index=index)
        await serve_until_signalled(gateway, ready, stop=stop)
    finally:
        watch.cancel()


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
        asyncio.run(_serve(config, int(index), int(fd), os.getppid()))
    except InteropError as exc:
        print(f"gateway worker {index}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
