"""The LoRaWAN Codec adapter (uplinks -> records) and the downlink builder (Command -> JSON).

:class:`LorawanUplinkCodec` (adapter name ``lorawan-uplink``) takes one TTS v3 or ChirpStack
v4 message (recognised by its shape) or a bare FRMPayload, and returns:

* one :class:`~interop.model.device.Device` (``urn:interop:device:lorawan:{deveui}``) whose
  ``extensions["lorawan"]`` keeps DevEUI, device id, application and network: the device's
  identity only, so it is the same record for every uplink of the device (one consistent
  device in RDF and NGSI-LD, built once and cached);
* one :class:`~interop.model.observation.Measurement` per placed field, its id minted from
  device, time, FCnt and field path. Its ``extensions["lorawan"]`` names the field
  (``field``), for an ambiguous field which reading was chosen (``note``), and under
  ``uplink`` holds the uplink's metadata, whose one home this is: event, device profile,
  FPort, FCnt, radio metadata (``radio``: gateway id, RSSI, SNR), the decoder used, fields the
  mapping could not place (``unmapped``) and why (``warnings``), metadata fields
  (``metadata``), skipped placeholders (``skipped``), the mapping counts (``mapping``); a
  status event's ``margin`` and ``external_power``. Every measurement of an uplink carries
  the same ``uplink``. A join, an uplink with no payload and a status without battery level
  give the Device record alone; an uplink whose decoded fields can none be placed is a
  DecodeError naming them (kept in the dead letter, replayable once a profile maps them).
  A measurement's time is the frame's own time for history records, else the network
  server's receive time (``received_at`` / ``time``), else ``DecodeContext.received_at``;
  never the clock.

The payload is decoded by the device profile's payload codec, else by the codec named in the
hint ``codec`` (a built-in id or the path of a Device Repository codec YAML, run in the
JavaScript sandbox), else the server's ``decoded_payload`` / ``object`` is used. An unknown
codec is a DecodeError, never a silent fallback. Hints: ``codec``, ``profiles`` (a TOML/JSON
device-profiles file), ``network`` (``ttn-v3`` / ``chirpstack-v4`` / ``raw``), ``topic``
(the MQTT topic), ``event`` (a ChirpStack event type, e.g. the HTTP integration's
``?event=``), ``content_type`` (a protobuf type: a ChirpStack protobuf event); for a bare
payload ``dev_eui``, ``device`` and ``f_port`` (required when the codec reads the FPort).
Uplinks are device-originated, so the codec does not encode; downlinks are built by
:class:`DownlinkBuilder`, a library API and not a Codec adapter.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, unquote

import orjson
from pydantic import JsonValue
from pydantic import ValidationError as PydanticValidationError

from interop.adapters import Codec, DecodeContext
from interop.errors import DecodeError, EncodeError, PluginError
from interop.model.base import Provenance, mint_iri
from interop.model.command import Command, CommandKind
from interop.model.device import Device
from interop.model.observation import Measurement
from interop.model.properties import default_property_registry
from interop.model.records import Record
from interop_lorawan.envelopes import (
    Envelope,
    bare_payload,
    chirpstack_enqueue,
    parse_envelope,
    tts_downlink,
)
from interop_lorawan.manifest import MANIFEST
from interop_lorawan.mapping import MappedValue, MappingResult, SemanticMapper
from interop_lorawan.payload import Downlink, PayloadCodec, PayloadCodecs
from interop_lorawan.profiles import DeviceProfile, ProfileBook, load_profiles_file
from interop_lorawan.records import (
    DeviceCache,
    MeasurementBatch,
    ProvenanceFactory,
    is_json,
    with_provenance,
)
from interop_lorawan.records import measurement as build_measurement
from interop_lorawan.records import provenance as build_provenance

__all__ = [
    "PLUGIN",
    "DownlinkBuilder",
    "LorawanUplinkCodec",
    "default_payload_codecs",
    "device_iri",
    "measurement_id",
]

PLUGIN = MANIFEST.name
_DEVICE_PREFIX = mint_iri("device", PLUGIN, "")
_BATTERY = default_property_registry().get("battery_level")


def default_payload_codecs() -> PayloadCodecs:
    """The built-in payload codecs (``interop_lorawan.codecs.builtin_codecs``) when present."""
    try:
        module = importlib.import_module("interop_lorawan.codecs")
        factory = getattr(module, "builtin_codecs", None)
        codecs = factory() if callable(factory) else None
    except Exception:
        codecs = None
    return codecs if isinstance(codecs, PayloadCodecs) else PayloadCodecs()


def device_iri(envelope: Envelope) -> str:
    """``urn:interop:device:lorawan:{deveui}`` (or ``…:{application}/{device id}``)."""
    return mint_iri("device", PLUGIN, envelope.device_key)


def _format_time(instant: datetime) -> str:
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def measurement_id(envelope: Envelope, instant: datetime, path: str) -> str:
    """The IRI of the measurement of field ``path`` in ``envelope``'s uplink."""
    frame = "-" if envelope.f_cnt is None else str(envelope.f_cnt)
    local = f"{envelope.device_key}/{_format_time(instant)}/{frame}/{path}"
    return mint_iri("measurement", PLUGIN, local)


