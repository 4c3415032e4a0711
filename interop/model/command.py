"""Commands sent to devices (``saref:Command``) and what became of them.

A command names an action and its target; ``set_level`` carries a level in percent. The
result of a command is its own record so that asynchronous vendor systems fit the model.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import model_validator

from interop.model.base import IRI, DataClass, RecordBase, UtcDateTime, protected

__all__ = ["Command", "CommandKind", "CommandResult", "CommandStatus"]


class CommandKind(StrEnum):
    """An action a device can be asked to do; ``resume_schedule`` is an ``interop:`` term."""

    ON = "on"
    OFF = "off"
    TOGGLE = "toggle"
    SET_LEVEL = "set_level"
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"
    OPEN = "open"
    CLOSE = "close"
    START = "start"
    STOP = "stop"
    RESUME_SCHEDULE = "resume_schedule"


class CommandStatus(StrEnum):
    """Where a command stands, as the target system reported it."""

    ACCEPTED = "accepted"
    """The target system took the command; it has not (yet) been confirmed."""
    APPLIED = "applied"
    """Telemetry from the device confirms the command took effect."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REJECTED = "rejected"
    TIMED_OUT = "timed_out"
    UNKNOWN = "unknown"
    """The outcome cannot be known: the request may or may not have reached the system, and
    re-reading the device's state could not settle it (never used for a known failure)."""


_TIMED = frozenset({CommandKind.ON, CommandKind.OFF, CommandKind.SET_LEVEL})


class Command(RecordBase):
    """A request for a device to act (``saref:Command``)."""

    kind: Literal["command"] = protected(DataClass.PUBLIC, "command")
    action: CommandKind = protected(DataClass.PUBLIC)
    target: IRI = protected(DataClass.TECHNICAL, description="Device the command acts upon.")
    level: float | None = protected(
        DataClass.PUBLIC, None, ge=0.0, le=100.0, description="Target level, percent."
    )
    duration: float | None = protected(
        DataClass.PUBLIC,
        None,
        gt=0.0,
        description="Seconds the override lasts before the schedule resumes; None = until "
        "changed (on, off and set_level only).",
    )
    issued_at: UtcDateTime = protected(DataClass.TECHNICAL)
    issued_by: str | None = protected(
        DataClass.PERSONAL, None, min_length=1, description="Operator who issued it."
    )

    @model_validator(mode="after")
    def _level_only_for_set_level(self) -> Command:
        if (self.action is CommandKind.SET_LEVEL) != (self.level is not None):
            raise ValueError("level is required for set_level and forbidden for other actions")
        if self.duration is not None and self.action not in _TIMED:
            raise ValueError(f"duration applies to on, off and set_level, not {self.action}")
        return self


class CommandResult(RecordBase):
    """The outcome of a command, reported by the target system."""

    kind: Literal["command_result"] = protected(DataClass.PUBLIC, "command_result")
    command: IRI = protected(DataClass.TECHNICAL, description="The command this answers.")
    target: IRI | None = protected(
        DataClass.TECHNICAL, None, description="The device (or light) the outcome is about."
    )
    status: CommandStatus = protected(DataClass.TECHNICAL)
    at: UtcDateTime = protected(DataClass.TECHNICAL)
    detail: str | None = protected(DataClass.TECHNICAL, None, min_length=1)
