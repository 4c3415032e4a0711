"""The GTFS <-> canonical column table: one :class:`FileSpec` per GTFS file the model holds.

Each :class:`Column` names a GTFS column, the canonical field it fills (a dotted path for
nested fields: ``point.lat``) and the :class:`ValueType` that parses the GTFS text and
formats the value back. The reader (:mod:`interop_gtfs.reader`) and the writer
(:mod:`interop_gtfs.writer`) are driven by this table alone, so both directions stay in step.

Record ids: a file with an id column (``stops.txt`` ``stop_id``) mints the record IRI from it
(:func:`interop_gtfs.ids.gtfs_iri`); a file without one (``stop_times.txt``) derives the id
from its key columns, normalised (``trip_id`` ``T1`` and ``stop_sequence`` ``01`` give
``urn:interop:stop_time:FEED:T1%2F1``), so that the id survives a write and a re-read.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cached_property
from typing import Any

from interop.errors import EncodeError
from interop.model.base import RecordBase
from interop.model.transit import (
    Attribution,
    Availability,
    BookingRule,
    BookingType,
    Call,
    DirectionType,
    ExceptionType,
    FareAttribute,
    FareRule,
    FeedInfo,
    Frequency,
    Journey,
    Level,
    Line,
    LocationGroup,
    LocationGroupStop,
    LocationType,
    Operator,
    Pathway,
    PathwayMode,
    PaymentMethod,
    PickupDropOff,
    ServiceCalendar,
    ServiceException,
    Stop,
    Transfer,
    TransferType,
    Translation,
    format_service_time,
    parse_service_time,
)
from interop_gtfs.ids import FeedNamespace, gtfs_iri

__all__ = [
    "FILES",
    "SHAPES_FILE",
    "SHAPE_COLUMNS",
    "SPEC_BY_MODEL",
    "Column",
    "FileSpec",
    "ValueType",
    "format_value",
    "get_path",
]


_INTEGER = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _lines_of(pattern: str) -> re.Pattern[str]:
    """Texts that each match ``pattern`` (which never matches a line feed), one per line."""
    return re.compile(f"(?:{pattern})(?:\n(?:{pattern}))*")


def _each_matches(lines: re.Pattern[str], texts: list[str]) -> bool:
    """Whether every text matches ``lines``' item pattern (one C-level match for them all).

    The line count rules out a text that itself holds a line feed.
    """
    joined = "\n".join(texts)
    return joined.count("\n") == len(texts) - 1 and lines.fullmatch(joined) is not None


_INTEGERS = _lines_of(r"[+-]?[0-9]+")
_FLOATS = _lines_of(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TIMES = _lines_of(r"[0-9][0-9]:[0-5][0-9]:[0-5][0-9]")
_IDS = _lines_of(r"[A-Za-z0-9\-._~]+")


class ValueType(ABC):
    """How one GTFS column's text becomes a canonical value and back.

    ``exact`` types (text and ids) keep their text as written, whitespace included; for the
    others a value of only whitespace counts as empty. ``verbatim`` types format every value
    they parse back to the very text it was parsed from (within one feed namespace), so a
    column reader may write the text without formatting the value. ``notice`` is the
    MobilityData notice code for a value this type cannot parse.
    """

    exact: bool = False
    verbatim: bool = False
    verbatim_many: bool = False
    """Every text :meth:`parse_many` accepts formats back to itself (its usual form)."""
    notice: str = "invalid_value"

    @abstractmethod
    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """GTFS text (never empty) -> canonical value; ValueError when the text is invalid."""

    @abstractmethod
    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Canonical value (never None) -> GTFS text; EncodeError when GTFS cannot hold it."""

    def parse_many(self, texts: list[str], namespace: str) -> list[Any] | None:
        """:meth:`parse` of every text (none empty) at once, or None: parse them one by one.

        A fast path for a column's distinct texts when they are all of the usual form;
        the values are the ones :meth:`parse` gives.
        """
        return None

    def format_many(self, values: list[Any]) -> list[str] | None:
        """:meth:`format` of every value of a context-free type at once, or None: one by one."""
        return None


class Text(ValueType):
    """Free text, kept exactly (surrounding whitespace included)."""

    exact = True
    verbatim = True

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Return the text unchanged."""
        return text

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Return the text unchanged."""
        return str(value)


