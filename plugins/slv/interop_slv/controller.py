"""The Streetlight.Vision controller: SLV NorthBound JSON services as a LightingController.

Inventory comes from ``asset/getGeozoneDevices`` (offset paging, deduplicated by id,
restarted when the listing expires), telemetry from ``logging/getDeviceLastValues`` and
``logging/getDevicesLogValues`` (string values, DALI arcs, kW, energy deltas summed into
cumulative counters, device-local times), commands from ``dimming/setDimmingLevels``
batches, schedules from ``dimmingscheduler``. See ``docs/plugins/slv.md`` for the profile.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
from pydantic import TypeAdapter

from interop.control.http import ClientSettings, OutcomeUnknown, until
from interop.control.lighting import LightingController
from interop.errors import (
    AuthenticationFailed,
    DecodeError,
    EncodeError,
    InteropError,
    NotFound,
    SourceUnavailable,
    UnsupportedOperation,
    ValidationError,
)
from interop.model.base import Point, Provenance, mint_iri
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.lighting import (
    AlarmState,
    DimmingSchedule,
    LightingAlarm,
    LightPoint,
)
from interop.model.observation import Measurement
from interop_slv import names
from interop_slv.batches import BatchResultLost, StepOutcome, run_dimming_batch
from interop_slv.client import SlvClient
from interop_slv.dali import MAX_ARC, percent_to_arc
from interop_slv.ids import NaturalKey, device_iri, light_iri, parse_iri
from interop_slv.localtime import candidates, from_local, parse_local, series_to_utc, to_local
from interop_slv.manifest import __version__
from interop_slv.schedules import decode_schedule, encode_schedule
from interop_slv.telemetry import Ledger, Report, measurement, split_reports, timed_reports
from interop_slv.values import parse_flag, parse_number
from interop_slv.wire import DeviceDoc, LogValue, TimeZoneDoc, validate

__all__ = ["SlvController"]

T = TypeVar("T")
_DEVICES = TypeAdapter(list[DeviceDoc])
_VALUES = TypeAdapter(list[LogValue])
_SCHEDULES = TypeAdapter(list[dict[str, Any]])
_CHUNK = 50
"""Devices per logging request."""
_BATCH_DEVICES = 200
"""Devices per command batch or setDeviceValues request (servers bound form sizes)."""
_QUERY_TIME = "%d/%m/%Y %H:%M:%S"
_FOLD_MARGIN = timedelta(hours=2)
"""How far past ``end`` history asks, so a local ``to`` bound never cuts a repeated hour."""
_RESTARTS = 5
_SETTLE_SHARE = 0.25
"""Share of a command's deadline kept for re-reading the nodes whose outcome is unclear."""
_SCHEDULE_PREFIX = mint_iri("schedule", "slv", "")


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterable[Sequence[T]]:
    return (items[start : start + size] for start in range(0, len(items), size))


