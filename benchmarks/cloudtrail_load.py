"""Benchmark: ``iamsql load`` of an S3-layout CloudTrail folder against the floor of merely decompressing it.

Generates the dataset (see cloudtrail_data.py) into a temporary folder (or takes ``--trail``), then, in the same
run and ``--rounds`` times interleaved, measures (a) the floor, ``zcat`` of every file piped to ``wc -c``, and
(b) ``iamsql load`` of the folder into a new database through the CLI of this source tree in a child process
(wall time, CPU time and peak RSS from ``wait4``); then a second load of the same folder (every event a
duplicate). Prints a Markdown table with two ratios per round: wall (floor wall s / load wall s) and CPU (floor
CPU s / load CPU s, i.e. the load's events per CPU-second against the floor's), and the medians.
``--phases`` adds the CPU seconds of each step of one more load, run in this process.

    .venv/bin/python benchmarks/cloudtrail_load.py --events 1000000 --files 2000
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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
from iamsql import load  # noqa: E402
from iamsql.load.formats import cloudtrail  # noqa: E402
from iamsql.store import db  # noqa: E402

TARGET_RATIO = 0.5
TARGET_RSS = 1 << 30
# -P: the child imports iamsql from this source tree (PYTHONPATH below), never from the current folder
CLI = [sys.executable, "-P", "-c", "from iamsql.cli import main; main()"]
CHILD_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def floor_seconds(root: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds to zcat every .json.gz under root into wc -c, and the byte count."""
    start, start_cpu = time.perf_counter(), _children_cpu()
    out = subprocess.run(
        "find . -name '*.json.gz' -print0 | xargs -0 zcat | wc -c",
        shell=True,
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return time.perf_counter() - start, _children_cpu() - start_cpu, int(out.strip())


def run_cli(*args: str) -> tuple[float, float, int, str]:
    """Wall and CPU seconds and peak RSS (bytes) of one iamsql command in a child process, and its output."""
    start = time.perf_counter()
    child = subprocess.Popen([*CLI, *args], env=CHILD_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    out, err = child.stdout.read(), child.stderr.read()
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"iamsql {args[0]} failed: {err.strip()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out


def stored_events(database: Path) -> int:
    out = run_cli(
        "query", "--db", str(database), "--format", "csv", "select count(*) as n from aws_cloudtrail_trail_event"
    )[3]
    return int(out.split()[-1])


def phases(root: Path, database: Path) -> dict[str, float]:
    """CPU seconds (all threads of this process) of each step of a load run here: connecting, finding and
    classifying files (sniffing, SHA-256), the DuckDB insert statements, settling duplicates, the rest, commit."""
    spent: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start

        return wrapper

    load.discover = timed("discover files", load.discover)
    load.classify = timed("sniff + SHA-256 of each file", load.classify)
    cloudtrail._settle = timed("settle (duplicates, counts, snapshots)", cloudtrail._settle)
    load_events = timed("load_events", cloudtrail.load_events)
    cloudtrail.load_events = load_events
    start = time.process_time()
    con = db.connect(database)
    spent["connect (schema, macros)"] = time.process_time() - start
    start = time.process_time()
    load.load_paths(con, [root])
    total = time.process_time() - start
    con.close()
    spent["read + transform + insert (SQL)"] = (
        spent.pop("load_events") - spent["settle (duplicates, counts, snapshots)"]
    )
    inside = (
        "discover files",
        "sniff + SHA-256 of each file",
        "settle (duplicates, counts, snapshots)",
        "read + transform + insert (SQL)",
    )
    spent["rest of load_paths + commit"] = total - sum(spent[name] for name in inside)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="floor and load measured this many times, interleaved")
    parser.add_argument(
        "--trail",
        type=Path,
        help="an existing trail folder to load instead of generating one (--events must then give its event count)",
    )
    parser.add_argument("--phases", action="store_true", help="also the CPU seconds of each step of one load")
    parser.add_argument("--workdir", type=Path, help="where to put the data (default: a temporary folder)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="iamsql-bench-", dir=args.workdir))
    rows, loads = [], []
    try:
        trail = args.trail or work / "trail"
        if not args.trail:
            start = time.perf_counter()
            generate(trail, args.events, args.files, seed=args.seed, workers=os.cpu_count() or 1)
            print(
                f"generated {args.events:,} events in {args.files:,} files in {time.perf_counter() - start:.1f} s",
                file=sys.stderr,
            )
        gz_bytes = sum(p.stat().st_size for p in trail.rglob("*.json.gz"))
        files = sum(1 for _ in trail.rglob("*.json.gz"))
        for n in range(1, args.rounds + 1):
            floor_s, floor_cpu, json_bytes = floor_seconds(trail)
            database = work / f"bench{n}.duckdb"
            load_s, load_cpu, rss, out = run_cli("load", "--db", str(database), str(trail))
            loads.append((load_s, load_cpu, rss))
            rows.append(
                f"| {n} | {floor_s:.2f} | {floor_cpu:.2f} | {load_s:.2f} | {load_cpu:.2f} | "
                f"{rss / 2**20:,.0f} MiB | {floor_s / load_s:.2f} | {floor_cpu / load_cpu:.2f} | "
                f"{os.getloadavg()[0]:.1f} |"
            )
            print(rows[-1], file=sys.stderr)
            if n < args.rounds:
                database.unlink()
        summary = (out.strip().splitlines() or [""])[-1]
        if (stored := stored_events(database)) != args.events:
            sys.exit(f"loaded {stored} events, expected {args.events}")
        reload_s, reload_cpu, reload_rss, _ = run_cli("load", "--db", str(database), str(trail))
        if stored_events(database) != args.events:
            sys.exit("the second load changed the event count")
        db_bytes = database.stat().st_size
        database.unlink()
        spent = phases(trail, work / "phases.duckdb") if args.phases else {}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    floors = [float(r.split("|")[2]) for r in rows]
    floor_cpus = [float(r.split("|")[3]) for r in rows]
    wall_ratio = statistics.median(f / w for f, (w, _, _) in zip(floors, loads))
    cpu_ratio = statistics.median(f / c for f, (_, c, _) in zip(floor_cpus, loads))
    peak = max(rss for _, _, rss in loads)
    print(
        f"\nmachine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}; data: {args.events:,} events, {files:,} files, {gz_bytes / 2**20:,.0f} MiB "
        f"gzip, {json_bytes / 2**20:,.0f} MiB JSON; database after load: {db_bytes / 2**20:,.0f} MiB; "
        f"iamsql said: {summary}\n"
    )
    print(
        "| round | floor wall s | floor CPU s | load wall s | load CPU s | load peak RSS | wall ratio | CPU ratio "
        "| load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(
        f"\nmedian ratios: wall {wall_ratio:.2f}, CPU {cpu_ratio:.2f}; events per CPU-second: load "
        f"{args.events / statistics.median(c for _, c, _ in loads):,.0f}, floor "
        f"{args.events / statistics.median(floor_cpus):,.0f}"
    )
    print(f"load again (all duplicates): {reload_s:.2f} s wall, {reload_cpu:.2f} CPU s, {reload_rss / 2**20:,.0f} MiB")
    if spent:
        print("\n| step of one load (in this process) | CPU s | share |\n|---|---|---|")
        total = sum(spent.values())
        for name, seconds in spent.items():
            print(f"| {name} | {seconds:.2f} | {100 * seconds / total:.0f} % |")
    verdict = "meets" if min(wall_ratio, cpu_ratio) >= TARGET_RATIO and peak <= TARGET_RSS else "MISSES"
    print(f"\n{verdict} the target (wall and CPU ratio >= {TARGET_RATIO}, peak RSS <= {TARGET_RSS >> 30} GiB)")


if __name__ == "__main__":
    main()
