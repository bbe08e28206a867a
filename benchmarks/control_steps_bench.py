"""Benchmark: CPU seconds of each step of a check (the policy engine's tables, the shared helper views, each
control) on a database that is already loaded, for this source tree and, with ``--baseline DIR``, an older one,
in the same run.

Each source tree runs in its own child process (``PYTHONPATH`` set to the tree, ``PYTHONHASHSEED=0``) on its own
copy of the database: it builds the tree's tables of granted policy documents (``iam_event_policy*``) alone, then
prepares the run as ``iamsql check`` does (``DuckDBEngine.prepare`` and ``enter`` for the first account: the
engine's tables, the helper views read over them, the shared views), then runs the SQL of each selected control
that queries that account (not one the run skips there) ``--repeat`` times and keeps the lowest CPU time
(``time.process_time``: every DuckDB thread counts), and prints one JSON line. The parent prints a Markdown table (before, after, ratio) and, with
``--baseline``, compares the rows of every control (sorted, SHA-256) and fails when they differ. ``--explain``
prints the costliest operators of DuckDB's ``EXPLAIN ANALYZE`` of each control instead (this tree only).
``--view NAME`` also times that helper view's query alone on CPU after ``enter``, computed into a TEMP table as a
run computes a shared view (its row in enter is wall time), and compares its rows; a view only one tree has is
timed in that tree alone.

    .venv/bin/python benchmarks/control_steps_bench.py --db bench.duckdb                       # every control
    .venv/bin/python benchmarks/control_steps_bench.py --db bench.duckdb --baseline ../iamsql-before \\
        --control cloudtrail_event_admin_policy_granted --control cloudtrail_event_new_principal_granted_power \\
        --view cloudtrail_principal_arn
    .venv/bin/python benchmarks/control_steps_bench.py --db bench.duckdb --control cloudtrail_event_root_activity --explain

The database comes from ``benchmarks/controls_bench.py --keep FILE``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from iamsql.controls.catalog import ACCESS_QUESTIONS, effective_parameters, load_controls, select_controls
from iamsql.controls.engines.duckdb import DuckDBEngine
from iamsql.controls.views import installed_view_sql, view_names
from iamsql.policy.access import create_tables
from iamsql.store import db as store
from iamsql.store.schema import ACCESS_TABLES

ROOT = Path(__file__).resolve().parent.parent


def measure(db: str, control_ids: list[str], repeat: int, explain: bool, views: tuple[str, ...] = ()) -> dict:
    """In the child: the CPU seconds of each step, the rows' SHA-256 per control (or the plans, with ``explain``)."""
    con = store.connect(db)
    selected = select_controls(load_controls(), ids=control_ids or None)
    parameters = effective_parameters(selected, None)
    engine = DuckDBEngine(con)
    start = time.process_time()
    engine.prepare(selected)
    compiled = {control.id: engine.compile(control, parameters[control.id]) for control in selected}
    steps = {"prepare and translate": time.process_time() - start}
    account = engine.accounts()[0]
    grant_tables = [name for name in ACCESS_TABLES if name.startswith("iam_event_policy")]
    start = time.process_time()
    create_tables(con, ACCESS_QUESTIONS, prefix="bench_", tables=grant_tables)  # this tree's grant tables alone
    steps[f"{' and '.join(grant_tables)} alone (create_tables, all accounts)"] = time.process_time() - start
    for name in grant_tables:
        con.execute(f'drop table temp.main."bench_{name}"')
    start = time.process_time()
    timings = engine.enter(account, selected)
    steps["enter (engine tables, shared views)"] = time.process_time() - start
    steps |= {name: ms / 1000 for name, _, ms, _ in timings}  # wall seconds of the parts: see the note printed
    hashes, plans = {}, {}
    for name in views:  # the view's query alone, again, over what enter made (its own table included)
        if name not in view_names():
            continue  # a view this tree does not have (one a change adds): the other tree's row stands alone
        sql = installed_view_sql(con, name)
        best = None
        for _ in range(repeat):
            start = time.process_time()  # computed into a table, as a run computes a shared view: no Python rows
            con.execute(f'create or replace temp table bench_view as {sql}')
            spent = time.process_time() - start
            best = spent if best is None else min(best, spent)
        rows = con.execute("from bench_view").fetchall()
        con.execute("drop table bench_view")
        steps[f"query of view {name} (CPU)"] = best
        hashes[f"view {name}"] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    for control in selected:
        if not all(table in account.covered for table in control.requires):
            continue  # the run skips it on this account: the views it reads are not computed for it
        if explain:
            plan = json.loads(con.execute(f"explain (analyze, format json) {compiled[control.id]}").fetchall()[0][1])
            plans[control.id] = costliest(plan)
            continue
        best = None
        for _ in range(repeat):
            start = time.process_time()
            rows = con.execute(compiled[control.id]).fetchall()
            spent = time.process_time() - start
            best = spent if best is None else min(best, spent)
        steps[control.id] = best
        hashes[control.id] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    con.close()
    return {"steps": steps, "hashes": hashes, "plans": plans, "parts": [t[0] for t in timings]}


