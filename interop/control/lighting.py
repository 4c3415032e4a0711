"""The street-lighting controller contract: one async API for every lighting management system.

A city's application talks to :class:`LightingController`; a plugin (TALQ, Streetlight.Vision,
...) implements it for one vendor API. Everything crossing the API is canonical: ``LightPoint``
for inventory, ``Measurement`` for telemetry (W, kWh cumulative, %, h, V), ``DimmingSchedule``
for calendars and programs, ``LightingAlarm`` for alarms and ``CommandResult`` for the outcome
of every command, one per light.

Lights are addressed by their LightPoint id. A light's telemetry carries the light in
``feature_of_interest`` and its controller node (``LightPoint.device``) in ``device``.
Commands target the node; their results name the light in ``target``. No light is ever
dropped from a command: each gets a result, ``failed`` with a reason when it could not be
reached.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from abc import abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from interop.adapters import Controller
from interop.errors import NotFound, UnsupportedOperation
from interop.model.base import Provenance, mint_iri
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.device import Device, DeviceKind, FunctionKind
from interop.model.lighting import DimmingSchedule, LightingAlarm, LightPoint
from interop.model.observation import Measurement

__all__ = [
    "BURNING_HOURS",
    "ENERGY",
    "LEVEL",
    "LEVEL_TOLERANCE",
    "POWER",
    "POWER_FACTOR",
    "VOLTAGE",
    "LightingController",
    "light_device",
]

_INTEROP = "https://w3id.org/interop/ontology#"
LEVEL = _INTEROP + "DimmingLevel"
"""Property of a light's output level, in percent (om:percent)."""
POWER = "https://saref.etsi.org/core/Power"
"""Active power, in watts (om:watt)."""
ENERGY = "https://saref.etsi.org/core/Energy"
"""Cumulative active energy, in kilowatt-hours (om:kilowattHour), with counter epochs."""
BURNING_HOURS = _INTEROP + "OperatingTime"
"""Lamp burning hours (om:hour)."""
VOLTAGE = _INTEROP + "Voltage"
"""Supply voltage (om:volt)."""
POWER_FACTOR = _INTEROP + "PowerFactor"
"""Power factor (om:one, 0..1)."""
LEVEL_TOLERANCE = 1.0
"""Percentage points a read-back level may differ from the level set and count as applied."""

_LIGHT_COMMANDS = frozenset(
    {CommandKind.ON, CommandKind.OFF, CommandKind.SET_LEVEL, CommandKind.RESUME_SCHEDULE}
)


def light_device(light: LightPoint) -> Device:
    """The controller node of a light as a ``saref:Device`` (on/off, level, metering)."""
    if light.device is None:
        raise ValueError(f"{light.id} has no controller node (LightPoint.device is None)")
    return Device(
        id=light.device,
        provenance=light.provenance,
        device_kind=DeviceKind.LIGHTING_DEVICE,
        name=light.name,
        functions=frozenset(
            {FunctionKind.ON_OFF, FunctionKind.LEVEL_CONTROL, FunctionKind.METERING}
        ),
        commands=_LIGHT_COMMANDS,
        location=light.location,
    )


