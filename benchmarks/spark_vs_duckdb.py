"""Event controls (``cloudtrail_event_*``) on DuckDB vs Spark local mode over the same generated CloudTrail events.

    .venv/bin/python benchmarks/spark_vs_duckdb.py --events 1000000 --record results.jsonl
    .venv/bin/python benchmarks/spark_vs_duckdb.py --events 1000000 --copies 10 --engines duckdb --record results.jsonl
    .venv/bin/python benchmarks/spark_vs_duckdb.py --summarize results.jsonl

Steps: generate a realistic trail (``benchmarks/cloudtrail_data.py``), load it into DuckDB, optionally copy the
loaded events ``--copies`` times (new event ids, times shifted by a second per copy: a large trail without
generating its JSON, which is the slow part), export the Parquet lake, then run every ``cloudtrail_event_*`` control on each
engine of ``--engines``, each in its own child process: DuckDB over the database, Spark ``local[N]`` over the
lake. For each: wall time and CPU time of the control run only (after the engine started), CPU summed over the
child and all its descendants (the JVM and its Python workers included), and the peak resident memory of that
process tree, sampled from /proc every 0.2 s. ``--workdir`` keeps the prepared data for the next run.

``--summarize`` fits ``CPU seconds = fixed + per_event x events`` per engine over the recorded sizes (least
squares) and prints how many cores Spark would need to match DuckDB at 10M, 100M and 1B events for a range of
Spark per-event costs, assuming its per-event CPU spreads perfectly over the cores and its fixed cost does not
shrink (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cloudtrail_data import generate  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def event_controls() -> list[str]:
    from iamsql import controls

    return [c.id for c in controls.load_controls() if c.id.startswith("cloudtrail_event_")]


def _process_tree(pid: int) -> list[list[str]]:
    """/proc/<pid>/stat fields (after the command name) of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        stats[int(entry)] = fields
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        if current in stats:
            found.append(stats[current])
        stack.extend(children.get(current, []))
    return found


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    return sum(int(f[21]) * PAGE for f in _process_tree(pid))


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system, reaped children included) of ``pid`` and all its descendants."""
    return sum(sum(int(v) for v in f[11:15]) for f in _process_tree(pid)) / TICKS


def measure(args: list[str]) -> dict:
    """Run a phase in a child process; its JSON result plus the peak RSS of its process tree."""
    child = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    peak = 0

    def sample():
        nonlocal peak
        while child.poll() is None:
            peak = max(peak, tree_rss(child.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = child.communicate()
    sampler.join()
    if child.returncode:
        raise SystemExit(f"phase {args} failed")
    return json.loads(out.strip().splitlines()[-1]) | {"peak_rss_mib": round(peak / 2**20)}


def timed(run) -> dict:
    """Wall and process-tree CPU seconds of ``run()`` (which returns a run id), and the rows it stored."""
    from iamsql import controls

    cpu, start = tree_cpu(os.getpid()), time.perf_counter()
    con, run_id = run()
    seconds, cpu = time.perf_counter() - start, tree_cpu(os.getpid()) - cpu
    rows = controls.results(con, run_id)
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "rows": len(rows),
            "errors": sum(r["status"] == "error" for r in rows)}


def phase_duckdb(database: Path) -> dict:
    from iamsql import controls
    from iamsql.store import db

    con = db.connect(database)
    return timed(lambda: (con, controls.run_checks(con, controls=event_controls())))


def phase_spark(database: Path, lake: Path, master: str) -> dict:
    from iamsql.controls.engines import spark
    from iamsql.store import db

    session = spark.session(master, config={"spark.driver.memory": "6g"})
    con = db.connect(database)
    return timed(lambda: (con, spark.run_checks(con, lake, spark=session, controls=event_controls())))


def copy_events(con, copies: int) -> None:
    """Add ``copies - 1`` copies of every loaded event: new event ids, times shifted by one second per copy."""
    if copies <= 1:
        return
    con.execute(
        "insert into history.aws_cloudtrail_trail_event "
        "select * exclude (k) replace (e.event_id || '-' || k as event_id, e.event_time + k * interval '1 second' as event_time) "
        "from history.aws_cloudtrail_trail_event as e, range(1, ?) as r(k)", [copies])


def prepare(workdir: Path, events: int, files: int, copies: int) -> dict:
    """Generate, load, copy and export the data into ``workdir`` (reused when it was prepared the same way)."""
    from iamsql.load import load_paths
    from iamsql.store import db, lake

    recipe = {"events": events, "files": files, "copies": copies}
    marker = workdir / "prepared.json"
    if marker.exists() and json.loads(marker.read_text())["recipe"] == recipe:
        return json.loads(marker.read_text())
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    trail, timings = workdir / "trail", {}
    start = time.perf_counter()
    generate(trail, events, files, workers=2)
    timings["generate"] = time.perf_counter() - start
    con = db.connect(workdir / "bench.duckdb")
    start = time.perf_counter()
    load_paths(con, [trail])
    copy_events(con, copies)
    timings["load"] = time.perf_counter() - start
    start = time.perf_counter()
    lake.export(con, workdir / "lake")
    timings["export"] = time.perf_counter() - start
    stored = con.execute("select count(*) from aws_cloudtrail_trail_event").fetchone()[0]
    con.close()
    shutil.rmtree(trail)
    parquet = sum(p.stat().st_size for p in (workdir / "lake").rglob("*.parquet"))
    prepared = {"recipe": recipe, "stored_events": stored, "parquet_mib": round(parquet / 2**20),
                "seconds": {k: round(v, 1) for k, v in timings.items()}}
    marker.write_text(json.dumps(prepared))
    return prepared


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares ``y = fixed + slope * x``; with one point, all of it is the slope."""
    if len({x for x, _ in points}) < 2:
        x, y = points[0]
        return 0.0, y / x
    n = len(points)
    mean_x, mean_y = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return mean_y - slope * mean_x, slope


