"""Benchmark: the permission and trust controls (every control that reads the policy engine's tables) over a
large generated account, through the real CLI.

Steps, in one run on the same machine:

1. generate one account as AWS CLI outputs (``controls_bench.generate_account``: users with groups, inline and
   attached policies and boundaries, roles with every kind of trust, customer and AWS managed policies);
2. ``iamsql load`` of that folder in a child process;
3. ``iamsql check --control ...`` for the engine's controls in a child process: wall time, CPU time and peak RSS
   (``wait4``), and from the stored run the time the policy engine took (``engine:policy_access``) and each control;
4. the same check ``--repeat`` times, reporting the median.

    .venv/bin/python benchmarks/policy_controls_bench.py                       # 5,000 users and roles, 2,000 policies
    .venv/bin/python benchmarks/policy_controls_bench.py --users 1000 --roles 1000 --policies 400
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.controls_bench import generate_account, run_cli, run_summary  # noqa: E402
from iamsql.controls.catalog import load_controls
from iamsql.controls.views import reads_access_tables


def engine_controls() -> list[str]:
    """The controls that read the policy engine's tables."""
    return sorted(c.id for c in load_controls() if reads_access_tables([c]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--roles", type=int, default=5_000)
    parser.add_argument("--policies", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    controls = engine_controls()
    with tempfile.TemporaryDirectory() as tmp:
        folder, database = Path(tmp) / "account", Path(tmp) / "bench.duckdb"
        folder.mkdir()
        generate_account(folder, args.users, args.roles, args.policies, args.seed)
        load_wall, load_cpu, _, _ = run_cli("load", "--db", str(database), str(folder))
        runs = []
        for _ in range(args.repeat):
            options = [item for control in controls for item in ("--control", control)]
            wall, cpu, rss, _ = run_cli("check", "--db", str(database), "--fail-on", "none", "--format", "csv", *options)
            summary = run_summary(database)
            engine_ms = sum(ms for name, ms, _ in summary["timings"] if name == "engine:policy_access")
            runs.append((wall, cpu, rss, engine_ms / 1000, summary))
    wall, cpu, rss, engine_s, summary = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"Account: {args.users:,} users, {args.roles:,} roles, {args.policies:,} customer policies "
          f"(load {load_wall:.1f} s wall, {load_cpu:.1f} CPU-s)")
    print(f"\n{len(controls)} controls on the policy engine, median of {args.repeat} runs:\n")
    print("| check wall s | check CPU-s | peak RSS MiB | policy engine s | engine share | results |")
    print("|---:|---:|---:|---:|---:|---|")
    print(f"| {wall:.1f} | {cpu:.1f} | {rss / 2**20:,.0f} | {engine_s:.1f} | {engine_s / wall:.0%} | "
          f"{summary['statuses']} |")
    print("\n| step | s |\n|---|---:|")
    for name, ms, _ in summary["timings"][:12]:
        print(f"| {name} | {ms / 1000:.2f} |")
    print(f"\nAll walls: {', '.join(f'{r[0]:.1f}' for r in runs)} s; median engine share of the run "
          f"{statistics.median(r[3] / r[0] for r in runs):.0%}")


if __name__ == "__main__":
    main()
