"""Fixtures: the Smart Data Models in ../shared, when present; an NGSI-LD broker double."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from interop_ngsild.decoder import from_entity

from interop.model.records import Record

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("INTEROP_SHARED_DIR", REPO.parent / "shared")).resolve()
MODELS = SHARED / "ontologies" / "smart-data-models"
ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The Smart Data Models schemas and contexts, or skip with the reason."""
    if not MODELS.is_dir():
        pytest.skip(f"Smart Data Models not present at {MODELS} (shared data, not in the repo)")
    return MODELS


def _problem(name: str, status: int, detail: str) -> dict[str, Any]:
    """An NGSI-LD ProblemDetails body (RFC 7807 with the ETSI error type URIs)."""
    return {"type": ERRORS + name, "title": name, "status": status, "detail": detail}


class BrokerDouble:
    """A minimal NGSI-LD broker on loopback following GS CIM 009's status codes.

    Batch upsert answers 201 (all created, their ids), 204 (all updated) or 207 (success
    ids and per-entity ProblemDetails); a request that is not an entity array in
    ``application/json`` (context in a Link header, none inline) or ``application/ld+json``
    (an ``@context`` on every entity) is refused whole with 400/415 ProblemDetails. The
    temporal API answers 201 or 204. ``refuse`` and ``flaky`` script per-entity failures;
    ``accepted`` and ``history`` log every entity the broker took, in order.
    """

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, Any]] = {}
        self.temporal: dict[str, list[Any]] = {}
        self.accepted: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.refuse: set[str] = set()
        self.flaky: dict[str, int] = {}
        self.upsert_bodies: list[list[str]] = []
        self.tenants: list[str | None] = []
        self.known_tenants: set[str] | None = None
        """When set, other tenants get 404 NonexistentTenant (as Stellio answers)."""
        self.token: str | None = None
        """When set, requests must carry ``Authorization: Bearer <token>`` (else 401)."""
        self.runner: web.AppRunner | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    @staticmethod
    def _refusal(request: web.Request, body: Any) -> web.Response | None:
        """The whole-request error a broker answers for a malformed request, if any."""
        media = request.content_type
        if media not in ("application/json", "application/ld+json"):
            problem = _problem("InvalidRequest", 415, f"unsupported media type {media}")
            return web.json_response(problem, status=415, content_type="application/problem+json")
        entities = body if isinstance(body, list) else [body]
        inline = [isinstance(e, dict) and "@context" in e for e in entities]
        if media == "application/ld+json" and not all(inline):
            detail = "application/ld+json needs an @context in the payload"
        elif media == "application/json" and any(inline):
            detail = "application/json must not carry an @context in the payload"
        elif not all(isinstance(e, dict) and "id" in e and "type" in e for e in entities):
            detail = "every entity needs an id and a type"
        else:
            return None
        return web.json_response(
            _problem("BadRequestData", 400, detail),
            status=400,
            content_type="application/problem+json",
        )

    def _unauthorized(self, request: web.Request) -> web.Response | None:
        if self.token is None or request.headers.get("Authorization") == f"Bearer {self.token}":
            return None
        problem = _problem("Unauthorized", 401, "a valid token is required")
        return web.json_response(problem, status=401, content_type="application/problem+json")

    async def upsert(self, request: web.Request) -> web.Response:
        denied = self._unauthorized(request)
        if denied is not None:
            return denied
        tenant = request.headers.get("NGSILD-Tenant")
        if self.known_tenants is not None and tenant not in self.known_tenants:
            problem = _problem("NonexistentTenant", 404, f"tenant {tenant} does not exist")
            return web.json_response(problem, status=404, content_type="application/problem+json")
        self.tenants.append(tenant)
        try:
            body = await request.json()
        except ValueError:
            problem = _problem("InvalidRequest", 400, "the payload is not JSON")
            return web.json_response(problem, status=400, content_type="application/problem+json")
        if not isinstance(body, list):
            problem = _problem("BadRequestData", 400, "an array of entities is expected")
            return web.json_response(problem, status=400, content_type="application/problem+json")
        refusal = self._refusal(request, body)
        if refusal is not None:
            return refusal
        self.upsert_bodies.append([entity["id"] for entity in body])
        created, updated, errors = [], [], []
        for entity in body:
            entity_id = entity["id"]
            if entity_id in self.refuse:
                detail = f"attribute of {entity_id} is not valid"
                problem = _problem("BadRequestData", 400, detail)
                errors.append({"entityId": entity_id, "error": problem})
            elif self.flaky.get(entity_id, 0) > 0:
                self.flaky[entity_id] -= 1
                problem = _problem("InternalError", 503, "storage is busy")
                errors.append({"entityId": entity_id, "error": problem})
            else:
                (updated if entity_id in self.entities else created).append(entity_id)
                self.entities.setdefault(entity_id, {}).update(entity)
                self.accepted.append(entity)
        if errors:
            return web.json_response({"success": created + updated, "errors": errors}, status=207)
        if created:
            return web.json_response(created, status=201)
        return web.Response(status=204)

    async def temporal_post(self, request: web.Request) -> web.Response:
        denied = self._unauthorized(request)
        if denied is not None:
            return denied
        entity = await request.json()
        refusal = self._refusal(request, entity)
        if refusal is not None:
            return refusal
        known = entity["id"] in self.temporal
        instances = self.temporal.setdefault(entity["id"], [])
        for name, value in entity.items():
            if name != "@context" and isinstance(value, list):
                instances.extend((name, item["observedAt"]) for item in value)
        self.history.append(entity)
        return web.Response(status=204 if known else 201)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/ngsi-ld/v1/entityOperations/upsert", self.upsert)
        app.router.add_post("/ngsi-ld/v1/temporal/entities", self.temporal_post)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        """Shut the server down: from now on connections are refused."""
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def delivered(self) -> dict[str, Record]:
        """Every record the broker holds, decoded back: current entities and their history.

        A history entity carries only the attributes with ``observedAt``; the entity's
        other attributes (its device, location) come from the entity the broker holds.
        """
        out: dict[str, Record] = {}
        for entity in self.accepted:
            out.update((record.id, record) for record in from_entity(entity))
        for entity in self.history:
            static = {
                name: value
                for name, value in self.entities[entity["id"]].items()
                if not (isinstance(value, dict) and "observedAt" in value)
            }
            out.update((record.id, record) for record in from_entity({**static, **entity}))
        return out


@pytest.fixture
def broker_double() -> type[BrokerDouble]:
    """The broker double class (tests start and stop their own instances)."""
    return BrokerDouble
