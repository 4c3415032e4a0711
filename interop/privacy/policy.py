"""The city's privacy policy: one TOML file, parsed into an immutable :class:`Policy`.

A policy says, per data-protection class and overridable per field and per sink, what happens
to a value before it is stored or sent (:class:`Action`), how records are aggregated, how long
data is kept, what dead letters may hold, and which jurisdictions may receive pseudonymous or
personal data. Without a file, :func:`default_policy` applies: personal values are
pseudonymised (or refused when no key is configured), everything else is kept.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from interop.errors import PolicyViolation, ValidationError
from interop.model.base import DataClass
from interop.privacy.durations import parse_duration
from interop.privacy.paths import check_path

__all__ = [
    "Action",
    "AggregateRule",
    "Contact",
    "DeadLetterPolicy",
    "Duration",
    "Generalisation",
    "Policy",
    "Processing",
    "RetentionRule",
    "SinkRules",
    "default_policy",
    "load_policy",
    "parse_policy",
]


class Action(StrEnum):
    """What happens to one value before it is stored or sent."""

    KEEP = "keep"
    PSEUDONYMISE = "pseudonymise"
    """HMAC-SHA256 under the current key; text only (anything else is suppressed)."""
    GENERALISE = "generalise"
    """Positions to a grid cell, instants to a bucket (anything else is suppressed)."""
    SUPPRESS = "suppress"
    """None, or the field's default; a required field cannot be suppressed: record refused."""


def _duration(value: object) -> object:
    if isinstance(value, str):
        return parse_duration(value)
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
"""A duration written ``"15m"``, ``"7d"``, ``"1h30m"`` in a policy file."""

_NAME = r"^[a-z0-9][a-z0-9_.-]*$"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Contact(_Section):
    """Who to reach (Art. 30(1)(a): controller, representative, data protection officer)."""

    name: str = Field(min_length=1)
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class Processing(_Section):
    """The Art. 30 facts a file states and the code cannot infer."""

    controller: Contact
    dpo: Contact | None = None
    representative: Contact | None = None
    purposes: tuple[str, ...] = Field(min_length=1)
    legal_basis: str | None = None
    data_subjects: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    transfers: tuple[str, ...] = ()
    """Transfers to third countries and their safeguards (Art. 30(1)(e)); none when empty."""
    security_measures: tuple[str, ...] = ()


class Generalisation(_Section):
    """How coarse ``generalise`` makes things."""

    position_m: float = Field(100.0, gt=0, le=1_000_000)
    """Grid cell size, metres: a generalised position is the centre of its cell."""
    time: Duration = timedelta(minutes=15)
    """Bucket size: a generalised instant is the start of its bucket."""


class SinkRules(_Section):
    """What one sink gets on top of what the store gets: it may only get less."""

    actions: dict[DataClass, Action] = {}
    fields: dict[str, Action] = {}
    description: str | None = None


class AggregateRule(_Section):
    """Records consumed into counts or means per area cell and time window.

    Matching records are not stored one by one: :meth:`Enforcer.flush` emits one
    ``Measurement`` per (property, unit, area, window) once the window has closed, and only
    when at least ``k`` distinct contributors are in it.
    """

    name: str = Field(pattern=_NAME)
    kinds: tuple[str, ...] = ("measurement",)
    properties: tuple[str, ...] = ()
    """Property keys or IRIs (records with a ``property`` field); empty = every property."""
    statistic: Literal["count", "sum", "mean"] = "mean"
    """``count`` counts distinct contributors; ``sum`` and ``mean`` read ``value``."""
    window: Duration
    area: str = "feature_of_interest"
    """Field path of the area: an IRI, or a position generalised to a ``cell_m`` grid."""
    cell_m: float = Field(100.0, gt=0, le=1_000_000)
    time: str = "timestamp"
    value: str = "value"
    contributor: str = "device"
    """Field path whose distinct values are the contributors counted against ``k``."""
    k: int = Field(5, ge=1)
    lateness: Duration = timedelta(minutes=1)
    """How long after a window's end records may still arrive for it (event time)."""


class RetentionRule(_Section):
    """Keep records matching this rule for ``keep`` after they were stored, then purge them.

    ``data_class`` matches a record holding a value of that class; ``property`` a record
    whose ``property`` is that key or IRI; ``kind`` a record kind. Unset parts match all.
    When several rules match a record, the shortest ``keep`` wins.
    """

    data_class: DataClass | None = Field(None, alias="class")
    property: str | None = None
    kind: str | None = None
    keep: Duration


