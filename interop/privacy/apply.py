"""Carrying out a compiled plan on one record: a new record, or a refusal naming field and sink.

The rebuilt record is validated again by its own class, so an action can never produce a
record the model would refuse (a place with neither name nor position, say): such a record
is refused instead, with the field that made it so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Annotated, Any, cast

import pydantic
from pydantic import BaseModel, TypeAdapter

from interop.errors import PolicyViolation
from interop.privacy.fields import FieldSpec, Shape
from interop.privacy.generalise import snap_coordinates, snap_position, snap_time
from interop.privacy.keys import KeyRing, is_pseudonym
from interop.privacy.plan import ExtensionStep, Step
from interop.privacy.policy import Action, Generalisation

__all__ = ["Context", "apply_plan"]

_SUPPRESSED: Any = object()


class Context:
    """What applying a plan needs: keys, generalisation sizes, where to count actions."""

    __slots__ = ("audit", "generalisation", "keys", "kind", "sink")

    def __init__(
        self,
        keys: KeyRing,
        generalisation: Generalisation,
        audit: Counter[tuple[str, str, str]],
        sink: str,
        kind: str,
    ) -> None:
        self.keys = keys
        self.generalisation = generalisation
        self.audit = audit
        self.sink = sink
        self.kind = kind

    def count(self, action: str, label: str) -> None:
        """Count one action on one field (``kind.path``) for this sink (the audit trail)."""
        self.audit[(action, label, self.sink)] += 1

    def refuse(self, message: str, field: str, expected: str) -> PolicyViolation:
        """The error for a record that cannot be made compliant (no value in it)."""
        return PolicyViolation(
            f"{message} (sink {self.sink!r})",
            source=f"{self.kind} for sink {self.sink!r}",
            field=field,
            expected=expected,
        )


def _pseudonymise(value: Any, step: Step, ctx: Context) -> Any:
    if step.spec.shape is not Shape.TEXT or not isinstance(value, str):
        return _SUPPRESSED
    if is_pseudonym(value):
        return value
    try:
        return ctx.keys.pseudonym(value)
    except LookupError:
        raise ctx.refuse(
            f"a {step.data_class.value} value would be stored or sent in clear: no "
            "pseudonymisation key is configured",
            step.spec.dotted,
            "a key in INTEROP_PSEUDONYM_KEY_FILE or INTEROP_PSEUDONYM_KEYS, or a policy "
            "that suppresses the field",
        ) from None


def _position(value: BaseModel, cell_m: float) -> BaseModel:
    lat, lon = snap_position(float(value.lat), float(value.lon), cell_m)  # type: ignore[attr-defined]
    data = {name: getattr(value, name) for name in type(value).model_fields}
    data.update(lat=lat, lon=lon)
    if "alt" in data:
        data["alt"] = None
    return type(value).model_validate(data)


def _generalise(value: Any, step: Step, ctx: Context) -> Any:
    shape = step.spec.shape
    cell_m = ctx.generalisation.position_m
    if shape is Shape.POSITION and isinstance(value, BaseModel):
        return _position(value, cell_m)
    if shape is Shape.POSITIONS:
        return type(value)(_position(item, cell_m) for item in value)
    if shape is Shape.GEOMETRY and isinstance(value, BaseModel):
        data = {name: getattr(value, name) for name in type(value).model_fields}
        data["coordinates"] = snap_coordinates(data["coordinates"], cell_m)
        return type(value).model_validate(data)
    if shape is Shape.TIME and isinstance(value, datetime):
        return snap_time(value, ctx.generalisation.time)
    return _SUPPRESSED


def _act(value: Any, step: Step, ctx: Context) -> Any:
    for action in step.actions:
        if action is Action.SUPPRESS:
            value = _SUPPRESSED
        elif action is Action.PSEUDONYMISE:
            value = _pseudonymise(value, step, ctx)
        elif action is Action.GENERALISE:
            value = _generalise(value, step, ctx)
        if value is _SUPPRESSED:
            ctx.count(Action.SUPPRESS.value, step.label)
            return _suppressed(step.spec, ctx)
        if action is not Action.KEEP:
            ctx.count(action.value, step.label)
    return value


def _suppressed(spec: FieldSpec, ctx: Context) -> Any:
    if spec.nullable:
        return None
    if not spec.required:
        return spec.default
    raise ctx.refuse(
        "a required field cannot be suppressed, so the record cannot be kept or sent",
        spec.dotted,
        "a policy that keeps, generalises or pseudonymises this field for this sink",
    )


def _extensions(value: Mapping[str, Any], steps: tuple[ExtensionStep, ...], ctx: Context) -> Any:
    result: dict[str, Any] | None = None
    for step in steps:
        namespace = value.get(step.namespace)
        if namespace is None:
            continue
        if step.member is not None and step.member not in namespace:
            continue
        if result is None:
            result = {ns: dict(members) for ns, members in value.items()}
        field = f"{ctx.kind}.extensions.{step.namespace}" + (
            f".{step.member}" if step.member else ""
        )
        if step.member is None:
            del result[step.namespace]
            ctx.count(Action.SUPPRESS.value, field)
            continue
        current = result[step.namespace][step.member]
        if (
            Action.PSEUDONYMISE in step.actions
            and Action.SUPPRESS not in step.actions
            and Action.GENERALISE not in step.actions
            and isinstance(current, str)
        ):
            try:
                result[step.namespace][step.member] = (
                    current if is_pseudonym(current) else ctx.keys.pseudonym(current)
                )
                ctx.count(Action.PSEUDONYMISE.value, field)
                continue
            except LookupError:
                pass  # no key: an extension is optional, so it is removed instead
        del result[step.namespace][step.member]
        ctx.count(Action.SUPPRESS.value, field)
    return value if result is None else result


def _apply_step(value: Any, step: Step, ctx: Context) -> Any:
    if step.extensions:
        return _extensions(value, step.extensions, ctx)
    if step.children:
        if step.spec.shape is Shape.MODELS:
            items = [_apply_model(item, step.children, ctx) for item in value]
            if all(new is old for new, old in zip(items, value, strict=True)):
                return value
            return type(value)(items)
        return _apply_model(value, step.children, ctx)
    return _act(value, step, ctx)


@cache
def _independent_fields(cls: type[BaseModel]) -> frozenset[str]:
    """Fields whose validity depends on nothing but their own value.

    A class with a model validator relates fields to each other (a set_level command needs
    its level), and a field validator may transform its input: such fields are revalidated
    with the whole model; any other changed field is validated alone, which is much cheaper.
    """
    decorators = cls.__pydantic_decorators__
    if decorators.model_validators:
        return frozenset()
    validated = {name for d in decorators.field_validators.values() for name in d.info.fields}
    return frozenset(name for name in cls.model_fields if name not in validated)


@cache
def _field_adapter(cls: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """Validates one field's value exactly as the model would (type and constraints)."""
    info = cls.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = cast(Any, Annotated)[(annotation, *info.metadata)]
    return TypeAdapter(annotation)


