"""Event controls (``ct_*``) on DuckDB vs Spark local mode over the same generated CloudTrail events.

    .venv/bin/python benchmarks/spark_vs_duckdb.py --events 1000000

Steps: generate a realistic trail (``benchmarks/cloudtrail_data.py``), load it into DuckDB, export the Parquet
lake, then run every ``ct_*`` control three times, each in its own child process: on DuckDB, on Spark
``local[1]`` and on Spark ``local[2]``. For each: wall time (the control run only, after the engine started)
and peak memory of the child and all its descendants (the JVM included), sampled from /proc every 0.2 s.
``local[1]`` vs ``local[2]`` gives Spark's scaling factor per added core, from which the crossover core count
(where Spark would match DuckDB on this machine) is estimated assuming that factor holds as cores are added.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cloudtrail_data import generate  # noqa: E402


def event_controls() -> list[str]:
    from iamsql import controls

    return [c.id for c in controls.load_controls() if c.id.startswith("ct_")]


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(stat[1]), []).append(int(entry))
        rss[int(entry)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def measure(args: list[str]) -> tuple[dict, int]:
    """Run a phase in a child process; its JSON result and the peak RSS of its process tree."""
    child = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    peak = 0

    def sample():
        nonlocal peak
        while child.poll() is None:
            peak = max(peak, _tree_rss(child.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = child.communicate()
    sampler.join()
    if child.returncode:
        raise SystemExit(f"phase {args} failed")
    return json.loads(out.strip().splitlines()[-1]), peak


def phase_duckdb(database: Path) -> dict:
    from iamsql import controls, db

    con = db.connect(database)
    start = time.perf_counter()
    run_id = controls.run_checks(con, controls=event_controls())
    seconds = time.perf_counter() - start
    rows = controls.results(con, run_id)
    return {"seconds": seconds, "rows": len(rows), "errors": sum(r["status"] == "error" for r in rows)}


def phase_spark(database: Path, lake: Path, master: str) -> dict:
    from iamsql import controls, db
    from iamsql.engines import spark

    session = spark.session(master, config={"spark.driver.memory": "6g"})
    con = db.connect(database)
    start = time.perf_counter()
    run_id = spark.run_checks(con, lake, spark=session, controls=event_controls())
    seconds = time.perf_counter() - start
    rows = controls.results(con, run_id)
    return {"seconds": seconds, "rows": len(rows), "errors": sum(r["status"] == "error" for r in rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=0, help="gzip files (default: one per 500 events)")
    parser.add_argument("--phase", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--lake", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--master", default="local[2]", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "duckdb":
        print(json.dumps(phase_duckdb(args.db)))
        return
    if args.phase == "spark":
        print(json.dumps(phase_spark(args.db, args.lake, args.master)))
        return

    from iamsql import db, lake
    from iamsql.load import load_paths

    with tempfile.TemporaryDirectory() as tmp:
        root, database, lake_dir = Path(tmp) / "trail", Path(tmp) / "bench.duckdb", Path(tmp) / "lake"
        start = time.perf_counter()
        generate(root, args.events, args.files or max(1, args.events // 500), workers=2)
        print(f"generated {args.events:,} events in {time.perf_counter() - start:.1f} s", flush=True)
        con = db.connect(database)
        start = time.perf_counter()
        load_paths(con, [root])
        print(f"loaded in {time.perf_counter() - start:.1f} s", flush=True)
        start = time.perf_counter()
        lake.export(con, lake_dir)
        con.close()
        size = sum(p.stat().st_size for p in lake_dir.rglob("*.parquet"))
        print(f"exported in {time.perf_counter() - start:.1f} s, {size / 2**20:.0f} MiB of Parquet", flush=True)
        print(f"event controls: {', '.join(event_controls())}")
        results = {
            "duckdb": measure(["--phase", "duckdb", "--db", str(database)]),
            "spark local[1]": measure(["--phase", "spark", "--db", str(database), "--lake", str(lake_dir), "--master", "local[1]"]),
            "spark local[2]": measure(["--phase", "spark", "--db", str(database), "--lake", str(lake_dir), "--master", "local[2]"]),
        }
    print("| engine | wall s | ratio to DuckDB | peak RSS MiB | result rows | errors |")
    print("|---|---|---|---|---|---|")
    base = results["duckdb"][0]["seconds"]
    for name, (result, peak) in results.items():
        print(f"| {name} | {result['seconds']:.1f} | {result['seconds'] / base:.2f} | {peak / 2**20:.0f} | "
              f"{result['rows']} | {result['errors']} |")
    one, two = results["spark local[1]"][0]["seconds"], results["spark local[2]"][0]["seconds"]
    speedup = one / two
    efficiency = speedup / 2  # fraction of ideal scaling per doubling of cores
    print(f"Spark speed-up local[1] -> local[2]: {speedup:.2f}x (parallel efficiency {efficiency:.0%})")
    cores, seconds = 2, two
    while seconds > base and cores < 4096:
        cores, seconds = cores * 2, seconds / (2 * efficiency)
    verdict = f"about {cores} cores" if seconds <= base and efficiency > 0.5 else "never (Spark scales too poorly here)"
    print(f"Estimated cores for Spark to match DuckDB's 2-core time at this size: {verdict}")


if __name__ == "__main__":
    main()
