"""The store's row index: a record's protection class as a plain walk of its fields finds it."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from pydantic import BaseModel

from interop.model import DataClass, protection_of
from interop.store.rows import protection_class
from interop.testing.strategies import records

_ORDER = [DataClass.PUBLIC, DataClass.TECHNICAL, DataClass.PSEUDONYMOUS, DataClass.PERSONAL]


def _walk(model: BaseModel) -> DataClass:
    """Every field holding a non-empty value, nested models through their own fields."""
    found = [DataClass.PUBLIC]
    for name, info in type(model).model_fields.items():
        value: Any = getattr(model, name)
        if value is None or value in ({}, (), []):
            continue
        found.append(protection_of(info) or DataClass.TECHNICAL)
        if isinstance(value, BaseModel):
            found.append(_walk(value))
    return max(found, key=_ORDER.index)


@settings(max_examples=80)
@given(records())
def test_protection_class_is_the_most_protected_field_holding_a_value(record):
    assert protection_class(record) == _walk(record)