def measurement_prefix(envelope: Envelope, instant: datetime) -> str:
    """:func:`measurement_id` up to the field path: ``prefix + _quoted(path)`` equals it."""
    frame = "-" if envelope.f_cnt is None else str(envelope.f_cnt)
    return f"{_MEASUREMENT_PREFIX}{_quoted(envelope.device_key)}%2F{_stamp(instant)}%2F{frame}%2F"


def _stamp(instant: datetime) -> str:
    """``_format_time(instant)`` escaped as :func:`interop.model.base.mint_iri` escapes it."""
    if instant.tzinfo is UTC and instant.year >= 1000:  # as _format_time, colons escaped
        two, micro = _TWO_DIGITS, instant.microsecond
        return (
            f"{instant.year}-{two[instant.month]}-{two[instant.day]}T{two[instant.hour]}"
            f"%3A{two[instant.minute]}%3A{two[instant.second]}"
            f"{'.' + str(1_000_000 + micro)[1:] if micro else ''}Z"
        )
    return _escape(_format_time(instant))


_MEASUREMENT_PREFIX = mint_iri("measurement", PLUGIN, "")
_TWO_DIGITS = tuple(f"{i:02d}" for i in range(100))
_QUOTED: dict[str, str] = {}


_ESCAPES = {
    c: f"%{c:02X}"
    for c in range(128)
    if not (chr(c).isascii() and (chr(c).isalnum() or chr(c) in "-._~"))
}


def _escape(text: str) -> str:
    """``quote(text, safe="-._~")`` (as mint_iri escapes), ASCII text escaped in C."""
    return text.translate(_ESCAPES) if text.isascii() else quote(text, safe="-._~")


def _quoted(path: str) -> str:
    """``path`` escaped as :func:`interop.model.base.mint_iri` escapes (remembered)."""
    text = _QUOTED.get(path)
    if text is None:
        text = _escape(path)
        if len(_QUOTED) > 10_000:
            _QUOTED.clear()
        _QUOTED[path] = text
    return text


@dataclass(frozen=True, slots=True)
class _DevicePlan:
    """What the uplinks of one device share, resolved once (see ``_device_plan``)."""

    profiles: ProfileBook
    profile: DeviceProfile
    record: Device
    """The device's record, its provenance without a receive time."""
    source_system: str
    label: str
    device_key: str
    vendor: str | None
    """The vendor the mapping's corrections are chosen by (profile's, else the server's)."""
    iri_prefix: str
    """Measurement IRIs up to the time: ``urn:interop:measurement:lorawan:{key}%2F``."""
    origin: ProvenanceFactory
    """The Provenance of this device's measurements, per message id and receive time."""


