"""``linked-gtfs`` against its peer: the graph the GTFS-Madrid-Bench RML mapping defines.

The profile must write exactly what an RML engine (Morph-KGC, in ``bench.gtfs_linked``)
writes from the mapping ``madrid-bench/gtfs-csv.rml.ttl``. Here the mapping itself is the
reference: a small evaluator of the R2RML/RML subset it uses (subject and object
templates with IRI-safe escaping, references with datatypes or as IRIs, constants, joins on a
parent triples map; a term with an empty value is not generated) builds the graph of a
corpus feed, and the profile's output is compared with it triple by triple.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from interop_gtfs.linked import write_linked_gtfs
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

RR = Namespace("http://www.w3.org/ns/r2rml#")
RML = Namespace("http://semweb.mmlab.be/ns/rml#")
_FIELD = re.compile(r"\{([^}]+)\}")


def _rows(feed: Path, source: str) -> list[dict[str, str]]:
    """The rows of ``/data/STOP_TIMES.csv`` as the feed's ``stop_times.txt`` holds them."""
    name = source.rsplit("/", 1)[-1].removesuffix(".csv").lower() + ".txt"
    with zipfile.ZipFile(feed) as archive:
        if name not in archive.namelist():
            return []
        text = archive.read(name).decode("utf-8-sig")
    return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in
            csv.DictReader(io.StringIO(text))]  # fmt: skip


def _template(template: str, row: dict[str, str]) -> str | None:
    values = [row.get(column, "") for column in _FIELD.findall(template)]
    if any(value == "" for value in values):
        return None
    parts = iter(quote(value, safe="-._~") for value in values)
    return _FIELD.sub(lambda _: next(parts), template)


def _objects(mapping: Graph, feed: Path, object_map: Node, row: dict[str, str]) -> Iterator[Node]:
    constant = mapping.value(object_map, RR.constant)
    if constant is not None:
        yield constant
        return
    reference = mapping.value(object_map, RML.reference)
    if reference is not None:
        value = row.get(str(reference), "")
        if value == "":
            return
        if mapping.value(object_map, RR.termType) == RR.IRI:
            yield URIRef(value)
            return
        datatype = mapping.value(object_map, RR.datatype)
        yield Literal(value, datatype=datatype, normalize=False)  # the value as written
        return
    template = mapping.value(object_map, RR.template)
    if template is not None:
        iri = _template(str(template), row)
        if iri is not None:
            yield URIRef(iri)
        return
    parent = mapping.value(object_map, RR.parentTriplesMap)
    assert parent is not None, f"object map {object_map} uses a form this evaluator lacks"
    conditions = [
        (str(mapping.value(c, RR.child)), str(mapping.value(c, RR.parent)))
        for c in mapping.objects(object_map, RR.joinCondition)
    ]
    subject_template = str(mapping.value(mapping.value(parent, RR.subjectMap), RR.template))
    source = str(mapping.value(mapping.value(parent, RML.logicalSource), RML.source))
    for parent_row in _rows(feed, source):
        if all(row.get(c, "") == parent_row.get(p) != "" for c, p in conditions):
            iri = _template(subject_template, parent_row)
            if iri is not None:
                yield URIRef(iri)


def expected_graph(mapping: Graph, feed: Path) -> set[str]:
    """Every triple the mapping generates from ``feed``, as N-Triples lines."""
    lines: set[str] = set()
    for triples_map in mapping.subjects(RDF.type, RR.TriplesMap):
        source = str(mapping.value(mapping.value(triples_map, RML.logicalSource), RML.source))
        subject_template = str(
            mapping.value(mapping.value(triples_map, RR.subjectMap), RR.template)
        )
        maps = [
            (mapping.value(mapping.value(pom, RR.predicateMap), RR.constant),
             mapping.value(pom, RR.objectMap))
            for pom in mapping.objects(triples_map, RR.predicateObjectMap)
        ]  # fmt: skip
        for row in _rows(feed, source):
            subject = _template(subject_template, row)
            if subject is None:
                continue
            for predicate, object_map in maps:
                for obj in _objects(mapping, feed, object_map, row):
                    lines.add(f"<{subject}> <{predicate}> {obj.n3()} .")
    return lines


@pytest.fixture(scope="module")
def madrid_mapping(gtfs_corpus: Path) -> Graph:
    path = gtfs_corpus / "madrid-bench" / "gtfs-csv.rml.ttl"
    if not path.is_file():
        pytest.skip(f"the GTFS-Madrid-Bench mapping is not present at {path}")
    return Graph().parse(path, format="turtle")


def test_sample_feed_1_is_the_graph_the_rml_mapping_defines(
    madrid_mapping: Graph, gtfs_corpus: Path
) -> None:
    feed = gtfs_corpus / "sample-feed-1.zip"
    out = io.StringIO()
    count = write_linked_gtfs(feed, out)
    ours = out.getvalue().splitlines()
    expected = expected_graph(madrid_mapping, feed)
    assert count == len(ours) == len(set(ours))
    missing, extra = sorted(expected - set(ours)), sorted(set(ours) - expected)
    assert not missing, f"{len(missing)} triples of the mapping missing:\n" + "\n".join(missing)
    assert not extra, f"{len(extra)} triples not in the mapping:\n" + "\n".join(extra)
    assert len(expected) > 300  # every table of the sample feed is mapped
