"""Before/after check: ``iamsql evidence run`` of two source trees on the same file gives the same outputs.

Each tree runs ``evidence run`` (load, check, report) on a new database in a child process; then the script
compares, for both runs: the results table (SHA-256 of its rows sorted), the per-control timing keys (control,
account, result rows), ``results.json``, ``results.ocsf.json``, ``manifest.json`` and the workbook (every
sheet's cell values and styles, conditional formats, filters and frozen panes). Times taken from the clock
during a run (run start and end, load times, the workbook's serial numbers of them) and paths of the temporary
folders differ between runs by nature and are replaced by placeholders first, as are the manifest's hashes and sizes
of the files that contain them (compared here themselves).

    .venv/bin/python benchmarks/evidence_outputs_compare.py --baseline ../iamsql-before
    .venv/bin/python benchmarks/evidence_outputs_compare.py --baseline ../iamsql-before --source other.json

Exits non-zero and names the first difference of each output that differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "cloudsplaining" / "example.json"
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")
EPOCH_MS = re.compile(r"\b1\d{12}\b")
CLOCK_FILES = ("results.json", "results.ocsf.json", "workbook.xlsx")  # outputs that carry the run's clock times


def evidence_run(tree: Path, source: Path, work: Path) -> tuple[Path, Path, datetime, datetime]:
    """Run ``iamsql evidence run`` of ``tree`` on ``source``; the database, the run folder and the clock window."""
    work.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(tree), "IAMSQL_CACHE_DIR": str(work / "cache")}
    command = [
        sys.executable,
        "-c",
        # the installed command's entry point (``console``; ``main`` in a tree from before it)
        "import sys, iamsql.cli as cli; sys.argv[0] = 'iamsql'; getattr(cli, 'console', cli.main)()",
        "evidence",
        "run",
        "--db",
        str(work / "db.duckdb"),
        "--evidence-dir",
        str(work / "evidence"),
        "--source",
        str(source),
        "--fail-on",
        "none",
        "--quiet",
    ]
    start = datetime.now(timezone.utc) - timedelta(seconds=1)
    subprocess.run(command, cwd=work, env=env, check=True)
    end = datetime.now(timezone.utc) + timedelta(seconds=1)
    (folder,) = [p.parent for p in (work / "evidence").rglob("manifest.json")]
    return work / "db.duckdb", folder, start, end


class Normalizer:
    """Replaces what differs between two runs by nature: clock times inside the run's window and its folders."""

    def __init__(self, start: datetime, end: datetime, folders: list[Path]):
        self.start, self.end = start, end
        self.folders = sorted((str(f) for f in folders), key=len, reverse=True)

    def clock(self, moment: datetime) -> bool:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return self.start <= moment <= self.end

    def text(self, text: str) -> str:
        for folder in self.folders:
            text = text.replace(folder, "<folder>")
        text = ISO_TIME.sub(lambda m: "<now>" if self._iso_is_clock(m.group()) else m.group(), text)
        return EPOCH_MS.sub(lambda m: "<now-ms>" if self._ms_is_clock(int(m.group())) else m.group(), text)

    def value(self, value):
        if isinstance(value, datetime):
            return "<now>" if self.clock(value) else value
        return self.text(value) if isinstance(value, str) else value

    def _iso_is_clock(self, text: str) -> bool:
        try:
            return self.clock(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return False

    def _ms_is_clock(self, ms: int) -> bool:
        return self.clock(datetime.fromtimestamp(ms / 1000, timezone.utc))


def results_digest(db: Path) -> tuple[str, str, int]:
    """SHA-256 of the run's results sorted, of its timing keys sorted, and the number of results."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("select * exclude (run_id) from iamsql_result order by all").fetchall()
        timings = con.execute(
            "select control_id, account_id, result_rows from iamsql_run_timing order by all"
        ).fetchall()
    finally:
        con.close()
    return (
        hashlib.sha256(repr(rows).encode()).hexdigest(),
        hashlib.sha256(repr(timings).encode()).hexdigest(),
        len(rows),
    )


def workbook_cells(path: Path, norm: Normalizer) -> list:
    """Every sheet's cells (value and style), conditional formats, filter and frozen panes, normalized."""
    book = load_workbook(path)
    found = [book.sheetnames]
    for ws in book.worksheets:
        found.append(
            (
                ws.title,
                ws.freeze_panes,
                ws.auto_filter.ref,
                ws.max_row,
                ws.max_column,
                sorted((str(r.sqref), repr(r.rules)) for r in ws.conditional_formatting),
                sorted((k, d.width) for k, d in ws.column_dimensions.items()),
            )
        )
        for row in ws.iter_rows():
            found.extend(
                (
                    c.coordinate,
                    norm.value(c.value),
                    c.data_type,
                    c.number_format,
                    c.quotePrefix,
                    repr(c.font),
                    repr(c.fill),
                    repr(c.alignment),
                )
                for c in row
                if c.value is not None or c.has_style
            )
    return found


def manifest(folder: Path, norm: Normalizer) -> dict:
    data = json.loads(norm.text((folder / "manifest.json").read_text(encoding="utf-8")))
    data["files"] = {
        path: {"sha256": "<clock>", "bytes": "<clock>"} if path in CLOCK_FILES else entry
        for path, entry in data["files"].items()
    }
    return data


def first_difference(a, b, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{where}.{key}")
    if isinstance(a, list) and isinstance(b, list):
        for index, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{where}[{index}]")
        if len(a) != len(b):
            return f"{where}: {len(a)} against {len(b)} items"
    return f"{where}: {str(a)[:300]!r} against {str(b)[:300]!r}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="The other iamsql source tree.")
    parser.add_argument("--tree", type=Path, default=ROOT, help="This tree (default: the one holding the script).")
    parser.add_argument("--source", type=Path, default=EXAMPLE, help="File or folder to load.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iamsql-compare-") as tmp:
        runs = {}
        for label, tree in (("baseline", args.baseline.resolve()), ("tree", args.tree.resolve())):
            db, folder, start, end = evidence_run(tree, args.source.resolve(), Path(tmp) / label)
            runs[label] = (db, folder, Normalizer(start, end, [Path(tmp) / label, folder]))
        outputs = {}
        for label, (db, folder, norm) in runs.items():
            outputs[label] = {
                "results (sha256, timing keys sha256, rows)": results_digest(db),
                "results.json": norm.text((folder / "results.json").read_text(encoding="utf-8")).splitlines(),
                "results.ocsf.json": norm.text((folder / "results.ocsf.json").read_text(encoding="utf-8")).splitlines(),
                "manifest.json": manifest(folder, norm),
                "workbook.xlsx": workbook_cells(folder / "workbook.xlsx", norm),
            }
        differ = 0
        for name, before in outputs["baseline"].items():
            after = outputs["tree"][name]
            if before == after:
                print(f"same       {name}" + (f": {before}" if name.startswith("results (") else ""))
            else:
                differ += 1
                print(f"DIFFERENT  {name}: {first_difference(before, after)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
