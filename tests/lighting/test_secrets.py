"""A password fed through every error path, log line and report is found nowhere.

The secret travels the ways an operator gives it (environment variables, a credentials
file, the legacy ``user:password@`` URL) into successful and failing migrations against the
real simulators, bad addresses, bad options and bad credential files; the CLI's output,
every log record (DEBUG and up) and every report written are searched for it.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interop.cli import app
from interop.control.connect import open_lighting, split_target
from interop.control.credentials import Redactor, from_file, redact_url
from interop.errors import InteropError
from interop.registry import Registry
from interop.simulation.server import SimulatorSpec, serve_in_thread
from interop.simulation.world import LightWorld

PASSWORD = "Pw-0f-The-Day-7731"


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def everything(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Texts to search: the test appends outputs and reports; logs are added at the end."""
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    yield texts
    texts.append(caplog.text)
    leaks = [text[:300] for text in texts if PASSWORD in text]
    assert not leaks, f"the password leaked in: {leaks}"


@pytest.mark.parametrize(
    "target",
    [
        f"slv:http://operator:{PASSWORD}@127.0.0.1:99999",
        f"slv:ftp://operator:{PASSWORD}@127.0.0.1:8081",
        f"slv:http://operator:{PASSWORD}@",
        f"http://operator:{PASSWORD}@127.0.0.1:8081",
        f"slv:http://operator:{PASSWORD}@[::1",
    ],
)
def test_bad_addresses_do_not_echo_the_password(target: str, everything: list[str]) -> None:
    with pytest.raises(InteropError) as caught:
        split_target(target)
    everything.append(str(caught.value))


def test_bad_options_and_credential_files(tmp_path: Path, everything: list[str]) -> None:
    registry = Registry().load()
    with pytest.raises(InteropError) as caught:
        open_lighting(
            registry, f"slv:http://operator:{PASSWORD}@127.0.0.1:8081", options={"bogus": "1"}
        )
    everything.append(str(caught.value))
    bad = tmp_path / "credentials.toml"
    for text in (
        f'[slv]\npassword = "{PASSWORD}"\nbogus = "x"\n',
        f'[slv]\npassword = "{PASSWORD}"\nusername = 3\n',
        f'[slv]\npassword = "{PASSWORD}\n',
        f'[slv]\npassword = "{PASSWORD}"\ntoken = "env:NO_SUCH_VARIABLE_FOR_TESTS"\n',
        f'[slv]\npassword = "{PASSWORD}"\ntoken = "file:/no/such/file"\n',
    ):
        bad.write_text(text)
        with pytest.raises(InteropError) as caught:
            from_file(bad, "slv", "http://127.0.0.1:8081")
        everything.append(str(caught.value))


def test_redactor_hides_secrets_urls_and_log_records() -> None:
    redactor = Redactor([PASSWORD])
    text = f"login with {PASSWORD} at http://operator:{PASSWORD}@host/ failed"
    assert PASSWORD not in redactor(text)
    assert "operator" not in redact_url("see http://operator:x@host:1/ now")
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "pw %s", (PASSWORD,), None)
    redactor.filter(record)
    assert PASSWORD not in record.getMessage()


def _migrate(
    runner: CliRunner, source: str, target: str, report: Path, *extra: str
) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["lighting", "migrate", "--from", source, "--to", target, "--report", str(report), *extra],
    )
    written = report.read_text() if report.exists() else ""
    return result.exit_code, result.output + written


def test_migrations_leak_the_password_nowhere(
    simulators: dict[str, SimulatorSpec],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    everything: list[str],
) -> None:
    """Env, file and URL credentials; success, wrong password, dead target, legacy URL."""
    runner = CliRunner()
    source_world = LightWorld(6, seed=1, password=PASSWORD)
    wrong_world = LightWorld(3, seed=1, password="another-password")
    target_world = LightWorld(0, seed=2, token=PASSWORD)
    dead = _dead_port()
    credentials = tmp_path / "credentials.toml"
    credentials.write_text(f'[slv]\nusername = "operator"\npassword = "{PASSWORD}"\n')
    with (
        serve_in_thread(simulators["slv"], source_world) as slv_url,
        serve_in_thread(simulators["slv"], wrong_world) as wrong_url,
        serve_in_thread(simulators["talq"], target_world) as talq_url,
    ):
        monkeypatch.setenv("INTEROP_TALQ_TOKEN", PASSWORD)
        code, text = _migrate(
            runner,
            f"slv:{slv_url}",
            f"talq:{talq_url}",
            tmp_path / "ok.json",
            "--credentials",
            str(credentials),
        )
        everything.append(text)
        assert code == 0, text
        monkeypatch.setenv("INTEROP_SLV_USERNAME", "operator")
        monkeypatch.setenv("INTEROP_SLV_PASSWORD", PASSWORD)
        cases = [
            (f"slv:{wrong_url}", f"talq:{talq_url}"),
            (f"slv:{slv_url}", f"talq:http://127.0.0.1:{dead}"),
            (
                f"slv:http://operator:{PASSWORD}@127.0.0.1:{dead}",
                f"talq:http://:{PASSWORD}@127.0.0.1:{dead}",
            ),
            (f"slv:{slv_url}", f"talq:http://:{PASSWORD}@127.0.0.1:99999"),
        ]
        for index, (source, target) in enumerate(cases):
            code, text = _migrate(runner, source, target, tmp_path / f"failed-{index}.json")
            everything.append(text)
            assert code != 0, text
        assert "auth-failed" in everything[1] or "refused" in everything[1], everything[1]
    for report in tmp_path.glob("*.json"):
        everything.append(report.read_text())