class Integer(ValueType):
    """A GTFS integer (``01`` reads as 1 and is written ``1``)."""

    notice = "invalid_integer"

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Parse a decimal integer, optionally signed."""
        stripped = text.strip()
        if stripped.isdigit() and stripped.isascii():
            return int(stripped)
        if not _INTEGER.fullmatch(stripped):
            raise ValueError(f"{text!r} is not an integer")
        return int(stripped)

    def parse_many(self, texts: list[str], namespace: str) -> list[Any] | None:
        """Plain decimal integers at once."""
        return list(map(int, texts)) if _each_matches(_INTEGERS, texts) else None

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Write the integer in decimal."""
        return str(int(value))


class Float(ValueType):
    """A GTFS float; written without exponent, with the fewest digits that read back equal."""

    notice = "invalid_float"

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Parse a finite decimal number."""
        stripped = text.strip()
        if not _FLOAT.fullmatch(stripped):
            raise ValueError(f"{text!r} is not a number")
        return float(stripped)

    def parse_many(self, texts: list[str], namespace: str) -> list[Any] | None:
        """Decimal numbers without surrounding space at once."""
        return list(map(float, texts)) if _each_matches(_FLOATS, texts) else None

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Shortest round-tripping digits, in positional notation (no ``1e-05``)."""
        text = repr(float(value))
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text

    def format_many(self, values: list[Any]) -> list[str] | None:
        """Values whose shortest digits need no exponent (nor are inf or nan) at once."""
        texts = list(map(repr, map(float, values)))
        joined = "".join(texts)
        return None if "e" in joined or "n" in joined else texts


class Money(ValueType):
    """A decimal amount (``price``), kept with its written digits (``1.50`` stays ``1.50``)."""

    notice = "invalid_float"

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Parse a decimal number exactly."""
        try:
            if not _FLOAT.fullmatch(text.strip()):
                raise InvalidOperation
            value = Decimal(text.strip())
        except InvalidOperation:
            raise ValueError(f"{text!r} is not a decimal number") from None
        if not value.is_finite():
            raise ValueError(f"{text!r} is not a finite number")
        return value

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Write the decimal in positional notation with its digits."""
        return format(Decimal(value), "f")


class Flag(ValueType):
    """A GTFS ``0``/``1`` field as a bool."""

    notice = "unexpected_enum_value"

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """``1`` -> True, ``0`` -> False."""
        stripped = text.strip()
        if stripped not in ("0", "1"):
            raise ValueError(f"{text!r} is not 0 or 1")
        return stripped == "1"

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """True -> ``1``, False -> ``0``."""
        return "1" if value else "0"


class Code(ValueType):
    """A GTFS integer code of a code list, as the model's enum member."""

    notice = "unexpected_enum_value"

    def __init__(self, members: Mapping[int, Enum]) -> None:
        self.members = dict(members)
        self.codes = {member: code for code, member in self.members.items()}

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Look the code up; unknown codes are a ValueError naming the allowed ones."""
        stripped = text.strip()
        digits = stripped.isdigit() and stripped.isascii()
        member = self.members.get(int(stripped)) if digits else None
        if member is None:
            raise ValueError(f"{text!r} is not one of the codes {sorted(self.members)}")
        return member

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """The member's GTFS code."""
        return str(self.codes[value])


class Day(ValueType):
    """A GTFS date, ``YYYYMMDD``."""

    notice = "invalid_date"

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Parse ``YYYYMMDD`` strictly."""
        stripped = text.strip()
        if not (len(stripped) == 8 and stripped.isdigit() and stripped.isascii()):
            raise ValueError(f"{text!r} is not a date in YYYYMMDD form")
        return date(int(stripped[:4]), int(stripped[4:6]), int(stripped[6:]))

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Write ``YYYYMMDD``."""
        day: date = value
        return f"{day.year:04d}{day.month:02d}{day.day:02d}"


