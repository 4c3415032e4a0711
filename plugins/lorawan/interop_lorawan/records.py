"""The canonical records of an uplink, built with the model's checks made explicit.

Full pydantic validation of a Measurement costs about 10 µs, three times the whole budget of
an uplink on the gateway's hot path (``bench --only lorawan``). The uplink codec therefore

* reuses one validated :class:`~interop.model.device.Device` per device (records are
  immutable; the cache is keyed by every input of the record and bounded);
* builds :class:`~interop.model.observation.Measurement` and
  :class:`~interop.model.base.Provenance` with ``model_construct`` *after* checking, field by
  field, exactly what the model's validators check for the values that vary per uplink:
  IRIs absolute with no forbidden character, the value a finite int or float (not a bool),
  the time aware and in UTC, extensions JSON values (strings, finite numbers, booleans,
  None, lists, string-keyed objects). Constant inputs (the property and unit IRIs of the
  registries, the device IRI) are checked once and remembered.

The measurements of one uplink share device, time, provenance and extensions: a
:class:`MeasurementBatch` checks those once and builds each measurement checking what varies
(value, property, unit), declining anything else. A :class:`ProvenanceFactory` per device
checks plugin, version and source system once; each uplink's Provenance then checks only its
message id and receive time. Records are made as validation makes them: ``__dict__`` in field
order, the fields set, pydantic's slots set through their descriptors.

Anything that fails a fast check is built by full validation instead, so it raises the
model's own error (the caller turns it into a DecodeError): the fast path never accepts what
validation would refuse, and gives equal records (``tests/test_records.py`` and
``tests/test_fast_records.py`` check both).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, JsonValue

from interop.model.base import Provenance
from interop.model.device import Device
from interop.model.observation import Measurement

__all__ = [
    "DeviceCache",
    "MeasurementBatch",
    "ProvenanceFactory",
    "is_iri",
    "is_json",
    "known_iri",
    "measurement",
    "provenance",
    "trusted_measurement",
    "utc",
    "with_provenance",
]

# The same rules as interop.model.base's IRI validator (RFC 3987 absolute IRI).
_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`]")
_CHECKED_IRIS: set[str] = set()
_MAX_CHECKED = 10_000


def is_iri(value: object) -> bool:
    """Whether ``value`` is an absolute IRI the model accepts."""
    return (
        isinstance(value, str)
        and _IRI_SCHEME.match(value) is not None
        and _IRI_FORBIDDEN.search(value) is None
    )


def known_iri(value: str) -> bool:
    """:func:`is_iri` for values that recur (property, unit, device IRIs), remembered."""
    if value in _CHECKED_IRIS:
        return True
    if not is_iri(value):
        return False
    if len(_CHECKED_IRIS) > _MAX_CHECKED:
        _CHECKED_IRIS.clear()
    _CHECKED_IRIS.add(value)
    return True


def is_json(value: object, depth: int = 0) -> bool:
    """Whether ``value`` is a JSON value the model's extensions accept (finite numbers)."""
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if depth > 200:
        return False
    if isinstance(value, list):
        return all(is_json(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v, depth + 1) for k, v in value.items())
    return False


class _Construct:
    """``model_construct`` for one model class, with its field order and defaults resolved once.

    Only for classes without aliases, post-init hooks or defaults that depend on other
    fields (checked here); anything else uses pydantic's own ``model_construct``.
    """

    def __init__(self, cls: type[BaseModel]) -> None:
        self.cls = cls
        fields = cls.__pydantic_fields__
        self.simple = not cls.__pydantic_post_init__ and all(
            f.alias is None and f.validation_alias is None for f in fields.values()
        )
        self.defaults = {
            name: field.get_default(call_default_factory=False)
            for name, field in fields.items()
            if not field.is_required() and field.default_factory is None
        }
        self.factories = frozenset(
            name for name, field in fields.items() if field.default_factory is not None
        )

    def __call__(self, **values: Any) -> Any:
        if not self.simple or not self.factories <= values.keys():
            return self.cls.model_construct(**values)
        fields_set = set(values)
        instance = self.cls.__new__(self.cls)
        object.__setattr__(instance, "__dict__", {**self.defaults, **values})
        object.__setattr__(instance, "__pydantic_fields_set__", fields_set)
        object.__setattr__(instance, "__pydantic_extra__", None)
        object.__setattr__(instance, "__pydantic_private__", None)
        return instance


