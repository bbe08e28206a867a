"""The policy engine computes only the access tables a caller asks for, with the same rows as when it computes
them all; the workbook's NHI inventory needs only ``iam_role_trust_access`` (and not the action catalog)."""

import duckdb
import pytest

from iamsql import controls
from iamsql.common.resources import SAMPLE_DIR
from iamsql.controls.views import create_view_table, views_read_by, views_read_twice
from iamsql.load import load_paths
from iamsql.policy.access import build, organization
from iamsql.policy.access.build import compute, create_tables
from iamsql.policy.access.model import load_accounts
from iamsql.policy.access.questions import load_questions
from iamsql.policy.access.tables import Asker, policy_answers, policy_rows
from iamsql.report import nhi
from iamsql.report.nhi import inventory
from iamsql.store import db
from iamsql.store.bookkeeping import ACCESS_CACHE_KEYS
from iamsql.store.schema import ACCESS_TABLES
from tests.fixtures.calls import record_calls

from .conftest import TEST_DATA

EXAMPLE = TEST_DATA / "cloudsplaining" / "example.json"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("subset") / "iamsql.duckdb"
    con = db.connect(str(path))
    load_paths(con, [EXAMPLE])
    con.close()
    return path


def _temp_tables(con):
    return {
        row[0] for row in con.execute("select table_name from duckdb_tables() where database_name = 'temp'").fetchall()
    }


@pytest.mark.parametrize("tables", [("iam_role_trust_access",), ("iam_policy_access", "iam_event_trust_access")])
def test_a_subset_has_the_rows_of_the_full_computation(database, tables):
    con = db.connect(str(database), read_only=True)
    full = compute(con, controls.ACCESS_QUESTIONS)
    subset = compute(con, controls.ACCESS_QUESTIONS, tables)
    assert set(subset) == set(tables)
    assert full["iam_role_trust_access"] and full["iam_policy_access"]
    for name in tables:
        assert sorted(map(repr, subset[name])) == sorted(map(repr, full[name])), name
    con.close()


def test_nhi_inventory_asks_the_engine_only_about_trust(database):
    con = db.connect(str(database), read_only=True)
    rows = inventory(con)
    assert _temp_tables(con) & set(ACCESS_TABLES) == {"iam_role_trust_access"}
    assert "aws_iam_action" not in _temp_tables(con)
    con.close()
    con = db.connect(str(database), read_only=True)
    controls.create_views(con)
    assert _temp_tables(con) >= set(ACCESS_TABLES)
    assert rows and rows == inventory(con)


def test_nhi_inventory_drops_the_views_it_computed_once(database):
    """The views the inventory reads more than once (``iam_principal``, and ``cloudtrail_event_actor`` and the rules,
    which ``iam_principal`` reads several times) are TEMP tables for it only: none is left, so the helper views can
    be defined on the same connection afterwards, and the inventory reads them the same."""
    assert {"cloudtrail_event_actor", "iam_principal_rule"} <= set(views_read_twice(["iam_nhi_inventory"]))
    con = db.connect(str(database), read_only=True)
    rows = inventory(con)
    assert not _temp_tables(con) & set(views_read_by(["iam_nhi_inventory"]))
    controls.create_views(con)
    assert rows and rows == inventory(con)
    con.close()


def test_policy_answers_are_not_shared_between_policies(database):
    """Each policy is asked through the same stand-in principal: answers kept per set of policies must not leak
    from one policy to the next (a fresh asker per policy gives the same rows)."""
    con = db.connect(str(database), read_only=True)
    questions = tuple(q for q in load_questions(controls.ACCESS_QUESTIONS) if not q.id.startswith("escalation:"))
    for account in load_accounts(con):
        shared = {(row[1], row[3]): row[4] for row in policy_rows(account, questions)}
        alone = {
            (policy.arn, question.id): decision
            for policy in account.managed.values()
            if policy.attached.policy is not None
            for question, decision, _, _ in policy_answers(Asker(account), [policy.attached], questions)
        }
        assert alone and {key: shared[key] for key in alone} == alone
        assert "Allowed" in alone.values() and "ImplicitlyDenied" in alone.values()
    con.close()


