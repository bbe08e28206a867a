"""Benchmark: CPU seconds of computing one helper view into a TEMP table (as ``iamsql check`` does for the views
several controls read), for the view's SQL in this tree and in an older tree, interleaved in one process, and
whether both give the same rows. The helper views it reads are computed into their TEMP tables first, as a run
computes the shared ones.

Both SQL texts are translated by this tree's dialect and run on the same connection (the helper views the view
reads come from this tree), ``--rounds`` times each, alternating; the CPU time is the process's (``process_time``:
every DuckDB thread counts). The rows of both are compared by the SHA-256 of their sorted text, and the script
fails when they differ.

    .venv/bin/python benchmarks/view_bench.py --db bench.duckdb --baseline ../iamsql-before
    .venv/bin/python benchmarks/view_bench.py --db bench.duckdb --baseline ../iamsql-before --view cloudtrail_event_actor

The database comes from ``benchmarks/controls_bench.py --keep FILE``; the script works on a copy of it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from iamsql.controls.catalog import strip_header, to_duckdb
from iamsql.controls.views import create_view_table, create_views, views_read_by
from iamsql.store import db as store

ROOT = Path(__file__).resolve().parent.parent


def rows_sha256(con, table: str, columns: list[str]) -> tuple[int, str]:
    """Row count and SHA-256 of the table's rows (these columns) as text, sorted."""
    listed = ", ".join(f'"{c}"' for c in columns)
    return con.execute(
        f"select count(*), sha256(coalesce(string_agg(r, chr(10) order by r), '')) "
        f"from (select row({listed})::varchar as r from {table})"
    ).fetchone()


@contextmanager
def database_copy(path: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a temporary copy of the database ``path`` (the benchmarks never write to the original)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "bench.duckdb"
        shutil.copyfile(path, copy)
        con = store.connect(str(copy))
        try:
            yield con
        finally:
            con.close()


def compare(con, sql: dict[str, str], rounds: int, view: str) -> int:
    """Compute the ``before`` and ``after`` SQL into TEMP tables ``rounds`` times each, alternating; print their CPU
    seconds and whether their rows (the columns both have) are the same. Returns the exit code: 1 when they
    differ."""
    load = os.getloadavg()[0]
    seconds: dict[str, list[float]] = {label: [] for label in sql}
    for _ in range(rounds):
        for label, text in sql.items():
            start = time.process_time()
            con.execute(f'create or replace temp table "bench_{label}" as {text}')
            seconds[label].append(time.process_time() - start)
    columns = {label: [row[0] for row in con.execute(f'describe "bench_{label}"').fetchall()] for label in sql}
    shared = [c for c in columns["before"] if c in columns["after"]]
    hashes = {label: rows_sha256(con, f'"bench_{label}"', shared) for label in sql}
    print(f"view {view}; load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    extra = [c for c in columns["after"] if c not in shared]
    print(f"rows compared on the {len(shared)} columns both have" + (f" (new: {', '.join(extra)})" if extra else ""))
    print("\n| SQL | CPU-s per round | median | rows | SHA-256 of the sorted rows |\n|---|---|---|---|---|")
    for label in sql:
        rounds_text = ", ".join(f"{s:.2f}" for s in seconds[label])
        count, digest = hashes[label]
        print(f"| {label} | {rounds_text} | {statistics.median(seconds[label]):.2f} | {count:,} | {digest[:16]} |")
    ratio = statistics.median(seconds["after"]) / statistics.median(seconds["before"])
    print(f"\nratio of the medians (after / before): {ratio:.2f}")
    if hashes["before"] != hashes["after"]:
        print("the rows differ")
        return 1
    print("same rows")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a loaded database (controls_bench.py --keep)")
    parser.add_argument("--baseline", type=Path, required=True, help="an older source tree to compare with")
    parser.add_argument("--view", default="cloudtrail_event_actor", help="the helper view (queries/views/NAME.sql)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each SQL, interleaved")
    args = parser.parse_args()
    sql = {
        label: to_duckdb(strip_header((tree / "queries" / "views" / f"{args.view}.sql").read_text(encoding="utf-8")))
        for label, tree in (("before", args.baseline), ("after", ROOT))
    }
    with database_copy(args.db) as con:
        create_views(con, access=False, names=views_read_by([args.view]))
        # the helper views it reads, each computed into its TEMP table first, as a run computes the shared ones
        for name in [n for n in views_read_by([args.view]) if n != args.view]:
            con.execute(f'drop view "{name}"')
            create_view_table(con, name)
        return compare(con, sql, args.rounds, args.view)


if __name__ == "__main__":
    raise SystemExit(main())
