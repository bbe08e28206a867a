"""Benchmark and before/after check of a second ``iamsql check`` (the policy engine's answers already stored):
the CPU it spends per result (issue 16 item 5), and proof that another source tree writes the same bytes.

Give a database that had a first ``iamsql check`` (e.g. ``controls_bench.py --keep``). Each command runs on its
own copy of it, in a child process, with a translation cache shared by both trees (its keys hold the pack hash).

1. outputs: for each format, the baseline tree and this one run ``check --fail-on none --format F`` on fresh
   copies; standard output, standard error (the summary) and the exit code must be byte-identical. For the first
   format also the stored results (SHA-256 of ``select * exclude (run_id) from iamsql_result ... order by all``
   for the run) and ``iamsql report`` of the run (xlsx: every sheet's cell values, clock times of the runs
   replaced, as ``evidence_outputs_compare.py`` does).
2. CPU: ``--rounds`` rounds of ``check --fail-on none --format csv`` (or ``--round-format``), baseline and this
   tree alternately on fresh copies: CPU seconds (user + system) and peak RSS of each, the ratio per round, and the per-step times the run
   stored (``iamsql_run_timing``), whose sum is the time DuckDB spent on the controls and shared views.

    .venv/bin/python benchmarks/check_results_bench.py --db bench.duckdb --baseline ../iamsql-before
    .venv/bin/python benchmarks/check_results_bench.py --db bench.duckdb --baseline ../iamsql-before --rounds 0
    .venv/bin/python benchmarks/check_results_bench.py --db bench.duckdb --baseline ../iamsql-before --formats '' \
        --round-format table

Exits non-zero when an output differs.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.evidence_outputs_compare import Normalizer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "json", "jsonl", "md", "table")


def run_child(tree: Path, cache: Path, *args: str) -> tuple[float, int, int, bytes, bytes]:
    """CPU seconds, peak RSS (KiB), exit code, stdout and stderr of one ``iamsql`` command of ``tree``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "IAMSQL_CACHE_DIR": str(cache),
        "PYTHONHASHSEED": "0",
        "COLUMNS": "120",
    }
    command = [sys.executable, "-c", "import sys; from iamsql.cli import main; sys.argv[0] = 'iamsql'; main()", *args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=tempfile.gettempdir())
        _, status, usage = os.wait4(child.pid, 0)
        out.seek(0)
        err.seek(0)
        return (
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss,
            os.waitstatus_to_exitcode(status),
            out.read(),
            err.read(),
        )


def stored_results(db: Path) -> tuple[str, int]:
    """SHA-256 of the latest run's stored results sorted (without the run id), and their number."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select * exclude (run_id) from iamsql_result where run_id = (select max(run_id) from iamsql_run) "
            "order by all"
        ).fetchall()
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest(), len(rows)


def step_seconds(db: Path) -> float:
    """The sum of the per-step times the latest run stored."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select sum(duration_ms) / 1000 from iamsql_run_timing where run_id = (select max(run_id) from iamsql_run)"
        ).fetchone()[0]
    finally:
        con.close()


def workbook_values(path: Path, norm: Normalizer) -> list:
    """Sheet names and every sheet's cell values, row by row, clock times replaced."""
    book = load_workbook(path, read_only=True)
    try:
        found: list = [book.sheetnames]
        for sheet in book.worksheets:
            found.extend((sheet.title, tuple(norm.value(v) for v in row)) for row in sheet.iter_rows(values_only=True))
        return found
    finally:
        book.close()