async def _all(calls: Iterable[Awaitable[T]]) -> list[T]:
    """Await calls concurrently; on the first failure cancel (and wait out) the rest."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"{name!r} is not a time zone", field="timezone_fallback", expected="an IANA zone name"
        ) from None


class SlvController(LightingController):
    """Itron Streetlight.Vision through its NorthBound JSON web services.

    ``url`` is the server root (``/reports/api`` is appended); ``username``/``password``
    the CMS user. ``timezone_fallback`` is the zone used when the server cannot tell a
    device's zone. ``geozone_id`` is the geozone whose streetlights (recursively) make up
    the inventory; ``import_controller`` the ``controllerStrId`` :meth:`add_lights` files
    new lights under.
    """

    name: ClassVar[str] = "slv"
    description: ClassVar[str] = "Itron Streetlight.Vision (SLV) NorthBound JSON web services"
    system: ClassVar[str] = "slv"
    system_version: ClassVar[str] = __version__

    def __init__(
        self,
        url: str,
        *,
        username: str,
        password: str,
        settings: ClientSettings | None = None,
        timezone_fallback: str | None = None,
        geozone_id: int = 1,
        import_controller: str = "interop-import",
    ) -> None:
        self.client = SlvClient(url, username=username, password=password, settings=settings)
        self.source = self.client.source
        self._settings = settings or ClientSettings()
        self._fallback = _zone_named(timezone_fallback) if timezone_fallback else None
        self._geozone = geozone_id
        self._import_controller = import_controller
        self._ids: dict[NaturalKey, int] = {}
        self._zones: dict[str, ZoneInfo] = {}
        self._foreign: dict[str, str] = {}
        self._ledgers: dict[int, Ledger] = {}

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.client.aclose()

    def _provenance(self, original: str | None = None) -> Provenance:
        return Provenance(
            plugin=self.system,
            plugin_version=self.system_version,
            source_system=self.source,
            original_id=original,
            received_at=datetime.now(UTC),
        )

    # ------------------------------------------------------------------ inventory

    async def _listing(self, page_size: int) -> AsyncIterator[DeviceDoc]:
        """Every streetlight document once: offset pages, deduplicated, restarted on expiry."""
        if page_size <= 0:
            raise ValidationError(
                f"page_size {page_size} is not positive", field="page_size", expected="an int >= 1"
            )
        seen: set[int] = set()
        offset = restarts = 0
        while True:
            data, response = await self.client.get_response(
                "asset/getGeozoneDevices",
                [
                    ("geozoneId", str(self._geozone)),
                    ("recurse", "true"),
                    ("categoryStrId", "streetlight"),
                    ("offset", str(offset)),
                    ("limit", str(page_size)),
                ],
                what="getGeozoneDevices",
                accept=frozenset({"LISTING_EXPIRED"}),
            )
            if isinstance(data, dict) and data.get("errorCodeLabel") == "LISTING_EXPIRED":
                restarts += 1
                if restarts > _RESTARTS:
                    raise SourceUnavailable(
                        f"the device listing expired {restarts} times", source=self.source
                    )
                offset = 0
                continue
            page = validate(_DEVICES, data, source=self.source, what="device list")
            for doc in page:
                if doc.id in seen:
                    continue
                seen.add(doc.id)
                key = NaturalKey(doc.controllerStrId, doc.idOnController)
                self._ids[key] = doc.id
                yield doc
            offset += len(page)
            total = response.headers.get("pagination-totalCount", "")
            if len(page) < page_size or (total.isdigit() and offset >= int(total)):
                return

    def _light(self, doc: DeviceDoc) -> LightPoint:
        key = NaturalKey(doc.controllerStrId, doc.idOnController)
        power = doc.prop("power")
        lamp = doc.prop("lampType")
        location = None
        if doc.lat is not None and doc.lng is not None:
            location = Point(lat=doc.lat, lon=doc.lng)
        return LightPoint(
            id=light_iri(key),
            provenance=self._provenance(str(doc.id)),
            extensions={
                "slv": {
                    "id": doc.id,
                    "controllerStrId": doc.controllerStrId,
                    "idOnController": doc.idOnController,
                }
            },
            name=doc.name or None,
            device=device_iri(key),
            lamp_type=names.LAMP_TYPES.get(str(lamp)) if lamp is not None else None,
            nominal_power=(
                parse_number(power, field="properties.power", source=self.source)
                if power not in (None, "")
                else None
            ),
            model=doc.modelName or None,
            location=location,
            controllable=True,
        )

    async def lights(self, *, page_size: int = 200) -> AsyncIterator[LightPoint]:
        """Every streetlight of the geozone once, ``page_size`` per request."""
        async for doc in self._listing(page_size):
            yield self._light(doc)

    def device_iri(self, light: str) -> str:
        """The node IRI of a light (derived from its natural key, no request)."""
        try:
            return device_iri(parse_iri(light))
        except NotFound:
            node = mint_iri("device", self.system, f"unknown/{light}")
            self._foreign[node] = light
            return node

    async def _resolve(self, lights: Sequence[str]) -> list[tuple[str, NaturalKey, int]]:
        """(light id, natural key, SLV id) of each distinct light; NotFound for an unknown one."""
        lights = list(dict.fromkeys(lights))
        keys = [parse_iri(light) for light in lights]
        if any(key not in self._ids for key in keys):
            async for _ in self._listing(500):
                pass
        missing = [light for light, key in zip(lights, keys, strict=True) if key not in self._ids]
        if missing:
            raise NotFound(
                f"no light {missing[0]!r} in geozone {self._geozone}",
                source=self.source,
                expected="a light listed by lights()",
            )
        return [(light, key, self._ids[key]) for light, key in zip(lights, keys, strict=True)]

    async def _zone(self, key: NaturalKey) -> ZoneInfo:
        """The zone of a device's clock (cached per controller)."""
        if key.controller in self._zones:
            return self._zones[key.controller]
        try:
            data = await self.client.get(
                "asset/getDeviceTimeZone",
                [("controllerStrId", key.controller), ("idOnController", key.device)],
                what="getDeviceTimeZone",
            )
            zone_id = validate(TimeZoneDoc, data, source=self.source, what="time zone").id
            zone = ZoneInfo(zone_id)
        except (
            NotFound,
            UnsupportedOperation,
            DecodeError,
            ZoneInfoNotFoundError,
            ValueError,
        ) as exc:
            # The server cannot tell (an outage is no reason to guess: it propagates).
            if self._fallback is None:
                if isinstance(exc, InteropError):
                    raise
                raise DecodeError(
                    f"unknown time zone for {key.local_id}: {exc}",
                    source=self.source,
                    field="id",
                    expected="an IANA zone name",
                ) from None
            zone = self._fallback
        self._zones[key.controller] = zone
        return zone

    async def _values(
        self,
        service: str,
        ids: Sequence[int],
        param: str,
        value_names: Sequence[str],
        extra: Sequence[tuple[str, str]] = (),
    ) -> list[LogValue]:
        """Rows of a logging service for devices ``ids``, asked ``_CHUNK`` devices at a time."""

        async def chunk_of(chunk: Sequence[int]) -> list[LogValue]:
            params = [(param, str(number)) for number in chunk]
            params += [("valueName", name) for name in value_names]
            data = await self.client.get(service, [*params, *extra], what=service.split("/")[-1])
            page: list[LogValue] = validate(_VALUES, data, source=self.source, what="value list")
            return page

        pages = await _all(chunk_of(chunk) for chunk in _chunks(ids))
        return [row for page in pages for row in page]

    # ------------------------------------------------------------------ telemetry

    async def telemetry(self, lights: Sequence[str]) -> list[Measurement]:
        """Latest level, power, energy (cumulative), burning hours, voltage and PF per light."""
        resolved = await self._resolve(lights)
        ids = list(dict.fromkeys(number for _, _, number in resolved))
        # Last values first: a NotFound (UNKNOWN_DEVICE) there leaves nothing in flight.
        last = await self._values(
            "logging/getDeviceLastValues",
            ids,
            "param0",
            [names.LEVEL, names.POWER, names.RUNNING_HOURS, names.VOLTAGE, names.POWER_FACTOR],
        )
        await self._update_ledgers(resolved)
        latest: dict[int, list[LogValue]] = {}
        for row in last:
            latest.setdefault(row.deviceId, []).append(row)
        result: list[Measurement] = []
        for light, key, number in resolved:
            zone = await self._zone(key)
            node = device_iri(key)
            provenance = self._provenance(str(number))
            ledger = self._ledgers.get(number)
            anchor = ledger.at if ledger is not None else None
            for row in latest.get(number, []):
                at = from_local(parse_local(row.eventTime or ""), zone, after=anchor)
                item = measurement(
                    row.name,
                    row.value,
                    light=light,
                    node=node,
                    at=at,
                    provenance=provenance,
                    source=self.source,
                )
                if item is not None:
                    result.append(item)
            if ledger is not None:
                item = measurement(
                    names.ENERGY,
                    None,
                    light=light,
                    node=node,
                    at=ledger.at,
                    provenance=provenance,
                    source=self.source,
                    energy=ledger.energy,
                )
                if item is not None:
                    result.append(item)
        return result

    async def _update_ledgers(self, resolved: Sequence[tuple[str, NaturalKey, int]]) -> None:
        """Bring each device's energy ledger up to date from the log (only what is new)."""
        groups: dict[tuple[str, bool], list[tuple[NaturalKey, int]]] = {}
        for _, key, number in resolved:
            zone = await self._zone(key)
            groups.setdefault((zone.key, number in self._ledgers), []).append((key, number))
        for (zone_key, known), members in groups.items():
            zone = ZoneInfo(zone_key)
            numbers = sorted({number for _, number in members})
            extra: list[tuple[str, str]] = []
            after = None
            if known:
                since = min(self._ledgers[number].at for number in numbers) - _FOLD_MARGIN
                local = to_local(since, zone)
                extra = [("from", local.strftime(_QUERY_TIME))]
                after = candidates(local, zone)[0] if candidates(local, zone) else since
            rows = await self._values(
                "logging/getDevicesLogValues",
                numbers,
                "deviceId",
                [names.ENERGY, names.RUNNING_HOURS],
                extra,
            )
            series = split_reports(rows)
            for number in numbers:
                reports = series.get(number, [])
                for report, at in zip(
                    reports,
                    series_to_utc((r.local for r in reports), zone, after=after),
                    strict=True,
                ):
                    report.at = at
                ledger = self._ledgers.get(number)
                if ledger is None:
                    opened = Ledger.open(reports, source=self.source)
                    if opened is not None:
                        self._ledgers[number] = opened
                else:
                    ledger.absorb(reports, source=self.source)

    async def history(
        self, lights: Sequence[str], start: datetime, end: datetime
    ) -> list[Measurement]:
        """Every logged report between ``start`` and ``end`` (UTC), oldest first per light."""
        resolved = await self._resolve(lights)
        result: list[Measurement] = []
        by_zone: dict[str, list[tuple[str, NaturalKey, int]]] = {}
        for entry in resolved:
            zone = await self._zone(entry[1])
            by_zone.setdefault(zone.key, []).append(entry)
        series: dict[int, list[Report]] = {}
        for zone_key, group in by_zone.items():
            until = to_local(end + _FOLD_MARGIN, ZoneInfo(zone_key)).strftime(_QUERY_TIME)
            rows = await self._values(
                "logging/getDevicesLogValues",
                list(dict.fromkeys(number for _, _, number in group)),
                "deviceId",
                names.METERING_VALUES,
                [("to", until)],
            )
            series.update(split_reports(rows))
        for light, key, number in resolved:
            zone = await self._zone(key)
            node = device_iri(key)
            provenance = self._provenance(str(number))
            for report in timed_reports(series.get(number, []), zone, source=self.source):
                if report.at is None or not start <= report.at <= end:
                    continue
                for name, value in report.values.items():
                    item = measurement(
                        name,
                        value,
                        light=light,
                        node=node,
                        at=report.at,
                        provenance=provenance,
                        source=self.source,
                        energy=report.energy,
                    )
                    if item is not None:
                        result.append(item)
        return result

    async def alarms(self, lights: Sequence[str] | None = None) -> list[LightingAlarm]:
        """Raised failure flags (``LampFailure`` = "true", ...) as TALQ-named alarms."""
        if lights is None:
            resolved = [
                (
                    light_iri(NaturalKey(d.controllerStrId, d.idOnController)),
                    NaturalKey(d.controllerStrId, d.idOnController),
                    d.id,
                )
                async for d in self._listing(500)
            ]
        else:
            resolved = await self._resolve(lights)
        by_id = {number: (light, key) for light, key, number in resolved}
        rows = await self._values(
            "logging/getDeviceLastValues", list(by_id), "param0", list(names.ALARM_VALUES)
        )
        result = []
        for row in rows:
            if row.name not in names.ALARM_VALUES or row.deviceId not in by_id:
                continue
            if not parse_flag(row.value, field=row.name, source=self.source):
                continue
            light, key = by_id[row.deviceId]
            at = from_local(parse_local(row.eventTime or ""), await self._zone(key))
            result.append(
                LightingAlarm(
                    id=mint_iri(
                        "alarm", self.system, f"{key.local_id}|{row.name}|{at.isoformat()}"
                    ),
                    provenance=self._provenance(str(row.deviceId)),
                    light=light,
                    alarm_type=names.ALARM_VALUES[row.name],
                    state=AlarmState.RAISED,
                    timestamp=at,
                    detail=row.name,
                )
            )
        return result

    # ------------------------------------------------------------------ commands

    def _arc(self, command: Command) -> int:
        if command.action is CommandKind.ON:
            return MAX_ARC
        if command.action is CommandKind.OFF:
            return 0
        if command.action is CommandKind.RESUME_SCHEDULE:
            return -1
        if command.action is CommandKind.SET_LEVEL and command.level is not None:
            return percent_to_arc(command.level)
        raise EncodeError(
            f"SLV cannot {command.action}",
            source=self.source,
            field="action",
            expected="on, off, set_level or resume_schedule",
        )

    def _result(
        self, command: str, light: str, status: CommandStatus, detail: str | None = None
    ) -> CommandResult:
        return CommandResult(
            id=mint_iri("command-result", self.system, f"{command}|{light}"),
            provenance=self._provenance(),
            command=command,
            target=light,
            status=status,
            at=datetime.now(UTC),
            detail=detail,
        )

    async def _batch(
        self,
        controller: str,
        devices: list[str],
        arc: int,
        duration: int | None,
        deadline: float,
        outcome: dict[NaturalKey, StepOutcome],
        unclear: dict[NaturalKey, tuple[bool, str]],
        running: set[NaturalKey],
    ) -> None:
        """Each device's outcome, ``_BATCH_DEVICES`` per batch, one batch at a time.

        A batch that could not be started fails its devices; one whose start may have been
        received, or whose result could not be read, leaves them ``unclear`` (with whether
        the batch is known to have started) for :meth:`_settle`. ``running`` gains the
        devices of each batch the server has started.
        """
        for chunk in _chunks(devices, _BATCH_DEVICES):
            keys = [NaturalKey(controller, device) for device in chunk]
            try:
                outcome |= await run_dimming_batch(
                    self.client,
                    controller,
                    chunk,
                    arc,
                    duration=duration,
                    deadline=deadline,
                    started=lambda keys=keys: running.update(keys),  # type: ignore[misc]
                )
            except AuthenticationFailed:
                raise
            except OutcomeUnknown as exc:
                started = isinstance(exc, BatchResultLost)
                unclear |= dict.fromkeys(keys, (started, exc.message))
            except InteropError as exc:
                outcome |= dict.fromkeys(keys, ("FAILED", f"not delivered: {exc.message}"))

    async def _settle(
        self,
        unclear: Mapping[tuple[int, NaturalKey], tuple[int, bool, str]],
        deadline: float,
    ) -> dict[tuple[int, NaturalKey], tuple[CommandStatus, str]]:
        """Decide unclear devices from their ``LampCommandLevel``, re-read by ``deadline``.

        ``unclear`` maps (group, device) to the level asked of it, whether its batch started and
        why its outcome is unclear; all are re-read at once, whatever their batch. The
        level asked for: the node took it (accepted). Another level: a batch that never
        started failed; one that started may still reach the node (unknown). No answer in
        time: unknown.
        """
        numbers = {key: self._ids[key] for _, key in unclear if key in self._ids}
        commanded: dict[int, int] = {}
        problem: str | None = None
        try:
            async with until(deadline):
                rows = await self._values(
                    "logging/getDeviceLastValues",
                    sorted(set(numbers.values())),
                    "param0",
                    [names.COMMAND_LEVEL],
                )
            for row in rows:
                if row.name == names.COMMAND_LEVEL and row.value not in (None, ""):
                    commanded[row.deviceId] = round(
                        parse_number(row.value, field=row.name, source=self.source)
                    )
        except AuthenticationFailed:
            raise
        except TimeoutError:
            problem = f"the command's deadline ({self._settings.deadline:g} s) passed"
        except InteropError as exc:
            problem = exc.message
        decided: dict[tuple[int, NaturalKey], tuple[CommandStatus, str]] = {}
        for (group, key), (arc, started, lost) in unclear.items():
            number = numbers.get(key)
            if number is None or problem is not None:
                reason = problem or "the device is not in the listing read so far"
                detail = f"{lost}; re-reading failed: {reason}"
                decided[group, key] = (CommandStatus.UNKNOWN, detail)
            elif commanded.get(number) == arc:
                decided[group, key] = (
                    CommandStatus.ACCEPTED,
                    f"{lost}; the node's {names.COMMAND_LEVEL} shows the level asked for",
                )
            elif started:
                decided[group, key] = (
                    CommandStatus.UNKNOWN,
                    f"{lost}; the node does not show the level yet and the batch may still "
                    "reach it",
                )
            else:
                decided[group, key] = (
                    CommandStatus.FAILED,
                    f"{lost}; a re-read shows the node was not given the level",
                )
        return decided

    def _node_key(self, node: str) -> NaturalKey | None:
        """The natural key in a node IRI, None for a node of a light that is not SLV's."""
        if node in self._foreign:
            return None
        try:
            return parse_iri(node)
        except NotFound:
            return None

    async def execute(self, commands: Sequence[Command]) -> list[CommandResult]:
        """Dimming batches (one per controller, level and duration), one result per command.

        ``OK`` steps are ``accepted`` (the node took the level; :meth:`confirm` waits for
        telemetry), ``TIMEOUT`` and other steps ``failed`` with the reason. Everything runs
        under one deadline (``ClientSettings.deadline``); a batch whose start or result was
        lost is settled by re-reading each node's ``LampCommandLevel`` (see :meth:`_settle`).
        """
        deadline = time.monotonic() + self._settings.deadline
        send_by = deadline - self._settings.deadline * _SETTLE_SHARE
        results: list[CommandResult | None] = [None] * len(commands)
        groups: dict[tuple[str, int, int | None], list[tuple[int, NaturalKey]]] = {}
        for index, command in enumerate(commands):
            target = str(command.target)
            key = self._node_key(target)
            if key is None:
                light = self._foreign.get(target, target)
                results[index] = self._result(
                    command.id, light, CommandStatus.FAILED, f"{light!r} is not an SLV light id"
                )
                continue
            try:
                arc = self._arc(command)
            except EncodeError as exc:
                results[index] = self._result(
                    command.id, light_iri(key), CommandStatus.REJECTED, exc.message
                )
                continue
            duration = math.ceil(command.duration) if command.duration is not None else None
            groups.setdefault((key.controller, arc, duration), []).append((index, key))
        outcomes: list[dict[NaturalKey, StepOutcome]] = [{} for _ in groups]
        running: set[NaturalKey] = set()
        unclear: list[dict[NaturalKey, tuple[bool, str]]] = [{} for _ in groups]
        try:
            async with until(send_by):
                await _all(
                    self._batch(
                        controller,
                        sorted({key.device for _, key in members}),
                        arc,
                        duration,
                        send_by,
                        outcome,
                        lost,
                        running,
                    )
                    for ((controller, arc, duration), members), outcome, lost in zip(
                        groups.items(), outcomes, unclear, strict=True
                    )
                )
        except TimeoutError:
            pass
        pending: dict[tuple[int, NaturalKey], tuple[int, bool, str]] = {}
        for number, (((_, arc, _), members), outcome, lost) in enumerate(
            zip(groups.items(), outcomes, unclear, strict=True)
        ):
            for _, key in members:
                if key in lost:
                    pending[number, key] = (arc, *lost[key])
                elif key not in outcome:
                    reason = "no batch result by the command's deadline"
                    pending[number, key] = (arc, key in running, reason)
        # One re-read for every batch's unclear devices: settling group by group would
        # spend the deadline's last share on the first groups.
        settled = await self._settle(pending, deadline) if pending else {}
        for number, (members, outcome) in enumerate(zip(groups.values(), outcomes, strict=True)):
            for index, key in members:
                light = light_iri(key)
                if (number, key) in settled:
                    verdict, detail = settled[number, key]
                    results[index] = self._result(commands[index].id, light, verdict, detail)
                    continue
                status, message = outcome.get(key, ("MISSING", "no step result in the batch"))
                if status == "OK":
                    results[index] = self._result(commands[index].id, light, CommandStatus.ACCEPTED)
                elif status == "FAILED":
                    results[index] = self._result(
                        commands[index].id, light, CommandStatus.FAILED, message
                    )
                else:
                    results[index] = self._result(
                        commands[index].id,
                        light,
                        CommandStatus.FAILED,
                        f"SLV step {status}: {message or 'no message'}",
                    )
        return [result for result in results if result is not None]

    # ------------------------------------------------------------------ schedules

    async def schedules(self) -> list[DimmingSchedule]:
        """Every ``STREETLIGHT_DIMMING`` calendar with its programs."""
        data = await self.client.get(
            "dimmingscheduler/getSchedules",
            [("category", "STREETLIGHT_DIMMING")],
            what="getSchedules",
        )
        documents = validate(_SCHEDULES, data, source=self.source, what="calendar list")
        found: list[DimmingSchedule] = []
        self._untranslatable: list[tuple[str, str]] = []
        for doc in documents:
            try:
                found.append(
                    decode_schedule(doc, source=self.source, plugin_version=self.system_version)
                )
            except (DecodeError, EncodeError, ValueError) as exc:
                name = doc.get("name") or doc.get("id") or "?"
                text = exc.message if isinstance(exc, InteropError) else str(exc)
                self._untranslatable.append((str(name), text.splitlines()[0]))
        return found

    async def save_schedule(self, schedule: DimmingSchedule) -> DimmingSchedule:
        """Save the programs, then the calendar (replacing one of the same name)."""
        calendar, programs = encode_schedule(schedule)
        owner = schedule.name or schedule.id
        for program in programs:
            await self.client.post(
                "dimmingscheduler/saveProgram",
                [("calendarKey", owner), ("program", orjson.dumps(program).decode())],
                what="saveProgram",
            )
        data = await self.client.post(
            "dimmingscheduler/saveCalendar",
            [("calendarKey", owner), ("calendar", orjson.dumps(calendar).decode())],
            what="saveCalendar",
        )
        native = self.client.envelope(data, what="saveCalendar").value
        if not isinstance(native, str | int) or isinstance(native, bool):
            raise DecodeError(
                f"saveCalendar answered {native!r}",
                source=self.source,
                field="value",
                expected="the calendar id",
            )
        return schedule.model_copy(
            update={
                "id": mint_iri("schedule", self.system, str(native)),
                "provenance": self._provenance(str(native)),
            }
        )

    async def assignments(self) -> Mapping[str, str]:
        """Light id -> schedule id, from each device's ``DimmingCalendar`` property."""
        result = {}
        async for doc in self._listing(500):
            calendar = doc.prop(names.CALENDAR_VALUE)
            if calendar not in (None, ""):
                key = NaturalKey(doc.controllerStrId, doc.idOnController)
                result[light_iri(key)] = mint_iri("schedule", self.system, str(calendar))
        return result

    async def assign_schedule(self, schedule: str, lights: Sequence[str]) -> list[CommandResult]:
        """Write ``DimmingCalendar`` with ``asset/setDeviceValues``; one result per light."""
        if not schedule.startswith(_SCHEDULE_PREFIX):
            raise NotFound(
                f"{schedule!r} is not an SLV schedule",
                source=self.source,
                expected="an id returned by schedules() or save_schedule()",
            )
        native = schedule[len(_SCHEDULE_PREFIX) :]
        command = mint_iri(
            "command", self.system, f"assign|{native}|{datetime.now(UTC).isoformat()}"
        )
        keys: list[NaturalKey | None] = []
        for light in lights:
            try:
                keys.append(parse_iri(light))
            except NotFound:
                keys.append(None)
        form: list[tuple[str, str]] = []
        for key in keys:
            if key is not None:
                form += [("controllerStrId", key.controller), ("idOnController", key.device)]
        outcome: dict[str, str] = {}
        for start in range(0, len(form), 2 * _BATCH_DEVICES):
            data = await self.client.post(
                "asset/setDeviceValues",
                [
                    *form[start : start + 2 * _BATCH_DEVICES],
                    ("valueName", names.CALENDAR_VALUE),
                    ("value", native),
                ],
                what="setDeviceValues",
            )
            value = self.client.envelope(data, what="setDeviceValues").value
            for item in value if isinstance(value, list) else []:
                status, _, rest = str(item).partition(":")
                if status == "OK":
                    outcome[rest] = "OK"
                else:
                    reason, _, device = rest.partition(":")
                    outcome[device] = f"SLV refused: {reason or status}"
        results = []
        for light, key in zip(lights, keys, strict=True):
            if key is None:
                results.append(
                    self._result(command, light, CommandStatus.FAILED, "not an SLV light id")
                )
                continue
            state = outcome.get(f"{key.controller}/{key.device}", "no answer for this device")
            if state == "OK":
                results.append(self._result(command, light, CommandStatus.SUCCEEDED))
            else:
                results.append(self._result(command, light, CommandStatus.FAILED, state))
        return results

    # ------------------------------------------------------------------ migration

    async def add_lights(self, lights: Sequence[LightPoint]) -> list[LightPoint]:
        """Create streetlights with ``asset/createCategoryDevice``; returns them with SLV ids."""
        created = []
        for light in lights:
            if light.location is None:
                raise EncodeError(
                    f"light {light.id} has no location",
                    source=self.source,
                    field="location",
                    expected="a position (SLV devices have lat/lng)",
                )
            name = light.name or light.id.rsplit(":", 1)[-1]
            form = [
                ("categoryStrId", "streetlight"),
                ("controllerStrId", self._import_controller),
                ("idOnController", name),
                ("geoZoneId", str(self._geozone)),
                ("name", name),
                ("lat", repr(light.location.lat)),
                ("lng", repr(light.location.lon)),
            ]
            if light.nominal_power is not None:
                form.append(("power", repr(light.nominal_power)))
            if light.lamp_type is not None:
                form.append(("lampType", names.LAMP_LABELS[light.lamp_type]))
            if light.model is not None:
                form.append(("modelName", light.model))
            data = await self.client.post(
                "asset/createCategoryDevice", form, what="createCategoryDevice"
            )
            doc = validate(
                DeviceDoc,
                self.client.envelope(data, what="createCategoryDevice").value,
                source=self.source,
                what="created device",
            )
            key = NaturalKey(doc.controllerStrId, doc.idOnController)
            self._ids[key] = doc.id
            created.append(self._light(doc))
        return created
