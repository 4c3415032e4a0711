"""NGSI-LD entities (any representation) -> canonical records.

Entities interop wrote come back exactly (the ``interop:`` attributes hold what the Smart
Data Model does not). Entities from elsewhere decode by the Smart Data Models' own attribute
names: an observed entity's known attributes become measurements (ids minted from the
entity, attribute and time), and attributes interop has no field for are kept in
``extensions["ngsild"]`` rather than dropped. Records come out ordered by kind, then id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from interop.errors import DecodeError, InteropError
from interop.model.observation import Measurement
from interop.model.records import RECORD_TYPES, Record
from interop.model.units import UnitRegistry, default_unit_registry
from interop_ngsild.contexts import INTEROP
from interop_ngsild.mapping import Attr, ModelSpec, specs_for_type
from interop_ngsild.measurements import DEVICE_MEASUREMENT, ObservedModel, model_named
from interop_ngsild.metamodel import check_entity
from interop_ngsild.parking import KEPT
from interop_ngsild.representation import Representation, normalize

__all__ = ["EXTENSION", "from_entities", "from_entity", "record_order", "relationships_of"]

EXTENSION = KEPT
"""Extensions namespace for attributes of foreign entities interop has no field for."""
_PREFIX = "interop:"
_BY_CLASS = {cls.__name__: cls for cls in RECORD_TYPES}
_DERIVED_ONLY = frozenset({"StreetlightGroup", "GtfsService"})
_DERIVED_RELATIONSHIPS = {
    "StreetlightControlCabinet": ("refStreetlightGroup",),
    "StreetlightGroup": ("refStreetlight", "refStreetlightControlCabinet"),
    "GtfsStation": ("hasStop",),
    "GtfsService": ("operatedBy",),
}
"""Relationships the encoder derives (not in a spec's attrs), for reading keyValues."""
_ENTITY_KEYS = frozenset({"id", "type", "@context"})
_MEASUREMENT_CONTEXT = frozenset(
    {"location", "dateObserved", "dateObservedFrom", "dateObservedTo", "refDevice"}
    | {"interop:featureOfInterest", "unit", "controlledProperty", "interop:property"}
)
_UNITS = default_unit_registry()


def record_order(record: Record) -> tuple[str, str]:
    """The order decoded records come in: by kind, then id."""
    return (record.kind, record.id)


def relationships_of(entity_type: str) -> frozenset[str]:
    """Attributes that are relationships in ``entity_type`` (for reading keyValues)."""
    names = {"refDevice", "interop:featureOfInterest"}
    for spec in specs_for_type(entity_type):
        names.update(attr.name for attr in spec.attrs if attr.kind == "Relationship")
    names.update(_DERIVED_RELATIONSHIPS.get(entity_type, ()))
    return frozenset(names)


def _local(name: str) -> str:
    """``https://w3id.org/interop/ontology#x`` -> ``interop:x``; other names unchanged."""
    return _PREFIX + name.removeprefix(INTEROP) if name.startswith(INTEROP) else name


def _value(attribute: Any) -> Any:
    if not isinstance(attribute, Mapping):
        return attribute
    if "object" in attribute:
        return attribute["object"]
    value = attribute.get("value")
    if isinstance(value, Mapping) and value.get("@type") == "DateTime":
        return value.get("@value")
    return value


def _source(entity: Mapping[str, Any]) -> str:
    return f"entity {entity.get('id')!r}"


def _validate(cls: type[Record], data: dict[str, Any], entity: Mapping[str, Any]) -> Record:
    try:
        record: Record = cls.model_validate(data)
    except PydanticValidationError as exc:
        errors = exc.errors(include_url=False)
        raise DecodeError(
            f"is not a valid {cls.__name__}: {errors[0]['msg']}",
            source=_source(entity),
            field=".".join(str(part) for part in errors[0]["loc"]) or None,
            expected=f"attributes that make a {cls.__name__}",
        ) from exc
    return record


def _unknown(entity: Mapping[str, Any], known: set[str]) -> dict[str, Any]:
    return {
        name: entity[name]
        for name in entity
        if name not in _ENTITY_KEYS and name not in known and not name.startswith(_PREFIX)
    }


def _record(entity: Mapping[str, Any], specs: Sequence[ModelSpec] | None) -> Record:
    entity_type = str(entity["type"])
    if specs:
        cls: type[Record] = specs[0].record  # type: ignore[assignment]
    else:
        cls = _BY_CLASS[entity_type.removeprefix(_PREFIX)]
    data: dict[str, Any] = {"id": entity["id"]}
    known: set[str] = set()
    attr: Attr
    for spec in specs or ():
        known.update(spec.derived_names)
        if spec.implied is not None:
            known.update(spec.implied(entity))
        for attr in spec.attrs:
            known.add(attr.name)
            if attr.name not in entity:
                continue
            if attr.field == "id":
                data["id"] = attr.back(_value(entity[attr.name]))
            elif attr.field not in data:
                data[attr.field] = attr.back(_value(entity[attr.name]))
    for name, attribute in entity.items():
        if name.startswith(_PREFIX):
            data[name.removeprefix(_PREFIX)] = _value(attribute)
    extra = _unknown(entity, known)
    if extra:
        extensions = dict(data.get("extensions") or {})
        extensions[EXTENSION] = {**extensions.get(EXTENSION, {}), **extra}
        data["extensions"] = extensions
    return _validate(cls, data, entity)


def _instances(attribute: Any) -> list[Mapping[str, Any]]:
    items = attribute if isinstance(attribute, list) else [attribute]
    return [item for item in items if isinstance(item, Mapping)]


class _MeasurementDecoder:
    def __init__(self, entity: Mapping[str, Any], units: UnitRegistry) -> None:
        self.entity = entity
        self.units = units
        device = _value(entity.get("refDevice"))
        self.device = device[0] if isinstance(device, list) and len(device) == 1 else device
        self.foi = _value(entity.get("interop:featureOfInterest"))
        self.when = _value(entity.get("dateObserved")) or _value(entity.get("dateObservedTo"))

    def _unit(self, instance: Mapping[str, Any], fallback: str | None, name: str) -> str:
        explicit = _value(instance.get("interop:unit"))
        if isinstance(explicit, str):
            return explicit
        code = instance.get("unitCode") or fallback
        if isinstance(code, str):
            try:
                return self.units.by_uncefact(code).iri
            except InteropError:
                raise DecodeError(
                    f"unitCode {code!r} is not a known UN/CEFACT code",
                    source=_source(self.entity),
                    field=f"{name}.unitCode",
                    expected="a UN/CEFACT Rec. 20 code of the unit registry",
                ) from None
        raise DecodeError(
            "a measured value without a unit",
            source=_source(self.entity),
            field=f"{name}.unitCode",
            expected="unitCode on the attribute",
        )

    def measurement(
        self,
        name: str,
        instance: Mapping[str, Any],
        prop: str,
        *,
        default_unit: str | None = None,
        unit_code: str | None = None,
        record_id: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Measurement:
        """One measurement from one attribute instance."""
        when = instance.get("observedAt") or self.when
        if when is None:
            raise DecodeError(
                "a measured value without a time",
                source=_source(self.entity),
                field=f"{name}.observedAt",
                expected="observedAt on the attribute or dateObserved on the entity",
            )
        explicit = _value(instance.get("interop:unit"))
        if default_unit is not None and "unitCode" not in instance and explicit is None:
            unit = default_unit
        else:
            unit = self._unit(instance, unit_code, name)
        data: dict[str, Any] = {
            "id": _value(instance.get("interop:recordId"))
            or record_id
            or f"{self.entity['id']}:{name}:{when}",
            "property": prop,
            "value": instance.get("value"),
            "unit": unit,
            "timestamp": when,
            "device": self.device,
            "feature_of_interest": self.foi,
        }
        for field in ("provenance", "extensions"):
            value = _value(instance.get(_PREFIX + field))
            if value is not None:
                data[field] = value
        if extra:
            extensions = dict(data.get("extensions") or {})
            extensions[EXTENSION] = dict(extra)
            data["extensions"] = extensions
        return _validate(Measurement, data, self.entity)  # type: ignore[return-value]

    def observed(self, model: ObservedModel) -> list[Record]:
        known = {attr.name for attr in model.attrs} | set(model.time_attributes)
        extra = _unknown(self.entity, known | _MEASUREMENT_CONTEXT)
        out: list[Record] = []
        for name, attribute in self.entity.items():
            attr = model.attr_named(name)
            if attr is None:
                continue
            for instance in _instances(attribute):
                out.append(
                    self.measurement(
                        name,
                        instance,
                        attr.property,
                        default_unit=attr.key_values_unit,
                        extra=extra,
                    )
                )
        return out

    def device_measurement(self) -> list[Record]:
        prop = _value(self.entity.get("interop:property"))
        controlled = _value(self.entity.get("controlledProperty"))
        if not isinstance(prop, str):
            if not isinstance(controlled, str):
                raise DecodeError(
                    "a DeviceMeasurement names no property",
                    source=_source(self.entity),
                    field="controlledProperty",
                    expected="controlledProperty or interop:property",
                )
            prop = INTEROP + controlled
        unit_code = _value(self.entity.get("unit"))
        extra = _unknown(self.entity, {"numValue"} | _MEASUREMENT_CONTEXT)
        return [
            self.measurement(
                "numValue",
                instance,
                prop,
                unit_code=unit_code if isinstance(unit_code, str) else None,
                record_id=str(self.entity["id"]),
                extra=extra,
            )
            for instance in _instances(self.entity.get("numValue"))
        ]


def from_entity(
    entity: Mapping[str, Any],
    representation: Representation = Representation.NORMALIZED,
    *,
    units: UnitRegistry | None = None,
) -> list[Record]:
    """Decode one entity in ``representation`` into records (none for a derived group)."""
    if not isinstance(entity, Mapping):
        raise DecodeError("an entity is a JSON object", source="ngsild", expected="{id, type, ...}")
    entity_id, entity_type = entity.get("id"), entity.get("type")
    if not isinstance(entity_id, str) or not isinstance(entity_type, str):
        raise DecodeError(
            "an entity needs a string id and type",
            source=_source(entity),
            field="id" if not isinstance(entity_id, str) else "type",
            expected="an entity id URI and a type name",
        )
    entity_type = _local(entity_type)
    raw = {_local(name): value for name, value in entity.items()}
    normal = normalize(raw, representation, relationships_of(entity_type))
    normal["type"] = entity_type
    check_entity(normal)
    if entity_type in _DERIVED_ONLY:
        return []
    registry = units or _UNITS
    observed = model_named(entity_type)
    if observed is not None:
        return _MeasurementDecoder(normal, registry).observed(observed)
    if entity_type == DEVICE_MEASUREMENT:
        return _MeasurementDecoder(normal, registry).device_measurement()
    specs = specs_for_type(entity_type)
    if not specs and entity_type.removeprefix(_PREFIX) not in _BY_CLASS:
        raise DecodeError(
            f"entity type {entity_type!r} has no canonical mapping",
            source=_source(entity),
            field="type",
            expected="a Smart Data Model interop maps or an interop: type",
        )
    return [_record(normal, specs)]


def from_entities(
    entities: Sequence[Any],
    representation: Representation = Representation.NORMALIZED,
    *,
    units: UnitRegistry | None = None,
) -> list[Record]:
    """Decode entities into records, ordered by :func:`record_order`."""
    records: list[Record] = []
    for entity in entities:
        records.extend(from_entity(entity, representation, units=units))
    records.sort(key=record_order)
    return records
