"""Secret references: a secret is named in the config, never written there.

``env:NAME`` reads an environment variable, ``file:PATH`` a file (its first line, as
Kubernetes and Docker secrets are mounted). A :class:`Secret` never shows its value in
``repr``, ``str`` or logs; compare it with :meth:`Secret.matches` (constant time).
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from interop.errors import ValidationError

__all__ = ["Secret", "resolve_secret"]


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


def resolve_secret(reference: str, *, field: str) -> Secret:
    """Read ``env:NAME`` or ``file:PATH``; a literal value is refused, naming the field."""
    kind, sep, name = reference.partition(":")
    if not sep or kind not in ("env", "file") or not name:
        raise ValidationError(
            "a secret must be a reference, never the value itself",
            source="gateway config",
            field=field,
            expected="env:VARIABLE or file:/path/to/secret",
        )
    if kind == "env":
        value = os.environ.get(name)
        if not value:
            raise ValidationError(
                f"environment variable {name} is not set", source="gateway config", field=field
            )
        return Secret(value, reference)
    try:
        text = Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(
            f"cannot read the secret file: {exc.strerror}",
            source="gateway config",
            field=field,
            expected="a readable file",
        ) from None
    value = text.splitlines()[0].strip() if text.strip() else ""
    if not value:
        raise ValidationError("the secret file is empty", source="gateway config", field=field)
    return Secret(value, reference)
