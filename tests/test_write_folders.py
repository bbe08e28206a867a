"""Every command that writes a file or folder creates that one only, never the folders above it, as Powerpipe's
``--export`` does: a missing folder is one ``error:`` line, the command's bad-input exit code, nothing written."""

import os

import duckdb
import pytest

from iamsql.common.resources import SAMPLE_DIR
from tests.fixtures.cli import run_cli, sample_db  # noqa: F401


def runs_stored(db: str) -> int:
    with duckdb.connect(db, read_only=True) as con:
        stored = con.execute("select count(*) from duckdb_tables() where table_name = 'iamsql_run'").fetchone()[0]
        return con.execute("select count(*) from iamsql_run").fetchone()[0] if stored else 0


def missing_folder(option: str, folder, command: str) -> str:
    """The one line for a missing folder, naming the option it came from, as click words its own bad values."""
    return f"error: Invalid value for '{option}': folder {folder} does not exist (see 'iamsql {command} --help')\n"


@pytest.mark.parametrize("command, target, code", [
    (["export", "--parquet"], "lake", 2),
    (["report", "--out"], "audit.xlsx", 2),
    (["check", "--quiet", "--export"], "run.csv", 254),
])
def test_a_missing_folder_is_refused(sample_db, tmp_path, command, target, code):  # noqa: F811
    before = runs_stored(sample_db)
    if command[0] == "report":  # a run to report
        assert run_cli("check", "--db", sample_db, "--fail-on", "none", "--format", "none", "--quiet").returncode == 0
        before += 1
    done = run_cli(*command, str(tmp_path / "missing" / target), "--db", sample_db)
    assert (done.returncode, done.stdout) == (code, "")
    assert done.stderr == missing_folder(command[-1], tmp_path / "missing", command[0])
    assert not (tmp_path / "missing").exists() and runs_stored(sample_db) == before


def test_report_names_the_missing_folder_before_reading_the_database(tmp_path):
    """A bad --out is a bad value: said first, not after the database's own complaint (none, or no check run)."""
    out = str(tmp_path / "missing" / "audit.xlsx")
    for db in (tmp_path / "none.duckdb", tmp_path / "empty.duckdb"):
        if db.name == "empty.duckdb":
            duckdb.connect(str(db)).close()
        done = run_cli("report", "--db", str(db), "--out", out)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == missing_folder("--out", tmp_path / "missing", "report")


@pytest.mark.parametrize("command, code", [
    (["check", "--db", "none.duckdb"], 254), (["controls"], 2), (["report", "--out", "r.xlsx", "--db", "none.duckdb"], 2),
])
def test_a_missing_queries_folder_names_the_option(tmp_path, command, code):
    done = run_cli(*command, "--queries", str(tmp_path / "missing"), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (code, "")
    assert done.stderr == (f"error: Invalid value for '--queries': folder {tmp_path / 'missing'} does not exist "
                           f"(see 'iamsql {command[0]} --help')\n")


def test_evidence_run_into_a_missing_folder_is_refused(tmp_path):
    db = str(tmp_path / "e.duckdb")
    done = run_cli("evidence", "run", "--db", db, "--evidence-dir", str(tmp_path / "missing" / "evidence"),
                   "--source", str(SAMPLE_DIR / "cloudsplaining"), "--quiet")
    assert (done.returncode, done.stdout) == (254, "")
    assert done.stderr == missing_folder("--evidence-dir", tmp_path / "missing", "evidence run")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # from the settings (config file or IAMSQL_EVIDENCE_DIR): named by its setting, as other settings' errors are
    done = run_cli("evidence", "run", "--db", db, "--source", str(SAMPLE_DIR / "cloudsplaining"), "--quiet",
                   env={**os.environ, "IAMSQL_EVIDENCE_DIR": str(tmp_path / "missing" / "evidence")})
    assert (done.returncode, done.stdout) == (254, "")
    assert done.stderr == f"error: evidence_dir: folder {tmp_path / 'missing'} does not exist\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_collect_into_a_missing_folder_is_refused_before_any_request(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "IAMSQL_"))},
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # nothing listens: a request would fail otherwise
    done = run_cli("collect", "--db", str(tmp_path / "c.duckdb"), "--evidence-dir",
                   str(tmp_path / "missing" / "raw"), env=env)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == missing_folder("--evidence-dir", tmp_path / "missing", "collect")
    assert not (tmp_path / "missing").exists()


def test_the_folder_named_is_created_in_an_existing_one(sample_db, tmp_path):  # noqa: F811
    done = run_cli("export", "--db", sample_db, "--parquet", str(tmp_path / "lake"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "lake" / "_iamsql_lake.json").is_file()
    ran = run_cli("evidence", "run", "--db", str(tmp_path / "e.duckdb"), "--evidence-dir", str(tmp_path / "ev"),
                  "--source", str(SAMPLE_DIR / "cloudsplaining"), "--fail-on", "none", "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert [p.name for p in (tmp_path / "ev").iterdir() if not p.name.startswith(".")]
