"""Progress lines: `check` shows `[n/total] control` and `report` each sheet on one rewritten stderr line when
stderr is a terminal (a pseudo-terminal here); with a pipe, or with --quiet, only the results appear."""

import os
import pty
import select
import subprocess
import sys

import pytest

from iamsql.common.resources import SAMPLE_DIR
from iamsql.load import load_paths
from iamsql.report.xlsx import SHEETS
from iamsql.store import db

CONTROLS = ["--control", "iam_root_mfa_enabled", "--control", "iam_user_console_mfa"]
ENV = {**os.environ, "TERM": "xterm", "COLUMNS": "160"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("progress") / "sample.duckdb"
    con = db.connect(path)
    accounts = len({snapshot["account_id"] for snapshot in load_paths(con, [SAMPLE_DIR]).snapshots})
    con.close()
    assert accounts > 1
    return path, accounts


def iamsql(*args: str, terminal: bool) -> tuple[int, str, str]:
    """Run the command with stdout piped and stderr on a pseudo-terminal (``terminal``) or a pipe:
    (exit code, stdout, stderr)."""
    command = [sys.executable, "-c", "from iamsql.cli import main; main()", *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=ENV)
        return done.returncode, done.stdout, done.stderr
    main, secondary = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=secondary, env=ENV)
    os.close(secondary)
    err = b""
    while True:
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the command closed the terminal: it is done
                break
            if not chunk:
                break
            err += chunk
        elif process.poll() is not None:
            break
    os.close(main)
    out = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(), out, err.decode(errors="replace")


def test_check_shows_each_control_on_a_terminal_only(sample, tmp_path):
    path, accounts = sample
    database = tmp_path / "check.duckdb"
    database.write_bytes(path.read_bytes())
    code, out, err = iamsql("check", "--db", str(database), *CONTROLS, "--fail-on", "none", terminal=True)
    assert code == 0, err
    # the counter counts controls times accounts; the last step shown is the last control of the last account
    steps = 2 * accounts
    assert "None" not in err
    assert f"[{steps}/{steps}] iam_user_console_mfa (" in err
    assert "run " in out and "all controls" in out

    code, piped_out, piped_err = iamsql("check", "--db", str(database), *CONTROLS, "--fail-on", "none",
                                        terminal=False)
    assert code == 0, piped_err
    assert "[" not in piped_err and "iam_root_mfa_enabled" not in piped_err
    assert piped_out.splitlines()[-3:] == out.splitlines()[-3:]

    code, quiet_out, quiet_err = iamsql("check", "--db", str(database), *CONTROLS, "--fail-on", "none", "--quiet",
                                        terminal=True)
    assert code == 0, quiet_err
    assert "iam_root_mfa_enabled" not in quiet_err and "[1/" not in quiet_err
    assert "all controls" in quiet_out


def test_report_shows_each_sheet_on_a_terminal_only(sample, tmp_path):
    database = tmp_path / "report.duckdb"
    database.write_bytes(sample[0].read_bytes())
    assert iamsql("check", "--db", str(database), *CONTROLS, "--fail-on", "none", terminal=False)[0] == 0
    workbook = tmp_path / "audit.xlsx"
    code, out, err = iamsql("report", "--db", str(database), "--out", str(workbook), terminal=True)
    assert code == 0, err
    assert out.strip() == str(workbook) and workbook.stat().st_size > 0
    for step in ("reading the run", "findings sheet", "saving the workbook"):
        assert step in err, err
    steps = 1 + len(SHEETS) + 1  # reading the run, each sheet writer, saving
    assert f"[{steps}/{steps}] saving the workbook" in err

    for args in ((), ("--quiet",)):
        code, out, err = iamsql("report", "--db", str(database), "--out", str(tmp_path / "again.xlsx"), *args,
                                terminal=bool(args))  # a pipe, or a terminal with --quiet
        assert code == 0, err
        assert out.strip() == str(tmp_path / "again.xlsx")
        assert "sheet" not in err and "reading the run" not in err
