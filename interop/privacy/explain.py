"""What the policy does to each field of each record type, per sink (``interop policy check``).

The same analysis decides whether a sink would receive pseudonymous or personal data, which
:meth:`Enforcer.check_sinks` compares with the jurisdictions the policy allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from interop.model.base import DataClass
from interop.privacy.fields import RANK, FieldSpec, Shape, fields_of, iter_fields, stricter
from interop.privacy.paths import EXTENSIONS, kinds
from interop.privacy.plan import STORE, actions_for
from interop.privacy.policy import Action, Policy

__all__ = ["FieldDecision", "effective", "explain", "sensitive_fields"]

_GENERALISABLE = (Shape.POSITION, Shape.POSITIONS, Shape.GEOMETRY, Shape.TIME)


def effective(spec: FieldSpec, actions: tuple[Action, ...]) -> Action:
    """The action that really happens once a field's shape is considered.

    A pseudonym fits only text and generalisation only positions and instants: anything
    else is suppressed instead (never kept), so the result is never weaker than asked.
    """
    result = Action.KEEP
    for action in actions:
        if action is Action.PSEUDONYMISE and spec.shape is not Shape.TEXT:
            action = Action.SUPPRESS
        if action is Action.GENERALISE and spec.shape not in _GENERALISABLE:
            action = Action.SUPPRESS
        if action is Action.SUPPRESS:
            return Action.SUPPRESS
        if action is not Action.KEEP:
            result = action
    return result


@dataclass(frozen=True, slots=True)
class FieldDecision:
    """One field of one record type, and what each sink gets of it."""

    kind: str
    field: str
    data_class: DataClass
    actions: dict[str, Action]
    """Sink name (``store`` first) -> the action that really happens."""
    refuses: dict[str, bool]
    """Sink name -> True when suppressing this required field refuses the whole record."""


def _inherited(spec: FieldSpec, decided: dict[str, dict[str, Action]], sink: str) -> Action | None:
    """The action of the nearest enclosing field that is not kept for ``sink``, if any."""
    for depth in range(len(spec.path) - 1, 0, -1):
        action = decided.get(".".join(spec.path[:depth]), {}).get(sink)
        if action is not None and action is not Action.KEEP:
            return action
    return None


def explain(
    policy: Policy,
    sinks: Iterable[str] = (),
    value_classes: Mapping[str, DataClass] | None = None,
) -> list[FieldDecision]:
    """Every field of every record type with the action the store and each sink apply.

    ``value_classes`` maps a record kind to the most protected class of the properties
    its ``value`` may measure (an occupancy count is pseudonymous).
    """
    names = [STORE, *(s for s in sinks if s != STORE)]
    out: list[FieldDecision] = []
    for kind, cls in kinds().items():
        specs = fields_of(cls)
        value_class = (value_classes or {}).get(kind)
        decided: dict[str, dict[str, Action]] = {}
        for spec in iter_fields(specs):
            if spec.path[0] == EXTENSIONS and len(spec.path) > 1:
                continue
            data_class = spec.data_class
            if spec.path == ("value",) and value_class is not None:
                data_class = stricter(data_class, value_class)
            actions: dict[str, Action] = {}
            refuses: dict[str, bool] = {}
            for sink in names:
                inherited = _inherited(spec, decided, sink)
                action = inherited or effective(
                    spec, actions_for(policy, sink, kind, spec.dotted, data_class)
                )
                actions[sink] = action
                refuses[sink] = inherited is None and action is Action.SUPPRESS and spec.required
            decided[spec.dotted] = actions
            out.append(FieldDecision(kind, spec.dotted, data_class, actions, refuses))
    return out


def sensitive_fields(decisions: Iterable[FieldDecision], sink: str) -> list[FieldDecision]:
    """Fields a sink receives (not suppressed) whose class is pseudonymous or personal."""
    return [
        d
        for d in decisions
        if RANK[d.data_class] >= RANK[DataClass.PSEUDONYMOUS]
        and d.actions.get(sink, Action.KEEP) is not Action.SUPPRESS
    ]
