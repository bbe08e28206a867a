"""Every failure path is one line: a corpus of bad inputs (built here) run through every command that reads a
file. Each must exit non-zero with exactly one ``error:`` line on stderr that names the input, and no traceback.
Also: a value too big for memory names the input file and record, and dropped connections during ``collect``
are connection failures, not credential ones."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from iamsql.collect.aws import describe
from iamsql.common.resources import SAMPLE_DIR
from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db
from tests.test_evidence import cli

DEPTH = 5000
DEEP_ARRAY = "[" * DEPTH + "]" * DEPTH
DEEP_OBJECT = '{"a": ' * DEPTH + "1" + "}" * DEPTH
USER = {"UserName": "bob", "UserId": "AIDAEXAMPLEBOB000001", "Arn": "arn:aws:iam::123456789012:user/bob",
        "Path": "/", "CreateDate": "2026-01-02T03:04:05Z"}


# ------------------------------------------------------------------------------------------------- bad files


def deep_array(path: Path) -> Path:
    path.write_text(DEEP_ARRAY)
    return path


def deep_object(path: Path) -> Path:
    path.write_text(DEEP_OBJECT)
    return path


def deep_users(path: Path) -> Path:
    """A list-users output whose one user carries a 5,000-level tag value."""
    path.write_text(json.dumps({"Users": [{**USER, "Tags": [{"Key": "k", "Value": "x"}]}]}).replace('"x"', DEEP_OBJECT))
    return path


def deep_collect_manifest(path: Path) -> Path:
    """A collection manifest (read by load) whose file list is 5,000 levels deep."""
    path = path.parent / "manifest.json"
    path.write_text('{"iamsql_manifest": 1, "files": ' + DEEP_ARRAY + "}")
    return path


def deep_yaml(path: Path) -> Path:
    path.write_text("[" * DEPTH + "]" * DEPTH + "\n")
    return path


def deep_toml(path: Path) -> Path:
    path.write_text("evidence_dir = 'evidence'\nsigma = " + DEEP_ARRAY + "\n")
    return path


def deep_sql(path: Path) -> Path:
    path.write_text("select " + "(" * DEPTH + "1" + ")" * DEPTH)
    return path


def symlink_loop(path: Path) -> Path:
    path.symlink_to(path)
    return path


def broken_symlink(path: Path) -> Path:
    path.symlink_to(path.parent / "nowhere")
    return path


def a_folder(path: Path) -> Path:
    path.mkdir()
    return path


def not_utf8(path: Path) -> Path:
    path.write_bytes(b"\xff\xfe\x00\xc3(" * 20)
    return path


def empty_list(path: Path) -> Path:
    """A request file holding no request at all."""
    path.write_text("[]")
    return path


def in_folder(make: Callable[[Path], Path], name: str) -> Callable[[Path], Path]:
    """The bad file inside a folder of its own (for options that take a folder); the folder is given, the file
    is named."""
    def build(path: Path) -> Path:
        path.mkdir()
        return make(path / name)
    return build


def impossible_date(path: Path) -> Path:
    """An exceptions file whose expiry, unquoted, is a date no calendar has (YAML reads it as a date)."""
    path.write_text("exceptions:\n  - control: iam_user_console_mfa\n    resource: '*'\n    account: '*'\n"
                    "    reason: r\n    approver: a@example.com\n    ticket: T-1\n    expires: 2026-02-30\n")
    return path


def impossible_date_header(path: Path) -> Path:
    path.write_text("/*\ntitle: t\nreviewed: 2026-13-01\n*/\nselect 1\n")
    return path


def deep_control_header(path: Path) -> Path:
    path.write_text("/*\n" + "[" * DEPTH + "]" * DEPTH + "\n*/\nselect 1\n")
    return path


# ------------------------------------------------------------------------------------------------- commands

SOURCES = ["--evidence-dir", "{tmp}/evidence", "--source", str(SAMPLE_DIR / "aws_cli_examples")]

# command arguments ({bad}: the bad input; {folder}: the folder holding it; {db}, {tmp}), with the inputs to try
COMMANDS: dict[str, tuple[list[str], list[Callable[[Path], Path]]]] = {
    "load": (["load", "{bad}", "--db", "{tmp}/new.duckdb"],
             [deep_array, deep_object, deep_users, deep_collect_manifest, symlink_loop, broken_symlink, not_utf8]),
    "simulate --request": (["simulate", "--request", "{bad}"],
                           [deep_array, deep_object, symlink_loop, broken_symlink, a_folder, not_utf8, empty_list]),
    "query -f": (["query", "-f", "{bad}", "--db", "{db}"], [deep_sql, symlink_loop, broken_symlink, a_folder, not_utf8]),
    "query file.sql": (["query", "{bad}", "--db", "{db}"], [deep_sql, symlink_loop, a_folder]),
    "query --print-sql": (["query", "-f", "{bad}", "--print-sql"], [deep_sql]),
    "exceptions check": (["exceptions", "check", "{bad}", "--db", "{db}"],
                         [deep_yaml, impossible_date, symlink_loop, broken_symlink, a_folder, not_utf8]),
    "check --sigma": (["check", "--sigma", "{folder}", "--db", "{db}"],
                      [in_folder(deep_yaml, "rule.yml"), in_folder(not_utf8, "rule.yml")]),
    "controls --sigma": (["controls", "--sigma", "{folder}"], [in_folder(deep_yaml, "rule.yml")]),
    "check --queries": (["check", "--queries", "{folder}", "--db", "{db}"],
                        [in_folder(deep_control_header, "my_control.sql"), in_folder(not_utf8, "my_control.sql"),
                         in_folder(impossible_date_header, "my_control.sql")]),
    "evidence run --config": (["evidence", "run", "--config", "{bad}"],
                              [deep_toml, symlink_loop, broken_symlink, a_folder, not_utf8]),
    "evidence run --exceptions": (["evidence", "run", *SOURCES, "--exceptions", "{bad}"],
                                  [deep_yaml, impossible_date, symlink_loop, a_folder]),
    "evidence run --sign-key": (["evidence", "run", *SOURCES, "--sign-key", "{bad}"],
                                [deep_array, symlink_loop, a_folder, not_utf8]),
    "evidence verify": (["evidence", "verify", "{bad}"], [symlink_loop, broken_symlink]),
    "evidence verify --public-key": (["evidence", "verify", "{tmp}", "--public-key", "{bad}"],
                                     [deep_array, symlink_loop, a_folder, not_utf8]),
}
# inputs named so the command reads them as a file (a query argument ending in .sql is a file)
NAMES = {"query file.sql": "input.sql"}
CASES = [pytest.param(command, make, id=f"{command}-{make.__name__}")
         for command, (_args, inputs) in COMMANDS.items() for make in inputs]


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "audit.duckdb"
    con = db.connect(path)
    load_paths(con, [SAMPLE_DIR / "aws_cli_examples"])
    con.close()
    return path


@pytest.mark.parametrize(("command", "make"), CASES)
def test_bad_input_is_one_error_line_naming_it(command, make, tmp_path, loaded_db, monkeypatch, capsys):
    folder = tmp_path / NAMES.get(command, "input")
    bad = make(folder)
    database = shutil.copyfile(loaded_db, tmp_path / "audit.duckdb")  # a connection left open is this test's own
    args = [a.format(bad=bad, folder=folder, db=database, tmp=tmp_path) for a in COMMANDS[command][0]]
    code, out, err = cli(monkeypatch, capsys, *args)
    # docs/cli.md, "Exit codes": SQL that fails to run is a failed statement (41; --print-sql runs nothing); other bad
    # input is 254 for the commands that answer for Powerpipe's and Steampipe's, else 2
    powerpipe = args[0] in ("check", "query") or args[:2] == ["evidence", "run"]
    expected = 41 if make is deep_sql and "--print-sql" not in args else 254 if powerpipe else 2
    assert code == expected, (code, out)
    assert "Traceback" not in err + out
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert bad.name in lines[0], lines[0]
    assert not (tmp_path / "evidence").exists() or not any((tmp_path / "evidence").rglob("manifest.json"))


def test_deep_manifest_in_a_run_folder_fails_verification_in_one_line(tmp_path, monkeypatch, capsys):
    run = tmp_path / "20260101T000000Z"
    run.mkdir()
    (run / "manifest.json").write_text('{"files": ' + DEEP_OBJECT + "}")
    code, out, err = cli(monkeypatch, capsys, "evidence", "verify", str(run))
    assert code == 1 and err == "" and "Traceback" not in out
    assert out.splitlines() == [f"FAILED {run}: manifest.json is not a readable iamsql manifest"]


# ------------------------------------------------------------------------------------------------- memory


def huge_user_file(path: Path, megabytes: int) -> Path:
    users = [USER | {"UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001", "Arn": "arn:aws:iam::123456789012:user/alice"},
             USER | {"Tags": [{"Key": "blob", "Value": "v" * (megabytes << 20)}]}]
    path.write_text(json.dumps({"Users": users}))
    return path


def test_value_too_big_for_memory_names_the_file_and_record(tmp_path):
    source = huge_user_file(tmp_path / "list-users.json", 12)
    con = db.connect(tmp_path / "audit.duckdb")
    con.execute("set memory_limit = '48MB'")
    with pytest.raises(InputError) as raised:
        load_paths(con, [source])
    message = str(raised.value)
    assert message.startswith(f"{source}: aws_iam_user record arn:aws:iam::123456789012:user/bob (")
    assert "nothing was written" in message and ".ndjson" not in message and "\n" not in message
    assert "Out of Memory" in message
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 0
    con.close()


def test_value_bigger_than_duckdb_default_object_size_loads(tmp_path):
    """The clean twin: with memory to spare, a 20 MiB tag value (beyond read_json's 16 MiB default) is stored."""
    source = huge_user_file(tmp_path / "list-users.json", 20)
    con = db.connect(tmp_path / "audit.duckdb")
    load_paths(con, [source])
    sizes = dict(con.execute("select name, length(tags ->> 'blob') from aws_iam_user").fetchall())
    assert sizes == {"alice": None, "bob": 20 << 20}
    con.close()


# ------------------------------------------------------------------------------------------------- connections


@pytest.fixture
def dropping_endpoint():
    """An endpoint that accepts each connection, reads the request and closes without answering."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    server.close()


def test_dropped_connection_is_a_connection_failure_not_credentials(dropping_endpoint, tmp_path, monkeypatch,
                                                                    capsys):
    for name, value in {"AWS_ENDPOINT_URL": dropping_endpoint, "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEDROPPED01",
                        "AWS_SECRET_ACCESS_KEY": "dropped", "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_MAX_ATTEMPTS": "2", "AWS_CONFIG_FILE": str(tmp_path / "none"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    code, out, err = cli(monkeypatch, capsys, "collect", "--db", str(tmp_path / "audit.duckdb"),
                         "--evidence-dir", str(tmp_path / "evidence"), "--quiet")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "error: cannot connect to AWS (sts:GetCallerIdentity): ConnectionClosed: the connection dropped before an "
        f'answer: Connection was closed before we received a valid response from endpoint URL: "{dropping_endpoint}/".']
    assert "credentials" not in err


@pytest.mark.parametrize(("error", "code", "words"), [
    (ConnectionClosedError(endpoint_url="https://iam.amazonaws.com/"), "ConnectionClosed", "dropped before an answer"),
    (ReadTimeoutError(endpoint_url="https://iam.amazonaws.com/"), "ReadTimeout", "no answer in time"),
    (EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/"), "EndpointUnreachable", "cannot reach"),
])
def test_connection_errors_are_described_as_connection_failures(error, code, words):
    failure = describe(error)
    assert (failure.code, failure.connection, failure.credentials) == (code, True, False)
    assert words in failure.message and "https://iam.amazonaws.com/" in failure.message


def test_an_http_error_without_an_aws_error_code_says_so():
    """An answer botocore reads no error from (a 403 with an empty body, as moto's server gives for some JSON and
    CBOR APIs) is named by its HTTP status, not as '403: 403'."""
    error = ClientError({"Error": {"Code": "403", "Message": ""}, "ResponseMetadata": {"HTTPStatusCode": 403}},
                        "DescribeAlarms")
    failure = describe(error)
    assert (failure.code, failure.message) == ("403", "HTTP 403 from the endpoint, without an AWS error code or message")


def test_duckdb_errors_never_name_the_temporary_file(tmp_path):
    """A row DuckDB refuses for another reason names the table, not the temporary NDJSON file it went through."""
    con = db.connect(tmp_path / "audit.duckdb")
    con.execute("set memory_limit = '48MB'")
    snapshot = db.new_snapshot(con, account_id="123456789012", kind="load", sources=[], as_of=None)
    with pytest.raises(db.RowsNotStored) as raised:
        db.insert_rows(con, "aws_iam_user", snapshot, [{"name": "x", "tags": {"blob": "v" * (12 << 20)}}])
    assert raised.value.index == 0 and ".ndjson" not in str(raised.value)
    con.close()


# ------------------------------------------------------------------------------------------------- schema versions


def test_database_of_an_older_schema_is_upgraded_by_reading_commands(loaded_db, tmp_path, monkeypatch, capsys):
    """A database an older iamsql made lacks tables and columns added since: ``tables`` and ``query``, which open it
    read-only, add them as a writing command would, instead of failing on the missing view."""
    database = shutil.copyfile(loaded_db, tmp_path / "audit.duckdb")
    con = duckdb.connect(str(database))
    con.execute("drop view main.aws_iam_access_advisor; drop table history.aws_iam_access_advisor; "
                "drop view main.aws_iam_user; alter table history.aws_iam_user drop column permissions_boundary_arn; "
                "update iamsql_schema set fingerprint = 'an older schema'")
    con.close()
    code, out, err = cli(monkeypatch, capsys, "tables", "--db", str(database), "-o", "csv")
    assert (code, err) == (0, "") and "aws_iam_access_advisor,0,loaded," in out.splitlines()  # loaded whole: no partial reason
    code, out, err = cli(monkeypatch, capsys, "query", "--db", str(database), "-o", "csv",
                         "select name, permissions_boundary_arn from aws_iam_user order by name limit 1")
    assert (code, err) == (0, "") and out.splitlines()[1:] == ["Adele,"]


def test_database_of_an_older_schema_that_cannot_be_written_is_read_as_it_is(loaded_db, tmp_path, monkeypatch,
                                                                              capsys):
    """When the upgrade cannot open the file for writing (here another process reads it; also a read-only copy),
    reading commands read it as it is: what the older schema has answers, as before."""
    database = shutil.copyfile(loaded_db, tmp_path / "audit.duckdb")
    con = duckdb.connect(str(database))
    con.execute("drop view main.aws_iam_access_advisor; drop table history.aws_iam_access_advisor; "
                "update iamsql_schema set fingerprint = 'an older schema'")
    con.close()
    reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1], "
                               "read_only=True); print('open', flush=True); sys.stdin.read()", str(database)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "open\n"
        code, out, err = cli(monkeypatch, capsys, "query", "--db", str(database), "-o", "csv",
                             "select name from aws_iam_user order by name")
    finally:
        reader.communicate("")
    assert (code, err) == (0, "") and out.splitlines() == ["name", "Adele", "Bob"]


def test_database_of_a_newer_schema_is_never_rewritten(loaded_db, tmp_path, monkeypatch, capsys):
    """A column this iamsql does not know means a newer iamsql made the database (history tables and columns are
    only ever added): a writing command stops before it replaces the newer views with older ones; reading works."""
    database = shutil.copyfile(loaded_db, tmp_path / "audit.duckdb")
    con = duckdb.connect(str(database))
    con.execute("alter table history.aws_iam_user add column future_column varchar; "
                "update iamsql_schema set fingerprint = 'a newer schema'")
    snapshots = con.execute("select count(*) from iamsql_snapshot").fetchone()[0]
    con.close()
    code, out, err = cli(monkeypatch, capsys, "load", "--sample", "--db", str(database), "--quiet")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.splitlines() == [
        f"error: database {database} was written by a newer iamsql: its history.aws_iam_user.future_column is "
        "unknown to this one; use that iamsql version or a newer one"]
    code, out, err = cli(monkeypatch, capsys, "query", "--db", str(database), "-o", "csv",
                         "select count(*) as users from aws_iam_user")
    assert (code, err) == (0, "") and out.splitlines() == ["users", "2"]
    con = duckdb.connect(str(database), read_only=True)
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == snapshots
    assert con.execute("select fingerprint from iamsql_schema").fetchall() == [("a newer schema",)]
    con.close()


# ------------------------------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(("document", "problem"), [
    ({"UserDetailList": [], "RoleDetailList": [], "GroupDetailList": "none", "Policies": []},
     "bad iam:get-account-authorization-details: GroupDetailList is text, not a list"),
    ({"UserDetailList": [], "RoleDetailList": [], "GroupDetailList": [], "Policies": {"Arn": "x"}},
     "bad iam:get-account-authorization-details: Policies is an object, not a list"),
    ({"UserDetailList": "none", "RoleDetailList": [], "GroupDetailList": [], "Policies": []},
     "bad iam:get-account-authorization-details: UserDetailList is text, not a list"),
    ({"Users": [USER | {"Tags": "team=platform"}]}, "bad iam:list-users: Users[0].Tags is text, not a list"),
])
def test_a_value_of_the_wrong_json_kind_is_named_by_its_place(document, problem, tmp_path, loaded_db, monkeypatch,
                                                               capsys):
    """A list or object where AWS returns another kind is named as ``jq`` would reach it, not in Python's words
    ("'str' object has no attribute 'get'"); nothing is stored."""
    source = tmp_path / "output.json"
    source.write_text(json.dumps(document))
    database = shutil.copyfile(loaded_db, tmp_path / "audit.duckdb")
    code, out, err = cli(monkeypatch, capsys, "load", str(source), "--db", str(database), "--quiet")
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"error: {source}: {problem}"]
    con = duckdb.connect(str(database))  # as the command opened it: its connection may still be open here
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 1
    con.close()


def test_a_trail_file_whose_every_record_is_rejected_loads_nothing_and_fails(tmp_path, loaded_db, monkeypatch, capsys):
    """Every record rejected means nothing was stored: an error (also under --quiet, which hides warnings), not
    exit 0 with a warning per record."""
    source = tmp_path / "111122223333_CloudTrail_us-east-1_20260101T0000Z_x.json"
    source.write_text(json.dumps({"Records": [1, "x", None]}))
    other = tmp_path / "111122223333_CloudTrail_us-east-1_20260101T0100Z_y.json"
    other.write_text(json.dumps({"Records": ["y", "z"]}))
    database = shutil.copyfile(loaded_db, tmp_path / "audit.duckdb")
    code, out, err = cli(monkeypatch, capsys, "load", str(source), str(other), "--db", str(database), "--quiet")
    assert (code, out) == (2, "")
    *warnings, line = err.splitlines()  # one warning per file (its total, then each reason's count), then the error
    assert warnings == [f"warning: {source}: 3 record(s) rejected: 1 not a JSON object (a number), 1 not a JSON "
                        "object (null), 1 not a JSON object (text)",
                        f"warning: {other}: 2 record(s) rejected: not a JSON object (text)"]
    assert line == f"error: nothing loaded: every record was rejected (5 record(s)), e.g. {warnings[0][9:]}"
    con = duckdb.connect(str(database))  # as the command opened it: its connection may still be open here
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 1
    con.close()
