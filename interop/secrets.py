"""Secret references: a secret is named in a config, never written there.

``env:NAME`` reads an environment variable, ``file:PATH`` a file (its first line, as
Kubernetes and Docker secrets are mounted). A :class:`Secret` never shows its value in
``repr``, ``str`` or logs; compare it with :meth:`Secret.matches` (constant time). Used by
the gateway's config, lighting controllers' credentials and plugins' sinks alike.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from interop.errors import ValidationError

__all__ = ["Secret", "read_reference", "resolve_secret"]


class Secret:
    """A secret value that prints as ``***``."""

    __slots__ = ("_value", "origin")

    def __init__(self, value: str, origin: str) -> None:
        self._value = value
        self.origin = origin
        """Where it came from (``env:NAME``), safe to show."""

    def reveal(self) -> str:
        """The value, for the one place that must send it (an Authorization header)."""
        return self._value

    def matches(self, candidate: str | bytes) -> bool:
        """Compare in constant time (no timing side channel on the secret)."""
        given = candidate.encode() if isinstance(candidate, str) else candidate
        return hmac.compare_digest(given, self._value.encode())

    def __repr__(self) -> str:
        return f"Secret({self.origin}: ***)"

    __str__ = __repr__


def read_reference(reference: str, *, source: str, field: str) -> str | None:
    """The value ``env:NAME`` or ``file:PATH`` stands for; None when it is no reference.

    ValidationError names the reference, the source and the field, never a secret.
    """
    kind, sep, name = reference.partition(":")
    if not sep or kind not in ("env", "file") or not name:
        return None
    if kind == "env":
        value = os.environ.get(name)
        if not value:
            raise ValidationError(
                f"environment variable {name!r} is not set",
                source=source,
                field=field,
                expected="the variable the secret reference names",
            )
        return value
    try:
        text = Path(name).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"cannot read the secret file {name!r} ({type(exc).__name__})",
            source=source,
            field=field,
            expected="a readable UTF-8 file holding the secret",
        ) from None
    value = text.splitlines()[0].strip() if text.strip() else ""
    if not value:
        raise ValidationError(
            f"the secret file {name!r} is empty", source=source, field=field,
            expected="the secret on its first line",
        )  # fmt: skip
    return value


def resolve_secret(reference: str, *, field: str, source: str = "gateway config") -> Secret:
    """Read ``env:NAME`` or ``file:PATH``; a literal value is refused, naming the field."""
    value = read_reference(reference, source=source, field=field)
    if value is None:
        raise ValidationError(
            "a secret must be a reference, never the value itself",
            source=source,
            field=field,
            expected="env:VARIABLE or file:/path/to/secret",
        )
    return Secret(value, reference)
