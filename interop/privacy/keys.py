"""Versioned HMAC keys for pseudonyms, read from a key file or the environment, never a policy.

``INTEROP_PSEUDONYM_KEY_FILE`` names a TOML file::

    current = 2          # optional; the highest version otherwise
    [keys]
    1 = "a secret of at least 16 characters"
    2 = "the next secret, after rotation"

``INTEROP_PSEUDONYM_KEYS`` holds the same inline: ``1:secret-one,2:secret-two``. The file wins
when both are set. The file is re-read when it changes (checked at most once a second), so a
key is rotated by editing the file, without a restart; a file that no longer reads (half
written, say) is logged and the keys in use are kept. Secrets never appear in messages.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import threading
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path

from interop.errors import ValidationError

__all__ = [
    "KEYS_ENV",
    "KEY_FILE_ENV",
    "PSEUDONYM_PREFIX",
    "KeyRing",
    "is_pseudonym",
    "pseudonym_version",
]

log = logging.getLogger("interop.privacy.keys")

KEYS_ENV = "INTEROP_PSEUDONYM_KEYS"
KEY_FILE_ENV = "INTEROP_PSEUDONYM_KEY_FILE"
PSEUDONYM_PREFIX = "urn:interop:pseudonym:v"
"""A pseudonym is ``urn:interop:pseudonym:v<version>:<64 hex digits>``: a valid IRI."""

_PSEUDONYM = re.compile(r"\Aurn:interop:pseudonym:v([0-9]+):[0-9a-f]{64}\Z")
_MIN_SECRET = 16
_RECHECK_S = 1.0


def is_pseudonym(value: str) -> bool:
    """True when ``value`` is already a pseudonym (pseudonymising it again changes nothing)."""
    return value.startswith(PSEUDONYM_PREFIX) and _PSEUDONYM.match(value) is not None


def pseudonym_version(value: str) -> int | None:
    """The key version a pseudonym was made with, or None for any other value."""
    match = _PSEUDONYM.match(value)
    return int(match.group(1)) if match else None


def _parse_keys(entries: Mapping[str, object], source: str) -> dict[int, bytes]:
    keys: dict[int, bytes] = {}
    for version, secret in entries.items():
        if not str(version).isdigit() or int(version) < 1:
            raise ValidationError(
                "a key version is a positive integer", source=source, field=f"keys.{version}"
            )
        if not isinstance(secret, str) or len(secret) < _MIN_SECRET:
            raise ValidationError(
                "the secret is too short",
                source=source,
                field=f"keys.{version}",
                expected=f"a string of at least {_MIN_SECRET} characters",
            )
        keys[int(version)] = secret.encode("utf-8")
    return keys


def _pick_current(keys: Mapping[int, bytes], current: object, source: str) -> int | None:
    if not keys:
        return None
    if current is None:
        return max(keys)
    if not isinstance(current, int) or current not in keys:
        raise ValidationError(
            "current names no key",
            source=source,
            field="current",
            expected=f"one of {sorted(keys)}",
        )
    return current


class KeyRing:
    """The pseudonymisation keys by version; the current one makes new pseudonyms."""

    def __init__(self, keys: Mapping[int, bytes] | None = None, current: int | None = None) -> None:
        self._keys = dict(keys or {})
        self._current = _pick_current(self._keys, current, "key ring")
        self._file: Path | None = None
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0
        self._recheck_s = _RECHECK_S
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path, recheck_s: float = _RECHECK_S) -> KeyRing:
        """Keys from a TOML key file, re-read when it changes (checked every ``recheck_s``)."""
        ring = cls()
        ring._file = path
        ring._recheck_s = recheck_s
        ring._reload()
        return ring

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KeyRing:
        """Keys from ``INTEROP_PSEUDONYM_KEY_FILE`` or ``INTEROP_PSEUDONYM_KEYS``; may be empty."""
        env = os.environ if environ is None else environ
        file = env.get(KEY_FILE_ENV)
        if file:
            return cls.from_file(Path(file))
        inline = env.get(KEYS_ENV, "").strip()
        if not inline:
            return cls()
        entries: dict[str, object] = {}
        for item in inline.split(","):
            version, sep, secret = item.strip().partition(":")
            if not sep:
                raise ValidationError(
                    "each key is version:secret, comma-separated",
                    source=KEYS_ENV,
                    field=f"keys.{version[:3]}…" if len(version) > 3 else f"keys.{version}",
                )
            entries[version.strip()] = secret
        return cls(_parse_keys(entries, KEYS_ENV))

    def _reload(self) -> None:
        assert self._file is not None
        try:
            stat = self._file.stat()
            data = tomllib.loads(self._file.read_text(encoding="utf-8"))
        except OSError as error:
            raise ValidationError(
                f"cannot read the key file: {error.strerror}", source=str(self._file)
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            raise ValidationError(
                "the key file is not valid TOML", source=str(self._file)
            ) from None
        entries = data.get("keys", {})
        if not isinstance(entries, dict):
            raise ValidationError("keys is a table", source=str(self._file), field="keys")
        keys = _parse_keys(entries, str(self._file))
        self._current = _pick_current(keys, data.get("current"), str(self._file))
        self._keys = keys
        self._stamp = (stat.st_mtime, stat.st_size)

    def _refresh(self) -> None:
        """Re-read the key file if it changed (at most one check a second)."""
        if self._file is None:
            return
        now = time.monotonic()
        if now - self._checked < self._recheck_s:
            return
        with self._lock:
            self._checked = now
            try:
                stat = self._file.stat()
            except OSError:
                return  # keep the keys in use; the next check may find the file again
            stamp = (stat.st_mtime, stat.st_size)
            if stamp == self._stamp:
                return
            try:
                self._reload()
            except ValidationError as error:  # a half-written file must not stop the city
                self._stamp = stamp  # tried once; the next change is read again
                log.warning("key file not reloaded, the keys in use are kept: %s", error)

    @property
    def current_version(self) -> int | None:
        """The version new pseudonyms are made with; None when there is no key."""
        self._refresh()
        return self._current

    @property
    def versions(self) -> tuple[int, ...]:
        """Every known key version (older ones still identify their pseudonyms)."""
        self._refresh()
        return tuple(sorted(self._keys))

    def __bool__(self) -> bool:
        return self.current_version is not None

    def pseudonym(self, value: str, version: int | None = None) -> str:
        """``urn:interop:pseudonym:v<n>:<HMAC-SHA256 hex>`` of ``value`` under key ``n``.

        Raises ``LookupError`` when there is no key (the enforcer turns that into a
        :class:`~interop.errors.PolicyViolation` naming the field and sink).
        """
        self._refresh()
        chosen = self._current if version is None else version
        if chosen is None or chosen not in self._keys:
            raise LookupError("no pseudonymisation key")
        digest = hmac.new(self._keys[chosen], value.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{PSEUDONYM_PREFIX}{chosen}:{digest}"
