"""Several gateway worker processes on one port, supervised: ``server.workers = N``.

One Python process decodes and commits on one core. With ``N`` workers, each is a full
gateway (:class:`~interop.gateway.service.Gateway`) in a process of its own, listening on
the same address with ``SO_REUSEPORT`` so that the kernel spreads connections among them,
and writing to the same store (SQLite in WAL mode takes one writer at a time; each worker
group-commits). Worker 0 starts first and alone delivers to the sinks and polls lighting
systems; MQTT ingresses are split among the workers by a shared subscription.

The supervisor (this module, in the ``interop serve`` process) starts the workers, restarts
one that dies after it was ready (with back-off), forwards SIGTERM/SIGINT so that every
worker drains, and stops everything when a worker fails to start (a config error would
fail again).
"""

from __future__ import annotations

import logging
import os
import secrets as token_source
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from types import FrameType

from interop.errors import InteropError, ValidationError
from interop.gateway.config import GatewayConfig
from interop.gateway.metrics import MULTIPROCESS_ENV

__all__ = ["WORKER_ENV", "Supervisor", "reserve_port"]

log = logging.getLogger("interop.gateway.workers")

WORKER_ENV = "INTEROP_GATEWAY_WORKER"
"""Set for a worker process: ``INDEX:READY_FD``; its config is in ``WORKER_CONFIG_ENV``."""
WORKER_CONFIG_ENV = "INTEROP_GATEWAY_CONFIG"
"""The validated gateway config as JSON (secrets stay references, never values)."""
READY = b"ready\n"
STARTUP_SECONDS = 120.0
RESTART_CAP_SECONDS = 30.0


def reserve_port(host: str, port: int) -> socket.socket:
    """A socket bound (not listening) to ``host:port`` with ``SO_REUSEPORT``: port 0 picks one.

    Held while the workers bind the same port, so that every worker gets the one chosen.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # as the workers (aiohttp) do: connections of an earlier run in TIME_WAIT must not
        # keep a restarted gateway off its port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValidationError(
            f"cannot listen on {host}:{port}: {exc.strerror}", source="gateway config",
            field="server.port", expected="a free port on an address of this machine",
        ) from None  # fmt: skip
    return sock


class WorkerFailed(InteropError):
    """A worker process exited before it was ready (its output says why)."""

    code = "worker-failed"


@dataclass(slots=True)
class _Worker:
    index: int
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0


@dataclass(slots=True)
class Supervisor:
    """Runs ``config.server.workers`` gateway processes until SIGTERM or SIGINT."""

    config: GatewayConfig
    generated_token: str | None = None
    """The ingestion token generated for this run (None when INTEROP_INGEST_TOKEN is set)."""
    port: int | None = None
    metrics_dir: str | None = None
    """Where the workers keep their metrics (prometheus_client multiprocess mode)."""
    _workers: list[_Worker] = field(default_factory=list)
    _stopping: bool = False

    @property
    def url(self) -> str:
        """The base URL the workers listen on."""
        return f"http://{self.config.server.host}:{self.port}"

    def start(self) -> None:
        """Reserve the port, start worker 0, then the others; each must report ready."""
        from interop.gateway.service import INGEST_TOKEN_ENV

        server = self.config.server
        reserved = reserve_port(server.host, server.port)
        try:
            self.port = reserved.getsockname()[1]
            self.config = self.config.model_copy(
                update={"server": server.model_copy(update={"port": self.port})}
            )
            if not os.environ.get(INGEST_TOKEN_ENV):
                # one token for every worker, or each would accept only its own
                self.generated_token = token_source.token_urlsafe(24)
                os.environ[INGEST_TOKEN_ENV] = self.generated_token
            # a fresh folder each run: counts of an earlier run must not be added to this one's
            self.metrics_dir = tempfile.mkdtemp(prefix="interop-metrics-")
            self._workers = [_Worker(index) for index in range(server.workers)]
            self._launch(self._workers[0])
            for worker in self._workers[1:]:
                self._launch(worker)
        except BaseException:
            self.stop()
            raise
        finally:
            reserved.close()

    def _launch(self, worker: _Worker) -> None:
        """Start one worker process and wait until it listens (WorkerFailed if it exits)."""
        read_end, write_end = os.pipe()
        env = {
            **os.environ,
            WORKER_ENV: f"{worker.index}:{write_end}",
            WORKER_CONFIG_ENV: self.config.model_dump_json(),
        }
        if self.metrics_dir is not None:
            env[MULTIPROCESS_ENV] = self.metrics_dir
        try:
            worker.process = subprocess.Popen(
                [sys.executable, "-m", "interop.gateway.worker"], env=env, pass_fds=(write_end,)
            )
        finally:
            os.close(write_end)
        try:
            self._await_ready(worker, read_end)
        finally:
            os.close(read_end)

    def _await_ready(self, worker: _Worker, read_end: int) -> None:
        assert worker.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        with selectors.DefaultSelector() as selector:
            selector.register(read_end, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(timeout=0.2) and os.read(read_end, len(READY)) == READY:
                    return
                if worker.process.poll() is not None:
                    break
        code = worker.process.poll()
        raise WorkerFailed(
            f"worker {worker.index} did not start"
            + (f" (exit status {code}; its log above says why)" if code is not None else
               f" within {STARTUP_SECONDS:g} s"),
            source="interop serve",
        )  # fmt: skip

    def run(self) -> None:
        """Supervise until SIGTERM or SIGINT, restarting a worker that dies; then stop all."""
        previous = {
            signum: signal.signal(signum, self._on_signal)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not self._stopping:
                for worker in self._workers:
                    if self._stopping:
                        break
                    process = worker.process
                    if process is not None and process.poll() is not None:
                        self._restart(worker, process.returncode)
                time.sleep(0.2)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.stop()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True

    def _restart(self, worker: _Worker, code: int) -> None:
        """Start a dead worker again after a back-off that grows with its restarts."""
        if worker.process is not None and self.metrics_dir is not None:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(worker.process.pid, self.metrics_dir)  # type: ignore[no-untyped-call]
        delay = min(RESTART_CAP_SECONDS, 0.5 * 2**worker.restarts)
        worker.restarts += 1
        log.error(
            "gateway worker %d exited (status %d); restarting in %.1f s",
            worker.index, code, delay,
        )  # fmt: skip
        end = time.monotonic() + delay
        while time.monotonic() < end and not self._stopping:
            time.sleep(0.1)
        if self._stopping:
            return
        try:
            self._launch(worker)
        except WorkerFailed as exc:
            log.error("%s; will try again", exc.message)

    def stop(self) -> None:
        """SIGTERM every worker (each drains), then SIGKILL what outlives the drain time."""
        self._stopping = True
        running = [w.process for w in self._workers if w.process is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.config.server.drain_seconds + 15.0
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.metrics_dir is not None:
            shutil.rmtree(self.metrics_dir, ignore_errors=True)
            self.metrics_dir = None
