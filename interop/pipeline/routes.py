"""Routes: which codec decodes the raw messages of each source.

A route names a plugin (and optionally one of its codecs and decode hints); the special
plugin ``records`` takes canonical records as JSON (one per message), so that what
``interop store export`` wrote can be ingested again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import ValidationError as PydanticValidationError

from interop.adapters import Codec, DecodeContext
from interop.errors import DecodeError
from interop.model.records import Record, RecordAdapter
from interop.store.contract import RawMessage

if TYPE_CHECKING:
    from interop.registry import Registry

__all__ = ["RECORDS_PLUGIN", "Decoder", "Route"]

RECORDS_PLUGIN = "records"
"""The built-in 'plugin' whose messages are canonical records as JSON."""


@dataclass(frozen=True, slots=True)
class Route:
    """Decode messages of ``source`` with ``plugin``'s codec ``adapter`` and these hints."""

    source: str
    plugin: str
    adapter: str | None = None
    hints: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Route:
        """``lorawan``, ``lorawan+ttn-v3`` or ``records``: a route named after its plugin."""
        plugin, plus, adapter = text.partition("+")
        return cls(text, plugin, adapter if plus else None)


class Decoder:
    """Decodes raw messages by their route; one codec instance per route."""

    def __init__(self, registry: Registry | None, routes: Mapping[str, Route]) -> None:
        self._registry = registry
        self._routes = dict(routes)
        self._codecs: dict[str, Codec] = {}

    def route(self, source: str) -> Route:
        """The route of ``source``; DecodeError when none is configured."""
        route = self._routes.get(source)
        if route is None:
            raise DecodeError(
                "no route for this source",
                source=source,
                expected=f"one of {sorted(self._routes)}",
            )
        return route

    def plugin_version(self, source: str) -> tuple[str, str]:
        """Plugin name and version that decode ``source`` (for provenance)."""
        route = self.route(source)
        if route.plugin == RECORDS_PLUGIN or self._registry is None:
            from interop import __version__

            return route.plugin, __version__
        return route.plugin, self._registry.get(route.plugin).manifest.version

    def decode(
        self,
        message: RawMessage,
        *,
        raw_message_id: str | None = None,
        policy_version: str | None = None,
    ) -> list[Record]:
        """The message's records; DecodeError (or the codec's InteropError) when it has none.

        ``raw_message_id`` and ``policy_version`` go to the codec in its DecodeContext.
        """
        route = self.route(message.source)
        if route.plugin == RECORDS_PLUGIN:
            try:
                return [RecordAdapter.validate_json(message.payload)]
            except PydanticValidationError as exc:
                first = exc.errors(include_url=False)[0]
                where = ".".join(str(p) for p in first.get("loc", ()))
                raise DecodeError(
                    f"not a canonical record: {first.get('msg', 'invalid')}",
                    source=message.key,
                    field=where or None,
                    expected="a record as `interop store export` writes it",
                ) from None
        codec = self._codecs.get(message.source)
        if codec is None:
            if self._registry is None:
                raise DecodeError("no plugin registry to decode with", source=message.source)
            codec = self._registry.adapter(Codec, route.plugin, route.adapter)()
            self._codecs[message.source] = codec
        ctx = DecodeContext(
            source=message.metadata.get("origin", message.key),
            received_at=message.received_at,
            hints={**route.hints, **{k: v for k, v in message.metadata.items() if k != "origin"}},
            raw_message_id=raw_message_id,
            policy_version=policy_version,
        )
        return codec.decode(message.payload, ctx)
