"""Benchmark: translating every shipped control and helper view with the Steampipe dialect, no translation cache.

A child process (a new interpreter, ``IAMSQL_CACHE_DIR`` an empty folder) translates each control
(``queries/*.sql`` with its default parameters) and each helper view (``queries/views/*.sql``) ``--rounds`` times
with ``dialect.to_duckdb(sql, as_of_variable=True)`` (what ``iamsql check`` runs on a cache miss) and with
``engine_dialects.transpile_for(sql, "trino")`` (``iamsql controls --print-sql --dialect trino``). It reports CPU seconds
per round (the median of the rounds, the best of ``--repeat`` processes run alternately with the other tree's;
user + system time, which a busy machine disturbs less than wall time) and the peak RSS of the process. The
first round also imports and warms sqlglot, so it is not counted.

``--source DIR`` runs the iamsql found in DIR (a source tree, e.g. an older commit's ``git archive``) instead of
the one importable here, to measure before and after a change in the same run. Prints a Markdown table.

    .venv/bin/python benchmarks/translate_bench.py --rounds 5
    .venv/bin/python benchmarks/translate_bench.py --rounds 5 --source ../iamsql-before
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, statistics, sys, time
from iamsql.controls.catalog import load_controls, render_sql, view_body, view_names
from iamsql.errors import IamsqlError
from iamsql.sql import dialect
try:
    from iamsql.sql.engine_dialects import transpile_for
except ImportError:  # a tree from before the other engines' dialects had a module of their own
    transpile_for = dialect.transpile_for

texts = [render_sql(c, c.parameters) for c in load_controls()] + [view_body(name) for name in view_names()]
rounds = int(sys.argv[1])
figures = {}
for label, translate in [("to_duckdb", lambda s: dialect.to_duckdb(s, as_of_variable=True)),
                         ("transpile_for trino", lambda s: transpile_for(s, "trino"))]:
    seconds = []
    for _ in range(rounds + 1):
        start = time.process_time()
        for sql in texts:
            try:
                translate(sql)
            except IamsqlError:
                pass
        seconds.append(time.process_time() - start)
    figures[label] = statistics.median(seconds[1:])
figures["statements"] = len(texts)
figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""


def measure(source: Path | None, rounds: int) -> dict:
    """The child's figures for the iamsql in ``source`` (else the importable one)."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source.resolve())
    with tempfile.TemporaryDirectory() as cache:
        env["IAMSQL_CACHE_DIR"] = cache
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(rounds)], env=env, capture_output=True, text=True, check=True
        )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="child processes per tree, alternating between trees")
    parser.add_argument("--source", type=Path, help="a source tree to compare with (e.g. an older commit)")
    args = parser.parse_args()
    trees: list[tuple[str, Path | None]] = [(str(args.source), args.source)] if args.source else []
    trees.append(("this tree", None))
    runs: dict[str, list[dict]] = {name: [] for name, _ in trees}
    for _ in range(args.repeat):  # alternating, so both trees see the same load
        for name, source in trees:
            runs[name].append(measure(source, args.rounds))
    best = {name: {key: min(run[key] for run in found) for key in found[0]} for name, found in runs.items()}
    statements = best["this tree"]["statements"]
    print(
        f"{statements} statements (controls and helper views); CPU: the best of {args.repeat} processes, each the "
        f"median of {args.rounds} rounds\n"
    )
    print("| tree | to_duckdb CPU s/round | transpile_for trino CPU s/round | peak RSS MB |")
    print("|---|---|---|---|")
    for name, figures in best.items():
        print(
            f"| {name} | {figures['to_duckdb']:.2f} | {figures['transpile_for trino']:.2f} | "
            f"{figures['peak_rss_mb']:.0f} |"
        )
    if args.source:
        before, after = best[str(args.source)], best["this tree"]
        print(
            f"\nratio before/after: to_duckdb {before['to_duckdb'] / after['to_duckdb']:.2f}x, transpile_for trino "
            f"{before['transpile_for trino'] / after['transpile_for trino']:.2f}x"
        )


if __name__ == "__main__":
    main()
