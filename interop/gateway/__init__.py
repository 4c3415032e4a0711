"""The gateway service behind ``interop serve``: live ingestion, durable delivery, operations.

See :class:`Gateway` and ``docs/gateway.md``. Vendor specifics come from plugins'
``interop_ingress`` hooks; the gateway composes the store, the policy and the pipeline.
"""

from interop.gateway.config import GatewayConfig, load_config
from interop.gateway.service import INGEST_TOKEN_ENV, Gateway
from interop.secrets import Secret, resolve_secret

__all__ = [
    "INGEST_TOKEN_ENV",
    "Gateway",
    "GatewayConfig",
    "Secret",
    "load_config",
    "resolve_secret",
]
