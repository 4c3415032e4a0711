"""The lighting-controller conformance suite: one base test class every lighting plugin passes.

Subclass :class:`LightingControllerConformance` and set ``spec`` to your simulator; pytest
then runs every inherited ``test_*`` method against your controller, each in a fresh
simulated world served on 127.0.0.1::

    class TestSlvController(LightingControllerConformance):
        spec = SLV_SIMULATOR
        offline_statuses = frozenset({CommandStatus.FAILED})

Each test builds a small :class:`~interop.simulation.world.LightWorld`, serves it with
:func:`~interop.simulation.server.serve`, connects through ``spec.connect``, manipulates the
world (an offline node, a replaced meter, a raised alarm, injected faults) and checks that
the controller reports the canonical truth of ``docs/lighting.md``. A failure says what the
plugin did wrong. ``pytest --pyargs interop.testing.suite --interop-plugin NAME`` runs the
same class for every simulator the plugin returns from ``interop_simulators``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from itertools import pairwise
from typing import Any, ClassVar, TypeVar

from interop.control.http import ClientSettings, RetryPolicy
from interop.control.lighting import (
    BURNING_HOURS,
    ENERGY,
    LEVEL,
    LEVEL_TOLERANCE,
    POWER,
    POWER_FACTOR,
    VOLTAGE,
    LightingController,
)
from interop.errors import AuthenticationFailed, NotFound, SourceUnavailable
from interop.model.base import Point, mint_iri
from interop.model.command import Command, CommandKind, CommandResult, CommandStatus
from interop.model.lighting import (
    AlarmState,
    AlarmType,
    CalendarRule,
    DimmingProgram,
    DimmingSchedule,
    LampType,
    LightPoint,
    ProgramStep,
    SolarEvent,
    counter_epoch,
    energy_delta,
)
from interop.model.observation import Measurement
from interop.model.units import OM
from interop.simulation.server import SimulatorSpec, serve
from interop.simulation.world import Faults, LightWorld

__all__ = [
    "DST_WINDOWS",
    "SCENARIO_TIMEOUT",
    "UNITS",
    "LightingControllerConformance",
    "LightingSession",
    "conformance_schedule",
]

SCENARIO_TIMEOUT = 30.0
"""Seconds one test scenario may take before the suite calls it a hang."""

UNITS = {
    LEVEL: OM + "percent",
    POWER: OM + "watt",
    ENERGY: OM + "kilowattHour",
    BURNING_HOURS: OM + "hour",
    VOLTAGE: OM + "volt",
    POWER_FACTOR: OM + "one",
}
"""The canonical unit of each lighting property (``docs/lighting.md``)."""

DST_WINDOWS = (
    (datetime(2026, 3, 28, 22, 0, tzinfo=UTC), datetime(2026, 3, 29, 4, 0, tzinfo=UTC)),
    (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), datetime(2026, 10, 25, 4, 0, tzinfo=UTC)),
)
"""UTC spans around the 2026 EU DST changes (01:00 UTC) logged every 15 min by the history test."""

T = TypeVar("T")

_PRECISION_KNOBS = (
    "level_precision",
    "power_precision",
    "energy_precision",
    "hours_precision",
    "voltage_precision",
    "power_factor_precision",
    "timestamp_precision",
)

_NOT_DONE = frozenset(
    {
        CommandStatus.FAILED,
        CommandStatus.REJECTED,
        CommandStatus.TIMED_OUT,
        CommandStatus.UNKNOWN,
    }
)
_TAKEN = frozenset({CommandStatus.ACCEPTED, CommandStatus.APPLIED, CommandStatus.SUCCEEDED})
_REFUSED = frozenset({CommandStatus.FAILED, CommandStatus.REJECTED, CommandStatus.TIMED_OUT})
DEADLINE_GRACE = 0.5
"""Seconds past ``ClientSettings.deadline`` a command may take to return (scheduling slack)."""


def conformance_schedule() -> DimmingSchedule:
    """The schedule the suite saves and reads back (weekday night dimming, weekend full)."""
    weekdays = DimmingProgram(
        key="wd",
        steps=(
            ProgramStep(solar_event=SolarEvent.SUNSET, offset=10, level=100),
            ProgramStep(at=clock(23, 0), level=50),
            ProgramStep(at=clock(5, 30), level=100),
            ProgramStep(solar_event=SolarEvent.SUNRISE, offset=-15, level=0),
        ),
    )
    weekends = DimmingProgram(
        key="we",
        steps=(
            ProgramStep(solar_event=SolarEvent.SUNSET, level=100),
            ProgramStep(solar_event=SolarEvent.SUNRISE, level=0),
        ),
    )
    return DimmingSchedule(
        id=mint_iri("schedule", "conformance", "night-dimming"),
        name="Night dimming",
        timezone="Europe/Brussels",
        programs=(weekdays, weekends),
        rules=(CalendarRule(priority=1, program="wd", weekdays=frozenset({1, 2, 3, 4, 5})),),
        default_program="we",
    )


def _expect(condition: object, message: str) -> None:
    """Fail with ``message`` (what the plugin did wrong) unless ``condition`` holds."""
    if not condition:
        raise AssertionError(message)


def _need(value: T | None, message: str) -> T:
    """``value``, failing with ``message`` when it is None."""
    if value is None:
        raise AssertionError(message)
    return value


@dataclass(slots=True)
class LightingSession:
    """One scenario's world, the simulator's URL and the plugin's controller connected to it."""

    world: LightWorld
    url: str
    controller: LightingController

    async def fleet(self) -> dict[str, LightPoint]:
        """The controller's light for each world light (by key), matched by name."""
        listed = {light.name: light async for light in self.controller.lights()}
        missing = sorted(x.name for x in self.world if x.name not in listed)
        _expect(not missing, f"lights() does not list the simulated lights {missing}")
        return {x.key: listed[x.name] for x in self.world}

    async def telemetry_of(self, light: LightPoint) -> dict[str, Measurement]:
        """The latest measurement of each property of one light (each property once)."""
        found: dict[str, Measurement] = {}
        for m in await self.controller.telemetry([light.id]):
            if m.feature_of_interest != light.id or m.property not in UNITS:
                continue
            _expect(
                m.property not in found,
                f"telemetry([{light.id}]) returned {m.property} twice",
            )
            found[m.property] = m
        return found


