"""Benchmark: the policy engine's tables (``access.build.compute``) over Cloudsplaining's example account and its
replicated large version, for this tree and, with ``--baseline``, an older source tree, interleaved.

Each measurement is a child process (``PYTHONPATH`` = the tree, ``PYTHONHASHSEED=0``: which of several equally
short role chains an ``assume_admin_role`` row reports follows set order) that opens a database loaded once by
this tree and computes the access tables (``--tables``, default every one): CPU seconds of ``compute`` alone
(``time.process_time``), the rows' SHA-256 (the two trees must give the same rows) and the process's peak RSS.
``--database`` measures an account already loaded instead (for instance a generated one at full size).

    .venv/bin/python benchmarks/policy_tables_bench.py
    git archive <commit> | tar -x -C ../iamsql-before && .venv/bin/python benchmarks/policy_tables_bench.py --baseline ../iamsql-before
    .venv/bin/python benchmarks/policy_tables_bench.py --database big.duckdb --tables iam_principal_access --baseline ../iamsql-before
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.vs_cloudsplaining import EXAMPLE, ROOT, replicate  # noqa: E402

CHILD = """
import hashlib, resource, sys, time
from iamsql import controls
from iamsql.policy.access.build import compute
from iamsql.store import db
con = db.connect(sys.argv[1], read_only=True)
start = time.process_time()
rows = compute(con, controls.ACCESS_QUESTIONS, *([sys.argv[2].split(",")] if len(sys.argv) > 2 else []))
cpu = time.process_time() - start
digest = hashlib.sha256(repr({k: sorted(map(repr, v)) for k, v in sorted(rows.items())}).encode()).hexdigest()
print(cpu, sum(map(len, rows.values())), digest, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(tree: Path, database: Path, tables: list[str]) -> tuple[float, int, str, int]:
    """CPU seconds of computing the tables (all when ``tables`` is empty), their row count, the rows' SHA-256, peak
    RSS (KiB)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(database), *([",".join(tables)] if tables else [])],
        cwd=tree,  # ``-c`` puts the working directory first on sys.path: elsewhere it could shadow the tree
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1]), out[2], int(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=26, help="copies of the example account in 'large'")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="an older iamsql source tree, measured and compared too")
    parser.add_argument("--database", type=Path, help="a database already loaded, measured instead of the example")
    parser.add_argument("--tables", default="", help="comma-separated access tables to compute (default: all)")
    args = parser.parse_args()
    tables = [name for name in args.tables.split(",") if name]
    trees = {"iamsql": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    details = json.loads(EXAMPLE.read_text())
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f}; medians of {args.rounds} rounds"
    )
    print("| account | tree | engine tables CPU s | rows | peak RSS MiB | CPU / baseline |")
    print("|---|---|---|---|---|---|")
    if args.database:
        report("database", args.database.resolve(), trees, tables, args.rounds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in ("small", "large"):
            source, database = Path(tmp) / f"{size}.json", Path(tmp) / f"{size}.duckdb"
            source.write_text(json.dumps(details if size == "small" else replicate(details, args.copies)))
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "from iamsql.cli import main; main()",
                    "load",
                    "--db",
                    str(database),
                    str(source),
                ],
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                check=True,
                capture_output=True,
            )
            report(size, database, trees, tables, args.rounds)


def report(name: str, database: Path, trees: dict[str, Path], tables: list[str], rounds: int) -> None:
    """Measure each tree ``rounds`` times, interleaved, and print its line of the table; exit 1 when the rows of
    two runs differ."""
    runs: dict[str, list] = {tree: [] for tree in trees}
    for _ in range(rounds):
        for tree, path in trees.items():
            runs[tree].append(measure(path, database, tables))
    cpu = {tree: statistics.median(r[0] for r in found) for tree, found in runs.items()}
    for tree, found in runs.items():
        ratio = f"{cpu[tree] / cpu['baseline']:.2f}" if "baseline" in cpu else ""
        print(
            f"| {name} | {tree} | {cpu[tree]:.2f} | {found[0][1]} "
            f"| {statistics.median(r[3] for r in found) / 1024:.0f} | {ratio} |"
        )
    digests = {r[2] for found in runs.values() for r in found}
    print(f"{name}: rows of every run {'identical' if len(digests) == 1 else 'DIFFERENT'}")
    if len(digests) != 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
