"""The no-code suite: ``pytest --pyargs interop.testing.suite --interop-plugin NAME``."""

from __future__ import annotations

import shutil

import pytest

from .conftest import EXAMPLES, INNER_INI

SUITE = ("--pyargs", "interop.testing.suite", "-p", "no:cacheprovider")


def test_suite_passes_the_template(pytester):
    pytester.makeini(INNER_INI)
    result = pytester.runpytest_subprocess(*SUITE, "--interop-plugin", "template", "-rA")
    result.assert_outcomes(passed=10, skipped=24)
    result.stdout.fnmatch_lines(["*PASSED*test_codec_round_trip?template-codec:template-json?*"])


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
    result = pytester.runpytest_subprocess(*SUITE, "--interop-plugin", "uncovered")
    result.assert_outcomes(passed=2, failed=1, skipped=31)
    result.stdout.fnmatch_lines(["*DECODE: codec 'nothing' has no CodecCase*"])