class Time(ValueType):
    """A GTFS time ``H:MM:SS`` (hours may pass 23) as ServiceTime seconds."""

    notice = "invalid_time"
    verbatim_many = True  # HH:MM:SS with two-digit hours is how format writes it

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Parse to seconds since noon minus 12h (``HH:MM:SS`` the fast way, else the model's)."""
        if (
            len(text) == 8
            and text[2] == ":"
            and text[5] == ":"
            and text[:2].isdigit()
            and text[3:5].isdigit()
            and text[6:].isdigit()
            and text.isascii()
            and text[3] < "6"
            and text[6] < "6"
        ):
            return int(text[:2]) * 3600 + int(text[3:5]) * 60 + int(text[6:])
        return parse_service_time(text)

    def parse_many(self, texts: list[str], namespace: str) -> list[Any] | None:
        """``HH:MM:SS`` texts at once."""
        if not _each_matches(_TIMES, texts):
            return None
        return [int(t[:2]) * 3600 + int(t[3:5]) * 60 + int(t[6:]) for t in texts]

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Write ``HH:MM:SS``."""
        return format_service_time(int(value))

    def format_many(self, values: list[Any]) -> list[str] | None:
        """Every value with :func:`format_service_time`."""
        return [format_service_time(int(value)) for value in values]


class Reference(ValueType):
    """A GTFS id of entity ``kind``, as the IRI :func:`~interop_gtfs.ids.gtfs_iri` mints."""

    exact = True
    verbatim = True

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Mint the IRI of the id in this feed."""
        return gtfs_iri(self.kind, namespace, text)

    def parse_many(self, texts: list[str], namespace: str) -> list[Any] | None:
        """Ids of unreserved characters only (nothing to escape) at once."""
        if not _each_matches(_IDS, texts):
            return None
        return list(map(gtfs_iri(self.kind, namespace, "").__add__, texts))

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Recover the GTFS id; EncodeError for an IRI this feed did not mint."""
        return ids.local_id(str(value), self.kind, where)


TRANSLATED_KINDS: dict[str, str] = {
    "agency": "agency",
    "stops": "stop",
    "routes": "route",
    "trips": "trip",
    "stop_times": "trip",
    "pathways": "pathway",
    "levels": "level",
    "attributions": "attribution",
    "fare_attributes": "fare",
    "shapes": "shape",
    "calendar": "service",
    "location_groups": "location_group",
    "booking_rules": "booking_rule",
}
"""``translations.txt`` ``table_name`` -> the entity kind its ``record_id`` names."""


class TranslatedRecord(ValueType):
    """``translations.txt`` ``record_id``: its entity kind depends on ``table_name``."""

    exact = True

    @staticmethod
    def kind(table_name: str) -> str:
        """The entity kind of a record of ``table_name`` (the table name if unknown)."""
        return TRANSLATED_KINDS.get(table_name, table_name)

    def parse(self, text: str, row: Mapping[str, str], namespace: str) -> object:
        """Mint the IRI of the translated record."""
        return gtfs_iri(self.kind(row.get("table_name", "")), namespace, text)

    def format(self, value: Any, record: object, ids: FeedNamespace, where: str) -> str:
        """Recover ``record_id`` from the IRI, checking it names a row of ``table_name``."""
        return ids.local_id(str(value), self.kind(getattr(record, "table_name", "")), where)


TEXT, INTEGER, FLOAT, MONEY, FLAG, DAY, TIME = (
    Text(),
    Integer(),
    Float(),
    Money(),
    Flag(),
    Day(),
    Time(),
)
AVAILABILITY = Code(dict(enumerate(Availability)))
PICKUP = Code(dict(enumerate(PickupDropOff)))


@dataclass(frozen=True, slots=True)
class Column:
    """One GTFS column: its canonical field path, value type and whether it is required.

    ``required`` columns are always written and an empty value is an error; ``header``
    columns are always written but may be empty (``arrival_time``, ``transfers``).
    """

    name: str
    field: str
    type: ValueType
    required: bool = False
    header: bool = False


@dataclass(frozen=True)
class FileSpec:
    """A GTFS file the canonical model holds, and how its rows become records.

    ``id_column`` names the column the record IRI is minted from (kind ``id_kind``);
    ``key`` lists the columns a row's IRI is derived from when there is no id column (or,
    with ``key_kind``, when the id column is empty). ``empty_id`` allows an empty id column
    (``agency_id`` of a single-agency feed), minting the IRI with an empty GTFS id.
    """

    name: str
    model: type[RecordBase]
    columns: tuple[Column, ...]
    id_kind: str
    id_column: str | None = None
    key: tuple[str, ...] = ()
    key_kind: str | None = None
    empty_id: bool = False

    @cached_property
    def by_name(self) -> dict[str, Column]:
        """Columns by GTFS name."""
        return {column.name: column for column in self.columns}

    @cached_property
    def all_columns(self) -> tuple[str, ...]:
        """Every GTFS column of the file, id column first, in specification order."""
        names = tuple(column.name for column in self.columns)
        if self.id_column is not None and self.id_column not in names:
            return (self.id_column, *names)
        return names


def _spec(
    name: str,
    model: type[RecordBase],
    columns: list[Column],
    id_kind: str,
    **options: Any,
) -> FileSpec:
    return FileSpec(name, model, tuple(columns), id_kind, **options)


C = Column
FILES: tuple[FileSpec, ...] = (
    _spec(
        "agency.txt",
        Operator,
        [
            C("agency_name", "name", TEXT, required=True),
            C("agency_url", "url", TEXT, required=True),
            C("agency_timezone", "timezone", TEXT, required=True),
            C("agency_lang", "language", TEXT),
            C("agency_phone", "phone", TEXT),
            C("agency_fare_url", "fare_url", TEXT),
            C("agency_email", "email", TEXT),
        ],
        "agency",
        id_column="agency_id",
        empty_id=True,
    ),
    _spec(
        "stops.txt",
        Stop,
        [
            C("stop_code", "code", TEXT),
            C("stop_name", "name", TEXT),
            C("tts_stop_name", "tts_name", TEXT),
            C("stop_desc", "description", TEXT),
            C("stop_lat", "point.lat", FLOAT),
            C("stop_lon", "point.lon", FLOAT),
            C("zone_id", "zone_id", TEXT),
            C("stop_url", "url", TEXT),
            C("location_type", "location_type", Code(dict(enumerate(LocationType)))),
            C("parent_station", "parent_station", Reference("stop")),
            C("stop_timezone", "timezone", TEXT),
            C("wheelchair_boarding", "wheelchair_boarding", AVAILABILITY),
            C("level_id", "level", Reference("level")),
            C("platform_code", "platform_code", TEXT),
        ],
        "stop",
        id_column="stop_id",
    ),
    _spec(
        "location_groups.txt",
        LocationGroup,
        [C("location_group_name", "name", TEXT)],
        "location_group",
        id_column="location_group_id",
    ),
    _spec(
        "location_group_stops.txt",
        LocationGroupStop,
        [
            C("location_group_id", "location_group", Reference("location_group"), required=True),
            C("stop_id", "stop", Reference("stop"), required=True),
        ],
        "location_group_stop",
        key=("location_group_id", "stop_id"),
    ),
    _spec(
        "booking_rules.txt",
        BookingRule,
        [
            C("booking_type", "booking_type", Code(dict(enumerate(BookingType))), True),
            C("prior_notice_duration_min", "prior_notice_duration_min", INTEGER),
            C("prior_notice_duration_max", "prior_notice_duration_max", INTEGER),
            C("prior_notice_last_day", "prior_notice_last_day", INTEGER),
            C("prior_notice_last_time", "prior_notice_last_time", TIME),
            C("prior_notice_start_day", "prior_notice_start_day", INTEGER),
            C("prior_notice_start_time", "prior_notice_start_time", TIME),
            C("prior_notice_service_id", "prior_notice_service", Reference("service")),
            C("message", "message", TEXT),
            C("pickup_message", "pickup_message", TEXT),
            C("drop_off_message", "drop_off_message", TEXT),
            C("phone_number", "phone_number", TEXT),
            C("info_url", "info_url", TEXT),
            C("booking_url", "booking_url", TEXT),
        ],
        "booking_rule",
        id_column="booking_rule_id",
    ),
    _spec(
        "routes.txt",
        Line,
        [
            C("agency_id", "operator", Reference("agency")),
            C("route_short_name", "short_name", TEXT),
            C("route_long_name", "long_name", TEXT),
            C("route_desc", "description", TEXT),
            C("route_type", "route_type", INTEGER, required=True),
            C("route_url", "url", TEXT),
            C("route_color", "color", TEXT),
            C("route_text_color", "text_color", TEXT),
            C("route_sort_order", "sort_order", INTEGER),
            C("continuous_pickup", "continuous_pickup", PICKUP),
            C("continuous_drop_off", "continuous_drop_off", PICKUP),
            C("network_id", "network_id", TEXT),
        ],
        "route",
        id_column="route_id",
    ),
    _spec(
        "trips.txt",
        Journey,
        [
            C("route_id", "line", Reference("route"), required=True),
            C("service_id", "service", Reference("service"), required=True),
            C("trip_headsign", "headsign", TEXT),
            C("trip_short_name", "short_name", TEXT),
            C("direction_id", "direction", Code(dict(enumerate(DirectionType)))),
            C("block_id", "block_id", TEXT),
            C("shape_id", "shape", Reference("shape")),
            C("wheelchair_accessible", "wheelchair_accessible", AVAILABILITY),
            C("bikes_allowed", "bikes_allowed", AVAILABILITY),
        ],
        "trip",
        id_column="trip_id",
    ),
    _spec(
        "stop_times.txt",
        Call,
        [
            C("trip_id", "journey", Reference("trip"), required=True),
            C("arrival_time", "arrival", TIME, header=True),
            C("departure_time", "departure", TIME, header=True),
            C("stop_id", "stop", Reference("stop"), header=True),
            C("location_group_id", "location_group", Reference("location_group")),
            C("location_id", "location", Reference("location")),
            C("stop_sequence", "sequence", INTEGER, required=True),
            C("stop_headsign", "headsign", TEXT),
            C("pickup_type", "pickup_type", PICKUP),
            C("drop_off_type", "drop_off_type", PICKUP),
            C("continuous_pickup", "continuous_pickup", PICKUP),
            C("continuous_drop_off", "continuous_drop_off", PICKUP),
            C("shape_dist_traveled", "distance_traveled", FLOAT),
            C("timepoint", "timepoint", FLAG),
            C("start_pickup_drop_off_window", "start_pickup_drop_off_window", TIME),
            C("end_pickup_drop_off_window", "end_pickup_drop_off_window", TIME),
            C("pickup_booking_rule_id", "pickup_booking_rule", Reference("booking_rule")),
            C("drop_off_booking_rule_id", "drop_off_booking_rule", Reference("booking_rule")),
        ],
        "stop_time",
        key=("trip_id", "stop_sequence"),
    ),
    _spec(
        "calendar.txt",
        ServiceCalendar,
        [
            *(
                C(day, day, FLAG, required=True)
                for day in (
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                )
            ),
            C("start_date", "start_date", DAY, required=True),
            C("end_date", "end_date", DAY, required=True),
        ],
        "service",
        id_column="service_id",
    ),
    _spec(
        "calendar_dates.txt",
        ServiceException,
        [
            C("service_id", "service", Reference("service"), required=True),
            C("date", "service_date", DAY, required=True),
            C(
                "exception_type",
                "exception",
                Code({1: ExceptionType.ADDED, 2: ExceptionType.REMOVED}),
                required=True,
            ),
        ],
        "calendar_date",
        key=("service_id", "date"),
    ),
    _spec(
        "fare_attributes.txt",
        FareAttribute,
        [
            C("price", "price", MONEY, required=True),
            C("currency_type", "currency", TEXT, required=True),
            C("payment_method", "payment_method", Code(dict(enumerate(PaymentMethod))), True),
            C("transfers", "transfers", INTEGER, header=True),
            C("agency_id", "operator", Reference("agency")),
            C("transfer_duration", "transfer_duration", INTEGER),
        ],
        "fare",
        id_column="fare_id",
    ),
    _spec(
        "fare_rules.txt",
        FareRule,
        [
            C("fare_id", "fare", Reference("fare"), required=True),
            C("route_id", "line", Reference("route")),
            C("origin_id", "origin_zone", TEXT),
            C("destination_id", "destination_zone", TEXT),
            C("contains_id", "contains_zone", TEXT),
        ],
        "fare_rule",
        key=("fare_id", "route_id", "origin_id", "destination_id", "contains_id"),
    ),
    _spec(
        "frequencies.txt",
        Frequency,
        [
            C("trip_id", "journey", Reference("trip"), required=True),
            C("start_time", "start_time", TIME, required=True),
            C("end_time", "end_time", TIME, required=True),
            C("headway_secs", "headway", INTEGER, required=True),
            C("exact_times", "exact_times", FLAG),
        ],
        "frequency",
        key=("trip_id", "start_time"),
    ),
    _spec(
        "transfers.txt",
        Transfer,
        [
            C("from_stop_id", "from_stop", Reference("stop")),
            C("to_stop_id", "to_stop", Reference("stop")),
            C("from_route_id", "from_line", Reference("route")),
            C("to_route_id", "to_line", Reference("route")),
            C("from_trip_id", "from_journey", Reference("trip")),
            C("to_trip_id", "to_journey", Reference("trip")),
            C("transfer_type", "transfer_type", Code(dict(enumerate(TransferType))), True),
            C("min_transfer_time", "min_transfer_time", INTEGER),
        ],
        "transfer",
        key=(
            "from_stop_id",
            "to_stop_id",
            "from_route_id",
            "to_route_id",
            "from_trip_id",
            "to_trip_id",
        ),
    ),
    _spec(
        "pathways.txt",
        Pathway,
        [
            C("from_stop_id", "from_stop", Reference("stop"), required=True),
            C("to_stop_id", "to_stop", Reference("stop"), required=True),
            C(
                "pathway_mode",
                "mode",
                Code(dict(enumerate(PathwayMode, start=1))),
                required=True,
            ),
            C("is_bidirectional", "bidirectional", FLAG, required=True),
            C("length", "length", FLOAT),
            C("traversal_time", "traversal_time", INTEGER),
            C("stair_count", "stair_count", INTEGER),
            C("max_slope", "max_slope", FLOAT),
            C("min_width", "min_width", FLOAT),
            C("signposted_as", "signposted_as", TEXT),
            C("reversed_signposted_as", "reversed_signposted_as", TEXT),
        ],
        "pathway",
        id_column="pathway_id",
    ),
    _spec(
        "levels.txt",
        Level,
        [
            C("level_index", "index", FLOAT, required=True),
            C("level_name", "name", TEXT),
        ],
        "level",
        id_column="level_id",
    ),
    _spec(
        "feed_info.txt",
        FeedInfo,
        [
            C("feed_publisher_name", "publisher_name", TEXT, required=True),
            C("feed_publisher_url", "publisher_url", TEXT, required=True),
            C("feed_lang", "language", TEXT, required=True),
            C("default_lang", "default_language", TEXT),
            C("feed_start_date", "start_date", DAY),
            C("feed_end_date", "end_date", DAY),
            C("feed_version", "version", TEXT),
            C("feed_contact_email", "contact_email", TEXT),
            C("feed_contact_url", "contact_url", TEXT),
        ],
        "feed_info",
        key=("feed_publisher_name",),
    ),
    _spec(
        "translations.txt",
        Translation,
        [
            C("table_name", "table_name", TEXT, required=True),
            C("field_name", "field_name", TEXT, required=True),
            C("language", "language", TEXT, required=True),
            C("translation", "translation", TEXT, required=True),
            C("record_id", "record", TranslatedRecord()),
            C("record_sub_id", "record_sub_id", TEXT),
            C("field_value", "field_value", TEXT),
        ],
        "translation",
        key=(
            "table_name",
            "field_name",
            "language",
            "record_id",
            "record_sub_id",
            "field_value",
        ),
    ),
    _spec(
        "attributions.txt",
        Attribution,
        [
            C("agency_id", "operator", Reference("agency")),
            C("route_id", "line", Reference("route")),
            C("trip_id", "journey", Reference("trip")),
            C("organization_name", "organization_name", TEXT, required=True),
            C("is_producer", "is_producer", FLAG),
            C("is_operator", "is_operator", FLAG),
            C("is_authority", "is_authority", FLAG),
            C("attribution_url", "url", TEXT),
            C("attribution_email", "email", TEXT),
            C("attribution_phone", "phone", TEXT),
        ],
        "attribution",
        id_column="attribution_id",
        key=("organization_name", "agency_id", "route_id", "trip_id"),
        key_kind="attribution_row",
    ),
)
"""Every GTFS file with a canonical record type (except ``shapes.txt``), in reading order."""

SHAPES_FILE = "shapes.txt"
"""``shapes.txt``: rows are grouped by ``shape_id`` into one :class:`Shape` each."""

SHAPE_COLUMNS: tuple[Column, ...] = (
    C("shape_pt_lat", "lat", FLOAT, required=True),
    C("shape_pt_lon", "lon", FLOAT, required=True),
    C("shape_pt_sequence", "sequence", INTEGER, required=True),
    C("shape_dist_traveled", "distance_traveled", FLOAT),
)
"""The point columns of ``shapes.txt`` (``shape_id`` names the :class:`Shape`)."""

SPEC_BY_MODEL: dict[type[RecordBase], FileSpec] = {spec.model: spec for spec in FILES}
"""The file each record type is written to (``Shape`` is handled on its own)."""


def get_path(record: object, path: str) -> object:
    """The value at a dotted field path (``point.lat``), None if any step is None."""
    if "." not in path:
        return getattr(record, path)
    value: object = record
    for step in path.split("."):
        if value is None:
            return None
        value = getattr(value, step)
    return value


def format_value(
    column: Column, value: object, record: object, ids: FeedNamespace, where: str
) -> str:
    """Format one value for ``column`` (None -> empty); EncodeError names the column."""
    if value is None:
        return ""
    try:
        return column.type.format(value, record, ids, where)
    except EncodeError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise EncodeError(
            f"{value!r} cannot be written as GTFS: {exc}", source=where, field=column.name
        ) from exc
