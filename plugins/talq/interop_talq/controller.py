"""``TalqController``: a city's lighting API on top of a Gateway serving the TALQ 2.7.1 Gateway API.

The controller plays the CMS: it reads ``/devices`` (offset/limit paging), reads telemetry
from the LampActuator/LampMonitor attributes, collects history through a logger
configuration and its log report, sends ``/override-commands``, stores calendars and
control programs and assigns them with ``/assign-commands``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from interop.control.http import ClientSettings, OutcomeUnknown, Response, until
from interop.control.lighting import LightingController
from interop.errors import (
    AuthenticationFailed,
    DecodeError,
    EncodeError,
    NotFound,
    SourceUnavailable,
)
from interop.model.base import Provenance, mint_iri
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.lighting import DimmingSchedule, LightingAlarm, LightPoint
from interop.model.observation import Measurement
from interop_talq.client import GatewayClient, describe, talq_errors
from interop_talq.devices import (
    DeviceView,
    decode_alarms,
    decode_light,
    decode_readings,
)
from interop_talq.epochs import EpochTracker
from interop_talq.history import decode_report, logger_config
from interop_talq.ids import SYSTEM, address_of, calendar_of, device_iri, light_iri, schedule_iri
from interop_talq.manifest import __version__
from interop_talq.protocol import (
    FUNCTION_ACTUATOR,
    FUNCTION_BASIC,
    PAGINATION_OFFSET,
    PAGINATION_TOTAL,
    format_time,
    is_uuid,
)
from interop_talq.provisioning import encode_devices
from interop_talq.schedules import decode_schedule, encode_schedule

__all__ = ["TalqController"]

_RESTARTS = 3
_ONE_BY_ONE = 16
"""Up to this many lights are read with one GET /devices/{address} each, more from the listing."""
_SETTLE_SHARE = 0.25
"""Share of a command's deadline kept for re-reading the lights whose outcome is unclear."""


