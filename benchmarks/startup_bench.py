"""Benchmark: how long short commands take to start, and what the translation cache saves on ``check``.

Each command runs ``--runs`` times in a child process (median wall time), beside ``python -c pass`` on the same
interpreter (the ratio column divides by it, so figures from a busy machine stay comparable):

- ``iamsql --help``;
- ``iamsql query "select 1"`` on a database holding the bundled sample, with an empty translation cache
  (``cold``: every run gets a new ``IAMSQL_CACHE_DIR``) and with the statement cached (``warm``);
- ``iamsql check --fail-on none`` on a fresh copy of that database, cold and warm.

``--source DIR`` runs the iamsql found in DIR (a source tree, e.g. an older commit's ``git archive``) instead of
the one importable here, to measure before and after a change. Prints a Markdown table.

    .venv/bin/python benchmarks/startup_bench.py --runs 7
    .venv/bin/python benchmarks/startup_bench.py --source ../iamsql-old --runs 7
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-c", "from iamsql.cli import main; main()"]


def wall(command: list[str], env: dict[str, str], before=None) -> float:
    """Wall time of one run; ``before()`` prepares it (untimed). A failing command stops the benchmark."""
    if before:
        before()
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # check exits 1 when an alarm fails the threshold
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def median(runs: int, command: list[str], env: dict[str, str], before=None) -> float:
    return statistics.median(wall(command, env, before) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", type=Path, help="a source tree of iamsql to measure instead")
    options = parser.parse_args()
    env = dict(os.environ)
    if options.source:
        env["PYTHONPATH"] = str(options.source.resolve())
    work = Path(tempfile.mkdtemp(prefix="iamsql-startup-"))
    try:
        sample = work / "sample.duckdb"
        database = work / "check.duckdb"
        cache = work / "cache"
        env["IAMSQL_CACHE_DIR"] = str(cache)
        subprocess.run([*CLI, "load", "--sample", "--quiet", "--db", str(sample)], env=env, check=True)

        def empty_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def fresh_database() -> None:
            shutil.copyfile(sample, database)

        def cold_check() -> None:
            empty_cache()
            fresh_database()

        query = [*CLI, "query", "--db", str(sample), "select 1"]
        check = [*CLI, "check", "--fail-on", "none", "--db", str(database)]
        base = median(options.runs, [sys.executable, "-c", "pass"], env)
        rows = [("python -c pass", base)]
        rows.append(("iamsql --help", median(options.runs, [*CLI, "--help"], env)))
        rows.append(("iamsql query \"select 1\" (cold cache)", median(options.runs, query, env, empty_cache)))
        wall(query, env)
        rows.append(("iamsql query \"select 1\" (warm cache)", median(options.runs, query, env)))
        rows.append(("iamsql check, bundled sample (cold cache)", median(options.runs, check, env, cold_check)))
        wall(check, env, fresh_database)
        rows.append(("iamsql check, bundled sample (warm cache)", median(options.runs, check, env, fresh_database)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"median of {options.runs} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| command | wall s | ratio to python -c pass |")
    print("|---|---:|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.3f} | {seconds / base:.1f} |")


if __name__ == "__main__":
    main()
