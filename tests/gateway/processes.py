"""Helpers to run ``interop serve`` as a real child process and talk to it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from interop.testing.servers import free_port

TOKEN = "process-token"


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class GatewayProcess:
    """``interop serve --config FILE`` in a child process on a given port."""

    def __init__(self, config: Path, port: int, log: Path, plugins: str = "template") -> None:
        self.config, self.port, self.log, self.plugins = config, port, log, plugins
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60, workers: int = 1) -> GatewayProcess:
        """Start it and wait until ``workers`` distinct worker processes answer /healthz."""
        env = {**os.environ, "INTEROP_INGEST_TOKEN": TOKEN, "INTEROP_PLUGINS": self.plugins}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from interop.cli import main; main()", "serve",
                 "--config", str(self.config), "--port", str(self.port)],
                stdout=log, stderr=log, env=env,
            )  # fmt: skip
        self.wait_workers(workers, timeout)
        return self

    def wait_workers(self, workers: int, timeout: float = 60) -> set[str]:
        """The worker names seen on /healthz once ``workers`` distinct ones have answered."""
        assert self.process is not None
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gateway exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    seen.add(json.loads(response.read())["worker"])
            except OSError:
                time.sleep(0.1)
                continue
            if len(seen) >= workers:
                return seen
            time.sleep(0.01)
        raise AssertionError(f"gateway did not come up with {workers} workers (saw {seen})")

    def worker_pids(self) -> list[int]:
        """The process ids of its worker processes (children of ``interop serve``)."""
        assert self.process is not None
        pid = self.process.pid
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(child) for child in text.split()]

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def terminate(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            finally:
                self.process = None

    def metrics(self) -> str:
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=5) as response:
            return response.read().decode()


def post(url: str, body: bytes, timeout: float = 10) -> int:
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0  # connection refused or reset: not acknowledged


def sensor_message(index: int, site: str = "s") -> bytes:
    return json.dumps(
        {"device": f"{site}-dev-{index % 5}",
         "time": f"2026-01-01T{index // 3600 % 24:02d}:{index // 60 % 60:02d}:{index % 60:02d}Z",
         "readings": [{"property": "temperature", "value": index % 30, "unit": "Cel"}]}
    ).encode()  # fmt: skip


def port() -> int:
    return free_port()
