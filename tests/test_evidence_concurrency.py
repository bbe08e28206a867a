"""Two evidence runs at once on one database, and a run killed with SIGKILL, in real processes on a real
DuckDB file: the second run waits or fails with one clear line; a killed run leaves no visible folder and no
run in history; the next run cleans up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from iamsql import scheduled as evidence
from iamsql.common.resources import SAMPLE_DIR
from iamsql.history import runs as history
from iamsql.store import db as dbmod

# A slow run: the whole bundled sample (six accounts) and every control.
SLOW = {"sources": [str(SAMPLE_DIR)], "controls": None}
FAST = {"sources": [str(SAMPLE_DIR / "aws_cli_examples")], "controls": ["iam_user_in_group"]}


def config(path: Path, db: Path, evidence_dir: Path, kind: dict) -> Path:
    controls = f"controls = {json.dumps(kind['controls'])}\n" if kind["controls"] else ""
    path.write_text(f"db = {json.dumps(str(db))}\nevidence_dir = {json.dumps(str(evidence_dir))}\n{controls}"
                    f"outputs = ['json']\nfail_on = 'none'\n[sources]\npaths = {json.dumps(kind['sources'])}\n")
    return path


def start(config_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from iamsql.cli import main; main()", "evidence", "run",
                             "--config", str(config_path), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_work_folder(evidence_dir: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the run has copied its raw files into its hidden work folder (it holds both locks by then)."""
    deadline = time.monotonic() + timeout
    while not any(evidence_dir.glob(".incomplete-*/raw/*")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started its work folder"
        time.sleep(0.02)


def visible_runs(evidence_dir: Path) -> list[Path]:
    return [p for p in evidence_dir.glob("*/*") if p.is_dir() and not p.parent.name.startswith(".")]


def test_second_run_fails_fast_or_waits(tmp_path):
    db, shared = tmp_path / "audit.duckdb", tmp_path / "evidence"
    slow = start(config(tmp_path / "slow.toml", db, shared, SLOW))
    wait_for_work_folder(shared, slow)

    same_folder = start(config(tmp_path / "fast.toml", db, shared, FAST), "--wait", "0")
    out, err = same_folder.communicate(timeout=60)
    assert same_folder.returncode == 254 and out == ""
    assert err.startswith("error: another evidence run (pid ") and "use --wait SECONDS" in err and err.count("\n") == 1

    other_folder = start(config(tmp_path / "other.toml", db, tmp_path / "elsewhere", FAST), "--wait", "0")
    out, err = other_folder.communicate(timeout=60)
    assert other_folder.returncode == 254 and err.count("\n") == 1
    # the holder named as DuckDB sees it: its program (the interpreter, by its real name) and process id
    holder = f"another process, {Path(os.path.realpath(sys.executable)).name} PID {slow.pid} (locked)"
    assert f"is in use by {holder}" in err, err

    waiting = start(tmp_path / "fast.toml", "--wait", "120")
    slow_out, slow_err = slow.communicate(timeout=300)
    waiting_out, waiting_err = waiting.communicate(timeout=300)
    assert slow.returncode == 0, slow_err
    assert waiting.returncode == 0, waiting_err
    assert len(visible_runs(shared)) == 2 and all(r.ok for r in evidence.verify(shared))
    assert not list(tmp_path.glob("elsewhere/*/*"))  # the refused run left nothing
    con = dbmod.connect(db, read_only=True)
    rows = con.execute("select run_id, status, folder from iamsql_evidence_run order by run_id").fetchall()
    con.close()
    assert [status for _, status, _ in rows] == ["complete", "complete"]
    assert rows[0][2] in slow_out and rows[1][2] in waiting_out  # the waiting run came second


def test_killed_run_leaves_no_visible_folder_and_no_run(tmp_path):
    db, shared = tmp_path / "audit.duckdb", tmp_path / "evidence"
    proc = start(config(tmp_path / "slow.toml", db, shared, SLOW))
    wait_for_work_folder(shared, proc)
    time.sleep(1.0)  # loading or checking by now
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert visible_runs(shared) == [] and list(shared.glob(".incomplete-*"))

    con = duckdb.connect(str(db))  # opens: DuckDB rolls back what was not committed
    con.close()
    con = dbmod.connect(db)
    history.ensure_schema(con)
    assert con.execute("select count(*) from iamsql_evidence_run where status = 'complete'").fetchone()[0] == 0
    unfinished = {r for (r,) in con.execute("select run_id from iamsql_evidence_run").fetchall()}
    assert not unfinished & {r["run_id"] for r in history.runs(con)}  # a killed run is not in history
    con.close()

    fast = config(tmp_path / "fast.toml", db, shared, FAST)
    after = start(fast)
    out, err = after.communicate(timeout=120)
    assert after.returncode == 0, err
    assert not list(shared.glob(".incomplete-*")) and len(visible_runs(shared)) == 1
    con = dbmod.connect(db, read_only=True)
    statuses = dict(con.execute("select run_id, status from iamsql_evidence_run").fetchall())
    shown = [r["run_id"] for r in history.runs(con)]
    con.close()
    assert sorted(set(statuses.values())) in (["complete"], ["abandoned", "complete"])
    assert [r for r, s in statuses.items() if s == "complete"] == shown[-1:]
