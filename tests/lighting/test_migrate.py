"""Supplier swap: inventory, schedules and assignments move from SLV to TALQ and re-read equal."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from interop.cli import app
from interop.control.http import ClientSettings
from interop.control.migrate import (
    differences,
    migrate,
    plan,
    portable_light,
    portable_schedule,
)
from interop.simulation.server import serve, serve_in_thread
from interop.simulation.swap import seed_schedules
from interop.simulation.world import LightWorld

from .conftest import address


async def _read(controller) -> tuple[list, list, dict]:
    lights = [light async for light in controller.lights()]
    schedules = await controller.schedules()
    names = {light.id: light.name for light in lights}
    schedule_names = {s.id: s.name for s in schedules}
    assigned = {
        names[light]: schedule_names[schedule]
        for light, schedule in (await controller.assignments()).items()
    }
    return lights, schedules, assigned


def test_two_thousand_lights_move_and_reread_equal(simulators, run):
    async def scenario() -> None:
        source_world, target_world = LightWorld(2000, seed=5), LightWorld(0, seed=6)
        settings = ClientSettings(concurrency=16)
        async with (
            serve(simulators["slv"], source_world) as source_url,
            serve(simulators["talq"], target_world) as target_url,
        ):
            source = simulators["slv"].connect(source_url, source_world, settings)
            target = simulators["talq"].connect(target_url, target_world, settings)
            try:
                await seed_schedules(source, 2000)
                report = await migrate(source, target)
                assert report.verified, report.mismatches[:5]
                assert (report.lights_created, report.schedules_saved) == (2000, 2)
                assert report.lights_assigned == 2000
                assert report.skipped == []
                lights, schedules, assigned = await _read(source)
                lights2, schedules2, assigned2 = await _read(target)
            finally:
                await source.aclose()
                await target.aclose()
        key = lambda view: json.dumps(view, sort_keys=True)  # noqa: E731
        assert sorted(map(key, map(portable_light, lights))) == sorted(
            map(key, map(portable_light, lights2))
        )
        by_name = {s.name: portable_schedule(s) for s in schedules2}
        assert sorted(by_name) == sorted(s.name for s in schedules)
        for schedule in schedules:
            # levels within LEVEL_TOLERANCE: SLV holds DALI arcs (70 % reads 70.12), TALQ whole %
            found = differences(
                "schedule", schedule.name, portable_schedule(schedule), by_name[schedule.name]
            )
            assert list(found) == []
        assert assigned == assigned2
        assert len(assigned) == 2000
        assert len(target_world) == 2000

    run(scenario())


def test_dry_run_writes_nothing_and_shared_names_are_reported(simulators, run):
    async def scenario() -> None:
        source_world, target_world = LightWorld(6, seed=5), LightWorld(0, seed=6)
        source_world.add_light(name="LP-0001")  # two lights share a name: cannot be matched
        async with (
            serve(simulators["slv"], source_world) as source_url,
            serve(simulators["talq"], target_world) as target_url,
        ):
            source = simulators["slv"].connect(source_url, source_world, None)
            target = simulators["talq"].connect(target_url, target_world, None)
            try:
                work = await plan(source, target)
                assert len(work.create) == 5
                assert [s.reason for s in work.skipped].count(
                    "its name 'LP-0001' is shared by other lights, so it cannot be matched"
                ) == 2
                assert any(line.startswith("+ light LP-0002") for line in work.diff())
                dry = await migrate(source, target, dry_run=True, prepared=work)
                assert len(target_world) == 0
                assert dry.lights_created == 0
                done = await migrate(source, target)
                assert done.verified
                assert done.lights_created == 5
                assert {s.name for s in done.skipped if s.what == "light"} == {
                    light.id
                    for light in [x async for x in source.lights()]
                    if light.name == "LP-0001"
                }
            finally:
                await source.aclose()
                await target.aclose()

    run(scenario())


def test_cli_migrate_shows_the_diff_and_writes_the_report(simulators, tmp_path):
    source_world, target_world = LightWorld(30, seed=8), LightWorld(0, seed=9)
    runner = CliRunner()
    with (
        serve_in_thread(simulators["slv"], source_world) as source_url,
        serve_in_thread(simulators["talq"], target_world) as target_url,
    ):
        args = [
            "lighting",
            "migrate",
            "--from",
            address("slv", source_url, source_world),
            "--to",
            address("talq", target_url, target_world),
        ]
        dry = runner.invoke(app, [*args, "--dry-run", "--report", str(tmp_path / "dry.json")])
        assert dry.exit_code == 0, dry.output
        assert "30 lights to create" in dry.output
        assert "+ light LP-0001" in dry.output
        assert len(target_world) == 0
        done = runner.invoke(app, [*args, "--report", str(tmp_path / "report.json")])
        assert done.exit_code == 0, done.output
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert report["verified"] is True
    assert report["lights_created"] == 30
    assert report["not_carried_over"] == []
    assert report["mismatches"] == []
    assert len(target_world) == 30


def test_cli_migrate_refuses_a_bad_address():
    result = CliRunner().invoke(
        app, ["lighting", "migrate", "--from", "slv:ftp://x", "--to", "talq:http://h:1"]
    )
    assert result.exit_code == 2
    assert "not a lighting system address" in result.output


def test_interop_demo_swaps_suppliers_between_the_simulators(simulators, tmp_path):
    result = CliRunner().invoke(app, ["demo", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "slv->talq" in result.output
    assert "plan slv -> talq" not in result.output, "the demo prints the migration plan"
    report = json.loads((tmp_path / "lighting" / "migration-report.json").read_text("utf-8"))
    assert report["verified"] is True
    assert report["lights_created"] == 500
    assert report["lights_assigned"] == 500
    turtle = (tmp_path / "lighting" / "target-sample.ttl").read_text("utf-8")
    assert "LightPoint" in turtle
    assert "saref/core/Power" in turtle or "saref:Power" in turtle
