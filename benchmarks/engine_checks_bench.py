"""Benchmark: the policy engine's cost in ``iamsql check``, first check (no answers kept) and second check (every
answer kept), this tree against an older one, alternately on fresh copies of one loaded database (issue 16 item 5).

Each round, for each tree in turn (baseline, then this tree): a fresh copy of the database, ``iamsql check
--fail-on none --format csv`` twice (first, second), each a child process (``PYTHONPATH`` = the tree); its CPU
seconds (user + system, ``wait4``), peak RSS and the ``engine:policy_access`` step's wall seconds as the run stored
them. The result rows (sorted) of every check must have the same SHA-256.

Then once per tree, the engine's tables alone (``create_tables``, CPU seconds of the call): first on a fresh copy,
second on the same copy; the SHA-256 of every table's rows, in stored order and sorted, must be equal for both
trees and both builds.

    .venv/bin/python benchmarks/engine_checks_bench.py --database big.duckdb --baseline ../iamsql-before --rounds 3
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.access_cache_bench import check, child  # noqa: E402

ENGINE = """
import hashlib, sys, time
from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from iamsql.store.schema import ACCESS_TABLES
con = db.connect(sys.argv[1])
start = time.process_time()
create_tables(con, controls.ACCESS_QUESTIONS)
print(time.process_time() - start)
for name in ACCESS_TABLES:
    stored = hashlib.sha256(repr(con.execute(f'select * from temp.main."{name}"').fetchall()).encode()).hexdigest()
    count, ordered = con.execute(
        f'select count(*), sha256(coalesce(string_agg(t::varchar, chr(10) order by t::varchar), \\'\\')) '
        f'from temp.main."{name}" t'
    ).fetchone()
    print(name, count, stored, ordered)
"""


def engine(tree: Path, database: Path) -> tuple[float, float, int, dict[str, tuple]]:
    """The call's CPU seconds, the process's CPU seconds and peak RSS, and per table (rows, SHA-256 stored order,
    SHA-256 sorted)."""
    cpu, rss, out = child(tree, ENGINE, str(database))
    call, *lines = out.splitlines()
    return float(call), cpu, rss, {name: tuple(rest) for name, *rest in (line.split() for line in lines)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="a loaded database (copied, never changed)")
    parser.add_argument("--baseline", type=Path, required=True, help="an older iamsql source tree")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of checks (0: the engine's tables only)")
    parser.add_argument("--work", type=Path, help="folder for the copies (default: a temporary folder)")
    args = parser.parse_args()
    trees = {"baseline": args.baseline.resolve(), "this tree": ROOT}
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; load average {os.getloadavg()[0]:.2f} at the start"
    )
    database = args.database.resolve()
    measured: dict[tuple[str, str], list[tuple]] = {}
    digests = set()
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        copy = Path(tmp) / "check.duckdb"
        print("\n| round | tree | check | CPU s | peak RSS MiB | engine step wall s | result rows | load |")
        print("|---|---|---|---|---|---|---|---|")
        for round_number in range(1, args.rounds + 1):
            for name, tree in trees.items():
                shutil.copy(database, copy)
                for which in ("first", "second"):
                    cpu, rss, step, count, digest = check(tree, copy)
                    digests.add(digest)
                    measured.setdefault((name, which), []).append((cpu, rss, step))
                    print(
                        f"| {round_number} | {name} | {which} | {cpu:.2f} | {rss:,} | {step:.2f} | {count:,} | "
                        f"{os.getloadavg()[0]:.1f} |",
                        flush=True,
                    )
        print("\n| check | baseline CPU s (median) | this tree | ratio of medians | per-round ratios |")
        print("|---|---|---|---|---|")
        for which in ("first", "second") if args.rounds else ():
            before = [cpu for cpu, *_ in measured["baseline", which]]
            after = [cpu for cpu, *_ in measured["this tree", which]]
            ratios = ", ".join(f"{a / b:.2f}" for a, b in zip(after, before, strict=True))
            print(
                f"| {which} | {statistics.median(before):.2f} | {statistics.median(after):.2f} | "
                f"{statistics.median(after) / statistics.median(before):.2f} | {ratios} |"
            )
        tables = {}
        print("\n| tree | engine tables | call CPU s | process CPU s | peak RSS MiB |")
        print("|---|---|---|---|---|")
        for name, tree in trees.items():
            copy = Path(tmp) / f"{name.replace(' ', '-')}-engine.duckdb"
            shutil.copy(database, copy)
            for which in ("first", "second"):
                call, cpu, rss, found = engine(tree, copy)
                tables[name, which] = found
                print(f"| {name} | {which} | {call:.2f} | {cpu:.2f} | {rss:,} |", flush=True)
    print("\n| table | rows | SHA-256 sorted |")
    print("|---|---|---|")
    for table, (count, _, ordered) in tables["baseline", "first"].items():
        print(f"| {table} | {int(count):,} | {ordered[:16]} |")
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    if args.rounds and len(digests) != 1:
        sys.exit("the checks' results differ")
    if len({tuple(sorted(found.items())) for found in tables.values()}) != 1:
        sys.exit("the engine's tables differ")
    print(
        "same results in every check (if any); same engine tables (stored order and sorted) in both trees, first and second"
    )


if __name__ == "__main__":
    main()
