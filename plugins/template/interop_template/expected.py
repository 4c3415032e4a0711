"""Known answers: the records each bundled sample message must decode to, written by hand.

Written from the wire format the codec's docstring specifies (one ``Measurement`` per
reading; the time in UTC; property keys and UCUM codes resolved to their SAREF / interop
and OM-2 IRIs; ids minted from device, UTC time and property key), not by running the
codec. The kit's ``test_known_answers`` compares the decoded records with these exactly,
and the encoding of the last message with its exact bytes. A copied plugin replaces them
with its own format's answers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from interop.adapters import DecodeContext
from interop.model.base import Provenance
from interop.model.observation import Measurement
from interop.model.records import Record
from interop.testing.cases import KnownAnswer
from interop_template.demo import sample_messages
from interop_template.manifest import MANIFEST

__all__ = ["known_answers"]

SAREF = "https://saref.etsi.org/core/"
INTEROP = "https://w3id.org/interop/ontology#"
OM = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
QUDT = "http://qudt.org/vocab/unit/"
ID = "urn:interop:measurement:template:"
DEVICE = "urn:interop:device:template:"


def _measurements(
    provenance: Provenance, device: str, at: datetime, readings: list[tuple[str, str, object, str]]
) -> list[Record]:
    """One measurement per ``(id, property IRI, value, unit IRI)`` reading."""
    return [
        Measurement(
            id=ID + local, property=prop, value=value, unit=unit, timestamp=at,
            device=DEVICE + device, provenance=provenance,
        )
        for local, prop, value, unit in readings
    ]  # fmt: skip


def known_answers(ctx: DecodeContext) -> list[KnownAnswer]:
    """The known answers for the samples, as decoded in ``ctx`` (its provenance)."""
    provenance = Provenance(
        plugin="template", plugin_version=MANIFEST.version, source_system=ctx.source,
        received_at=ctx.received_at,
    )  # fmt: skip
    samples = sample_messages()
    # 07:00:00.250 at +01:00 is 06:00:00.250 UTC; ':' and '/' are escaped in minted ids.
    air = datetime(2026, 1, 1, 6, 0, 0, 250_000, tzinfo=UTC)
    air_id = "air-quality-04%2F2026-01-01T06%3A00%3A00.250000Z%2F"
    river = datetime(2026, 1, 1, tzinfo=UTC)
    river_id = "river%20gauge%2F2%2F2026-01-01T00%3A00%3A00Z%2F"
    lamp = datetime(2026, 1, 1, 6, 30, tzinfo=UTC)
    lamp_id = "lamp-17%2F2026-01-01T06%3A30%3A00Z%2F"
    lamp_records = _measurements(provenance, "lamp-17", lamp, [
        (lamp_id + "temperature", SAREF + "Temperature", 3.5, OM + "degreeCelsius"),
        (lamp_id + "illuminance", "https://saref.etsi.org/saref4envi/Illuminance", 12,
         OM + "lux"),
        (lamp_id + "battery_level", INTEROP + "BatteryLevel", 87.25, OM + "percent"),
    ])  # fmt: skip
    return [
        KnownAnswer(
            "air-quality-04",
            samples["air-quality-04.json"],
            _measurements(provenance, "air-quality-04", air, [
                (air_id + "pm25", INTEROP + "PM25Concentration", 8.4, QUDT + "MicroGM-PER-M3"),
                (air_id + "no2", INTEROP + "NO2Concentration", 21, QUDT + "MicroGM-PER-M3"),
                (air_id + "humidity", SAREF + "Humidity", 91.5, OM + "percent"),
                (air_id + "pressure", SAREF + "Pressure", 1013.2, OM + "hectopascal"),
            ]),
        ),
        KnownAnswer(
            "river-gauge-2",
            samples["river-gauge-2.json"],
            _measurements(provenance, "river%20gauge%2F2", river, [
                (river_id + "water_level", INTEROP + "WaterLevel", 1.84, OM + "metre"),
                (river_id + "temperature", SAREF + "Temperature", 279.35, OM + "kelvin"),
            ]),
        ),
        KnownAnswer(
            "street-lamp-17",
            samples["street-lamp-17.json"],
            lamp_records,
            encoded=(
                b'{"device":"lamp-17","time":"2026-01-01T06:30:00Z","readings":['
                b'{"property":"temperature","value":3.5,"unit":"Cel"},'
                b'{"property":"illuminance","value":12,"unit":"lx"},'
                b'{"property":"battery_level","value":87.25,"unit":"%"}]}'
            ),
        ),
    ]  # fmt: skip
