"""Benchmark: where the CPU of a CloudTrail load goes, statement by statement, against the decompression floor.

Runs, in this process and ``--rounds`` times (medians reported), the pieces of the loader's insert statement
(``iamsql.load.formats.cloudtrail``) over the same files, each as its own DuckDB statement:

- **floor**: ``zcat`` of every file into ``wc -c`` (as in cloudtrail_load.py);
- **read**: the loader's reader (gunzip, JSON parse, each event as minified JSON text), and the same over the
  files' text uncompressed (the difference is DuckDB's gunzip);
- **one parse**: ``read_json`` giving each event straight as the loader's event structure, without the record's
  text (what a loader that did not keep the record would pay for its fields);
- **read + event structure**: the same plus ``json_transform`` of each event to the fields the columns need;
- **read + every column**: the loader's whole SELECT (identity fields, times, partition, ``_ctx``...), each
  column hashed so none is pruned;
- **the columns kept in memory**: that SELECT into an in-memory table (no compression);
- **storing**: the rows of that in-memory table inserted into ``history.aws_cloudtrail_trail_event`` of a new
  database (compressed as the schema says), all columns and by group, each rolled back;
- **the loader's insert**: the statement ``load_events`` runs, files to stored rows, in a new database;
- **whole load**: ``load_paths`` into a new database in this process, and the fixed cost of one ``iamsql load``
  process (a one-file load through the CLI in a child process), split into Python's start-up and the CLI's
  imports (each a child process);
- **DuckDB's profiler**: the share of operator time of each operator of the loader's insert (``read_json``,
  the projections that parse the event and compute the columns, the insert that compresses and writes).

    .venv/bin/python benchmarks/cloudtrail_load_steps.py --events 200000 --files 200
    .venv/bin/python benchmarks/cloudtrail_load_steps.py --trail <folder>
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.cloudtrail_data import generate  # noqa: E402
from benchmarks.cloudtrail_load import CHILD_ENV, floor_seconds, run_cli  # noqa: E402
from iamsql import load  # noqa: E402
from iamsql.common.paths import duckdb_literal, sql_string  # noqa: E402
from iamsql.load.formats import cloudtrail  # noqa: E402
from iamsql.store import db  # noqa: E402
from iamsql.store.schema import columns  # noqa: E402

TABLE = f"history.{cloudtrail.TABLE}"
# the event's JSON parts: every JSON column but the whole record and Steampipe's _ctx
JSON_PARTS = [
    name
    for name, sqltype in columns(cloudtrail.TABLE)
    if sqltype == "JSON" and name not in ("cloudtrail_event", "_ctx")
]
NAMES = [name for name, _ in columns(cloudtrail.TABLE) if name != "snapshot_id"]
STORED_GROUPS = {
    "all columns": NAMES,
    "cloudtrail_event alone": ["cloudtrail_event"],
    f"the {len(JSON_PARTS)} JSON parts alone": JSON_PARTS,
    f"the other {len(NAMES) - 1 - len(JSON_PARTS)} columns alone": [
        n for n in NAMES if n not in JSON_PARTS and n != "cloudtrail_event"
    ],
}


def cpu(function, *args) -> float:
    """CPU seconds (every thread of this process) of one call."""
    start = time.process_time()
    function(*args)
    return time.process_time() - start


def run(con, sql: str) -> None:
    con.execute(sql).fetchall()


def fresh(path: Path) -> Path:
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    return path


def duckdb_type(structure) -> str:
    """The DuckDB type of a json_transform structure."""
    if isinstance(structure, dict):
        return "STRUCT(" + ", ".join(f'"{k}" {duckdb_type(v)}' for k, v in structure.items()) + ")"
    return structure


def one_parse_sql(batch: cloudtrail.Batch) -> str:
    """Every event of the batch straight as the loader's event structure, read by read_json (no record text)."""
    files = "[" + ", ".join(sql_string(duckdb_literal(p)) for p in batch.paths) + "]"
    records = duckdb_type(json.loads(cloudtrail._EVENT_STRUCTURE)) + "[]"
    return (
        f"select sum(hash(item)) from (select unnest(\"Records\") as item from read_json({files}, "
        f"format='unstructured', records=true, columns={{'Records': '{records}'}}, "
        f"maximum_object_size={batch.max_object}, compression='{'gzip' if batch.gzip else 'none'}'))"
    )


def uncompressed(batch: cloudtrail.Batch, folder: Path) -> cloudtrail.Batch:
    """The batch over copies of its files' text, uncompressed, in folder (made once)."""
    copies = []
    for number, path in enumerate(batch.paths):
        copy = folder / f"{number}.json"
        if not copy.exists():
            with gzip.open(path, "rb") as src, copy.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
        copies.append(copy)
    return cloudtrail.Batch(batch.format, False, copies, batch.max_object)


