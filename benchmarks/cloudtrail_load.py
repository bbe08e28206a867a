"""Benchmark: ``iamsql load`` of an S3-layout CloudTrail folder against the floor of merely decompressing it.

Generates the dataset (see cloudtrail_data.py) into a temporary folder, then in the same run measures
(a) the floor, ``zcat`` of every file piped to ``wc -c`` (best of three), and (b) ``iamsql load`` of the folder
through the real CLI in a subprocess (wall time and the child's peak RSS), then a second load of the same
folder (every event a duplicate). Prints a Markdown table; ratio = load events/s / floor events/s.

    .venv/bin/python benchmarks/cloudtrail_load.py --events 1000000 --files 2000
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.cloudtrail_data import generate  # noqa: E402

TARGET_RATIO = 0.3
TARGET_RSS = 2 << 30


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def floor_seconds(root: Path) -> tuple[float, float, int]:
    """Best of three: wall and CPU seconds to zcat every .json.gz under root into wc -c, and the byte count."""
    best, best_cpu, size = float("inf"), float("inf"), 0
    for _ in range(3):
        start, start_cpu = time.perf_counter(), _children_cpu()
        out = subprocess.run(
            "find . -name '*.json.gz' -print0 | xargs -0 zcat | wc -c",
            shell=True, cwd=root, check=True, capture_output=True, text=True,
        ).stdout
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, _children_cpu() - start_cpu)
        size = int(out.strip())
    return best, best_cpu, size


def run_load(database: Path, root: Path) -> tuple[float, float, int, str]:
    """Wall and CPU seconds and peak RSS (bytes) of ``iamsql load`` in a child process, and its last line."""
    iamsql = Path(sys.executable).parent / "iamsql"
    start = time.perf_counter()
    child = subprocess.Popen([str(iamsql), "load", "--db", str(database), str(root)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    out, err = child.stdout.read(), child.stderr.read()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"iamsql load failed ({child.returncode}): {err.strip()}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss * 1024, (out.strip().splitlines() or [""])[-1]


def stored_events(database: Path) -> int:
    iamsql = Path(sys.executable).parent / "iamsql"
    out = subprocess.run([str(iamsql), "query", "--db", str(database), "--format", "csv",
                          "select count(*) as n from aws_cloudtrail_trail_event"],
                         check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where to put the data (default: a temporary folder)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="iamsql-bench-", dir=args.workdir))
    try:
        start = time.perf_counter()
        generate(work / "trail", args.events, args.files, seed=args.seed, workers=os.cpu_count() or 1)
        print(f"generated {args.events:,} events in {args.files:,} files in {time.perf_counter() - start:.1f} s",
              file=sys.stderr)
        floor_s, floor_cpu, json_bytes = floor_seconds(work / "trail")
        gz_bytes = sum(p.stat().st_size for p in (work / "trail").rglob("*.json.gz"))
        database = work / "bench.duckdb"
        load_s, load_cpu, rss, summary = run_load(database, work / "trail")
        stored = stored_events(database)
        if stored != args.events:
            sys.exit(f"loaded {stored} events, expected {args.events}")
        reload_s, reload_cpu, reload_rss, _ = run_load(database, work / "trail")
        if stored_events(database) != args.events:
            sys.exit("the second load changed the event count")
        db_bytes = database.stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ratio = floor_s / load_s
    print(f"\nmachine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python "
          f"{platform.python_version()}; data: {gz_bytes / 2**20:,.0f} MiB gzip, {json_bytes / 2**20:,.0f} MiB JSON; "
          f"database after load: {db_bytes / 2**20:,.0f} MiB; iamsql said: {summary}\n")
    print("| step | wall s | events/s | ratio to floor | CPU s | peak RSS |")
    print("|---|---|---|---|---|---|")
    print(f"| floor: zcat \\| wc -c | {floor_s:.2f} | {args.events / floor_s:,.0f} | 1.00 | {floor_cpu:.2f} | - |")
    print(f"| iamsql load (new events) | {load_s:.2f} | {args.events / load_s:,.0f} | {ratio:.2f} | "
          f"{load_cpu:.2f} | {rss / 2**20:,.0f} MiB |")
    print(f"| iamsql load again (all duplicates) | {reload_s:.2f} | {args.events / reload_s:,.0f} | "
          f"{floor_s / reload_s:.2f} | {reload_cpu:.2f} | {reload_rss / 2**20:,.0f} MiB |")
    print(f"\nload average during the run: {os.getloadavg()[0]:.2f} (the ratio is only meaningful on an idle machine)")
    verdict = "meets" if ratio >= TARGET_RATIO and rss < TARGET_RSS else "MISSES"
    print(f"\n{verdict} the target (ratio >= {TARGET_RATIO}, peak RSS < {TARGET_RSS >> 30} GiB)")


if __name__ == "__main__":
    main()
