"""SLV's string values, energy deltas and error envelopes, decoded without a server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from interop_slv.energy import Cumulative, cumulate
from interop_slv.values import parse_arc, parse_flag, parse_number
from interop_slv.wire import envelope_error, is_error_envelope

from interop.errors import (
    AuthenticationFailed,
    DecodeError,
    EncodeError,
    NotFound,
    RateLimited,
    SourceUnavailable,
)


def test_strings_are_parsed() -> None:
    assert parse_number("0.0447", field="MeteredPower") == pytest.approx(0.0447)
    assert parse_number(" 231.2 ", field="MainVoltage") == pytest.approx(231.2)
    assert parse_arc("229") == 229
    assert parse_flag("false", field="LampFailure") is False
    assert parse_flag("true", field="LampFailure") is True


@pytest.mark.parametrize("junk", ["", "abc", "nan", "inf", None, True])
def test_junk_numbers_are_decode_errors(junk: str | bool | None) -> None:
    with pytest.raises(DecodeError, match="MeteredPower"):
        parse_number(junk, field="MeteredPower")


@pytest.mark.parametrize("junk", ["255", "-1", "12.5", "x"])
def test_junk_arcs_are_decode_errors(junk: str) -> None:
    with pytest.raises(DecodeError, match="LampLevel"):
        parse_arc(junk)


def test_junk_flags_are_decode_errors() -> None:
    with pytest.raises(DecodeError, match='"true" or "false"'):
        parse_flag("maybe", field="LampFailure")


def test_deltas_become_cumulative_and_lamp_replacement_starts_an_epoch() -> None:
    reports = [(100.0, 7200.0), (0.5, 9000.0), (0.25, 10800.0), (0.0, 0.0), (0.1, 1800.0)]
    assert list(cumulate(reports)) == [
        Cumulative(100.0, 0),
        Cumulative(100.5, 0),
        Cumulative(100.75, 0),
        Cumulative(0.0, 1),
        Cumulative(0.1, 1),
    ]


@given(
    st.lists(st.tuples(st.floats(min_value=0, max_value=5), st.booleans()), min_size=1, max_size=50)
)
def test_cumulative_matches_the_meter(steps: list[tuple[float, bool]]) -> None:
    """A meter that grows and is sometimes replaced is rebuilt from SLV's deltas.

    A replacement shows as LampOnTime going down, so only a lamp that has burned since the
    last replacement can be seen replaced (documented limitation).
    """
    meter, epoch, on_time = 10.0, 0, 3600.0
    truth = [(meter, epoch)]
    reports = [(meter, on_time)]
    previous = meter
    for grow, replace in steps:
        if replace and on_time > 0:
            meter, epoch, on_time = 0.0, epoch + 1, 0.0
            reports.append((meter, on_time))
        else:
            meter, on_time = meter + grow, on_time + 900.0
            reports.append((meter - previous, on_time))
        previous = meter
        truth.append((meter, epoch))
    rebuilt = list(cumulate(reports))
    assert [c.epoch for c in rebuilt] == [e for _, e in truth]
    assert all(abs(c.energy - m) < 1e-6 for c, (m, _) in zip(rebuilt, truth, strict=True))


@pytest.mark.parametrize(
    ("label", "error"),
    [
        ("UNKNOWN_DEVICE", NotFound),
        ("BATCH_LIMIT", RateLimited),
        ("INVALID_VALUE", EncodeError),
        ("NOT_AUTHORIZED", AuthenticationFailed),
        ("INTERNAL_ERROR", SourceUnavailable),
    ],
)
def test_error_envelopes_become_typed_errors(label: str, error: type[Exception]) -> None:
    envelope = {
        "status": "ERROR",
        "statusError": True,
        "errorCode": "612",
        "errorCodeLabel": label,
        "message": "device 42 is unknown",
    }
    assert is_error_envelope(envelope)
    found = envelope_error(envelope, source="slv test", what="getDeviceLastValues")
    assert isinstance(found, error)
    assert label in str(found)
    assert "device 42 is unknown" in str(found)


def test_a_malformed_envelope_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="error envelope"):
        raise envelope_error({"status": "ERROR", "message": ["no"]}, source="t", what="x")
