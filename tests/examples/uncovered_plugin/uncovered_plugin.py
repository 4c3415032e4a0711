"""An installed plugin that declares DECODE but gives the kit no conformance case."""

from __future__ import annotations

from interop import API_VERSION
from interop.adapters import Capability, Codec, DecodeContext, PluginManifest
from interop.errors import DecodeError
from interop.hookspecs import hookimpl
from interop.model import Record

MANIFEST = PluginManifest(
    name="uncovered",
    version="1.0.0",
    api_version=API_VERSION,
    vendor="kit self-test",
    description="decodes nothing, and says so with DecodeError",
    protocols=("nothing",),
    capabilities=frozenset({Capability.DECODE}),
)


class NothingCodec(Codec):
    """Refuses every message."""

    name = "nothing"

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        raise DecodeError("this codec decodes nothing", source=ctx.source)


@hookimpl
def interop_register_adapters() -> list[type[Codec]]:
    return [NothingCodec]
