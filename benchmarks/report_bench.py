"""Benchmark: ``iamsql report`` of a run with 200,000 findings, as xlsx and csv.

Builds a database with several stored check runs (findings spread over the shipped controls and 20 accounts,
with realistic reason lengths, some churn between runs and an exception), then writes the last run in each
format in a fresh process and records CPU time and peak RSS of that process. Another process only gathers the
report model and iterates the findings ("model": as dicts, what csv and json read; "model-rows": as the
Findings sheet's rows, ``Report.finding_rows``), and one only imports iamsql and opens the database: the
baselines the writers' cost is compared to. Two more write only the Findings sheet's rows from the same model:
"openpyxl-loop" appends plain values to an openpyxl write-only sheet (what openpyxl costs at the least) and
"xlsxwriter" writes them with XlsxWriter in ``constant_memory`` mode (measured when ``xlsxwriter`` can be
imported, e.g. from a folder on PYTHONPATH). ``--baseline DIR`` also writes the xlsx with the iamsql package
of another checkout (``git archive <commit> | tar -x -C DIR``), for before/after figures from one run, and
says whether both workbooks are the same bytes.

    .venv/bin/python -m benchmarks.report_bench [--findings 200000] [--runs 5] [--keep DIR] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

MEASURE = """
import sys
from datetime import datetime
from iamsql.store import db
from iamsql.report import build_report, write_report
con = db.connect(sys.argv[1], read_only=True)

if sys.argv[2] == "open":
    pass
elif sys.argv[2] == "model":
    report = build_report(con)
    print(sum(1 for _ in report.findings()))
elif sys.argv[2] == "model-rows":
    report = build_report(con)
    print(sum(1 for _ in report.finding_rows()))
elif sys.argv[2] == "openpyxl-loop":
    from openpyxl import Workbook
    report = build_report(con)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Findings")
    ws.append([c.header for c in report.finding_columns])
    for row in report.finding_rows():
        ws.append(row)
    wb.save(sys.argv[3])
