"""Benchmark: the whole ``iamsql check`` and its CloudTrail steps, for this source tree and an older one,
interleaved in one run, on copies of one loaded database; fails when their results differ.

Each round runs ``iamsql check --fail-on none --format csv`` (every control) once per tree, alternating which
tree goes first, each in a child process on a fresh copy of the database (``controls_bench.check``: CPU seconds
and peak RSS from ``wait4``). Each tree has its own translation cache folder, so round 1 is a cold cache and the
later rounds a warm one. From each run the script reads what the run stored: the sum of the CloudTrail steps of
``iamsql_run_timing`` (``view:cloudtrail_event_actor`` and every ``cloudtrail_event_*`` control; wall
milliseconds, so inflated on a loaded machine), the SHA-256 of all result rows (``control_id, account_id,
resource, status, reason``, sorted) and the same per ``cloudtrail_event_*`` control.

    .venv/bin/python benchmarks/cloudtrail_check_bench.py --db bench.duckdb --baseline ../iamsql-before

The database comes from ``benchmarks/controls_bench.py --keep FILE``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.controls_bench import check  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLOUDTRAIL_STEP = "control_id = 'view:cloudtrail_event_actor' or control_id like 'cloudtrail\\_event\\_%' escape '\\'"


def stored(database: Path) -> dict:
    """Of the database's latest run: the CloudTrail steps' wall seconds, the result rows' SHA-256 (all and per
    ``cloudtrail_event_*`` control) and the row count."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        run_id = con.execute("select max(run_id) from iamsql_run").fetchone()[0]
        steps = con.execute(
            f"select coalesce(sum(duration_ms), 0) / 1000 from iamsql_run_timing where run_id = ? and ({CLOUDTRAIL_STEP})",
            [run_id],
        ).fetchone()[0]
        rows = con.execute(
            "select control_id, account_id, resource, status, reason from iamsql_result where run_id = ? order by all",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    per_control: dict[str, list] = {}
    for row in rows:
        if row[0].startswith("cloudtrail_event_"):
            per_control.setdefault(row[0], []).append(row)
    return {
        "cloudtrail_s": steps,
        "rows": len(rows),
        "sha256": _sha256(rows),
        "controls": {control: _sha256(found) for control, found in per_control.items()},
    }


def _sha256(rows: list[tuple]) -> str:
    return hashlib.sha256("\n".join(map(repr, rows)).encode()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="a loaded database (controls_bench.py --keep)")
    parser.add_argument("--baseline", type=Path, required=True, help="an older source tree to compare with")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each tree, interleaved (round 1: cold cache)")
    args = parser.parse_args()
    trees = {"before": args.baseline.resolve(), "after": ROOT}
    runs: dict[str, list[dict]] = {label: [] for label in trees}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for label in order:
                copy = work / f"{label}.duckdb"
                shutil.copyfile(args.db, copy)
                run = check(copy, "csv", work / f"cache-{label}", trees[label])
                runs[label].append({**run, **stored(copy)})
                copy.unlink()
                print(f"round {round_ + 1} {label}: {runs[label][-1]['cpu']:.1f} CPU-s", file=sys.stderr)
    print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end\n")
    print(
        "| round | cache | before CPU-s | after CPU-s | ratio | before peak RSS | after peak RSS | "
        "CloudTrail steps before (wall s) | after | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for index, (before, after) in enumerate(zip(runs["before"], runs["after"], strict=True)):
        print(
            f"| {index + 1} | {'cold' if index == 0 else 'warm'} | {before['cpu']:.1f} | {after['cpu']:.1f} | "
            f"{after['cpu'] / before['cpu']:.2f} | {before['rss'] / 2**20:,.0f} MiB | {after['rss'] / 2**20:,.0f} MiB | "
            f"{before['cloudtrail_s']:.1f} | {after['cloudtrail_s']:.1f} | "
            f"{after['cloudtrail_s'] / before['cloudtrail_s']:.2f} |"
        )
    results = {(label, run["rows"], run["sha256"]) for label, found in runs.items() for run in found}
    print(f"\nresult rows: {', '.join(sorted({f'{rows:,} rows, SHA-256 {sha[:16]}' for _, rows, sha in results}))}")
    differ = sorted(
        control
        for run in runs["before"] + runs["after"]
        for control in set(run["controls"]) | set(runs["before"][0]["controls"])
        if run["controls"].get(control) != runs["before"][0]["controls"].get(control)
    )
    if len({(rows, sha) for _, rows, sha in results}) > 1:
        print(f"results differ; cloudtrail_event_* controls that differ: {sorted(set(differ)) or 'none'}")
        return 1
    print(
        f"same results in every run ({len(runs['after'][0]['controls'])} cloudtrail_event_* controls compared one by one)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