_MEASUREMENT = _Construct(Measurement)
_PROVENANCE = _Construct(Provenance)
_PROVENANCE_SET = ("plugin", "plugin_version", "source_system", "original_id", "received_at")
_new = object.__new__
M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__


def _slot_setter(name: str) -> Callable[[object, Any], None]:
    """The setter of BaseModel's slot ``name`` (``object.__setattr__`` without the lookup)."""
    for klass in BaseModel.__mro__:
        descriptor = klass.__dict__.get(name)
        if descriptor is not None and hasattr(descriptor, "__set__"):
            return descriptor.__set__  # type: ignore[no-any-return]
    return lambda record, value: _set(record, name, value)


_set_dict = _slot_setter("__dict__")
_set_fields = _slot_setter("__pydantic_fields_set__")
_set_extra = _slot_setter("__pydantic_extra__")
_set_private = _slot_setter("__pydantic_private__")


def _built(cls: type[M], values: dict[str, Any], fields: set[str]) -> M:
    """A ``cls`` holding ``values`` (already checked), set up as validation sets one up."""
    record = _new(cls)
    _set_dict(record, values)
    _set_fields(record, fields)
    _set_extra(record, None)
    _set_private(record, None)
    return record


def utc(instant: object) -> bool:
    """Whether ``instant`` is an aware datetime in UTC (what the model's validator returns)."""
    return isinstance(instant, datetime) and instant.tzinfo is UTC


