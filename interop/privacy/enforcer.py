"""The policy at work: every record made compliant before it is stored or sent.

Pure code over records (no I/O but the key file's change check), meant for one asyncio loop:
the pipeline calls :meth:`Enforcer.for_store` before anything is kept, :meth:`for_sink` before
each delivery, :meth:`flush` on a timer for aggregates, :meth:`for_dead_letter` for raw input
it cannot decode, and :meth:`drain_audit` / :meth:`drain_refused` to persist what happened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from interop.errors import PolicyViolation, ValidationError
from interop.model.base import DataClass
from interop.model.properties import PropertyRegistry, default_property_registry
from interop.model.records import AnyRecord
from interop.privacy.aggregate import AGGREGATOR_PLUGIN, Aggregator, Entry
from interop.privacy.apply import Context, apply_plan
from interop.privacy.deadletter import dead_letter_payload
from interop.privacy.explain import FieldDecision, explain, sensitive_fields
from interop.privacy.fields import RANK, fields_of, stricter
from interop.privacy.jurisdictions import allows, expand
from interop.privacy.keys import KeyRing
from interop.privacy.paths import kinds
from interop.privacy.plan import STORE, Step, compile_plan
from interop.privacy.policy import Policy
from interop.privacy.retention import classes_present, due, keep_for

__all__ = ["Applied", "Enforcer", "Refused"]


@dataclass(frozen=True, slots=True)
class Refused:
    """A record that could not be made compliant for ``sink``, and why."""

    index: int
    """Its position in the batch given to :meth:`Enforcer.apply`."""
    record_id: str
    sink: str
    error: PolicyViolation


@dataclass(frozen=True, slots=True)
class Applied:
    """What :meth:`Enforcer.apply` made of a batch: compliant records and refusals."""

    records: list[AnyRecord]
    refused: list[Refused]


class Enforcer:
    """Applies one :class:`Policy` with one :class:`KeyRing` to records, per sink."""

    def __init__(
        self,
        policy: Policy,
        keys: KeyRing | None = None,
        properties: PropertyRegistry | None = None,
    ) -> None:
        self.policy = policy
        self.keys = keys if keys is not None else KeyRing()
        registry = properties if properties is not None else default_property_registry()
        self._property_iris = {spec.key: spec.iri for spec in registry}
        self._property_classes = {
            spec.iri: spec.protection
            for spec in registry
            if RANK[spec.protection] > RANK[DataClass.TECHNICAL]
        }
        self._measured = frozenset(
            cls
            for cls in kinds().values()
            if self._property_classes and {"property", "value"} <= set(cls.model_fields)
        )
        """Record types whose ``value`` takes its property's class."""
        self._audit: Counter[tuple[str, str, str]] = Counter()
        self._refused: list[Refused] = []
        self._plans: dict[tuple[type[BaseModel], str, DataClass | None], tuple[Step, ...]] = {}
        self._aggregator_iris = self._aggregate_iris()
        self._aggregator = Aggregator(
            policy.aggregate, self._aggregator_iris, policy.version, self._audit
        )

    def _aggregate_iris(self) -> dict[str, frozenset[str]]:
        out: dict[str, frozenset[str]] = {}
        for index, rule in enumerate(self.policy.aggregate):
            for kind in rule.kinds:
                cls = kinds().get(kind)
                if cls is None or not {"property", "value", "unit"} <= set(cls.model_fields):
                    raise ValidationError(
                        f"records of kind {kind!r} have no property, value and unit to aggregate",
                        source=self.policy.source,
                        field=f"aggregate.{index}.kinds",
                        expected="kinds of measured values, e.g. measurement",
                    )
            out[rule.name] = frozenset(
                self._property_iri(p, f"aggregate.{index}.properties") for p in rule.properties
            )
        return out

    def _property_iri(self, ref: str, where: str) -> str:
        if ref in self._property_iris:
            return self._property_iris[ref]
        if ":" not in ref:
            raise ValidationError(
                f"unknown property {ref!r}",
                source=self.policy.source,
                field=where,
                expected="a registered property key (temperature, occupancy, ...) or an IRI",
            )
        return ref

    @property
    def policy_version(self) -> str:
        """The policy's version; the pipeline writes it into ``Provenance.policy_version``."""
        return self.policy.version

    # ------------------------------------------------------------------ records

    def _value_class(self, record: Any) -> DataClass | None:
        prop = getattr(record, "property", None)
        if prop is None or prop not in self._property_classes:
            return None
        provenance = getattr(record, "provenance", None)
        if provenance is not None and provenance.plugin == AGGREGATOR_PLUGIN:
            return None  # an aggregate above k says nothing about one person
        return self._property_classes[prop]

    def _plan(self, record: Any, sink: str) -> tuple[Step, ...]:
        cls: type[BaseModel] = type(record)
        value_class = self._value_class(record) if cls in self._measured else None
        key = (cls, sink, value_class)
        plan = self._plans.get(key)
        if plan is None:
            plan = compile_plan(self.policy, sink, record.kind, fields_of(cls), value_class)
            self._plans[key] = plan
        return plan

    def apply(self, sink: str, records: Sequence[AnyRecord]) -> Applied:
        """Make each record compliant for ``sink`` (``"store"`` for the store stage).

        Any sink other than the store gets the store's actions, then its own, so this is
        safe on records that never went through the store stage, and idempotent on those
        that did. Refused records are left out and listed with their reason.
        """
        kept: list[AnyRecord] = []
        refused: list[Refused] = []
        ctx = Context(self.keys, self.policy.generalise, self._audit, sink, "")
        for index, record in enumerate(records):
            plan = self._plan(record, sink)
            if not plan:
                kept.append(record)
                continue
            ctx.kind = record.kind
            try:
                kept.append(apply_plan(record, plan, ctx))
            except PolicyViolation as error:
                self._audit[("refuse", f"{record.kind}.{error.field}", sink)] += 1
                refused.append(Refused(index, record.id, sink, error))
        return Applied(kept, refused)

    def _queue(self, applied: Applied) -> list[AnyRecord]:
        self._refused.extend(applied.refused)
        return applied.records

    def for_store(self, records: Sequence[AnyRecord]) -> list[AnyRecord]:
        """Records as they may be stored; those an aggregate rule matches are consumed.

        All or nothing: when one record cannot be made compliant (a personal value and no
        key, a required field suppressed), raises :class:`PolicyViolation` naming the field
        and the sink ``store``, and nothing of the batch is kept or aggregated. The
        pipeline calls this once per raw message, so the message goes to the dead letter
        with the reason, and a replay after the fix (a key configured) loses nothing.
        """
        kept, entries = self.plan_store(records)
        self.admit(entries)
        return kept

    def plan_store(self, records: Sequence[AnyRecord]) -> tuple[list[AnyRecord], list[Entry]]:
        """As :meth:`for_store`, but the aggregate contributions are returned, not added.

        For a pipeline that learns only at its commit whether a message is new: it passes
        the entries to :meth:`admit` once their message is committed, and drops those of a
        redelivered message or a failed commit, which would otherwise count twice.
        """
        entries = []
        rest: list[AnyRecord] = []
        for record in records:
            rule = self._aggregator.rule_for(record)
            if rule is None:
                rest.append(record)
                continue
            try:
                entries.append(self._aggregator.entry(rule, record))
            except PolicyViolation as error:
                self._audit[("refuse", f"{record.kind}.{error.field}", STORE)] += 1
                raise
        applied = self.apply(STORE, rest)
        if applied.refused:
            raise applied.refused[0].error
        return applied.records, entries

    def admit(self, entries: Sequence[Entry]) -> None:
        """Count the aggregate contributions of committed messages (from :meth:`plan_store`)."""
        for entry in entries:
            self._aggregator.add(entry)

    def for_sink(self, sink: str, records: Sequence[AnyRecord]) -> list[AnyRecord]:
        """Records as ``sink`` may receive them (never more than the store keeps).

        A record that cannot be made compliant for this sink is not sent to it: it is left
        out, counted in the audit (``refuse``) and listed by :meth:`drain_refused`; the
        store keeps it and other sinks still get it.
        """
        return self._queue(self.apply(sink, records))

    def flush(self, now: datetime) -> list[AnyRecord]:
        """Aggregates of every window closed by ``now``; cells under ``k`` are suppressed."""
        return self._queue(self.apply(STORE, self._aggregator.flush(now)))

    def open_windows(self) -> int:
        """How many aggregate cells are waiting for their window to close."""
        return self._aggregator.open_cells()

    def drain_refused(self) -> list[Refused]:
        """Records :meth:`for_sink` left out since the last call, each with its reason."""
        refused, self._refused = self._refused, []
        return refused

    def drain_audit(self) -> dict[tuple[str, str, str], int]:
        """(action, field, sink) -> how many times since the last call; ``keep`` is not counted."""
        audit = dict(self._audit)
        self._audit.clear()
        return audit

    # ------------------------------------------------------------------ around records

    def for_dead_letter(self, raw: bytes, source: str) -> bytes | None:
        """What of an undecodable payload the dead letter may keep; None keeps nothing."""
        payload = dead_letter_payload(raw, self.policy.dead_letter, self.keys)
        mode = self.policy.dead_letter.mode if payload is not None else "drop"
        self._audit[(f"dead-letter-{mode}", source, "dead_letter")] += 1
        return payload

    def keep_for(self, record: AnyRecord) -> timedelta | None:
        """How long the store may keep ``record`` (shortest matching rule), None: no limit."""
        classes = classes_present(record, self._value_class(record))
        return keep_for(self.policy.retention, record, classes, self._property_iris)

    def expires_at(self, record: AnyRecord, stored_at: datetime) -> datetime | None:
        """When the store must purge ``record`` stored at ``stored_at``; None: never."""
        keep = self.keep_for(record)
        return None if keep is None else stored_at + keep

    def is_due(self, record: AnyRecord, stored_at: datetime, now: datetime) -> bool:
        """True when ``record``, stored at ``stored_at``, must be purged at ``now``."""
        return due(stored_at, self.keep_for(record), now)

    def decisions(self, sinks: Sequence[str] = ()) -> list[FieldDecision]:
        """What happens to each field of each record type, for the store and ``sinks``."""
        return explain(self.policy, sinks, self._value_classes())

    def _value_classes(self) -> dict[str, DataClass]:
        """Per kind, the most protected property its ``value`` may measure outside aggregates.

        Properties an aggregate rule consumes do not count: only aggregates above ``k``
        leave the pipeline for them.
        """
        consumed = self._aggregator_iris
        out: dict[str, DataClass] = {}
        for kind, cls in kinds().items():
            if not {"property", "value"} <= set(cls.model_fields):
                continue
            rules = [r for r in self.policy.aggregate if kind in r.kinds]
            if any(not consumed[r.name] for r in rules):
                continue  # a rule consuming every property of this kind
            eaten = frozenset().union(*(consumed[r.name] for r in rules))
            for iri, data_class in self._property_classes.items():
                if iri not in eaten:
                    out[kind] = data_class if kind not in out else stricter(out[kind], data_class)
        return out

    def check_sinks(self, sinks: Mapping[str, str | None]) -> None:
        """Refuse to start when pseudonymous or personal data would leave the allowed places.

        ``sinks`` maps each sink to its declared jurisdiction (ISO code, ``EU``, ``EEA``;
        None when undeclared). Raises :class:`PolicyViolation` naming the first sink that
        would receive such data elsewhere, and one field it would receive.
        """
        allowed = expand(self.policy.jurisdictions)
        decisions = self.decisions(list(sinks))
        for sink, jurisdiction in sinks.items():
            if allows(allowed, jurisdiction):
                continue
            exposed = sensitive_fields(decisions, sink)
            if not exposed:
                continue
            first = exposed[0]
            where = "no declared jurisdiction" if jurisdiction is None else repr(jurisdiction)
            raise PolicyViolation(
                f"would receive {first.data_class.value} data ({len(exposed)} field(s)) in "
                f"{where}, outside the jurisdictions the policy allows",
                source=f"sink {sink!r}",
                field=f"{first.kind}.{first.field}",
                expected=f"a sink in {', '.join(self.policy.jurisdictions)}, or a policy "
                f"[sinks.{sink}] that suppresses pseudonymous and personal fields",
            )
