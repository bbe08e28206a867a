"""Benchmark: the policy engine's answers kept between checks (``iamsql/policy/access/cache.py``), on a database
already loaded (``controls_bench.py --keep``), against an older source tree that computes them on every check.

Every measurement is a child process (``PYTHONPATH`` = the tree, ``PYTHONHASHSEED=0``) on its own copy of the
database; CPU seconds (user + system, ``wait4``) and peak RSS of the child:

1. the engine's tables alone (``create_tables``, CPU seconds of the call by ``time.process_time``): the baseline;
   this tree with an empty cache (cold); again on the same copy (warm); after one attached customer managed policy's
   document changed on that copy (one Deny statement on a made-up action added: the answers stay the same, the
   principals and the policy that hold it are asked again). Each run prints the SHA-256 of every table's rows in
   the order they were stored: cold, warm and baseline must be equal, and the changed run's too;
2. with ``--check``, the whole ``iamsql check --fail-on none --format csv`` through the command line: the baseline,
   this tree cold, this tree warm; the result rows (``control_id, account_id, resource, status, reason``, sorted)
   of the three must have the same SHA-256; the engine step's wall milliseconds as the run stored them.

    .venv/bin/python benchmarks/access_cache_bench.py --database big.duckdb --baseline ../iamsql-before --check
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent

ENGINE = """
import hashlib, sys, time
from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from iamsql.store.schema import ACCESS_TABLES
con = db.connect(sys.argv[1])
start = time.process_time()
create_tables(con, controls.ACCESS_QUESTIONS)
cpu = time.process_time() - start
digest = hashlib.sha256()
for name in ACCESS_TABLES:
    digest.update(repr(con.execute(f'select * from temp.main."{name}"').fetchall()).encode())
print(cpu, digest.hexdigest())
"""

CHANGED = {"Effect": "Deny", "Action": "iamsqlbench:NoSuchAction", "Resource": "*"}


def child(tree: Path, *args: str) -> tuple[float, int, str]:
    """CPU seconds and peak RSS (MiB) of a child process running iamsql from ``tree``, and its output."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # from another folder, so that ``-c`` does not put this checkout's iamsql ahead of ``tree``
        process = subprocess.Popen([sys.executable, "-c", *args], stdout=out, stderr=err, env=env, cwd=tree)
        _, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"child failed: {err.read()[-2000:]}")
        return usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, out.read()


def change_one_policy(database: Path) -> str:
    """Add a Deny statement on a made-up action to the attached customer managed policy with the median number of
    attachments (a typical one); its ARN."""
    con = duckdb.connect(str(database))
    try:
        policies = con.execute(
            "select arn, policy::varchar from history.aws_iam_policy where not is_aws_managed and is_attached "
            "and policy is not null order by attachment_count, arn"
        ).fetchall()
        arn, document = policies[len(policies) // 2]
        changed = json.loads(document)
        statements = changed["Statement"] if isinstance(changed["Statement"], list) else [changed["Statement"]]
        changed["Statement"] = [*statements, CHANGED]
        con.execute("update history.aws_iam_policy set policy = ? where arn = ?", [json.dumps(changed), arn])
    finally:
        con.close()
    return arn


def engine_runs(database: Path, trees: dict[str, Path], work: Path) -> None:
    rows = []
    if "baseline" in trees:
        copy = work / "baseline-engine.duckdb"
        shutil.copy(database, copy)
        rows.append(("baseline (computed on every check)", *engine(trees["baseline"], copy)))
    copy = work / "cached-engine.duckdb"
    shutil.copy(database, copy)
    rows.append(("cold: empty cache", *engine(trees["iamsql"], copy)))
    rows.append(("warm: second run, same snapshot", *engine(trees["iamsql"], copy)))
    arn = change_one_policy(copy)
    rows.append((f"one policy changed ({arn.rsplit('/', 1)[-1]})", *engine(trees["iamsql"], copy)))
    print("\n| engine tables (`create_tables`) | call CPU s | process CPU s | peak RSS MiB | tables SHA-256 |")
    print("|---|---|---|---|---|")
    for name, call, cpu, rss, digest in rows:
        print(f"| {name} | {call:.2f} | {cpu:.2f} | {rss:,} | {digest[:12]} |")
    digests = {digest for name, *_, digest in rows}
    if len(digests) != 1:
        sys.exit("the engine's tables differ between runs")


def engine(tree: Path, database: Path) -> tuple[float, float, int, str]:
    cpu, rss, out = child(tree, ENGINE, str(database))
    call, digest = out.split()
    return float(call), cpu, rss, digest


def check(tree: Path, database: Path) -> tuple[float, int, float, int, str]:
    """CPU seconds and peak RSS of one check, the engine step's wall seconds, result rows and their SHA-256."""
    cpu, rss, _ = child(
        tree,
        "import sys; from iamsql.cli import main; sys.argv[0] = 'iamsql'; main()",
        "check",
        "--db",
        str(database),
        "--fail-on",
        "none",
        "--format",
        "csv",
    )
    con = duckdb.connect(str(database), read_only=True)
    try:
        run_id = con.execute("select max(run_id) from iamsql_run").fetchone()[0]
        step = con.execute(
            "select coalesce(sum(duration_ms), 0) / 1000 from iamsql_run_timing where run_id = ? "
            "and control_id = 'engine:policy_access'",
            [run_id],
        ).fetchone()[0]
        results = con.execute(
            "select control_id, account_id, resource, status, reason from iamsql_result where run_id = ? order by all",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    return cpu, rss, step, len(results), hashlib.sha256(repr(results).encode()).hexdigest()


def check_runs(database: Path, trees: dict[str, Path], work: Path) -> None:
    rows = []
    if "baseline" in trees:
        copy = work / "baseline-check.duckdb"
        shutil.copy(database, copy)
        rows.append(("baseline", *check(trees["baseline"], copy)))
    copy = work / "cached-check.duckdb"
    shutil.copy(database, copy)
    rows.append(("cold: empty cache", *check(trees["iamsql"], copy)))
    rows.append(("warm: second check, same snapshot", *check(trees["iamsql"], copy)))
    print("\n| `iamsql check` | CPU s | peak RSS MiB | engine step wall s | result rows | results SHA-256 |")
    print("|---|---|---|---|---|---|")
    for name, cpu, rss, step, count, digest in rows:
        print(f"| {name} | {cpu:.2f} | {rss:,} | {step:.2f} | {count:,} | {digest[:12]} |")
    if len({digest for *_, digest in rows}) != 1:
        sys.exit("the check's results differ between runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="a loaded database (copied, never changed)")
    parser.add_argument("--baseline", type=Path, help="an older iamsql source tree, measured and compared too")
    parser.add_argument("--check", action="store_true", help="also the whole check, cold and warm")
    parser.add_argument("--work", type=Path, help="folder for the copies (default: a temporary folder)")
    args = parser.parse_args()
    trees = {"iamsql": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; load average {os.getloadavg()[0]:.2f} at the start"
    )
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        engine_runs(args.database.resolve(), trees, Path(tmp))
        if args.check:
            check_runs(args.database.resolve(), trees, Path(tmp))
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
