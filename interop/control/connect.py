"""Open a lighting controller from one configuration string, so swapping suppliers is configuration.

``slv:http://cms.example.org/`` names the plugin (``slv``) and the base URL; the credentials
come from the environment or a credentials file (see :mod:`interop.control.credentials`), or
from the URL itself: ``user:password@`` becomes ``username``/``password``, a bare ``:token@``
becomes ``token``. TLS files (``ca_bundle``, ``client_cert``, ``client_key``) go into the
client's :class:`~interop.control.http.ClientSettings`. Extra constructor options come in
``options``. No error names a secret. The core finds the plugin's controller through the
registry, never by import.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from interop.adapters import Controller
from interop.control.credentials import (
    SECRET_FIELDS,
    TLS_FIELDS,
    from_environment,
    from_file,
    redact_url,
)
from interop.control.http import ClientSettings
from interop.control.lighting import LightingController
from interop.errors import CapabilityError, ValidationError

__all__ = ["credentials_for", "open_lighting", "split_target"]


def split_target(target: str) -> tuple[str, str, dict[str, str]]:
    """Split ``plugin:url`` into the plugin name, the URL without credentials, and credentials.

    IPv6 hosts keep their brackets (``http://[::1]:8081``); a port outside 1..65535 is a
    ValidationError naming the target (credentials hidden), never a traceback.
    """
    shown = redact_url(target)
    expected = (
        "PLUGIN:http(s)://host[:port][/path], e.g. slv:http://127.0.0.1:8081 (credentials "
        "in INTEROP_<PLUGIN>_USERNAME/_PASSWORD/_TOKEN or a credentials file)"
    )
    plugin, sep, url = target.partition(":")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        detail = "port out of range 1-65535" if "port" in str(exc).lower() else "malformed"
        raise ValidationError(
            f"not a lighting system address ({detail})", source=shown, expected=expected
        ) from None
    if not sep or not plugin or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("not a lighting system address", source=shown, expected=expected)
    if port == 0:
        raise ValidationError(
            "not a lighting system address (port 0)", source=shown, expected=expected
        )
    credentials: dict[str, str] = {}
    if parts.username and parts.password is not None:
        credentials = {"username": unquote(parts.username), "password": unquote(parts.password)}
    elif parts.password:
        credentials = {"token": unquote(parts.password)}
    elif parts.username:
        credentials = {"token": unquote(parts.username)}
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    netloc = host + (f":{port}" if port else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return plugin, clean, credentials


def credentials_for(
    target: str,
    *,
    credentials_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, str, dict[str, str]]:
    """Plugin, clean URL and every credential field of ``target`` from all sources.

    Environment first, then the credentials file, then the URL's own user info (the later
    source wins for a field).
    """
    plugin, url, in_url = split_target(target)
    found = from_environment(plugin, environ)
    if credentials_file is not None:
        found |= from_file(credentials_file, plugin, url)
    return plugin, url, found | in_url


def open_lighting(
    registry: Any,
    target: str,
    *,
    settings: ClientSettings | None = None,
    options: Mapping[str, str] | None = None,
    credentials_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> LightingController:
    """The controller of the plugin named in ``target``, connected to its URL (see module doc)."""
    plugin, url, found = credentials_for(target, credentials_file=credentials_file, environ=environ)
    tls = {name: Path(found[name]).expanduser() for name in TLS_FIELDS if name in found}
    if tls:
        base = settings or ClientSettings()
        settings = dataclasses.replace(
            base,
            ca_bundle=tls.get("ca_bundle", base.ca_bundle),
            client_cert=tls.get("client_cert", base.client_cert),
            client_key=tls.get("client_key", base.client_key),
        )
    kwargs: dict[str, Any] = {
        **{name: found[name] for name in SECRET_FIELDS if name in found},
        **(options or {}),
    }
    candidates = [
        cls for cls in registry.adapters(Controller, plugin) if issubclass(cls, LightingController)
    ]
    if not candidates:
        raise CapabilityError(
            "the plugin has no lighting controller",
            source=plugin,
            expected="a controller implementing interop.control.lighting.LightingController",
        )
    cls = candidates[0]
    accepted = inspect.signature(cls).parameters
    unknown = sorted(k for k in kwargs if k not in accepted)
    if unknown:
        known = sorted(k for k in accepted if k not in ("url", "settings"))
        raise ValidationError(
            f"the {plugin} controller takes no option {unknown}",
            source=f"{plugin}:{url}",
            field="options",
            expected=f"some of {known}",
        )
    controller: LightingController = cls(url, settings=settings, **kwargs)
    return controller
