"""The fast record builders give what full validation gives, and refuse what it refuses."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop_lorawan.records import DeviceCache, measurement, provenance, trusted_measurement
from pydantic import ValidationError

from interop.model.base import Provenance
from interop.model.observation import Measurement

SAREF_T = "https://saref.etsi.org/core/Temperature"
CELSIUS = "http://www.ontology-of-units-of-measure.org/resource/om-2/degreeCelsius"
DEVICE = "urn:interop:device:lorawan:70b3d57ed0001a99"
ORIGIN = Provenance(plugin="lorawan", plugin_version="1", source_system="ttn-v3:a")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
values = st.integers() | st.floats() | st.booleans() | st.just("21.5")
iris = st.sampled_from([
    "urn:interop:measurement:lorawan:x%2F1", "urn:x:has space", "no-scheme", "urn:x:<y>",
])  # fmt: skip
times = st.sampled_from([
    datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 1),
    datetime(2024, 5, 1, tzinfo=timezone(timedelta(hours=2))),
])  # fmt: skip


def _outcome(build, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return build(*args, **kwargs)
    except ValidationError:
        return "refused"


@settings(max_examples=150, deadline=None)
@given(iri=iris, value=values, timestamp=times, extra=json_values)
def test_measurement_fast_path_equals_validation(iri, value, timestamp, extra) -> None:
    extensions = {"lorawan": {"field": "t", "extra": extra}}
    fast = _outcome(measurement, iri, SAREF_T, value, CELSIUS, timestamp, DEVICE, ORIGIN,
                    extensions)  # fmt: skip
    full = _outcome(
        Measurement, id=iri, property=SAREF_T, value=value, unit=CELSIUS, timestamp=timestamp,
        device=DEVICE, provenance=ORIGIN, extensions=extensions,
    )  # fmt: skip
    if full == "refused":
        assert fast == "refused"
    else:
        assert fast == full
        assert Measurement.model_validate(fast.model_dump()) == fast


def test_non_finite_values_are_refused() -> None:
    for bad in (math.nan, math.inf):
        with pytest.raises(ValidationError):
            measurement("urn:x:1", SAREF_T, bad, CELSIUS, datetime.now(UTC), DEVICE, ORIGIN, {})


def test_provenance_fast_path_equals_validation() -> None:
    at = datetime(2024, 5, 1, tzinfo=UTC)
    built = provenance("lorawan", "1", "ttn-v3:a", "m-1", at)
    assert built == Provenance(
        plugin="lorawan", plugin_version="1", source_system="ttn-v3:a", original_id="m-1",
        received_at=at,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        provenance("", "1", "s", "m", None)
    naive = datetime(2024, 5, 1)
    with pytest.raises(ValidationError):
        provenance("lorawan", "1", "s", "m", naive)


def test_device_cache_reuses_and_revalidates() -> None:
    from interop.model.device import Device

    cache = DeviceCache(size=2)

    def build(iri: str = DEVICE, extensions: dict | None = None):  # type: ignore[no-untyped-def]
        return lambda: Device(
            id=iri, device_kind="sensor", name="n", provenance=ORIGIN,
            extensions={"lorawan": extensions or {}},
        )  # fmt: skip

    first = cache.get(("a",), build())
    assert cache.get(("a",), build()) is first
    uplink = {"f_cnt": 1}
    with_uplink = cache.get(("b", uplink), build(extensions={"uplink": uplink}))
    assert with_uplink.extensions["lorawan"]["uplink"] == {"f_cnt": 1}
    with pytest.raises(ValidationError):
        cache.get(("c",), build("not an iri"))


@settings(max_examples=150, deadline=None)
@given(value=values, prop=st.sampled_from([SAREF_T, "not an iri", "urn:x:<y>"]))
def test_trusted_measurement_equals_validation_or_declines(value, prop) -> None:  # type: ignore[no-untyped-def]
    at = datetime(2024, 5, 1, tzinfo=UTC)
    extensions = {"lorawan": {"field": "t", "uplink": {"f_cnt": 1}}}
    iri = "urn:interop:measurement:lorawan:x%2F1"
    fast = trusted_measurement(iri, prop, value, CELSIUS, at, DEVICE, ORIGIN, extensions)
    full = _outcome(
        Measurement, id=iri, property=prop, value=value, unit=CELSIUS, timestamp=at,
        device=DEVICE, provenance=ORIGIN, extensions=extensions,
    )  # fmt: skip
    if fast is not None:  # it builds only what validation accepts, and the same record
        assert fast == full
        assert fast.model_fields_set == full.model_fields_set
        assert Measurement.model_validate(fast.model_dump()) == fast
