"""Push records into an NGSI-LD broker a city already runs (Orion-LD, Scorpio, Stellio).

:class:`BrokerSink` upserts the latest state of every entity in batches
(``POST /ngsi-ld/v1/entityOperations/upsert``) with bounded concurrency, and appends the
history of measured values to the temporal API (``POST /ngsi-ld/v1/temporal/entities``);
Orion-LD records history itself from upserts (TRoE), so there every snapshot is upserted in
time order instead. A 207 is read entity by entity: retryable failures are re-sent (only
those), permanent refusals become :class:`~interop.errors.RecordsRefused` naming the records
behind each refused entity; a broker that is down raises
:class:`~interop.errors.SourceUnavailable` so the pipeline retries from its cursor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import aiohttp
import orjson
from pydantic import BaseModel, ConfigDict, Field, HttpUrl
from pydantic import ValidationError as PydanticValidationError

from interop.adapters import Sink
from interop.errors import (
    RateLimited,
    RecordsRefused,
    SourceUnavailable,
    ValidationError,
)
from interop.model.observation import Measurement
from interop.model.records import Record
from interop_ngsild.contexts import INTEROP_CONTEXT, entity_context
from interop_ngsild.encoder import Batch, to_entities
from interop_ngsild.mapping import specs_for_type
from interop_ngsild.measurements import DEVICE_MEASUREMENT, model_named
from interop_ngsild.problems import Problem, problem_from

if TYPE_CHECKING:
    from interop.secrets import Secret

__all__ = [
    "BrokerAuthenticationFailed",
    "BrokerFlavour",
    "BrokerSettings",
    "BrokerSink",
    "ContextMode",
]

_API = "/ngsi-ld/v1"
_JSONLD_CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
_NO_TENANT = frozenset({"NonexistentTenant", "NonExistingTenant"})
"""The spec's error name for an unknown tenant, and Orion-LD's spelling of it."""


class BrokerAuthenticationFailed(SourceUnavailable):
    """The broker refused the sink's credentials (401/403).

    Retryable on purpose: the records are fine, the configuration is not, so they wait in the
    outbox (the sink shows as failing with code ``auth-failed``) instead of being
    dead-lettered, until the token is fixed.
    """

    code = "auth-failed"


class BrokerFlavour(StrEnum):
    """Which broker is on the other end; each has its quirks (see the docs)."""

    GENERIC = "generic"
    ORION_LD = "orion-ld"
    SCORPIO = "scorpio"
    STELLIO = "stellio"


class ContextMode(StrEnum):
    """How the @context travels: inline (``application/ld+json``) or in a ``Link`` header."""

    INLINE = "inline"
    LINK = "link"


class BrokerSettings(BaseModel):
    """Where and how to deliver: one TOML table of the gateway config."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: HttpUrl = Field(description="Base URL of the broker, e.g. http://orion:1026.")
    tenant: str | None = Field(None, min_length=1, description="NGSILD-Tenant header value.")
    flavour: BrokerFlavour = BrokerFlavour.GENERIC
    context: ContextMode = ContextMode.INLINE
    context_url: str = Field(
        INTEROP_CONTEXT, description="The context URL sent in the Link header (link mode)."
    )
    batch_size: int = Field(100, ge=1, le=10_000, description="Entities per upsert request.")
    concurrency: int = Field(4, ge=1, le=64, description="Requests in flight at once.")
    timeout: float = Field(30.0, gt=0, description="Seconds per request.")
    upsert: Literal["update", "replace"] = Field(
        "update", description="options= of the upsert: merge attributes or replace the entity."
    )
    temporal: bool | None = Field(
        None,
        description="Append measured values to /temporal/entities; default: yes, except on "
        "Orion-LD, whose TRoE keeps history of upserts by itself.",
    )
    retries: int = Field(3, ge=0, le=20, description="Immediate re-sends of retryable 207 items.")
    retry_delay: float = Field(0.2, ge=0, description="Seconds before the first re-send.")
    token: str | None = Field(
        None,
        description="Secret reference (env:NAME or file:PATH) of an access token, for a broker "
        "behind an identity proxy (Stellio with Keycloak, Orion-LD behind a PEP proxy).",
    )
    token_header: str = Field(
        "Authorization",
        min_length=1,
        description="Header carrying the token: Authorization sends 'Bearer <token>', any "
        "other header (X-Auth-Token for a Keyrock PEP proxy) the token as is.",
    )

    @property
    def writes_temporal(self) -> bool:
        """Whether measured values are also posted to the temporal API."""
        if self.temporal is not None:
            return self.temporal
        return self.flavour is not BrokerFlavour.ORION_LD