def test_the_model_reads_no_table_that_no_snapshot_covers(database, tmp_path):
    """A table no snapshot covers (no workload or Identity Center data on this account) is empty for every account:
    the model does not query it; once a snapshot covers it, it does."""
    copy = tmp_path / "coverage.duckdb"
    copy.write_bytes(database.read_bytes())
    con = db.connect(str(copy))
    try:
        con.execute("create temp view aws_lambda_function as "
                    "select error('aws_lambda_function was read')::varchar as arn, null as role, null as account_id")
        con.execute("create temp view aws_ssoadmin_permission_set as select error('aws_ssoadmin_permission_set "
                    "was read')::varchar as arn, null as name, null as inline_policy, null as account_id")
        accounts = load_accounts(con)
        assert len(accounts) == 2 and all(account.principals for account in accounts)
        snapshot = con.execute("select min(snapshot_id) from iamsql_snapshot").fetchone()[0]
        con.execute("insert into iamsql_snapshot_table values (?, 'aws_lambda_function', 0)", [snapshot])
        with pytest.raises(duckdb.Error, match="aws_lambda_function was read"):
            load_accounts(con)
    finally:
        con.close()


@pytest.mark.parametrize("events", [False, True])
def test_nhi_inventory_computes_the_actor_view_only_without_events(tmp_path, monkeypatch, events):
    """Without CloudTrail events ``cloudtrail_event_actor`` is an empty table for the inventory (bound once instead of
    at each of ``iam_principal``'s references); with events it stays a view, whose readers filter the events
    first (a table of every event's row costs more), and the inventory is the same as over the views."""
    con = db.connect(str(tmp_path / "events.duckdb"))
    trail = TEST_DATA / "maheribra_aws_attack_chain_ir" / "04-investigation" / "evidence" / "cloudtrail"
    load_paths(con, [EXAMPLE, trail] if events else [EXAMPLE])
    computed = []

    def recording(connection, name):
        computed.append(name)
        return create_view_table(connection, name)

    monkeypatch.setattr(nhi, "create_view_table", recording)
    rows = inventory(con)
    assert "iam_principal" in computed and ("cloudtrail_event_actor" in computed) is not events
    controls.create_views(con)
    assert rows and rows == inventory(con)
    con.close()


@pytest.fixture(scope="module", params=["example", "sample"])
def loaded(request, tmp_path_factory):
    """Cloudsplaining's example (two accounts) and the bundled sample (CLI outputs, credential reports, trails)."""
    path = tmp_path_factory.mktemp("roles") / "iamsql.duckdb"
    con = db.connect(str(path))
    load_paths(con, [EXAMPLE] if request.param == "example" else [SAMPLE_DIR])
    con.close()
    return path


def _trust_table(path, monkeypatch=None) -> tuple[list[tuple], set]:
    """``iam_role_trust_access`` built alone on a new connection, and the answer cache's keys after it."""
    con = db.connect(str(path))
    try:
        if monkeypatch is not None:  # the trust table alone reads the roles only
            for name in ("read_iam_rows", "build_accounts"):
                monkeypatch.setattr(build, name, lambda *_: pytest.fail("the full model was loaded"))
        create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_role_trust_access"])
        rows = con.execute('select * from temp.main."iam_role_trust_access"').fetchall()
        return rows, set(con.execute(f"select table_name, cache_key from {ACCESS_CACHE_KEYS}").fetchall())
    finally:
        con.close()


def test_the_trust_table_alone_reads_the_roles_only_and_finds_the_kept_answers(loaded, tmp_path, monkeypatch):
    """Built alone (the NHI inventory's build), the trust table loads each account's roles and their trust policies,
    not the full model, and gives the rows of the full build in the same order: computed (a new database), and read
    from the answers a full build kept, under the same keys (nothing asked again, nothing pruned)."""
    fresh, kept = tmp_path / "fresh.duckdb", tmp_path / "kept.duckdb"
    fresh.write_bytes(loaded.read_bytes())
    kept.write_bytes(loaded.read_bytes())
    con = db.connect(str(kept))
    create_tables(con, controls.ACCESS_QUESTIONS)
    full = con.execute('select * from temp.main."iam_role_trust_access"').fetchall()
    keys = set(con.execute(f"select table_name, cache_key from {ACCESS_CACHE_KEYS}").fetchall())
    con.close()
    assert full and any(row[9] == "Allowed" for row in full)
    asked = record_calls(monkeypatch, organization, "evaluate")  # the trust analysis asks through evaluate_caller
    rows, after = _trust_table(kept, monkeypatch)
    assert rows == full and after == keys and not asked
    rows, _ = _trust_table(fresh, monkeypatch)
    assert rows == full and asked
