"""Store ``commit`` of canonical Measurements in batches, against a floor of bare inserts.

For each engine, every row writes the same ``n`` Measurements in batches of ``batch``
records, one transaction per batch, at durability ``full`` (SQLite WAL with
``synchronous=FULL``; PostgreSQL ``synchronous_commit=on`` with fsync on), into a fresh
database, and returns how many records it stored:

* the floor (baseline): the engine's bare ``executemany`` of the same rows (the same
  columns and JSON bodies, built before timing) into the same table, one transaction per
  batch, with the same durability; what any durable insert costs;
* ``Store.commit``: the store's own path from canonical records: indexing each record
  (series, time, protection class), serialising it, inserting it and its outbox entry;
* ``Store.commit`` (4 concurrent writers): the same batches from four tasks at once,
  which group commit folds into fewer transactions.

``uv run python -m bench.store [--quick] [--no-postgres]``; PostgreSQL runs when its server
binaries are installed (Debian ``postgresql``), started on a free loopback port.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.data import DEFAULT_SEED, measurements
from bench.harness import Benchmark, Workload, render_markdown, run_benchmarks, write_results
from interop.model.records import Record
from interop.store import Processed, open_store
from interop.store.rows import record_row
from interop.store.sqlite import _SCHEMA
from interop.store.timefmt import to_text

RESULTS = Path(__file__).resolve().parent / "results"
_INSERT = (
    "INSERT INTO records (id, kind, series, entity, property, time, protection, stored_at, "
    "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _batches(records: Sequence[Record], size: int) -> list[list[Record]]:
    return [list(records[i : i + size]) for i in range(0, len(records), size)]


@contextlib.contextmanager
def _scratch() -> Iterator[Callable[[], Path]]:
    root = Path(tempfile.mkdtemp(prefix="bench-store-"))
    counter = iter(range(1_000_000))
    try:
        yield lambda: root / f"run-{next(counter)}"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _sqlite_rows(records: Sequence[Record]) -> list[tuple[Any, ...]]:
    now = to_text(datetime.now(UTC))
    rows = []
    for r in map(record_row, records):
        time = to_text(r.time) if r.time else None
        rows.append((r.id, r.kind, r.series, r.entity, r.property, time, r.protection, now, r.body))
    return rows


def sqlite_benchmarks(
    n: int, batch: int, repeats: int, seed: int, fresh: Callable[[], Path]
) -> list[Benchmark]:
    records = measurements(n, seed)
    group = "store_sqlite"

    def floor() -> Workload:
        rows = _batches(_sqlite_rows(records), batch)  # type: ignore[arg-type]

        def run() -> int:
            folder = fresh()
            folder.mkdir()
            conn = sqlite3.connect(folder / "floor.sqlite3", isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(_SCHEMA)
            for chunk in rows:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(_INSERT, chunk)
                conn.execute("COMMIT")
            (count,) = conn.execute("SELECT COUNT(*) FROM records").fetchone()
            conn.close()
            return int(count)

        return run

    def store(writers: int) -> Callable[[], Workload]:
        chunks = _batches(records, batch)

        def prepare() -> Workload:
            def run() -> int:
                return asyncio.run(_commit_all(str(fresh()), chunks, writers))

            return run

        return prepare

    return [
        Benchmark(group, "floor: sqlite3 executemany, same rows", n, floor, True, repeats,
                  note=f"batches of {batch}, WAL, synchronous=FULL"),
        Benchmark(group, "Store.commit", n, store(1), False, repeats),
        Benchmark(group, "Store.commit, 4 concurrent writers", n, store(4), False, repeats,
                  note="group commit folds concurrent batches into fewer transactions"),
    ]  # fmt: skip


async def _commit_all(location: str, chunks: list[list[Record]], writers: int) -> int:
    async with open_store(location) as store:
        queue = list(chunks)

        async def writer() -> None:
            while queue:
                await store.commit(Processed(records=queue.pop(0)))

        await asyncio.gather(*(writer() for _ in range(writers)))
        return (await store.stats()).records


def postgres_benchmarks(n: int, batch: int, repeats: int, seed: int, dsn: str) -> list[Benchmark]:
    import asyncpg

    records = measurements(n, seed)
    group = "store_postgresql"
    counter = iter(range(1_000_000))

    async def fresh_db() -> str:
        name = f"bench_{next(counter)}"
        conn = await asyncpg.connect(dsn)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        return dsn.rsplit("/", 1)[0] + "/" + name

    def floor() -> Workload:
        chunks = _batches(records, batch)
        rows = [[(r.id, r.kind, r.series, r.entity, r.property, r.time, r.protection, r.body)
                 for r in map(record_row, chunk)] for chunk in chunks]  # fmt: skip

        async def go() -> int:
            target = await fresh_db()
            async with open_store(target):
                pass  # the same schema
            conn = await asyncpg.connect(target)
            for chunk in rows:
                async with conn.transaction():
                    await conn.executemany(
                        "INSERT INTO records (id, kind, series, entity, property, time, "
                        "protection, stored_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                        "now(), $8)",
                        chunk,
                    )
            count = await conn.fetchval("SELECT COUNT(*) FROM records")
            await conn.close()
            return int(count)

        return lambda: asyncio.run(go())

    def store(writers: int) -> Callable[[], Workload]:
        chunks = _batches(records, batch)

        def prepare() -> Workload:
            async def go() -> int:
                return await _commit_all(await fresh_db(), chunks, writers)

            return lambda: asyncio.run(go())

        return prepare

    return [
        Benchmark(group, "floor: asyncpg executemany, same rows", n, floor, True, repeats,
                  note=f"batches of {batch}, synchronous_commit=on, fsync=on"),
        Benchmark(group, "Store.commit", n, store(1), False, repeats),
        Benchmark(group, "Store.commit, 4 concurrent writers", n, store(4), False, repeats),
    ]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run both engines' groups, print the table and write ``store.md`` / the JSON results."""
    parser = argparse.ArgumentParser(prog="python -m bench.store", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 records, no warm-up")
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    n = args.records or (2_000 if args.quick else 20_000)
    repeats = 2 if args.quick else 5
    with contextlib.ExitStack() as stack:
        fresh = stack.enter_context(_scratch())
        selected = sqlite_benchmarks(n, args.batch, repeats, args.seed, fresh)
        from interop.testing.servers import postgres_binaries, running_postgres

        if not args.no_postgres and postgres_binaries() is not None:
            server = stack.enter_context(running_postgres())
            selected += postgres_benchmarks(n, args.batch, repeats, args.seed, server.dsn)
        report = run_benchmarks(
            selected, quick=args.quick, seed=args.seed, warmup=not args.quick, log=print
        )
    json_path, _ = write_results(report, args.results)
    text = render_markdown(report).replace("# Benchmark results", "# Store commit vs floor", 1)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "store.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {json_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
