"""The OpenAPI 3.1 document of a running gateway's own HTTP API (``GET /openapi.json``).

Built from what is mounted: one path per plugin ingress, the operations endpoints, the
admin API and the lighting command API, with every answer's schema (problem details for
errors), so that schemathesis can check the running service against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interop.gateway.commands import MAX_COMMANDS, MAX_DURATION
from interop.model.command import CommandKind, CommandStatus

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
    downlinks: Sequence[str] = (),
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
    paths.update(_command_paths(lighting, downlinks))
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


_IDENT = {
    "type": "string",
    "minLength": 1,
    "maxLength": 2000,
    "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$",
    "description": "An absolute IRI.",
}
_ADMIN_ERRORS = {
    "401": _problem("Missing or wrong admin token."),
    "403": _problem("The API is disabled (no server.admin_token configured)."),
}


def _command_body(*, groups: bool) -> dict[str, Any]:
    """The request body: one command or a list, short form or canonical Command."""
    ident = _IDENT
    short: dict[str, Any] = {
        "type": "object",
        "required": ["action", "target"] if not groups else ["action"],
        "additionalProperties": False,
        "properties": {
            "action": {"type": "string", "enum": [k.value for k in CommandKind]},
            "level": {"type": "number", "minimum": 0, "maximum": 100},
            "duration": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_DURATION},
            "target": ident,
            "issued_by": {"type": "string", "minLength": 1, "maxLength": 200},
        },
    }
    if groups:
        short["properties"]["lights"] = {
            "type": "array", "items": ident, "minItems": 1, "maxItems": MAX_COMMANDS,
        }  # fmt: skip
        short["properties"]["group"] = ident
    canonical = {
        "type": "object",
        "description": "A canonical Command as `interop store export` writes it.",
        "required": ["kind", "id", "action", "target", "issued_at"],
        "properties": {"kind": {"const": "command"}},
    }
    item = {"anyOf": [short, canonical]}
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [item, {"type": "array", "items": item, "minItems": 1}],
                }
            }
        },
    }


def _results(description: str) -> dict[str, Any]:
    result = {
        "type": "object",
        "required": ["kind", "id", "command", "status", "at"],
        "properties": {
            "kind": {"const": "command_result"},
            "id": {"type": "string"},
            "command": {"type": "string"},
            "target": {"type": ["string", "null"]},
            "status": {"type": "string", "enum": [s.value for s in CommandStatus]},
            "at": {"type": "string", "format": "date-time"},
            "detail": {"type": ["string", "null"]},
        },
    }
    return _json(
        description,
        {
            "type": "object",
            "required": ["results", "stored"],
            "properties": {
                "results": {"type": "array", "items": result},
                "stored": {"type": "boolean"},
            },
        },
    )


def _command_paths(lighting: Sequence[str], downlinks: Sequence[str]) -> dict[str, Any]:
    """The lighting and downlink APIs (admin token) of the configured systems and servers."""
    paths: dict[str, Any] = {
        "/lighting": {
            "get": {
                "operationId": "lighting_systems",
                "summary": "The configured lighting systems and the state of their pollers.",
                "tags": ["lighting"],
                "security": [{"bearer": []}],
                "responses": {
                    "200": _json(
                        "Every configured system.",
                        {
                            "type": "object",
                            "required": ["systems"],
                            "properties": {
                                "systems": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["name", "plugin", "status", "lights"],
                                        "properties": {
                                            "name": {"type": "string"},
                                            "plugin": {"type": "string"},
                                            "status": {"type": "string", "enum": ["ok", "failing"]},
                                            "error": {"type": ["string", "null"]},
                                            "polled_at": {"type": ["string", "null"]},
                                            "lights": {"type": "integer", "minimum": 0},
                                        },
                                    },
                                }
                            },
                        },
                    ),
                    **_ADMIN_ERRORS,
                },
            }
        }
    }
    unreachable = {
        "502": _problem("The system refused the gateway's credentials, or its plugin failed."),
        "503": _problem("The system (or the store) cannot be reached now; see Retry-After."),
    }
    if lighting:
        system = {
            "name": "system", "in": "path", "required": True,
            "schema": {"type": "string", "enum": list(lighting)},
        }  # fmt: skip
        paths["/lighting/{system}/lights"] = {
            "get": {
                "operationId": "lighting_lights",
                "summary": "The inventory of a system's last poll (LightPoint records).",
                "tags": ["lighting"],
                "security": [{"bearer": []}],
                "parameters": [system],
                "responses": {
                    "200": _json(
                        "Canonical LightPoint records.",
                        {
                            "type": "object",
                            "required": ["items"],
                            "properties": {"items": {"type": "array", "items": {"type": "object"}}},
                        },
                    ),
                    **_ADMIN_ERRORS,
                    "404": _problem("No such lighting system."),
                    **unreachable,
                },
            }
        }
        paths["/lighting/{system}/commands"] = {
            "post": {
                "operationId": "lighting_commands",
                "summary": "Send canonical Commands to one light, several or a group; one "
                "stored CommandResult per light, in order.",
                "tags": ["lighting"],
                "security": [{"bearer": []}],
                "parameters": [system],
                "requestBody": _command_body(groups=True),
                "responses": {
                    "200": _results("One CommandResult per light, stored."),
                    "400": _problem("Not a command request."),
                    "413": _problem("Body over the size limit."),
                    **_ADMIN_ERRORS,
                    "404": _problem("No such lighting system."),
                    "422": _problem(
                        "A group with no light, or a command the policy will not keep."
                    ),
                    **unreachable,
                },
            }
        }
        paths["/lighting/{system}/schedules"] = {
            "get": {
                "operationId": "lighting_schedules",
                "summary": "The system's dimming schedules, read now (DimmingSchedule records).",
                "tags": ["lighting"],
                "security": [{"bearer": []}],
                "parameters": [system],
                "responses": {
                    "200": _json(
                        "Canonical DimmingSchedule records.",
                        {
                            "type": "object",
                            "required": ["items"],
                            "properties": {"items": {"type": "array", "items": {"type": "object"}}},
                        },
                    ),
                    **_ADMIN_ERRORS,
                    "404": _problem("No such lighting system."),
                    **unreachable,
                },
            }
        }
        ident = _IDENT
        paths["/lighting/{system}/assignments"] = {
            "post": {
                "operationId": "lighting_assignments",
                "summary": "Make lights, or every light of a group, follow a dimming schedule; "
                "one stored CommandResult per light.",
                "tags": ["lighting"],
                "security": [{"bearer": []}],
                "parameters": [system],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["schedule"],
                                "additionalProperties": False,
                                "properties": {
                                    "schedule": ident,
                                    "lights": {
                                        "type": "array",
                                        "items": ident,
                                        "minItems": 1,
                                        "maxItems": MAX_COMMANDS,
                                    },
                                    "group": ident,
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _results("One CommandResult per light, stored."),
                    "400": _problem("Not an assignment request."),
                    "413": _problem("Body over the size limit."),
                    **_ADMIN_ERRORS,
                    "404": _problem("No such lighting system."),
                    "422": _problem("An unknown schedule, or a group with no light."),
                    **unreachable,
                },
            }
        }
    if downlinks:
        paths["/downlinks/{name}/commands"] = {
            "post": {
                "operationId": "downlink_commands",
                "summary": "Send canonical Commands to devices through a network server "
                "(one downlink each); one stored CommandResult per command.",
                "tags": ["downlinks"],
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(downlinks)},
                    }
                ],
                "requestBody": _command_body(groups=False),
                "responses": {
                    "200": _results("One CommandResult per command, stored."),
                    "400": _problem("Not a command request."),
                    "413": _problem("Body over the size limit."),
                    **_ADMIN_ERRORS,
                    "404": _problem("No such network server."),
                    "422": _problem(
                        "A command the plugin cannot express or the policy will not keep; "
                        "nothing was sent."
                    ),
                    "502": _problem("The plugin failed writing the request."),
                    "503": _problem("The network server (or the store) cannot be reached now."),
                },
            }
        }
    return paths
