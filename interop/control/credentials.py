"""Credentials of a vendor lighting system, kept off the command line, and their redaction.

A controller's secrets come, weakest first, from environment variables
``INTEROP_<PLUGIN>_<FIELD>`` (``INTEROP_SLV_PASSWORD``, ``INTEROP_TALQ_TOKEN``,
``INTEROP_TALQ_CLIENT_CERT`` ...), then a TOML credentials file, then the target URL's
``user:password@`` (still accepted; visible in ``ps`` and shell history, so not advised).
The file has one table per system, keyed by ``PLUGIN:URL`` (exact) or by the plugin name::

    [slv]
    username = "operator"
    password = "env:SLV_PASSWORD"        # a secret reference: read from that variable

    ["talq:https://gateway.example.org"]
    client_cert = "/etc/interop/cms.pem"
    client_key = "file:/etc/interop/cms.key.path"   # the reference's file holds the value

A value ``env:NAME`` is read from the environment, ``file:PATH`` from a file (trailing
newline removed), anything else is taken as is. :class:`Redactor` replaces every secret it
was given, and any ``user:password@`` in a URL, with ``***`` in text bound for errors, logs
and reports.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

from interop.errors import ValidationError
from interop.secrets import read_reference

__all__ = [
    "FIELDS",
    "SECRET_FIELDS",
    "TLS_FIELDS",
    "Redactor",
    "from_environment",
    "from_file",
    "redact_url",
    "resolve_reference",
]

SECRET_FIELDS = ("username", "password", "token")
"""Fields a controller takes as constructor options."""
TLS_FIELDS = ("ca_bundle", "client_cert", "client_key")
"""Fields that go into :class:`~interop.control.http.ClientSettings` (paths)."""
FIELDS = SECRET_FIELDS + TLS_FIELDS
_HIDDEN = "***"
_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/@\s]*)@")


def redact_url(text: str) -> str:
    """``text`` with the ``user:password@`` part of every URL in it replaced by ``***@``."""
    return _USERINFO.sub(lambda m: f"{m.group('scheme')}{_HIDDEN}@", text)


def resolve_reference(value: str, *, source: str, field: str) -> str:
    """The secret a value stands for: ``env:NAME``, ``file:PATH`` or the value itself.

    ValidationError names the reference (never a secret) when it cannot be resolved.
    """
    found = read_reference(value, source=source, field=field)
    return value if found is None else found


def from_environment(plugin: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The fields set as ``INTEROP_<PLUGIN>_<FIELD>`` (secret references resolved)."""
    env = os.environ if environ is None else environ
    prefix = f"INTEROP_{re.sub(r'[^A-Z0-9]', '_', plugin.upper())}_"
    found: dict[str, str] = {}
    for name in FIELDS:
        value = env.get(prefix + name.upper())
        if value:
            found[name] = resolve_reference(value, source=prefix + name.upper(), field=name)
    return found


def from_file(path: Path, plugin: str, url: str) -> dict[str, str]:
    """The fields of the file's ``[plugin]`` table overlaid with its ``["plugin:url"]`` table."""
    source = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(
            f"cannot read the credentials file ({type(exc).__name__})",
            source=source,
            expected="a readable TOML file",
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        message = str(exc).split("\n")[0] if isinstance(exc, tomllib.TOMLDecodeError) else ""
        raise ValidationError(
            f"the credentials file is not TOML {message}".rstrip(),
            source=source,
            expected="TOML tables of username/password/token/ca_bundle/client_cert/client_key",
        ) from None
    found: dict[str, str] = {}
    for key in (plugin, f"{plugin}:{url.rstrip('/')}", f"{plugin}:{url.rstrip('/')}/"):
        table = document.get(key)
        if table is None:
            continue
        if not isinstance(table, dict):
            raise ValidationError(
                "not a table", source=source, field=key, expected="a [table] of credentials"
            )
        for name, value in table.items():
            if name not in FIELDS or not isinstance(value, str):
                raise ValidationError(
                    f"{name!r} is not a credential field or not a string",
                    source=source,
                    field=f"{key}.{name}",
                    expected=f"string values of {', '.join(FIELDS)}",
                )
            found[name] = resolve_reference(value, source=source, field=f"{key}.{name}")
    return found


class Redactor:
    """Hides known secrets and URL credentials in text; also a :class:`logging.Filter`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Hide these values from now on.

        Values shorter than 3 characters are not hidden: they would blank out ordinary text.
        """
        self._secrets.update(value for value in secrets if len(value) >= 3)

    def __call__(self, text: str) -> str:
        """``text`` with every known secret and URL user info replaced by ``***``."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, _HIDDEN)
        return redact_url(text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact a log record in place (its message rendered first); always keeps it."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = self(message), None
        if record.exc_text:
            record.exc_text = self(record.exc_text)
        return True
