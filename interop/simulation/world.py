"""A vendor-neutral fleet of simulated street lights, and the faults a simulator injects.

One :class:`LightWorld` backs every vendor simulator: a plugin's simulator renders it in its
vendor API (TALQ attributes, Streetlight.Vision strings and DALI arcs, ...) and the
conformance suite manipulates it directly (take a node offline, replace a meter, raise an
alarm, insert lights while a client pages) to check that each plugin reports the same
canonical truth. Levels are percent, power watts, energy kWh cumulative per counter epoch,
times timezone-aware UTC. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from interop.model.lighting import AlarmType

__all__ = ["Faults", "LightWorld", "Reading", "SimAlarm", "SimLight"]

_LAMP_POWERS = (18.0, 29.0, 36.0, 45.0, 64.0, 70.0, 100.0)


@dataclass(frozen=True, slots=True)
class Reading:
    """One telemetry report of a light, as its controller node logged it."""

    at: datetime
    level: float
    """Actual light output, percent (0 = off)."""
    power: float
    """Active power, W."""
    energy: float
    """Cumulative active energy of the current counter, kWh."""
    epoch: int
    """Counter epoch: bumped when the meter (or lamp with its driver) is replaced."""
    burning_hours: float
    voltage: float
    power_factor: float


@dataclass(slots=True)
class SimAlarm:
    """An alarm of a light; ``cleared_at`` None while it is raised."""

    alarm_type: AlarmType
    raised_at: datetime
    cleared_at: datetime | None = None


@dataclass(slots=True)
class SimLight:
    """One simulated light point and its controller node."""

    key: str
    """Vendor-neutral stable key ("0001"); vendor façades derive their own ids from it."""
    name: str
    """Unique name ("LP-0001"); the conformance suite matches lights across systems by it."""
    latitude: float
    longitude: float
    nominal_power: float
    lamp_type: str = "led"
    group: str | None = None
    history: list[Reading] = field(default_factory=list)
    """Every report, oldest first; the last is the current state."""
    override: float | None = None
    """Level of a manual override in effect; None = following the schedule."""
    override_until: datetime | None = None
    schedule: str | None = None
    """Id of the schedule assigned (native to the façade that stored it)."""
    offline: bool = False
    """An offline node accepts nothing: commands to it never apply."""
    alarms: list[SimAlarm] = field(default_factory=list)
    pending: list[tuple[float, float | None]] = field(default_factory=list)
    """Commands waiting to apply: (monotonic due time, level or None = resume schedule)."""
    native: dict[str, Any] = field(default_factory=dict)
    """Vendor façades keep what only their API has here (keyed by façade name)."""

    @property
    def current(self) -> Reading:
        """The latest report."""
        return self.history[-1]

    def active_alarms(self) -> list[SimAlarm]:
        """Alarms raised and not cleared."""
        return [alarm for alarm in self.alarms if alarm.cleared_at is None]


@dataclass(slots=True)
class Faults:
    """What a simulator does wrong on purpose; every knob off by default.

    ``fail_next`` answers the next requests with the given statuses (each with
    ``retry_after`` seconds in ``Retry-After`` when not None); ``drop_next`` closes the
    connection of the next requests without answering; ``rate_limit`` answers requests
    beyond that many per second (per client) as the vendor signals overload.
    """

    latency: float = 0.0
    """Seconds added to every response."""
    error_rate: float = 0.0
    """Share of requests answered as overloaded (503), drawn from the world's RNG."""
    throttle_rate: float = 0.0
    """Share of requests answered as rate-limited (the vendor's rate-limit status)."""
    drop_rate: float = 0.0
    """Share of requests whose connection is closed without an answer."""
    hang_rate: float = 0.0
    """Share of requests left unanswered (the client's timeout must fire)."""
    rate_limit: float | None = None
    """Requests per second per client before overload answers; None = unlimited."""
    retry_after: float = 1.0
    """Seconds announced in ``Retry-After`` for rate limiting and random errors."""
    fail_next: list[tuple[int, float | None]] = field(default_factory=list)
    drop_next: int = 0
    hang_next: int = 0
    """Requests to leave unanswered (the client's timeout must fire)."""
    expire_listings: bool = False
    """The next paged listing request past the first page finds its listing expired."""
    only_paths: tuple[str, ...] = ()
    """When not empty, ``fail_next``/``drop_next``/``hang_next``/``error_rate`` only hit
    requests whose path contains one of these (e.g. only the command or result-polling
    service), so that a test can fail one step while the re-reads get through."""


