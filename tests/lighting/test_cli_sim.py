"""``interop sim NAME``: a simulator served until interrupted, on the port asked for."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from typer.testing import CliRunner

from interop.cli import app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sim_serves_until_interrupted(simulators):
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from interop.cli import main; main()",
        "sim",
        "talq",
        "--port",
        str(port),
    ]
    command += ["--lights", "7"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/devices", timeout=2) as r:
                    status = r.status
            except urllib.error.HTTPError as error:
                status = error.code  # the simulator answered (an auth or header error)
            except OSError:
                time.sleep(0.2)
        assert status is not None, "the simulator did not answer on its port"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert "7 lights on http://127.0.0.1:" in out, out + err


def test_sim_names_the_known_simulators_when_asked_for_another(simulators):
    result = CliRunner().invoke(app, ["sim", "nosuch"])
    assert result.exit_code == 2
    assert "no simulator named 'nosuch'" in result.output
    assert "slv" in result.output
    assert "talq" in result.output


def test_sim_refuses_a_port_out_of_range_without_a_traceback(simulators):
    result = CliRunner().invoke(app, ["sim", "talq", "--port", "99999"])
    assert result.exit_code == 2
    assert "65535" in result.output
    assert "Traceback" not in result.output


def test_sim_with_schedules_and_fault_flags_serves_a_fleet_to_migrate(simulators):
    """``--lights N --schedules`` and fault flags; the printed credentials connect."""
    port = _free_port()
    command = [sys.executable, "-c", "from interop.cli import main; main()", "sim", "slv"]
    command += ["--port", str(port), "--lights", "9", "--schedules", "--drop-rate", "0"]
    command += ["--throttle-rate", "0", "--hang-rate", "0", "--host", "[::1]"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stderr is not None
    try:
        text = "".join(process.stdout.readline() for _ in range(4))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(15)
    text += process.stdout.read()
    err = process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    assert f"9 lights on http://[::1]:{port}, 2 dimming schedules" in text, text + err
    assert "INTEROP_SLV_PASSWORD=" in text, text
