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
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REJECTED = "rejected"
    TIMED_OUT = "timed_out"


class Command(RecordBase):
    """A request for a device to act (``saref:Command``)."""

    kind: Literal["command"] = protected(DataClass.PUBLIC, "command")
    action: CommandKind = protected(DataClass.PUBLIC)
    target: IRI = protected(DataClass.TECHNICAL, description="Device the command acts upon.")
    level: float | None = protected(
        DataClass.PUBLIC, None, ge=0.0, le=100.0, description="Target level, percent."
    )
    issued_at: UtcDateTime = protected(DataClass.TECHNICAL)
    issued_by: str | None = protected(
        DataClass.PERSONAL, None, min_length=1, description="Operator who issued it."
    )

    @model_validator(mode="after")
    def _level_only_for_set_level(self) -> Command:
        if (self.action is CommandKind.SET_LEVEL) != (self.level is not None):
            raise ValueError("level is required for set_level and forbidden for other actions")
        return self


class CommandResult(RecordBase):
    """The outcome of a command, reported by the target system."""

    kind: Literal["command_result"] = protected(DataClass.PUBLIC, "command_result")
    command: IRI = protected(DataClass.TECHNICAL, description="The command this answers.")
    status: CommandStatus = protected(DataClass.TECHNICAL)
    at: UtcDateTime = protected(DataClass.TECHNICAL)
    detail: str | None = protected(DataClass.TECHNICAL, None, min_length=1)