class LorawanUplinkCodec(Codec):
    """TTS v3 / ChirpStack v4 uplink, join and status messages -> Device + Measurements."""

    name: ClassVar[str] = "lorawan-uplink"
    description: ClassVar[str] = (
        "The Things Stack v3 and ChirpStack v4 uplink/join/status JSON, recognised by shape."
    )
    media_type: ClassVar[str] = "application/json"
    _flat_path: ClassVar[bool] = True
    """Place a flat object of numbers all placed without the mapping's full result (the
    common case; the tests compare both ways)."""

    def __init__(
        self,
        profiles: ProfileBook | None = None,
        codecs: PayloadCodecs | None = None,
        mapper: SemanticMapper | None = None,
    ) -> None:
        self.profiles = profiles or ProfileBook()
        self.codecs = codecs if codecs is not None else default_payload_codecs()
        self.mapper = mapper or SemanticMapper()
        self._profile_files: dict[str, ProfileBook] = {}
        self._devices = DeviceCache()
        self._yaml_codecs: dict[str, PayloadCodec] = {}
        self._instances: dict[str, PayloadCodec] = {}
        self._plans: dict[tuple[Any, ...], _DevicePlan] = {}
        self._stamped: dict[
            int, tuple[_DevicePlan, tuple[datetime, str | None, str | None], Device]
        ] = {}

    def decode(self, raw: bytes, ctx: DecodeContext) -> list[Record]:
        """Decode one message; DecodeError names the device, field/byte offset and expectation."""
        hints = ctx.hints
        profiles_file = hints.get("profiles")
        profiles = self._hinted_profiles(profiles_file) if profiles_file else self.profiles
        network = hints.get("network")
        if raw[:1] == b"{" and raw[:9] != b'{"result"':  # a server's message (the common case)
            bare = network == "raw"
        else:
            if raw[:16].lstrip().startswith(b'{"result"'):
                raw = _storage_result(raw, ctx.source)
            bare = network == "raw" or (network is None and not raw.lstrip().startswith(b"{"))
        envelope = (
            bare_payload(raw, hints, ctx.source)
            if bare
            else parse_envelope(
                raw,
                source=ctx.source,
                network=network,
                topic=hints.get("topic"),
                event=hints.get("event"),
                content_type=hints.get("content_type"),
            )
        )
        if envelope.event not in ("up", "join", "status"):
            return []  # acks, downlink and log events carry no readings
        instant = envelope.received_at or ctx.received_at
        if instant is None:
            raise DecodeError(
                "no receive time", source=f"{ctx.source}: {envelope.label}",
                field="received_at",
                expected="received_at/time in the message or DecodeContext.received_at",
            )  # fmt: skip
        plan = self._plans.get(  # as _device_plan keys them
            envelope[:9] if profiles is self.profiles else (id(profiles), envelope[:9])
        )
        if plan is None or plan.profiles is not profiles:
            plan = self._device_plan(envelope, profiles)
        profile = plan.profile
        received_at = ctx.received_at
        record = (
            plan.record
            if received_at is None
            else self._device_record(plan, received_at, ctx.raw_message_id, ctx.policy_version)
        )
        where = f"{ctx.source}: {plan.label}"
        if envelope.event == "join":
            return [record]
        device = record.id
        provenance = plan.origin(
            envelope.message_id or plan.device_key, received_at, ctx.raw_message_id,
            ctx.policy_version,
        )  # fmt: skip
        uplink: dict[str, JsonValue] = {"event": envelope.event}
        if envelope.device_profile is not None:
            uplink["device_profile"] = envelope.device_profile
        if envelope.event == "status":
            if envelope.margin is not None:
                uplink["margin"] = envelope.margin
            if envelope.external_power is not None:
                uplink["external_power"] = envelope.external_power
            if envelope.battery_level is None:
                return [record]
            return [
                record,
                self._measurement(
                    measurement_id(envelope, instant, "batteryLevel"), _BATTERY.iri,
                    envelope.battery_level, _BATTERY.default_unit, instant, device,
                    provenance, where, {"field": "batteryLevel", "uplink": uplink},
                ),
            ]  # fmt: skip
        if envelope.f_port is not None:
            uplink["f_port"] = envelope.f_port
        if envelope.f_cnt is not None:
            uplink["f_cnt"] = envelope.f_cnt
        if profile.radio_metadata and envelope.radio:
            uplink["radio"] = [
                {"gateway_id": gateway, "rssi": rssi, "snr": snr}
                for gateway, rssi, snr in envelope.radio
            ]  # what each gateway heard: its id, RSSI and SNR
        decoded, decoder = self._payload(envelope, profile, ctx, where, instant, bare)
        uplink["decoder"] = decoder
        if decoded is None:
            return [record]  # no codec and no decoded object: nothing to place
        placed = (
            self.mapper.place_flat(decoded, vendor=plan.vendor)
            if self._flat_path and not profile.fields
            else None
        )
        if placed is not None:  # every field placed: the report counts them, nothing else
            resolved = 0  # values read as one of several readings (those with a note)
            for value in placed:
                if value.note is not None:
                    resolved += 1
            uplink["mapping"] = {
                "mapped": len(placed), "unmapped": 0, "skipped": 0, "metadata": 0,
                "resolved": resolved, "warnings": 0,
            }  # fmt: skip
            out: list[Record] = [record]
            self._measurements(out, plan, envelope, placed, instant, device, provenance, uplink)
            return out
        result = self.mapper.map(decoded, vendor=plan.vendor, overrides=profile.fields)
        if not result.values:
            if result.unmapped:  # decoded fields nothing could place: keep them, say which
                raise DecodeError(
                    "no field of the decoded payload could be placed: "
                    + _unplaced(result.unmapped, result.report.warnings),
                    source=where, field="decoded_payload",
                    expected="a field the mapping can place, or a device profile [fields] "
                    "entry for it (`interop lorawan coverage` lists them); replay the dead "
                    "letter once mapped",
                )  # fmt: skip
            return [record]
        self._keep(uplink, result)
        out = [record]
        self._measurements(out, plan, envelope, result.values, instant, device, provenance, uplink)
        return out

    def _device_plan(self, envelope: Envelope, profiles: ProfileBook) -> _DevicePlan:
        """What every uplink of this device shares: profile, Device record, names (cached).

        Keyed by everything they are built from; the profile book is compared by identity.
        The Device here has no receive time: :meth:`_device_record` adds the context's.
        """
        # network, event, device_id, dev_eui, application_id, device_profile, vendor, model,
        # firmware_version: the envelope's first nine fields (the event only splits entries);
        # with another book than the codec's own, that book's identity too
        key = envelope[:9] if profiles is self.profiles else (id(profiles), envelope[:9])
        plan = self._plans.get(key)
        if plan is not None and plan.profiles is profiles:
            return plan
        profile = profiles.resolve(envelope)
        source_system = f"{envelope.network}:{envelope.application_id or '-'}"
        record = self._device(envelope, profile, source_system)
        key_text = envelope.device_key
        plan = _DevicePlan(
            profiles, profile, record, source_system, envelope.label, key_text,
            profile.vendor or envelope.vendor, f"{_MEASUREMENT_PREFIX}{_quoted(key_text)}%2F",
            ProvenanceFactory(PLUGIN, MANIFEST.version, source_system),
        )  # fmt: skip
        if len(self._plans) >= 10_000:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    def _device_record(
        self,
        plan: _DevicePlan,
        received_at: datetime | None,
        raw_message_id: str | None = None,
        policy_version: str | None = None,
    ) -> Device:
        """The plan's Device with the context's receive time (and stamp) in its provenance.

        The gateway decodes each message with its own receive time: the validated record
        is copied with a checked Provenance rather than validated again.
        """
        if received_at is None:
            return plan.record
        last = self._stamped.get(id(plan))
        if (
            last is not None
            and last[0] is plan
            and last[1] == (received_at, raw_message_id, policy_version)
        ):
            return last[2]
        try:
            # the plan's factory: checked once for plugin and source, per call for the rest
            origin = plan.origin(plan.device_key, received_at, raw_message_id, policy_version)
        except PydanticValidationError as exc:
            raise DecodeError(
                f"not a valid device: {exc.errors(include_url=False)}", source=plan.label,
                field="received_at", expected="an aware receive time",
            ) from exc  # fmt: skip
        record = with_provenance(plan.record, origin)
        if len(self._stamped) >= 10_000:
            self._stamped.clear()
        self._stamped[id(plan)] = (plan, (received_at, raw_message_id, policy_version), record)
        return record

    def _device(self, envelope: Envelope, profile: DeviceProfile, source_system: str) -> Device:
        """The uplink's Device: its identity only, the same record for every uplink (cached)."""
        key = (
            envelope.network, envelope.dev_eui, envelope.device_id, envelope.application_id,
            profile.device_kind, envelope.vendor, envelope.model, envelope.firmware_version,
            tuple(profile.downlinks), source_system,
        )  # fmt: skip

        def build() -> Device:
            identity: dict[str, JsonValue] = {"network": envelope.network}
            if envelope.dev_eui is not None:
                identity["dev_eui"] = envelope.dev_eui
            if envelope.device_id is not None:
                identity["device_id"] = envelope.device_id
            if envelope.application_id is not None:
                identity["application_id"] = envelope.application_id
            return Device(
                id=device_iri(envelope),
                device_kind=profile.device_kind,
                name=envelope.device_id,
                manufacturer=envelope.vendor,
                model=envelope.model,
                firmware_version=envelope.firmware_version,
                commands=frozenset(profile.downlinks),
                provenance=build_provenance(
                    PLUGIN, MANIFEST.version, source_system, envelope.device_key, None
                ),
                extensions={PLUGIN: identity},
            )

        try:
            return self._devices.get(key, build)
        except PydanticValidationError as exc:
            raise DecodeError(
                f"not a valid device: {exc.errors(include_url=False)}", source=envelope.label,
                expected="device names and ids the model accepts",
            ) from exc  # fmt: skip

    def payload_object(
        self, raw: bytes, hints: Mapping[str, str], source: str = "lorawan"
    ) -> tuple[Envelope, dict[str, Any] | None, DeviceProfile]:
        """An uplink's envelope, decoded object (its codec's, else the server's) and profile.

        What :meth:`decode` maps, for tools that look at the mapping itself (coverage).
        """
        if raw[:16].lstrip().startswith(b'{"result"'):
            raw = _storage_result(raw, source)
        envelope = parse_envelope(raw, source=source, network=hints.get("network"))
        profile = self._hinted_profiles(hints.get("profiles")).resolve(envelope)
        if envelope.event != "up":
            return envelope, None, profile
        ctx = DecodeContext(source=source, hints=hints)
        instant = envelope.received_at or datetime(1970, 1, 1, tzinfo=UTC)
        decoded, _ = self._payload(envelope, profile, ctx, source, instant, False)
        return envelope, decoded, profile

    def _hinted_profiles(self, path: str | None) -> ProfileBook:
        """The codec's profiles, or those of the file the ``profiles`` hint names (cached)."""
        if not path:
            return self.profiles
        book = self._profile_files.get(path)
        if book is None:
            book = load_profiles_file(Path(path))
            self._profile_files[path] = book
        return book

    def _codec(self, codec_id: str, where: str) -> PayloadCodec:
        """The payload codec ``codec_id`` names: a built-in id or a codec YAML file."""
        known = self._instances.get(codec_id)
        if known is not None:
            return known
        if codec_id in self.codecs:
            built = self.codecs.get(codec_id)  # codecs are pure: one instance serves all
            self._instances[codec_id] = built
            return built
        if codec_id.endswith((".yaml", ".yml")):
            codec = self._yaml_codecs.get(codec_id)
            if codec is None:
                from interop_lorawan.jsrunner import JsPayloadCodec

                path = Path(codec_id)
                if not path.is_file():
                    raise DecodeError(
                        "no such codec file", source=where, field="codec",
                        expected="a Device Repository codec YAML (vendor/<vendor>/<codec>.yaml)",
                    )  # fmt: skip
                try:
                    codec = JsPayloadCodec.from_codec_yaml(
                        path, codec_id=path.stem, vendor=path.resolve().parent.name
                    )
                except PluginError as exc:
                    raise DecodeError(str(exc), source=where, field="codec") from None
                self._yaml_codecs[codec_id] = codec
            return codec
        raise DecodeError(
            f"unknown payload codec {codec_id!r}", source=where, field="codec",
            expected=f"one of the {len(list(self.codecs))} built-in codec ids "
            "(interop lorawan codecs) or a codec YAML path",
        )  # fmt: skip

    def _payload(
        self,
        envelope: Envelope,
        profile: DeviceProfile,
        ctx: DecodeContext,
        where: str,
        instant: datetime,
        bare: bool,
    ) -> tuple[dict[str, Any] | None, str]:
        codec_id = profile.codec or ctx.hints.get("codec")
        if codec_id is None and bare:
            raise DecodeError(
                "a bare payload needs a payload codec", source=where, field="codec",
                expected="--codec ID or PATH.yaml, or a device profile naming one",
            )  # fmt: skip
        if not codec_id or not envelope.payload:
            if envelope.decoded is not None:
                return envelope.decoded, "network-server"
            return None, "none"
        codec = self._codec(codec_id, where)
        if envelope.f_port is None:
            raise DecodeError(
                "payload without FPort", source=where, field="f_port",
                expected="an FPort 1..223 with the payload",
            )  # fmt: skip
        if bare and "f_port" not in ctx.hints and codec.uses_f_port:
            raise DecodeError(
                f"payload codec {codec.codec_id!r} reads the FPort, and none was given",
                source=where, field="f_port", expected="an FPort 1..223 (--hint f_port=N)",
            )  # fmt: skip
        try:
            decoded = (
                codec.decode_uplink(envelope.f_port, envelope.payload, device=where)
                if not codec.takes_recv_time
                else codec.decode_uplink(  # type: ignore[call-arg]
                    envelope.f_port, envelope.payload, device=where, recv_time=instant
                )
            )
        except DecodeError:
            raise
        except Exception as exc:
            raise DecodeError(
                f"payload codec {codec_id!r} failed: {type(exc).__name__}: {exc}",
                source=where, field="frm_payload", expected=f"a {codec_id} payload",
            ) from exc  # fmt: skip
        if not isinstance(decoded, dict):
            raise DecodeError(
                f"payload codec {codec_id!r} returned {type(decoded).__name__}",
                source=where, field="frm_payload", expected="a decoded object",
            )  # fmt: skip
        return decoded, codec.codec_id

    def _measurements(
        self,
        out: list[Record],
        plan: _DevicePlan,
        envelope: Envelope,
        values: tuple[MappedValue, ...],
        instant: datetime,
        device: str,
        provenance: Provenance,
        uplink: dict[str, JsonValue],
    ) -> None:
        """Append the measurements of the mapping's ``values`` to ``out``."""
        # The uplink's metadata holds JSON values by construction (envelope fields read from
        # JSON; decoded values through mapping._json, non-finite numbers as text) except
        # what came from the payload: that part is checked, once for all measurements.
        checked = ("unmapped" not in uplink or is_json(uplink["unmapped"])) and (
            "metadata" not in uplink or is_json(uplink["metadata"])
        )
        frame = "-" if envelope.f_cnt is None else str(envelope.f_cnt)
        # as measurement_prefix: an IRI by construction (a checked scheme and namespace,
        # then escaped text: unreserved characters and %XX, digits and "-" only); what all
        # measurements share (time, device, provenance) the batch checks once.
        prefix = f"{plan.iri_prefix}{_stamp(instant)}%2F{frame}%2F"
        batch = MeasurementBatch(instant, device, provenance) if checked else None
        for value in values:
            extra: dict[str, JsonValue] = (
                {"field": value.path, "uplink": uplink}
                if value.note is None
                else {"field": value.path, "note": value.note, "uplink": uplink}
            )
            prop, unit = value.property.iri, value.unit.iri
            if value.time is None:
                iri = prefix + (_QUOTED.get(value.path) or _quoted(value.path))
                if batch is not None:
                    built = batch.build(iri, prop, value.value, unit, {PLUGIN: extra})
                    if built is not None:
                        out.append(built)
                        continue
                at = instant
            else:
                at = value.time
                iri = measurement_id(envelope, at, value.path)
            out.append(
                self._measurement(
                    iri, prop, value.value, unit, at, device, provenance, envelope.label,
                    extra, checked,
                )
            )  # fmt: skip

    @staticmethod
    def _measurement(
        iri: str,
        prop: str,
        value: int | float,
        unit: str,
        instant: datetime,
        device: str,
        provenance: Provenance,
        where: str,
        extra: dict[str, JsonValue],
        checked: bool = False,
        iri_checked: bool = False,
    ) -> Measurement:
        """One measurement; ``checked``: ``extra`` holds JSON values only (no None)."""
        kept: dict[str, JsonValue] = (
            extra if checked else {k: v for k, v in extra.items() if v is not None}
        )
        try:
            return build_measurement(
                iri, prop, value, unit, instant, device, provenance, {PLUGIN: kept},
                extensions_checked=checked, iri_checked=iri_checked,
            )  # fmt: skip
        except PydanticValidationError as exc:
            raise DecodeError(
                f"not a valid measurement: {exc.errors(include_url=False)}", source=where,
                field=iri, expected="a finite number",
            ) from exc  # fmt: skip

    @staticmethod
    def _keep(lorawan: dict[str, JsonValue], result: MappingResult) -> None:
        if result.unmapped:
            lorawan["unmapped"] = dict(result.unmapped)
        if result.report.warnings:
            lorawan["warnings"] = dict(result.report.warnings)
        if result.metadata:
            lorawan["metadata"] = dict(result.metadata)
        if result.report.skipped:
            lorawan["skipped"] = [*sorted(result.report.skipped)]  # maps have no key order
        lorawan["mapping"] = dict(result.report.counts)


