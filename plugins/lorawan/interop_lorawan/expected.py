"""Known answers: the records each bundled sample uplink must decode to, written by hand.

Read from the envelopes as The Things Stack v3 and ChirpStack v4 document them (device EUI,
application, frame counter, port, gateway metadata, the network server's decoded object)
and the makers' payload documents (Elsys ERS: temperature in 0.1 °C, humidity %, light
lux, motion count, CO2 ppm; Dingtek DF702: level in mm, temperature °C, the sensor's tilt
angle in degrees, alarm flags; Nwave NPS405:
parking occupancy; Decentlab DL-MBX: distance mm, battery V), following the plugin's
documented conventions: a Device per envelope, a Measurement per mapped field, ids minted
from the device EUI, the uplink time, the frame counter and the field; the device record
holds the device's identity only, and the uplink's metadata (frame counter, port, radio,
decoder, what the mapping left) has one home: ``extensions.lorawan.uplink`` of each of its
measurements. An uplink that gives no measurement (no payload codec, nothing placed) gives
its device record alone. The kit compares the decoded records with these exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from interop.adapters import DecodeContext
from interop.model.base import Provenance
from interop.model.device import Device, DeviceKind
from interop.model.observation import Measurement
from interop.model.records import Record
from interop.testing.cases import KnownAnswer
from interop_lorawan.demo import sample_messages
from interop_lorawan.manifest import MANIFEST

__all__ = ["known_answers"]

SAREF = "https://saref.etsi.org/core/"
INTEROP = "https://w3id.org/interop/ontology#"
OM = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
DEVICE = "urn:interop:device:lorawan:"
MEASUREMENT = "urn:interop:measurement:lorawan:"
CITY_SENSORS = "e2b6c1a0-7d3f-4b8e-9c21-5a4d3e2f1b0c"
"""The ChirpStack application id of the samples (ChirpStack names applications by UUID)."""
TTN_RADIO = [{"gateway_id": "gw-cityhall-roof", "rssi": -97.0, "snr": 7.25}]
CHIRPSTACK_RADIO = [{"gateway_id": "0016c001f153a14c", "rssi": -104.0, "snr": 4.5}]


class _Answers:
    """Builds the expected records of the samples with the provenance of one context."""

    def __init__(self, ctx: DecodeContext) -> None:
        self.ctx = ctx

    def provenance(self, system: str, original_id: str) -> Provenance:
        return Provenance(
            plugin="lorawan", plugin_version=MANIFEST.version, source_system=system,
            original_id=original_id, received_at=self.ctx.received_at,
        )  # fmt: skip

    def device(self, eui: str, network: str, name: str, application: str, **fields: Any) -> Device:
        extension: dict[str, Any] = {
            "network": network, "dev_eui": eui, "device_id": name, "application_id": application,
        }  # fmt: skip
        return Device(
            id=DEVICE + eui, device_kind=DeviceKind.SENSOR, name=name,
            provenance=self.provenance(f"{network}:{application}", eui),
            extensions={"lorawan": extension}, **fields,
        )  # fmt: skip

    def measurements(
        self,
        eui: str,
        system: str,
        message: str,
        at: datetime,
        f_cnt: int | None,
        uplink: dict[str, Any],
        readings: list[tuple[str, str, float, str]],
    ) -> list[Record]:
        """A measurement per ``(field, property IRI, value, unit IRI)``, each with ``uplink``."""
        stamp = at.strftime("%Y-%m-%dT%H%%3A%M%%3A%S") + (
            f".{at.microsecond:06d}" if at.microsecond else ""
        )
        counter = "-" if f_cnt is None else str(f_cnt)
        records: list[Record] = []
        for field, prop, value, unit in readings:
            extension: dict[str, Any] = {"field": field, "uplink": uplink}
            records.append(
                Measurement(
                    id=f"{MEASUREMENT}{eui}%2F{stamp}Z%2F{counter}%2F{field}",
                    property=prop,
                    value=value,
                    unit=unit,
                    timestamp=at,
                    device=DEVICE + eui,
                    provenance=self.provenance(system, message),
                    extensions={"lorawan": extension},
                )
            )
        return records


def _mapping(mapped: int, unmapped: int = 0, metadata: int = 0) -> dict[str, int]:
    return {
        "mapped": mapped, "unmapped": unmapped, "skipped": 0, "metadata": metadata,
        "resolved": 0, "warnings": 0,
    }  # fmt: skip


def known_answers(ctx: DecodeContext) -> list[KnownAnswer]:
    """The known answers for the eight sample envelopes, as decoded in ``ctx``."""
    a = _Answers(ctx)
    raw = sample_messages()
    chirp = f"chirpstack-v4:{CITY_SENSORS}"
    elsys, df702 = "a81758fffe0312ab", "a84041000181c0de"
    bay, mbx, lpp_weather, lpp_noise = (
        "70b3d5f2a0001a2b", "0004a30b001c0d2e", "70b3d57ed0001a01", "70b3d57ed0001a02"
    )  # fmt: skip
    elsys_at = datetime(2024, 3, 5, 8, 15, 2, 276_000, tzinfo=UTC)
    df702_at = datetime(2024, 3, 5, 8, 17, tzinfo=UTC)
    bay_at = datetime(2024, 3, 5, 8, 16, 40, 118_245, tzinfo=UTC)
    mbx_at = datetime(2024, 3, 5, 8, 18, tzinfo=UTC)
    status_at = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    return [
        KnownAnswer("ttn-elsys-ers-co2", raw[0], [
            a.device(elsys, "ttn-v3", "ers-co2-townhall-2", "city-air", manufacturer="elsys",
                     model="ers-co2", firmware_version="1.0"),
            *a.measurements(elsys, "ttn-v3:city-air", "as:up:ers-co2-townhall-2-4711",
                            elsys_at, 4711, {
                "event": "up", "device_profile": "elsys/ers-co2", "f_port": 1, "f_cnt": 4711,
                "radio": TTN_RADIO, "decoder": "network-server", "mapping": _mapping(5),
            }, [
                ("temperature", SAREF + "Temperature", 22.6, OM + "degreeCelsius"),
                ("humidity", SAREF + "Humidity", 41, OM + "percent"),
                ("light", SAREF + "Light", 39, OM + "lux"),
                ("motion", SAREF + "Motion", 6, OM + "one"),
                ("co2", INTEROP + "CO2Concentration", 776, OM + "partsPerMillion"),
            ]),
        ]),
        KnownAnswer("ttn-cayenne-lpp-undecoded", raw[1], [
            a.device(lpp_weather, "ttn-v3", "lpp-weather-07", "city-air"),
        ]),
        KnownAnswer("ttn-dingtek-df702", raw[2], [
            a.device(df702, "ttn-v3", "df702-bin-0031", "city-waste", manufacturer="dingtek",
                     model="df702", firmware_version="1.0"),
            *a.measurements(df702, "ttn-v3:city-waste", "as:up:df702-bin-0031-77", df702_at,
                            77, {
                "event": "up", "device_profile": "dingtek/df702", "f_port": 3, "f_cnt": 77,
                "radio": TTN_RADIO, "decoder": "network-server",
                "unmapped": {"full": False, "fire": False, "tilt": False, "battery": False},
                "mapping": _mapping(3, unmapped=4),
            }, [
                ("level", INTEROP + "Distance", 2000, OM + "millimetre"),
                ("temperature", SAREF + "Temperature", 25, OM + "degreeCelsius"),
                ("angle", INTEROP + "TiltAngle", 0, OM + "degree"),
            ]),
        ]),
        KnownAnswer("chirpstack-nwave-parking", raw[4], [
            a.device(bay, "chirpstack-v4", "bay-0142", CITY_SENSORS),
            *a.measurements(bay, chirp, "5f0c9a3e-8d1b-4c52-9a7e-000000000812", bay_at, 812, {
                "event": "up", "device_profile": "Nwave NPS405", "f_port": 1, "f_cnt": 812,
                "radio": CHIRPSTACK_RADIO, "decoder": "network-server",
                "unmapped": {"previous_state_duration": 74.0,
                             "previous_state_duration_error": 0.0,
                             "previous_state_duration_overflow": False},
                "metadata": {"type": "parking_status"},
                "mapping": _mapping(1, unmapped=3, metadata=1),
            }, [("occupied", SAREF + "Occupancy", 1, OM + "one")]),
        ]),
        KnownAnswer("chirpstack-decentlab-mbx", raw[5], [
            a.device(mbx, "chirpstack-v4", "mbx-river-3", CITY_SENSORS),
            *a.measurements(mbx, chirp, "5f0c9a3e-8d1b-4c52-9a7e-000000000055", mbx_at, 55, {
                "event": "up", "device_profile": "Decentlab DL-MBX", "f_port": 1, "f_cnt": 55,
                "radio": CHIRPSTACK_RADIO, "decoder": "network-server",
                "unmapped": {"number_of_valid_samples": 1},
                "metadata": {"device_id": 3855, "protocol_version": 2},
                "mapping": _mapping(2, unmapped=1, metadata=2),
            }, [
                ("distance", INTEROP + "Distance", 1234, OM + "millimetre"),
                ("battery_voltage", INTEROP + "BatteryVoltage", 3.114, OM + "volt"),
            ]),
        ]),
        KnownAnswer("chirpstack-cayenne-lpp-undecoded", raw[6], [
            a.device(lpp_noise, "chirpstack-v4", "lpp-noise-02", CITY_SENSORS),
        ]),
        KnownAnswer("chirpstack-status", raw[7], [
            a.device(bay, "chirpstack-v4", "bay-0142", CITY_SENSORS),
            *a.measurements(bay, chirp, "00000000-0000-4000-8000-000000000010", status_at,
                            None, {
                "event": "status", "device_profile": "Nwave NPS405", "margin": 7,
                "external_power": False,
            }, [("batteryLevel", INTEROP + "BatteryLevel", 87.5, OM + "percent")]),
        ]),
        KnownAnswer("ttn-join", raw[3], [
            a.device(elsys, "ttn-v3", "ers-co2-townhall-2", "city-air"),
        ]),
    ]  # fmt: skip
