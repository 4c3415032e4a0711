"""Netvox codecs, table-driven: one shared frame format, one small table per device.

Netvox frames are fixed 11 bytes.

- FPort 6, report: ``[version][device type][report type][8 bytes]``. Report type 0 is the
  version report (``SWver`` = byte/10, ``HWver``, ``Datecode`` as the hex digits of 4 bytes);
  other report types are device-specific measurement tables. A battery byte with bit 7 set
  means "low battery" and is decoded, as Netvox's codecs do, to the string ``"3.6(low battery)"``.
- FPort 7, configuration: ``[command id][device type][9 bytes]``. Requests (ids < 0x80) are
  downlinks, responses (id | 0x80) are uplinks; ``ConfigReportReq``/``Rsp`` (0x01/0x81) and
  ``ReadConfigReportReq``/``Rsp`` (0x02/0x82) are common, the device-specific tail of the
  report configuration and other commands come from the device table.

The decoded objects are those of the Netvox codecs in the TTN Device Repository (``Device``,
``Cmd`` and the field names there, ``"NoSensor"`` for all-ones sentinels in the RA07 series).
Unlike the JS, a wrong device type byte, an unknown report/command id, a short frame or extra
bytes are DecodeErrors; reserved bytes are ignored on decode and written as zero on encode.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..payload import Decoded, Downlink
from ._common import NativeCodec, Reader, encode_error, require_port, to_raw

__all__ = [
    "NetvoxR718H",
    "NetvoxR718X",
    "NetvoxR809A",
    "NetvoxR831A",
    "NetvoxR72616A",
    "NetvoxRA0715",
    "NetvoxRB11E",
]

FRAME = 11
NO_SENSOR = "NoSensor"


@dataclass(frozen=True, slots=True)
class F:
    """One field: ``name`` at byte ``offset`` of ``size`` bytes.

    Number: ``raw * mult / scale`` (``signed`` two's complement). ``sentinel``: all-ones means
    ``"NoSensor"``. ``enum``: raw -> string (``default`` for any other raw). ``volt``: bit 7 is
    the low-battery flag.
    """

    name: str
    offset: int
    size: int = 1
    scale: int = 1
    signed: bool = False
    mult: int = 1
    sentinel: bool = False
    enum: Mapping[int, str] | None = None
    default: str | None = None
    volt: bool = False


@dataclass(frozen=True, slots=True)
class Spec:
    """A Netvox device: type byte, name, report tables and command tables."""

    device_type: int
    name: str
    reports: Mapping[int, tuple[F, ...]]
    config_tail: tuple[F, ...] = ()
    uplink_cmds: Mapping[int, tuple[str, tuple[F, ...]]] = field(default_factory=dict)
    downlink_cmds: Mapping[int, tuple[str, tuple[F, ...]]] = field(default_factory=dict)


VOLT = F("Volt", 3, scale=10, volt=True)
STATUS = (F("Status", 2, enum={0: "Success"}, default="Failure"),)
ON_OFF = {0: "OFF", 1: "ON"}


def _u16(
    name: str, offset: int, scale: int = 1, *, signed: bool = False, sentinel: bool = False
) -> F:
    return F(name, offset, 2, scale, signed, sentinel=sentinel)


def _s16(name: str, offset: int, scale: int = 1) -> F:
    return F(name, offset, 2, scale, signed=True, sentinel=True)


def _triple(names: tuple[str, str, str], scale: int = 1) -> tuple[F, ...]:
    """The RA07 layout: battery, then three u16 readings with the all-ones sentinel."""
    return (VOLT, *(_u16(n, 4 + 2 * i, scale, sentinel=True) for i, n in enumerate(names)))


RA0715 = Spec(
    0x05,
    "RA07Series",
    {
        1: _triple(("PM1_0", "PM2_5", "PM10")),
        2: _triple(("PM1_0", "PM2_5", "PM10")),
        3: _triple(("um0_3", "um0_5", "um1_0")),
        4: _triple(("um2_5", "um5_0", "um10")),
        5: _triple(("O3", "CO", "NO"), 10),
        6: _triple(("NO2", "SO2", "H2S"), 10),
        7: (
            VOLT,
            _u16("CO2", 4, 10, sentinel=True),
            _u16("NH3", 6, 10, sentinel=True),
            _u16("Noise", 8, 10, sentinel=True),
        ),
        8: (VOLT, _u16("PH", 4, 100, sentinel=True), _s16("TempPH", 6, 100), _s16("ORP", 8)),
        9: (
            VOLT,
            _u16("NTU", 4, 10, sentinel=True),
            _s16("TempNTU", 6, 100),
            _u16("EC5SoildHumi", 8, 100, sentinel=True),
        ),
        10: (
            VOLT,
            _u16("SoildHumi5TE", 4, 100, sentinel=True),
            _s16("SoildTemp5TE", 6, 100),
            _u16("WaterLevel", 8, sentinel=True),
            F("EC5TE", 10, 1, 10, sentinel=True),
        ),
        11: (
            VOLT,
            _s16("TempLDO", 4, 100),
            _u16("LDO_DO", 6, 100, sentinel=True),
            _u16("LDO_Sat", 8, 10, sentinel=True),
        ),
        12: (
            VOLT,
            _s16("Temperature", 4, 100),
            _u16("Humidity", 6, 100, sentinel=True),
            _u16("WindSpeed", 8, 100, sentinel=True),
        ),
        13: (
            VOLT,
            _u16("WindDirection", 4, sentinel=True),
            F("Atomsphere", 6, 4, 100, sentinel=True),
        ),
        14: (VOLT, _u16("VOC", 4, 10, sentinel=True)),
    },
)

R72616A = Spec(
    0x6A,
    "R72616A",
    {1: (VOLT, _u16("Temp", 4, 100, signed=True), _u16("Humi", 6, 100), _u16("PM25", 8))},
)

R718X = Spec(
    0x34,
    "R718X",
    {
        1: (
            VOLT,
            F("Status", 4, enum=ON_OFF),
            _u16("Distance", 5),
            _u16("Temp", 7, 10, signed=True),
            F("FillLevel", 9),
            F("AngleOfInclination", 10, signed=True),
        )
    },
    config_tail=(
        F("BatteryChange", 6, scale=10),
        _u16("DistanceChange", 7),
        _u16("TempChange", 9, 10),
    ),
    uplink_cmds={
        0x83: ("SetOnDistanceThresholdRsp", STATUS),
        0x84: ("GetOnDistanceThresholdRsp", (_u16("OnDistanceThreshold", 2),)),
        0x85: ("SetFillMaxDistanceRsp", STATUS),
        0x86: ("GetFillMaxDistanceRsp", (_u16("FillMaxDistance", 2),)),
        0x8B: ("SetDeadZoneDistanceRsp", STATUS),
        0x8C: ("GetDeadZoneDistanceRsp", (_u16("DeadZoneDistance", 2),)),
    },
    downlink_cmds={
        0x03: ("SetOnDistanceThresholdReq", (_u16("OnDistanceThreshold", 2),)),
        0x04: ("GetOnDistanceThresholdReq", ()),
        0x05: ("SetFillMaxDistanceReq", (_u16("FillMaxDistance", 2),)),
        0x06: ("GetFillMaxDistanceReq", ()),
        0x0B: ("SetDeadZoneDistanceReq", (_u16("DeadZoneDistance", 2),)),
        0x0C: ("GetDeadZoneDistanceReq", ()),
    },
)

R718H = Spec(
    0x1F,
    "R718H",
    {1: (VOLT, _u16("PulseCount", 4))},
    config_tail=(F("BatteryChange", 6, scale=10),),
    uplink_cmds={
        0x83: ("SetFiltertimeRsp", STATUS),
        0x84: ("GetFiltertimeRsp", (F("FilterTime", 2, mult=5),)),
        0x85: ("SetPulseCounterClearModeRsp", STATUS),
        0x86: (
            "GetPulseCounterClearModeRsp",
            (
                F(
                    "PulseCounterClearMode",
                    2,
                    enum={0: "Clear when send"},
                    default="Clear when Roll-Over",
                ),
            ),
        ),
    },
    downlink_cmds={
        0x03: ("SetFiltertimeReq", (F("FilterTime", 2, mult=5),)),
        0x04: ("GetFiltertimeReq", ()),
        0x05: ("SetPulseCounterClearModeReq", (F("PulseCounterClearMode", 2),)),
        0x06: ("GetPulseCounterClearModeReq", ()),
    },
)

_ALARM = {0: "No alarm", 1: "Alarm"}
R809A = Spec(
    0x0E,
    "R809A",
    {
        1: (
            F("OnOff", 3, enum=ON_OFF),
            F("Energy", 4, 4),
            F("OverCurrentAlarm", 8, enum=_ALARM),
            F("DashCurrentAlarm", 9, enum=_ALARM),
            F("PowerOffAlarm", 10, enum=_ALARM),
        ),
        2: (_u16("Vol", 3), _u16("Current", 5), _u16("Power", 7)),
    },
    config_tail=(_u16("CurrentChange", 6), _u16("PowerChange", 8)),
    downlink_cmds={
        0x90: ("Off", ()),
        0x91: ("On", ()),
        0x92: ("Toggle", ()),
        0x93: ("ClearEnergy", ()),
        0x94: ("ReadCurrentStatus", ()),
    },
)

RB11E = Spec(
    0x03,
    "RB11E",
    {
        1: (
            VOLT,
            _u16("Temp", 4, 100, signed=True),
            _u16("Illuminance", 6),
            F("Occupy", 8),
            F("DisassembledAlarm", 9),
        )
    },
    config_tail=(
        F("BatteryChange", 6, scale=10),
        _u16("TempChange", 7, 100),
        _u16("IlluminanceChange", 9),
    ),
    uplink_cmds={
        0x83: ("SetIRDisableTimeRsp", STATUS),
        0x84: ("GetIRDisableTimeRsp", (_u16("IRDisableTime", 2), _u16("IRDetectionTime", 4))),
    },
    downlink_cmds={
        0x03: ("SetIRDisableTimeReq", (_u16("IRDisableTime", 2), _u16("IRDetectionTime", 4))),
        0x04: ("GetIRDisableTimeReq", ()),
    },
)

_SWITCH_TYPE = {0: "Toggle", 1: "Momentary"}
R831A = Spec(
    0xB2,
    "R831A",
    {1: (F("MotorStatus", 3, enum={0: "OFF", 1: "ON", 2: "Stop"}),)},
    uplink_cmds={
        0x83: ("SetSwitchTypeRsp", STATUS),
        0x84: ("GetSwitchTypeRsp", (F("SwitchType", 2, enum=_SWITCH_TYPE),)),
    },
    downlink_cmds={
        0x03: ("SetSwitchTypeReq", (F("SwitchType", 2, enum=_SWITCH_TYPE),)),
        0x04: ("GetSwitchTypeReq", ()),
        0x90: ("Off", ()),
        0x91: ("On", ()),
        0x92: ("Toggle", ()),
        0x94: ("ReadCurrentStatus", ()),
        0x95: ("Stop", ()),
    },
)

VERSION_REPORT = (F("SWver", 3, scale=10), F("HWver", 4))
CONFIG = (_u16("MinTime", 2), _u16("MaxTime", 4))


def _decode_field(r: Reader, f: F) -> Any:
    raw = r.uint(f.offset, f.size, f.name)
    if f.sentinel and raw == (1 << (8 * f.size)) - 1:
        return NO_SENSOR
    if f.enum is not None:
        if raw in f.enum:
            return f.enum[raw]
        if f.default is not None:
            return f.default
        raise r.error(f.offset, f"unknown {f.name} 0x{raw:02x}", f"one of {sorted(f.enum)}")
    if f.volt and raw & 0x80:
        return f"{(raw & 0x7F) / f.scale}(low battery)"
    if f.signed and raw >> (8 * f.size - 1):
        raw -= 1 << (8 * f.size)
    value = raw * f.mult
    return value if f.scale == 1 else value / f.scale


def _encode_field(buf: bytearray, f: F, value: Any, codec_id: str, device: str) -> None:
    if f.enum is not None:
        reverse = {v: k for k, v in f.enum.items()}
        if value not in reverse:
            raise encode_error(
                codec_id, device, f.name, f"unknown value {value!r}", f"one of {sorted(reverse)}"
            )
        raw = reverse[value]
    elif f.sentinel and value == NO_SENSOR:
        raw = (1 << (8 * f.size)) - 1
    else:
        raw = to_raw(
            value,
            scale=f.scale / f.mult,
            size=f.size,
            signed=f.signed,
            codec_id=codec_id,
            device=device,
            field=f.name,
        )
    buf[f.offset : f.offset + f.size] = raw.to_bytes(f.size, "big", signed=f.signed)


class _Netvox(NativeCodec):
    """Shared Netvox logic; subclasses only set ``codec_id`` and ``spec``."""

    vendor = "netvox"
    spec: ClassVar[Spec]

    def _reader(self, data: bytes, device: str) -> Reader:
        r = Reader(data, codec_id=self.codec_id, device=device)
        r.exact_length(FRAME, "a Netvox frame")
        if data[1] != self.spec.device_type:
            raise r.error(
                1,
                f"device type 0x{data[1]:02x}",
                f"0x{self.spec.device_type:02x} ({self.spec.name})",
            )
        return r

    def _command(self, r: Reader, table: Mapping[int, tuple[str, tuple[F, ...]]]) -> Decoded:
        cmd = r.data[0]
        if cmd not in table:
            raise r.error(
                0, f"unknown command id 0x{cmd:02x}", f"one of {[hex(c) for c in sorted(table)]}"
            )
        name, fields = table[cmd]
        out: Decoded = {"Cmd": name, "Device": self.spec.name}
        for f in fields:
            out[f.name] = _decode_field(r, f)
        return out

    def _uplink_cmds(self) -> dict[int, tuple[str, tuple[F, ...]]]:
        return {
            0x81: ("ConfigReportRsp", STATUS),
            0x82: ("ReadConfigReportRsp", CONFIG + self.spec.config_tail),
            **self.spec.uplink_cmds,
        }

    def _downlink_cmds(self) -> dict[int, tuple[str, tuple[F, ...]]]:
        return {
            0x01: ("ConfigReportReq", CONFIG + self.spec.config_tail),
            0x02: ("ReadConfigReportReq", ()),
            **self.spec.downlink_cmds,
        }

    def decode_uplink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 6 reports and FPort 7 configuration responses."""
        require_port(self.codec_id, device, f_port, (6, 7))
        r = self._reader(data, device)
        if f_port == 7:
            return self._command(r, self._uplink_cmds())
        report = data[2]
        out: Decoded = {"Device": self.spec.name}
        if report == 0:
            for f in VERSION_REPORT:
                out[f.name] = _decode_field(r, f)
            out["Datecode"] = data[5:9].hex()
            return out
        if report not in self.spec.reports:
            raise r.error(
                2,
                f"unknown report type 0x{report:02x}",
                f"one of {[0, *sorted(self.spec.reports)]}",
            )
        for f in self.spec.reports[report]:
            out[f.name] = _decode_field(r, f)
        return out

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """FPort 7 configuration requests and commands."""
        require_port(self.codec_id, device, f_port, (7,))
        return self._command(self._reader(data, device), self._downlink_cmds())

    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """``{"Cmd", "Device", ...fields}`` -> 11 bytes on FPort 7; unknown keys are refused."""
        cmds = {name: (cid, fields) for cid, (name, fields) in self._downlink_cmds().items()}
        cmd = obj.get("Cmd")
        if cmd not in cmds:
            raise encode_error(
                self.codec_id, device, "Cmd", f"unknown command {cmd!r}", f"one of {sorted(cmds)}"
            )
        if obj.get("Device", self.spec.name) != self.spec.name:
            raise encode_error(
                self.codec_id, device, "Device", f"device {obj.get('Device')!r}", self.spec.name
            )
        cid, fields = cmds[str(cmd)]
        extra = set(obj) - {"Cmd", "Device"} - {f.name for f in fields}
        if extra:
            raise encode_error(
                self.codec_id, device, sorted(extra)[0], "unexpected field", f"fields of {cmd}"
            )
        buf = bytearray(FRAME)
        buf[0] = cid
        buf[1] = self.spec.device_type
        for f in fields:
            if f.name not in obj:
                raise encode_error(
                    self.codec_id, device, f.name, "missing field", f"{f.name} for {cmd}"
                )
            _encode_field(buf, f, obj[f.name], self.codec_id, device)
        return Downlink(7, bytes(buf))


class NetvoxRA0715(_Netvox):
    """RA0715 / RA07 series multi-sensor air quality station."""

    codec_id = "ra0715-codec"
    spec = RA0715


class NetvoxR72616A(_Netvox):
    """R72616A outdoor PM2.5 / temperature / humidity sensor."""

    codec_id = "r72616a-codec"
    spec = R72616A


class NetvoxR718X(_Netvox):
    """R718X ultrasonic distance / fill-level sensor."""

    codec_id = "r718x-codec"
    spec = R718X


class NetvoxR718H(_Netvox):
    """R718H pulse counter."""

    codec_id = "r718h-codec"
    spec = R718H


class NetvoxR809A(_Netvox):
    """R809A metering plug with relay."""

    codec_id = "r809a-codec"
    spec = R809A


class NetvoxRB11E(_Netvox):
    """RB11E occupancy / temperature / light sensor."""

    codec_id = "rb11e-codec"
    spec = RB11E


class NetvoxR831A(_Netvox):
    """R831A motor/valve switch actuator."""

    codec_id = "r831a-codec"
    spec = R831A


CODECS: tuple[type[_Netvox], ...] = (
    NetvoxRA0715,
    NetvoxR72616A,
    NetvoxR718X,
    NetvoxR718H,
    NetvoxR809A,
    NetvoxRB11E,
    NetvoxR831A,
)
