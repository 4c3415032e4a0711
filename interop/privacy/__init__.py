"""Privacy by construction: the city's policy applied before anything is kept or sent.

A :class:`Policy` (one TOML file, :func:`load_policy`) says what happens to each
data-protection class, field and sink; an :class:`Enforcer` applies it to records with the
pseudonymisation keys of a :class:`KeyRing`. Depends on :mod:`interop.model` only.
"""

from pathlib import Path

from interop.privacy.art30 import RecordOfProcessing, build_record, render_markdown
from interop.privacy.enforcer import Applied, Enforcer, Refused
from interop.privacy.explain import FieldDecision
from interop.privacy.keys import KEY_FILE_ENV, KEYS_ENV, KeyRing, is_pseudonym
from interop.privacy.policy import (
    Action,
    AggregateRule,
    DeadLetterPolicy,
    Policy,
    RetentionRule,
    SinkRules,
    default_policy,
    load_policy,
    parse_policy,
)

SAMPLES = Path(__file__).resolve().parent / "samples"
"""The sample policies shipped with interop: ``city.toml`` and ``footfall.toml``."""

__all__ = [
    "KEYS_ENV",
    "KEY_FILE_ENV",
    "SAMPLES",
    "Action",
    "AggregateRule",
    "Applied",
    "DeadLetterPolicy",
    "Enforcer",
    "FieldDecision",
    "KeyRing",
    "Policy",
    "RecordOfProcessing",
    "Refused",
    "RetentionRule",
    "SinkRules",
    "build_record",
    "default_policy",
    "is_pseudonym",
    "load_policy",
    "parse_policy",
    "render_markdown",
]