def _ordered(cls: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` in the order of ``cls``'s fields (as validation fills ``__dict__``)."""
    return {name: values[name] for name in cls.__pydantic_fields__ if name in values}


_PROVENANCE_BASE = _ordered(Provenance, {**_PROVENANCE.defaults, **dict.fromkeys(_PROVENANCE_SET)})
"""A Provenance's ``__dict__`` with the five fields the fast path sets still to fill."""
_PROVENANCE_FIELDS = set(_PROVENANCE_SET)
"""The fields set of a fast-built Provenance (each record gets its own copy)."""
_PROVENANCE_FAST = (
    _PROVENANCE.simple
    and not _PROVENANCE.factories
    and set(_PROVENANCE_BASE) == set(Provenance.__pydantic_fields__)
)


def provenance(
    plugin: str,
    version: str,
    source_system: str,
    original_id: str,
    received_at: datetime | None,
    raw_message_id: str | None = None,
    policy_version: str | None = None,
) -> Provenance:
    """A Provenance, checked as the model checks it (fast path, else full validation).

    ``raw_message_id`` and ``policy_version`` are the pipeline's stamp (its DecodeContext):
    set here, the pipeline need not copy every record to add them.
    """
    stamp = _stamp(raw_message_id, policy_version)
    if (
        plugin
        and version
        and isinstance(source_system, str)
        and isinstance(original_id, str)
        and (received_at is None or utc(received_at))
        and _stamp_checked(raw_message_id, policy_version)
    ):
        if not _PROVENANCE.simple or _PROVENANCE.factories:
            return _PROVENANCE(  # type: ignore[no-any-return]
                plugin=plugin, plugin_version=version, source_system=source_system,
                original_id=original_id, received_at=received_at, **stamp,
            )  # fmt: skip
        record = _new(Provenance)
        _set(record, "__dict__", {  # the defaults give every field, in the model's order
            **_PROVENANCE.defaults, "plugin": plugin, "plugin_version": version,
            "source_system": source_system, "original_id": original_id,
            "received_at": received_at, **stamp,
        })  # fmt: skip
        _set(record, "__pydantic_fields_set__", {*_PROVENANCE_SET, *stamp})
        _set(record, "__pydantic_extra__", None)
        _set(record, "__pydantic_private__", None)
        return record
    return Provenance(
        plugin=plugin, plugin_version=version, source_system=source_system,
        original_id=original_id, received_at=received_at, **stamp,
    )  # fmt: skip


def _stamp(raw_message_id: str | None, policy_version: str | None) -> dict[str, str]:
    """The pipeline's stamp as Provenance keywords: only what is given."""
    stamp = {}
    if raw_message_id is not None:
        stamp["raw_message_id"] = raw_message_id
    if policy_version is not None:
        stamp["policy_version"] = policy_version
    return stamp


def _stamp_checked(raw_message_id: object, policy_version: object) -> bool:
    """Whether the stamp passes the model's checks (an IRI, a text), as validation would."""
    return (raw_message_id is None or is_iri(raw_message_id)) and (
        policy_version is None or (type(policy_version) is str and policy_version != "")
    )


class ProvenanceFactory:
    """Provenances of one plugin and source system: that part checked once, then reused.

    Each uplink's Provenance differs only in ``original_id`` and ``received_at``; those are
    checked per call as :func:`provenance` checks them, and anything else is handed to it.
    """

    __slots__ = ("_args", "_base")

    def __init__(self, plugin: str, version: str, source_system: str) -> None:
        self._args = (plugin, version, source_system)
        base: dict[str, Any] | None = None
        if (
            _PROVENANCE_FAST
            and type(plugin) is str
            and type(version) is str
            and type(source_system) is str
            and plugin
            and version
        ):
            base = _PROVENANCE_BASE.copy()
            base["plugin"] = plugin
            base["plugin_version"] = version
            base["source_system"] = source_system
        self._base = base

    def __call__(
        self,
        original_id: str,
        received_at: datetime | None,
        raw_message_id: str | None = None,
        policy_version: str | None = None,
    ) -> Provenance:
        """The Provenance of one record (fast path, else :func:`provenance`).

        ``raw_message_id`` and ``policy_version``: the pipeline's stamp, when it gave one.
        """
        base = self._base
        if (
            base is None
            or type(original_id) is not str
            or (received_at is not None and not utc(received_at))
            or not _stamp_checked(raw_message_id, policy_version)
        ):
            return provenance(*self._args, original_id, received_at, raw_message_id, policy_version)
        values = base.copy()
        values["original_id"] = original_id
        values["received_at"] = received_at
        fields = _PROVENANCE_FIELDS.copy()
        if raw_message_id is not None:
            values["raw_message_id"] = raw_message_id
            fields.add("raw_message_id")
        if policy_version is not None:
            values["policy_version"] = policy_version
            fields.add("policy_version")
        return _built(Provenance, values, fields)


def measurement(
    iri: str,
    prop: str,
    value: int | float,
    unit: str,
    timestamp: datetime,
    device: str,
    origin: Provenance,
    extensions: dict[str, dict[str, JsonValue]],
    *,
    extensions_checked: bool = False,
    iri_checked: bool = False,
) -> Measurement:
    """A Measurement, checked as the model checks it (fast path, else full validation).

    ``extensions_checked``: the caller has already run :func:`is_json` over the extensions
    (one uplink's dict is shared by all its measurements and checked once);
    ``iri_checked``: ``iri`` is known to pass :func:`is_iri` (an escaped path after a
    checked prefix).
    """
    kind = type(value)
    if (
        (kind is int or (kind is float and math.isfinite(value)))
        and (iri_checked or is_iri(iri))
        and known_iri(prop)
        and known_iri(unit)
        and known_iri(device)
        and utc(timestamp)
        and isinstance(origin, Provenance)
        and (extensions_checked or is_json(extensions))
    ):
        return _MEASUREMENT(  # type: ignore[no-any-return]
            id=iri, property=prop, value=value, unit=unit, timestamp=timestamp, device=device,
            provenance=origin, extensions=extensions,
        )  # fmt: skip
    return Measurement(
        id=iri, property=prop, value=value, unit=unit, timestamp=timestamp, device=device,
        provenance=origin, extensions=extensions,
    )  # fmt: skip


_MEASUREMENT_DEFAULTS = dict(_MEASUREMENT.defaults)
_MEASUREMENT_SET = ("id", "property", "value", "unit", "timestamp", "device", "provenance",
                    "extensions")  # fmt: skip
_MEASUREMENT_BASE = _ordered(
    Measurement, {**_MEASUREMENT_DEFAULTS, **dict.fromkeys(_MEASUREMENT_SET)}
)
"""A Measurement's ``__dict__`` with the eight fields the fast path sets still to fill."""
_MEASUREMENT_FIELDS = set(_MEASUREMENT_SET)
"""The fields set of a fast-built Measurement (each record gets its own copy)."""
_TRUSTED = (
    _MEASUREMENT.simple
    and _MEASUREMENT.factories <= set(_MEASUREMENT_SET)
    and set(_MEASUREMENT_BASE) == set(Measurement.__pydantic_fields__)
)
"""Whether the model's fields still allow building from defaults plus these eight."""


class MeasurementBatch:
    """Measurements of one uplink: time, device and provenance checked once for all.

    The caller has established that every IRI it passes to :meth:`build` is an IRI (an
    escaped path after a checked prefix) and that every ``extensions`` mapping holds JSON
    values. :meth:`build` checks what varies (value, property, unit) as :func:`measurement`
    does and returns None when a record needs full validation, so nothing the model would
    refuse is ever built (``tests/test_records.py`` compares both).
    """

    __slots__ = ("_base",)

    def __init__(self, timestamp: datetime, device: str, origin: Provenance) -> None:
        trusted = (
            _TRUSTED
            and type(device) is str
            and (device in _CHECKED_IRIS or known_iri(device))
            and isinstance(timestamp, datetime)  # as utc()
            and timestamp.tzinfo is UTC
            and type(origin) is Provenance
        )
        base: dict[str, Any] | None = None
        if trusted:
            base = _MEASUREMENT_BASE.copy()
            base["timestamp"] = timestamp
            base["device"] = device
            base["provenance"] = origin
        self._base = base

    @property
    def trusted(self) -> bool:
        """Whether the shared fields passed their checks (else :meth:`build` declines)."""
        return self._base is not None

    def build(
        self,
        iri: str,
        prop: str,
        value: object,
        unit: str,
        extensions: dict[str, dict[str, JsonValue]],
    ) -> Measurement | None:
        """The record, or None when one of its fields needs full validation."""
        base = self._base
        kind = type(value)
        if (
            base is None
            or not (kind is int or (kind is float and math.isfinite(value)))  # type: ignore[arg-type]
            or (prop not in _CHECKED_IRIS and not known_iri(prop))
            or (unit not in _CHECKED_IRIS and not known_iri(unit))
        ):
            return None
        values = base.copy()
        values["id"] = iri
        values["property"] = prop
        values["value"] = value
        values["unit"] = unit
        values["extensions"] = extensions
        return _built(Measurement, values, _MEASUREMENT_FIELDS.copy())


def trusted_measurement(
    iri: str,
    prop: str,
    value: object,
    unit: str,
    timestamp: datetime,
    device: str,
    origin: Provenance,
    extensions: dict[str, dict[str, JsonValue]],
) -> Measurement | None:
    """:func:`measurement` for a caller that has checked the rest, else None.

    The caller has established that ``iri`` is an IRI, ``device`` a :func:`known_iri`,
    ``timestamp`` :func:`utc`, ``origin`` a Provenance and ``extensions`` JSON. One record
    of a :class:`MeasurementBatch` (which checks the shared fields again).
    """
    return MeasurementBatch(timestamp, device, origin).build(iri, prop, value, unit, extensions)


def with_provenance(record: Device, origin: Provenance) -> Device:
    """``record.model_copy(update={"provenance": origin})``, made directly.

    ``origin`` is a Provenance (checked here, else pydantic's own copy is used); the copy
    shares the record's other values, as ``model_copy`` does, and adds ``provenance`` to
    its fields set. The gateway gives each message's Device its own receive time.
    """
    if type(origin) is not Provenance or type(record) is not Device or not _DEVICE_FAST:
        return record.model_copy(update={"provenance": origin})
    values = record.__dict__.copy()
    values["provenance"] = origin
    fields = set(record.__pydantic_fields_set__)
    fields.add("provenance")
    extra, private = record.__pydantic_extra__, record.__pydantic_private__
    copy = _new(Device)
    _set_dict(copy, values)
    _set_fields(copy, fields)
    _set_extra(copy, None if extra is None else dict(extra))
    _set_private(copy, None if private is None else dict(private))
    return copy


_DEVICE_FAST = _Construct(Device).simple and "provenance" in Device.__pydantic_fields__
"""Whether a Device is still a plain model whose provenance can be replaced in place."""


class DeviceCache:
    """Validated Device records by everything they are built from (bounded, per codec)."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._records: dict[tuple[Any, ...], Device] = {}

    def get(self, key: tuple[Any, ...], build: Callable[[], Device]) -> Device:
        """The Device ``build`` makes from the inputs ``key`` holds.

        Fully validated the first time, the same immutable record after; a key holding an
        unhashable value (an uplink's metadata) is built and validated every time.
        """
        try:
            return self._records[key]
        except KeyError:
            pass
        except TypeError:  # unhashable: nothing to remember
            return build()
        record = build()
        if len(self._records) >= self._size:
            self._records.clear()
        self._records[key] = record
        return record
