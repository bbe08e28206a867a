"""``iamsql load`` through the real console script: exit codes, one-line errors, the database left as it was."""

import gzip
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from iamsql.common.resources import SAMPLE_DIR

IAMSQL = str(Path(sys.executable).parent / "iamsql")
MALFORMED = ("cado_cloudgrep_tests/bad_cloudtrail.json",
             "aws_cloudtrail_processing_library/src/test/resources/SerializerTestFileBadJsonFormat.json")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([IAMSQL, *args], capture_output=True, text=True, timeout=120)


def counts(db_path: Path) -> tuple:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return tuple(con.execute(f"select count(*) from {t}").fetchone()[0] for t in
                     ("iamsql_snapshot", "history.aws_iam_user", "history.aws_cloudtrail_trail_event"))
    finally:
        con.close()


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def sample_loaded(tmp_path_factory) -> Path:
    """The bundled sample loaded by the console script, once per module: copy it (``loaded_db``) before writing."""
    path = tmp_path_factory.mktemp("sample") / "loaded.duckdb"
    result = run("load", "--sample", "--db", str(path))
    assert result.returncode == 0, result.stderr
    # the sample's LICENSE and PROVENANCE.md files get no `skipped` line (on stderr, where skipped files are named)
    assert "aws_iam_user" in result.stdout and "skipped" not in result.stderr
    return path


@pytest.fixture
def loaded_db(sample_loaded, db_path) -> Path:
    """A test's own copy of ``sample_loaded``."""
    shutil.copy(sample_loaded, db_path)
    return db_path


@pytest.mark.parametrize("relative", MALFORMED)
def test_malformed_file_fails_and_database_is_unchanged(loaded_db, public_data, relative):
    before = counts(loaded_db)
    result = run("load", "--db", str(loaded_db), str(SAMPLE_DIR / "cloudsplaining"), str(public_data / relative))
    assert_one_line_error(result, Path(relative).name)
    assert counts(loaded_db) == before


def test_explicit_unrecognised_file_is_an_error(loaded_db):
    before = counts(loaded_db)
    assert_one_line_error(run("load", "--db", str(loaded_db), str(SAMPLE_DIR / "PROVENANCE.md")), "PROVENANCE.md")
    assert counts(loaded_db) == before


