"""The decoder against the entity payloads of the ETSI NGSI-LD API test suite.

The suite's entities are of types interop has no Smart Data Model for (Building, Vehicle,
OffStreetParking), so each payload's attributes are grafted onto a ``GtfsAgency`` entity:
every well-formed attribute shape (multi-instance, LanguageProperty, VocabProperty,
JsonProperty, properties of properties, relationships of properties, scopes) must decode, be
kept in ``extensions["ngsild"]`` and come back from a round trip; every payload breaking the
meta-model must be refused with a DecodeError naming the attribute.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from interop_ngsild.decoder import from_entity
from interop_ngsild.documents import load_entities
from interop_ngsild.encoder import to_entities
from interop_ngsild.representation import ATTRIBUTE_TYPES

from interop.errors import DecodeError
from interop.model.transit import Operator

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
SUITE = SHARED / "ontologies" / "ngsi-ld" / "etsi-test-suite-data" / "data"
INVALID = {
    "entities/invalid-json.jsonld": None,
    "entities/batch/invalid-json.jsonld": None,
    "entities/batch/invalid-json-ld.jsonld": "name",
    "entities/batch/null-item.jsonld": None,
    "entities/meta-model-languageproperty-no-map.jsonld": "description",
    "entities/meta-model-property-no-value.jsonld": "name",
    "entities/meta-model-property-null-value.jsonld": "name",
    "entities/meta-model-relationship-no-object.jsonld": "owner",
    "entities/temporal-observedat-not-datetime.jsonld": "name.observedAt",
    "entities/temporal-observedat-reified.jsonld": "name.observedAt",
    "temporalEntities/vehicle-temporal-representation-invalid-json.jsonld": None,
    "temporalEntities/vehicle-temporal-representation-without-id.jsonld": "id",
}
"""Payloads a broker must refuse, with the attribute the refusal names (None: not JSON)."""
UNCLAIMED = {
    "entities/invalid-type.jsonld",
    "temporalEntities/vehicle-temporal-representation-empty-json.jsonld",
}
"""Payloads whose point is not the entity's structure (a reserved type name; an empty body)."""


def _payloads() -> list[str]:
    if not SUITE.is_dir():
        return []
    found = [
        *SUITE.glob("entities/*.json*"),
        *SUITE.glob("entities/batch/*.json*"),
        *SUITE.glob("entities/interoperability/*.json*"),
        *SUITE.glob("temporalEntities/*representation*.json*"),
    ]
    return sorted(str(path.relative_to(SUITE)) for path in found)


def _attributes(payload: dict[str, Any]) -> dict[str, Any]:
    """The attributes a payload carries: an entity's, a fragment's, or one attribute."""
    if "id" in payload:
        return {k: v for k, v in payload.items() if k not in ("id", "type", "@context")}
    if payload.get("type") in ATTRIBUTE_TYPES:
        return {"fragment": payload}
    return {k: v for k, v in payload.items() if k != "@context"}


def _host(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's attributes on a GtfsAgency entity (a type interop maps).

    The suite replaces ``RandomUuidToBeReplaced`` ids before sending; so does this.
    """
    entity_id = payload.get("id", "urn:ngsi-ld:Fragment:host")
    if entity_id == "RandomUuidToBeReplaced":
        entity_id = "urn:ngsi-ld:Building:random"
    grafted = {"id": entity_id, **_attributes(payload)}
    agency = {
        "type": "GtfsAgency",
        "agencyName": {"type": "Property", "value": "ETSI"},
        "page": {"type": "Property", "value": "https://www.etsi.org"},
        "timezone": {"type": "Property", "value": "Europe/Paris"},
    }
    return {**grafted, **agency}


@pytest.fixture(scope="module")
def suite() -> Path:
    if not SUITE.is_dir():
        pytest.skip(f"ETSI NGSI-LD test-suite data not present at {SUITE} (shared data)")
    return SUITE


VALID = [name for name in _payloads() if name not in INVALID and name not in UNCLAIMED]


def test_the_suite_has_entity_payloads(suite: Path) -> None:
    assert len(VALID) >= 60
    assert all((suite / name).is_file() for name in INVALID)


@pytest.mark.parametrize("name", VALID)
def test_well_formed_payloads_decode_and_keep_every_attribute(suite: Path, name: str) -> None:
    for entity in load_entities((suite / name).read_bytes(), name):
        (record,) = from_entity(_host(entity))
        assert isinstance(record, Operator)
        assert set(record.extensions.get("ngsild", {})) == set(_attributes(entity))
        (again,) = to_entities([record])
        assert from_entity(again) == [record]


@pytest.mark.parametrize("name", sorted(INVALID))
def test_payloads_breaking_the_meta_model_are_refused(suite: Path, name: str) -> None:
    field = INVALID[name]

    def decode() -> None:
        for entity in load_entities((suite / name).read_bytes(), name):
            from_entity(_host(entity) if isinstance(entity, dict) else entity)

    with pytest.raises(DecodeError) as caught:
        decode()
    if field is not None:
        assert caught.value.field == field
