"""Benchmark: a cached ``iamsql query`` of this tree against an older tree, interleaved (issue 16 item 3).

Both trees load the bundled sample once into one database, fill their own translation caches with each statement,
then run each statement ``--rounds`` times in child processes, alternating which tree goes first. Printed per
statement and tree: median wall and CPU seconds (CPU = user + system of the child, from ``wait4``), and the
median of the per-round CPU ratios this tree / baseline. Exits non-zero if the two trees print different output
for a statement.

    git archive <commit> | tar -x -C ../iamsql-before
    .venv/bin/python benchmarks/query_startup_bench.py --baseline ../iamsql-before --rounds 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATEMENTS = {
    "select 1": "select 1",
    "users": "select name, arn from aws_iam_user order by name",
    "jsonb": "select name, assume_role_policy ->> 'Version' as version from aws_iam_role order by name",
}


class Tree:
    def __init__(self, label: str, source: Path, work: Path):
        self.label = label
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(source / "iamsql")], check=True)
        self.env = {**os.environ, "PYTHONPATH": str(source), "IAMSQL_CACHE_DIR": str(work / f"cache-{label}")}
        # -P: never import from the current folder, only from PYTHONPATH
        self.cli = [sys.executable, "-P", "-c", "from iamsql.cli import main; main()"]

    def run(self, *arguments: str) -> tuple[float, float, bytes]:
        """(wall s, CPU s, standard output) of one command."""
        start = time.perf_counter()
        process = subprocess.Popen([*self.cli, *arguments], env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        out, err = process.stdout.read(), process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"{self.label}: {' '.join(arguments)} failed: {err.decode().strip()}")
        return wall, usage.ru_utime + usage.ru_stime, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="an older iamsql source tree")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trees = [Tree("this tree", ROOT, work), Tree("baseline", args.baseline.resolve(), work)]
        database = str(work / "sample.duckdb")
        trees[0].run("load", "--sample", "--quiet", "--db", database)
        measured: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for sql in STATEMENTS.values():
            outputs = {tree.run("query", "--db", database, "-o", "csv", sql)[2] for tree in trees}
            if len(outputs) != 1:
                sys.exit(f"the trees print different output for {sql!r}")
        for round_ in range(args.rounds):
            for name, sql in STATEMENTS.items():
                for tree in trees if round_ % 2 == 0 else trees[::-1]:
                    wall, cpu, _ = tree.run("query", "--db", database, "-o", "csv", sql)
                    measured.setdefault((name, tree.label), []).append((wall, cpu))
    print(f"median of {args.rounds} interleaved rounds; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| statement | this tree wall s | this tree CPU s | baseline wall s | baseline CPU s | CPU ratio (median per round) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in STATEMENTS:
        this, base = measured[(name, "this tree")], measured[(name, "baseline")]
        ratio = statistics.median(a[1] / b[1] for a, b in zip(this, base))
        print(f"| {name} | {statistics.median(w for w, _ in this):.3f} | {statistics.median(c for _, c in this):.3f} "
              f"| {statistics.median(w for w, _ in base):.3f} | {statistics.median(c for _, c in base):.3f} "
              f"| {ratio:.2f} |")


if __name__ == "__main__":
    main()
