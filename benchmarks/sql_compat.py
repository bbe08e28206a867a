"""How many corpus queries give PostgreSQL's exact answer on DuckDB: plain sqlglot transpile vs iamsql's dialect.

Starts a throwaway PostgreSQL server (Debian's binaries, as the tests do), loads tests/sql/dataset.json into it
and into a DuckDB file, runs every query of tests/sql/corpus.sql on PostgreSQL and, translated both ways, on
DuckDB. Prints the counts (matching / silently wrong / failing) for each translation; a query matches when its
column names, rows, printed column types and numeric decimals are PostgreSQL's.

    .venv/bin/python benchmarks/sql_compat.py [-v]
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from tests.fixtures.postgres import running_postgres  # noqa: E402
from tests.sql import oracle  # noqa: E402

TRANSLATIONS = {"plain sqlglot (before)": oracle.plain_sqlglot, "iamsql dialect (after)": oracle.translated}


def printed_types(duck, sql: str, now, translate) -> oracle.Outcome:
    """The printed types of ``translate(sql)``; the dialect's own translation for printing stands for it."""
    try:
        return oracle.printed_types(duck, sql, now, None if translate is oracle.translated else translate)
    except Exception as exc:  # the translation runs but cannot be printed
        return oracle.Outcome(None, None, f"{type(exc).__name__}: {exc}")


def main(verbose: bool) -> None:
    tables = oracle.steampipe_rows(json.loads(oracle.DATASET.read_text(encoding="utf-8")))
    queries = oracle.corpus()
    with running_postgres() as params, tempfile.TemporaryDirectory() as tmp:
        pg = psycopg.connect(**params, autocommit=True)
        pg.execute("set timezone = 'UTC'")
        oracle.interval_as_text(pg)
        oracle.network_as_text(pg)
        duck, snapshot_ids = oracle.load_duckdb(Path(tmp) / "compat.duckdb", tables)
        oracle.load_postgres(pg, tables, snapshot_ids)
        tallies = {label: Counter() for label in TRANSLATIONS}
        for name, sql in queries:
            expected, now = oracle.run_postgres(pg, sql)
            for label, translate in TRANSLATIONS.items():
                try:
                    actual = oracle.run_duckdb(duck, translate(sql), now)
                except Exception as exc:  # a translation that cannot even be produced counts as failing
                    actual = oracle.Outcome(None, None, f"{type(exc).__name__}: {exc}")
                if actual.error:
                    verdict = "fails"
                elif oracle.same(expected, actual, oracle.is_ordered(sql)) and (
                        expected.error or oracle.same_types(expected, printed_types(duck, sql, now, translate))):
                    verdict = "matches"
                else:
                    verdict = "wrong"
                tallies[label][verdict] += 1
                if verbose and verdict != "matches":
                    print(f"{label}: {name}: {verdict} {actual.error or ''}")
        duck.close()
        pg.close()
    print(f"{len(queries)} queries")
    for label, tally in tallies.items():
        print(f"{label:24} {tally['matches']:3} match, {tally['wrong']:3} silently wrong, {tally['fails']:3} fail")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