class LightingControllerConformance:
    """Checks a :class:`~interop.control.lighting.LightingController` against its simulator.

    Set ``spec``. The knobs below have contract defaults; narrow them, never widen them past
    the contract: ``offline_statuses`` is what a command to an offline node may report
    (never ``applied``; SLV says ``failed``, a TALQ gateway ``accepted``).
    """

    spec: SimulatorSpec
    """The plugin's simulator (``build_app`` + ``connect``)."""
    fleet_size: ClassVar[int] = 12
    seed: ClassVar[int] = 7
    apply_delay: ClassVar[float] = 0.05
    """Seconds the simulated nodes take to apply a command."""
    timeout: ClassVar[float] = 2.0
    """The client's per-request timeout."""
    hang_timeout: ClassVar[float] = 0.5
    """The client's per-request timeout in the hanging-request test."""
    command_deadline: ClassVar[float] = 4.0
    """``ClientSettings.deadline`` in the suite: no command may take longer (plus
    :data:`DEADLINE_GRACE`), whatever the faults."""
    fault_fleet_size: ClassVar[int] = 2000
    """Lights in the world of the fault-at-scale test."""
    confirm_timeout: ClassVar[float] = 5.0
    offline_statuses: ClassVar[frozenset[CommandStatus]] = frozenset(
        {CommandStatus.ACCEPTED, CommandStatus.FAILED, CommandStatus.REJECTED}
    )
    level_precision: ClassVar[float] = LEVEL_TOLERANCE
    power_precision: ClassVar[float] = 0.1
    energy_precision: ClassVar[float] = 0.001
    hours_precision: ClassVar[float] = 0.01
    voltage_precision: ClassVar[float] = 0.1
    power_factor_precision: ClassVar[float] = 0.01
    timestamp_precision: ClassVar[float] = 1.0
    session_ttl: ClassVar[float] = 0.5
    """Seconds a session or token lives in the expiry test (the test outwaits it twice)."""

    # ------------------------------------------------------------------ scaffolding

    def check_knobs(self) -> None:
        """Fail when a subclass widened a tolerance or the offline statuses past the contract."""
        base = LightingControllerConformance
        for knob in _PRECISION_KNOBS:
            mine, limit = getattr(self, knob), getattr(base, knob)
            _expect(mine <= limit, f"{knob} = {mine} widens the contract's {limit}")
        extra = self.offline_statuses - base.offline_statuses
        _expect(
            not extra, f"offline_statuses allows {sorted(extra)}: an offline node never applies"
        )

    def make_world(self, **options: Any) -> LightWorld:
        """A fresh small world (override to tune; keyword options go to LightWorld)."""
        options.setdefault("seed", self.seed)
        options.setdefault("apply_delay", self.apply_delay)
        return LightWorld(options.pop("count", self.fleet_size), **options)

    def client_settings(self, *, timeout: float | None = None, attempts: int = 4) -> ClientSettings:
        """Fast client settings: a short timeout, quick back-off, deterministic jitter."""
        return ClientSettings(
            timeout=self.timeout if timeout is None else timeout,
            retry=RetryPolicy(attempts=attempts, base_delay=0.02, max_delay=0.2),
            seed=self.seed,
            deadline=self.command_deadline,
        )

    @asynccontextmanager
    async def session(
        self, world: LightWorld, settings: ClientSettings | None = None
    ) -> AsyncIterator[LightingSession]:
        """Serve ``world`` and connect the plugin's controller; always closes it."""
        async with serve(self.spec, world) as url:
            controller = self.spec.connect(url, world, settings or self.client_settings())
            try:
                yield LightingSession(world, url, controller)
            finally:
                await controller.aclose()

    def run(
        self,
        scenario: Callable[[LightingSession], Awaitable[None]],
        *,
        world: LightWorld | None = None,
        settings: ClientSettings | None = None,
    ) -> None:
        """Run one scenario in a fresh event loop, failing it after SCENARIO_TIMEOUT."""
        self.check_knobs()

        async def main() -> None:
            async with self.session(world or self.make_world(), settings) as session:
                await scenario(session)

        async def bounded() -> None:
            try:
                await asyncio.wait_for(main(), SCENARIO_TIMEOUT)
            except TimeoutError:
                raise AssertionError(
                    f"the scenario did not finish within {SCENARIO_TIMEOUT} s: the controller hangs"
                ) from None

        asyncio.run(bounded())

    # ------------------------------------------------------------------ 1. inventory

    def test_inventory(self) -> None:
        """Ensure each simulated light is listed once with its name, place, power and node."""

        async def scenario(s: LightingSession) -> None:
            listed = [light async for light in s.controller.lights()]
            names = [light.name for light in listed]
            twice = sorted({n for n in names if names.count(n) > 1 and n is not None})
            _expect(not twice, f"lights() lists {twice} more than once")
            ids = [light.id for light in listed]
            _expect(len(set(ids)) == len(ids), "lights() gives two lights the same id")
            again = {light.name: light.id async for light in s.controller.lights()}
            fleet = {light.name: light for light in listed}
            for sim in s.world:
                light = _need(fleet.get(sim.name), f"lights() does not list {sim.name}")
                where = f"light {sim.name} ({light.id})"
                _expect(
                    light.id.startswith("urn:interop:light:"),
                    f"{where}: id is not a mint_iri('light', ...) URN",
                )
                _expect(again.get(sim.name) == light.id, f"{where}: id changes between listings")
                location = _need(light.location, f"{where}: no location")
                _expect(
                    abs(location.lat - sim.latitude) <= 1e-6
                    and abs(location.lon - sim.longitude) <= 1e-6,
                    f"{where}: location {location} != ({sim.latitude}, {sim.longitude}) "
                    "(latitude/longitude swapped or rounded?)",
                )
                _expect(
                    light.nominal_power == sim.nominal_power,
                    f"{where}: nominal_power {light.nominal_power} != {sim.nominal_power} W",
                )
                _expect(light.controllable, f"{where}: controllable is not True")
                _expect(
                    light.device is not None and light.device == s.controller.device_iri(light.id),
                    f"{where}: device {light.device} is not device_iri(id) "
                    f"{s.controller.device_iri(light.id)}",
                )

        self.run(scenario)

    def test_paging_survives_inserts_and_expiry(self) -> None:
        """Ensure small pages with inserts between them, and an expired listing, skip nothing."""

        async def listing(s: LightingSession, what: str) -> None:
            originals = {x.name for x in s.world}
            page_size = 5
            seen: list[str] = []
            async for light in s.controller.lights(page_size=page_size):
                seen.append(str(light.name))
                if len(seen) % page_size == 1:  # between this page and the next
                    s.world.add_light(position=0)
            twice = sorted({n for n in seen if seen.count(n) > 1})
            _expect(not twice, f"{what}: lights(page_size=5) yields {twice} twice")
            missing = sorted(originals - set(seen))
            _expect(not missing, f"{what}: lights(page_size=5) skips {missing}")

        async def scenario(s: LightingSession) -> None:
            await listing(s, "with lights inserted at the front while paging")
            s.world.faults.expire_listings = True
            await listing(s, "with the listing expiring after the first page")
            _expect(
                not s.world.faults.expire_listings,
                "the simulator never expired the listing: its paged listing must honour "
                "Faults.expire_listings past the first page",
            )

        self.run(scenario)

    # ------------------------------------------------------------------ 2. telemetry

    def test_telemetry(self) -> None:
        """Ensure telemetry gives each property in canonical units, values and UTC instants."""
        world = self.make_world()
        at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
        levels = (0.0, 30.0, 50.0, 75.0, 100.0)
        for index, sim in enumerate(world):
            level = levels[index % len(levels)]
            world.record(
                sim.key,
                at=at + timedelta(seconds=index),
                level=level,
                power=round(sim.nominal_power * level / 100 + 0.3, 1),
                energy=round(sim.current.energy + 12.345, 3),
                burning_hours=sim.current.burning_hours + 7,
                voltage=229.8,
                power_factor=0.93,
            )

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            ids = [fleet[x.key].id for x in s.world]
            measurements = await s.controller.telemetry(ids)
            precision = {
                LEVEL: ("level", self.level_precision),
                POWER: ("power", self.power_precision),
                ENERGY: ("energy", self.energy_precision),
                BURNING_HOURS: ("burning_hours", self.hours_precision),
                VOLTAGE: ("voltage", self.voltage_precision),
                POWER_FACTOR: ("power_factor", self.power_factor_precision),
            }
            for sim in s.world:
                light = fleet[sim.key]
                mine = [m for m in measurements if m.feature_of_interest == light.id]
                for prop, (field, tolerance) in precision.items():
                    found = [m for m in mine if m.property == prop]
                    what = f"telemetry of {sim.name}, {prop}"
                    _expect(len(found) == 1, f"{what}: {len(found)} measurements, expected 1")
                    m = found[0]
                    _expect(m.unit == UNITS[prop], f"{what}: unit {m.unit}, expected {UNITS[prop]}")
                    want = float(getattr(sim.current, field))
                    _expect(
                        abs(float(m.value) - want) <= tolerance,
                        f"{what}: {m.value} != the simulated {want} (tolerance {tolerance}; "
                        "unit not converted?)",
                    )
                    lag = abs((m.timestamp - sim.current.at).total_seconds())
                    _expect(
                        lag <= self.timestamp_precision,
                        f"{what}: timestamp {m.timestamp.isoformat()} is not the reading's UTC "
                        f"instant {sim.current.at.isoformat()} (local time taken as UTC?)",
                    )
                    _expect(m.device == light.device, f"{what}: device {m.device} != node")
                    if prop == ENERGY:
                        _expect(
                            counter_epoch(m) == sim.current.epoch,
                            f"{what}: counter epoch {counter_epoch(m)} != {sim.current.epoch}",
                        )

        self.run(scenario, world=world)

    def test_counter_epoch_after_meter_replacement(self) -> None:
        """Ensure a replaced meter gives a higher counter epoch and no negative energy delta."""
        world = self.make_world()
        sim = next(iter(world))
        now = datetime.now(UTC).replace(microsecond=0)
        world.record(sim.key, at=now - timedelta(minutes=3), energy=1234.567)

        async def scenario(s: LightingSession) -> None:
            light = (await s.fleet())[sim.key]
            before = _need(
                (await s.telemetry_of(light)).get(ENERGY), f"telemetry of {sim.name} has no energy"
            )
            s.world.replace_meter(sim.key, at=now - timedelta(minutes=2))
            s.world.record(sim.key, at=now - timedelta(minutes=1), energy=0.25)
            after = _need(
                (await s.telemetry_of(light)).get(ENERGY),
                f"telemetry of {sim.name} has no energy after replacement",
            )
            _expect(
                counter_epoch(after) > counter_epoch(before),
                f"after the meter of {sim.name} was replaced the counter epoch stayed "
                f"{counter_epoch(after)} (was {counter_epoch(before)}): mark the new counter",
            )
            delta = energy_delta(before, after)
            _expect(
                abs(delta - 0.25) <= self.energy_precision,
                f"energy_delta across the replacement is {delta} kWh, expected 0.25",
            )

        self.run(scenario, world=world)

    def test_unknown_light_is_not_found(self) -> None:
        """Ensure telemetry of a removed or never-known light raises NotFound."""

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            gone = next(iter(s.world))
            s.world.remove_light(gone.key)
            foreign = mint_iri("light", s.controller.system, "no-such-light")
            for light in (fleet[gone.key].id, foreign):
                try:
                    await s.controller.telemetry([light])
                except NotFound:
                    continue
                except Exception as exc:
                    raise AssertionError(
                        f"telemetry([{light!r}]) of an unknown light raised "
                        f"{type(exc).__name__}: {exc}; expected interop.errors.NotFound"
                    ) from exc
                raise AssertionError(f"telemetry([{light!r}]) of an unknown light did not fail")

        self.run(scenario)

    # ------------------------------------------------------------------ 3. history

    def test_history_across_dst(self) -> None:
        """Ensure history gives every reading's exact UTC instant across both DST changes."""
        world = self.make_world()
        logged = list(world)[:2]
        for number, sim in enumerate(logged):
            energy = sim.current.energy
            for start, end in DST_WINDOWS:
                at = start
                while at <= end:
                    energy = round(energy + 0.011 * (number + 1), 3)
                    level = 100.0 if at.minute < 30 else 50.0
                    world.record(sim.key, at=at, level=level, energy=energy)
                    at += timedelta(minutes=15)
        start, end = DST_WINDOWS[0][0], DST_WINDOWS[1][1]  # both ends are readings: inclusive

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            lights = [fleet[x.key] for x in logged]
            found = await s.controller.history([x.id for x in lights], start, end)
            for sim, light in zip(logged, lights, strict=True):
                want = [r for r in sim.history if start <= r.at <= end]
                for prop in (LEVEL, ENERGY):
                    got = [
                        m for m in found if m.feature_of_interest == light.id and m.property == prop
                    ]
                    stamps = [m.timestamp for m in got]
                    what = f"history of {sim.name}, {prop}"
                    wrong = [
                        f"{a.isoformat()} (expected {b.at.isoformat()})"
                        for a, b in zip(stamps, want, strict=False)
                        if a != b.at
                    ]
                    _expect(
                        len(stamps) == len(want) and not wrong,
                        f"{what}: {len(stamps)} readings, expected {len(want)} every 15 min "
                        f"across the DST changes; first differing instants: {wrong[:3]} "
                        "(device-local times must become UTC, the repeated October hour kept)",
                    )
                    _expect(
                        all(b > a for a, b in pairwise(stamps)),
                        f"{what}: timestamps are not strictly increasing (oldest first)",
                    )
                    if prop == LEVEL:
                        off = [
                            (m.timestamp.isoformat(), m.value, r.level)
                            for m, r in zip(got, want, strict=True)
                            if abs(float(m.value) - r.level) > self.level_precision
                        ]
                        _expect(not off, f"{what}: levels differ from the world's: {off[:3]}")

        self.run(scenario, world=world)

    # ------------------------------------------------------------------ 4. commands

    async def _command(
        self, s: LightingSession, lights: Sequence[str], action: CommandKind, **kw: Any
    ) -> tuple[list[Command], list[CommandResult]]:
        """Execute ``action`` on each light id; one result per light, in order, or fail."""
        try:
            commands = [s.controller.command(x, action, **kw) for x in lights]
            results = await s.controller.execute(commands)
        except Exception as exc:
            raise AssertionError(
                f"{action} on {list(lights)} raised {type(exc).__name__}: {exc}; a light that "
                "cannot be reached or is unknown gets a failed or rejected result instead"
            ) from exc
        _expect(
            len(results) == len(commands),
            f"execute of {len(commands)} {action} commands returned {len(results)} results: "
            "every light gets exactly one",
        )
        targets = [r.target for r in results]
        _expect(
            targets == list(lights),
            f"{action} results name {targets}, expected the lights in command order {list(lights)}",
        )
        return commands, results

    def test_set_level_is_confirmed(self) -> None:
        """Ensure set_level 50 is accepted, confirmed applied, and the world is at 50 %."""

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            sims = list(s.world)[:3]
            commands, results = await self._command(
                s, [fleet[x.key].id for x in sims], CommandKind.SET_LEVEL, level=50.0
            )
            for sim, result in zip(sims, results, strict=True):
                _expect(
                    result.status is CommandStatus.ACCEPTED,
                    f"set_level 50 on online {sim.name} is {result.status} ({result.detail}), "
                    "expected accepted",
                )
            final = await s.controller.confirm(
                commands, results, timeout=self.confirm_timeout, interval=0.05
            )
            for sim, result in zip(sims, final, strict=True):
                _expect(
                    result.status is CommandStatus.APPLIED,
                    f"set_level 50 on {sim.name} not confirmed by telemetry: {result.detail} "
                    f"(the world has it at {sim.current.level} %)",
                )
                _expect(
                    abs(sim.current.level - 50.0) <= LEVEL_TOLERANCE,
                    f"set_level 50 reached {sim.name} as {sim.current.level} % "
                    "(level not converted to the vendor's scale?)",
                )

        self.run(scenario)

    def test_switch_off(self) -> None:
        """Ensure switching off brings the lights to level 0, confirmed by telemetry."""

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            sims = list(s.world)[:2]
            commands, results = await self._command(
                s, [fleet[x.key].id for x in sims], CommandKind.OFF
            )
            final = await s.controller.confirm(
                commands, results, timeout=self.confirm_timeout, interval=0.05
            )
            for sim, result in zip(sims, final, strict=True):
                _expect(
                    result.status is CommandStatus.APPLIED,
                    f"switch off of {sim.name} is {result.status} ({result.detail}), "
                    "expected applied",
                )
                _expect(
                    sim.current.level == 0.0,
                    f"switch off left {sim.name} at {sim.current.level} %",
                )

        self.run(scenario)

    def test_resume_schedule_clears_override(self) -> None:
        """Ensure resume_schedule ends a manual override."""

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            sims = list(s.world)[:2]
            lights = [fleet[x.key].id for x in sims]
            await self._command(s, lights, CommandKind.SET_LEVEL, level=30.0)
            overridden = [x.name for x in sims if x.override is None]
            _expect(not overridden, f"set_level 30 did not override {overridden}")
            _, results = await self._command(s, lights, CommandKind.RESUME_SCHEDULE)
            for sim, result in zip(sims, results, strict=True):
                _expect(
                    result.status not in _NOT_DONE,
                    f"resume_schedule of {sim.name} is {result.status}: {result.detail}",
                )
                _expect(
                    sim.override is None,
                    f"after resume_schedule {sim.name} still has an override at "
                    f"{sim.override} % (resume must map to the vendor's 'back to schedule')",
                )

        self.run(scenario)

    def test_partial_failure_one_result_per_light(self) -> None:
        """Ensure an offline and an unknown light get their own results; the rest apply."""

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            on1, offline, gone, on2 = list(s.world)[:4]
            offline.offline = True
            s.world.remove_light(gone.key)
            never = mint_iri("light", s.controller.system, "no-such-light")
            ids = [fleet[x.key].id for x in (on1, offline, gone, on2)] + [never]
            commands, results = await self._command(s, ids, CommandKind.SET_LEVEL, level=50.0)
            status = [r.status for r in results]
            _expect(
                status[0] is CommandStatus.ACCEPTED and status[3] is CommandStatus.ACCEPTED,
                f"the online lights' results are {status[0]} and {status[3]}, expected accepted",
            )
            _expect(
                status[1] in self.offline_statuses,
                f"the offline light's result is {status[1]}, expected one of "
                f"{sorted(self.offline_statuses)}",
            )
            for index, what in ((2, "a removed light"), (4, "a light the system never had")):
                _expect(
                    status[index] in (CommandStatus.FAILED, CommandStatus.REJECTED)
                    and results[index].detail,
                    f"the result for {what} ({ids[index]}) is {status[index]} "
                    f"({results[index].detail}), expected failed or rejected with a detail",
                )
            final = await s.controller.confirm(commands, results, timeout=1.0, interval=0.05)
            _expect(
                final[0].status is CommandStatus.APPLIED
                and final[3].status is CommandStatus.APPLIED,
                f"the online lights were not confirmed applied: {final[0].detail}, "
                f"{final[3].detail}",
            )
            _expect(
                final[1].status is not CommandStatus.APPLIED,
                "the offline light's command was reported applied",
            )
            _expect(
                all(r.level != 50.0 for r in offline.history),
                "the offline light changed level: the simulator applied a command to it",
            )

        self.run(scenario)

    async def _bounded_command(
        self, s: LightingSession, lights: Sequence[str], level: float, what: str
    ) -> tuple[list[Command], list[CommandResult]]:
        """set_level on ``lights`` that must return within the command deadline (+ grace)."""
        limit = self.command_deadline + DEADLINE_GRACE
        try:
            return await asyncio.wait_for(
                self._command(s, lights, CommandKind.SET_LEVEL, level=level), limit
            )
        except TimeoutError:
            raise AssertionError(
                f"with {what} the command outlived its deadline ({self.command_deadline:g} s "
                f"in ClientSettings.deadline): no answer after {limit:g} s"
            ) from None

    def _check_truth(
        self,
        sims: Sequence[Any],
        results: Sequence[CommandResult],
        level: float,
        what: str,
        *,
        unknown_allowed: bool,
    ) -> dict[CommandStatus, int]:
        """Each result against the world: taken iff the light got the level; a tally."""
        tally: dict[CommandStatus, int] = {}
        for sim, result in zip(sims, results, strict=True):
            tally[result.status] = tally.get(result.status, 0) + 1
            got = sim.override is not None and abs(sim.override - level) <= self.level_precision
            if result.status in _TAKEN:
                _expect(
                    got,
                    f"with {what} {sim.name} is reported {result.status} ({result.detail}) "
                    f"but the system never got level {level:g}",
                )
            elif result.status in _REFUSED:
                _expect(
                    not got,
                    f"with {what} {sim.name} is reported {result.status} ({result.detail}) "
                    f"but the system did take level {level:g}: re-read the light's state "
                    "before calling it failed",
                )
                _expect(result.detail, f"with {what} {sim.name} failed without a reason")
            else:
                _expect(
                    result.status is CommandStatus.UNKNOWN and unknown_allowed,
                    f"with {what} {sim.name} is reported {result.status} ({result.detail}) "
                    "although the system could say what happened (re-reads were answered)",
                )
                _expect(result.detail, f"with {what} {sim.name} is unknown without a reason")
        return tally

    def _faulty_command(self, fault: str) -> Callable[[LightingSession], Awaitable[None]]:
        """Every request dropped or hanging: in time, nothing reported taken, reasons given.

        The system can then say nothing, so ``unknown`` is as truthful as ``failed``.
        """

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            await s.controller.telemetry([fleet[x.key].id for x in s.world][:1])  # logged in
            sims = list(s.world)[:2]
            ids = [fleet[x.key].id for x in sims]
            setattr(s.world.faults, fault, 10_000)
            try:
                _, results = await self._bounded_command(s, ids, 50.0, fault)
            finally:
                setattr(s.world.faults, fault, 0)
            self._check_truth(sims, results, 50.0, f"every request {fault}", unknown_allowed=True)

        return scenario

    def test_results_match_truth_under_faults(self) -> None:
        """Ensure, at fleet scale, every result matches the world under each kind of fault.

        A fresh level per round, faults aimed at the command request (or at result polling)
        so that re-reads get through: 429/503 bursts (one with a Retry-After past the
        deadline), dropped and hanging connections, and lost batch results. A light is
        ``accepted`` only if the system got its level, ``failed`` only if it did not, and
        ``unknown`` never (the system could always be asked). No command outlives its
        deadline.
        """
        spec = self.spec
        status = spec.rate_limit_status
        only = (spec.command_path,) if spec.command_path else ()
        rounds: list[tuple[str, float, dict[str, Any]]] = [
            (
                f"HTTP {status}/503 bursts",
                11.0,
                {"fail_next": [(status, 60.0)] + [(status, 0.05), (503, 0.05)] * 5},
            ),
            ("dropped connections", 23.0, {"drop_rate": 0.6}),
            ("hanging requests", 37.0, {"hang_rate": 0.5}),
        ]
        if spec.result_path:
            rounds.append(
                (
                    "result polling failing",
                    61.0,
                    {"fail_next": [(503, 0.05)] * 100_000, "only_paths": (spec.result_path,)},
                )
            )

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            sims = list(s.world)
            ids = [fleet[x.key].id for x in sims]
            seen: dict[CommandStatus, int] = {}
            for what, level, faults in rounds:
                s.world.faults.only_paths = only
                for name, value in faults.items():
                    setattr(s.world.faults, name, value)
                try:
                    _, results = await self._bounded_command(s, ids, level, what)
                finally:
                    s.world.faults = Faults()
                tally = self._check_truth(sims, results, level, what, unknown_allowed=False)
                for status_, count in tally.items():
                    seen[status_] = seen.get(status_, 0) + count
            _expect(
                seen.keys() & _TAKEN and seen.keys() & _REFUSED,
                f"the faults let every command through or none ({seen}): the test proves nothing",
            )

        self.run(
            scenario,
            world=self.make_world(count=self.fault_fleet_size),
            settings=self.client_settings(timeout=0.5, attempts=3),
        )

    def test_dropped_command_is_resent(self) -> None:
        """Ensure a command whose connection drops once is resent (it is idempotent) and taken."""

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            await s.controller.telemetry([fleet[x.key].id for x in s.world][:1])  # logged in
            sims = list(s.world)[:2]
            s.world.faults.drop_next = 1
            _, results = await self._command(
                s, [fleet[x.key].id for x in sims], CommandKind.SET_LEVEL, level=50.0
            )
            _expect(s.world.faults.drop_next == 0, "the command sent no request")
            for sim, result in zip(sims, results, strict=True):
                _expect(
                    result.status is CommandStatus.ACCEPTED,
                    f"after one dropped connection set_level on {sim.name} is {result.status} "
                    f"({result.detail}), expected accepted: an absolute level is idempotent, "
                    "so the request should be resent",
                )

        self.run(scenario)

    def test_dropped_connection_fails_commands(self) -> None:
        """Ensure commands over a connection that drops return failed results, no exception."""
        self.run(self._faulty_command("drop_next"))

    def test_hanging_request_fails_commands(self) -> None:
        """Ensure commands whose requests hang return failed results within the timeout."""
        self.run(
            self._faulty_command("hang_next"),
            settings=self.client_settings(timeout=self.hang_timeout, attempts=2),
        )

    # ------------------------------------------------------------------ 5. errors

    def test_wrong_credentials(self) -> None:
        """Ensure a controller with wrong credentials raises AuthenticationFailed on first use."""
        self.check_knobs()
        served = self.make_world()
        impostor = self.make_world(
            username="intruder", password="wrong-password", token="wrong-token"
        )

        async def main() -> None:
            async with serve(self.spec, served) as url:
                controller = self.spec.connect(url, impostor, self.client_settings())
                try:
                    listed = [x async for x in controller.lights()]
                except AuthenticationFailed:
                    return
                except Exception as exc:
                    raise AssertionError(
                        f"wrong credentials raised {type(exc).__name__}: {exc}; expected "
                        "interop.errors.AuthenticationFailed"
                    ) from exc
                finally:
                    await controller.aclose()
                raise AssertionError(f"wrong credentials were accepted: {len(listed)} lights")

        asyncio.run(asyncio.wait_for(main(), SCENARIO_TIMEOUT))

    def test_overload_is_retried(self) -> None:
        """Ensure two overload answers are retried after their Retry-After (0.3 s each)."""

        async def scenario(s: LightingSession) -> None:
            light = next(iter((await s.fleet()).values()))
            await s.controller.telemetry([light.id])
            status = self.spec.rate_limit_status
            s.world.faults.fail_next = [(status, 0.3)] * 2
            began = time.monotonic()
            try:
                found = await s.controller.telemetry([light.id])
            except SourceUnavailable as exc:
                raise AssertionError(
                    f"two HTTP {status} answers were not retried: {type(exc).__name__}: {exc}"
                ) from exc
            took = time.monotonic() - began
            _expect(found, "telemetry after two overload answers is empty")
            _expect(not s.world.faults.fail_next, "the injected overload answers were not met")
            _expect(
                took >= 0.59,
                f"the retries came after {took:.2f} s in all, before the two Retry-After: 0.3",
            )

        self.run(scenario)

    def test_persistent_overload_raises(self) -> None:
        """Ensure endless overload raises SourceUnavailable (RateLimited on 429), no hang."""

        async def scenario(s: LightingSession) -> None:
            light = next(iter((await s.fleet()).values()))
            status = self.spec.rate_limit_status
            s.world.faults.fail_next = [(status, 0.05)] * 1000
            try:
                await s.controller.telemetry([light.id])
            except SourceUnavailable:
                return
            except Exception as exc:
                raise AssertionError(
                    f"endless HTTP {status} raised {type(exc).__name__}: {exc}; expected "
                    "SourceUnavailable or RateLimited"
                ) from exc
            finally:
                s.world.faults.fail_next = []
            raise AssertionError(f"telemetry succeeded although every answer was HTTP {status}")

        self.run(scenario)

    def test_expired_session_is_renewed(self) -> None:
        """Ensure calls keep working after the session or token expired."""

        async def scenario(s: LightingSession) -> None:
            light = next(iter((await s.fleet()).values()))
            for round_ in range(2):
                await asyncio.sleep(self.session_ttl * 1.2)
                try:
                    found = await s.controller.telemetry([light.id])
                except AuthenticationFailed as exc:
                    raise AssertionError(
                        f"after the session expired (round {round_ + 1}) the controller did not "
                        f"log in again: {exc}"
                    ) from exc
                _expect(found, "telemetry after the session expired is empty")

        self.run(scenario, world=self.make_world(session_ttl=self.session_ttl))

    # ------------------------------------------------------------------ 6. schedules

    def test_schedule_round_trip(self) -> None:
        """Ensure a saved schedule reads back equal (ids, provenance, extensions aside)."""

        async def scenario(s: LightingSession) -> None:
            wanted = conformance_schedule()
            saved = await s.controller.save_schedule(wanted)
            stored = [x for x in await s.controller.schedules() if x.id == saved.id]
            _expect(
                len(stored) == 1,
                f"schedules() lists {len(stored)} schedules with the saved id {saved.id}",
            )
            problems = _schedule_differences(wanted, stored[0], self.level_precision)
            _expect(not problems, "the schedule read back differs: " + "; ".join(problems))

        self.run(scenario)

    def test_schedule_assignment(self) -> None:
        """Ensure assign_schedule makes assignments() map each light to the schedule."""

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            lights = [fleet[x.key] for x in list(s.world)[:3]]
            saved = await s.controller.save_schedule(conformance_schedule())
            results = await s.controller.assign_schedule(saved.id, [x.id for x in lights])
            _expect(
                [r.target for r in results] == [x.id for x in lights],
                f"assign_schedule results name {[r.target for r in results]}, expected the "
                "lights in order",
            )
            failed = [(r.target, r.status, r.detail) for r in results if r.status in _NOT_DONE]
            _expect(not failed, f"assign_schedule failed for {failed}")
            assigned = await s.controller.assignments()
            for light in lights:
                _expect(
                    assigned.get(light.id) == saved.id,
                    f"assignments() maps {light.id} to {assigned.get(light.id)}, "
                    f"expected {saved.id}",
                )

        self.run(scenario)

    # ------------------------------------------------------------------ 7. alarms

    def test_alarms(self) -> None:
        """Ensure a raised alarm is listed for its light and a cleared one is not."""

        async def scenario(s: LightingSession) -> None:
            fleet = await s.fleet()
            failing, mended = list(s.world)[:2]
            s.world.raise_alarm(failing.key, AlarmType.LAMP_FAILURE)
            s.world.raise_alarm(mended.key, AlarmType.LAMP_FAILURE)
            s.world.clear_alarm(mended.key, AlarmType.LAMP_FAILURE)
            alarms = await s.controller.alarms()
            mine = [a for a in alarms if a.light == fleet[failing.key].id]
            _expect(
                any(
                    a.alarm_type is AlarmType.LAMP_FAILURE and a.state is AlarmState.RAISED
                    for a in mine
                ),
                f"alarms() has no raised lamp_failure for {failing.name} "
                f"({fleet[failing.key].id}): {[(a.light, a.alarm_type) for a in alarms]}",
            )
            cleared = [a for a in alarms if a.light == fleet[mended.key].id]
            _expect(not cleared, f"alarms() lists the cleared alarm of {mended.name}: {cleared}")
            only = await s.controller.alarms([fleet[mended.key].id])
            _expect(
                not any(a.light == fleet[failing.key].id for a in only),
                f"alarms([{mended.name}]) lists alarms of other lights",
            )

        self.run(scenario)

    # ------------------------------------------------------------------ 8. migration

    def test_add_lights(self) -> None:
        """Ensure add_lights creates lights with their name, place, power and lamp type."""
        new = [
            LightPoint(
                id=mint_iri("light", "conformance", f"new-{n}"),
                name=f"NEW-{n}",
                location=Point(lat=50.85 + n / 1000, lon=4.35 + n / 1000),
                nominal_power=power,
                lamp_type=lamp,
                controllable=True,
            )
            for n, (power, lamp) in enumerate(
                ((45.0, LampType.LED), (70.0, LampType.HIGH_PRESSURE_SODIUM))
            )
        ]

        async def scenario(s: LightingSession) -> None:
            created = await s.controller.add_lights(new)
            _expect(len(created) == len(new), f"add_lights returned {len(created)} of {len(new)}")
            listed = {x.name: x async for x in s.controller.lights()}
            for given, made in zip(new, created, strict=True):
                what = f"add_lights({given.name})"
                _expect(made.name == given.name, f"{what} returned the name {made.name}")
                _expect(made.id != given.id, f"{what} kept the foreign id instead of the system's")
                sim = _need(s.world.by_name(str(given.name)), f"{what} created no light")
                where = _need(given.location, "a new light has a location")
                _expect(
                    abs(sim.latitude - where.lat) <= 1e-6
                    and abs(sim.longitude - where.lon) <= 1e-6
                    and sim.nominal_power == given.nominal_power,
                    f"{what} stored ({sim.latitude}, {sim.longitude}, {sim.nominal_power} W)",
                )
                back = _need(listed.get(given.name), f"{what}: the new light is not listed")
                _expect(back.id == made.id, f"{what}: listed as {back.id}, returned as {made.id}")
                _expect(
                    back.lamp_type == given.lamp_type and made.lamp_type == given.lamp_type,
                    f"{what}: lamp type {given.lamp_type} came back as {back.lamp_type}",
                )

        self.run(scenario)