class TalqController(LightingController):
    """The CMS side of the TALQ 2.7.1 Gateway API (``talq:https://gateway.example/``).

    ``token`` is an optional vendor API key (TALQ itself relies on mutual TLS): exchanged
    at ``token_path`` for bearer access tokens, or sent as the bearer token itself when
    ``token_path`` is None. ``client_address`` is this CMS's TALQ address (a UUID; by
    default derived from the URL so it stays the same across runs). ``timezone`` is the
    Gateway's local zone for calendars; by default read from the devices'
    ``BasicFunction.timeZone``.
    """

    name: ClassVar[str] = "talq"
    description: ClassVar[str] = "A Gateway serving the published TALQ 2.7.1 Gateway API."
    system: ClassVar[str] = SYSTEM
    system_version: ClassVar[str] = __version__
    override_chunk: ClassVar[int] = 250
    """Devices per ``/override-commands`` request: TALQ sets no limit, Gateways bound bodies,
    and a fault then costs one chunk, not the fleet."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        client_address: str | None = None,
        settings: ClientSettings | None = None,
        token_path: str | None = "/auth/token",
        timezone: str | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.client_address = client_address or str(uuid.uuid5(uuid.NAMESPACE_URL, self.url))
        self.gateway = GatewayClient(
            self.url,
            client_address=self.client_address,
            token=token,
            token_path=token_path,
            settings=settings,
        )
        self._timezone = timezone
        self._epochs = EpochTracker()
        self._settings = settings or ClientSettings()

    @property
    def source(self) -> str:
        """The Gateway as named in errors."""
        return self.gateway.source

    def _provenance(self) -> Provenance:
        return Provenance(
            plugin=self.system,
            plugin_version=self.system_version,
            source_system=self.url,
            received_at=datetime.now(UTC),
        )

    def device_iri(self, light: str) -> str:
        """The node IRI of a light: the TALQ device whose address the light id carries.

        An id of another system still gets an IRI (commands to it fail with a result).
        """
        return device_iri(address_of(light) or light)

    def _address(self, light: str) -> str:
        address = address_of(light)
        if address is None:
            raise NotFound(f"no light {light!r}", source=self.source, expected="a TALQ light id")
        return address

    # ------------------------------------------------------------------ inventory

    async def _devices(
        self, page_size: int, *, deadline: float | None = None
    ) -> AsyncIterator[DeviceView]:
        """Every device once, paging with offset/limit; an invalidated offset restarts."""
        seen: set[str] = set()
        offset, restarts = 0, 0
        while True:
            response = await self.gateway.request(
                "GET",
                "/devices",
                params=[("offset", str(offset)), ("limit", str(page_size))],
                deadline=deadline,
            )
            if response.status == 400 and offset > 0 and restarts < _RESTARTS:
                restarts += 1
                offset = 0
                continue
            self.gateway.expect(response, (200,), "GET /devices")
            page = response.json()
            if not isinstance(page, list):
                raise DecodeError(
                    "device list is not an array", source=self.source, expected="Device[]"
                )
            for document in page:
                view = DeviceView(document, source=self.source)
                if view.address not in seen:
                    seen.add(view.address)
                    yield view
            offset += len(page)
            total = _int_header(response, PAGINATION_TOTAL, self.source)
            if PAGINATION_OFFSET not in response.headers or not page:
                return
            if (total is not None and offset >= total) or (total is None and len(page) < page_size):
                return

    async def _lookup(self, path: str, key: str) -> dict[str, dict[str, Any]]:
        body = await self.gateway.json("GET", path)
        if not isinstance(body, list):
            raise DecodeError(f"{path} is not an array", source=self.source)
        return {str(x[key]): x for x in body if isinstance(x, dict) and key in x}

    async def _groups(self) -> dict[str, str]:
        members: dict[str, str] = {}
        for group in (await self._lookup("/groups", "address")).values():
            for member in group.get("members") or []:
                if isinstance(member, dict) and member.get("resource") == "devices":
                    members.setdefault(str(member.get("address")), str(group["address"]))
        return members

    async def lights(self, *, page_size: int = 200) -> AsyncIterator[LightPoint]:
        """Every device with a LampActuatorFunction, as a LightPoint."""
        luminaires = await self._lookup("/luminaire-types", "address")
        groups = await self._groups()
        provenance = self._provenance()
        async for view in self._devices(page_size):
            if view.has(FUNCTION_ACTUATOR):
                yield decode_light(
                    view, luminaire_types=luminaires, groups=groups, provenance=provenance
                )

    async def add_lights(self, lights: Sequence[LightPoint]) -> list[LightPoint]:
        """POST the lights as new devices (with LuminaireTypes for lamp and power)."""
        classes = await self._lookup("/device-classes", "name")
        known = await self._lookup("/luminaire-types", "address")
        plan = encode_devices(lights, classes=classes)
        new_types = [t for t in plan.luminaire_types if t["address"] not in known]
        if new_types:
            response = await self.gateway.request("POST", "/luminaire-types", json=new_types)
            self.gateway.expect(response, (201,), "POST /luminaire-types")
        response = await self.gateway.request("POST", "/devices", json=plan.devices)
        self.gateway.expect(response, (201, 202), "POST /devices")
        provenance = self._provenance()
        return [
            light.model_copy(
                update={
                    "id": light_iri(address),
                    "device": device_iri(address),
                    "provenance": provenance.model_copy(update={"original_id": address}),
                    "controllable": True,
                    "group": None,
                }
            )
            for light, address in zip(lights, plan.addresses, strict=True)
        ]

    # ------------------------------------------------------------------ telemetry and alarms

    async def _device(self, light: str) -> DeviceView:
        address = self._address(light)
        response = await self.gateway.request("GET", f"/devices/{address}")
        if response.status == 404:
            raise NotFound(f"no light {light!r}", source=self.source, expected="a known light")
        self.gateway.expect(response, (200,), f"GET /devices/{address}")
        return DeviceView(response.json(), source=self.source)

    async def _views(self, lights: Sequence[str]) -> list[DeviceView]:
        """The devices of ``lights`` in order: one GET each, or the listing for many lights."""
        if len(lights) <= _ONE_BY_ONE:
            return list(await asyncio.gather(*(self._device(light) for light in lights)))
        wanted = {self._address(light): light for light in lights}
        found = {v.address: v async for v in self._devices(200) if v.address in wanted}
        missing = [light for address, light in wanted.items() if address not in found]
        if missing:
            raise NotFound(f"no light {missing[0]!r}", source=self.source, expected="known lights")
        return [found[self._address(light)] for light in lights]

    async def telemetry(self, lights: Sequence[str]) -> list[Measurement]:
        """Level, power, energy, hours, voltage and power factor of each light, latest values."""
        views = await self._views(lights)
        provenance = self._provenance()
        readings: list[Measurement] = []
        for view in views:
            readings.extend(
                decode_readings(view, epoch_of=self._epochs.observe, provenance=provenance)
            )
        return readings

    async def history(
        self, lights: Sequence[str], start: datetime, end: datetime
    ) -> list[Measurement]:
        """Readings logged in ``[start, end]``: a temporary logger config, its report, deleted."""
        addresses = [self._address(light) for light in lights]
        if not addresses:
            return []
        logger = str(uuid.uuid4())
        config = logger_config(logger, self.client_address, addresses, start, end)
        response = await self.gateway.request("POST", "/logger-configs", json=config)
        self.gateway.expect(response, (201,), "POST /logger-configs")
        try:
            report = await self.gateway.json("GET", f"/log-reports/{logger}")
        finally:
            await self.gateway.request("DELETE", f"/logger-configs/{logger}")
        return decode_report(
            report, addresses, start, end, source=self.source, provenance=self._provenance()
        )

    async def alarms(self, lights: Sequence[str] | None = None) -> list[LightingAlarm]:
        """Raised LampMonitorFunction failure events, as LightingAlarms."""
        provenance = self._provenance()
        if lights is None:
            views = [view async for view in self._devices(200)]
        else:
            views = await self._views(lights)
        return [alarm for view in views for alarm in decode_alarms(view, provenance=provenance)]

    # ------------------------------------------------------------------ commands

    async def execute(self, commands: Sequence[Command]) -> list[CommandResult]:
        """``/override-commands`` in chunks of :attr:`override_chunk` per (level, duration).

        Each chunk is sent (and retried) on its own, all under one deadline
        (``ClientSettings.deadline``). A chunk whose answer was lost is settled by re-reading
        its devices' ``targetLightCommand``: the Gateway took it when the ``cmsRefId`` is the
        chunk's, it did not when another command is there. Lights still unclear when the
        deadline passes, or whose re-read failed too, are ``unknown``.
        """
        deadline = time.monotonic() + self._settings.deadline
        now = datetime.now(UTC)
        results: list[CommandResult | None] = [None] * len(commands)
        batches: dict[tuple[float | None, float | None], list[int]] = {}
        for index, command in enumerate(commands):
            level = _level_of(command)
            address = address_of(command.target)
            if not is_uuid(address) or command.action not in _ACTIONS:
                reason = (
                    f"{address or command.target} is not a light of a TALQ Gateway"
                    if not is_uuid(address)
                    else f"{command.action} is not supported by TALQ override commands"
                )
                status = CommandStatus.FAILED if not is_uuid(address) else CommandStatus.REJECTED
                results[index] = _result(command, status, now, reason)
                continue
            batches.setdefault((level, command.duration), []).append(index)
        chunks = [
            (level, duration, indexes[start : start + self.override_chunk])
            for (level, duration), indexes in batches.items()
            for start in range(0, len(indexes), self.override_chunk)
        ]
        outcome: dict[int, CommandResult] = {}
        unclear: dict[int, tuple[str, float | None, str]] = {}
        send_by = deadline - self._settings.deadline * _SETTLE_SHARE
        try:
            async with until(send_by):
                await asyncio.gather(
                    *(
                        self._override(
                            commands, indexes, level, duration, send_by, outcome, unclear
                        )
                        for level, duration, indexes in chunks
                    )
                )
        except TimeoutError:
            pass
        for _, _, indexes in chunks:
            for i in indexes:
                if i not in outcome and i not in unclear:
                    unclear[i] = (commands[indexes[0]].id, _level_of(commands[i]), "no answer yet")
        if unclear:
            await self._settle(commands, unclear, deadline, outcome)
        for index, result in outcome.items():
            results[index] = result
        return [r for r in results if r is not None]

    async def _override(
        self,
        commands: Sequence[Command],
        indexes: list[int],
        level: float | None,
        duration: float | None,
        deadline: float,
        outcome: dict[int, CommandResult],
        unclear: dict[int, tuple[str, float | None, str]],
    ) -> None:
        """Send one chunk (twice at most, without the lights a refusal names)."""
        pending = list(indexes)
        for _ in range(2):
            by_address = {str(address_of(commands[i].target)): i for i in pending}
            reference = commands[pending[0]].id
            body: dict[str, Any] = {
                "addresses": [{"resource": "devices", "address": a} for a in by_address]
            }
            if level is not None:
                target: dict[str, Any] = {
                    "state": {"name": "LevelState", "value": round(level)},
                    "reason": "override",
                    "cmsRefId": reference,
                }
                if duration is not None:
                    until = datetime.now(UTC) + timedelta(seconds=duration)
                    target["expiration"] = format_time(until.replace(microsecond=0))
                body["targetCommand"] = target
            try:
                response = await self.gateway.request(
                    "POST", "/override-commands", json=body, idempotent=True, deadline=deadline
                )
            except AuthenticationFailed:
                raise
            except OutcomeUnknown as exc:
                for i in pending:
                    unclear[i] = (reference, level, exc.message)
                return
            except SourceUnavailable as exc:
                now = datetime.now(UTC)
                for i in pending:
                    failure = f"not delivered: {exc.message}"
                    outcome[i] = _result(commands[i], CommandStatus.FAILED, now, failure)
                return
            now = datetime.now(UTC)
            if response.status in (201, 202):
                status = (
                    CommandStatus.ACCEPTED if response.status == 202 else CommandStatus.SUCCEEDED
                )
                detail = (
                    "accepted by the Gateway (202); it applies the command later"
                    if response.status == 202
                    else None
                )
                for i in pending:
                    outcome[i] = _result(commands[i], status, now, detail)
                return
            pending = self._refused(response, commands, by_address, outcome, now)
            if not pending:
                return
        now = datetime.now(UTC)
        for i in pending:
            detail = "the Gateway refused the request twice without naming this light"
            outcome[i] = _result(commands[i], CommandStatus.FAILED, now, detail)

    async def _settle(
        self,
        commands: Sequence[Command],
        unclear: Mapping[int, tuple[str, float | None, str]],
        deadline: float,
        outcome: dict[int, CommandResult],
    ) -> None:
        """Decide lost chunks from each device's ``targetLightCommand``, re-read by ``deadline``.

        ``unknown`` (with the reason) for each light the re-read cannot reach in time.
        """
        wanted = {str(address_of(commands[i].target)): i for i in unclear}
        views: dict[str, DeviceView] = {}
        problem = ""
        try:
            async with until(deadline):
                if len(wanted) <= _ONE_BY_ONE:
                    for address in wanted:
                        response = await self.gateway.request(
                            "GET", f"/devices/{address}", deadline=deadline
                        )
                        if response.status == 200:
                            views[address] = DeviceView(response.json(), source=self.source)
                else:
                    async for view in self._devices(200, deadline=deadline):
                        if view.address in wanted:
                            views[view.address] = view
        except AuthenticationFailed:
            raise
        except (TimeoutError, SourceUnavailable, DecodeError) as exc:
            problem = (
                exc.message
                if isinstance(exc, SourceUnavailable | DecodeError)
                else (f"the command's deadline ({self._settings.deadline:g} s) passed")
            )
        now = datetime.now(UTC)
        for address, i in wanted.items():
            reference, level, lost = unclear[i]
            seen = views.get(address)
            if seen is None:
                detail = f"the request was lost ({lost}) and re-reading the device failed"
                outcome[i] = _result(
                    commands[i], CommandStatus.UNKNOWN, now, f"{detail}: {problem or 'no answer'}"
                )
                continue
            found = seen.attribute(FUNCTION_ACTUATOR, "targetLightCommand")
            value = found.value if found is not None else None
            active = isinstance(value, dict) and value.get("reason", "override") == "override"
            taken = (
                active and isinstance(value, dict) and value.get("cmsRefId") == reference
                if level is not None
                else not active
            )
            if taken:
                detail = f"the answer was lost ({lost}); a re-read shows the Gateway took it"
                outcome[i] = _result(commands[i], CommandStatus.ACCEPTED, now, detail)
            else:
                detail = (
                    f"the request was lost ({lost}); a re-read shows the Gateway did not take it"
                )
                outcome[i] = _result(commands[i], CommandStatus.FAILED, now, detail)

    def _refused(
        self,
        response: Response,
        commands: Sequence[Command],
        by_address: Mapping[str, int],
        outcome: dict[int, CommandResult],
        now: datetime,
    ) -> list[int]:
        """Fail the lights a refusal names; return the others to resend (none if unnamed)."""
        errors = talq_errors(response)
        named = {a for _, _, refs in errors for a in refs if a in by_address}
        for key, text, refs in errors:
            for address in refs:
                if address in by_address:
                    detail = f"HTTP {response.status} {key}: {text}".strip()
                    outcome[by_address[address]] = _result(
                        commands[by_address[address]], CommandStatus.FAILED, now, detail
                    )
        rest = [i for a, i in by_address.items() if a not in named]
        if named and response.status in (400, 422):
            return rest
        detail = f"HTTP {response.status} {describe(errors) or 'refused'}"
        for i in rest:
            outcome[i] = _result(commands[i], CommandStatus.FAILED, now, detail)
        return []

    # ------------------------------------------------------------------ schedules

    async def timezone(self) -> str:
        """The Gateway's local zone: configured, else the first device's BasicFunction.timeZone.

        A Gateway with no device that states its zone counts as UTC for now; that answer is
        not remembered, so the zone is read again once devices exist.
        """
        if self._timezone is not None:
            return self._timezone
        response = await self.gateway.request(
            "GET", "/devices", params=[("offset", "0"), ("limit", "1")]
        )
        self.gateway.expect(response, (200,), "GET /devices")
        page = response.json()
        if isinstance(page, list) and page:
            found = DeviceView(page[0], source=self.source).attribute(FUNCTION_BASIC, "timeZone")
            if found is not None and isinstance(found.value, str) and found.value:
                self._timezone = found.value
                return found.value
        return "UTC"

    async def schedules(self) -> list[DimmingSchedule]:
        """Every calendar on the Gateway with its control programs.

        A calendar (or one of its programs) the canonical model cannot hold is left out and
        named by :meth:`untranslatable_schedules`.
        """
        zone = await self.timezone()
        calendars = await self._lookup("/calendars", "id")
        programs = await self._lookup("/control-programs", "id")
        found: list[DimmingSchedule] = []
        self._untranslatable: list[tuple[str, str]] = []
        for key, calendar in calendars.items():
            try:
                found.append(decode_schedule(calendar, programs, timezone=zone, source=self.source))
            except (DecodeError, EncodeError, ValueError) as exc:
                name = calendar.get("name") if isinstance(calendar.get("name"), str) else key
                self._untranslatable.append((str(name), _reason(exc)))
        return found

    async def save_schedule(self, schedule: DimmingSchedule) -> DimmingSchedule:
        """Create or replace the calendar named ``schedule.name`` and its programs."""
        zone = await self.timezone()
        calendar, programs = encode_schedule(schedule, owner=self.client_address, timezone=zone)
        existing_programs = await self._lookup("/control-programs", "id")
        existing_calendars = await self._lookup("/calendars", "id")
        for program in programs:
            if program["id"] in existing_programs:
                response = await self.gateway.request(
                    "PUT", f"/control-programs/{program['id']}", json=program
                )
                self.gateway.expect(response, (200,), "PUT /control-programs")
            else:
                response = await self.gateway.request("POST", "/control-programs", json=[program])
                self.gateway.expect(response, (201,), "POST /control-programs")
        if calendar["id"] in existing_calendars:
            response = await self.gateway.request(
                "PUT", f"/calendars/{calendar['id']}", json=calendar
            )
            self.gateway.expect(response, (200,), "PUT /calendars")
        else:
            response = await self.gateway.request("POST", "/calendars", json=[calendar])
            self.gateway.expect(response, (201,), "POST /calendars")
        return decode_schedule(
            calendar, {p["id"]: p for p in programs}, timezone=zone, source=self.source
        )

    async def assignments(self) -> Mapping[str, str]:
        """Map light id -> schedule id, from each LampActuatorFunction.calendarID."""
        found: dict[str, str] = {}
        async for view in self._devices(200):
            calendar = view.attribute(FUNCTION_ACTUATOR, "calendarID")
            if calendar is not None and isinstance(calendar.value, str) and calendar.value:
                found[light_iri(view.address)] = schedule_iri(calendar.value)
        return found

    async def assign_schedule(self, schedule: str, lights: Sequence[str]) -> list[CommandResult]:
        """POST an AssignCommand of the calendar to the lights' devices."""
        now = datetime.now(UTC)
        calendar = calendar_of(schedule)
        stamp = f"assign|{schedule}|{now.isoformat()}"
        addresses = [address_of(light) for light in lights]
        ids = [mint_iri("command", SYSTEM, f"{stamp}|{light}") for light in lights]

        def result(i: int, status: CommandStatus, detail: str | None) -> CommandResult:
            return CommandResult(
                id=mint_iri("command-result", SYSTEM, ids[i]),
                provenance=self._provenance(),
                command=ids[i],
                target=lights[i],
                status=status,
                at=now,
                detail=detail,
            )

        if calendar is None:
            return [
                result(i, CommandStatus.FAILED, f"{schedule} is not a TALQ schedule id")
                for i in range(len(lights))
            ]
        valid = {a: i for i, a in enumerate(addresses) if a is not None}
        results = {
            i: result(i, CommandStatus.FAILED, f"{lights[i]} is not a TALQ light id")
            for i, a in enumerate(addresses)
            if a is None
        }
        if valid:
            body = {
                "addresses": [{"resource": "devices", "address": a} for a in valid],
                "entity": {"resource": "calendars", "address": calendar},
                "cmsRefId": stamp,
            }
            try:
                response = await self.gateway.request("POST", "/assign-commands", json=body)
            except AuthenticationFailed:
                raise
            except SourceUnavailable as exc:
                response = None
                for i in valid.values():
                    results[i] = result(i, CommandStatus.FAILED, str(exc))
            if response is not None and response.status in (201, 202):
                status = (
                    CommandStatus.SUCCEEDED if response.status == 201 else CommandStatus.ACCEPTED
                )
                for i in valid.values():
                    results[i] = result(i, status, None)
            elif response is not None:
                errors = talq_errors(response)
                for i in valid.values():
                    results[i] = result(
                        i, CommandStatus.FAILED, f"HTTP {response.status} {describe(errors)}"
                    )
        return [results[i] for i in range(len(lights))]

    async def aclose(self) -> None:
        """Close the HTTP session."""
        await self.gateway.aclose()


