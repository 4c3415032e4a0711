r"""The ``linked-gtfs`` RDF profile: the GTFS-Madrid-Bench RML mapping, streamed as N-Triples.

:func:`write_linked_gtfs` writes exactly the graph that the GTFS-Madrid-Bench mapping
(oeg-upm/gtfs-bench, ``mappings/gtfs-csv.rml.ttl``) yields when Morph-KGC 2.10 runs it with
its default settings; ``python -m bench.gtfs_linked --check`` compares the two on real feeds.
No rdflib graph is built: rows are read one at a time and triples leave in batches, so memory
holds only the ids that the mapping's joins need (agencies, routes, services, shapes, stops,
trips), never the rows of stop_times or shapes.

What "the same graph" means, rule by rule (facts of the mapping and of Morph-KGC):

* **Sources.** The mapping reads ``/data/STOP_TIMES.csv`` and so on; a feed has
  ``stop_times.txt``. Each source is looked up as ``<table>.txt`` or ``<TABLE>.csv``, in any
  case, so both real feeds and the benchmark's zip are read. A missing file yields no triples.
* **NULL.** A value that is empty or the text ``nan`` (Morph-KGC's default ``na_values``) is
  NULL, and so is a column the file lacks. A triple is written only when every value it
  references (subject and object) is non-NULL.
* **Templates.** Every value put into an IRI template is percent-encoded as UTF-8, keeping
  only ``A-Z a-z 0-9 - . _ ~`` (``urllib.parse.quote(value, safe="")``, which is what
  Morph-KGC's ``falcon.uri.encode_value`` does), so ``12:30:00`` becomes ``12%3A30%3A00``.
  A *reference* with ``rr:termType rr:IRI`` (``agency_url``, ``stop_url``, ...) is used as
  it is, not encoded and not resolved against a base (only characters N-Triples forbids in
  an IRI are escaped, as ``\uXXXX``).
* **Literals.** Plain literals are the value unchanged (times past 24:00 stay as written).
  ``xsd:integer`` values are normalised like Morph-KGC's natural mapping (``"01"`` and
  ``"1.0"`` give ``"1"``; a value that is not a number is kept as written, where Morph-KGC
  stops with an error), ``xsd:boolean`` values are lower-cased (``"1"`` stays ``"1"``),
  ``xsd:double`` and ``xsd:date`` values are unchanged. Quote, backslash, CR and LF are
  escaped by the core's N-Triples term writer. The mapping has no language tags and no
  blank nodes.
* **Joins.** A referencing object map is an inner join: ``gtfs:trip``, ``gtfs:stop``,
  ``gtfs:route``, ``gtfs:agency``, ``gtfs:service``, ``gtfs:shape`` and ``gtfs:parentStation``
  are written only when the referenced id exists in the parent file (a service in
  calendar.txt *or* calendar_dates.txt; a shape in shapes.txt).
* **Duplicates.** The graph is a set. Triples the mapping repeats by construction (a service's
  type for each calendar row and each calendar_dates row, a shape's type for each point, the
  triples of a stop time whose trip calls at one stop twice at one arrival time) are written
  once (stop times: when a trip's rows are consecutive, as feeds write them); a triple
  repeated only because the feed repeats a row is written again (N-Triples readers merge
  them). The returned count is the number of lines written.

``shapes_as_wkt=True`` replaces the ShapePoint nodes (6 triples per point) with one
GeoSPARQL geometry per shape. For each shape id ``S`` of shapes.txt (``{S}`` percent-encoded
as above, ``geosparql:`` = ``http://www.opengis.net/ont/geosparql#``)::

    <{base}metro/shape/{S}> rdf:type gtfs:Shape .
    <{base}metro/shape/{S}> geosparql:hasGeometry <{base}metro/shape/{S}/geometry> .
    <{base}metro/shape/{S}/geometry> geosparql:asWKT
        "LINESTRING(lon lat, lon lat, ...)"^^geosparql:wktLiteral .

The points are those with a numeric ``shape_pt_lat``, ``shape_pt_lon`` and
``shape_pt_sequence``, ordered by sequence, with coordinates written as in the feed
(longitude first, as WKT in the default CRS84 requires); a shape with one such point gets
``POINT(lon lat)`` and a shape with none gets only its type. ``shape_dist_traveled`` is not
kept. Points are streamed shape by shape when shapes.txt is grouped by shape id (checked by
a first pass over the file) and held in memory until the end of the file otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from interop.rdf.literals import XSD_BOOLEAN, XSD_DATE, XSD_DOUBLE, XSD_INTEGER
from interop.rdf.ntriples import NTriplesTerms
from interop_gtfs.archive import FeedArchive
from interop_gtfs.tables import Table, read_rows, read_table

__all__ = ["DEFAULT_BASE", "SOURCES", "write_linked_gtfs"]

DEFAULT_BASE = "http://transport.linkeddata.es/madrid/"
"""The mapping's subject namespace; agencies live under ``agency/``, the rest under ``metro/``."""