def compare_outputs(
    baseline: Path, tree: Path, database: Path, work: Path, cache: Path, formats: list[str]
) -> list[str]:
    """The differences between the two trees' outputs (empty: none); prints what was compared."""
    problems = []
    for index, fmt in enumerate(formats):
        found = {}
        for name, source in (("baseline", baseline), ("this", tree)):
            copy = work / f"{name}.duckdb"
            shutil.copyfile(database, copy)
            start = datetime.now(timezone.utc) - timedelta(seconds=1)
            seconds, peak, code, out, err = run_child(
                source, cache, "check", "--db", str(copy), "--fail-on", "none", "--format", fmt
            )
            found[name] = {
                "out": out,
                "err": err,
                "code": code,
                "start": start,
                "end": datetime.now(timezone.utc) + timedelta(seconds=1),
            }
            if index == 0:
                found[name]["results"] = stored_results(copy)
                book = work / f"{name}.xlsx"
                report = run_child(source, cache, "report", "--db", str(copy), "--out", str(book), "--quiet")
                if report[2]:
                    problems.append(f"{name}: report failed: {report[4].decode()[-500:]}")
                found[name]["book"] = book
            copy.unlink()
        a, b = found["baseline"], found["this"]
        for key in ("out", "err", "code"):
            same = a[key] == b[key]
            size = (
                f"{len(a[key])} bytes, SHA-256 {hashlib.sha256(a[key]).hexdigest()[:16]}" if key != "code" else a[key]
            )
            print(f"- `check --format {fmt}` {key}: {'same' if same else 'DIFFERENT'} ({size})")
            if not same:
                problems.append(f"{fmt} {key} differs")
        if index == 0:
            same = a["results"] == b["results"]
            print(
                f"- stored results: {'same' if same else 'DIFFERENT'} ({a['results'][1]} rows, "
                f"SHA-256 {a['results'][0][:16]} against {b['results'][0][:16]})"
            )
            if not same:
                problems.append("stored results differ")
            norm = Normalizer(min(a["start"], b["start"]), max(a["end"], b["end"]), [work])
            cells = [workbook_values(found[name]["book"], norm) for name in ("baseline", "this")]
            same = cells[0] == cells[1]
            print(f"- `report` workbook values: {'same' if same else 'DIFFERENT'} ({len(cells[0]) - 1} rows)")
            if not same:
                problems.append("workbook differs")
            for name in ("baseline", "this"):
                found[name]["book"].unlink()
    return problems


def cpu_rounds(baseline: Path, tree: Path, database: Path, work: Path, cache: Path, rounds: int,
               output: str = "csv") -> None:
    """Print one line per round: CPU seconds, peak RSS and stored step time of each tree, and the CPU ratio."""
    print(
        "\n| round | baseline CPU s | this CPU s | ratio | baseline peak MiB | this peak MiB | "
        "steps s (baseline / this) |"
    )
    print("|---|---|---|---|---|---|---|")
    for number in range(1, rounds + 1):
        figures = {}
        for name, source in (("baseline", baseline), ("this", tree)):
            copy = work / f"{name}.duckdb"
            shutil.copyfile(database, copy)
            seconds, peak, code, _, err = run_child(
                source, cache, "check", "--db", str(copy), "--fail-on", "none", "--format", output
            )
            if code:
                sys.exit(f"{name}: check failed ({code}): {err.decode()[-2000:]}")
            figures[name] = (seconds, peak / 1024, step_seconds(copy))
            copy.unlink()
        (a, am, asteps), (b, bm, bsteps) = figures["baseline"], figures["this"]
        print(
            f"| {number} | {a:.1f} | {b:.1f} | {b / a:.2f} | {am:.0f} | {bm:.0f} | {asteps:.1f} / {bsteps:.1f} |",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="A database that had a first check (not changed).")
    parser.add_argument("--baseline", type=Path, required=True, help="The other iamsql source tree.")
    parser.add_argument("--tree", type=Path, default=ROOT, help="This tree (default: the one holding the script).")
    parser.add_argument("--rounds", type=int, default=3, help="CPU rounds (0: outputs only).")
    parser.add_argument("--formats", default=",".join(FORMATS), help="Formats to compare ('': none).")
    parser.add_argument("--round-format", default="csv", choices=FORMATS, help="The CPU rounds' output format.")
    parser.add_argument("--work", type=Path, help="Folder for the copies (default: a temporary folder).")
    parser.add_argument("--cache", type=Path, help="Translation cache (default: a new one, filled by the first run).")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="check-results-", dir=args.work))
    # The CPU rounds run in a process started now, while this one is small: a child's peak RSS (``wait4``) counts the
    # memory of the process it was started from, and the comparisons below hold the outputs and two workbooks.
    rounds = multiprocessing.get_context("forkserver").Pool(1) if args.rounds else None
    try:
        print(
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
        )
        cache = args.cache or work / "cache"
        formats = [f for f in args.formats.split(",") if f]
        problems = (
            compare_outputs(args.baseline.resolve(), args.tree.resolve(), args.db, work, cache, formats)
            if formats
            else []
        )
        if rounds:
            sys.stdout.flush()  # before the rounds' process prints
            rounds.apply(cpu_rounds, (args.baseline.resolve(), args.tree.resolve(), args.db, work, cache, args.rounds,
                                      args.round_format))
        print(f"\nload average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for problem in problems:
            print(f"DIFFERENT: {problem}", file=sys.stderr)
        return 1 if problems else 0
    finally:
        if rounds:
            rounds.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
