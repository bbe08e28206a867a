"""The fixed cost of one ``iamsql load`` process, interleaved against another source tree.

    python benchmarks/load_fixed_cost.py --baseline ../iamsql-before [--rounds 5]

Each round runs, for this tree and the baseline (which goes first alternates), three ``iamsql load`` child processes (each with its source
tree on ``PYTHONPATH``) and measures each with ``wait4`` (CPU = user + system, peak RSS):

- **new**: Cloudsplaining's example account into a new database;
- **again**: the same file a second time into that database (the schema exists);
- **cloudtrail**: one CloudTrail file of the incident-response sample into a new database.

Each round also runs the three loads ``REPEATS`` times inside one child after its imports and keeps the least
CPU of each: opening the database, storing and closing it, the part that does not depend on imports (which are
most of a process's fixed cost) and that a busy machine blurs least.
Then it compares what both trees stored: a SHA-256 of every table and view of each database (rows sorted; the
clock time ``iamsql_snapshot.loaded_at`` left out), and the schema fingerprint each tree records (equal: a
database made by one tree opens in the other without its schema being made again). Exits non-zero when any
differs. Prints min and median CPU of each case and the ratio of this tree to the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "cloudsplaining" / "example.json"
TRAIL_FILE = next(
    (ROOT / "tests" / "data" / "maheribra_aws_attack_chain_ir" / "04-investigation" / "evidence" / "cloudtrail").rglob(
        "*.json.gz"
    )
)
CLI = 'import sys; from iamsql.cli import main; sys.argv[0] = "iamsql"; main()'
# The loads again inside one process after its imports, ``REPEATS`` times each: the CPU of opening the database,
# storing and closing it (the least of the repeats, per case), with the connection each tree's own ``load`` asks for.
DATABASE_PART = """
import inspect, json, sys, time
from pathlib import Path
import duckdb
from iamsql.store import db
from iamsql.load import load_paths
import iamsql.load.formats.cloudtrail
options = {"queries": False} if "queries" in inspect.signature(db.connect).parameters else {"functions": False}
folder, example, trail, repeats = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
least = {}
for repeat in range(repeats):
    for case, name, source in (("new", "iam", example), ("again", "iam", example), ("cloudtrail", "trail", trail)):
        start = time.process_time()
        con = db.connect(folder / f"{name}{repeat}.duckdb", **options)
        load_paths(con, [source])
        con.close()
        least[case] = min(least.get(case, 1e9), time.process_time() - start)

class Counted:
    # counts the execute calls made on the connection (one call may hold several statements)
    def __init__(self, con):
        self.con, self.calls = con, 0
    def execute(self, *args):
        self.calls += 1
        return self.con.execute(*args)
    def __getattr__(self, name):
        return getattr(self.con, name)

plain_connect = duckdb.connect
duckdb.connect = lambda *args, **kwargs: Counted(plain_connect(*args, **kwargs))
calls = {}
for case, name, source in (("new", "iam", example), ("again", "iam", example), ("cloudtrail", "trail", trail)):
    con = db.connect(folder / f"{name}_counted.duckdb", **options)
    load_paths(con, [source])
    con.close()
    calls[case] = con.calls
