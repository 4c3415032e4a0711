"""Throwaway real servers for tests and benchmarks: PostgreSQL and mosquitto on loopback.

Each starts its own server process on a free 127.0.0.1 port in a temporary directory and
stops it on exit. The binaries come from Debian's packages (``postgresql``,
``mosquitto``), which ``.ci/run`` installs; :func:`postgres_binaries` and
:func:`mosquitto_binary` return None when they cannot be found so that a test can skip
with that reason outside CI. PostgreSQL refuses to run as root: when the tests run as
root, the server runs as the ``postgres`` system user.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PostgresServer",
    "free_port",
    "mosquitto_binary",
    "postgres_binaries",
    "running_mosquitto",
    "running_postgres",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def mosquitto_binary() -> Path | None:
    """The ``mosquitto`` broker binary, or None."""
    for candidate in (shutil.which("mosquitto"), "/usr/sbin/mosquitto"):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


@dataclass(frozen=True, slots=True)
class PostgresServer:
    """A running throwaway server: connect with :attr:`dsn`."""

    port: int
    data_dir: Path
    dsn: str
    bin_dir: Path
    run_as: str | None

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        """Stop the server (fast shutdown)."""
        with contextlib.suppress(subprocess.SubprocessError):
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.data_dir / "server.log"),
            "-o",
            f"-p {self.port} -k {self.data_dir} -h 127.0.0.1",
            "-w",
            "-t",
            "60",
            "start",
        )


@contextlib.contextmanager
def running_postgres(*, fsync: bool = True) -> Iterator[PostgresServer]:
    """Start a fresh PostgreSQL cluster on a free port; yield it; stop and delete it.

    The cluster trusts local connections of the user ``interop`` (loopback only); the
    database ``interop`` exists. ``fsync=False`` trades crash safety for speed (tests that
    do not kill the *server* may use it; durability tests keep it on).
    """
    bin_dir = postgres_binaries()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL server binaries (Debian package postgresql)")
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="interop-pg-"))
    data_dir = root / "data"
    if run_as:
        shutil.chown(root, user=run_as)
    port = free_port()
    server = PostgresServer(
        port, data_dir, f"postgresql://interop@127.0.0.1:{port}/interop", bin_dir, run_as
    )
    try:
        server._run("initdb", "-D", str(data_dir), "-U", "interop", "--auth=trust", "-E", "UTF8")
        with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"fsync = {'on' if fsync else 'off'}\nlisten_addresses = '127.0.0.1'\n")
            conf.write("max_connections = 100\nshared_buffers = 64MB\n")
        server.start()
        server._run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "interop", "interop")
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def running_mosquitto(
    port: int | None = None, *, tls: tuple[Path, Path] | None = None
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """Start mosquitto on 127.0.0.1 (anonymous, MQTT v5 capable); yield (port, process).

    With ``tls`` (server certificate chain and key, PEM files) the listener speaks TLS only.
    """
    binary = mosquitto_binary()
    if binary is None:
        raise FileNotFoundError("no mosquitto binary (Debian package mosquitto)")
    port = port or free_port()
    root = Path(tempfile.mkdtemp(prefix="interop-mqtt-"))
    conf = root / "mosquitto.conf"
    text = (
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 100000\n"
    )
    if tls is not None:
        text += f"certfile {tls[0]}\nkeyfile {tls[1]}\n"
        # run as root, mosquitto drops to the user "mosquitto", who cannot read a test's files
        text += f"user {getpass.getuser()}\n"
    conf.write_text(text, encoding="utf-8")
    process = subprocess.Popen(
        [str(binary), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)
