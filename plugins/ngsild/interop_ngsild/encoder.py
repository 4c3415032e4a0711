"""Canonical records -> normalized NGSI-LD entities (Smart Data Models where one exists).

:func:`to_entities` encodes a batch. The :class:`Batch` index lets one record's entity use
another record of the batch: a measurement's position comes from its device or feature of
interest, a station lists its stops, a light group gathers its lights. Records no Smart Data
Model fits become ``interop:<Class>`` entities with every field as an ``interop:`` attribute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from interop.errors import EncodeError
from interop.model.base import Point
from interop.model.device import Device
from interop.model.lighting import AlarmState, AlarmType, LightingAlarm, LightPoint
from interop.model.observation import Measurement
from interop.model.place import Place
from interop.model.properties import SAREF
from interop.model.records import Record
from interop.model.transit import Stop
from interop.model.units import UnitRegistry, default_unit_registry
from interop_ngsild.mapping import SPECS, Attr, ModelSpec
from interop_ngsild.measurements import (
    DEVICE_MEASUREMENT,
    ObservedModel,
    choose_models,
    controlled_name,
)
from interop_ngsild.parking import DERIVED_MARK, is_parking_spot, kept_status, status_of_count
from interop_ngsild.services import ServiceIndex

__all__ = ["Batch", "interop_type", "measurement_entity_id", "to_entities"]

INTEROP_PREFIX = "interop:"
_FAILED_LAMP = frozenset({AlarmType.LAMP_FAILURE, AlarmType.CONTROL_GEAR_COMM_FAILURE})
_OCCUPANCY = SAREF + "Occupancy"


def interop_type(record: Record) -> str:
    """The entity type of a record no Smart Data Model fits: ``interop:<Class>``."""
    return INTEROP_PREFIX + type(record).__name__


def _point_geometry(point: Point) -> dict[str, Any]:
    coordinates = [point.lon, point.lat] if point.alt is None else [point.lon, point.lat, point.alt]
    return {"type": "Point", "coordinates": coordinates}


def date_time(value: str) -> dict[str, str]:
    """An NGSI-LD DateTime value object."""
    return {"@type": "DateTime", "@value": value}


class Batch:
    """What one record's entity may need to know about the other records of its batch.

    ``positions`` seeds known positions by IRI and ``spots`` known parking spots (a sink
    remembers devices and spots across batches).
    """

    def __init__(
        self,
        records: Sequence[Record],
        positions: Mapping[str, dict[str, Any]] | None = None,
        spots: Iterable[str] = (),
    ) -> None:
        self.positions: dict[str, dict[str, Any]] = dict(positions or {})
        self._children: dict[str, list[str]] = defaultdict(list)
        self._failed: set[str] = set()
        self._groups: dict[str, list[LightPoint]] = defaultdict(list)
        self._cabinets: dict[str, set[str]] = defaultdict(set)
        self.spots: set[str] = set(spots)
        self._occupancy: dict[str, Measurement] = {}
        self.services = ServiceIndex()
        for record in records:
            self._index(record)

    def _index(self, record: Record) -> None:
        if isinstance(record, Device | LightPoint) and record.location is not None:
            self.positions[record.id] = _point_geometry(record.location)
        elif isinstance(record, Place):
            if record.geometry is not None:
                self.positions[record.id] = record.geometry.model_dump(mode="json")
            elif record.point is not None:
                self.positions[record.id] = _point_geometry(record.point)
            if is_parking_spot(record):
                self.spots.add(record.id)
        elif isinstance(record, Measurement):
            foi = record.feature_of_interest
            if record.property == _OCCUPANCY and foi is not None:
                latest = self._occupancy.get(foi)
                if latest is None or latest.timestamp <= record.timestamp:
                    self._occupancy[foi] = record
        elif isinstance(record, Stop) and record.parent_station is not None:
            self._children[record.parent_station].append(record.id)
        elif (
            isinstance(record, LightingAlarm)
            and record.state is AlarmState.RAISED
            and record.alarm_type in _FAILED_LAMP
        ):
            self._failed.add(record.light)
        self.services.add(record)
        if isinstance(record, LightPoint):
            if record.group is not None:
                self._groups[record.group].append(record)
                if record.cabinet is not None:
                    self._cabinets[record.cabinet].add(record.group)
            if record.device is not None and record.device in self._failed:
                self._failed.add(record.id)

    def position(self, *iris: str | None) -> dict[str, Any] | None:
        """The first known position among ``iris``."""
        for iri in iris:
            if iri is not None and iri in self.positions:
                return self.positions[iri]
        return None

    def is_parking_spot(self, place: str) -> bool:
        """Whether the place ``place`` of the batch is a parking spot (see ``parking``)."""
        return place in self.spots

    def parking_status(self, place: Place) -> dict[str, Any]:
        """The spot's ``status``: from its latest occupancy reading, else as kept, else unknown."""
        reading = self._occupancy.get(place.id)
        if reading is not None:
            return {
                "type": "Property",
                "value": status_of_count(reading.value),
                "observedAt": reading.timestamp.isoformat().replace("+00:00", "Z"),
                DERIVED_MARK: {"type": "Property", "value": reading.id},
            }
        return kept_status(place) or {"type": "Property", "value": "unknown"}

    def children_of(self, station: str) -> list[str]:
        """Stops of the batch whose parent is ``station``."""
        return list(self._children.get(station, ()))

    def light_status(self, light: str) -> str:
        """Streetlight ``status``: ``defectiveLamp`` while a lamp failure is raised, else ``ok``."""
        return "defectiveLamp" if light in self._failed else "ok"

    def is_cabinet(self, device: str) -> bool:
        """Whether a light of the batch names ``device`` as its control cabinet."""
        return device in self._cabinets

    def groups_of_cabinet(self, cabinet: str) -> list[str]:
        """Light groups fed by ``cabinet``."""
        return sorted(self._cabinets.get(cabinet, ()))

    def group_entities(self) -> list[dict[str, Any]]:
        """One ``StreetlightGroup`` per light group whose lights have positions."""
        entities = []
        for group, lights in sorted(self._groups.items()):
            located = [light for light in lights if light.location is not None]
            if not located:
                continue
            points = [_point_geometry(light.location).get("coordinates") for light in located]  # type: ignore[arg-type]
            geometry = (
                {"type": "Point", "coordinates": points[0]}
                if len(points) == 1
                else {"type": "MultiPoint", "coordinates": points}
            )
            entity: dict[str, Any] = {
                "id": group,
                "type": "StreetlightGroup",
                "location": {"type": "GeoProperty", "value": geometry},
                "refStreetlight": {
                    "type": "Relationship",
                    "object": sorted(light.id for light in lights),
                },
            }
            cabinets = {light.cabinet for light in lights if light.cabinet is not None}
            if len(cabinets) == 1:
                entity["refStreetlightControlCabinet"] = {
                    "type": "Relationship",
                    "object": cabinets.pop(),
                }
            entities.append(entity)
        return entities