elif sys.argv[2] == "xlsxwriter":
    import xlsxwriter
    report = build_report(con)
    wb = xlsxwriter.Workbook(sys.argv[3], {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
    ws = wb.add_worksheet("Findings")
    day = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, [c.header for c in report.finding_columns])
    for r, row in enumerate(report.finding_rows(), 1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif isinstance(value, datetime):
                ws.write_datetime(r, c, value, day)
            elif value is not None:
                ws.write(r, c, value)
    wb.close()
else:
    write_report(con, sys.argv[2])
"""


def build_database(path: Path | str, findings: int, runs: int) -> None:
    """``runs`` check runs a day apart; the last has ``findings`` results. Between runs about 2% of findings
    flip between ok and alarm and 500 resources come and go, so first/last seen, status since and the
    changes against the previous run all have work to do; one exception covers 1 in 4 alarms of the last run."""
    from iamsql.controls.catalog import load_controls
    from iamsql.controls.views import control_pack_hash
    from iamsql.history import runs as history
    from iamsql.store import db

    controls = [c.id for c in load_controls()]
    con = db.connect(path)
    history.ensure_schema(con)
    accounts = [f"{100000000000 + n}" for n in range(20)]
    for run in range(1, runs + 1):
        now = datetime(2025, 6, 1, tzinfo=timezone.utc) + timedelta(days=run - runs)
        con.execute(
            "insert into iamsql_run values (?, ?, ?, ?, '0.1.0', ?, 'duckdb', 'bench', ?, '[]', '{}', '[]', 'complete')",
            [
                run,
                now,
                now,
                now,
                control_pack_hash(),
                json.dumps([{"account_id": a, "as_of": now.isoformat()} for a in accounts]),
            ],
        )
        con.execute(
            """
            insert into iamsql_result
            select ?, c.control_id, md5(i::varchar)[:16],
                   'arn:aws:iam::' || a.account_id || ':role/service-role/workload-' || i,
                   case when (i + ?) % 53 = 0 then (case when i % 5 = 1 then 'ok' else 'alarm' end)
                        else ['ok', 'alarm', 'ok', 'skip', 'info'][1 + i % 5] end,
                   'Role workload-' || i || ' has not been used for ' || (i % 400) || ' days (more than 90); '
                       || 'remove it or record why it must stay. Last used from ' || (i % 250) || '.10.0.1 by '
                       || '=HYPERLINK("http://x","y") aws-cli/2.15.0 Python/3.11.6 Linux/6.1',
                   a.account_id, 'global', 'medium', '{"principal_type": "Role"}'
            from range(?, ?) t(i)
            join (select unnest(?::varchar[]) as control_id, generate_subscripts(?::varchar[], 1) - 1 as n) c
              on c.n = i % ?
            join (select unnest(?::varchar[]) as account_id, generate_subscripts(?::varchar[], 1) - 1 as n) a
              on a.n = i % 20
            """,
            [
                run,
                run,
                (runs - run) * 500,
                (runs - run) * 500 + findings,
                controls,
                controls,
                len(controls),
                accounts,
                accounts,
            ],
        )
    con.execute(
        "insert into iamsql_run_exception values (?, 'bench-1', 1, '*', '*', '*', 'accepted for the "
        "benchmark', 'auditor@example.com', 'SEC-1', '2026-01-01', 'active', 0)",
        [runs],
    )
    con.execute(
        "insert into iamsql_result_exception select run_id, finding_id, 'bench-1', 'accepted for the "
        "benchmark' from iamsql_result where run_id = ? and status = 'alarm' and hash(finding_id) % 4 = 0",
        [runs],
    )
    con.execute("checkpoint")  # the measured processes open a settled file (no write-ahead log to replay)
    con.close()


def measure(database: Path, *target: str, package: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one process writing ``target`` (or only gathering, for
    "model", or only opening the database, for "open"), with the iamsql package found in ``package`` if given.
    CPU seconds are the steadier figure on a busy machine."""
    env = dict(os.environ)
    if package:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package), env.get("PYTHONPATH")]))
    started = time.perf_counter()
    # "python -c" puts its working folder first on the path: the baseline's, so that its package is the one found.
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURE, str(database), *target], stdout=subprocess.DEVNULL, env=env, cwd=package
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"writing {' '.join(target)} failed")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5, help="check runs in the history (the last is reported)")
    parser.add_argument("--keep", type=Path, help="keep the database and reports in this folder")
    parser.add_argument("--baseline", type=Path, help="also write the xlsx with the iamsql package in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="iamsql-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "bench.duckdb"
    database.unlink(missing_ok=True)
    # Built in its own process: a child's peak RSS counts its parent's memory at fork time, so this process
    # must stay small.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from benchmarks.report_bench import build_database; "
            "build_database(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))",
            str(database),
            str(args.findings),
            str(args.runs),
        ],
        check=True,
    )
    load_before = os.getloadavg()
    results = {
        "open": measure(database, "open"),
        "model": measure(database, "model"),
        "model-rows": measure(database, "model-rows"),
    }
    files = {"xlsx": folder / "report.xlsx", "csv": folder / "report.csv"}
    if args.baseline:
        files["xlsx-baseline"] = folder / "baseline.xlsx"
        results["xlsx-baseline"] = measure(database, str(files["xlsx-baseline"]), package=args.baseline.resolve())
    for fmt in ("xlsx", "csv"):
        results[fmt] = measure(database, str(files[fmt]))
    for writer in ("openpyxl-loop", "xlsxwriter"):
        if writer == "xlsxwriter" and importlib.util.find_spec("xlsxwriter") is None:
            continue
        files[writer] = folder / f"{writer}.xlsx"
        results[writer] = measure(database, writer, str(files[writer]))
    _, base_cpu, base_rss = results["model"]
    print(
        f"{args.findings:,} findings, {args.runs} runs of history; load average (1, 5, 15 min) before: "
        f"{' '.join(f'{x:.1f}' for x in load_before)}, after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"{'':13} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9} {'CPU / model':>12} {'RSS / model':>12} {'file MiB':>9}")
    for name, (wall, cpu, rss) in results.items():
        size = files[name].stat().st_size / 2**20 if name in files else 0
        print(f"{name:13} {wall:7.1f} {cpu:7.1f} {rss:9.0f} {cpu / base_cpu:12.2f} {rss / base_rss:12.2f} {size:9.1f}")
    xlsx, csv_ = results["xlsx"], results["csv"]
    print(
        f"xlsx / csv: CPU {xlsx[1] / csv_[1]:.2f}x, peak RSS {xlsx[2] / csv_[2]:.2f}x; "
        f"xlsx peak RSS is {xlsx[2] / 500:.0%} of the 500 MiB budget; "
        f"xlsx {1e6 * xlsx[1] / args.findings:.0f} CPU µs per finding"
    )
    for name in ("xlsx-baseline", "openpyxl-loop", "xlsxwriter"):
        if name in results:
            print(f"xlsx / {name}: CPU {xlsx[1] / results[name][1]:.2f}x, peak RSS {xlsx[2] / results[name][2]:.2f}x")
    if args.baseline:
        same = files["xlsx"].read_bytes() == files["xlsx-baseline"].read_bytes()
        print(f"xlsx and xlsx-baseline: {'the same bytes' if same else 'DIFFERENT'}")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
