"""The GTFS Schedule reference as data: files, columns, types, keys and references.

Validation is table-driven: every generic check (required column and field, format, range,
enum, primary key, foreign key) reads this table instead of a per-file if-chain. Conditional
rules the table cannot express live in :mod:`interop_gtfs.validation.semantics`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "EXTRA_KNOWN_FILES",
    "FILE_ORDER",
    "SPECS",
    "FieldSpec",
    "TableSpec",
]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column: its GTFS type, whether it is required, and what it refers to.

    ``kind`` names a format check in :mod:`interop_gtfs.validation.formats`; ``ref`` is
    the key namespace a value must exist in (``"stop"``); ``key`` registers the column's
    values in a namespace for other tables to refer to.
    """

    kind: str = "text"
    required: bool = False
    enum: frozenset[int] | None = None
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None
    ref: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One file: its columns and its primary key (columns whose values must be unique)."""

    fields: dict[str, FieldSpec]
    primary_key: tuple[str, ...] = ()
    required_columns: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        required = tuple(name for name, spec in self.fields.items() if spec.required)
        object.__setattr__(self, "required_columns", required)


def _enum(*values: int) -> FieldSpec:
    return FieldSpec("integer", enum=frozenset(values))


def _required_enum(*values: int) -> FieldSpec:
    return FieldSpec("integer", required=True, enum=frozenset(values))


_TEXT = FieldSpec()
_URL = FieldSpec("url")
_EMAIL = FieldSpec("email")
_LANG = FieldSpec("language")
_TIMEZONE = FieldSpec("timezone")
_BOOL = _enum(0, 1)
_ACCESS = _enum(0, 1, 2)
_PICKUP = _enum(0, 1, 2, 3)
_NON_NEGATIVE_INT = FieldSpec("integer", minimum=0)
_NON_NEGATIVE_FLOAT = FieldSpec("float", minimum=0)
_LAT = FieldSpec("latitude")
_LON = FieldSpec("longitude")
_DAY = _required_enum(0, 1)

_ROUTE_TYPES = frozenset(
    {0, 1, 2, 3, 4, 5, 6, 7, 11, 12}
    | set(range(100, 118))
    | set(range(200, 210))
    | {400, 401, 402, 403, 404, 405}
    | set(range(700, 718))
    | {800, 900, 901, 902, 903, 904, 905, 906, 1000, 1100, 1200, 1300, 1400, 1500}
    | set(range(1501, 1508))
    | {1700, 1702}
)

SPECS: dict[str, TableSpec] = {
    "agency.txt": TableSpec(
        {
            "agency_id": FieldSpec(key="agency"),
            "agency_name": FieldSpec(required=True),
            "agency_url": FieldSpec("url", required=True),
            "agency_timezone": FieldSpec("timezone", required=True),
            "agency_lang": _LANG,
            "agency_phone": _TEXT,
            "agency_fare_url": _URL,
            "agency_email": _EMAIL,
            "cemv_support": _ACCESS,
        },
        ("agency_id",),
    ),
    "levels.txt": TableSpec(
        {
            "level_id": FieldSpec(required=True, key="level"),
            "level_index": FieldSpec("float", required=True),
            "level_name": _TEXT,
        },
        ("level_id",),
    ),
    "stops.txt": TableSpec(
        {
            "stop_id": FieldSpec(required=True, key="stop"),
            "stop_code": _TEXT,
            "stop_name": _TEXT,
            "tts_stop_name": _TEXT,
            "stop_desc": _TEXT,
            "stop_lat": _LAT,
            "stop_lon": _LON,
            "zone_id": FieldSpec(key="zone"),
            "stop_url": _URL,
            "location_type": _enum(0, 1, 2, 3, 4),
            "parent_station": _TEXT,
            "stop_timezone": _TIMEZONE,
            "wheelchair_boarding": _ACCESS,
            "level_id": FieldSpec(ref="level"),
            "platform_code": _TEXT,
            "stop_access": _BOOL,
        },
        ("stop_id",),
    ),
    "routes.txt": TableSpec(
        {
            "route_id": FieldSpec(required=True, key="route"),
            "agency_id": FieldSpec(ref="agency"),
            "route_short_name": _TEXT,
            "route_long_name": _TEXT,
            "route_desc": _TEXT,
            "route_type": FieldSpec("integer", required=True, enum=_ROUTE_TYPES),
            "route_url": _URL,
            "route_color": FieldSpec("color"),
            "route_text_color": FieldSpec("color"),
            "route_sort_order": _NON_NEGATIVE_INT,
            "continuous_pickup": _PICKUP,
            "continuous_drop_off": _PICKUP,
            "network_id": _TEXT,
            "cemv_support": _ACCESS,
        },
        ("route_id",),
    ),
    "shapes.txt": TableSpec(
        {
            "shape_id": FieldSpec(required=True, key="shape"),
            "shape_pt_lat": FieldSpec("latitude", required=True),
            "shape_pt_lon": FieldSpec("longitude", required=True),
            "shape_pt_sequence": FieldSpec("integer", required=True, minimum=0),
            "shape_dist_traveled": _NON_NEGATIVE_FLOAT,
        },
    ),
    "calendar.txt": TableSpec(
        {
            "service_id": FieldSpec(required=True, key="service"),
            "monday": _DAY,
            "tuesday": _DAY,
            "wednesday": _DAY,
            "thursday": _DAY,
            "friday": _DAY,
            "saturday": _DAY,
            "sunday": _DAY,
            "start_date": FieldSpec("date", required=True),
            "end_date": FieldSpec("date", required=True),
        },
        ("service_id",),
    ),
    "calendar_dates.txt": TableSpec(
        {
            "service_id": FieldSpec(required=True, key="service"),
            "date": FieldSpec("date", required=True),
            "exception_type": _required_enum(1, 2),
        },
        ("service_id", "date"),
    ),
    "trips.txt": TableSpec(
        {
            "route_id": FieldSpec(required=True, ref="route"),
            "service_id": FieldSpec(required=True, ref="service"),
            "trip_id": FieldSpec(required=True, key="trip"),
            "trip_headsign": _TEXT,
            "trip_short_name": _TEXT,
            "direction_id": _BOOL,
            "block_id": _TEXT,
            "shape_id": FieldSpec(ref="shape"),
            "wheelchair_accessible": _ACCESS,
            "bikes_allowed": _ACCESS,
            "cars_allowed": _ACCESS,
        },
        ("trip_id",),
    ),
    "stop_times.txt": TableSpec(
        {
            "trip_id": FieldSpec(required=True, ref="trip"),
            "arrival_time": FieldSpec("time"),
            "departure_time": FieldSpec("time"),
            "stop_id": FieldSpec(ref="stop"),
            "location_group_id": _TEXT,
            "location_id": _TEXT,
            "stop_sequence": FieldSpec("integer", required=True, minimum=0),
            "stop_headsign": _TEXT,
            "start_pickup_drop_off_window": FieldSpec("time"),
            "end_pickup_drop_off_window": FieldSpec("time"),
            "pickup_type": _PICKUP,
            "drop_off_type": _PICKUP,
            "continuous_pickup": _PICKUP,
            "continuous_drop_off": _PICKUP,
            "shape_dist_traveled": _NON_NEGATIVE_FLOAT,
            "timepoint": _BOOL,
            "pickup_booking_rule_id": _TEXT,
            "drop_off_booking_rule_id": _TEXT,
        },
    ),
    "frequencies.txt": TableSpec(
        {
            "trip_id": FieldSpec(required=True, ref="trip"),
            "start_time": FieldSpec("time", required=True),
            "end_time": FieldSpec("time", required=True),
            "headway_secs": FieldSpec("integer", required=True, minimum=0, exclusive_minimum=True),
            "exact_times": _BOOL,
        },
        ("trip_id", "start_time"),
    ),
    "transfers.txt": TableSpec(
        {
            "from_stop_id": FieldSpec(ref="stop"),
            "to_stop_id": FieldSpec(ref="stop"),
            "from_route_id": FieldSpec(ref="route"),
            "to_route_id": FieldSpec(ref="route"),
            "from_trip_id": FieldSpec(ref="trip"),
            "to_trip_id": FieldSpec(ref="trip"),
            "transfer_type": FieldSpec("integer", enum=frozenset({0, 1, 2, 3, 4, 5})),
            "min_transfer_time": _NON_NEGATIVE_INT,
        },
    ),
    "pathways.txt": TableSpec(
        {
            "pathway_id": FieldSpec(required=True),
            "from_stop_id": FieldSpec(required=True, ref="stop"),
            "to_stop_id": FieldSpec(required=True, ref="stop"),
            "pathway_mode": _required_enum(1, 2, 3, 4, 5, 6, 7),
            "is_bidirectional": _required_enum(0, 1),
            "length": _NON_NEGATIVE_FLOAT,
            "traversal_time": FieldSpec("integer", minimum=0, exclusive_minimum=True),
            "stair_count": FieldSpec("integer"),
            "max_slope": FieldSpec("float"),
            "min_width": FieldSpec("float", minimum=0, exclusive_minimum=True),
            "signposted_as": _TEXT,
            "reversed_signposted_as": _TEXT,
        },
        ("pathway_id",),
    ),
    "fare_attributes.txt": TableSpec(
        {
            "fare_id": FieldSpec(required=True, key="fare"),
            "price": FieldSpec("float", required=True, minimum=0),
            "currency_type": FieldSpec("currency", required=True),
            "payment_method": _required_enum(0, 1),
            "transfers": _enum(0, 1, 2),
            "agency_id": FieldSpec(ref="agency"),
            "transfer_duration": _NON_NEGATIVE_INT,
        },
        ("fare_id",),
    ),
    "fare_rules.txt": TableSpec(
        {
            "fare_id": FieldSpec(required=True, ref="fare"),
            "route_id": FieldSpec(ref="route"),
            "origin_id": FieldSpec(ref="zone"),
            "destination_id": FieldSpec(ref="zone"),
            "contains_id": FieldSpec(ref="zone"),
        },
    ),
    "feed_info.txt": TableSpec(
        {
            "feed_publisher_name": FieldSpec(required=True),
            "feed_publisher_url": FieldSpec("url", required=True),
            "feed_lang": FieldSpec("language", required=True),
            "default_lang": _LANG,
            "feed_start_date": FieldSpec("date"),
            "feed_end_date": FieldSpec("date"),
            "feed_version": _TEXT,
            "feed_contact_email": _EMAIL,
            "feed_contact_url": _URL,
        },
    ),
    "attributions.txt": TableSpec(
        {
            "attribution_id": _TEXT,
            "agency_id": FieldSpec(ref="agency"),
            "route_id": FieldSpec(ref="route"),
            "trip_id": FieldSpec(ref="trip"),
            "organization_name": FieldSpec(required=True),
            "is_producer": _BOOL,
            "is_operator": _BOOL,
            "is_authority": _BOOL,
            "attribution_url": _URL,
            "attribution_email": _EMAIL,
            "attribution_phone": _TEXT,
        },
        ("attribution_id",),
    ),
    "translations.txt": TableSpec(
        {
            "table_name": FieldSpec(required=True),
            "field_name": FieldSpec(required=True),
            "language": FieldSpec("language", required=True),
            "translation": FieldSpec(required=True),
            "record_id": _TEXT,
            "record_sub_id": _TEXT,
            "field_value": _TEXT,
        },
    ),
}
"""Column specifications of the GTFS Schedule files this validator checks in depth."""

FILE_ORDER: tuple[str, ...] = tuple(SPECS)
"""Referenced files come before the files referring to them, so one pass checks references."""

EXTRA_KNOWN_FILES: frozenset[str] = frozenset(
    {
        "areas.txt",
        "stop_areas.txt",
        "networks.txt",
        "route_networks.txt",
        "fare_media.txt",
        "fare_products.txt",
        "fare_leg_rules.txt",
        "fare_leg_join_rules.txt",
        "fare_transfer_rules.txt",
        "timeframes.txt",
        "rider_categories.txt",
        "location_groups.txt",
        "location_group_stops.txt",
        "locations.geojson",
        "booking_rules.txt",
    }
)
"""Files the reference defines (Fares v2, Flex) whose content is not checked here yet."""
