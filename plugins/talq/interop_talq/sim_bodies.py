"""What the simulated Gateway accepts in the bodies it stores: the TALQ shapes, strictly.

The simulator must refuse what a real Gateway refuses and never store a document its own
``GET`` would then serve against the schema. These pydantic models state, field for field,
the TALQ 2.7.1 data-model shapes of the documents the simulator keeps (``Calendar``,
``ControlProgramOne``, ``LuminaireType``): types, enums, ranges and formats as the data model
gives them, every other field refused (``extra="forbid"``: the simulated Gateway supports this
subset and says so with a 400 naming the field). They work without the OpenAPI files; the
test suite checks the simulator against those files with schemathesis.
"""

from __future__ import annotations

import math
import re
from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticError

__all__ = ["CALENDARS", "LUMINAIRE_TYPES", "PROGRAMS", "body_problem"]

_GMONTHDAY = re.compile(r"^--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


def _time(text: str) -> str:
    """An RFC 3339 ``partial-time``/``full-time`` as TALQ's ``format: time``."""
    core = re.sub(r"(Z|[+-]\d\d:\d\d)$", "", text)
    time.fromisoformat(core)
    if not re.fullmatch(r"\d\d:\d\d:\d\d(\.\d+)?", core):
        raise ValueError("not hh:mm:ss")
    return text


def _day(text: str) -> str:
    """A ``date`` (YYYY-MM-DD) or a ``gMonthDay`` (--MM-DD)."""
    if _GMONTHDAY.match(text):
        return text
    if not re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        raise ValueError("not YYYY-MM-DD or --MM-DD")
    date.fromisoformat(text)
    return text


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


Text = Annotated[str, Field(strict=True)]
Time = Annotated[str, Field(strict=True), AfterValidator(_time)]
Day = Annotated[str, Field(strict=True), AfterValidator(_day)]
Finite = Annotated[float, AfterValidator(_finite)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class LevelState(_Strict):
    """``LevelState``: a dim level 0..100 %."""

    name: Literal["LevelState"] = "LevelState"
    value: Annotated[int, Field(ge=0, le=100)]


class CommandBase(_Strict):
    """``CommandBase`` of a program's time control."""

    state: LevelState
    rampToLevelTime: Finite | None = None
    rampFromLevelTime: Finite | None = None


class FixedTimeControl(_Strict):
    """``FixedTimeControl``: a level at a local time of day."""

    startTime: Time
    command: CommandBase


class AstroClockTimeControl(_Strict):
    """``AstroClockTimeControl``: a level at sunrise or sunset plus an offset in minutes."""

    offset: int
    solarEventType: Literal["sunrise", "sunset"]
    operation: Literal["Set"]
    command: CommandBase


class AbsoluteActivePeriod(_Strict):
    """``AbsoluteActivePeriod``: when a program applies, local times."""

    name: Literal["AbsoluteActivePeriod"] = "AbsoluteActivePeriod"
    startTime: Time
    endTime: Time


class ControlProgramOne(_Strict):
    """``ControlProgramOne``: fixed-time and astronomical controls in active periods."""

    type: Literal["ControlProgramOne"]
    id: Text
    ownerCMS: Text
    activePeriods: list[AbsoluteActivePeriod]
    fixedTimeControls: list[FixedTimeControl]
    astroClockTimeControls: list[AstroClockTimeControl] | None = None


class DayRange(_Strict):
    """One ``ccDay`` range of ISO weekdays (1 = Monday)."""

    start: Annotated[int, Field(ge=1, le=7)]
    end: Annotated[int, Field(ge=1, le=7)] | None = None


class CcDay(_Strict):
    """``ccDay`` condition: weekday ranges (occurrences are not simulated)."""

    type: Literal["ccDay"]
    days: Annotated[list[DayRange], Field(max_length=7)]


class CalendarRule(_Strict):
    """``CalendarRule``: a program that applies between dates on some weekdays."""

    program: Text
    condition: CcDay | None = None
    startDate: Day | None = None
    endDate: Day | None = None


class Calendar(_Strict):
    """``Calendar``: rules, first match wins, and a default program."""

    id: Text
    ownerCMS: Text
    rules: list[CalendarRule] | None = None
    defaultProgram: Text | None = None


class LuminaireType(_Strict):
    """``LuminaireType``: the lamp technology and power the simulated lights use."""

    address: Text
    name: Text
    lightSourceType: (
        Literal["LED", "HPS", "LPS", "MH", "COSMO", "FLUORESCENT", "MERCURY VAPOR", "OTHER"] | None
    ) = None
    powerConsumption: Annotated[Finite, Field(ge=0)] | None = None


CALENDARS: TypeAdapter[list[Calendar]] = TypeAdapter(list[Calendar])
PROGRAMS: TypeAdapter[list[ControlProgramOne]] = TypeAdapter(list[ControlProgramOne])
LUMINAIRE_TYPES: TypeAdapter[list[LuminaireType]] = TypeAdapter(list[LuminaireType])


def body_problem(adapter: TypeAdapter[Any], documents: list[Any]) -> str | None:
    """Why ``documents`` are not what the simulated Gateway stores (the first error), or None."""
    try:
        adapter.validate_python(documents)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}"
    return None