print(json.dumps({"cpu": least, "calls": calls}))
"""
REPEATS = 10
FINGERPRINT = "from iamsql.store.db import schema_fingerprint; print(schema_fingerprint())"


def run_measured(command: list[str], tree: Path) -> tuple[float, int]:
    """CPU seconds and peak RSS (bytes) of one child process run in ``tree``; exits on failure."""
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, text=True, **in_tree(tree))
        _, status, usage = os.wait4(child.pid, 0)
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            sys.exit(f"{' '.join(command[-4:])} failed: {err.read().strip()[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def in_tree(tree: Path) -> dict:
    """``subprocess`` arguments that make a ``python -c`` child import ``tree``'s iamsql: ``-c`` puts the working
    folder first on ``sys.path``, before ``PYTHONPATH``."""
    return {"cwd": tree, "env": {**os.environ, "PYTHONPATH": str(tree)}}


def load(tree: Path, db: Path, source: Path) -> tuple[float, int]:
    return run_measured([sys.executable, "-c", CLI, "load", "--quiet", "--db", str(db), str(source)], tree)


def database_part(tree: Path, folder: Path) -> dict[str, dict]:
    """``cpu``: the least CPU seconds of each case's database part over ``REPEATS`` loads in one child process;
    ``calls``: the DuckDB ``execute`` calls of one more load of each case."""
    command = [sys.executable, "-c", DATABASE_PART, str(folder), str(EXAMPLE), str(TRAIL_FILE), str(REPEATS)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, **in_tree(tree)).stdout
    return json.loads(out)


def table_hashes(db: Path) -> dict[str, str]:
    """SHA-256 of every table and view of the database, rows sorted (``loaded_at``, the clock, left out)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        hashes = {}
        names = con.execute(
            "select schema_name, table_name from duckdb_tables() union all "
            "select schema_name, view_name from duckdb_views() where not internal "
            "order by all"
        ).fetchall()
        for schema, name in names:
            exclude = " exclude (loaded_at)" if name == "iamsql_snapshot" else ""
            rows = con.execute(f'select *{exclude} from "{schema}"."{name}" order by all').fetchall()
            hashes[f"{schema}.{name}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return hashes
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="another iamsql source tree")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    trees = {"this tree": ROOT, "baseline": args.baseline.resolve()}
    for tree in trees.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "iamsql")], check=True)
    cases = ("new", "again", "cloudtrail")
    cpu: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in cases}
    rss: dict[tuple[str, str], list[int]] = {(t, c): [] for t in trees for c in cases}
    inside: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in cases}
    calls: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(args.rounds):
            order = list(trees.items()) if round_number % 2 == 0 else list(trees.items())[::-1]  # neither always first
            for label, tree in order:
                folder = Path(scratch) / f"{label.replace(' ', '_')}{round_number}"
                folder.mkdir()
                for case, db, source in (
                    ("new", folder / "iam.duckdb", EXAMPLE),
                    ("again", folder / "iam.duckdb", EXAMPLE),
                    ("cloudtrail", folder / "trail.duckdb", TRAIL_FILE),
                ):
                    seconds, peak = load(tree, db, source)
                    cpu[label, case].append(seconds)
                    rss[label, case].append(peak)
                part = folder / "part"
                part.mkdir()
                measured = database_part(tree, part)
                for case, seconds in measured["cpu"].items():
                    inside[label, case].append(seconds)
                calls[label] = measured["calls"]
        last = args.rounds - 1
        differs = []
        for db_name in ("iam.duckdb", "trail.duckdb"):
            mine, theirs = (
                table_hashes(Path(scratch) / f"{label.replace(' ', '_')}{last}" / db_name) for label in trees
            )
            differs += [
                f"{db_name}: {name}"
                for name in sorted(mine.keys() | theirs.keys())
                if mine.get(name) != theirs.get(name)
            ]
            print(f"{db_name}: {len(mine)} tables and views hashed, {'identical' if mine == theirs else 'DIFFERENT'}")
        prints = {
            label: subprocess.run(
                [sys.executable, "-c", FINGERPRINT], check=True, capture_output=True, text=True, **in_tree(tree)
            ).stdout.strip()
            for label, tree in trees.items()
        }
        print(f"schema fingerprint: {'equal' if len(set(prints.values())) == 1 else 'DIFFERENT'}")
        if len(set(prints.values())) != 1:
            differs.append("schema fingerprint")
    print(f"\n{'case':<11} {'tree':<10} {'CPU min':>8} {'CPU median':>10} {'peak MiB':>9}   ratio (median, min)")
    for case in cases:
        for label in trees:
            line = f"{case:<11} {label:<10}{_figures(cpu, label, case)} {max(rss[label, case]) / (1 << 20):9.0f}"
            print(line + (_ratios(cpu, case) if label == "this tree" else ""))
    print(f"\nthe database part alone (open, store, close; imports excluded; least of {REPEATS} per round)")
    print(f"{'case':<11} {'tree':<10} {'CPU min':>8} {'CPU median':>10} {'DuckDB calls':>12}   ratio (median, min)")
    for case in cases:
        for label in trees:
            print(
                f"{case:<11} {label:<10}{_figures(inside, label, case)} {calls[label][case]:12}"
                + (_ratios(inside, case) if label == "this tree" else "")
            )
    if differs:
        sys.exit("stored data differs: " + "; ".join(differs))


def _figures(cpu: dict, label: str, case: str) -> str:
    return f" {min(cpu[label, case]):8.3f} {statistics.median(cpu[label, case]):10.3f}"


def _ratios(cpu: dict, case: str) -> str:
    mine, base = cpu["this tree", case], cpu["baseline", case]
    return f"   {statistics.median(mine) / statistics.median(base):.2f}, {min(mine) / min(base):.2f}"


if __name__ == "__main__":
    main()