def _schedule_differences(
    wanted: DimmingSchedule, got: DimmingSchedule, tolerance: float
) -> list[str]:
    """What differs between two schedules, ids, provenance and extensions aside.

    Levels may differ by ``tolerance``; rule priorities only by their order (vendors keep an
    ordered rule list, not numbers).
    """
    problems = []
    for field in ("name", "timezone", "default_program"):
        if getattr(wanted, field) != getattr(got, field):
            problems.append(f"{field} {getattr(got, field)!r} != {getattr(wanted, field)!r}")
    rules = [r.model_dump(exclude={"priority"}) for r in got.rules]
    if rules != [r.model_dump(exclude={"priority"}) for r in wanted.rules]:
        problems.append(f"rules {got.rules} != {wanted.rules}")
    programs = {p.key: p for p in got.programs}
    if sorted(programs) != sorted(p.key for p in wanted.programs):
        problems.append(f"programs {sorted(programs)} != {[p.key for p in wanted.programs]}")
        return problems
    for program in wanted.programs:
        steps = programs[program.key].steps
        if len(steps) != len(program.steps):
            problems.append(f"program {program.key!r} has steps {steps}")
            continue
        for want, have in zip(program.steps, steps, strict=True):
            same = want.model_dump(exclude={"level"}) == have.model_dump(exclude={"level"})
            if not same or abs(want.level - have.level) > tolerance:
                problems.append(f"program {program.key!r}: step {have} != {want}")
    return problems
