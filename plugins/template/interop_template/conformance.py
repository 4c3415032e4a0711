"""What the conformance kit needs to test this plugin: strategies and sample messages.

Imported only by the ``interop_conformance_cases`` hook and by tests, because it needs
Hypothesis, which a plugin does not need at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from hypothesis import strategies as st

from interop.adapters import DecodeContext
from interop.model.base import Provenance, mint_iri
from interop.model.observation import Measurement
from interop.model.properties import DEFAULT_PROPERTIES, PropertySpec
from interop.model.records import Record
from interop.model.units import DEFAULT_UNITS, Unit, default_unit_registry
from interop.testing import strategies as canonical
from interop.testing.cases import CodecCase
from interop_template.codec import MAX_DEVICE_LENGTH, PLUGIN, TemplateJsonCodec, measurement_id
from interop_template.demo import sample_messages
from interop_template.expected import known_answers
from interop_template.manifest import MANIFEST

__all__ = ["ROUND_TRIP_CONTEXT", "conformance_cases", "messages", "unrepresentable"]

ROUND_TRIP_CONTEXT = DecodeContext(
    source="conformance", received_at=datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
)
"""The context round trips decode with; generated records carry its provenance."""


def _units_of(spec: PropertySpec) -> list[Unit]:
    """Units the wire format can name (by a UCUM code of their own) for ``spec``."""
    units = default_unit_registry()
    return [
        unit
        for unit in DEFAULT_UNITS
        if unit.quantity is spec.quantity
        and unit.ucum is not None
        and units.get("ucum:" + unit.ucum) == unit
    ]


_EXPRESSIBLE = [(spec, _units_of(spec)) for spec in DEFAULT_PROPERTIES if _units_of(spec)]
_VALUES = st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def messages(draw: st.DrawFn, ctx: DecodeContext = ROUND_TRIP_CONTEXT) -> list[Record]:
    """Measurements of one device at one instant, exactly as decoding in ``ctx`` gives them."""
    device = draw(st.text(min_size=1, max_size=MAX_DEVICE_LENGTH))
    instant = draw(canonical.utc_datetimes())
    chosen = draw(
        st.lists(
            st.sampled_from(_EXPRESSIBLE), min_size=1, max_size=4, unique_by=lambda p: p[0].key
        )
    )
    provenance = Provenance(
        plugin=PLUGIN,
        plugin_version=MANIFEST.version,
        source_system=ctx.source,
        received_at=ctx.received_at,
    )
    return [
        Measurement(
            id=measurement_id(device, instant, spec.key),
            property=spec.iri,
            value=draw(_VALUES),
            unit=draw(st.sampled_from(units)).iri,
            timestamp=instant,
            device=mint_iri("device", PLUGIN, device),
            provenance=provenance,
        )
        for spec, units in chosen
    ]


def _two_devices(pair: tuple[list[Record], list[Record]]) -> bool:
    first, second = pair
    return (
        isinstance(first[0], Measurement)
        and isinstance(second[0], Measurement)
        and (first[0].device != second[0].device)
    )


def unrepresentable() -> st.SearchStrategy[Sequence[Record]]:
    """Record lists template sensor JSON cannot hold, which ``encode`` must refuse."""
    single = st.one_of(
        canonical.devices(),
        canonical.states(),
        canonical.commands(),
        canonical.command_results(),
        canonical.places(),
        canonical.measurements(),  # ids and devices this codec did not mint
    ).map(lambda record: [record])
    vendor_fields = st.dictionaries(
        st.sampled_from(["acme", PLUGIN]),
        st.dictionaries(st.text(min_size=1, max_size=8), st.integers() | st.text(), min_size=1),
        min_size=1,
    )
    extended = st.tuples(messages(), vendor_fields).map(
        lambda pair: [pair[0][0].model_copy(update={"extensions": pair[1]})]
    )
    located = messages().map(
        lambda batch: [batch[0].model_copy(update={"feature_of_interest": "urn:x:street:1"})]
    )
    mixed = st.tuples(messages(), messages()).filter(_two_devices).map(lambda p: [*p[0], *p[1]])
    return st.one_of(st.just([]), single, extended, located, mixed)


def conformance_cases() -> list[CodecCase]:
    """The cases this plugin's ``interop_conformance_cases`` hook returns."""
    return [
        CodecCase(
            codec=TemplateJsonCodec,
            examples=tuple(sample_messages().values()),
            batches=messages(),
            unrepresentable=unrepresentable(),
            decode_context=ROUND_TRIP_CONTEXT,
            known_answers=known_answers(ROUND_TRIP_CONTEXT),
        )
    ]