def costliest(plan: dict, top: int = 12) -> str:
    """The ``top`` operators of a JSON ``EXPLAIN ANALYZE`` by their own time: seconds, rows, name, details."""
    found, pending = [], list(plan["operator"])
    while pending:
        node = pending.pop()
        pending.extend(node.get("children", []))
        info = " ".join(f"{k}: {v}" for k, v in node.get("extra_info", {}).items())
        found.append((node.get("timing", 0.0), node.get("operator_cardinality", 0), node["name"], info[:160]))
    lines = [
        f"{t:8.3f} s {rows:>10,} rows  {name}  {info}" for t, rows, name, info in sorted(found, reverse=True)[:top]
    ]
    return f"total {plan['query']['total_time']:.2f} s, CPU {plan['query']['cpu_time']:.2f} s\n" + "\n".join(lines)


def run_tree(tree: Path, database: Path, args: argparse.Namespace, explain: bool = False) -> dict:
    """Run ``measure`` in a child process with the iamsql package of ``tree`` on a copy of ``database``."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "bench.duckdb"
        shutil.copyfile(database, copy)
        env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED=os.environ.get("PYTHONHASHSEED", "0"))
        command = [sys.executable, __file__, "--child", "--db", str(copy), "--repeat", str(args.repeat)]
        command += [item for control in args.control for item in ("--control", control)]
        command += [item for view in args.view for item in ("--view", view)]
        command += ["--explain"] if explain else []
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a loaded database (controls_bench.py --keep)")
    parser.add_argument("--baseline", type=Path, help="an older source tree to compare with")
    parser.add_argument("--control", action="append", default=[], help="only this control (repeatable)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each control; the lowest CPU time counts")
    parser.add_argument(
        "--view", action="append", default=[], help="also time this helper view's query alone, on CPU (repeatable)"
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each control")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.db, args.control, args.repeat, args.explain, tuple(args.view))))
        return 0
    if args.explain:
        for control_id, plan in run_tree(ROOT, Path(args.db), args, explain=True)["plans"].items():
            print(f"## {control_id}\n\n{plan}\n")
        return 0
    load = os.getloadavg()[0]
    before = run_tree(args.baseline, Path(args.db), args) if args.baseline else None
    after = run_tree(ROOT, Path(args.db), args)
    print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end\n")
    print("| step | before CPU-s | after CPU-s | ratio |\n|---|---|---|---|")
    names = list(dict.fromkeys([*(before or {"steps": {}})["steps"], *after["steps"]]))
    for name in names:
        old, new = (before or {"steps": {}})["steps"].get(name), after["steps"].get(name)
        ratio = f"{new / old:.2f}" if old and new is not None else "-"
        cell = lambda value: "-" if value is None else f"{value:.2f}"  # noqa: E731
        print(f"| {name} | {cell(old)} | {cell(new)} | {ratio} |")
    print("\nRows of the engine's steps and shared views (`engine:`, `view:`) are wall seconds of that part of enter.")
    if before is not None:
        differ = sorted(c for c in after["hashes"] if c in before["hashes"] and before["hashes"][c] != after["hashes"][c])
        print(f"\ncontrols and views with different rows: {differ or 'none'}")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