SOURCES = (
    "agency",
    "routes",
    "calendar",
    "calendar_dates",
    "shapes",
    "stops",
    "trips",
    "stop_times",
    "frequencies",
    "feed_info",
)
"""The mapping's ten sources (``/data/AGENCY.csv`` is ``agency``), in the order they are written."""

_BATCH = 8192
"""Triples buffered before one ``out.write``."""

_RESOURCE = "http://transport.linkeddata.es/resource/"
_GTFS = "http://vocab.gtfs.org/terms#"
_DCT = "http://purl.org/dc/terms/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_SCHEMA = "http://schema.org/"
_WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"
_GEOSPARQL = "http://www.opengis.net/ont/geosparql#"


def _p(iri: str) -> str:
    """A predicate (or constant object) as N-Triples text between spaces."""
    return " <" + iri + "> "


_TYPE = _p("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_END = " .\n"


def _class(name: str) -> str:
    """``rdf:type gtfs:<name>`` as the tail of a line."""
    return _TYPE + "<" + _GTFS + name + ">" + _END


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
_NULL = frozenset(("", "nan"))


def _encode(value: str) -> str:
    """Percent-encode a template value as Morph-KGC does (everything but unreserved)."""
    return value if _UNRESERVED(value) else quote(value, safe="")


def _cached_encoder(limit: int = 1 << 14) -> Callable[[str], str]:
    """:func:`_encode` with a bounded cache, for values that repeat (stop ids, times)."""
    cache: dict[str, str] = {}

    def encode(value: str) -> str:
        encoded = cache.get(value)
        if encoded is None:
            encoded = _encode(value)
            if len(cache) < limit:
                cache[value] = encoded
        return encoded

    return encode


def _integer(value: str) -> str:
    """The lexical form Morph-KGC gives an ``xsd:integer`` value (via a float)."""
    try:
        return str(int(float(value)))
    except (ValueError, OverflowError):
        return value


class _Writer:
    """Buffers triple lines, writes them in batches, counts them and reports progress."""

    def __init__(self, out: TextIO, progress: Callable[[int], None] | None) -> None:
        self.out = out
        self.progress = progress
        self.count = 0
        self.lines: list[str] = []

    def flush(self) -> None:
        """Write the buffered lines in one call."""
        lines = self.lines
        if lines:
            self.out.write("".join(lines))
            self.count += len(lines)
            if self.progress is not None:
                self.progress(len(lines))  # triples since the last call, as the hook says
            lines.clear()


class _Context:
    """What one export shares between tables: the feed, the terms, the join keys."""

    def __init__(self, archive: FeedArchive, base: str, writer: _Writer) -> None:
        self.archive = archive
        self.writer = writer
        self.terms = NTriplesTerms()
        self.metro = "<" + base + "metro/"
        self.agency = "<" + base + "agency/"
        names = {name.lower(): name for name in archive.files}
        self.files: dict[str, str] = {}
        for source in SOURCES:
            for candidate in (source + ".txt", source + ".csv"):
                if candidate in names:
                    self.files[source] = names[candidate]
                    break
        self.agencies: set[str] = set()
        self.routes: set[str] = set()
        self.services: set[str] = set()
        self.shapes: set[str] = set()
        self.stops: set[str] = set()
        self.trips: set[str] = set()

    def rows(self, source: str) -> Iterator[dict[str, str]]:
        """The rows of one source, or none when the feed lacks the file."""
        name = self.files.get(source)
        if name is None:
            return iter(())
        return read_table(self.archive, name)

    def positional(self, source: str) -> tuple[Callable[[str], int], Iterator[list[str]], int]:
        """Rows of one source as lists, a column -> index function and the header width.

        A column the file lacks maps to index ``width``: callers pass such rows (and rows
        shorter than the header) through :func:`_fit`, so an absent field reads as NULL.
        """
        name = self.files.get(source)
        if name is None:
            return (lambda column: 0), iter(()), 0
        table = Table(name)
        rows = read_rows(self.archive, name, table)
        first = next(rows, None)
        if first is None:
            return (lambda column: 0), iter(()), 0
        index = {column: i for i, column in enumerate(table.columns)}
        width = len(table.columns)
        return (lambda column: index.get(column, width)), chain((first,), rows), width

    def ids(self, source: str, column: str) -> set[str]:
        """The non-NULL values of one column (a first pass, for self-joins)."""
        found: set[str] = set()
        for row in self.rows(source):
            value = row.get(column)
            if value is not None and value not in _NULL:
                found.add(value)
        return found


def _agency(ctx: _Context) -> None:
    lines, flush = ctx.writer.lines, ctx.writer.flush
    lit, iri = ctx.terms.literal, ctx.terms.iri
    prefix, seen = ctx.agency, ctx.agencies
    page, name, tz = _p(_FOAF + "page"), _p(_FOAF + "name"), _p(_GTFS + "timeZone")
    lang, phone, fare = _p(_DCT + "language"), _p(_FOAF + "phone"), _p(_GTFS + "fareUrl")
    kind = _class("Agency")
    for row in ctx.rows("agency"):
        key = row.get("agency_id")
        if key is None or key in _NULL:
            continue
        seen.add(key)
        s = prefix + _encode(key) + ">"
        lines.append(s + kind)
        for column, predicate in (("agency_url", page), ("agency_fare_url", fare)):
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(s + predicate + iri(v) + _END)
        for column, predicate in (
            ("agency_name", name),
            ("agency_timezone", tz),
            ("agency_lang", lang),
            ("agency_phone", phone),
        ):
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(s + predicate + lit(v, None) + _END)
    flush()


def _routes(ctx: _Context) -> None:
    lines, flush = ctx.writer.lines, ctx.writer.flush
    lit, iri = ctx.terms.literal, ctx.terms.iri
    prefix, agency, agencies, seen = ctx.metro + "routes/", ctx.agency, ctx.agencies, ctx.routes
    route_type = _p(_GTFS + "routeType") + "<" + _RESOURCE + "RouteType/"
    url, to_agency = _p(_GTFS + "routeUrl"), _p(_GTFS + "agency")
    plain = (
        ("route_short_name", _p(_GTFS + "shortName")),
        ("route_long_name", _p(_GTFS + "longName")),
        ("route_desc", _p(_DCT + "description")),
        ("route_color", _p(_GTFS + "color")),
        ("route_text_color", _p(_GTFS + "textColor")),
    )
    kind = _class("Route")
    for row in ctx.rows("routes"):
        key = row.get("route_id")
        if key is None or key in _NULL:
            continue
        seen.add(key)
        s = prefix + _encode(key) + ">"
        lines.append(s + kind)
        for column, predicate in plain:
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(s + predicate + lit(v, None) + _END)
        v = row.get("route_type")
        if v is not None and v not in _NULL:
            lines.append(s + route_type + _encode(v) + ">" + _END)
        v = row.get("route_url")
        if v is not None and v not in _NULL:
            lines.append(s + url + iri(v) + _END)
        v = row.get("agency_id")
        if v is not None and v in agencies:
            lines.append(s + to_agency + agency + _encode(v) + ">" + _END)
        if len(lines) >= _BATCH:
            flush()
    flush()


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _calendar(ctx: _Context) -> None:
    lines, flush, lit = ctx.writer.lines, ctx.writer.flush, ctx.terms.literal
    service, rules, seen = ctx.metro + "services/", ctx.metro + "calendar_rules/", ctx.services
    service_kind, rule_kind = _class("Service"), _class("CalendarRule")
    to_rule = _p(_GTFS + "serviceRule")
    days = tuple((day, _p(_GTFS + day)) for day in _DAYS)
    start, end = _p(_SCHEMA + "startDate"), _p(_SCHEMA + "endDate")
    for row in ctx.rows("calendar"):
        key = row.get("service_id")
        if key is None or key in _NULL:
            continue
        encoded = _encode(key)
        s, rule = service + encoded + ">", rules + encoded + ">"
        if key not in seen:
            seen.add(key)
            lines.append(s + service_kind)
        lines.append(s + to_rule + rule + _END)
        lines.append(rule + rule_kind)
        for column, predicate in days:
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(rule + predicate + lit(v.lower(), XSD_BOOLEAN) + _END)
        for column, predicate in (("start_date", start), ("end_date", end)):
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(rule + predicate + lit(v, XSD_DATE) + _END)
        if len(lines) >= _BATCH:
            flush()
    flush()


def _calendar_dates(ctx: _Context) -> None:
    lines, flush, lit = ctx.writer.lines, ctx.writer.flush, ctx.terms.literal
    service, rules, seen = ctx.metro + "services/", ctx.metro + "calendar_date_rule/", ctx.services
    service_kind, rule_kind = _class("Service"), _class("CalendarDateRule")
    to_rule, date_p = _p(_GTFS + "serviceRule"), _p(_DCT + "date")
    addition = _p(_GTFS + "dateAddition")
    encode = _cached_encoder()
    for row in ctx.rows("calendar_dates"):
        key = row.get("service_id")
        if key is None or key in _NULL:
            continue
        encoded = encode(key)
        s = service + encoded + ">"
        if key not in seen:
            seen.add(key)
            lines.append(s + service_kind)
        date = row.get("date")
        if date is None or date in _NULL:
            continue
        rule = rules + encoded + "-" + encode(date) + ">"
        lines.append(s + to_rule + rule + _END)
        lines.append(rule + rule_kind)
        lines.append(rule + date_p + lit(date, XSD_DATE) + _END)
        v = row.get("exception_type")
        if v is not None and v not in _NULL:
            lines.append(rule + addition + lit(v.lower(), XSD_BOOLEAN) + _END)
        if len(lines) >= _BATCH:
            flush()
    flush()


def _shape_points(ctx: _Context) -> None:
    lines, flush, lit = ctx.writer.lines, ctx.writer.flush, ctx.terms.literal
    shape, point, seen = ctx.metro + "shape/", ctx.metro + "shape_point/", ctx.shapes
    shape_kind, point_kind = _class("Shape"), _class("ShapePoint")
    to_point, sequence = _p(_GTFS + "shapePoint"), _p(_GTFS + "pointSequence")
    lat_p, lon_p = _p(_WGS84 + "lat"), _p(_WGS84 + "long")
    distance = _p(_GTFS + "distanceTraveled")
    dtype = '"^^<' + XSD_DOUBLE + ">" + _END
    last, encoded, s = "", "", ""
    for row in ctx.rows("shapes"):
        key = row.get("shape_id")
        if key is None or key in _NULL:
            continue
        if key != last:
            last, encoded = key, _encode(key)
            s = shape + encoded + ">"
            if key not in seen:
                seen.add(key)
                lines.append(s + shape_kind)
        seq = row.get("shape_pt_sequence")
        if seq is None or seq in _NULL:
            continue
        p = point + encoded + "-" + _encode(seq) + ">"
        lines.append(s + to_point + p + _END)
        lines.append(p + point_kind)
        lines.append(p + sequence + lit(seq, None) + _END)
        for column, predicate in (
            ("shape_pt_lat", lat_p),
            ("shape_pt_lon", lon_p),
            ("shape_dist_traveled", distance),
        ):
            v = row.get(column)
            if v is not None and v not in _NULL:
                if '"' in v or "\\" in v or "\n" in v or "\r" in v:
                    lines.append(p + predicate + lit(v, XSD_DOUBLE) + _END)
                else:
                    lines.append(p + predicate + '"' + v + dtype)
        if len(lines) >= _BATCH:
            flush()
    flush()


def _number(value: str | None) -> float | None:
    if value is None or value in _NULL:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _shapes_grouped(ctx: _Context) -> bool:
    """Whether every shape's points are consecutive in shapes.txt."""
    done: set[str] = set()
    last: str | None = None
    for row in ctx.rows("shapes"):
        key = row.get("shape_id")
        if key is None or key in _NULL or key == last:
            continue
        if key in done:
            return False
        if last is not None:
            done.add(last)
        last = key
    return True


def _shape_wkt(ctx: _Context) -> None:
    lines, flush, lit = ctx.writer.lines, ctx.writer.flush, ctx.terms.literal
    shape, seen = ctx.metro + "shape/", ctx.shapes
    shape_kind = _class("Shape")
    has_geometry, as_wkt = _p(_GEOSPARQL + "hasGeometry"), _p(_GEOSPARQL + "asWKT")
    wkt = _GEOSPARQL + "wktLiteral"
    grouped = _shapes_grouped(ctx)
    points: dict[str, list[tuple[float, str]]] = {}

    def geometry(key: str, found: list[tuple[float, str]]) -> None:
        found.sort(key=lambda point: point[0])
        coordinates = ", ".join(xy for _, xy in found)
        text = ("POINT(" if len(found) == 1 else "LINESTRING(") + coordinates + ")"
        g = shape + _encode(key) + "/geometry>"
        lines.append(shape + _encode(key) + ">" + has_geometry + g + _END)
        lines.append(g + as_wkt + lit(text, wkt) + _END)
        if len(lines) >= _BATCH:
            flush()

    last: str | None = None
    for row in ctx.rows("shapes"):
        key = row.get("shape_id")
        if key is None or key in _NULL:
            continue
        if key != last:
            if grouped and last is not None and last in points:
                geometry(last, points.pop(last))
            last = key
            if key not in seen:
                seen.add(key)
                lines.append(shape + _encode(key) + ">" + shape_kind)
        order = _number(row.get("shape_pt_sequence"))
        lat, lon = row.get("shape_pt_lat"), row.get("shape_pt_lon")
        if order is None or lat is None or lon is None or _number(lat) is None:
            continue
        if _number(lon) is None:
            continue
        points.setdefault(key, []).append((order, lon + " " + lat))
    for key, found in points.items():
        geometry(key, found)
    flush()


def _stops(ctx: _Context) -> None:
    lines, flush = ctx.writer.lines, ctx.writer.flush
    lit, iri = ctx.terms.literal, ctx.terms.iri
    ctx.stops = stops = ctx.ids("stops", "stop_id")
    prefix = ctx.metro + "stops/"
    kind = _class("Stop")
    plain = (
        ("stop_code", _p(_GTFS + "code")),
        ("stop_id", _p(_DCT + "identifier")),
        ("stop_name", _p(_FOAF + "name")),
        ("stop_desc", _p(_DCT + "description")),
        ("zone_id", _p(_GTFS + "zone")),
        ("stop_timezone", _p(_GTFS + "timeZone")),
    )
    doubles = (("stop_lat", _p(_WGS84 + "lat")), ("stop_lon", _p(_WGS84 + "long")))
    enums = (
        ("location_type", _p(_GTFS + "locationType") + "<" + _RESOURCE + "LocationType/"),
        (
            "wheelchair_boarding",
            _p(_GTFS + "wheelchairAccessible") + "<" + _RESOURCE + "WheelchairBoardingStatus/",
        ),
    )
    page, parent_p = _p(_FOAF + "page"), _p(_GTFS + "parentStation")
    for row in ctx.rows("stops"):
        key = row.get("stop_id")
        if key is None or key in _NULL:
            continue
        s = prefix + _encode(key) + ">"
        lines.append(s + kind)
        for column, predicate in plain:
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(s + predicate + lit(v, None) + _END)
        for column, predicate in doubles:
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(s + predicate + lit(v, XSD_DOUBLE) + _END)
        for column, head in enums:
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(s + head + _encode(v) + ">" + _END)
        v = row.get("stop_url")
        if v is not None and v not in _NULL:
            lines.append(s + page + iri(v) + _END)
        v = row.get("parent_station")
        if v is not None and v in stops:
            lines.append(s + parent_p + prefix + _encode(v) + ">" + _END)
        if len(lines) >= _BATCH:
            flush()
    flush()


def _trips(ctx: _Context) -> None:
    lines, flush, lit = ctx.writer.lines, ctx.writer.flush, ctx.terms.literal
    metro, seen = ctx.metro, ctx.trips
    prefix = metro + "trips/"
    routes, services, shapes = ctx.routes, ctx.services, ctx.shapes
    kind = _class("Trip")
    plain = (
        ("trip_headsign", _p(_GTFS + "headsign")),
        ("trip_short_name", _p(_GTFS + "shortName")),
        ("direction_id", _p(_GTFS + "direction")),
        ("block_id", _p(_GTFS + "block")),
    )
    wheelchair = _p(_GTFS + "wheelchairAccessible") + "<" + _RESOURCE + "WheelchairBoardingStatus/"
    joins = (
        ("service_id", services, _p(_GTFS + "service") + metro + "services/"),
        ("route_id", routes, _p(_GTFS + "route") + metro + "routes/"),
        ("shape_id", shapes, _p(_GTFS + "shape") + metro + "shape/"),
    )
    encode = _cached_encoder()
    for row in ctx.rows("trips"):
        key = row.get("trip_id")
        if key is None or key in _NULL:
            continue
        seen.add(key)
        s = prefix + _encode(key) + ">"
        lines.append(s + kind)
        for column, predicate in plain:
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(s + predicate + lit(v, None) + _END)
        v = row.get("wheelchair_accessible")
        if v is not None and v not in _NULL:
            lines.append(s + wheelchair + encode(v) + ">" + _END)
        for column, parents, head in joins:
            v = row.get(column)
            if v is not None and v in parents:
                lines.append(s + head + encode(v) + ">" + _END)
        if len(lines) >= _BATCH:
            flush()
    flush()


_TRIP_BATCH_LIMIT = 16 * _BATCH
"""Lines one trip may buffer before they are written mid-trip."""


def _fit(row: list[str], width: int) -> list[str]:
    """``row`` cut or padded to ``width`` fields plus one empty sentinel field."""
    return (
        [*row[:width], *([""] * (width - len(row))), ""]
        if len(row) < width
        else [
            *row[:width],
            "",
        ]
    )


def _stop_times(ctx: _Context) -> None:
    lines, flush, lit = ctx.writer.lines, ctx.writer.flush, ctx.terms.literal
    metro, trips, stops = ctx.metro, ctx.trips, ctx.stops
    prefix = metro + "stoptimes/"
    kind = _class("StopTime")
    arrival_p, departure_p = _p(_GTFS + "arrivalTime"), _p(_GTFS + "departureTime")
    sequence_p, headsign_p = _p(_GTFS + "stopSequence"), _p(_GTFS + "headsign")
    pickup = _p(_GTFS + "pickupType") + "<" + _RESOURCE + "PickupType/"
    drop_off = _p(_GTFS + "dropOffType") + "<" + _RESOURCE + "DropOffType/"
    distance = _p(_GTFS + "distanceTraveled")
    to_trip, trip_prefix = _p(_GTFS + "trip"), metro + "trips/"
    to_stop, stop_prefix = _p(_GTFS + "stop"), metro + "stops/"
    integer = '"^^<' + XSD_INTEGER + ">" + _END
    # values repeat (stops, times): memoise their encoded forms in plain dicts, inline
    encoded_ids: dict[str, str] = {}
    time_literals: dict[str, str] = {}
    last_trip, trip_part, trip_object = "", "", ""
    # the subject is not a key (a loop may call at one stop twice at one time): the current
    # trip's subjects, so that a colliding call adds only triples not yet written; lines are
    # flushed only between trips, so the trip's earlier lines are still at lines[trip_start:]
    seen: set[str] = set()
    trip_start = 0
    at, rows, width = ctx.positional("stop_times")
    i_trip, i_stop, i_arrival, i_departure = (
        at("trip_id"), at("stop_id"), at("arrival_time"), at("departure_time")
    )  # fmt: skip
    i_sequence, i_headsign, i_pickup, i_drop_off, i_distance = (
        at("stop_sequence"), at("stop_headsign"), at("pickup_type"), at("drop_off_type"),
        at("shape_dist_traveled"),
    )  # fmt: skip
    always_fit = max(i_trip, i_stop, i_arrival, i_departure, i_sequence, i_headsign, i_pickup,
                     i_drop_off, i_distance) >= width  # fmt: skip
    for row in rows:
        n = len(row)
        if n == width:
            if always_fit:
                row.append("")  # the sentinel field absent columns point at
        elif n < width or always_fit:
            row = _fit(row, width)
        trip, stop, arrival = row[i_trip], row[i_stop], row[i_arrival]
        if trip in _NULL or stop in _NULL or arrival in _NULL:
            continue
        if trip != last_trip:
            if len(lines) >= _BATCH:
                flush()
            trip_start = len(lines)
            last_trip = trip
            seen.clear()
            encoded = _encode(trip)
            trip_part = prefix + encoded + "-"
            trip_object = to_trip + trip_prefix + encoded + ">" + _END if trip in trips else ""
        encoded_stop = encoded_ids.get(stop)
        if encoded_stop is None:
            encoded_stop = encoded_ids[stop] = _encode(stop)
        encoded_time = encoded_ids.get(arrival)
        if encoded_time is None:
            encoded_time = encoded_ids[arrival] = _encode(arrival)
        s = trip_part + encoded_stop + "-" + encoded_time + ">"
        collision = s in seen
        call = [] if collision else lines
        if not collision:
            seen.add(s)
        append = call.append
        append(s + kind)
        literal = time_literals.get(arrival)
        if literal is None:
            literal = time_literals[arrival] = lit(arrival, None) + _END
        append(s + arrival_p + literal)
        v = row[i_departure]
        if v not in _NULL:
            literal = time_literals.get(v)
            if literal is None:
                literal = time_literals[v] = lit(v, None) + _END
            append(s + departure_p + literal)
        v = row[i_sequence]
        if v not in _NULL:
            if v.isdigit() and v.isascii() and len(v) < 16 and (v[0] != "0" or len(v) == 1):
                append(s + sequence_p + '"' + v + integer)
            else:
                append(s + sequence_p + lit(_integer(v), XSD_INTEGER) + _END)
        v = row[i_headsign]
        if v not in _NULL:
            append(s + headsign_p + lit(v, None) + _END)
        v = row[i_pickup]
        if v not in _NULL:
            append(s + pickup + _encode(v) + ">" + _END)
        v = row[i_drop_off]
        if v not in _NULL:
            append(s + drop_off + _encode(v) + ">" + _END)
        v = row[i_distance]
        if v not in _NULL:
            append(s + distance + lit(v, XSD_DOUBLE) + _END)
        if trip_object:
            append(s + trip_object)
        if stop in stops:
            append(s + to_stop + stop_prefix + encoded_stop + ">" + _END)
        if collision:
            earlier = {line for line in lines[trip_start:] if line.startswith(s)}
            lines += [line for line in call if line not in earlier]
        elif len(lines) >= _TRIP_BATCH_LIMIT:
            # a pathologically long trip: keep memory bounded; a later colliding call of
            # this trip may then repeat a triple already written (the graph is the same)
            flush()
            trip_start = 0
    flush()


def _frequencies(ctx: _Context) -> None:
    lines, flush, lit = ctx.writer.lines, ctx.writer.flush, ctx.terms.literal
    metro, trips = ctx.metro, ctx.trips
    prefix, trip_prefix = metro + "frequency/", metro + "trips/"
    kind = _class("Frequency")
    start_p, end_p = _p(_GTFS + "startTime"), _p(_GTFS + "endTime")
    headway, exact = _p(_GTFS + "headwaySeconds"), _p(_GTFS + "exactTimes")
    to_trip = _p(_GTFS + "trip")
    encode = _cached_encoder()
    for row in ctx.rows("frequencies"):
        trip, start = row.get("trip_id"), row.get("start_time")
        if trip is None or trip in _NULL or start is None or start in _NULL:
            continue
        s = prefix + _encode(trip) + "-" + encode(start) + ">"
        lines.append(s + kind)
        lines.append(s + start_p + lit(start, None) + _END)
        v = row.get("end_time")
        if v is not None and v not in _NULL:
            lines.append(s + end_p + lit(v, None) + _END)
        v = row.get("headway_secs")
        if v is not None and v not in _NULL:
            lines.append(s + headway + lit(_integer(v), XSD_INTEGER) + _END)
        v = row.get("exact_times")
        if v is not None and v not in _NULL:
            lines.append(s + exact + lit(v.lower(), XSD_BOOLEAN) + _END)
        if trip in trips:
            lines.append(s + to_trip + trip_prefix + _encode(trip) + ">" + _END)
        if len(lines) >= _BATCH:
            flush()
    flush()


def _feed_info(ctx: _Context) -> None:
    lines, flush = ctx.writer.lines, ctx.writer.flush
    lit, iri = ctx.terms.literal, ctx.terms.iri
    prefix = ctx.metro + "feed/"
    kind = _class("Feed")
    page = _p(_FOAF + "page")
    literals = (
        ("feed_publisher_name", _p(_DCT + "publisher"), None),
        ("feed_lang", _p(_DCT + "language"), None),
        ("feed_start_date", _p(_SCHEMA + "startDate"), XSD_DATE),
        ("feed_end_date", _p(_SCHEMA + "endDate"), XSD_DATE),
        ("feed_version", _p(_SCHEMA + "version"), None),
    )
    for row in ctx.rows("feed_info"):
        key = row.get("feed_publisher_name")
        if key is None or key in _NULL:
            continue
        s = prefix + _encode(key) + ">"
        lines.append(s + kind)
        for column, predicate, datatype in literals:
            v = row.get(column)
            if v is not None and v not in _NULL:
                lines.append(s + predicate + lit(v, datatype) + _END)
        v = row.get("feed_publisher_url")
        if v is not None and v not in _NULL:
            lines.append(s + page + iri(v) + _END)
    flush()


def write_linked_gtfs(
    feed: Path,
    out: TextIO,
    *,
    base: str = DEFAULT_BASE,
    shapes_as_wkt: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the Linked GTFS graph of ``feed`` (a zip or folder) to ``out``; return the count.

    The graph is the one the GTFS-Madrid-Bench RML mapping produces (see the module
    docstring for the exact rules); ``base`` replaces its subject namespace
    ``http://transport.linkeddata.es/madrid/`` (end it with ``/``). ``shapes_as_wkt`` writes
    one GeoSPARQL WKT geometry per shape instead of ShapePoint nodes. ``out`` receives
    N-Triples text in batches (open files with ``encoding="utf-8"``); ``progress``, if given,
    is called after each batch with the number of triples written so far.
    """
    writer = _Writer(out, progress)
    with FeedArchive(feed) as archive:
        ctx = _Context(archive, base, writer)
        _agency(ctx)
        _routes(ctx)
        _calendar(ctx)
        _calendar_dates(ctx)
        if shapes_as_wkt:
            _shape_wkt(ctx)
        else:
            _shape_points(ctx)
        _stops(ctx)
        _trips(ctx)
        _stop_times(ctx)
        _frequencies(ctx)
        _feed_info(ctx)
    writer.flush()
    return writer.count
