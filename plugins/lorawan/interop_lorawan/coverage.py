"""How much of a fleet's decoded data the semantic mapping places, per device model.

An integrator runs this over uplinks (TTS v3 / ChirpStack v4 messages, one per line) or
decoded objects (one JSON object per line, or corpus vectors with ``expected.data``) and sees,
per device model, which fields are mapped (to which property and unit), which were placed by
choosing among ambiguous units, and which stay unmapped and why: what to put in a device
profile. ``interop lorawan coverage FILE`` prints it; :func:`corpus_coverage` is the same
over the development corpus, per vendor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from interop.errors import ValidationError
from interop_lorawan.mapping import FieldRule, MappedValue, MappingResult, SemanticMapper

__all__ = [
    "CorpusCoverage",
    "ModelCoverage",
    "corpus_coverage",
    "coverage_of",
    "decoded_objects",
]


@dataclass(slots=True)
class ModelCoverage:
    """The mapping's outcome for the fields of one device model (counts per field path)."""

    model: str
    objects: int = 0
    mapped: Counter[str] = field(default_factory=Counter)
    """``path -> property [unit]`` label -> count."""
    resolved: Counter[str] = field(default_factory=Counter)
    """``path: note`` -> count (ambiguous fields placed by plausibility)."""
    unmapped: Counter[str] = field(default_factory=Counter)
    """``path (reason)`` -> count."""
    skipped: int = 0
    metadata: int = 0
    out_of_range: list[str] = field(default_factory=list)
    """Mapped values outside their property's plausible range (should stay empty)."""

    @property
    def coverage(self) -> float:
        """Mapped share of the fields that are neither placeholders nor metadata."""
        placed, left = sum(self.mapped.values()), sum(self.unmapped.values())
        return placed / (placed + left) if placed + left else 1.0

    def add(self, result: MappingResult) -> None:
        """Count one decoded object's mapping."""
        self.objects += 1
        for value in result.values:
            self.mapped[f"{value.path} -> {value.property.key} [{value.unit.symbol}]"] += 1
            if value.note:
                self.resolved[f"{value.path}: {value.note}"] += 1
            if not in_range(value):
                self.out_of_range.append(f"{value.path}={value.value} {value.unit.symbol}")
        for path in result.report.unmapped:
            why = result.report.warnings.get(path, "no rule for this name")
            self.unmapped[f"{path} ({why})"] += 1
        self.skipped += len(result.report.skipped)
        self.metadata += len(result.report.metadata)


def in_range(value: MappedValue) -> bool:
    """Whether a mapped value lies in its property's plausible range (default unit)."""
    from interop.units import convert

    spec = value.property
    if spec.plausible is None:
        return True
    canonical = float(convert(value.value, value.unit, spec.default_unit))
    return spec.plausible[0] - 1e-9 <= canonical <= spec.plausible[1] + 1e-9


Decoded = tuple[str, str | None, dict[str, Any] | list[Any], Mapping[str, FieldRule]]
"""(device model, vendor, decoded object, the device profile's field rules)."""


