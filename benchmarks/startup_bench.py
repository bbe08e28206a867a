"""Benchmark: how long short commands take to start, and what the translation cache saves on ``check``.

Each command runs ``--runs`` times in a child process (median wall and CPU time), beside ``python -c pass`` on the
same interpreter (the ratio columns divide by it, so figures from another machine stay comparable; CPU time
suffers less than wall time from a busy machine):

- ``iamsql --help``;
- ``iamsql query "select 1"`` on a database holding the bundled sample, with an empty translation cache
  (``cold``: every run gets a new ``IAMSQL_CACHE_DIR``) and with the statement cached (``warm``);
- ``iamsql check --fail-on none`` on a fresh copy of that database, cold and warm (left out with ``--no-check``).

The ``imports s`` column is the median time the same command spends importing modules, from ``python -X
importtime`` (the top-level imports' cumulative times summed): less sensitive to busy neighbours than wall time.

``--source DIR`` runs the iamsql found in DIR (a source tree, e.g. an older commit's ``git archive``) instead of
the one importable here, to measure before and after a change. Prints a Markdown table.

    .venv/bin/python benchmarks/startup_bench.py --runs 7
    .venv/bin/python benchmarks/startup_bench.py --source ../iamsql-old --runs 7
    .venv/bin/python benchmarks/startup_bench.py --no-check --runs 11
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-c", "from iamsql.cli import main; main()"]


def timed(command: list[str], env: dict[str, str], before=None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run, CPU from ``wait4`` (user + system, less sensitive to a busy
    machine than wall time); ``before()`` prepares the run (untimed). A failing command stops the benchmark."""
    if before:
        before()
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # check exits 1 when an alarm fails the threshold
        sys.exit(f"{' '.join(command)} failed ({code}): {stderr.strip()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def import_seconds(command: list[str], env: dict[str, str], before=None) -> float:
    """Seconds one run of ``command`` (a Python command line) spends importing, from ``-X importtime``: the sum of
    the cumulative times of the modules imported at the top level."""
    if before:
        before()
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    top_level = re.findall(r"^import time:\s+\d+ \|\s+(\d+) \| \S", done.stderr, re.M)
    return sum(int(microseconds) for microseconds in top_level) / 1e6


def median(runs: int, command: list[str], env: dict[str, str], before=None) -> tuple[float, float, float]:
    """Median wall, CPU and import seconds of ``runs`` runs each."""
    results = [timed(command, env, before) for _ in range(runs)]
    imports = [import_seconds(command, env, before) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        statistics.median(imports),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", type=Path, help="a source tree of iamsql to measure instead")
    parser.add_argument("--no-check", action="store_true", help="leave out the check rows (the slow ones)")
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
        rows.append(('iamsql query "select 1" (cold cache)', median(options.runs, query, env, empty_cache)))
        timed(query, env)
        rows.append(('iamsql query "select 1" (warm cache)', median(options.runs, query, env)))
        if not options.no_check:
            rows.append(("iamsql check, bundled sample (cold cache)", median(options.runs, check, env, cold_check)))
            timed(check, env, fresh_database)
            rows.append(("iamsql check, bundled sample (warm cache)", median(options.runs, check, env, fresh_database)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"median of {options.runs} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| command | wall s | CPU s | imports s | wall / python -c pass | CPU / python -c pass |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, (seconds, cpu, imports) in rows:
        print(
            f"| {label} | {seconds:.3f} | {cpu:.3f} | {imports:.3f} | {seconds / base[0]:.1f} | {cpu / base[1]:.1f} |"
        )


if __name__ == "__main__":
    main()