class LightingController(Controller):
    """A street-lighting management system (CMS or gateway API), seen through the canonical model.

    Plugins implement the abstract methods; the convenience commands (:meth:`switch`,
    :meth:`set_level`, :meth:`resume_schedule`), :meth:`send`, :meth:`inventory`,
    :meth:`light` and :meth:`confirm` are built on them. Every method may raise
    :class:`~interop.errors.AuthenticationFailed`, :class:`~interop.errors.RateLimited`
    (after the client's retries) or :class:`~interop.errors.SourceUnavailable`; reads of an
    unknown light raise :class:`~interop.errors.NotFound`.
    """

    system: ClassVar[str] = "lighting"
    """Short name of the vendor system (the plugin name), used in minted ids and errors."""
    system_version: ClassVar[str] = "0"
    """The plugin's version, written into the provenance of records it creates."""

    # ------------------------------------------------------------------ inventory

    @abstractmethod
    def lights(self, *, page_size: int = 200) -> AsyncIterator[LightPoint]:
        """Yield every light once, fetching ``page_size`` at a time.

        Paging must survive the vendor's quirks: lights inserted while paging may or may not
        appear, but no light present throughout is skipped or yielded twice, and an expired
        cursor or listing restarts cleanly.
        """

    @abstractmethod
    def device_iri(self, light: str) -> str:
        """The IRI of the controller node of light ``light`` (``LightPoint.device``).

        Pure and total: called for every id a command names, known or not, so it must not
        do I/O or raise (an unknown or foreign id gets a ``failed`` result from ``execute``).
        """

    async def light(self, light: str) -> LightPoint:
        """One light by id; NotFound when the system does not know it."""
        async for candidate in self.lights():
            if candidate.id == light:
                return candidate
        raise NotFound(f"no light {light!r}", source=self.system, expected="a known light id")

    async def inventory(self) -> list[Device]:
        """The controller nodes of every controllable light, as ``saref:Device`` records."""
        return [light_device(light) async for light in self.lights() if light.device]

    async def add_lights(self, lights: Sequence[LightPoint]) -> list[LightPoint]:
        """Create lights in the system (for migration); returns them with the system's ids."""
        raise UnsupportedOperation(
            "this system cannot create lights", source=self.system, expected="a read-only inventory"
        )

    # ------------------------------------------------------------------ telemetry and alarms

    @abstractmethod
    async def telemetry(self, lights: Sequence[str]) -> list[Measurement]:
        """Latest readings of each light: level %, power W, energy kWh (cumulative), ...

        Energy readings of a replaced or reset meter carry a higher counter epoch
        (``extensions["lighting"]["counter_epoch"]``). NotFound for an unknown light.
        """

    @abstractmethod
    async def history(
        self, lights: Sequence[str], start: datetime, end: datetime
    ) -> list[Measurement]:
        """Readings logged between ``start`` and ``end`` (UTC), oldest first per light."""

    @abstractmethod
    async def alarms(self, lights: Sequence[str] | None = None) -> list[LightingAlarm]:
        """Alarms currently raised (for ``lights``, or all lights when None)."""

    # ------------------------------------------------------------------ commands

    @abstractmethod
    async def execute(self, commands: Sequence[Command]) -> list[CommandResult]:
        """Carry out commands (on, off, set_level, resume_schedule), one result per command.

        Results come in the order of ``commands``; each names the light in ``target``.
        ``accepted`` means the system took the command, ``failed``/``rejected`` carry the
        reason in ``detail``. Never raises for one light's failure, and never hangs: a lost
        connection yields ``failed`` results.
        """

    async def send(self, command: Command) -> CommandResult:
        """Carry out one command (the :class:`~interop.adapters.Controller` contract)."""
        return (await self.execute([command]))[0]

    def command(
        self,
        light: str,
        action: CommandKind,
        *,
        level: float | None = None,
        duration: timedelta | None = None,
        issued_by: str | None = None,
    ) -> Command:
        """Build the canonical command for one light, with a fresh id (a random UUID)."""
        now = datetime.now(UTC)
        return Command(
            id=mint_iri("command", self.system, uuid.uuid4().hex),
            provenance=Provenance(
                plugin=self.system, plugin_version=self.system_version, received_at=now
            ),
            action=action,
            target=self.device_iri(light),
            level=level,
            duration=duration.total_seconds() if duration is not None else None,
            issued_at=now,
            issued_by=issued_by,
        )

    async def switch(
        self, lights: Sequence[str], on: bool, *, duration: timedelta | None = None
    ) -> list[CommandResult]:
        """Switch lights on (default level) or off, optionally for ``duration``."""
        action = CommandKind.ON if on else CommandKind.OFF
        return await self.execute([self.command(x, action, duration=duration) for x in lights])

    async def set_level(
        self, lights: Sequence[str], level: float, *, duration: timedelta | None = None
    ) -> list[CommandResult]:
        """Dim lights to ``level`` percent (0 = off), optionally for ``duration``."""
        return await self.execute(
            [self.command(x, CommandKind.SET_LEVEL, level=level, duration=duration) for x in lights]
        )

    async def resume_schedule(self, lights: Sequence[str]) -> list[CommandResult]:
        """End any override so the lights follow their dimming schedule again."""
        return await self.execute([self.command(x, CommandKind.RESUME_SCHEDULE) for x in lights])

    async def confirm(
        self,
        commands: Sequence[Command],
        results: Sequence[CommandResult],
        *,
        timeout: float = 60.0,
        interval: float = 1.0,
    ) -> list[CommandResult]:
        """Wait until telemetry shows accepted level commands took effect; mark them ``applied``.

        Polls :meth:`telemetry` every ``interval`` s until each accepted on/off/set_level
        command's light reports its level (within :data:`LEVEL_TOLERANCE`), or ``timeout``
        passes; unconfirmed results stay ``accepted`` with a detail saying so.
        """
        expected = {
            index: _expected_level(command)
            for index, (command, result) in enumerate(zip(commands, results, strict=True))
            if result.status in (CommandStatus.ACCEPTED, CommandStatus.SUCCEEDED)
            and _expected_level(command) is not None
            and result.target is not None
        }
        final = list(results)
        deadline = time.monotonic() + timeout
        while expected:
            lights = sorted({str(results[i].target) for i in expected})
            levels = {
                str(m.feature_of_interest): float(m.value)
                for m in await self.telemetry(lights)
                if m.property == LEVEL
            }
            now = datetime.now(UTC)
            for index, level in list(expected.items()):
                seen = levels.get(str(results[index].target))
                if seen is not None and level is not None and abs(seen - level) <= LEVEL_TOLERANCE:
                    final[index] = results[index].model_copy(
                        update={"status": CommandStatus.APPLIED, "at": now, "detail": None}
                    )
                    del expected[index]
            if not expected or time.monotonic() >= deadline:
                break
            await asyncio.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        for index in expected:
            final[index] = results[index].model_copy(
                update={"detail": f"not confirmed by telemetry within {timeout:g} s"}
            )
        return final

    # ------------------------------------------------------------------ schedules

    @abstractmethod
    async def schedules(self) -> list[DimmingSchedule]:
        """Every dimming schedule (calendar with its programs) the system can translate.

        A calendar or program the canonical model cannot hold is left out, never fatal:
        :meth:`untranslatable_schedules` names it with the reason.
        """

    def untranslatable_schedules(self) -> list[tuple[str, str]]:
        """(name or id, reason) of each schedule the last :meth:`schedules` call left out."""
        found: list[tuple[str, str]] = getattr(self, "_untranslatable", [])
        return list(found)

    @abstractmethod
    async def save_schedule(self, schedule: DimmingSchedule) -> DimmingSchedule:
        """Create or replace a schedule (matched by ``name``); returns it with the system's id.

        Raises :class:`~interop.errors.EncodeError` naming the field when the vendor format
        cannot hold part of it (nothing is silently dropped).
        """

    @abstractmethod
    async def assignments(self) -> Mapping[str, str]:
        """Which schedule each light follows: light id -> schedule id (unassigned lights absent)."""

    @abstractmethod
    async def assign_schedule(self, schedule: str, lights: Sequence[str]) -> list[CommandResult]:
        """Make ``lights`` follow schedule ``schedule``; one result per light."""


def _expected_level(command: Command) -> float | None:
    if command.action is CommandKind.SET_LEVEL:
        return command.level
    if command.action is CommandKind.OFF:
        return 0.0
    if command.action is CommandKind.ON:
        return 100.0
    return None