def _wrap(kind: str, value: Any) -> dict[str, Any]:
    if kind == "Relationship":
        return {"type": "Relationship", "object": value}
    return {"type": kind, "value": value}


def _keyword_key(value: Any) -> str | None:
    """A JSON-LD keyword used as a key anywhere inside ``value`` (``@id``, ``@type``, ...)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if str(key).startswith("@"):
                return str(key)
            found = _keyword_key(item)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _keyword_key(item)
            if found is not None:
                return found
    return None


def _checked(record_id: str, name: str, value: Any) -> Any:
    keyword = _keyword_key(value)
    if keyword is not None:
        raise EncodeError(
            f"the key {keyword!r} is a JSON-LD keyword: any JSON-LD processor would read it "
            "as one and change the value",
            source=record_id,
            field=name,
            expected="keys that do not start with '@'",
        )
    return value


def _generic(entity: dict[str, Any], data: Mapping[str, Any], consumed: set[str]) -> None:
    for name, value in data.items():
        if name not in consumed and name not in ("id", "kind"):
            checked = _checked(str(data.get("id")), name, value)
            entity[INTEROP_PREFIX + name] = {"type": "Property", "value": checked}


def _apply_spec(
    spec: ModelSpec, record: Record, data: Mapping[str, Any], batch: Batch
) -> dict[str, Any] | None:
    entity_id = record.id if spec.entity_id is None else spec.entity_id(record.id)
    entity: dict[str, Any] = {"id": entity_id, "type": spec.entity_type}
    consumed: set[str] = set()
    attr: Attr
    for attr in spec.attrs:
        value = data.get(attr.field)
        if value is None or attr.name in entity:
            continue
        out = attr.out(value)
        if out is None:
            continue
        entity[attr.name] = _wrap(attr.kind, out)
        if attr.field != "id" and attr.back(out) == value:
            consumed.add(attr.field)
    if spec.derived is not None:
        entity.update(spec.derived(record, batch))
    if any(name not in entity for name in spec.required):
        return None
    _generic(entity, data, consumed)
    return entity


def _record_entity(record: Record, batch: Batch) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude_defaults=True)
    data["id"] = record.id
    for spec in SPECS:
        if spec.record is type(record) and spec.when(data, batch):
            entity = _apply_spec(spec, record, data, batch)
            if entity is not None:
                return entity
    entity = {"id": record.id, "type": interop_type(record)}
    _generic(entity, data, set())
    return entity


def measurement_entity_id(entity_type: str, key: str) -> str:
    """The id of the observed entity of a device or feature of interest (stable over time)."""
    return f"urn:ngsi-ld:{entity_type}:{key}"


class _MeasurementEncoder:
    """Measurements grouped by (device, feature of interest, instant), then by model."""

    def __init__(self, batch: Batch, units: UnitRegistry) -> None:
        self._batch = batch
        self._units = units
        self._codes: dict[str, tuple[str | None, bool]] = {}

    def _unit_code(self, iri: str) -> tuple[str | None, bool]:
        """The unit's UN/CEFACT code and whether the IRI must also be written (cached)."""
        known = self._codes.get(iri)
        if known is None:
            unit = self._units.get(iri) if iri in self._units else None
            if unit is None or unit.uncefact is None:
                known = (None, True)
            else:
                known = (unit.uncefact, self._units.by_uncefact(unit.uncefact).iri != iri)
            self._codes[iri] = known
        return known

    def attribute(self, reading: Measurement, observed_at: str) -> dict[str, Any]:
        """The attribute instance holding one measured value, with its unit and time."""
        attribute: dict[str, Any] = {"type": "Property", "value": reading.value}
        code, explicit = self._unit_code(reading.unit)
        if code is not None:
            attribute["unitCode"] = code
        if explicit:
            attribute["interop:unit"] = {"type": "Property", "value": reading.unit}
        attribute["observedAt"] = observed_at
        if reading.provenance is not None:
            attribute["interop:provenance"] = {
                "type": "Property",
                "value": reading.provenance.model_dump(mode="json", exclude_defaults=True),
            }
        if reading.extensions:
            extensions = _checked(reading.id, "extensions", reading.extensions)
            attribute["interop:extensions"] = {"type": "Property", "value": extensions}
        return attribute

    def _common(
        self, entity: dict[str, Any], reading: Measurement, times: Iterable[str], when: str
    ) -> None:
        for name in times:
            entity[name] = {"type": "Property", "value": date_time(when)}
        if reading.device is not None:
            entity["refDevice"] = {"type": "Relationship", "object": reading.device}
        if reading.feature_of_interest is not None:
            entity["interop:featureOfInterest"] = {
                "type": "Relationship",
                "object": reading.feature_of_interest,
            }
        position = self._batch.position(reading.feature_of_interest, reading.device)
        if position is not None:
            entity["location"] = {"type": "GeoProperty", "value": position}

    def device_measurement(self, reading: Measurement, when: str) -> dict[str, Any]:
        """A ``DeviceMeasurement``: one value of any property, named by its IRI."""
        entity: dict[str, Any] = {"id": reading.id, "type": DEVICE_MEASUREMENT}
        numeric = self.attribute(reading, when)
        entity["numValue"] = numeric
        if "unitCode" in numeric:
            entity["unit"] = {"type": "Property", "value": numeric["unitCode"]}
        name = controlled_name(reading.property)
        if name is not None:
            entity["controlledProperty"] = {"type": "Property", "value": name}
        entity["interop:property"] = {"type": "Property", "value": reading.property}
        self._common(entity, reading, ("dateObserved",), when)
        return entity

    def observed(
        self, model: ObservedModel, readings: list[Measurement], when: str
    ) -> dict[str, Any]:
        """One observed entity holding ``readings`` (distinct properties, one instant)."""
        first = readings[0]
        key = first.feature_of_interest or first.device or first.id
        entity: dict[str, Any] = {
            "id": measurement_entity_id(model.entity_type, key),
            "type": model.entity_type,
        }
        self._common(entity, first, model.time_attributes, when)
        if model.device_list and "refDevice" in entity:
            entity["refDevice"]["object"] = [entity["refDevice"]["object"]]
        for reading in readings:
            attr = model.attr_for(reading.property)
            assert attr is not None
            attribute = self.attribute(reading, when)
            attribute["interop:recordId"] = {"type": "Property", "value": reading.id}
            entity[attr.name] = attribute
        return entity

    def encode(self, readings: Sequence[Measurement]) -> list[dict[str, Any]]:
        """Entities for ``readings``, in first-seen order of their groups."""
        groups: dict[tuple[str | None, str | None, str], list[list[Measurement]]] = {}
        for reading in readings:
            when = reading.timestamp.isoformat().replace("+00:00", "Z")
            if reading.device is None and reading.feature_of_interest is None:
                groups[(None, reading.id, when)] = [[reading]]
                continue
            slots = groups.setdefault((reading.device, reading.feature_of_interest, when), [])
            for slot in slots:
                if all(other.property != reading.property for other in slot):
                    slot.append(reading)
                    break
            else:
                slots.append([reading])
        entities: list[dict[str, Any]] = []
        for (device, foi, when), slots in groups.items():
            located = self._batch.position(foi, device) is not None
            spot = foi is not None and self._batch.is_parking_spot(foi)
            for slot in slots:
                by_property = {reading.property: reading for reading in slot}
                values = {prop: reading.value for prop, reading in by_property.items()}
                for model, properties in choose_models(values, located, parking_spot=spot):
                    chosen = [by_property[prop] for prop in properties]
                    if model is None:
                        entities.extend(self.device_measurement(r, when) for r in chosen)
                    else:
                        entities.append(self.observed(model, chosen, when))
        return entities


def to_entities(
    records: Sequence[Record],
    *,
    units: UnitRegistry | None = None,
    positions: Mapping[str, dict[str, Any]] | None = None,
    spots: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Encode ``records`` as normalized NGSI-LD entities (without ``@context``).

    Measurements come first grouped into observed entities, then every other record in
    order, then one ``StreetlightGroup`` per light group and one ``GtfsService`` per service
    whose agency is known. Raises :class:`EncodeError` only
    for a record that is not a canonical record at all.
    """
    batch = Batch(records, positions, spots)
    readings = [record for record in records if isinstance(record, Measurement)]
    entities = _MeasurementEncoder(batch, units or _UNITS).encode(readings)
    for record in records:
        if isinstance(record, Measurement):
            continue
        if not hasattr(record, "model_dump"):
            raise EncodeError(f"{type(record).__name__} is not a canonical record", source="ngsild")
        entities.append(_record_entity(record, batch))
    entities.extend(batch.group_entities())
    entities.extend(batch.services.entities())
    return entities


_UNITS = default_unit_registry()