class LightWorld:
    """The simulated fleet: lights in listing order, faults, credentials, counters.

    ``apply_delay`` is how long a command takes to show in telemetry (seconds; vendors
    report actual state later than they acknowledge a command). ``username``/``password``
    and ``token`` are the credentials the simulators accept; ``session_ttl`` how long a
    session or token stays valid (seconds, None = forever).
    """

    def __init__(
        self,
        count: int = 50,
        *,
        seed: int = 0,
        timezone: str = "Europe/Brussels",
        apply_delay: float = 0.0,
        start: datetime | None = None,
        username: str = "operator",
        password: str = "secret",
        token: str = "sim-token",
        session_ttl: float | None = None,
        centre: tuple[float, float] = (50.8466, 4.3517),
    ) -> None:
        self.rng = random.Random(seed)
        self.timezone = timezone
        self.apply_delay = apply_delay
        self.start = start or datetime(2026, 1, 15, 0, 0, tzinfo=UTC)
        self.username = username
        self.password = password
        self.token = token
        self.session_ttl = session_ttl
        self.centre = centre
        self.faults = Faults()
        self.lights: list[SimLight] = []
        self.schedules: dict[str, Any] = {}
        """Schedules as the façade stored them (native documents by id)."""
        self.raw_log: list[tuple[str, str, Any]] = []
        """(light key, field, raw vendor value) of commands as received, for tests."""
        self.requests = 0
        """Requests served, faults included."""
        self._index: dict[str, SimLight] = {}
        self._serial = 0
        for _ in range(count):
            self.add_light()

    # ------------------------------------------------------------------ fleet

    def add_light(
        self,
        *,
        name: str | None = None,
        position: int | None = None,
        nominal_power: float | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        group: str | None = None,
        lamp_type: str = "led",
    ) -> SimLight:
        """Add a light (at ``position`` in listing order, default last) with one reading."""
        self._serial += 1
        key = f"{self._serial:04d}"
        lat, lon = self.centre
        power = nominal_power if nominal_power is not None else self.rng.choice(_LAMP_POWERS)
        light = SimLight(
            key=key,
            name=name or f"LP-{key}",
            latitude=round(
                latitude if latitude is not None else lat + self.rng.uniform(-0.02, 0.02), 6
            ),
            longitude=round(
                longitude if longitude is not None else lon + self.rng.uniform(-0.03, 0.03), 6
            ),
            nominal_power=power,
            lamp_type=lamp_type,
            group=group if group is not None else f"G{(self._serial - 1) % 4 + 1}",
        )
        hours = float(self.rng.randrange(0, 20_000))
        light.history.append(
            Reading(
                at=self.start,
                level=100.0,
                power=power,
                energy=round(hours * power / 1000 * 0.8, 3),
                epoch=0,
                burning_hours=hours,
                voltage=round(self.rng.uniform(225.0, 235.0), 1),
                power_factor=round(self.rng.uniform(0.9, 0.99), 3),
            )
        )
        self._index[key] = light
        if position is None:
            self.lights.append(light)
        else:
            self.lights.insert(position, light)
        return light

    def remove_light(self, key: str) -> None:
        """Delete a light."""
        light = self._index.pop(key)
        self.lights.remove(light)

    def get(self, key: str) -> SimLight | None:
        """The light with that key, or None."""
        return self._index.get(key)

    def by_name(self, name: str) -> SimLight | None:
        """The light with that name, or None."""
        return next((light for light in self.lights if light.name == name), None)

    def __iter__(self) -> Iterator[SimLight]:
        return iter(list(self.lights))

    def __len__(self) -> int:
        return len(self.lights)

    # ------------------------------------------------------------------ commands

    def command(
        self, keys: Iterable[str], level: float | None, *, duration: float | None = None
    ) -> dict[str, str]:
        """Queue a level (None = resume schedule) for lights; returns each key's fate.

        "queued" (it will apply after ``apply_delay``), "offline" (accepted by the system but
        it will never reach the node) or "unknown" (no such light).
        """
        due = time.monotonic() + self.apply_delay
        fates: dict[str, str] = {}
        for key in keys:
            light = self._index.get(key)
            if light is None:
                fates[key] = "unknown"
                continue
            if light.offline:
                fates[key] = "offline"
                continue
            light.override = level
            light.override_until = (
                datetime.now(UTC) + timedelta(seconds=duration)
                if duration and level is not None
                else None
            )
            light.pending.append((due, level))
            fates[key] = "queued"
        self.tick()
        return fates

    def tick(self) -> None:
        """Apply the commands whose delay has passed (simulators call it on every request)."""
        now = time.monotonic()
        for light in self.lights:
            if not light.pending:
                continue
            due = [item for item in light.pending if item[0] <= now]
            if not due:
                continue
            light.pending = [item for item in light.pending if item[0] > now]
            for _, level in due:
                self._apply(light, 100.0 if level is None else level)

    def _apply(self, light: SimLight, level: float) -> None:
        last = light.current
        at = max(datetime.now(UTC), last.at + timedelta(microseconds=1))
        self.record(
            light.key, at=at, level=level, power=round(light.nominal_power * level / 100, 3)
        )

    # ------------------------------------------------------------------ telemetry and alarms

    def record(self, key: str, *, at: datetime, **values: float | int) -> Reading:
        """Append a report at ``at`` (UTC) with some values changed (the rest carried over).

        Reports are a time series: one older than the light's latest raises ValueError.
        """
        light = self._index[key]
        last = light.current
        if at < last.at:
            raise ValueError(
                f"light {key}: a report at {at.isoformat()} is older than its latest, "
                f"{last.at.isoformat()}"
            )
        fields = {
            "at": at,
            "level": last.level,
            "power": last.power,
            "energy": last.energy,
            "epoch": last.epoch,
            "burning_hours": last.burning_hours,
            "voltage": last.voltage,
            "power_factor": last.power_factor,
        }
        fields.update(values)
        reading = Reading(**fields)  # type: ignore[arg-type]
        light.history.append(reading)
        return reading

    def replace_meter(self, key: str, *, at: datetime | None = None) -> Reading:
        """Replace a light's lamp and meter: a new counter epoch starting at 0 kWh, 0 h."""
        light = self._index[key]
        return self.record(
            key,
            at=at or datetime.now(UTC),
            energy=0.0,
            burning_hours=0.0,
            epoch=light.current.epoch + 1,
        )

    def raise_alarm(self, key: str, alarm_type: AlarmType, *, at: datetime | None = None) -> None:
        """Raise an alarm on a light (no-op when already raised)."""
        light = self._index[key]
        if any(a.alarm_type is alarm_type for a in light.active_alarms()):
            return
        light.alarms.append(SimAlarm(alarm_type, at or datetime.now(UTC)))

    def clear_alarm(self, key: str, alarm_type: AlarmType, *, at: datetime | None = None) -> None:
        """Clear a raised alarm."""
        for alarm in self._index[key].active_alarms():
            if alarm.alarm_type is alarm_type:
                alarm.cleared_at = at or datetime.now(UTC)

    # ------------------------------------------------------------------ faults

    def take_fault(self, path: str = "") -> tuple[str, float | None] | None:
        """The fault for the request being served, if any, and the Retry-After to announce.

        One of ``"status:NNN"``, ``"throttle"`` (the vendor's rate-limit answer), ``"drop"``
        or ``"hang"``.

        ``path`` is the request's path, matched against ``Faults.only_paths``.
        """
        self.requests += 1
        faults = self.faults
        if faults.only_paths and not any(part in path for part in faults.only_paths):
            return None
        if faults.drop_next > 0:
            faults.drop_next -= 1
            return ("drop", None)
        if faults.hang_next > 0:
            faults.hang_next -= 1
            return ("hang", None)
        if faults.fail_next:
            status, wait = faults.fail_next.pop(0)
            return (f"status:{status}", wait)
        for rate, fault in (
            (faults.drop_rate, ("drop", None)),
            (faults.hang_rate, ("hang", None)),
            (faults.error_rate, ("status:503", faults.retry_after)),
            (faults.throttle_rate, ("throttle", faults.retry_after)),
        ):
            if rate and self.rng.random() < rate:
                return fault
        return None