def statement_steps(batches: list[cloudtrail.Batch], work: Path) -> dict[str, float]:
    """CPU seconds of each statement, summed over the batches."""
    spent: dict[str, float] = {}
    every_column = ", ".join(f'sum(hash("{n}"))' for n in NAMES)
    for number, batch in enumerate(batches):
        reader, select = cloudtrail._reader_sql(batch), cloudtrail._extract_sql(batch)
        plain = work / f"plain{number}"
        plain.mkdir(exist_ok=True)
        plain_reader = cloudtrail._reader_sql(uncompressed(batch, plain))
        con = db.connect(fresh(work / "steps.duckdb"))
        con.execute("set preserve_insertion_order = false")
        con.execute("attach ':memory:' as scratch")
        queries = {
            "read (gunzip, parse, each event as JSON text)": f"select sum(length(raw)) from ({reader})",
            "read of the same text uncompressed": f"select sum(length(raw)) from ({plain_reader})",
            "one parse: read_json straight to the event structure (no record text)": one_parse_sql(batch),
            "read + event structure (json_transform)": (
                f"select sum(hash(json_transform(raw, '{cloudtrail._EVENT_STRUCTURE}'))) from ({reader})"
            ),
            "read + every column": f"select {every_column} from ({select})",
            "read + every column kept in memory": f"create or replace table scratch.rows as {select}",
        }
        for name, sql in queries.items():
            spent[name] = spent.get(name, 0.0) + cpu(run, con, sql)
        for name, group in STORED_GROUPS.items():
            target = ", ".join(f'"{n}"' for n in group)
            con.execute("begin transaction")
            key = f"storing {name} (from memory)"
            spent[key] = spent.get(key, 0.0) + cpu(
                run, con, f"insert into {TABLE} ({target}) select {target} from scratch.rows"
            )
            con.execute("rollback")
        con.close()
        con = db.connect(fresh(work / "steps.duckdb"))
        con.execute("set preserve_insertion_order = false")
        target = ", ".join(f'"{n}"' for n in NAMES)
        key = "the loader's insert (files to stored rows)"
        with db.transaction(con):
            spent[key] = spent.get(key, 0.0) + cpu(
                run, con, f"insert into {TABLE} ({target}, snapshot_id) select *, 1 from ({select})"
            )
        con.close()
    return spent


def operator_shares(batches: list[cloudtrail.Batch], work: Path) -> dict[str, float]:
    """Share of DuckDB's operator time per operator of the loader's insert (its profiler, summed over the batches;
    an operator's time is the time threads spent in it, waiting for a core included)."""
    timing: dict[str, float] = {}

    def add(operator: dict) -> None:
        timing[operator["name"]] = timing.get(operator["name"], 0.0) + operator["timing"]
        for child in operator.get("children", []):
            add(child)

    target = ", ".join(f'"{n}"' for n in NAMES)
    output = work / "profile.json"
    for batch in batches:
        con = db.connect(fresh(work / "profiled.duckdb"))
        con.execute("set preserve_insertion_order = false")
        con.execute("pragma enable_profiling = 'json'")
        con.execute(f"pragma profiling_output = {sql_string(str(output))}")
        with db.transaction(con):
            con.execute(f"insert into {TABLE} ({target}, snapshot_id) select *, 1 from ({cloudtrail._extract_sql(batch)})")
            con.execute("pragma disable_profiling")
        con.close()
        for operator in json.loads(output.read_text())["operator"]:
            add(operator)
    total = sum(timing.values())
    return {name: seconds / total for name, seconds in sorted(timing.items(), key=lambda item: -item[1])}


def child_cpu(*args: str) -> float:
    """CPU seconds of one child Python process of this interpreter (iamsql from this source tree)."""
    child = subprocess.Popen([sys.executable, "-P", *args], env=CHILD_ENV)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{args} failed")
    return usage.ru_utime + usage.ru_stime


def whole_load(trail: Path, work: Path) -> dict[str, float]:
    """CPU seconds of connecting to a new database, of load_paths in this process, of a one-file CLI load, and of
    a process's start-up alone and with the CLI's imports."""
    spent = {}
    start = time.process_time()
    con = db.connect(fresh(work / "whole.duckdb"))
    spent["connect (new database: schema, macros)"] = time.process_time() - start
    spent["load_paths (the whole load in this process)"] = cpu(load.load_paths, con, [trail])
    con.close()
    one = work / "one-file"
    one.mkdir(exist_ok=True)
    shutil.copy(next(iter(sorted(trail.rglob("*.json.gz")))), one)
    spent["one-file `iamsql load` process (fixed cost)"] = run_cli(
        "load", "--db", str(fresh(work / "one.duckdb")), str(one)
    )[1]
    spent["of it: Python's start-up (`python -P -c pass`)"] = child_cpu("-c", "pass")
    spent["of it: start-up and the CLI's imports (`import iamsql.cli`)"] = child_cpu("-c", "import iamsql.cli")
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--trail", type=Path, help="an existing trail folder instead of generating one")
    parser.add_argument("--workdir", type=Path, help="where to put the data (default: a temporary folder)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="iamsql-bench-", dir=args.workdir))
    try:
        trail = args.trail or work / "trail"
        if not args.trail:
            generate(trail, args.events, args.files, seed=args.seed, workers=os.cpu_count() or 1)
        batches = cloudtrail._batches([(path, "cloudtrail-records") for path in sorted(trail.rglob("*.json.gz"))])
        rounds: list[dict[str, float]] = []
        for n in range(1, args.rounds + 1):
            spent = {"floor (zcat of every file into wc -c)": floor_seconds(trail)[1]}
            spent.update(statement_steps(batches, work))
            spent.update(whole_load(trail, work))
            rounds.append(spent)
            print(f"round {n}: " + ", ".join(f"{k} {v:.2f}" for k, v in spent.items()), file=sys.stderr)
        shares = operator_shares(batches, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = statistics.median(r["floor (zcat of every file into wc -c)"] for r in rounds)
    print(f"\n{len(batches)} read batch(es); medians of {args.rounds} rounds; load average {os.getloadavg()[0]:.1f}\n")
    print("| step | CPU s | / floor |\n|---|---|---|")
    for name in rounds[0]:
        seconds = statistics.median(r[name] for r in rounds)
        print(f"| {name} | {seconds:.2f} | {seconds / floor:.2f} |")
    print("\n| DuckDB's profiler, the loader's insert: operator | share of operator time |\n|---|---|")
    for name, share in shares.items():
        if share >= 0.001:
            print(f"| {name} | {100 * share:.1f} % |")


if __name__ == "__main__":
    main()
