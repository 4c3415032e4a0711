"""Retention: how long a stored record may be kept, from the policy's rules (pure code).

The store purges by these: a record stored at ``t`` is due at ``t + keep`` when rules match,
where ``keep`` is the shortest of the matching rules; a record no rule matches is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from interop.model.base import DataClass
from interop.privacy.fields import FieldSpec, Shape, fields_of, stricter
from interop.privacy.policy import RetentionRule

__all__ = ["classes_present", "due", "keep_for"]


def _present(value: Any, spec: FieldSpec, found: set[DataClass]) -> None:
    if value is None or (not value and not isinstance(value, int | float)):
        return
    found.add(spec.data_class)
    if spec.children and spec.shape is Shape.MODEL and isinstance(value, BaseModel):
        for child in spec.children:
            _present(getattr(value, child.path[-1]), child, found)
    elif spec.children and spec.shape is Shape.MODELS:
        for item in value:
            for child in spec.children:
                _present(getattr(item, child.path[-1]), child, found)


def classes_present(
    record: BaseModel, value_class: DataClass | None = None
) -> frozenset[DataClass]:
    """The data-protection classes of the values a record actually holds."""
    found: set[DataClass] = set()
    for spec in fields_of(type(record)):
        value = getattr(record, spec.path[-1])
        if spec.path == ("value",) and value_class is not None and value is not None:
            found.add(stricter(spec.data_class, value_class))
        _present(value, spec, found)
    return frozenset(found)


def _matches(
    rule: RetentionRule,
    record: BaseModel,
    classes: frozenset[DataClass],
    property_iris: Mapping[str, str],
) -> bool:
    if rule.kind is not None and getattr(record, "kind", None) != rule.kind:
        return False
    if rule.property is not None:
        wanted = property_iris.get(rule.property, rule.property)
        if getattr(record, "property", None) != wanted:
            return False
    return rule.data_class is None or rule.data_class in classes


def keep_for(
    rules: Iterable[RetentionRule],
    record: BaseModel,
    classes: frozenset[DataClass],
    property_iris: Mapping[str, str],
) -> timedelta | None:
    """The shortest ``keep`` of the rules matching ``record``; None when none matches."""
    keeps = [r.keep for r in rules if _matches(r, record, classes, property_iris)]
    return min(keeps) if keeps else None


def due(stored_at: datetime, keep: timedelta | None, now: datetime) -> bool:
    """True when a record stored at ``stored_at`` and kept ``keep`` must be purged at ``now``."""
    return keep is not None and stored_at + keep <= now
