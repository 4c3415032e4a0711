"""What of an undecodable raw payload the dead letter may keep (raw input can hold identifiers).

``keep`` stores it as received (for the dead letter's own short retention), ``drop`` stores
nothing, ``redact`` keeps a JSON payload with the members the policy names pseudonymised (or
removed when there is no key) and drops anything that is not JSON, since nothing can say
where its identifiers are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from interop.privacy.keys import KeyRing, is_pseudonym
from interop.privacy.policy import DeadLetterPolicy

__all__ = ["dead_letter_payload"]


def _redact(value: Any, names: frozenset[str], pseudonym: Callable[[str], str] | None) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key.lower() not in names:
                out[key] = _redact(item, names, pseudonym)
            elif pseudonym is not None and isinstance(item, str):
                out[key] = item if is_pseudonym(item) else pseudonym(item)
            # any other identifier value (a number, an object, no key) is removed
        return out
    if isinstance(value, list):
        return [_redact(item, names, pseudonym) for item in value]
    return value


def dead_letter_payload(raw: bytes, policy: DeadLetterPolicy, keys: KeyRing) -> bytes | None:
    """The bytes the dead letter may keep for ``raw``; None to keep nothing."""
    if policy.mode == "keep":
        return raw
    if policy.mode == "drop":
        return None
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return None
    names = frozenset(name.lower() for name in policy.fields)
    pseudonym = keys.pseudonym if keys else None
    redacted = _redact(document, names, pseudonym)
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
