"""Benchmark: peak memory of each iamsql process on the large account (issue 16 item 1: <= 1/2 of Cloudsplaining's).

The large account is Cloudsplaining's example copied ``--copies`` times with everything renamed
(``vs_cloudsplaining.replicate``). It is loaded once into a database; each round then copies that database and runs,
as child processes measured with ``wait4`` (CPU = user + system, peak RSS):

- ``check`` on the copy (the first check of a snapshot: the policy engine computes every answer and keeps it),
- ``check`` again (the engine's answers come from the database),
- ``report --out x.xlsx``,
- ``evidence run`` of the file into a new database (load, check and report in one process).

``--baseline DIR`` measures an older source tree (``git archive <commit> | tar -x -C DIR``) interleaved with this
one, round by round, and exits non-zero unless both give the same check output (SHA-256 of the sorted lines of
``check --format csv``) and the same policy engine tables (SHA-256 of each table's sorted rows).

    .venv/bin/python benchmarks/large_account_memory.py --rounds 3
    .venv/bin/python benchmarks/large_account_memory.py --baseline ../iamsql-before
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.vs_cloudsplaining import EXAMPLE, ROOT, Iamsql, replicate  # noqa: E402

STEPS = ("check (first)", "check (second)", "report --out x.xlsx", "evidence run")
ENGINE_TABLES = """
import hashlib, json, sys
from iamsql.controls.catalog import ACCESS_QUESTIONS
from iamsql.policy.access import create_tables
from iamsql.store import db
con = db.connect(sys.argv[1])
counts = create_tables(con, ACCESS_QUESTIONS)
print(json.dumps({name: hashlib.sha256(repr(sorted(con.execute(f'select * from "{name}"').fetchall(),
    key=repr)).encode()).hexdigest()[:16] for name in counts}))
"""


class Tree(Iamsql):
    """An iamsql source tree (as ``vs_cloudsplaining`` runs one) with the steps this benchmark measures."""

    def output(self, *arguments: str) -> str:
        done = subprocess.run(self.cli + list(arguments), cwd=self.work, env=self.env, capture_output=True, text=True)
        return done.stdout

    def round(self, loaded: Path, source: Path) -> list[tuple[float, int]]:
        """The four measured steps of one round."""
        database = self.work / "round.duckdb"
        shutil.copy(loaded, database)
        found = [self.run("check", "--db", str(database), "--fail-on", "none", "--format", "csv", "--quiet")]
        found.append(self.run("check", "--db", str(database), "--fail-on", "none", "--format", "csv", "--quiet"))
        found.append(self.run("report", "--db", str(database), "--out", str(self.work / "round.xlsx")))
        evidence, evidence_db = self.work / "evidence", self.work / "evidence.duckdb"
        shutil.rmtree(evidence, ignore_errors=True)
        evidence_db.unlink(missing_ok=True)
        found.append(
            self.run(
                "evidence",
                "run",
                "--db",
                str(evidence_db),
                "--evidence-dir",
                str(evidence),
                "--source",
                str(source),
                "--fail-on",
                "none",
                "--quiet",
            )
        )
        return found

    def fingerprints(self, loaded: Path) -> dict[str, str]:
        """SHA-256 of the sorted ``check --format csv`` lines and of each policy engine table's sorted rows."""
        database = self.work / "compare.duckdb"
        shutil.copy(loaded, database)
        lines = self.output("check", "--db", str(database), "--fail-on", "none", "--format", "csv", "--quiet")
        found = {"check csv": hashlib.sha256("\n".join(sorted(lines.splitlines())).encode()).hexdigest()[:16]}
        shutil.copy(loaded, database)
        done = subprocess.run(
            [sys.executable, "-c", ENGINE_TABLES, str(database)],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return {**found, **json.loads(done.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=26, help="copies of the example account")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="an older iamsql source tree, measured and compared too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "large.json"
        source.write_text(json.dumps(replicate(json.loads(EXAMPLE.read_text()), args.copies)))
        trees = [Tree("iamsql", ROOT, work)]
        if args.baseline:
            trees.append(Tree("baseline", args.baseline.resolve(), work))
        loaded = work / "loaded.duckdb"
        trees[-1].run("load", "--db", str(loaded), str(source))  # the oldest tree's schema: every tree opens it
        for tree in trees:  # fills each tree's translation cache before the measured rounds
            tree.round(loaded, source)
        measured: dict[str, list[list[tuple[float, int]]]] = {tree.label: [] for tree in trees}
        for _ in range(args.rounds):
            for tree in trees:
                measured[tree.label].append(tree.round(loaded, source))
        print(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"load average {os.getloadavg()[0]:.2f}; medians of {args.rounds} rounds (min-max of peak RSS)"
        )
        print("| tree | step | CPU s | peak RSS MiB | min-max MiB |")
        print("|---|---|---:|---:|---|")
        for label, rounds in measured.items():
            for index, step in enumerate(STEPS):
                cpu = statistics.median(found[index][0] for found in rounds)
                peaks = [found[index][1] / 2**20 for found in rounds]
                print(
                    f"| {label} | {step} | {cpu:.2f} | {statistics.median(peaks):.0f} "
                    f"| {min(peaks):.0f}-{max(peaks):.0f} |"
                )
        if args.baseline:
            found = [tree.fingerprints(loaded) for tree in trees]
            for name in found[0]:
                print(f"{name}: {found[0][name]} / baseline {found[1].get(name)}")
            if found[0] != found[1]:
                sys.exit("the check output or the engine tables differ from the baseline's")


if __name__ == "__main__":
    main()
