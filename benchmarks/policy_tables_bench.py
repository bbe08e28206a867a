"""Benchmark: the policy engine's tables (``access.build.compute``) over Cloudsplaining's example account and its
replicated large version, for this tree and, with ``--baseline``, an older source tree, interleaved.

Each measurement is a child process (``PYTHONPATH`` = the tree) that opens a database loaded once by this tree
and computes every access table: CPU seconds of ``compute`` alone (``time.process_time``), the rows' SHA-256 (the
two trees must give the same rows) and the process's peak RSS.

    .venv/bin/python benchmarks/policy_tables_bench.py
    git archive <commit> | tar -x -C ../iamsql-before && .venv/bin/python benchmarks/policy_tables_bench.py --baseline ../iamsql-before
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
rows = compute(con, controls.ACCESS_QUESTIONS)
cpu = time.process_time() - start
digest = hashlib.sha256(repr({k: sorted(map(repr, v)) for k, v in sorted(rows.items())}).encode()).hexdigest()
print(cpu, sum(map(len, rows.values())), digest, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(tree: Path, database: Path) -> tuple[float, int, str, int]:
    """CPU seconds of computing the tables, their row count, the rows' SHA-256, peak RSS (KiB)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(database)], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), int(out[1]), out[2], int(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=26, help="copies of the example account in 'large'")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="an older iamsql source tree, measured and compared too")
    args = parser.parse_args()
    trees = {"iamsql": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    details = json.loads(EXAMPLE.read_text())
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f}; medians of {args.rounds} rounds"
    )
    print("| account | tree | engine tables CPU s | rows | peak RSS MiB | CPU / baseline |")
    print("|---|---|---|---|---|---|")
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
            runs: dict[str, list] = {name: [] for name in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    runs[name].append(measure(tree, database))
            cpu = {name: statistics.median(r[0] for r in found) for name, found in runs.items()}
            for name, found in runs.items():
                ratio = f"{cpu[name] / cpu['baseline']:.2f}" if "baseline" in cpu else ""
                print(
                    f"| {size} | {name} | {cpu[name]:.2f} | {found[0][1]} "
                    f"| {statistics.median(r[3] for r in found) / 1024:.0f} | {ratio} |"
                )
            digests = {r[2] for found in runs.values() for r in found}
            print(f"{size}: rows of every run {'identical' if len(digests) == 1 else 'DIFFERENT'}")
            if len(digests) != 1:
                sys.exit(1)


if __name__ == "__main__":
    main()
