"""With --quiet, load, check and report draw nothing, so they do not import rich (the progress displays live in
common/progress_drawn.py); without it the display is made as before."""

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


def iamsql(*args: str) -> tuple[int, bool, str]:
    """Run the command with stderr piped: (exit code, whether rich was imported, stderr)."""
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True)
    return done.returncode, done.stderr.splitlines()[-1] == "True", done.stderr


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("quiet") / "sample.duckdb"


def test_quiet_commands_do_not_import_rich(database, tmp_path):
    steps = [
        ("load", str(SAMPLE_DIR), "--db", str(database)),
        ("check", "--db", str(database), "--control", "iam_root_mfa_enabled", "--fail-on", "none"),
        ("report", "--db", str(database), "--out", str(tmp_path / "report.xlsx")),
    ]
    for command in steps:
        code, imported, err = iamsql(*command, "--quiet")
        assert code == 0, err
        assert not imported, command[0]
    assert (tmp_path / "report.xlsx").stat().st_size > 0

    code, imported, err = iamsql("report", "--db", str(database), "--out", str(tmp_path / "again.xlsx"))
    assert code == 0, err
    assert imported  # not quiet: the display is made (and drawn only on a terminal)


def test_quiet_displays_take_the_calls_of_a_drawn_one():
    with progress.Steps(quiet=True) as steps:
        steps.total(2)
        steps.step("first")
        steps.step("second")
    with progress.counted(True, "loading") as bar:
        task = bar.add_task("load", total=None)
        bar.update(task, total=3)
        bar.advance(task)
    drawn = progress.counted(False, "loading")  # stderr is not a terminal under pytest's capture: made, not drawn
    assert type(drawn).__name__ == "Progress" and drawn.disable
