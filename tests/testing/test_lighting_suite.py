"""The lighting-controller suite passes the reference controller and catches broken ones."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import EXAMPLES, INNER_INI

SUITE = ("--pyargs", "interop.testing.suite", "-p", "no:cacheprovider")

BROKEN = """
from dataclasses import replace
from datetime import UTC
from zoneinfo import ZoneInfo

from interop.control.http import RetryPolicy
from interop.control.lighting import POWER
from interop.errors import NotFound
from interop.testing.lighting import LightingControllerConformance
from interop.testing.reference_lighting import ReferenceController, reference_spec


def spec_of(cls, **settings_changes):
    def connect(url, world, settings):
        if settings_changes:
            settings = replace(settings, **settings_changes)
        return cls(url, username=world.username, password=world.password, settings=settings)

    return replace(reference_spec(), connect=connect)


class DropsOfflineResults(ReferenceController):
    async def execute(self, commands):
        results = await super().execute(commands)
        return [r for r in results if r.detail != "the light's node is offline"]


class PowerInKilowatts(ReferenceController):
    def _measurements(self, item):
        return [
            m.model_copy(update={"value": m.value / 1000}) if m.property == POWER else m
            for m in super()._measurements(item)
        ]


class LocalTimeAsUtc(ReferenceController):
    def _measurements(self, item):
        zone = ZoneInfo("Europe/Brussels")
        return [
            m.model_copy(update={"timestamp": m.timestamp.astimezone(zone).replace(tzinfo=UTC)})
            for m in super()._measurements(item)
        ]


class RaisesForUnknownLights(ReferenceController):
    async def execute(self, commands):
        results = await super().execute(commands)
        if any(r.status == "rejected" for r in results):
            raise NotFound("a light of the command is unknown")
        return results


class NeverResendsCommands(ReferenceController):
    async def execute(self, commands):
        request = self.http.request

        async def once(method, path, **kwargs):
            return await request(method, path, **{**kwargs, "idempotent": False})

        self.http.request = once
        try:
            return await super().execute(commands)
        finally:
            del self.http.request


class PagesWithoutDedupe(ReferenceController):
    async def lights(self, *, page_size=200):
        offset = 0
        while True:
            params = {"offset": str(offset), "limit": str(page_size)}
            answer = await self.http.request("GET", "/lights", params=params)
            if answer.status == 410:
                offset = 0
                continue
            page = answer.json()
            for item in page["items"]:
                yield self._light(item)
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return


class Small(LightingControllerConformance):
    fault_fleet_size = 250  # the broken variants need no 2,000-light fleet to show their bug


class TestReference(LightingControllerConformance):
    spec = reference_spec()


class TestDropsOfflineResults(Small):
    spec = spec_of(DropsOfflineResults)


class TestPowerInKilowatts(Small):
    spec = spec_of(PowerInKilowatts)


class TestLocalTimeAsUtc(Small):
    spec = spec_of(LocalTimeAsUtc)


class TestNeverRetries(Small):
    spec = spec_of(ReferenceController, retry=RetryPolicy(attempts=1))


class TestRaisesForUnknownLights(Small):
    spec = spec_of(RaisesForUnknownLights)


class TestNeverResendsCommands(Small):
    spec = spec_of(NeverResendsCommands)


class TestWidenedTolerance(Small):
    spec = reference_spec()
    power_precision = 1.0


class TestPagesWithoutDedupe(Small):
    spec = spec_of(PagesWithoutDedupe)
"""

EXPECTED_FAILURES: dict[str, set[str] | None] = {
    "TestReference": set(),
    "TestDropsOfflineResults": {"test_partial_failure_one_result_per_light"},
    "TestPowerInKilowatts": {"test_telemetry"},
    "TestLocalTimeAsUtc": {"test_telemetry", "test_history_across_dst"},
    "TestNeverRetries": {"test_overload_is_retried", "test_dropped_command_is_resent"},
    "TestPagesWithoutDedupe": {"test_paging_survives_inserts_and_expiry"},
    "TestNeverResendsCommands": {"test_dropped_command_is_resent"},
    "TestRaisesForUnknownLights": {"test_partial_failure_one_result_per_light"},
    "TestWidenedTolerance": None,  # every test: a widened tolerance is refused up front
}

MESSAGES = [
    "*execute of 5 set_level commands returned 4 results: every light gets exactly one*",
    "*core/Power: 0.0* != the simulated * (tolerance 0.1; unit not converted?)*",
    "*timestamp * is not the reading's UTC instant * (local time taken as UTC?)*",
    "*two HTTP 429 answers were not retried: RateLimited*",
    "*lights(page_size=5) yields * twice*",
    "*set_level on * raised NotFound: * a light that cannot be reached or is unknown gets a*",
    "*power_precision = 1.0 widens the contract's 0.1*",
]


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[tuple[str, str], str], str]:
    """Run the suite over the reference and the broken controllers once: outcomes and output.

    One subprocess for the whole module (pytester is per test): seven controllers x 20 checks.
    """
    project = tmp_path_factory.mktemp("lighting")
    (project / "pytest.ini").write_text(INNER_INI)
    (project / "test_controllers.py").write_text(BROKEN)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "test_controllers.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    found: dict[tuple[str, str], str] = {}
    for line in run.stdout.splitlines():
        for outcome in ("PASSED", "FAILED", "ERROR"):
            if line.startswith(outcome + " test_controllers.py::"):
                node = line.split(" ", 2)[1]
                _, cls, test = node.split("::")
                found[(cls, test)] = outcome
    return found, run.stdout


def test_every_contract_point_is_a_test(outcomes):
    found, output = outcomes
    tests = {test for cls, test in found if cls == "TestReference"}
    assert len(tests) == 22, output


@pytest.mark.parametrize("cls", sorted(EXPECTED_FAILURES))
def test_each_broken_controller_fails_the_expected_test(outcomes, cls):
    found, output = outcomes
    mine = {test: outcome for (owner, test), outcome in found.items() if owner == cls}
    assert len(mine) == 22, output
    failed = {test for test, outcome in mine.items() if outcome != "PASSED"}
    expected = EXPECTED_FAILURES[cls]
    assert failed == (set(mine) if expected is None else expected), output


@pytest.mark.parametrize("message", MESSAGES)
def test_failures_say_what_the_plugin_did_wrong(outcomes, message):
    _, output = outcomes
    pytest.LineMatcher(output.splitlines()).fnmatch_lines([message])


def test_suite_runs_the_lighting_checks_for_a_plugin_simulator(pytester, monkeypatch):
    pytester.makeini(INNER_INI)
    installed = pytester.path / "site"
    shutil.copytree(EXAMPLES / "lighting_plugin", installed)
    monkeypatch.setenv("PYTHONPATH", str(installed))
    result = pytester.runpytest_subprocess(*SUITE, "--interop-plugin", "reflight", "-rA")
    result.assert_outcomes(passed=25, deselected=12)  # no codec, dataset or demo to check
    result.stdout.fnmatch_lines(
        ["*PASSED*TestLightingController::test_history_across_dst?reference?*"]
    )


def test_suite_skips_the_lighting_checks_without_a_simulator(pytester):
    pytester.makeini(INNER_INI)
    result = pytester.runpytest_subprocess(
        *SUITE, "--interop-plugin", "template", "-k", "TestLightingController", "-rs"
    )
    result.assert_outcomes(skipped=22)
    result.stdout.fnmatch_lines(["*no plugin under test returns a SimulatorSpec*"])
