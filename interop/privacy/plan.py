"""Compiling a policy into per-record-type plans: which fields need work, and which actions.

A plan lists only the fields whose action is not ``keep`` (or nested models holding such
fields), so a record type the policy leaves alone costs one dictionary look-up. Plans are
built once per (record type, sink, class of its ``value``) from the pydantic field metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from interop.model.base import DataClass
from interop.privacy.fields import FieldSpec, Shape, stricter
from interop.privacy.paths import EXTENSIONS, kinds
from interop.privacy.policy import Action, Policy

__all__ = ["STORE", "ExtensionStep", "Step", "actions_for", "compile_plan"]

STORE = "store"
"""The sink name of the store stage; every other sink gets the store's actions, then its own."""


@dataclass(frozen=True, slots=True)
class ExtensionStep:
    """An action on one namespace (``member`` None) or member of a record's extensions."""

    namespace: str
    member: str | None
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """Work on one field: ``actions`` in order, or ``children`` when kept and nested."""

    spec: FieldSpec
    name: str
    data_class: DataClass
    label: str
    """``kind.path``: how the audit trail names the field."""
    actions: tuple[Action, ...] = ()
    children: tuple[Step, ...] = ()
    extensions: tuple[ExtensionStep, ...] = ()


def _lookup(overrides: dict[str, Action], kind: str, dotted: str) -> Action | None:
    return overrides.get(f"{kind}.{dotted}") or overrides.get(dotted)


def actions_for(
    policy: Policy, sink: str, kind: str, dotted: str, data_class: DataClass
) -> tuple[Action, ...]:
    """The actions one field goes through on its way to ``sink`` (store first, then sink)."""
    store = _lookup(policy.fields, kind, dotted) or policy.actions[data_class]
    if sink == STORE:
        return (store,)
    rules = policy.sinks.get(sink)
    if rules is None:
        return (store,)
    extra = _lookup(rules.fields, kind, dotted) or rules.actions.get(data_class)
    if extra is None or extra is Action.KEEP or extra is store:
        return (store,)
    if store is Action.KEEP:
        return (extra,)
    return (store, extra)


def _extension_steps(policy: Policy, sink: str, kind: str) -> tuple[ExtensionStep, ...]:
    tables = [policy.fields]
    if sink != STORE and sink in policy.sinks:
        tables.append(policy.sinks[sink].fields)
    found: dict[tuple[str, str | None], list[Action]] = {}
    for table in tables:
        for path, action in table.items():
            head, _, rest = path.partition(".")
            if head == kind:
                path = rest
            elif head in kinds():
                continue
            if not path.startswith(EXTENSIONS + ".") or action is Action.KEEP:
                continue
            namespace, _, member = path[len(EXTENSIONS) + 1 :].partition(".")
            found.setdefault((namespace, member or None), []).append(action)
    return tuple(ExtensionStep(ns, member, tuple(acts)) for (ns, member), acts in found.items())


def _step(
    policy: Policy, sink: str, kind: str, spec: FieldSpec, value_class: DataClass | None
) -> Step | None:
    data_class = spec.data_class
    if spec.path == ("value",) and value_class is not None:
        data_class = stricter(data_class, value_class)
    actions = actions_for(policy, sink, kind, spec.dotted, data_class)
    label = f"{kind}.{spec.dotted}"
    if spec.path == (EXTENSIONS,) and actions == (Action.KEEP,):
        ext = _extension_steps(policy, sink, kind)
        return Step(spec, spec.path[-1], data_class, label, extensions=ext) if ext else None
    if actions != (Action.KEEP,):
        return Step(spec, spec.path[-1], data_class, label, actions=actions)
    if spec.shape in (Shape.MODEL, Shape.MODELS) and spec.children:
        children = tuple(
            step
            for child in spec.children
            if (step := _step(policy, sink, kind, child, None)) is not None
        )
        if children:
            return Step(spec, spec.path[-1], data_class, label, children=children)
    return None


def compile_plan(
    policy: Policy,
    sink: str,
    kind: str,
    specs: tuple[FieldSpec, ...],
    value_class: DataClass | None = None,
) -> tuple[Step, ...]:
    """The steps a record of ``kind`` goes through for ``sink``; empty: pass it unchanged."""
    return tuple(
        step for spec in specs if (step := _step(policy, sink, kind, spec, value_class)) is not None
    )
