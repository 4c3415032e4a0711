"""The no-code suite: ``pytest --pyargs interop.testing.suite --interop-plugin NAME``."""

from __future__ import annotations

import shutil

import pytest

from .conftest import EXAMPLES, INNER_INI

SUITE = ("--pyargs", "interop.testing.suite", "-p", "no:cacheprovider")


def test_suite_passes_the_template(pytester):
    pytester.makeini(INNER_INI)
    result = pytester.runpytest_subprocess(*SUITE, "--interop-plugin", "template", "-rA")
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] == 11, outcomes  # 4 plugin checks, 7 codec checks
    assert outcomes["deselected"] == 4, outcomes  # the dataset checks: the template has none
    result.stdout.fnmatch_lines(
        [
            "*PASSED*test_codec_round_trip?template-codec:template-json?*",
            "*PASSED*test_codec_known_answers?template-codec:template-json?*",
        ]
    )
    skipped = [line for line in result.outlines if line.startswith("SKIPPED")]
    assert all("no plugin under test returns a SimulatorSpec" in line for line in skipped)


def test_unknown_plugin_is_a_usage_error(pytester):
    pytester.makeini(INNER_INI)
    result = pytester.runpytest(*SUITE, "--interop-plugin", "no-such-plugin")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*no installed interop plugin is named no-such-plugin; installed: *template*"]
    )


def test_declared_capability_without_case_fails_not_skips(pytester, monkeypatch):
    pytester.makeini(INNER_INI)
    installed = pytester.path / "site"
    shutil.copytree(EXAMPLES / "uncovered_plugin", installed)
    monkeypatch.setenv("PYTHONPATH", str(installed))
    result = pytester.runpytest_subprocess(*SUITE, "--interop-plugin", "uncovered", "-rA")
    outcomes = result.parseoutcomes()
    assert (outcomes["passed"], outcomes["failed"]) == (2, 1), outcomes
    assert outcomes["deselected"] == 12, outcomes  # no codec, dataset or demo to check
    skipped = [line for line in result.outlines if line.startswith("SKIPPED")]
    assert all("no plugin under test returns a SimulatorSpec" in line for line in skipped)
    result.stdout.fnmatch_lines(["*DECODE: codec 'nothing' has no CodecCase*"])
