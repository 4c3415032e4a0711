"""Open a lighting controller from one configuration string, so swapping suppliers is configuration.

``slv:http://operator:secret@cms.example.org/`` names the plugin (``slv``), the base URL and
the credentials: ``user:password@`` becomes ``username``/``password``, a bare ``:token@`` (or
``token=`` in ``options``) becomes ``token``. Extra constructor options come in ``options``.
The core finds the plugin's controller through the registry, never by import.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from interop.adapters import Controller
from interop.control.http import ClientSettings
from interop.control.lighting import LightingController
from interop.errors import CapabilityError, ValidationError

__all__ = ["open_lighting", "split_target"]


def split_target(target: str) -> tuple[str, str, dict[str, str]]:
    """Split ``plugin:url`` into the plugin name, the URL without credentials, and credentials."""
    plugin, sep, url = target.partition(":")
    parts = urlsplit(url)
    if not sep or not plugin or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            "not a lighting system address",
            source=target,
            expected="PLUGIN:http(s)://[user:password@]host[:port][/path], e.g. "
            "slv:http://operator:secret@127.0.0.1:8081",
        )
    credentials: dict[str, str] = {}
    if parts.username and parts.password is not None:
        credentials = {"username": unquote(parts.username), "password": unquote(parts.password)}
    elif parts.password:
        credentials = {"token": unquote(parts.password)}
    elif parts.username:
        credentials = {"token": unquote(parts.username)}
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return plugin, clean, credentials


def open_lighting(
    registry: Any,
    target: str,
    *,
    settings: ClientSettings | None = None,
    options: Mapping[str, str] | None = None,
) -> LightingController:
    """The controller of the plugin named in ``target``, connected to its URL (see module doc)."""
    plugin, url, credentials = split_target(target)
    kwargs: dict[str, Any] = {**credentials, **(options or {})}
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
            source=target,
            field="options",
            expected=f"some of {known}",
        )
    controller: LightingController = cls(url, settings=settings, **kwargs)
    return controller
