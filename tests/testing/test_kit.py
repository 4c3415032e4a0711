"""The kit fails each deliberately broken codec, in the check that names its defect."""

from __future__ import annotations

import pytest


def run_class(project: pytest.Pytester, name: str) -> pytest.RunResult:
    return project.runpytest("test_kit_selftest.py", "-k", name, "-q")


def test_correct_codec_passes_every_codec_check(kit_project):
    result = run_class(kit_project, "TestEcho and not rdf")
    result.assert_outcomes(passed=6)


def test_dropped_field_fails_the_round_trip(kit_project):
    result = run_class(kit_project, "TestDropping and not rdf and not known")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*records differ after the round trip*",
            "*extensions*: missing*",
            "*FAILED*TestDropping::test_round_trip*",
        ]
    )


def test_key_error_on_junk_fails_the_junk_check(kit_project):
    result = run_class(kit_project, "TestKeyError and not rdf")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        ["*raised KeyError*only interop.errors.DecodeError*"], consecutive=False
    )
    assert "FAILED test_kit_selftest.py::TestKeyError::test_junk_raises_decode_error" in (
        result.stdout.str()
    )


def test_random_ids_fail_the_determinism_check(kit_project):
    result = run_class(kit_project, "TestRandomId and deterministic")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*records differ when the same example is decoded again*",
            "*record 0 (measurement) id: 'urn:uuid:*' != 'urn:uuid:*'*",
        ]
    )


def test_silent_encode_fails_the_refusal_check(kit_project):
    result = run_class(kit_project, "TestSilent and unrepresentable")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*encode silently accepted an unrepresentable batch*"])


def test_declared_precision_is_honoured_and_required(kit_project):
    result = run_class(kit_project, "TestRounding and round_trip")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*FAILED*TestRoundingWithoutPrecision::test_round_trip*"])


def test_declared_capability_without_case_fails(kit_project):
    result = run_class(kit_project, "TestPluginWithoutCases")
    result.assert_outcomes(passed=2, failed=1)  # no DEMO declared: no demo check collected
    result.stdout.fnmatch_lines(["*DECODE: codec 'echo' has no CodecCase*"])


def test_symmetric_mistake_passes_the_round_trip_and_fails_the_known_answer(kit_project):
    result = run_class(kit_project, "TestScaling and (round_trip or known)")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*records differ from the known answer 'one-measurement' (expected != got)*",
            "*record 0 (measurement) value: 21.5 != 43.0*",
            "*FAILED*TestScaling::test_known_answers*",
        ]
    )


def test_encoding_is_compared_byte_for_byte_with_a_diff(kit_project):
    result = run_class(kit_project, "TestSpaced and known")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*encoding known answer 'one-measurement': the bytes differ from the known answer*",
            "*--- expected*",
            "*+++ actual*",
            '*+[[]{"kind":"measurement", "id":"urn:x:m:1", *',
        ]
    )


def test_a_decoder_has_no_encode_checks_at_all(kit_project):
    result = kit_project.runpytest("test_kit_selftest.py", "-k", "TestDecodeOnly and not rdf", "-v")
    result.assert_outcomes(passed=4)
    assert "round_trip" not in result.stdout.str()
    assert "unrepresentable" not in result.stdout.str()


def test_only_a_plugin_declaring_a_demo_gets_the_demo_check():
    import interop_template
    from interop_template.manifest import MANIFEST

    from interop.adapters import Capability
    from interop.testing.conformance import PluginConformance

    without_demo = MANIFEST.model_copy(
        update={"capabilities": MANIFEST.capabilities - {Capability.DEMO}}
    )

    class NoDemo:
        MANIFEST = without_demo

    class WithDemo(PluginConformance):
        plugin = interop_template

    class WithoutDemo(PluginConformance):
        plugin = NoDemo

    assert callable(WithDemo.test_demo_runs)
    assert WithoutDemo.test_demo_runs is None