class DeadLetterPolicy(_Section):
    """What of an undecodable raw payload may be kept, and for how long."""

    mode: Literal["keep", "redact", "drop"] = "keep"
    """``redact``: JSON payloads keep their structure with ``fields`` pseudonymised (or
    removed without a key); anything that is not JSON is dropped."""
    retention: Duration = timedelta(days=7)
    fields: tuple[str, ...] = ()
    """JSON member names (at any depth) that hold identifiers, for ``redact``."""


_DEFAULT_ACTIONS: dict[DataClass, Action] = {
    DataClass.PUBLIC: Action.KEEP,
    DataClass.TECHNICAL: Action.KEEP,
    DataClass.PSEUDONYMOUS: Action.KEEP,
    DataClass.PERSONAL: Action.PSEUDONYMISE,
}


def _with_defaults(value: object) -> object:
    if isinstance(value, Mapping):
        return {**_DEFAULT_ACTIONS, **value}
    return value


class Policy(_Section):
    """A city's privacy policy, as :func:`load_policy` reads it."""

    version: str = Field("default", min_length=1)
    """Written into each record's provenance (``policy_version``)."""
    name: str = "default policy"
    actions: Annotated[dict[DataClass, Action], BeforeValidator(_with_defaults)] = dict(
        _DEFAULT_ACTIONS
    )
    fields: dict[str, Action] = {}
    """Per-field overrides: ``kind.path`` (``command.issued_by``) or ``path`` (any kind)."""
    generalise: Generalisation = Generalisation()
    jurisdictions: tuple[str, ...] = ("EEA",)
    """Where pseudonymous or personal data may go: ISO 3166 codes, ``EU`` or ``EEA``."""
    sinks: dict[str, SinkRules] = {}
    aggregate: tuple[AggregateRule, ...] = ()
    retention: tuple[RetentionRule, ...] = ()
    dead_letter: DeadLetterPolicy = DeadLetterPolicy()
    processing: Processing | None = None
    source: str = Field("<default policy>", exclude=True)
    """The file the policy was read from (for messages)."""

    @property
    def dead_letter_retention(self) -> timedelta:
        """How long a dead letter may be kept."""
        return self.dead_letter.retention


def default_policy() -> Policy:
    """The policy in force without a file: personal values pseudonymised, or refused."""
    return Policy()


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def parse_policy(data: Mapping[str, Any], source: str) -> Policy:
    """Validate a policy document; errors name ``source`` and the offending field."""
    try:
        policy = Policy.model_validate({**data, "source": source})
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        raise ValidationError(
            str(first["msg"]),
            source=source,
            field=_location(first["loc"]),
            expected="a policy as docs/privacy.md describes",
        ) from None
    _refuse_clear_personal(policy)
    _check_field_paths(policy)
    return policy


def load_policy(path: Path | None) -> Policy:
    """Read a policy file; ``None`` gives :func:`default_policy`."""
    if path is None:
        return default_policy()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValidationError(
            f"cannot read the policy file: {error.strerror}", source=str(path)
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValidationError(f"not valid TOML: {error}", source=str(path)) from None
    return parse_policy(data, str(path))


def _refuse_clear_personal(policy: Policy) -> None:
    """Personal data is never kept in clear: a policy that says so is refused."""
    if policy.actions[DataClass.PERSONAL] is Action.KEEP:
        raise PolicyViolation(
            "personal values may not be kept in clear",
            source=policy.source,
            field="actions.personal",
            expected="pseudonymise, generalise or suppress",
        )
    for name, rules in policy.sinks.items():
        if rules.actions.get(DataClass.PERSONAL) is Action.KEEP:
            raise PolicyViolation(
                "personal values may not be sent in clear",
                source=policy.source,
                field=f"sinks.{name}.actions.personal",
                expected="pseudonymise, generalise or suppress",
            )


def _check_field_paths(policy: Policy) -> None:
    """Every field override names a field some record type has (typos are errors)."""
    for where, overrides in (
        ("fields", policy.fields),
        *((f"sinks.{name}.fields", rules.fields) for name, rules in policy.sinks.items()),
    ):
        for path, action in overrides.items():
            problem = check_path(path, action)
            if problem is not None:
                raise (PolicyViolation if problem.forbidden else ValidationError)(
                    problem.message,
                    source=policy.source,
                    field=f"{where}.{path}",
                    expected=problem.expected,
                )
