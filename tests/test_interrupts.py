"""Interrupts tell the truth: the line after Ctrl-C says what was stored or rolled back; temporary files live in
a private per-process folder (``scratch.py``) that is removed at exit and swept at the next start once its
process is gone, so a killed report writer leaves nothing beside ``--out``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from iamsql.cli import root
from iamsql.common import scratch
from iamsql.common.resources import SAMPLE_DIR
from iamsql.controls.engines.duckdb import run_checks
from iamsql.load import load_paths
from iamsql.store import db, journal

CLI = [sys.executable, "-c", "from iamsql.cli import main; main()"]
# Two controls whose JSON results on the sample exceed a pipe's 64 KiB: the command blocks writing them
# (after the run is stored and the database closed) until the test reads, which makes the interrupt's timing exact.
BIG_OUTPUT_CONTROLS = ["iam_role_unused", "iam_policy_no_full_admin"]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("interrupts") / "audit.duckdb"
    con = db.connect(path)
    load_paths(con, [SAMPLE_DIR])
    con.close()
    return path


def has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def wait_for(condition, process: subprocess.Popen, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"never saw: {what} (exit {process.returncode}: {process.stderr.read()})")
        time.sleep(0.01)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see which files a process holds")
def test_ctrl_c_after_the_check_run_was_stored_says_so(sample_db, tmp_path):
    database = tmp_path / "audit.duckdb"
    database.write_bytes(sample_db.read_bytes())
    process = subprocess.Popen(
        [
            *CLI,
            "check",
            "--db",
            str(database),
            "--format",
            "json",
            "--fail-on",
            "none",
            *[f"--control={c}" for c in BIG_OUTPUT_CONTROLS],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        wait_for(lambda: has_open(process.pid, database), process, "the database opened")
        # closed again while still running: the run is stored and the results are being written to the full pipe
        wait_for(lambda: not has_open(process.pid, database), process, "the database closed")
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    con = duckdb.connect(str(database), read_only=True)
    [(run_id,)] = con.execute("select run_id from iamsql_run").fetchall()
    con.close()
    assert process.returncode == 130
    assert err.splitlines() == [f"interrupted after check run {run_id} was stored"]


def test_ctrl_c_inside_a_load_names_the_snapshot_it_rolled_back(tmp_path):
    con = db.connect(tmp_path / "audit.duckdb")
    journal.reset()

    def interrupt(_path) -> None:  # called as each CloudTrail batch is stored, inside the load's transaction
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_paths(con, sorted((SAMPLE_DIR / "cloudtrail" / "invictus_ir").glob("*.json")), progress=interrupt)
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 0
    assert journal.stored == [] and len(journal.rolled_back) == 1
    assert re.fullmatch(
        r"interrupted: load of snapshot \d+ rolled back, nothing stored", journal.interrupted("nothing was loaded")
    )
    con.close()


def test_a_failure_after_a_stored_run_says_what_was_stored(sample_db, tmp_path):
    database = tmp_path / "audit.duckdb"
    database.write_bytes(sample_db.read_bytes())
    con = db.connect(database)
    journal.reset()
    assert (
        journal.after_failure() == ""
        and journal.interrupted("nothing was changed") == "interrupted: nothing was changed"
    )
    run_id = run_checks(con, controls=["iam_user_in_group"])
    con.close()
    assert journal.stored == [f"check run {run_id}"]
    assert journal.after_failure() == f" (check run {run_id} stored before the failure)"


def spawn_dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.skipif(os.name != "posix", reason="folders of dead processes are swept on POSIX only")
def test_folders_of_dead_processes_are_swept_and_live_ones_kept(tmp_path):
    base = tmp_path / "tmp"
    base.mkdir()
    dead = base / f"iamsql-{spawn_dead_pid()}-k2j4x"
    (dead / "sub").mkdir(parents=True)
    (dead / "sub" / ".report.xlsx.abc.partial").write_text("half")
    alive = base / f"iamsql-{os.getpid()}-q9z1a"
    alive.mkdir()
    unrelated = base / "iamsql-notes"
    unrelated.mkdir()
    result = subprocess.run(
        [*CLI, "--version"], capture_output=True, text=True, env={**os.environ, "TMPDIR": str(base)}
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in base.iterdir()) == sorted([alive.name, unrelated.name])  # its own folder is gone too
    assert scratch.sweep(base) == []


def test_private_folder_is_the_temporary_folder_and_made_once(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(scratch, "_current", None)
    folder = scratch.use_private_tempdir()
    assert folder.parent == tmp_path and folder.name.startswith(f"iamsql-{os.getpid()}-")
    assert scratch.use_private_tempdir() == folder and oct(folder.stat().st_mode & 0o777) == "0o700"


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_while_writing_a_report_leaves_nothing_beside_out(sample_db, tmp_path):
    database = tmp_path / "audit.duckdb"
    database.write_bytes(sample_db.read_bytes())
    con = db.connect(database)
    run_checks(con, controls=BIG_OUTPUT_CONTROLS)
    con.close()
    base, out = tmp_path / "tmp", tmp_path / "out"
    base.mkdir()
    out.mkdir()
    env = {**os.environ, "TMPDIR": str(base)}
    process = subprocess.Popen(
        [*CLI, "report", "--db", str(database), "--out", str(out / "report.xlsx")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        wait_for(
            lambda: any(base.glob(f"iamsql-{process.pid}-*/.report.xlsx.*.partial")),
            process,
            "the report's partial file in the private folder",
        )
        process.kill()
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert list(out.iterdir()) == []
    [left] = base.glob(f"iamsql-{process.pid}-*")
    assert subprocess.run([*CLI, "--version"], capture_output=True, env=env).returncode == 0
    assert not left.exists() and list(base.iterdir()) == []


@pytest.mark.parametrize(
    ("stored", "rolled_back", "complete"),
    [
        (["load of snapshot 5"], ["check run 4"], False),
        (["load of snapshot 5", "check run 4", "evidence run 4 as running"], [], False),
        ([], ["load of snapshot 5"], False),
        (["check run 4", "evidence run 4 as complete (evidence/1/20260101T000000Z)"], [], True),
    ],
)
def test_an_evidence_run_says_whether_it_completed(stored, rolled_back, complete, monkeypatch, capsys):
    monkeypatch.setattr(root, "_interrupt_said", False)
    journal.reset()
    for what in stored:
        journal.record(what, committed=True)
    for what in rolled_back:
        journal.record(what, committed=False)
    root.say_interrupted(root.INTERRUPTED["evidence run"])
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("interrupted after " if stored else "interrupted: ")
    assert all(what in line for what in stored + rolled_back)
    assert line.endswith(root.INTERRUPTED["evidence run"]) != complete
    journal.reset()


def test_sigterm_stops_an_evidence_run_with_one_line(tmp_path):
    """SIGTERM (``systemctl stop``, a scheduler's timeout) says what was left, as Ctrl-C does, and exits 143."""
    evidence_dir = tmp_path / "evidence"
    process = subprocess.Popen(
        [*CLI, "evidence", "run", "--db", str(tmp_path / "audit.duckdb"), "--evidence-dir", str(evidence_dir),
         "--source", str(SAMPLE_DIR), "--output", "json", "--fail-on", "none"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_for(lambda: evidence_dir.is_dir() and any(p.name.startswith(".incomplete-") for p in evidence_dir.iterdir()),
                 process, "the run's .incomplete folder")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 143 and out == "", err
    line = err.splitlines()[-1]  # after the progress lines ("gathering data")
    assert line.startswith("terminated") and line.endswith(root.INTERRUPTED["evidence run"]), line
    assert not [p for p in evidence_dir.rglob("*") if p.is_dir() and not p.name.startswith(".")
                and not any(part.startswith(".") for part in p.relative_to(evidence_dir).parts)]


def test_sigterm_line_says_terminated(monkeypatch, capsys):
    monkeypatch.setattr(root, "_interrupt_said", False)
    monkeypatch.setattr(root, "_terminated", True)
    journal.reset()
    journal.record("load of snapshot 5", committed=True)
    root.say_interrupted(root.INTERRUPTED["evidence run"])
    assert capsys.readouterr().err == (f"terminated after load of snapshot 5 was stored; "
                                       f"{root.INTERRUPTED['evidence run']}\n")
    assert root._interrupt_code() == 143
    journal.reset()


SLOW_CONTROL = """/*
title: A control whose query runs until it is stopped
description: Counts far more numbers than any test waits for.
severity: low
resource_type: AWS::::Account
rationale: Lets a test send a signal while a control's query runs.
remediation: None.
tables: [iamsql_account]
*/
select 'arn:aws:::' || account_id as resource, 'ok' as status, 'Counted.' as reason, account_id, 'global' as region
from iamsql_account
where (select count(*) from generate_series(1, 1000000000000) as g(i) where i % 7 = 3) >= 0
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc to see a process's CPU time")
def test_sigterm_during_a_control_query_stops_check(sample_db, tmp_path):
    """DuckDB turns the signal into an error of the running query: it stops the run (143, one line, nothing
    stored), never becomes the control's error row while the run goes on."""
    database = tmp_path / "audit.duckdb"
    database.write_bytes(sample_db.read_bytes())
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "slow_control.sql").write_text(SLOW_CONTROL)
    process = subprocess.Popen([*CLI, "check", "--db", str(database), "--queries", str(queries)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: has_open(process.pid, database), process, "the database open")
        started = cpu_seconds(process.pid)
        wait_for(lambda: cpu_seconds(process.pid) > started + 2, process, "the slow control's query running")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 143, (out, err)
    assert err.splitlines() == ["terminated: no check run was stored; the database is as it was"]
    con = duckdb.connect(str(database), read_only=True)
    assert con.execute("select count(*) from iamsql_run").fetchone() == (0,)
    con.close()


# The installed command with a signal sent to itself once the command has finished, while the process ends (an exit
# function the command registers runs before the command's own): the window between the command and the exit.
SIGNALLED_AT_EXIT = """
import atexit, functools, os, sys
import iamsql.cli as cli
signum, sys.argv[1:] = int(sys.argv[1]), sys.argv[2:]
command = cli.COMMANDS[sys.argv[1]]
@functools.wraps(command)
def signalled_at_exit(*args, **kwargs):
    atexit.register(os.kill, os.getpid(), signum)
    return command(*args, **kwargs)
cli.COMMANDS[sys.argv[1]] = signalled_at_exit
cli.console()
"""


@pytest.mark.parametrize(("signum", "how"), [(signal.SIGTERM, "terminated"), (signal.SIGINT, "interrupted")])
def test_a_signal_after_a_load_finished_says_what_was_stored(signum, how, tmp_path):
    """A signal while the installed command ends is said as during it (never the default silent 143, never an
    exception in an exit function) and exits 128 + the signal; the load it follows is whole."""
    database = tmp_path / "audit.duckdb"
    result = subprocess.run(
        [sys.executable, "-c", SIGNALLED_AT_EXIT, str(int(signum)), "load", str(SAMPLE_DIR / "aws_cli_examples"),
         "--db", str(database), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    con = duckdb.connect(str(database), read_only=True)
    snapshots = [row[0] for row in con.execute("select snapshot_id from iamsql_snapshot order by 1").fetchall()]
    con.close()
    assert result.returncode == 128 + signum, result.stderr
    assert snapshots and "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]
    assert re.fullmatch(rf"{how} after load of snapshots? [\d, ]+ was stored", last), result.stderr


def test_a_signal_after_a_command_that_stores_nothing_says_it_had_finished(sample_db, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SIGNALLED_AT_EXIT, str(int(signal.SIGTERM)), "tables", "--db", str(sample_db)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 143 and "aws_iam_user" in result.stdout
    assert result.stderr.splitlines() == ["terminated after 'iamsql tables' had finished"]


# Ctrl-C while the command line's modules import (before any command starts): an import finder that raises it when
# typer is first imported stands for the key pressed at that moment.
INTERRUPTED_WHILE_IMPORTING = """
import runpy, sys
class PressCtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            raise KeyboardInterrupt
sys.meta_path.insert(0, PressCtrlC())
sys.argv = ["iamsql", "--version"]
runpy.run_module("iamsql", run_name="__main__")
"""


def test_ctrl_c_while_the_command_imports_is_one_line():
    result = subprocess.run([sys.executable, "-c", INTERRUPTED_WHILE_IMPORTING], capture_output=True, text=True,
                            timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "interrupted: nothing was changed\n")
    plain = subprocess.run([sys.executable, "-m", "iamsql", "--version"], capture_output=True, text=True, timeout=120)
    assert plain.returncode == 0 and plain.stdout.startswith("iamsql ")