class DownlinkBuilder:
    """Canonical :class:`~interop.model.command.Command` -> network-server downlink JSON.

    The device's profile maps the command kind to a downlink object (``on`` ->
    ``{"relay": 1}``; ``"{level}"`` in a value becomes the command's level), its payload
    codec's ``encode_downlink`` makes FPort + bytes, and :meth:`tts` / :meth:`chirpstack`
    wrap them. Anything that cannot be expressed raises EncodeError.
    """

    def __init__(self, profiles: ProfileBook, codecs: PayloadCodecs | None = None) -> None:
        self.profiles = profiles
        self.codecs = codecs if codecs is not None else default_payload_codecs()

    @staticmethod
    def device_key(command: Command) -> str:
        """The DevEUI or ``{application}/{device id}`` a command's target IRI names."""
        if not command.target.startswith(_DEVICE_PREFIX):
            raise EncodeError(
                f"target {command.target!r} is not a LoRaWAN device", source=command.id,
                field="target", expected=f"an IRI minted as {_DEVICE_PREFIX}<deveui>",
            )  # fmt: skip
        return unquote(command.target.removeprefix(_DEVICE_PREFIX))

    def downlink(self, command: Command) -> tuple[Downlink, DeviceProfile]:
        """FPort + bytes for ``command``, and the profile that produced them."""
        key = self.device_key(command)
        profile = self.profiles.for_device(key)
        template = profile.downlinks.get(command.action)
        if template is None:
            raise EncodeError(
                f"profile {profile.name!r} maps no downlink for {command.action.value!r}",
                source=command.id, field="action",
                expected=f"one of {sorted(k.value for k in profile.downlinks) or 'none'}",
            )  # fmt: skip
        if profile.codec is None or profile.codec not in self.codecs:
            raise EncodeError(
                f"profile {profile.name!r} has no installed payload codec ({profile.codec!r})",
                source=command.id, field="codec", expected="a payload codec that encodes",
            )  # fmt: skip
        obj = _fill(template, command)
        encoded = self.codecs.get(profile.codec).encode_downlink(obj, device=key)
        if encoded.f_port is None:
            encoded = Downlink(profile.f_port, encoded.data)
        return encoded, profile

    def tts(self, command: Command) -> dict[str, Any]:
        """The Things Stack ``down/push`` body for ``command``."""
        encoded, profile = self.downlink(command)
        return tts_downlink(
            encoded, priority=profile.priority, confirmed=profile.confirmed,
            correlation_id=command.id,
        )  # fmt: skip

    def chirpstack(self, command: Command) -> dict[str, Any]:
        """ChirpStack v4 enqueue body (``{"queueItem": {...}}``) for ``command``."""
        encoded, profile = self.downlink(command)
        return chirpstack_enqueue(
            encoded, dev_eui=self.device_key(command), confirmed=profile.confirmed
        )