def decoded_objects(path: Path, hints: Mapping[str, str] | None = None) -> Iterator[Decoded]:
    """(device model, vendor, decoded object, profile rules) of each line of ``path``.

    A line is a TTS v3 / ChirpStack v4 uplink, bare or in a TTS Storage Integration
    ``{"result": ...}`` line (its payload decoded by the codec that ``hints`` ``codec`` or
    the ``profiles`` file names, else the server's decoded payload; the model is the device
    profile's name, TTS ``version_ids`` or ChirpStack's device-profile name), a corpus
    vector (``expected.data``, model ``vendor/device``) or a decoded object itself, an object
    or a TTS normalized payload array (model ``-``). Lines with nothing decoded and canonical
    records are passed over; a line that is not JSON is a ValidationError naming it, an
    uplink that does not decode a DecodeError.
    """
    from interop_lorawan.uplink import LorawanUplinkCodec

    codec = LorawanUplinkCodec()
    hints = dict(hints or {})
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                doc = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ValidationError(
                    f"line {number} is not JSON: {exc}", source=str(path), field=f"line {number}",
                    expected="one uplink or decoded object per line",
                ) from None  # fmt: skip
            if isinstance(doc, list):
                yield "-", None, doc, {}  # a TTS normalized payload: an array of measurements
                continue
            if not isinstance(doc, dict):
                continue
            if "expected" in doc and "vendor" in doc:
                data = (doc.get("expected") or {}).get("data")
                if doc.get("direction", "uplink") == "uplink" and isinstance(data, dict):
                    model = f"{doc['vendor']}/{doc.get('device', '-')}"
                    yield model, str(doc["vendor"]), data, {}
                continue
            if set(doc) == {"result"} or "end_device_ids" in doc or "deviceInfo" in doc:
                envelope, decoded, profile = codec.payload_object(
                    line.strip(), hints, f"{path}:{number}"
                )
                if decoded is None:
                    continue
                model = "/".join(p for p in (envelope.vendor, envelope.model) if p)
                if profile.name != "default":
                    model = profile.name
                vendor = profile.vendor or envelope.vendor
                yield model or envelope.device_profile or "-", vendor, decoded, profile.fields
                continue
            if "kind" in doc and "id" in doc:
                continue  # a canonical record, not a decoded object
            yield "-", None, doc, {}


def coverage_of(
    objects: Iterable[Decoded], mapper: SemanticMapper | None = None
) -> dict[str, ModelCoverage]:
    """Per device model, what the mapping did with ``objects``."""
    mapper = mapper or SemanticMapper()
    models: dict[str, ModelCoverage] = {}
    for model, vendor, decoded, rules in objects:
        entry = models.setdefault(model, ModelCoverage(model))
        entry.add(mapper.map(decoded, vendor=vendor, overrides=rules))
    return models


@dataclass(frozen=True, slots=True)
class CorpusCoverage:
    """Mapping coverage over a corpus of decoded objects, overall and per vendor."""

    models: dict[str, ModelCoverage]

    @property
    def objects(self) -> int:
        """Decoded objects read."""
        return sum(m.objects for m in self.models.values())

    @property
    def mapped(self) -> int:
        """Fields placed on a property."""
        return sum(sum(m.mapped.values()) for m in self.models.values())

    @property
    def unmapped(self) -> int:
        """Fields left unmapped (kept in extensions)."""
        return sum(sum(m.unmapped.values()) for m in self.models.values())

    @property
    def coverage(self) -> float:
        """Share of non-placeholder, non-metadata fields placed: mapped / (mapped + unmapped)."""
        total = self.mapped + self.unmapped
        return self.mapped / total if total else 1.0

    @property
    def by_vendor(self) -> dict[str, tuple[int, int]]:
        """Vendor -> (mapped, mapped + unmapped)."""
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for name, model in self.models.items():
            vendor = name.split("/", 1)[0]
            placed = sum(model.mapped.values())
            sums[vendor][0] += placed
            sums[vendor][1] += placed + sum(model.unmapped.values())
        return {v: (m, t) for v, (m, t) in sorted(sums.items())}

    @property
    def out_of_range(self) -> list[str]:
        """Mapped values outside their property's plausible range, as ``model: path=value``."""
        return [f"{n}: {v}" for n, m in self.models.items() for v in m.out_of_range]

    def summary(self) -> str:
        """Overall line, then one line per vendor."""
        lines = [
            f"{self.objects} decoded objects: mapped {self.mapped} of "
            f"{self.mapped + self.unmapped} fields ({self.coverage:.1%})"
        ]
        for vendor, (placed, total) in self.by_vendor.items():
            share = placed / total if total else 1.0
            lines.append(f"  {vendor}: {placed}/{total} ({share:.0%})")
        return "\n".join(lines)


def corpus_coverage(path: Path, mapper: SemanticMapper | None = None) -> CorpusCoverage:
    """Coverage of the mapping over ``vectors.jsonl`` (uplink vectors' ``expected.data``)."""
    return CorpusCoverage(coverage_of(decoded_objects(path), mapper))
