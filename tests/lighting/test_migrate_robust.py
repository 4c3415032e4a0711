"""Migration that tells the truth: reports on failure, untranslatable schedules, no-op reruns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interop.control.http import ClientSettings, RetryPolicy
from interop.control.migrate import migrate
from interop.errors import InteropError
from interop.simulation.server import serve
from interop.simulation.swap import run_migration, seed_schedules
from interop.simulation.world import LightWorld

SETTINGS = ClientSettings(timeout=2.0, retry=RetryPolicy(attempts=2, base_delay=0.01))
ODD_CALENDAR = {
    "id": "odd",
    "ownerCMS": "someone",
    "rules": [{"program": "odd:wd", "startDate": "--12-01", "endDate": "--12-31"}],
}
"""Valid TALQ, but a recurring ``--MM-DD`` date range has no canonical form."""


def test_rerun_saves_nothing_and_reports_unchanged(simulators, run) -> None:
    async def scenario() -> None:
        source_world, target_world = LightWorld(20, seed=5), LightWorld(0, seed=6)
        async with (
            serve(simulators["slv"], source_world) as source_url,
            serve(simulators["talq"], target_world) as target_url,
        ):
            source = simulators["slv"].connect(source_url, source_world, SETTINGS)
            target = simulators["talq"].connect(target_url, target_world, SETTINGS)
            try:
                await seed_schedules(source, 20)
                first = await migrate(source, target)
                assert first.verified
                assert first.schedules_saved == 2
                again = await migrate(source, target)
                dry = await migrate(source, target, dry_run=True)
            finally:
                await source.aclose()
                await target.aclose()
        assert again.verified, again.mismatches
        assert (again.lights_created, again.schedules_saved, again.lights_assigned) == (0, 0, 0)
        assert (again.schedules_unchanged, again.assignments_unchanged) == (2, 20)
        assert dry.dry_run
        assert dry.completed
        assert "= schedule arterial-70 (unchanged)" in dry.plan

    run(scenario())


def test_untranslatable_calendar_is_listed_not_fatal(simulators, run) -> None:
    async def scenario() -> None:
        source_world, target_world = LightWorld(5, seed=5), LightWorld(0, seed=6)
        async with (
            serve(simulators["talq"], source_world) as source_url,
            serve(simulators["slv"], target_world) as target_url,
        ):
            source = simulators["talq"].connect(source_url, source_world, SETTINGS)
            target = simulators["slv"].connect(target_url, target_world, SETTINGS)
            try:
                await seed_schedules(source, 5)
                report = await _with_odd_calendar(source, target)
            finally:
                await source.aclose()
                await target.aclose()
        skipped = [s for s in report.skipped if s.what == "schedule"]
        assert [s.name for s in skipped] == ["odd"], report.skipped
        assert "not translatable" in skipped[0].reason
        assert report.schedules_saved == 2
        assert report.completed

    run(scenario())


async def _with_odd_calendar(source, target):
    """Store a calendar the canonical model cannot hold, straight through the Gateway API."""
    response = await source.gateway.request("POST", "/calendars", json=[ODD_CALENDAR])
    if response.status != 201:
        pytest.skip(f"the simulator refuses the odd calendar itself (HTTP {response.status})")
    return await migrate(source, target)


def test_report_is_written_when_the_target_fails(simulators, run, tmp_path: Path) -> None:
    async def scenario() -> None:
        source_world, target_world = LightWorld(30, seed=5), LightWorld(0, seed=6)
        async with (
            serve(simulators["slv"], source_world) as source_url,
            serve(simulators["talq"], target_world) as target_url,
        ):
            source = simulators["slv"].connect(source_url, source_world, SETTINGS)
            await seed_schedules(source, 30)
            target = simulators["talq"].connect(target_url, target_world, SETTINGS)
            report_path = tmp_path / "report.json"
            original = target.save_schedule

            async def broken(schedule):
                target_world.faults.fail_next = [(503, None)] * 1000
                return await original(schedule)

            target.save_schedule = broken
            with pytest.raises(InteropError):
                await run_migration(source, target, False, report_path)
            written = json.loads(report_path.read_text())
            assert written["completed"] is False
            assert written["lights_created"] == 30
            assert written["error"]

    run(scenario())