def _is_measurement_entity(entity: Mapping[str, Any]) -> bool:
    entity_type = str(entity.get("type"))
    return entity_type == DEVICE_MEASUREMENT or model_named(entity_type) is not None


def _record_ids(entity: Mapping[str, Any]) -> list[str]:
    ids = [
        value["interop:recordId"]["value"]
        for value in entity.values()
        if isinstance(value, Mapping) and isinstance(value.get("interop:recordId"), Mapping)
    ]
    if entity.get("type") == "StreetlightGroup":
        members = entity.get("refStreetlight", {}).get("object", [])
        ids.extend(members if isinstance(members, list) else [members])
    for spec in specs_for_type(str(entity.get("type"))):
        if spec.entity_id is None:
            continue
        for attr in spec.attrs:
            carrier = entity.get(attr.name)
            if attr.field == "id" and isinstance(carrier, Mapping) and "object" in carrier:
                ids.append(str(carrier["object"]))
    return ids or [str(entity["id"])]


def _merge(snapshots: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The latest state per entity id: later snapshots' attributes override earlier ones."""
    merged: dict[str, dict[str, Any]] = {}
    for entity in snapshots:
        merged.setdefault(entity["id"], {}).update(entity)
    return list(merged.values())


def _temporal(snapshots: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Snapshots of one id folded into temporal entities (attributes as instance lists)."""
    folded: dict[str, dict[str, Any]] = {}
    for entity in snapshots:
        target = folded.setdefault(entity["id"], {"id": entity["id"], "type": entity["type"]})
        for name, value in entity.items():
            if name in ("id", "type") or not isinstance(value, Mapping):
                continue
            if "observedAt" in value:
                target.setdefault(name, []).append(value)
    return [entity for entity in folded.values() if len(entity) > 2]


class BrokerSink(Sink):
    """Delivers records to an NGSI-LD broker as Smart Data Models entities."""

    name: ClassVar[str] = "broker"
    description: ClassVar[str] = "NGSI-LD broker: batch upsert and temporal history."

    def __init__(self, settings: BrokerSettings) -> None:
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None
        self._positions: dict[str, dict[str, Any]] = {}
        self._spots: set[str] = set()
        self._token: Secret | None = None
        if settings.token is not None:
            from interop.secrets import resolve_secret

            self._token = resolve_secret(settings.token, field="options.token")

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> BrokerSink:
        """Build a sink from a config table (``[sinks.city-broker]`` in the gateway TOML)."""
        try:
            return cls(BrokerSettings.model_validate(dict(options)))
        except PydanticValidationError as exc:
            error = exc.errors(include_url=False)[0]
            raise ValidationError(
                f"invalid broker sink setting: {error['msg']}",
                source="ngsild broker sink",
                field=".".join(str(part) for part in error["loc"]) or None,
                expected="url, tenant, flavour, context, batch_size, concurrency, ...",
            ) from None

    # -- HTTP ---------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        settings = self.settings
        headers = {"Accept": "application/json"}
        if settings.context is ContextMode.LINK:
            headers["Content-Type"] = "application/json"
            headers["Link"] = (
                f'<{settings.context_url}>; rel="{_JSONLD_CONTEXT_REL}"; type="application/ld+json"'
            )
        else:
            headers["Content-Type"] = "application/ld+json"
        if settings.tenant is not None:
            headers["NGSILD-Tenant"] = settings.tenant
        if self._token is not None:
            token = self._token.reveal()
            bearer = settings.token_header.lower() == "authorization"
            headers[settings.token_header] = f"Bearer {token}" if bearer else token
        return headers

    def _body(self, entities: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        if self.settings.context is ContextMode.LINK:
            return [dict(entity) for entity in entities]
        return [{**entity, "@context": entity_context()} for entity in entities]

    async def _post(self, path: str, payload: Any) -> tuple[int, Any, Mapping[str, str]]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.settings.timeout)
            )
        url = str(self.settings.url).rstrip("/") + _API + path
        try:
            async with self._session.post(
                url, data=orjson.dumps(payload), headers=self._headers()
            ) as response:
                raw = await response.read()
                try:
                    body = orjson.loads(raw) if raw else None
                except orjson.JSONDecodeError:
                    body = raw.decode("utf-8", "replace")
                return response.status, body, response.headers
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise SourceUnavailable(
                f"the broker did not answer: {type(exc).__name__}",
                source=self._where(),
                expected="a reachable NGSI-LD broker",
            ) from exc

    def _where(self) -> str:
        tenant = f" (tenant {self.settings.tenant})" if self.settings.tenant else ""
        return f"NGSI-LD broker {self.settings.url}{tenant}"

    def _raise_for(self, problem: Problem, headers: Mapping[str, str]) -> None:
        """Raise the error a request-level failure means; permanent ones return."""
        where = self._where()
        if problem.status in (401, 403):
            raise BrokerAuthenticationFailed(
                f"{problem}; check the sink's token", source=where, field="token"
            )
        if problem.status == 429:
            retry = headers.get("Retry-After")
            delay = float(retry) if retry and retry.replace(".", "", 1).isdigit() else None
            raise RateLimited(str(problem), retry_after=delay, source=where)
        if problem.name in _NO_TENANT or (problem.status == 404 and self.settings.tenant):
            raise SourceUnavailable(
                f"{problem}; create the tenant on the broker first (Stellio needs its tenants "
                "configured; Orion-LD creates one on first write)",
                source=where,
                field="tenant",
            )
        if problem.retryable or problem.status >= 500 or problem.status == 404:
            raise SourceUnavailable(str(problem), source=where)

    # -- upsert -------------------------------------------------------------------------

    async def _upsert(self, entities: list[dict[str, Any]]) -> dict[str, str]:
        """Upsert ``entities``; returns refused entity ids with the broker's reasons."""
        pending = entities
        refused: dict[str, str] = {}
        delay = self.settings.retry_delay
        for attempt in range(self.settings.retries + 1):
            retry, refused_now = await self._upsert_once(pending)
            refused.update(refused_now)
            if not retry:
                return refused
            if attempt == self.settings.retries:
                break
            await asyncio.sleep(delay)
            delay *= 2
            by_id = {entity["id"]: entity for entity in pending}
            pending = [by_id[entity_id] for entity_id in retry if entity_id in by_id]
        raise SourceUnavailable(
            f"{len(retry)} entities still failing after {self.settings.retries} re-sends: "
            + "; ".join(f"{key}: {reason}" for key, reason in list(retry.items())[:3]),
            source=self._where(),
        )

    async def _upsert_once(
        self, entities: list[dict[str, Any]]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """One upsert request; returns (retryable failures, permanent refusals) by id."""
        path = f"/entityOperations/upsert?options={self.settings.upsert}"
        status, body, headers = await self._post(path, self._body(entities))
        if status in (200, 201, 204):
            return {}, {}
        if status == 207 and isinstance(body, Mapping):
            retry: dict[str, str] = {}
            refused: dict[str, str] = {}
            for item in body.get("errors") or ():
                if not isinstance(item, Mapping):
                    continue
                problem = problem_from(item.get("error"), 400)
                entity_id = str(item.get("entityId"))
                (retry if problem.retryable else refused)[entity_id] = str(problem)
            return retry, refused
        problem = problem_from(body, status)
        self._raise_for(problem, headers)
        if len(entities) == 1:
            return {}, {entities[0]["id"]: str(problem)}
        half = len(entities) // 2
        first, second = await asyncio.gather(
            self._upsert_once(entities[:half]), self._upsert_once(entities[half:])
        )
        return {**first[0], **second[0]}, {**first[1], **second[1]}

    async def _temporal_one(self, entity: dict[str, Any]) -> dict[str, str]:
        for attempt in range(self.settings.retries + 1):
            status, body, headers = await self._post("/temporal/entities", self._body([entity])[0])
            if status in (200, 201, 204):
                return {}
            problem = problem_from(body, status)
            if not problem.retryable or problem.status == 429:
                self._raise_for(problem, headers)
                return {entity["id"]: str(problem)}
            if attempt < self.settings.retries:
                await asyncio.sleep(self.settings.retry_delay * 2**attempt)
        raise SourceUnavailable(f"temporal append failed: {problem}", source=self._where())

    # -- Sink ---------------------------------------------------------------------------

    async def _bounded(self, jobs: Sequence[Any]) -> list[dict[str, str]]:
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def run(job: Any) -> dict[str, str]:
            async with gate:
                result: dict[str, str] = await job
                return result

        return list(await asyncio.gather(*(run(job) for job in jobs)))

    async def write(self, records: Sequence[Record]) -> None:
        """Deliver ``records``; raise RecordsRefused naming only the records refused for good."""
        if not records:
            return
        snapshots = to_entities(records, positions=self._positions, spots=self._spots)
        seen = Batch(records)
        self._positions.update(seen.positions)
        self._spots.update(seen.spots)
        size = self.settings.batch_size
        if self.settings.flavour is BrokerFlavour.ORION_LD:
            rounds: list[list[dict[str, Any]]] = []
            for entity in snapshots:
                slot = next((r for r in rounds if all(e["id"] != entity["id"] for e in r)), None)
                if slot is None:
                    rounds.append([entity])
                else:
                    slot.append(entity)
        else:
            rounds = [_merge(snapshots)]
        refused: dict[str, str] = {}
        for entities in rounds:
            chunks = [entities[start : start + size] for start in range(0, len(entities), size)]
            for result in await self._bounded([self._upsert(chunk) for chunk in chunks]):
                refused.update(result)
        if self.settings.writes_temporal:
            history = _temporal([e for e in snapshots if _is_measurement_entity(e)])
            history = [entity for entity in history if entity["id"] not in refused]
            for result in await self._bounded([self._temporal_one(e) for e in history]):
                refused.update(result)
        if refused:
            self._refuse(records, snapshots, refused)

    def _refuse(
        self,
        records: Sequence[Record],
        snapshots: Sequence[dict[str, Any]],
        refused: dict[str, str],
    ) -> None:
        index: dict[str, list[int]] = {}
        for position, record in enumerate(records):
            index.setdefault(record.id, []).append(position)
        reasons: dict[int, str] = {}
        for entity in snapshots:
            reason = refused.get(entity["id"])
            if reason is None:
                continue
            for record_id in _record_ids(entity):
                for position in index.get(record_id, ()):
                    if isinstance(records[position], Measurement) or record_id == entity["id"]:
                        reasons[position] = f"{entity['id']}: {reason}"
                    else:
                        reasons.setdefault(position, f"{entity['id']}: {reason}")
        raise RecordsRefused(
            f"the broker refused {len(refused)} entities ({len(reasons)} records)",
            refused=reasons,
            source=self._where(),
        )

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
