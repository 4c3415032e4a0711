"""Mutual TLS for real: the TALQ simulator over HTTPS requiring a client certificate.

Certificates are minted per test session with ``trustme`` (a CA for the server, another CA
for the clients); nothing is mocked: the controller's aiohttp client and the simulator's
aiohttp server do the handshakes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest

from interop.control.http import ClientSettings, RetryPolicy
from interop.errors import AuthenticationFailed, ValidationError
from interop.simulation.server import SimulatorSpec, serve, tls_context
from interop.simulation.world import LightWorld

trustme = pytest.importorskip(
    "trustme", reason="needs trustme (dev dependency) for test certificates"
)


@dataclass(frozen=True)
class Pki:
    """PEM files: the server's CA, its certificate, a trusted and an untrusted client."""

    server_ca: Path
    server_cert: Path
    client_ca: Path
    client_cert: Path
    stranger_cert: Path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    root = tmp_path_factory.mktemp("pki")
    server_ca, client_ca, stranger_ca = trustme.CA(), trustme.CA(), trustme.CA()
    server = server_ca.issue_cert("127.0.0.1", "localhost")
    client = client_ca.issue_cert("cms.example.org")
    stranger = stranger_ca.issue_cert("cms.example.org")
    paths = Pki(*(root / name for name in ("server-ca", "server", "client-ca", "client", "x")))
    server_ca.cert_pem.write_to_path(str(paths.server_ca))
    server.private_key_and_cert_chain_pem.write_to_path(str(paths.server_cert))
    client_ca.cert_pem.write_to_path(str(paths.client_ca))
    client.private_key_and_cert_chain_pem.write_to_path(str(paths.client_cert))
    stranger.private_key_and_cert_chain_pem.write_to_path(str(paths.stranger_cert))
    return paths


def _settings(ca: Path | None, cert: Path | None) -> ClientSettings:
    return ClientSettings(
        timeout=5.0,
        retry=RetryPolicy(attempts=4, base_delay=0.01),
        ca_bundle=ca,
        client_cert=cert,
    )


async def _list(spec: SimulatorSpec, pki: Pki, settings: ClientSettings) -> tuple[int, int]:
    """Lights listed over HTTPS with ``settings``, and the requests the client sent."""
    world = LightWorld(5, seed=3)
    context = tls_context(pki.server_cert, client_ca=pki.client_ca)
    async with serve(spec, world, ssl_context=context) as url:
        assert url.startswith("https://127.0.0.1:")
        controller = spec.connect(url, world, settings)
        try:
            return len([x async for x in controller.lights()]), controller.gateway.http.requests  # type: ignore[attr-defined]
        finally:
            await controller.aclose()


def test_mutual_tls_lists_the_lights(simulators: dict[str, SimulatorSpec], pki: Pki) -> None:
    count, _ = asyncio.run(
        _list(simulators["talq"], pki, _settings(pki.server_ca, pki.client_cert))
    )
    assert count == 5


@pytest.mark.parametrize(
    ("what", "ca", "cert"),
    [
        ("a client certificate from another CA", "server_ca", "stranger_cert"),
        ("a server certificate the client does not trust", None, "client_cert"),
    ],
)
def test_tls_failures_fail_fast_unretried(
    simulators: dict[str, SimulatorSpec], pki: Pki, what: str, ca: str | None, cert: str | None
) -> None:
    settings = _settings(getattr(pki, ca) if ca else None, getattr(pki, cert) if cert else None)

    async def main() -> None:
        world = LightWorld(5, seed=3)
        context = tls_context(pki.server_cert, client_ca=pki.client_ca)
        spec = simulators["talq"]
        async with serve(spec, world, ssl_context=context) as url:
            controller = spec.connect(url, world, settings)
            try:
                with pytest.raises(AuthenticationFailed) as caught:
                    await asyncio.wait_for(controller.lights().__anext__(), 10)
                http = controller.gateway.http  # type: ignore[attr-defined]
                assert http.retries == 0, f"{what}: a TLS failure was retried"
                assert "TLS" in str(caught.value), str(caught.value)
            finally:
                await controller.aclose()

    asyncio.run(main())


def test_unreadable_tls_files_are_validation_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(ValidationError) as caught:
        ClientSettings(ca_bundle=missing).ssl_context()
    assert caught.value.field == "ca_bundle"
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ValidationError) as caught:
        ClientSettings(client_cert=junk).ssl_context()
    assert caught.value.field == "client_cert"
    with pytest.raises(ValidationError) as caught:
        tls_context(junk)
    assert caught.value.field == "certificate"
