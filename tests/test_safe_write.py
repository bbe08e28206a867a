"""Files are written beside their destination and renamed only onto a new path or a regular file; folders, devices
and symbolic links are refused in one line; `report --out -` streams to standard output."""

import csv
import io
import json
import os
from pathlib import Path

import pytest

from iamsql.common.resources import SAMPLE_DIR
from iamsql.common.safe_write import check_target, replacing, write_text
from iamsql.errors import WriteError
from tests.fixtures.cli import run_cli


def test_new_file_and_regular_file_are_written_with_nothing_left_beside(tmp_path):
    target = tmp_path / "r.txt"
    write_text(target, "one")
    write_text(target, "two")
    assert target.read_text() == "two" and [p.name for p in tmp_path.iterdir()] == ["r.txt"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path):
    target = tmp_path / "r.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with replacing(target) as partial:
            partial.write_text("half")
            raise RuntimeError("writer failed")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_symbolic_links_are_refused_and_left_alone(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("keep")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    for path in (link, dangling):
        with pytest.raises(WriteError, match="is a symbolic link") as raised:
            write_text(path, "new")
        assert "\n" not in str(raised.value)
    assert link.is_symlink() and real.read_text() == "keep" and not (tmp_path / "nowhere.txt").exists()


@pytest.mark.parametrize("path, message", [("/dev/null", "not a regular file"), ("/dev/stdout", "symbolic link"),
                                           ("/tmp", "is a folder")])
def test_devices_folders_and_dev_stdout_are_refused(path, message):
    with pytest.raises(WriteError, match=message):
        check_target(path)


def test_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match="not a regular file"):
        write_text(fifo, "x")


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(WriteError, match="does not exist"):
        write_text(tmp_path / "no" / "r.txt", "x")


# ---- iamsql report --out ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checked_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("w") / "w.duckdb"
    assert run_cli("load", "--quiet", "--db", str(path), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    assert run_cli("check", "--db", str(path), "--fail-on", "none", "--control", "iam_root_mfa_enabled",
                   "--control", "iam_user_console_mfa").returncode == 0
    return path


def test_report_out_dash_streams_text_formats(checked_db, tmp_path):
    for fmt in ("csv", "findings-csv", "json", "ocsf", "ocsf-jsonl", "asff", "md", "sarif", "junit", "html"):
        proc = run_cli("report", "--db", str(checked_db), "--out", "-", "--format", fmt)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        assert proc.stdout and not proc.stdout.rstrip().endswith("\n-")
        if fmt in ("csv", "findings-csv"):
            assert next(csv.reader(io.StringIO(proc.stdout)))[0] == {"csv": "group_id", "findings-csv": "finding_id"}[fmt]
        if fmt == "json":
            assert json.loads(proc.stdout)["group_id"] == "root_result_group"
        if fmt == "ocsf":
            assert isinstance(json.loads(proc.stdout), list)
    assert not Path("-").exists()


@pytest.mark.parametrize("args, message", [
    (["--out", "-", "--format", "xlsx"], "error: xlsx cannot go to standard output; give a file name with --out"),
    (["--out", "-"], "error: --out - needs --format (csv, findings-csv, json, iamsql-json, ocsf, ocsf-jsonl, asff, md, sarif, junit, "
                     "html)"),
    (["--out", "/dev/stdout", "--format", "csv"], "error: /dev/stdout is a symbolic link"),
    (["--out", "/dev/null", "--format", "csv"], "error: /dev/null is not a regular file"),
])
def test_report_refusals_are_one_line(checked_db, args, message):
    proc = run_cli("report", "--db", str(checked_db), *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith(message), proc.stderr


def test_report_replaces_a_regular_file_but_not_a_link(checked_db, tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("old")
    assert run_cli("report", "--db", str(checked_db), "--out", str(out)).returncode == 0
    assert out.read_text().startswith("group_id,")
    link = tmp_path / "link.csv"
    link.symlink_to(out)
    proc = run_cli("report", "--db", str(checked_db), "--out", str(link))
    assert proc.returncode == 2 and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "r.csv"]