_ACTIONS = frozenset(
    {CommandKind.ON, CommandKind.OFF, CommandKind.SET_LEVEL, CommandKind.RESUME_SCHEDULE}
)


def _reason(exc: Exception) -> str:
    """A one-line reason for an untranslatable document (an InteropError's own message)."""
    text = exc.message if isinstance(exc, DecodeError | EncodeError) else str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _level_of(command: Command) -> float | None:
    if command.action is CommandKind.ON:
        return 100.0
    if command.action is CommandKind.OFF:
        return 0.0
    return command.level


def _result(
    command: Command, status: CommandStatus, at: datetime, detail: str | None
) -> CommandResult:
    address = address_of(command.target)
    return CommandResult(
        id=mint_iri("command-result", SYSTEM, command.id),
        provenance=Provenance(plugin=SYSTEM, plugin_version=__version__, received_at=at),
        command=command.id,
        target=_light_of(address) if address is not None else command.target,
        status=status,
        at=at,
        detail=detail or None,
    )


def _light_of(address: str) -> str:
    """The light id a command target names: a TALQ address, or a foreign light id kept as is."""
    return address if ":" in address else light_iri(address)


def _int_header(response: Response, name: str, source: str) -> int | None:
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise DecodeError(
            f"header {name} is {value!r}", source=source, field=name, expected="an integer"
        ) from None
