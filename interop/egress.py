"""What a plugin lets the gateway send: a Command as a network server's HTTP request.

The gateway knows no vendor. A plugin whose devices take commands through a network server
(LoRaWAN: The Things Stack's downlink push, ChirpStack's enqueue) implements the
``interop_downlink`` hook: given a canonical Command and the settings of one configured
network server, it returns the :class:`DownlinkRequest` that queues the command there, and
the gateway sends it to the server's base URL. A leaf module: it imports nothing of the
project.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = ["DownlinkRequest"]


class DownlinkRequest(NamedTuple):
    """One HTTP request to a network server (a tuple, so it also unpacks).

    ``path`` is under the server's base URL (with its query, if any); ``headers`` hold the
    credential (never log them); ``body`` is the JSON body.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: dict[str, Any]
