"""Benchmark: CPU seconds of computing one helper view into a TEMP table, as this source tree and an older one
each write it: the view's text of each tree, translated by that tree's dialect and run with that tree's
``pg_jsonb_text`` macro, interleaved on one connection; fails when the rows differ.

``view_bench.py`` translates both texts with this tree's dialect, so it cannot see a change of the translation
or of the macros; this script asks the older tree for its translation in a child process (``PYTHONPATH`` set to
that tree). The older translation calls its own ``pg_jsonb_text``, installed here under another name. The CPU
time is the process's (``process_time``: every DuckDB thread counts); the rows are compared by the SHA-256 of
their sorted text, the columns both trees' views have.

    .venv/bin/python benchmarks/view_translation_bench.py --db bench.duckdb --baseline ../iamsql-before
    .venv/bin/python benchmarks/view_translation_bench.py --db bench.duckdb --baseline ../iamsql-before \\
        --view iam_principal --materialize cloudtrail_event_actor

The database comes from ``benchmarks/controls_bench.py --keep FILE``; the script works on a copy of it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.view_bench import ROOT, compare, database_copy  # noqa: E402
from iamsql.controls.catalog import strip_header, to_duckdb  # noqa: E402
from iamsql.controls.views import create_views  # noqa: E402
from iamsql.sql import pgfunctions  # noqa: E402

BASELINE_TEXT_MACRO = "pg_jsonb_text_baseline"
# run in the older tree: its translation of the view and the body of its pg_jsonb_text macro
CHILD = """
import json, re, sys
from iamsql.controls.catalog import strip_header, to_duckdb
from iamsql.sql import pgfunctions
view = sys.argv[1]
text = open(f"queries/views/{view}.sql", encoding="utf-8").read()
body = re.search(r"macro pg_jsonb_text\\(j\\) as\\s(.*?);\\n", pgfunctions.MACROS, re.S).group(1)
print(json.dumps({"sql": to_duckdb(strip_header(text)), "macro": body}))
"""


def baseline_translation(tree: Path, view: str) -> dict:
    """The older tree's DuckDB SQL of the view and its ``pg_jsonb_text`` body."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    found = subprocess.run(
        [sys.executable, "-c", CHILD, view], cwd=tree, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(found.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a loaded database (controls_bench.py --keep)")
    parser.add_argument("--baseline", type=Path, required=True, help="an older source tree to compare with")
    parser.add_argument("--view", default="cloudtrail_event_actor", help="the helper view (queries/views/NAME.sql)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each SQL, interleaved")
    parser.add_argument(
        "--materialize",
        action="append",
        default=[],
        help="a helper view the view reads, computed once first as "
        "a check does for shared views (repeatable; e.g. cloudtrail_event_actor for iam_principal)",
    )
    args = parser.parse_args()
    before = baseline_translation(args.baseline.resolve(), args.view)
    sql = {
        "before": before["sql"].replace("pg_jsonb_text(", f"{BASELINE_TEXT_MACRO}("),
        "after": to_duckdb(strip_header((ROOT / "queries" / "views" / f"{args.view}.sql").read_text(encoding="utf-8"))),
    }
    with database_copy(args.db) as con:
        pgfunctions.install_macros(con)
        con.execute(f"create or replace temp macro {BASELINE_TEXT_MACRO}(j) as {before['macro']}")
        create_views(con, access=False)
        for name in args.materialize:
            con.execute(f'create temp table "bench_input_{name}" as select * from "{name}"')
            con.execute(f'create or replace temp view "{name}" as select * from "bench_input_{name}"')
        return compare(con, sql, args.rounds, args.view)


if __name__ == "__main__":
    raise SystemExit(main())
