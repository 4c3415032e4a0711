"""Everything a store holds, in open formats, so that a city can leave with all its data.

``records.jsonl`` (canonical records, the model's JSON), ``records.nt`` (the same as
SAREF-aligned N-Triples), ``dead-letters.jsonl`` (raw bytes in base64 with their reasons)
and ``manifest.json`` (counts and engine). Written to temporary names and renamed, so an
interrupted export never looks complete. ``interop ingest records:DIR/records.jsonl`` reads
the records back.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING

from interop.model.records import record_json
from interop.rdf.export import record_triples
from interop.rdf.ntriples import NTriplesTerms
from interop.store.contract import Store

if TYPE_CHECKING:
    from interop.pipeline.policy import PolicyStage

__all__ = ["export_store"]


async def export_store(
    store: Store, folder: Path, *, policy: PolicyStage | None = None, page: int = 2000
) -> dict[str, int]:
    """Write every record and dead letter of ``store`` under ``folder``; return the counts.

    ``policy`` is applied as to a sink named ``export`` (a city's policy may give exports
    less than the store holds); without one, records are written as stored.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = ("records.jsonl", "records.nt", "dead-letters.jsonl")
    partial = {name: folder / f".{name}.partial" for name in names}
    records = triples = letters = 0
    terms, typed = NTriplesTerms(), set[str]()
    with (
        partial["records.jsonl"].open("w", encoding="utf-8") as jsonl,
        partial["records.nt"].open("w", encoding="utf-8") as nt,
    ):
        after = 0
        while rows := await store.scan(after=after, limit=page):
            chosen = [record for _, record in rows]
            if policy is not None:
                chosen = policy.for_sink("export", chosen)
            for record in chosen:
                jsonl.write(record_json(record).decode() + "\n")
                for s, p, o in record_triples(record, terms, typed):
                    nt.write(f"{s} {p} {o} .\n")
                    triples += 1
            records += len(chosen)
            after = rows[-1][0]
    with partial["dead-letters.jsonl"].open("w", encoding="utf-8") as out:
        after = 0
        while batch := await store.dead_letters(limit=page, after=after):
            for letter in batch:
                out.write(
                    json.dumps(
                        {
                            "id": letter.id,
                            "source": letter.source,
                            "stage": letter.stage.value,
                            "reason": letter.reason,
                            "code": letter.code,
                            "at": letter.at.isoformat(),
                            "key": letter.key,
                            "sink": letter.sink,
                            "metadata": dict(letter.metadata),
                            "payload_base64": base64.b64encode(letter.payload).decode(),
                        },
                        sort_keys=True,
                    )
                    + "\n"
                )
            letters += len(batch)
            after = batch[-1].id or after
    for name, path in partial.items():
        path.replace(folder / name)
    stats = await store.stats()
    counts = {"records": records, "triples": triples, "dead_letters": letters}
    manifest = {"engine": stats.engine, "counts": counts, "audit": dict(stats.audit)}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return counts
