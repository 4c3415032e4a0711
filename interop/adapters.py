"""The adapter kinds a plugin implements, and the manifest that describes a plugin.

A plugin returns adapter *classes* from its ``interop_register_adapters`` hook; the class
says what it is by its base (:class:`Codec`, :class:`DatasetReader`, ...), and the core
instantiates it with no arguments unless the caller passes options. Codecs are pure: no I/O,
no clock, no randomness, so that decoding is deterministic and testable. Live systems
(:class:`Controller`, :class:`Source`, :class:`Sink`) are async and own their I/O.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from pydantic import Field, HttpUrl, field_validator

from interop.model.base import CanonicalModel
from interop.model.command import Command, CommandKind, CommandResult
from interop.model.device import Device
from interop.model.records import Record

__all__ = [
    "ADAPTER_KINDS",
    "Adapter",
    "Capability",
    "Codec",
    "Controller",
    "DatasetReader",
    "DatasetWriter",
    "DecodeContext",
    "DemoResult",
    "EncodeContext",
    "PluginManifest",
    "Sink",
    "Source",
    "adapter_kind",
]


class Capability(StrEnum):
    """What a plugin can do; each maps to an adapter kind the kit checks is present."""

    DECODE = "decode"
    """Turns vendor messages into records (a :class:`Codec`)."""
    ENCODE = "encode"
    """Turns records into vendor messages (a :class:`Codec` whose ``encode`` works)."""
    READ_DATASET = "read_dataset"
    """Reads bulk data such as a GTFS feed (a :class:`DatasetReader`)."""
    WRITE_DATASET = "write_dataset"
    """Writes bulk data (a :class:`DatasetWriter`)."""
    CONTROL = "control"
    """Talks to a live vendor system: inventory, telemetry, commands (a :class:`Controller`)."""
    SOURCE = "source"
    """Streams records from somewhere (a :class:`Source`)."""
    SINK = "sink"
    """Delivers records somewhere (a :class:`Sink`)."""
    DEMO = "demo"
    """Ships sample data and implements the ``interop_demo`` hook."""
    VALIDATE = "validate"
    """Checks its format's files and reports issues (the ``interop_validate`` hook)."""
    RDF_PROFILE = "rdf_profile"
    """Writes its format as N-Triples in named profiles (``interop_write_rdf_profile``)."""
    SIMULATE = "simulate"
    """Ships a simulator of its vendor system (the ``interop_simulators`` hook)."""


_SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")


class PluginManifest(CanonicalModel):
    """Who made a plugin, what it speaks and what it can do; validated when it loads."""

    name: str = Field(description="Plugin name: the entry-point name, a lowercase slug.")
    version: str = Field(min_length=1, description="The plugin distribution's version.")
    api_version: int = Field(ge=1, description="Plugin-API major version it targets.")
    vendor: str = Field(min_length=1, description="Who maintains it.")
    description: str = Field(min_length=1, description="One line on what it translates.")
    protocols: tuple[str, ...] = Field(
        min_length=1, description="Protocols or standards spoken, e.g. 'GTFS Schedule'."
    )
    capabilities: frozenset[Capability] = Field(min_length=1)
    commands: frozenset[CommandKind] = Field(
        default_factory=frozenset, description="Command kinds a CONTROL plugin can send."
    )
    precision: Mapping[str, float] = Field(
        default_factory=dict,
        description="Absolute tolerance per record field that round trips may differ by "
        "(e.g. {'value': 0.01} for a codec that keeps two decimals).",
    )
    rdf_profiles: tuple[str, ...] = Field(
        default=(),
        description="Names of the RDF profiles an RDF_PROFILE plugin writes, e.g. "
        "'linked-gtfs' (an established vocabulary other than the canonical mapping).",
    )
    docs_url: HttpUrl | None = None
    codeowners: tuple[str, ...] = ()
    license: str | None = Field(None, description="SPDX licence expression.")

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"{value!r} is not a lowercase slug (expected e.g. 'gtfs', 'my-lora')")
        return value

    @field_validator("precision")
    @classmethod
    def _non_negative(cls, value: Mapping[str, float]) -> Mapping[str, float]:
        for name, tolerance in value.items():
            if tolerance < 0:
                raise ValueError(f"precision[{name!r}] is negative")
        return value