def summarize(record: Path, spark_fixed: float) -> None:
    """Per-engine fixed and per-event CPU cost over the recorded sizes, and the cores Spark needs to match DuckDB.

    DuckDB's wall time at N events is taken as N x (wall per event of its largest recorded run); Spark on K
    cores as ``spark_fixed + r x (DuckDB's CPU per event) x N / K`` for a per-event CPU ratio r (1, 5, 16):
    Spark's per-event cost needs Spark runs at two or more sizes, which a busy machine may not allow."""
    runs = [json.loads(line) for line in record.read_text().splitlines() if line.strip()]
    print("| engine | sizes (events) | fixed CPU s | CPU us/event |")
    print("|---|---|---|---|")
    fitted = {}
    for engine in sorted({r["engine"] for r in runs}):
        mine = [r for r in runs if r["engine"] == engine]
        sizes = sorted({r["events"] for r in mine})
        fitted[engine] = fit([(r["events"], r["cpu_seconds"]) for r in mine]) if len(sizes) > 1 else None
        fixed, slope = (f"{fitted[engine][0]:.1f}", f"{fitted[engine][1] * 1e6:.2f}") if fitted[engine] else ("-", "-")
        print(f"| {engine} | {', '.join(f'{n:,}' for n in sizes)} | {fixed} | {slope} |")
    duck = [r for r in runs if r["engine"] == "duckdb"]
    if not fitted.get("duckdb"):
        return
    largest = max(duck, key=lambda r: r["events"])
    wall_per_event, cpu_per_event = largest["seconds"] / largest["events"], fitted["duckdb"][1]
    print(f"\nDuckDB: {wall_per_event * 1e6:.2f} us wall per event (its {largest['events']:,}-event run), "
          f"{cpu_per_event * 1e6:.2f} CPU-us per event; Spark fixed cost {spark_fixed:.0f} s")
    print("| events | DuckDB wall s | cores for Spark, r = 1 | r = 5 | r = 16 |")
    print("|---|---|---|---|---|")
    for events in (10_000_000, 100_000_000, 1_000_000_000):
        wall, budget = wall_per_event * events, wall_per_event * events - spark_fixed
        cores = [math.ceil(r * cpu_per_event * events / budget) if budget > 0 else "none" for r in (1, 5, 16)]
        print(f"| {events:,} | {wall:,.0f} | " + " | ".join(str(c) for c in cores) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to generate")
    parser.add_argument("--copies", type=int, default=1, help="copies of the generated events to load")
    parser.add_argument("--files", type=int, default=0, help="gzip files (default: one per 500 events)")
    parser.add_argument("--engines", default="duckdb,local[1],local[2]", help="duckdb and Spark masters")
    parser.add_argument("--workdir", type=Path, help="keep the prepared data here and reuse it")
    parser.add_argument("--record", type=Path, help="append one JSON line per engine run to this file")
    parser.add_argument("--summarize", type=Path, help="fit the runs recorded in this file and stop")
    parser.add_argument("--spark-fixed", type=float, default=130.0, help="Spark's fixed seconds for --summarize")
    parser.add_argument("--phase", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--lake", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--master", default="local[2]", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.summarize:
        summarize(args.summarize, args.spark_fixed)
        return
    if args.phase == "duckdb":
        print(json.dumps(phase_duckdb(args.db)))
        return
    if args.phase == "spark":
        print(json.dumps(phase_spark(args.db, args.lake, args.master)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp) / "data"
        prepared = prepare(workdir, args.events, args.files or max(1, args.events // 500), args.copies)
        print(f"data: {prepared}", flush=True)
        print(f"event controls: {', '.join(event_controls())}", flush=True)
        database, lake_dir = workdir / "bench.duckdb", workdir / "lake"
        results = {}
        for engine in args.engines.split(","):
            phase = (["--phase", "duckdb", "--db", str(database)] if engine == "duckdb" else
                     ["--phase", "spark", "--db", str(database), "--lake", str(lake_dir), "--master", engine])
            load = os.getloadavg()[0]
            results[engine] = measure(phase) | {"load_before": round(load, 1), "load_after": round(os.getloadavg()[0], 1)}
            print(f"{engine}: {results[engine]}", flush=True)
            if args.record:
                with args.record.open("a") as out:
                    out.write(json.dumps({"engine": engine if engine == "duckdb" else f"spark {engine}",
                                          "events": prepared["stored_events"], **results[engine]}) + "\n")
    base = next(iter(results.values()))
    print(f"\n{prepared['stored_events']:,} events; ratios to {next(iter(results))}")
    print("| engine | wall s | ratio | CPU s | ratio | peak RSS MiB | result rows | errors | load avg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['seconds']:.1f} | {r['seconds'] / base['seconds']:.2f} | {r['cpu_seconds']:.1f} | "
              f"{r['cpu_seconds'] / base['cpu_seconds']:.2f} | {r['peak_rss_mib']:,} | {r['rows']:,} | {r['errors']} | "
              f"{r['load_before']}-{r['load_after']} |")


if __name__ == "__main__":
    main()
