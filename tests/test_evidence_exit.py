"""How the installed command's ``evidence run``, ``load``, ``check`` and ``report`` processes end
(``iamsql.cli.console``): once the command has closed its database and written its files, the process exits without Python freeing every module and object first, yet as
Python's exit would otherwise: exit functions run (the private temporary folder is removed), the output is
flushed, the exit code is the run's. ``iamsql.cli.main``, called in a process that goes on, only raises
``SystemExit``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import duckdb
import pytest

from iamsql.cli import COLLECTOR_THRESHOLD, main
from iamsql.common.resources import SAMPLE_DIR
from iamsql.store.db import connect

# An object that says when Python frees it at exit, and an exit function that says it ran; then the command.
RUN = (
    "import atexit, sys\n"
    "class Witness:\n"
    "    def __del__(self):\n"
    "        sys.stderr.write('torn down\\n')\n"
    "witness = Witness()\n"
    "atexit.register(lambda: sys.stderr.write('exit functions ran\\n'))\n"
    "from iamsql.cli import console\n"
    "console()\n"
)


def command(tmp_path, *words: str) -> subprocess.CompletedProcess:
    """The installed command with ``words``, the witness and the exit function of ``RUN`` in its process."""
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-c", RUN, *words], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(scratch)})


def evidence_run(tmp_path, *options: str) -> subprocess.CompletedProcess:
    return command(tmp_path, "evidence", "run", "--db", str(tmp_path / "e.duckdb"), "--evidence-dir",
                   str(tmp_path / "evidence"), "--source", str(SAMPLE_DIR), "--control", "iam_root_mfa_enabled",
                   *options)


def test_finished_evidence_run_exits_without_teardown(tmp_path):
    done = evidence_run(tmp_path, "--fail-on", "none")
    assert done.returncode == 0, done.stderr
    assert re.match(r"evidence run 1: \d+ account\(s\), 1 control\(s\) run", done.stdout), done.stdout  # flushed before exit
    assert "exit functions ran" in done.stderr
    assert "torn down" not in done.stderr
    assert list((tmp_path / "tmp").iterdir()) == []  # the scratch folder's exit function ran too
    assert not (tmp_path / "e.duckdb.wal").exists()  # the database was closed (checkpointed) by the run
    with duckdb.connect(str(tmp_path / "e.duckdb"), read_only=True) as con:
        assert con.execute("select status from iamsql_evidence_run").fetchall() == [("complete",)]
    (folder,) = (tmp_path / "evidence").glob("*/*")
    assert json.loads((folder / "manifest.json").read_text())["exit_code"] == 0


def test_failed_evidence_run_exits_as_python_does(tmp_path):
    failed = evidence_run(tmp_path, "--fail-on", "nonsense")
    assert failed.returncode == 254 and failed.stderr.startswith("error: ")  # a failed run, not a control error
    assert "torn down" in failed.stderr and "exit functions ran" in failed.stderr  # a failure: Python's own exit


def test_load_check_and_report_exit_without_teardown(tmp_path):
    database = str(tmp_path / "j.duckdb")
    steps = [
        (("load", "--db", database, str(SAMPLE_DIR)), 0, "account_id"),
        (("check", "--db", database, "--control", "iam_access_key_rotated", "--format", "csv"), 1, "group_id,"),
        (("report", "--db", database, "--out", str(tmp_path / "r.xlsx")), 0, str(tmp_path / "r.xlsx")),
    ]
    for words, code, first_output in steps:
        done = command(tmp_path, *words)
        assert done.returncode == code, done.stderr  # check: an access key of the sample is not rotated (an alarm)
        assert done.stdout.startswith(first_output)  # flushed before the exit
        assert "exit functions ran" in done.stderr
        assert "torn down" not in done.stderr
        assert list((tmp_path / "tmp").iterdir()) == []
        assert not (tmp_path / "j.duckdb.wal").exists()  # closed (checkpointed) by the command
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    with duckdb.connect(database, read_only=True) as con:
        assert con.execute("select count(*) from iamsql_result").fetchone()[0] > 0


def test_failed_load_exits_as_python_does(tmp_path):
    failed = command(tmp_path, "load", "--db", str(tmp_path / "j.duckdb"), str(tmp_path / "missing.json"))
    assert failed.returncode == 2 and failed.stderr.startswith("error: ")
    assert "torn down" in failed.stderr and "exit functions ran" in failed.stderr


def test_main_in_process_only_raises_system_exit(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["iamsql", "evidence", "run", "--db", str(tmp_path / "e.duckdb"),
                                      "--evidence-dir", str(tmp_path / "evidence"), "--source", str(SAMPLE_DIR),
                                      "--control", "iam_root_mfa_enabled", "--fail-on", "none", "--quiet"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0  # and this test's process goes on


def test_installed_command_raises_the_collector_threshold_and_main_leaves_it():
    # the threshold before the entry point, and as the command's exit functions see it after ``--version``
    probe = (
        "import atexit, gc, sys\n"
        "before = gc.get_threshold()[0]\n"
        "atexit.register(lambda: sys.stderr.write(f'threshold {before} -> {gc.get_threshold()[0]}\\n'))\n"
        "import iamsql.cli as cli\n"
        "getattr(cli, sys.argv.pop(1))()\n"
    )
    for entry in ("console", "main"):
        done = subprocess.run([sys.executable, "-c", probe, entry, "--version"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        before, after = done.stderr.split("threshold ")[1].split()[::2]
        assert int(before) != COLLECTOR_THRESHOLD
        assert int(after) == (COLLECTOR_THRESHOLD if entry == "console" else int(before))


def test_installed_command_runs_numpy_blas_on_one_thread_unless_told(tmp_path):
    # the environment and the process's threads once a query has imported NumPy (DuckDB does for the dialect's
    # Python functions), as the command's exit functions see them
    probe = (
        "import atexit, os, sys\n"
        "atexit.register(lambda: sys.stderr.write(\n"
        "    f\"blas {os.environ.get('OPENBLAS_NUM_THREADS')} numpy {'numpy' in sys.modules} \"\n"
        "    f\"threads {len(os.listdir('/proc/self/task')) if os.path.isdir('/proc/self/task') else 0}\\n\"))\n"
        "import iamsql.cli as cli\n"
        "getattr(cli, sys.argv.pop(1))()\n"
    )
    database = tmp_path / "q.duckdb"
    connect(database).close()
    query = ["query", "--db", str(database), "select jsonb_pretty('{\"a\": 1}'::jsonb) as t"]
    # the variables OpenBLAS reads for its number of threads, left out
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")}
    seen = {}
    for entry, given in (("console", None), ("main", None), ("console", "2")):
        env = environment if given is None else {**environment, "OPENBLAS_NUM_THREADS": given}
        done = subprocess.run([sys.executable, "-c", probe, entry, *query], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        seen[entry, given] = done.stderr.split("blas ")[1].split()[::2]
    assert seen["console", None][:2] == ["1", "True"]  # one BLAS thread, NumPy imported
    assert seen["main", None][:2] == ["None", "True"]  # main leaves the environment as it is
    assert seen["console", "2"][0] == "2"  # a number the environment names is kept
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores > 1 and os.path.isdir("/proc/self/task"):  # the pool's threads (one per core beyond the first) not started
        assert int(seen["console", None][2]) < int(seen["main", None][2])
