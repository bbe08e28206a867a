"""load, check and report make no progress display, and do not import rich, when it cannot be drawn: with
--quiet, or when stderr is no terminal (a display is made when the terminal is forced, as rich allows); the
displays live in common/progress_drawn.py."""

import os
import subprocess
import sys

import pytest

from iamsql.common import progress
from iamsql.common.resources import SAMPLE_DIR

# the command, then whether rich was imported, printed on the last line of stderr
RUN = (
    "import atexit, sys; from iamsql.cli import main; "
    "atexit.register(lambda: print('rich' in sys.modules, file=sys.stderr)); main()"
)
PLAIN = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}


def iamsql(*args: str, env: dict | None = None) -> tuple[int, bool, str]:
    """Run the command with stderr piped: (exit code, whether rich was imported, stderr)."""
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, env=env or PLAIN)
    return done.returncode, done.stderr.rstrip().endswith("True"), done.stderr  # after a drawn display's codes


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("quiet") / "sample.duckdb"


def test_commands_without_a_display_do_not_import_rich(database, tmp_path):
    steps = [
        ("load", str(SAMPLE_DIR), "--db", str(database), "--quiet"),
        ("check", "--db", str(database), "--control", "iam_root_mfa_enabled", "--fail-on", "none", "--quiet"),
        ("report", "--db", str(database), "--out", str(tmp_path / "quiet.xlsx"), "--quiet"),
        ("check", "--db", str(database), "--control", "iam_root_mfa_enabled", "--fail-on", "none"),  # piped
        ("report", "--db", str(database), "--out", str(tmp_path / "piped.xlsx")),
    ]
    for command in steps:
        code, imported, err = iamsql(*command)
        assert code == 0, err
        assert not imported, command
    assert (tmp_path / "quiet.xlsx").stat().st_size > 0 and (tmp_path / "piped.xlsx").stat().st_size > 0

    forced = {**PLAIN, "FORCE_COLOR": "1"}
    code, imported, err = iamsql("report", "--db", str(database), "--out", str(tmp_path / "forced.xlsx"), env=forced)
    assert code == 0, err
    assert imported  # a terminal forced: the display is made


def test_no_display_takes_the_calls_of_a_drawn_one(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    with progress.Steps(quiet=True) as steps:
        steps.total(2)
        steps.step("first")
        steps.step("second")
    with progress.counted(False, "loading") as bar:  # stderr is no terminal under pytest's capture
        assert isinstance(bar, progress.NoDisplay)
        task = bar.add_task("load", total=None)
        bar.update(task, total=3)
        bar.advance(task)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not isinstance(progress.counted(False, "loading"), progress.NoDisplay)
    assert isinstance(progress.counted(True, "loading"), progress.NoDisplay)


def test_quiet_collect_imports_neither_rich_nor_numpy(aws_session, tmp_path):
    """collect draws nothing with --quiet and stores rows as load does: no display, no macros or Python functions
    (registering one makes DuckDB import NumPy); with a forced terminal the display is made."""
    aws_session.client("iam").create_user(UserName="quiet-collect")
    seen = ("import atexit, sys; from iamsql.cli import main; atexit.register(lambda: print("
            "'rich' in sys.modules, 'numpy' in sys.modules, file=sys.stderr)); main()")
    plain = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}  # moto's, too
    common = ["collect", "--region", "us-east-1", "--db", str(tmp_path / "c.duckdb")]
    done = subprocess.run([sys.executable, "-c", seen, *common, "--quiet", "--evidence-dir", str(tmp_path / "e1")],
                          capture_output=True, text=True, env=plain)
    assert done.returncode == 0, done.stderr
    assert done.stderr.rstrip().splitlines()[-1] == "False False"
    done = subprocess.run([sys.executable, "-c", seen, *common, "--evidence-dir", str(tmp_path / "e2")],
                          capture_output=True, text=True, env={**plain, "FORCE_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stderr.rstrip().endswith("True False")  # the display made; still no NumPy