def test_truncated_gzip_via_cli(loaded_db, tmp_path):
    original = next((SAMPLE_DIR / "cloudtrail").rglob("*.json.gz")).read_bytes()
    (tmp_path / "cut.json.gz").write_bytes(original[: len(original) // 3])
    before = counts(loaded_db)
    assert_one_line_error(run("load", "--db", str(loaded_db), str(tmp_path)), "cut.json.gz")
    assert counts(loaded_db) == before


@pytest.mark.parametrize("compressed", [True, False])
def test_cut_json_in_an_intact_gzip_is_one_line_of_ours(loaded_db, tmp_path, compressed):
    """The gzip stream is whole but the JSON inside it stops in the middle of an event: the line names the file,
    says the text is cut short where, and that nothing was loaded (not DuckDB's "Malformed JSON ... record/value")."""
    whole = gzip.decompress(next((SAMPLE_DIR / "cloudtrail").rglob("*.json.gz")).read_bytes())
    cut = tmp_path / ("cut.json.gz" if compressed else "cut.json")
    cut.write_bytes(gzip.compress(whole[:3000]) if compressed else whole[:3000])
    before = counts(loaded_db)
    result = run("load", "--db", str(loaded_db), str(cut))
    text = "its uncompressed text" if compressed else "the file"
    assert_one_line_error(result, f"error: {cut}: malformed JSON: cut short, {text} ends after 3,000 bytes in the "
                                  "middle of a value; nothing was loaded")
    assert "Malformed" not in result.stderr and "record/value" not in result.stderr
    assert result.returncode == 2 and counts(loaded_db) == before


def test_a_truncated_gzip_in_an_s3_layout_says_that_no_file_was_loaded(loaded_db, tmp_path):
    # one cut delivery file among whole ones stops the whole load (one transaction): the line says the others were
    # not loaded either, and the database keeps what it held
    day = tmp_path / "AWSLogs" / "123456789012" / "CloudTrail" / "us-east-1" / "2026" / "01" / "02"
    day.mkdir(parents=True)
    whole = sorted((SAMPLE_DIR / "cloudtrail").rglob("*.json.gz"))
    for number, source in enumerate(whole):
        (day / f"123456789012_CloudTrail_us-east-1_20260102T00{number:02d}Z_whole.json.gz").write_bytes(source.read_bytes())
    cut = day / "123456789012_CloudTrail_us-east-1_20260102T0959Z_cut.json.gz"
    cut.write_bytes(whole[0].read_bytes()[: whole[0].stat().st_size // 2])
    before = counts(loaded_db)
    result = run("load", "--db", str(loaded_db), str(tmp_path / "AWSLogs"))
    assert_one_line_error(result, cut.name, "truncated or corrupt gzip",
                          f"nothing was loaded, none of the {len(whole) + 1} files")
    assert result.returncode == 2
    assert counts(loaded_db) == before


def test_locked_database_is_a_one_line_error(loaded_db):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "time.sleep(60)", str(loaded_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert_one_line_error(run("load", "--db", str(loaded_db), str(SAMPLE_DIR / "cloudsplaining")), "locked")
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert counts(loaded_db)[0] > 0


def test_quiet_load_hides_the_summary_but_not_the_warnings(db_path, tmp_path):
    """As Steampipe's --progress=false: --quiet hides progress and the summary; warnings still go to stderr."""
    exports = tmp_path / "exports"
    exports.mkdir()
    users = exports / "list-users.json"
    users.write_text(json.dumps({"Users": [{"Path": "/", "UserName": "bob", "UserId": "AIDAEXAMPLEBOB000001",
                                            "Arn": "arn:aws:iam::123456789012:user/bob",
                                            "CreateDate": "2024-01-02T03:04:05Z"}],
                                 "IsTruncated": True, "Marker": "next-page"}))
    (exports / "README.txt").write_text("notes\n")
    loud = run("load", "--db", str(tmp_path / "loud.duckdb"), str(exports))
    quiet = run("load", "--quiet", "--db", str(db_path), str(exports))
    assert loud.returncode == quiet.returncode == 0, quiet.stderr
    assert "file(s) loaded" in loud.stdout and quiet.stdout == ""
    assert "only part of aws_iam_user is loaded" in quiet.stderr
    assert "skipped " in quiet.stderr and "README.txt" in quiet.stderr
    assert quiet.stderr == loud.stderr


def test_quiet_load_prints_only_warnings_and_needs_an_input(db_path):
    result = run("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples"))
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr and all(line.startswith("warning: ") for line in result.stderr.splitlines()), result.stderr
    con = duckdb.connect(str(db_path), read_only=True)
    sources = json.loads(con.execute("select sources from iamsql_snapshot").fetchone()[0])
    con.close()
    files = [s for s in sources if s["format"] != "iamsql:as-of"]
    assert len(files) == len(list((SAMPLE_DIR / "aws_cli_examples").glob("*.json"))) == len(sources) - 1
    assert_one_line_error(run("load", "--db", str(db_path)), "--sample")


@pytest.mark.parametrize("content", ['{"Records": []}', "[]"], ids=["records", "empty list"])
def test_a_load_without_data_is_one_line_and_exit_2(db_path, tmp_path, content):
    """Nothing to load exits 2 (docs/cli.md, "Exit codes"), an empty list as a CloudTrail file without records."""
    path = tmp_path / "empty.json"
    path.write_text(content)
    result = run("load", "--db", str(db_path), str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert_one_line_error(result, f"nothing loaded: {path} holds no data")
    assert not db_path.exists()


def test_events_without_event_time_are_named_as_why_the_load_has_no_time(db_path, tmp_path):
    """Events without eventTime (an @timestamp alone is no Logstash event's, so not known to be the event's time)
    are named as why the files give no time: the line only said the files have no dates."""
    event = {"@timestamp": "2020-09-14T00:44:23.000Z", "eventVersion": "1.08", "eventSource": "ec2.amazonaws.com",
             "eventName": "DescribeInstances", "eventID": "2b4c5c1e-0000-4000-8000-000000000001",
             "recipientAccountId": "111122223333", "awsRegion": "us-east-1",
             "userIdentity": {"type": "IAMUser", "accountId": "111122223333",
                              "arn": "arn:aws:iam::111122223333:user/ann"}}
    exported = tmp_path / "logstash.json"
    exported.write_text("\n".join(json.dumps({**event, "eventID": event["eventID"][:-1] + str(n)}) for n in range(2)))
    result = run("load", str(exported), "--db", str(db_path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "error: account 111122223333: the files give no time of their own (no dates, no credential report time, no "
        "collection manifest): its 2 CloudTrail event(s) have no eventTime; pass --as-of with the time they were "
        "exported\n")
    assert not db_path.exists()


def test_a_failed_load_prints_the_warnings_found_before_its_error(db_path, tmp_path):
    """A CreateDate that does not parse is why the files give no time: its warning comes before the error line."""
    users = tmp_path / "list-users.json"
    users.write_text(json.dumps({"Users": [{"Path": "/", "UserName": "ann", "UserId": "AIDAANN00000000000000",
                                            "Arn": "arn:aws:iam::111122223333:user/ann", "CreateDate": "last Tuesday"}]}))
    result = run("load", str(users), "--db", str(db_path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(f"warning: {users}: ") and "create_date" in lines[0] and lines[0].endswith("left NULL")
    assert lines[1].startswith("error: account 111122223333: the files give no time of their own")
    assert not db_path.exists()


CLI_EXAMPLES = Path(__file__).parent / "data" / "aws_cli_examples" / "json"
JOB_ID = ("gives only a JobId from generate-service-last-accessed-details or generate-organizations-access-report; "
          "load it with the get-service-last-accessed-details output of the same job (no Organizations access report "
          "is loaded)")


@pytest.mark.parametrize(("output", "says"), [
    ("sts/get-caller-identity_1.json", "gives only the account the files loaded with it belong to"),
    ("iam/list-account-aliases_1.json", "gives only the account's aliases (aws_account.account_aliases); load it with"),
    ("iam/generate-service-last-accessed-details_1.json", JOB_ID),
    ("iam/generate-organizations-access-report_1.json", JOB_ID),
])
def test_an_output_that_fills_no_table_alone_stores_nothing(loaded_db, output, says):
    """An output that fills no table on its own is a one-line error saying what it gives and what to load with it,
    and the database keeps what it held: the load stored an empty snapshot and exited 0."""
    before = counts(loaded_db)
    path = CLI_EXAMPLES / output
    result = run("load", "--db", str(loaded_db), "--account-id", "123456789012", "--as-of", "2024-01-01", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert_one_line_error(result, f"nothing loaded: {path} {says}")
    assert counts(loaded_db) == before


def test_a_job_id_is_recorded_as_either_job_it_may_be(db_path, tmp_path):
    """generate-organizations-access-report gives the same {"JobId"} as generate-service-last-accessed-details: the
    sources entry names both (it named the last-accessed one only)."""
    report = CLI_EXAMPLES / "iam" / "generate-organizations-access-report_1.json"
    users = Path(__file__).parent / "data" / "real_shapes" / "cli" / "list-users.json"
    result = run("load", "--quiet", "--db", str(db_path), "--as-of", "2024-01-01", str(report), str(users))
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(db_path), read_only=True)
    sources = json.loads(con.execute("select sources from iamsql_snapshot").fetchone()[0])
    con.close()
    assert {s["format"] for s in sources if s["path"] and s["path"].endswith(report.name)} == {
        "iam:generate-service-last-accessed-details|generate-organizations-access-report"}