def _invalid(error: pydantic.ValidationError, field: str, ctx: Context) -> PolicyViolation:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or field
    return ctx.refuse(
        f"the record is no longer valid once the policy is applied: {first['msg']}",
        where,
        "a policy that leaves enough of this record type for it to be valid",
    )


def _copy_with(model: BaseModel, updates: dict[str, Any]) -> BaseModel:
    """``model.model_copy(update=updates)`` for already validated values, without its overhead.

    Canonical models have no private attributes and no extra fields; anything else takes
    pydantic's own path.
    """
    if model.__pydantic_private__ is not None or model.__pydantic_extra__ is not None:
        return model.model_copy(update=updates)
    new = type(model).__new__(type(model))
    object.__setattr__(new, "__dict__", {**model.__dict__, **updates})
    object.__setattr__(
        new, "__pydantic_fields_set__", model.__pydantic_fields_set__ | updates.keys()
    )
    object.__setattr__(new, "__pydantic_extra__", None)
    object.__setattr__(new, "__pydantic_private__", None)
    return new


def _rebuild(model: BaseModel, updates: dict[str, Any], ctx: Context) -> Any:
    cls = type(model)
    if updates.keys() <= _independent_fields(cls):
        for name, value in updates.items():
            if not isinstance(value, str):
                continue  # None, a default, a validated model, or an aware UTC instant
            try:  # a pseudonym: the field may constrain its length or pattern
                updates[name] = _field_adapter(cls, name).validate_python(value)
            except pydantic.ValidationError as error:
                raise _invalid(error, name, ctx) from None
        return _copy_with(model, updates)
    data = {name: getattr(model, name) for name in cls.model_fields}
    data.update(updates)
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as error:
        raise _invalid(error, next(iter(updates)), ctx) from None


def _apply_model(model: BaseModel, steps: tuple[Step, ...], ctx: Context) -> Any:
    updates: dict[str, Any] = {}
    for step in steps:
        value = getattr(model, step.name)
        if value is None:
            continue
        new = _apply_step(value, step, ctx)
        if new is not value and new != value:
            updates[step.name] = new
    if not updates:
        return model
    return _rebuild(model, updates, ctx)


def apply_plan(record: BaseModel, steps: tuple[Step, ...], ctx: Context) -> Any:
    """``record`` with the plan carried out (the same object when nothing changed).

    Raises :class:`PolicyViolation` when the record cannot be made compliant.
    """
    return _apply_model(record, steps, ctx)
