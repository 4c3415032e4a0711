"""The OpenAPI 3.1 document of a running gateway's own HTTP API (``GET /openapi.json``).

Built from what is mounted: one path per plugin ingress, the operations endpoints, the
admin API and the lighting command API, with every answer's schema (problem details for
errors), so that schemathesis can check the running service against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["openapi_document"]

_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _PROBLEM}},
    }


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document(
    ingress: Sequence[tuple[str, str, str, Sequence[str], Sequence[str]]],
    *,
    version: str,
    lighting: Sequence[str] = (),
) -> dict[str, Any]:
    """The document for ``(plugin, name, description, media_types, query_hints)`` ingresses."""
    paths: dict[str, Any] = {}
    accepted = {
        "type": "object",
        "required": ["status", "records"],
        "properties": {
            "status": {"type": "string", "enum": ["stored", "duplicate"]},
            "records": {"type": "integer", "minimum": 0},
        },
    }
    for plugin, name, description, media_types, query_hints in ingress:
        paths[f"/ingest/{plugin}/{name}"] = {
            "post": {
                "operationId": f"ingest_{plugin}_{name}".replace("-", "_"),
                "summary": description or f"{plugin} {name} messages",
                "tags": ["ingestion"],
                "security": [{"bearer": []}],
                "parameters": [
                    {"name": q, "in": "query", "required": False, "schema": {"type": "string"}}
                    for q in query_hints
                ],
                "requestBody": {
                    "required": True,
                    "content": {m: {"schema": {}} for m in media_types},
                },
                "responses": {
                    "200": _json("Already received (a redelivery); stored once.", accepted),
                    "202": _json("Committed durably and stored.", accepted),
                    "401": _problem("Missing or wrong secret."),
                    "413": _problem("Body over the size limit; kept in the dead letter."),
                    "415": _problem("Content type not accepted; kept in the dead letter."),
                    "422": _problem("Can never be decoded; kept in the dead letter."),
                    "503": _problem("The store cannot commit now; retry after Retry-After."),
                },
            }
        }
    status = {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string"}},
    }
    paths["/healthz"] = {
        "get": {
            "operationId": "healthz",
            "summary": "Alive.",
            "tags": ["operations"],
            "responses": {"200": _json("The process is alive.", status)},
        }
    }
    readiness = {
        "type": "object",
        "required": ["status", "store", "sinks"],
        "properties": {
            "status": {"type": "string", "enum": ["ready", "not ready"]},
            "store": {"type": "string"},
            "sinks": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    paths["/readyz"] = {
        "get": {
            "operationId": "readyz",
            "summary": "Ready: the store answers and every sink is delivering.",
            "tags": ["operations"],
            "responses": {
                "200": _json("Ready.", readiness),
                "503": _json("Not ready; says which part is failing.", readiness),
            },
        }
    }
    paths["/metrics"] = {
        "get": {
            "operationId": "metrics",
            "summary": "Prometheus metrics.",
            "tags": ["operations"],
            "responses": {
                "200": {
                    "description": "Prometheus text exposition format.",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        }
    }
    letter = {
        "type": "object",
        "required": ["id", "source", "stage", "code", "reason", "at", "payload_base64"],
        "properties": {
            "id": {"type": "integer"},
            "source": {"type": "string"},
            "stage": {"type": "string", "enum": ["decode", "policy", "delivery"]},
            "code": {"type": "string"},
            "reason": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
            "key": {"type": ["string", "null"]},
            "sink": {"type": ["string", "null"]},
            "payload_base64": {"type": "string"},
        },
    }
    admin_errors = {
        "400": _problem("Bad query or body."),
        "401": _problem("Missing or wrong admin token."),
        "403": _problem("The admin API is disabled."),
        "503": _problem("The store cannot answer now."),
    }
    paths["/admin/deadletters"] = {
        "get": {
            "operationId": "list_dead_letters",
            "summary": "Dead letters, oldest first.",
            "tags": ["admin"],
            "security": [{"bearer": []}],
            "parameters": [
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 0, "maximum": 1000},
                },
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "source", "in": "query", "schema": {"type": "string"}},
                {
                    "name": "stage",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["decode", "policy", "delivery"]},
                },
            ],
            "responses": {
                "200": _json(
                    "Dead letters.",
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": letter}},
                    },
                ),
                **admin_errors,
            },
        }
    }
    paths["/admin/deadletters/replay"] = {
        "post": {
            "operationId": "replay_dead_letters",
            "summary": "Try dead letters again after a fix.",
            "tags": ["admin"],
            "security": [{"bearer": []}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["ids"],
                            "properties": {
                                "ids": {
                                    "type": "array",
                                    "items": {"type": "integer", "minimum": 1},
                                    "maxItems": 1000,
                                }
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": _json(
                    "What the replay did.",
                    {
                        "type": "object",
                        "required": ["replayed", "failed", "missing"],
                        "properties": {
                            k: {"type": "integer", "minimum": 0}
                            for k in ("replayed", "failed", "missing")
                        },
                    },
                ),
                **admin_errors,
            },
        }
    }
    for system in lighting:
        paths[f"/lighting/{system}/commands"] = {
            "post": {
                "operationId": f"command_{system}".replace("-", "_"),
                "summary": f"Send canonical Commands to lights of {system}; one result per light.",
                "tags": ["lighting"],
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": _json(
                        "One CommandResult per light, in order.",
                        {
                            "type": "object",
                            "required": ["results"],
                            "properties": {
                                "results": {"type": "array", "items": {"type": "object"}}
                            },
                        },
                    ),
                    "400": _problem("Not a canonical command."),
                    "401": _problem("Missing or wrong admin token."),
                    "403": _problem("The admin API is disabled."),
                    "503": _problem("The lighting system or the store cannot answer now."),
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "interop gateway",
            "version": version,
            "description": "Receives network servers' webhooks, stores durably under the city's "
            "policy and delivers to sinks. Errors are RFC 9457 problem details.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status"],
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "code": {"type": "string"},
                    },
                }
            },
        },
    }
