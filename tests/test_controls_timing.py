"""How a check run spends its time: per-control timings stored with the run, helper views read by several
controls computed once per account (same results as computing them per control), and connections that skip
the helper views when they do not need them."""

import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from benchmarks.cloudtrail_data import generate
from benchmarks.controls_bench import generate_account
from iamsql import controls
from iamsql.controls import views
from iamsql.controls.engines import duckdb as duckdb_engine
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.calls import record_calls


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A small generated account (the benchmark's generator): IAM, credential report, trails and 3,000 events."""
    root = tmp_path_factory.mktemp("generated")
    principals = generate_account(root / "iam", users=60, roles=60, policies=30, seed=7)
    generate(root / "trail", 3_000, 6, seed=7, principals=principals)
    path = root / "generated.duckdb"
    con = db.connect(path)
    load_paths(con, [root / "iam", root / "trail"])
    con.close()
    return path


@pytest.fixture
def con(generated, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(generated.read_bytes())
    connection = db.connect(copy)
    yield connection
    connection.close()


def stored(connection, run_id):
    return connection.execute("select control_id, finding_id, status, reason from iamsql_result where run_id = ? "
                              "order by control_id, finding_id", [run_id]).fetchall()


# controls reading each helper view that a full run shares (events, principals, statements, admins, trails)
SHARING = ["nhi_unused", "cloudtrail_event_nhi_human_use", "cloudtrail_event_nhi_reuse_many_sources", "cloudtrail_event_iam_change_by_non_admin",
           "nhi_admin_privileges", "cloudtrail_event_root_activity", "iam_principal_privilege_escalation",
           "cloudtrail_multi_region_trail_enabled", "cloudtrail_s3_data_events_write"]


def test_shared_views_computed_once_give_the_same_results(con, monkeypatch):
    shared_run = controls.run_checks(con, controls=SHARING)
    # the run leaves no per-account helper table or view behind, only the views it defined for the whole run (each
    # read once, over the Steampipe tables only)
    assert temp_helpers(con) == {"iam_principal_data", "cloudtrail_trail_home", "iam_user_sign_in", "iam_user_access_key"}
    assert not con.execute("select count(*) from duckdb_tables() where table_name = 'iam_principal'").fetchone()[0]
    monkeypatch.setattr(duckdb_engine, "shared_views", lambda selected: [])
    plain_run = controls.run_checks(con, controls=SHARING)
    shared, plain = stored(con, shared_run), stored(con, plain_run)
    assert len(shared) == len(plain) > 300
    assert {status for _, _, status, _ in shared} >= {"ok", "alarm"}
    for (control, finding, status, reason), (control2, finding2, status2, reason2) in zip(shared, plain):
        assert (control, finding, status) == (control2, finding2, status2)
        # some reasons list names with string_agg(distinct ...), whose order DuckDB does not fix
        assert sorted(reason) == sorted(reason2), (control, reason, reason2)
    views = {r[0] for r in con.execute("select control_id from iamsql_run_timing where run_id = ? "
                                       "and control_id like 'view:%'", [shared_run]).fetchall()}
    assert {"view:cloudtrail_event_actor", "view:iam_principal"} <= views
    assert not con.execute("select count(*) from iamsql_run_timing where run_id = ? and control_id like 'view:%'",
                           [plain_run]).fetchone()[0]
    # create_views defines them over all accounts again
    controls.create_views(con, access=False)
    assert con.execute("select count(*) from iam_principal").fetchone()[0] > 120


def temp_helpers(connection):
    """The helper views the connection has as TEMP tables or views."""
    return {name for (name,) in connection.execute(
        "select table_name from duckdb_tables() where database_name = 'temp' union all "
        "select view_name from duckdb_views() where database_name = 'temp'").fetchall()} & set(controls.view_names())


def test_a_shared_view_is_bound_once_per_account_that_reads_it(con, monkeypatch):
    """A shared helper view is computed straight from its SQL into a table for each account whose controls read
    it, and never defined from its SQL otherwise (not before the run, not again after each account): one bind of
    its SQL per account."""
    load_paths(con, [Path(__file__).parent / "data" / "cloudsplaining" / "example.json"])  # two more accounts
    calls = []

    def recording(function, kind):
        def record(connection, name):
            calls.append((kind, name))
            return function(connection, name)
        return record

    monkeypatch.setattr(duckdb_engine, "create_view_table", recording(duckdb_engine.create_view_table, "table"))
    monkeypatch.setattr(duckdb_engine, "create_view", recording(duckdb_engine.create_view, "view"))
    monkeypatch.setattr(views, "create_view", recording(views.create_view, "view"))
    run_id = controls.run_checks(con, controls=SHARING)
    computed = Counter(name for kind, name in calls if kind == "table")
    # the IAM controls read iam_principal (and through it the events' actors) on all three accounts
    assert computed["iam_principal"] == computed["cloudtrail_event_actor"] == 3
    assert not [name for kind, name in calls if kind == "view" and name in computed]
    timed = con.execute("select count(*) from iamsql_run_timing where run_id = ? and control_id like 'view:%'",
                        [run_id]).fetchone()[0]
    assert timed == sum(computed.values())


def test_each_control_is_timed_with_its_result_rows(con):
    run_id = controls.run_checks(con, controls=["iam_user_console_mfa", "iam_root_mfa_enabled", "nhi_unused"])
    timings = con.execute("select control_id, account_id, duration_ms, result_rows from iamsql_run_timing "
                          "where run_id = ? and control_id not like 'view:%' order by 1", [run_id]).fetchall()
    assert [t[0] for t in timings] == ["iam_root_mfa_enabled", "iam_user_console_mfa", "nhi_unused"]
    counts = dict(con.execute("select control_id, count(*) from iamsql_result where run_id = ? group by 1",
                              [run_id]).fetchall())
    for control_id, account_id, duration_ms, result_rows in timings:
        assert account_id == "210987654321"
        assert duration_ms > 0
        assert result_rows == counts[control_id]
    # nhi_unused reads cloudtrail_event_actor itself and through iam_principal: computed once, not twice;
    # iam_principal and iam_principal_data have one reader each and are left to DuckDB
    shared = controls.shared_views([c for c in controls.load_controls() if c.id == "nhi_unused"])
    assert "cloudtrail_event_actor" in shared
    assert "iam_principal" not in shared and "iam_principal_data" not in shared


def test_shared_views_come_after_the_views_they_read():
    selected = [c for c in controls.load_controls() if c.id in ("nhi_unused", "cloudtrail_event_nhi_human_use")]
    shared = controls.shared_views(selected)
    assert "iam_principal" in shared and "cloudtrail_event_actor" in shared
    assert shared.index("cloudtrail_event_actor") < shared.index("iam_principal")
    assert "iam_policy_statement" not in shared


def test_connection_without_helper_views_still_runs_checks(generated, tmp_path):
    copy = tmp_path / "lazy.duckdb"
    copy.write_bytes(generated.read_bytes())
    connection = db.connect(copy)
    try:
        assert connection.execute("select count(*) from iamsql_account").fetchone()[0] == 1
        with pytest.raises(duckdb.CatalogException):
            connection.execute("select count(*) from iam_principal")
        run_id = controls.run_checks(connection, controls=["nhi_unused"])
        assert connection.execute("select count(*) from iamsql_result where run_id = ? and status = 'error'",
                                  [run_id]).fetchone()[0] == 0
        controls.create_views(connection, access=False)
        assert connection.execute("select count(*) from iam_principal").fetchone()[0] > 120
    finally:
        connection.close()


def test_a_single_control_defines_only_the_views_it_reads_and_computes_each_once(generated, tmp_path, monkeypatch):
    copy = tmp_path / "single.duckdb"
    copy.write_bytes(generated.read_bytes())
    connection = db.connect(copy)
    try:
        # cloudtrail_event_nhi_human_use reads iam_principal and cloudtrail_event_actor; iam_principal reads cloudtrail_event_actor
        # again and iam_principal_rule (queries/views/iam_principal.sql)
        defined = record_calls(monkeypatch, duckdb_engine, "create_view", argument=1)
        run_id = controls.run_checks(connection, controls=["cloudtrail_event_nhi_human_use"])
        # iam_principal reads the shared views: defined per account; every one of them is gone after the run, only
        # the views it reads over the Steampipe tables alone (iam_user_sign_in, iam_user_access_key) stay, defined
        # once for the run
        assert defined == ["iam_principal"]
        assert temp_helpers(connection) == {"iam_user_sign_in", "iam_user_access_key"}
        computed = connection.execute("select control_id, count(*) from iamsql_run_timing where run_id = ? and "
                                      "control_id like 'view:%' group by 1", [run_id]).fetchall()
        # cloudtrail_event_actor has two readers: computed once, not inside each; the rules are read nine times
        assert dict(computed) == {"view:cloudtrail_event_actor": 1, "view:iam_principal_rule": 1}
        assert connection.execute("select count(*) from iamsql_result where run_id = ? and status = 'error'",
                                  [run_id]).fetchone()[0] == 0
        # only the translations it needs: a control over the plain tables defines no helper view at all
        assert controls.needed_views([c for c in controls.load_controls() if c.id == "iam_root_mfa_enabled"]) == []
    finally:
        connection.close()


def test_query_command_creates_helper_views_only_when_named(generated):
    assert controls.mentions_helper_view("select * from IAM_PRINCIPAL where is_nhi")
    assert not controls.mentions_helper_view("select name from aws_iam_user")
    run = [sys.executable, "-c", "from iamsql.cli import main; main()", "query", "--db", str(generated),
           "--format", "csv"]
    over_view = subprocess.run(run + ["select count(*) as n from iam_principal where is_nhi"],
                               capture_output=True, text=True)
    assert over_view.returncode == 0, over_view.stderr
    assert int(over_view.stdout.split()[-1]) > 0
    plain = subprocess.run(run + ["select count(*) as n from aws_iam_user"], capture_output=True, text=True)
    assert plain.returncode == 0 and plain.stdout.split()[-1] == "60"


def test_an_account_computes_only_what_its_querying_controls_read(con):
    """Accounts with IAM data only (Cloudsplaining's example has two): the controls over their events skip, so
    neither the event views nor the policy engine's tables that only those read are computed for them; the account
    with events gets them."""
    load_paths(con, [Path(__file__).parent / "data" / "cloudsplaining" / "example.json"])
    run_id = controls.run_checks(con, controls=["cloudtrail_event_nhi_human_use", "iam_root_mfa_enabled"])
    computed = con.execute("select account_id, control_id from iamsql_run_timing where run_id = ? and "
                           "(control_id like 'view:%' or control_id like 'engine:%')", [run_id]).fetchall()
    assert {control for account, control in computed if account == "210987654321"} >= {"view:cloudtrail_event_actor"}
    assert not [control for account, control in computed if account != "210987654321"]
    statuses = dict(con.execute("select account_id, status from iamsql_result where run_id = ? and "
                                "control_id = 'cloudtrail_event_nhi_human_use'", [run_id]).fetchall())
    assert statuses["012345678901"] == statuses["200611803367"] == "skip"
    assert statuses["210987654321"] != "skip"


def test_accounts_are_copied_into_temp_tables_and_restored_after_the_run(con):
    """During a run the account's loaded tables are TEMP copies (events stay a view); afterwards the Steampipe
    names read every account's latest rows again, `iamsql_account` lists every account and the time is the newest."""
    accounts = duckdb_engine.run_accounts(con)
    shadowed = duckdb_engine.shadowed_tables(accounts)
    duckdb_engine._shadow_tables(con, accounts[0], shadowed)
    temp = dict(con.execute("select table_name, 'table' from duckdb_tables() where database_name = 'temp' union all "
                            "select view_name, 'view' from duckdb_views() where database_name = 'temp'").fetchall())
    assert temp["aws_iam_user"] == "table" and temp["aws_iam_role"] == "table"
    assert temp["aws_cloudtrail_trail_event"] == "view"
    assert con.execute("select count(*) from aws_iam_user").fetchone()[0] == 60
    newest = db.newest_as_of(con)
    db.set_as_of(con, datetime(2001, 1, 1, tzinfo=timezone.utc))  # as an account with older data would leave it
    duckdb_engine._drop_shadows(con, accounts[0], shadowed, {}, newest)
    assert con.execute("select count(*) from iamsql_account").fetchone()[0] == len(accounts)
    assert con.execute("select getvariable('iamsql_as_of')").fetchone()[0] == newest
    left = con.execute("select count(*) from duckdb_tables() where database_name = 'temp' and table_name like 'aws_%'"
                       ).fetchone()[0]
    assert left == 0
    assert con.execute("select count(*) from aws_iam_user").fetchone()[0] == 60


@pytest.mark.parametrize("files", [["cloudsplaining/example.json", "real_shapes/credential-report.csv"],
                                   ["real_shapes/credential-report.csv"]])
def test_tables_loaded_for_no_account_are_read_as_they_are_with_the_same_results(tmp_path, monkeypatch, files):
    """Only tables loaded for some account (plus the events and aws_iam_user, whose view also holds credential
    report users) get per-account copies or views; the others are empty for everyone and are read as they are:
    the run stores the same results as one that shadows every table."""
    con = db.connect(tmp_path / "few.duckdb")
    load_paths(con, [Path(__file__).parent / "data" / name for name in files], account_id="111122223333")
    shadowed = duckdb_engine.shadowed_tables(duckdb_engine.run_accounts(con))
    assert "aws_iam_user" in shadowed and "aws_cloudtrail_trail_event" in shadowed
    assert "aws_organizations_account" not in shadowed and len(shadowed) < len(db.TABLES) / 2
    query = "select * exclude (run_id) from iamsql_result where run_id = ? order by all"
    fewer = con.execute(query, [controls.run_checks(con)]).fetchall()
    monkeypatch.setattr(duckdb_engine, "shadowed_tables", lambda accounts: list(db.TABLES))
    every = con.execute(query, [controls.run_checks(con)]).fetchall()
    con.close()
    assert fewer == every and len(fewer) > 100
    assert {"alarm", "ok", "skip"} <= {row[3] for row in fewer}


def test_connect_records_its_schema_and_repairs_a_different_one(generated, tmp_path):
    """``connect`` skips its DDL when the database records this schema's fingerprint, and runs it (restoring what is
    missing) when the recorded one differs, as for a database made by an older iamsql."""
    copy = tmp_path / "schema.duckdb"
    copy.write_bytes(generated.read_bytes())
    connection = db.connect(copy)
    assert connection.execute("select fingerprint from iamsql_schema").fetchall() == [(db.schema_fingerprint(),)]
    connection.execute("drop view main.aws_iam_group")
    connection.execute("update iamsql_schema set fingerprint = 'older'")
    connection.close()
    connection = db.connect(copy)
    try:
        assert connection.execute("select count(*) from aws_iam_group").fetchone()[0] >= 0
        assert connection.execute("select fingerprint from iamsql_schema").fetchall() == [(db.schema_fingerprint(),)]
    finally:
        connection.close()


def test_event_views_without_stored_events_are_computed_once_with_the_same_columns(tmp_path):
    """No CloudTrail event is stored (Cloudsplaining's example, two accounts): the first account computes
    ``cloudtrail_event_actor`` from its SQL, the second gets an empty table of the very same columns; with events
    stored every account computes it."""
    con = db.connect(tmp_path / "x.duckdb")
    load_paths(con, [Path(__file__).parent / "data" / "cloudsplaining" / "example.json"])
    selected = [c for c in controls.load_controls() if c.id in SHARING]

    def columns_per_account(engine):
        seen = []
        accounts = engine.accounts()
        engine.prepare(selected)
        for account in accounts:
            engine.enter(account, selected)
            seen.append(con.execute("select column_name, data_type from duckdb_columns() where database_name = "
                                    "'temp' and table_name = 'cloudtrail_event_actor' order by column_index").fetchall())
            assert con.execute("select count(*) from cloudtrail_event_actor").fetchone()[0] == 0
            engine.leave(account)
        return seen

    engine = duckdb_engine.DuckDBEngine(con)
    first, second = columns_per_account(engine)
    assert list(engine.empty_columns) == ["cloudtrail_event_actor"]
    assert len(first) > 10 and first == second
    assert ("event_time", "TIMESTAMP WITH TIME ZONE") in first and ("mfa_authenticated", "BOOLEAN") in first
    assert "cloudtrail_event_actor" not in temp_helpers(con)
    con.close()


def test_event_views_with_stored_events_are_computed_for_every_account(con):
    load_paths(con, [Path(__file__).parent / "data" / "cloudsplaining" / "example.json"])
    engine = duckdb_engine.DuckDBEngine(con)
    selected = [c for c in controls.load_controls() if c.id in SHARING]
    accounts = engine.accounts()
    engine.prepare(selected)
    for account in accounts:
        engine.enter(account, selected)
        engine.leave(account)
    assert not engine.no_events and engine.empty_columns == {}