@dataclass(frozen=True, slots=True)
class DecodeContext:
    """What a codec may know besides the bytes: where they came from and when.

    ``received_at`` is supplied by the caller (codecs never read the clock), so decoding
    the same input in the same context always gives the same records.

    In a pipeline, ``raw_message_id`` and ``policy_version`` are what it stamps on the
    Provenance of every record of the message. A codec that already puts both in its
    records' Provenance spares the pipeline a copy of each record; one that does not has
    them stamped afterwards (same result).
    """

    source: str = "unknown"
    received_at: datetime | None = None
    hints: Mapping[str, str] = field(default_factory=dict)
    raw_message_id: str | None = None
    """``Provenance.raw_message_id`` of this message's records; None outside a pipeline."""
    policy_version: str | None = None
    """``Provenance.policy_version`` of this message's records; None outside a pipeline."""


@dataclass(frozen=True, slots=True)
class EncodeContext:
    """Options for encoding; ``hints`` carries target-specific settings."""

    target: str = "unknown"
    hints: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What a plugin's demo produced: a summary line, the files it wrote, and a table.

    ``columns`` and ``rows`` (text) are optional; ``interop demo`` prints them after the summary.
    """

    plugin: str
    summary: str
    outputs: tuple[Path, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


class Adapter(ABC):  # noqa: B024 - a marker base; concrete kinds declare the abstract methods
    """Base of every adapter kind; ``name`` is unique within its plugin and kind."""

    name: ClassVar[str] = "default"
    description: ClassVar[str] = ""


class Codec(Adapter):
    """Message-level translation between vendor bytes and canonical records.

    ``decode`` must raise only :class:`~interop.errors.DecodeError` on bad input (never
    KeyError, IndexError, ...) and ``encode`` only :class:`~interop.errors.EncodeError` for
    records the target cannot represent. ``media_type`` names the wire format.
    """

    media_type: ClassVar[str] = "application/octet-stream"

    @abstractmethod
    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        """Decode one vendor message into zero or more records."""

    def encode(self, records: Sequence[Record], ctx: EncodeContext) -> bytes:
        """Encode records as one vendor message; codecs that cannot encode keep this default."""
        from interop.errors import EncodeError

        raise EncodeError(
            f"codec {type(self).__name__} does not encode", source=ctx.target, expected="decode"
        )


class DatasetReader(Adapter):
    """Reads a bulk dataset (a file or folder) as a stream of record chunks."""

    @abstractmethod
    def read(self, source: Path, *, chunk_size: int = 10_000) -> Iterator[list[Record]]:
        """Yield the dataset's records in chunks of at most ``chunk_size``."""


class DatasetWriter(Adapter):
    """Writes record chunks as a bulk dataset; refuses what the format cannot hold."""

    @abstractmethod
    def write(self, chunks: Iterable[Sequence[Record]], target: Path) -> int:
        """Write every chunk to ``target``; return how many records were written."""


class Controller(Adapter):
    """A live vendor system (a lighting CMS, a network server): inventory and commands."""

    @abstractmethod
    async def inventory(self) -> list[Device]:
        """Return every device the system manages."""

    @abstractmethod
    async def send(self, command: Command) -> CommandResult:
        """Send a command and return its (possibly provisional) result."""

    async def aclose(self) -> None:
        """Release connections; the default has nothing to release."""


class Source(Adapter):
    """Where records come from: a webhook, an MQTT topic, a polled API."""

    @abstractmethod
    def records(self) -> AsyncIterator[Record]:
        """Yield records as they arrive, until closed."""

    async def aclose(self) -> None:
        """Stop producing and release resources."""


class Sink(Adapter):
    """Where records go: a store, a broker, another vendor's system."""

    @abstractmethod
    async def write(self, records: Sequence[Record]) -> None:
        """Deliver records durably; raise SourceUnavailable to have the caller retry."""

    async def aclose(self) -> None:
        """Flush and release resources."""


ADAPTER_KINDS: dict[type[Adapter], Capability] = {
    Codec: Capability.DECODE,
    DatasetReader: Capability.READ_DATASET,
    DatasetWriter: Capability.WRITE_DATASET,
    Controller: Capability.CONTROL,
    Source: Capability.SOURCE,
    Sink: Capability.SINK,
}
"""Each adapter kind and the capability that declares it."""


def adapter_kind(cls: type[Adapter]) -> type[Adapter]:
    """Return the adapter kind (one of :data:`ADAPTER_KINDS`) that ``cls`` implements."""
    for kind in ADAPTER_KINDS:
        if issubclass(cls, kind):
            return kind
    known = ", ".join(kind.__name__ for kind in ADAPTER_KINDS)
    raise TypeError(f"{cls.__qualname__} subclasses no adapter kind (one of {known})")
