"""The "template sensor JSON" codec: one message per device and instant, many readings.

Wire format (``application/vnd.interop-template+json``)::

    {"device": "ts-0001", "time": "2026-01-01T00:00:00Z",
     "readings": [{"property": "temperature", "value": 21.5, "unit": "Cel"}]}

``property`` is a key of the property registry (``temperature``), ``unit`` a UCUM code of
the unit registry (``Cel``). Each reading becomes one canonical ``Measurement`` whose id is
minted from device, time and property, so decoding the same message twice gives the same
records. The format has no room for anything else, so ``encode`` refuses records that
carry more (extensions, a feature of interest, a foreign id) rather than dropping it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, NoReturn
from urllib.parse import unquote

import orjson
from pydantic import ValidationError as PydanticValidationError

from interop.adapters import Codec, DecodeContext, EncodeContext
from interop.errors import DecodeError, EncodeError, InteropError
from interop.model.base import Provenance, mint_iri
from interop.model.observation import Measurement
from interop.model.properties import PropertySpec, default_property_registry
from interop.model.records import Record
from interop.model.units import Unit, default_unit_registry
from interop_template.manifest import MANIFEST

__all__ = ["PLUGIN", "TemplateJsonCodec", "format_time", "measurement_id"]

PLUGIN = MANIFEST.name
"""The plugin name: the namespace of minted IRIs and ``Provenance.plugin``."""
_INT_RANGE = range(-(2**63), 2**64)

_PROPERTIES = default_property_registry()
_UNITS = default_unit_registry()
_FIELDS = frozenset({"device", "time", "readings"})
_READING_FIELDS = frozenset({"property", "value", "unit"})
_DEVICE_PREFIX = mint_iri("device", PLUGIN, "")
MAX_DEVICE_LENGTH = 128
"""Longest device name the format allows."""


def format_time(instant: datetime) -> str:
    """The wire form of an instant: RFC 3339 in UTC with ``Z``, microseconds when present."""
    text = instant.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def measurement_id(device: str, instant: datetime, property_key: str) -> str:
    """The IRI of the measurement of ``property_key`` by ``device`` at ``instant``."""
    return mint_iri("measurement", PLUGIN, f"{device}/{format_time(instant)}/{property_key}")


class TemplateJsonCodec(Codec):
    """Template sensor JSON <-> canonical measurements (SAREF ``saref:Measurement``)."""

    name: ClassVar[str] = "template-json"
    description: ClassVar[str] = "Template sensor JSON: readings of one device at one instant."
    media_type: ClassVar[str] = "application/vnd.interop-template+json"

    # decode --------------------------------------------------------------------------------

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        """Decode one message into one Measurement per reading; DecodeError on bad input."""
        where = f"{ctx.source} ({len(raw)} bytes)"
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise DecodeError(
                f"not JSON: {exc}", source=where, expected="a UTF-8 JSON object"
            ) from exc
        if not isinstance(document, dict):
            raise DecodeError(
                f"top level is a {type(document).__name__}", source=where, expected="an object"
            )
        self._check_fields(document, _FIELDS, where, "")
        device = self._device(document["device"], where)
        timestamp = self._time(document["time"], where)
        readings = document["readings"]
        if not isinstance(readings, list):
            raise DecodeError(
                f"is a {type(readings).__name__}", source=where, field="readings",
                expected="a list of readings",
            )  # fmt: skip
        provenance = Provenance(  # with the pipeline's stamp: it need not copy the records
            plugin=PLUGIN,
            plugin_version=MANIFEST.version,
            source_system=ctx.source,
            received_at=ctx.received_at,
            raw_message_id=ctx.raw_message_id,
            policy_version=ctx.policy_version,
        )
        records: list[Record] = []
        seen: set[str] = set()
        for index, reading in enumerate(readings):
            at = f"readings[{index}]"
            if not isinstance(reading, dict):
                raise DecodeError(
                    f"is a {type(reading).__name__}", source=where, field=at, expected="an object"
                )
            self._check_fields(reading, _READING_FIELDS, where, at + ".")
            spec = self._property(reading["property"], where, at)
            if spec.key in seen:
                raise DecodeError(
                    f"property {spec.key!r} appears twice", source=where, field=at + ".property",
                    expected="each property at most once per message",
                )  # fmt: skip
            seen.add(spec.key)
            unit = self._unit(reading["unit"], spec, where, at)
            value = reading["value"]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise DecodeError(
                    f"{value!r} is not a number", source=where, field=at + ".value",
                    expected="a JSON number",
                )  # fmt: skip
            try:
                measurement = Measurement(
                    id=measurement_id(device, timestamp, spec.key),
                    property=spec.iri,
                    value=value,
                    unit=unit.iri,
                    timestamp=timestamp,
                    device=mint_iri("device", PLUGIN, device),
                    provenance=provenance,
                )
            except PydanticValidationError as exc:
                raise DecodeError(
                    f"not a valid measurement: {exc.errors(include_url=False)}",
                    source=where,
                    field=at,
                    expected="a finite value",
                ) from exc
            records.append(measurement)
        return records

    @staticmethod
    def _check_fields(
        document: dict[str, Any], wanted: frozenset[str], where: str, at: str
    ) -> None:
        missing, unknown = wanted - document.keys(), document.keys() - wanted
        if missing or unknown:
            field = at + sorted(missing or unknown)[0]
            raise DecodeError(
                f"missing {sorted(missing)}, unexpected {sorted(unknown)}",
                source=where,
                field=field,
                expected=f"exactly the fields {sorted(wanted)}",
            )

    @staticmethod
    def _device(value: object, where: str) -> str:
        if not isinstance(value, str) or not 0 < len(value) <= MAX_DEVICE_LENGTH:
            raise DecodeError(
                f"{value!r} is not a device name", source=where, field="device",
                expected=f"a string of 1 to {MAX_DEVICE_LENGTH} characters",
            )  # fmt: skip
        return value

    @staticmethod
    def _time(value: object, where: str) -> datetime:
        expected = "an RFC 3339 time with a zone, e.g. '2026-01-01T00:00:00Z'"
        if not isinstance(value, str):
            raise DecodeError(
                f"{value!r} is not a string", source=where, field="time", expected=expected
            )
        try:
            instant = datetime.fromisoformat(value)
        except ValueError as exc:
            raise DecodeError(
                f"{value!r}: {exc}", source=where, field="time", expected=expected
            ) from exc
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise DecodeError(
                f"{value!r} has no time zone", source=where, field="time", expected=expected
            )
        try:
            return instant.astimezone(UTC)
        except OverflowError as exc:
            raise DecodeError(
                f"{value!r}: {exc}", source=where, field="time", expected=expected
            ) from exc

    @staticmethod
    def _property(value: object, where: str, at: str) -> PropertySpec:
        if not isinstance(value, str) or value not in _PROPERTIES:
            raise DecodeError(
                f"unknown property {value!r}", source=where, field=at + ".property",
                expected="a property key such as 'temperature' or 'humidity'",
            )  # fmt: skip
        spec = _PROPERTIES.get(value)
        if spec.key != value:
            raise DecodeError(
                f"{value!r} is an IRI, not a key", source=where, field=at + ".property",
                expected=f"the key {spec.key!r}",
            )  # fmt: skip
        return spec

    @staticmethod
    def _unit(value: object, spec: PropertySpec, where: str, at: str) -> Unit:
        ref = "ucum:" + value if isinstance(value, str) else None
        if ref is None or ref not in _UNITS:
            raise DecodeError(
                f"unknown unit {value!r}", source=where, field=at + ".unit",
                expected="a UCUM code such as 'Cel', '%' or 'lx'",
            )  # fmt: skip
        unit = _UNITS.get(ref)
        if unit.quantity is not spec.quantity:
            raise DecodeError(
                f"{value!r} measures {unit.quantity}, not {spec.key}", source=where,
                field=at + ".unit", expected=f"a unit of {spec.quantity}",
            )  # fmt: skip
        return unit

    # encode --------------------------------------------------------------------------------

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        """Encode measurements of one device at one instant; EncodeError for anything else."""
        if not records:
            raise EncodeError(
                "nothing to encode", source=ctx.target, expected="one measurement or more"
            )
        first = records[0]
        readings = []
        for index, record in enumerate(records):
            where = f"{ctx.target} record {index} ({record.id})"
            if not isinstance(record, Measurement):
                raise EncodeError(
                    f"a {record.kind} has no place in template sensor JSON",
                    source=where, field="kind", expected="measurement",
                )  # fmt: skip
            assert isinstance(first, Measurement)  # the first record passed this check
            readings.append(self._reading(record, first, where))
        assert isinstance(first, Measurement)
        device = self._device_name(first, f"{ctx.target} record 0 ({first.id})")
        document = {"device": device, "time": format_time(first.timestamp), "readings": readings}
        return orjson.dumps(document)

    def _reading(self, record: Measurement, first: Measurement, where: str) -> dict[str, Any]:
        """One reading of the message, after checking that nothing of ``record`` is lost."""
        if record.extensions:
            self._refuse(where, "extensions", "no vendor extensions")
        if record.feature_of_interest is not None:
            self._refuse(where, "feature_of_interest", "no feature of interest")
        if record.device != first.device:
            self._refuse(where, "device", "the same device for every record of a message")
        if record.timestamp != first.timestamp:
            self._refuse(where, "timestamp", "the same time for every record of a message")
        try:
            spec = _PROPERTIES.get(record.property)
            unit = _UNITS.get(record.unit)
        except InteropError as exc:
            raise EncodeError(
                exc.message, source=where, field=exc.field, expected=exc.expected
            ) from exc
        if unit.ucum is None or _UNITS.get("ucum:" + unit.ucum) != unit:
            self._refuse(where, "unit", "a unit with its own UCUM code")
        if unit.quantity is not spec.quantity:
            self._refuse(where, "unit", f"a unit of {spec.quantity}")
        if isinstance(record.value, int) and record.value not in _INT_RANGE:
            self._refuse(where, "value", "an integer that fits in 64 bits")
        device = self._device_name(record, where)
        if record.id != measurement_id(device, record.timestamp, spec.key):
            self._refuse(where, "id", "the id this codec mints from device, time and property")
        return {"property": spec.key, "value": record.value, "unit": unit.ucum}

    @staticmethod
    def _device_name(record: Measurement, where: str) -> str:
        iri = record.device
        name = unquote(iri.removeprefix(_DEVICE_PREFIX)) if iri is not None else ""
        if (
            iri is None
            or not iri.startswith(_DEVICE_PREFIX)
            or mint_iri("device", PLUGIN, name) != iri
            or not 0 < len(name) <= MAX_DEVICE_LENGTH
        ):
            raise EncodeError(
                f"device {iri!r} cannot be named in template sensor JSON", source=where,
                field="device", expected=f"an IRI minted as {_DEVICE_PREFIX}<name>",
            )  # fmt: skip
        return name

    @staticmethod
    def _refuse(where: str, field: str, expected: str) -> NoReturn:
        raise EncodeError(
            "would be lost in template sensor JSON", source=where, field=field, expected=expected
        )