def _storage_result(raw: bytes, source: str) -> bytes:
    """The message inside a TTS Storage Integration line (``{"result": {...uplink...}}``)."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not JSON: {exc}", source=source, expected="a JSON object") from exc
    inner = doc.get("result") if isinstance(doc, dict) and len(doc) == 1 else None
    if not isinstance(inner, dict):
        raise DecodeError(
            "a 'result' wrapper without a message", source=source, field="result",
            expected="a TTS Storage Integration line: {\"result\": {<uplink>}}",
        )  # fmt: skip
    return orjson.dumps(inner)


def _fill(template: Mapping[str, Any], command: Command) -> dict[str, Any]:
    """Replace ``"{level}"`` values with the command's level (set_level only)."""
    filled: dict[str, Any] = {}
    for key, value in template.items():
        if value == "{level}":
            if command.action is not CommandKind.SET_LEVEL or command.level is None:
                raise EncodeError(
                    "the downlink needs a level", source=command.id, field="level",
                    expected="a set_level command",
                )  # fmt: skip
            level = command.level
            filled[key] = int(level) if float(level).is_integer() else level
        elif isinstance(value, Mapping):
            filled[key] = _fill(value, command)
        else:
            filled[key] = value
    return filled


def _unplaced(unmapped: Mapping[str, JsonValue], warnings: Mapping[str, str]) -> str:
    """The first unplaced fields with the mapping's reason when it has one (bounded)."""
    shown = [f"{path} ({warnings[path]})" if path in warnings else path for path in unmapped][:8]
    more = len(unmapped) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
