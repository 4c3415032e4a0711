"""Every field of a record type, nested ones included, with its effective data-protection class.

Read generically from the pydantic field metadata (:func:`interop.model.protection_of`), so a
new record type or nested model is covered without any list to update. A nested field is at
least as protected as the field holding it: a ``Point`` under a ``personal`` field is personal.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from interop.model.base import DataClass, Geometry, protection_of

__all__ = ["RANK", "FieldSpec", "Shape", "fields_of", "iter_fields", "stricter"]

RANK: dict[DataClass, int] = {
    DataClass.PUBLIC: 0,
    DataClass.TECHNICAL: 1,
    DataClass.PSEUDONYMOUS: 2,
    DataClass.PERSONAL: 3,
}
"""How much each class reveals about a person; a nested field takes the higher of two."""


def stricter(a: DataClass, b: DataClass) -> DataClass:
    """The more protective of two classes."""
    return a if RANK[a] >= RANK[b] else b


class Shape(Enum):
    """What a field holds, as far as the policy's actions care."""

    TEXT = "text"
    """A string (IRIs included): the only shape a pseudonym fits."""
    TIME = "time"
    """A timezone-aware instant: generalised to a time bucket."""
    POSITION = "position"
    """A nested model with ``lat`` and ``lon``: generalised to a grid cell."""
    GEOMETRY = "geometry"
    """A GeoJSON geometry: every coordinate generalised to a grid cell."""
    POSITIONS = "positions"
    """A sequence of positions (a shape's points)."""
    MODEL = "model"
    """Another nested model: its own fields are walked."""
    MODELS = "models"
    """A sequence of nested models, each walked."""
    OTHER = "other"
    """Numbers, enums, dates, sets, mappings: kept or suppressed whole."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record type, with the class the policy acts on."""

    path: tuple[str, ...]
    declared: DataClass | None
    data_class: DataClass
    shape: Shape
    nullable: bool
    """Suppressing writes None."""
    default: Any
    """What suppression writes when the field is not nullable but has a default."""
    required: bool
    """No None, no default: suppressing it refuses the whole record."""
    model: type[BaseModel] | None
    children: tuple[FieldSpec, ...]

    @property
    def dotted(self) -> str:
        """``provenance.original_id``: how a policy file names the field."""
        return ".".join(self.path)


def _unwrap(annotation: Any) -> tuple[list[Any], bool]:
    """The non-None members of an annotation, and whether None is one of them."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        members = []
        nullable = False
        for arg in typing.get_args(annotation):
            if arg is type(None):
                nullable = True
            else:
                inner, inner_nullable = _unwrap(arg)
                members.extend(inner)
                nullable = nullable or inner_nullable
        return members, nullable
    return [annotation], False


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _is_position(model: type[BaseModel]) -> bool:
    return "lat" in model.model_fields and "lon" in model.model_fields


def _shape(members: list[Any]) -> tuple[Shape, type[BaseModel] | None]:
    if len(members) != 1:
        return Shape.OTHER, None
    member = members[0]
    if member is str:
        return Shape.TEXT, None
    if member is datetime:
        return Shape.TIME, None
    if _is_model(member):
        if issubclass(member, Geometry):
            return Shape.GEOMETRY, member
        return (Shape.POSITION if _is_position(member) else Shape.MODEL), member
    origin = typing.get_origin(member)
    if origin in (tuple, list):
        args = [a for a in typing.get_args(member) if a is not Ellipsis]
        if len(args) == 1:
            inner, _ = _unwrap(args[0])
            if len(inner) == 1 and _is_model(inner[0]):
                model = inner[0]
                return (Shape.POSITIONS if _is_position(model) else Shape.MODELS), model
    return Shape.OTHER, None


def _spec(
    name: str, info: FieldInfo, parent: tuple[str, ...], inherited: DataClass | None, depth: int
) -> FieldSpec:
    declared = protection_of(info)
    data_class = declared or inherited or DataClass.TECHNICAL
    if inherited is not None:
        data_class = stricter(inherited, data_class)
    members, nullable = _unwrap(info.annotation)
    shape, model = _shape(members)
    path = (*parent, name)
    children: tuple[FieldSpec, ...] = ()
    if model is not None and shape in (Shape.MODEL, Shape.MODELS) and depth < 8:
        children = _walk(model, path, data_class, depth + 1)
    has_default = not info.is_required()
    default = info.get_default(call_default_factory=True) if has_default else None
    return FieldSpec(
        path=path,
        declared=declared,
        data_class=data_class,
        shape=shape,
        nullable=nullable,
        default=default,
        required=not nullable and not has_default,
        model=model,
        children=children,
    )


def _walk(
    model: type[BaseModel], parent: tuple[str, ...], inherited: DataClass | None, depth: int
) -> tuple[FieldSpec, ...]:
    return tuple(
        _spec(name, info, parent, inherited, depth) for name, info in model.model_fields.items()
    )


@cache
def fields_of(model: type[BaseModel]) -> tuple[FieldSpec, ...]:
    """The top-level fields of ``model``, each with its nested fields as ``children``.

    A field without a declared class is ``technical`` at the top level and takes its
    parent's class when nested.
    """
    return _walk(model, (), None, 0)


def iter_fields(specs: tuple[FieldSpec, ...]) -> Iterator[FieldSpec]:
    """Every field, depth first, parents before their children."""
    for spec in specs:
        yield spec
        yield from iter_fields(spec.children)
