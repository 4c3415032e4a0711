"""Observations: measured values (``saref:Measurement``) and device states (``saref:State``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import StrictFloat, StrictInt, field_validator, model_validator

from interop.model.base import IRI, DataClass, RecordBase, UtcDateTime, protected
from interop.model.units import Unit

__all__ = ["Measurement", "State", "StateValue"]


class Measurement(RecordBase):
    """One measured value of a property, in a unit, at an instant (``saref:Measurement``)."""

    kind: Literal["measurement"] = protected(DataClass.PUBLIC, "measurement")
    property: IRI = protected(DataClass.PUBLIC, description="Property IRI, e.g. saref:Temperature.")
    value: StrictInt | StrictFloat = protected(DataClass.TECHNICAL)
    unit: IRI = protected(DataClass.PUBLIC, description="Unit IRI (OM-2 where it has one).")
    timestamp: UtcDateTime = protected(DataClass.TECHNICAL)
    device: IRI | None = protected(DataClass.TECHNICAL, None, description="Device that made it.")
    feature_of_interest: IRI | None = protected(
        DataClass.PUBLIC, None, description="What was measured (a street, a room, a river)."
    )

    @field_validator("unit", mode="before")
    @classmethod
    def _unit_object_to_iri(cls, value: object) -> object:
        return value.iri if isinstance(value, Unit) else value


class StateValue(StrEnum):
    """A discrete device state; ``level`` pairs with a percentage (``saref:MultiLevelState``)."""

    ON = "on"
    OFF = "off"
    OPEN = "open"
    CLOSED = "closed"
    STARTED = "started"
    STOPPED = "stopped"
    LEVEL = "level"


class State(RecordBase):
    """The state a device reported or was observed in (``saref:State``)."""

    kind: Literal["state"] = protected(DataClass.PUBLIC, "state")
    device: IRI = protected(DataClass.TECHNICAL)
    value: StateValue = protected(DataClass.TECHNICAL)
    level: float | None = protected(
        DataClass.TECHNICAL, None, ge=0.0, le=100.0, description="Level, percent."
    )
    timestamp: UtcDateTime = protected(DataClass.TECHNICAL)

    @model_validator(mode="after")
    def _level_only_for_level(self) -> State:
        if (self.value is StateValue.LEVEL) != (self.level is not None):
            raise ValueError("level is required for the 'level' state and forbidden otherwise")
        return self
