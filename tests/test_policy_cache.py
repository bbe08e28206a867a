"""The policy engine's answers kept between checks in the database (``iamsql/policy/access/cache.py``): a second
build of the same data asks the engine nothing and gives the same tables; a changed document makes the engine
ask again only about what reads it; another engine version, an interrupted write or a read-only database never
serve answers that a fresh computation would not give."""

import json
import shutil

import duckdb
import pytest

from iamsql import controls
from iamsql.controls.views import reads_access_tables
from iamsql.load import load_paths
from iamsql.policy.access import build, organization
from iamsql.policy.access import cache as answer_cache
from iamsql.policy.access import tables as engine_tables
from iamsql.policy.access.build import compute, create_tables
from iamsql.policy.access.model import load_accounts
from iamsql.store import db
from iamsql.store.bookkeeping import ACCESS_CACHE_KEYS, ACCESS_CACHE_PLANS, ACCESS_CACHE_ROWS
from iamsql.store.schema import ACCESS_TABLES
from tests.fixtures.calls import record_calls

from . import test_controls_detections_engine as detections
from .cloudtrail_events import load_accounts as load_events

CHANGED_POLICY = "arn:aws:iam::200611803367:policy/privesc8-AttachGroupPolicy"  # attached to two principals
READ_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


@pytest.fixture
def database(cloudsplaining_db):
    return cloudsplaining_db


@pytest.fixture
def evaluations(monkeypatch):
    """How many times the engine evaluates a request (the engine's tables and the trust analysis)."""
    calls: list = []
    for module in (engine_tables, organization):  # organization: the trust analysis's and evaluate_caller's requests
        record_calls(monkeypatch, module, "evaluate", calls=calls)
    return calls


def _tables(con) -> dict[str, list[tuple]]:
    """Every engine table the connection has, rows in the order they were stored."""
    return {name: con.execute(f'select * from temp.main."{name}"').fetchall() for name in ACCESS_TABLES}


def _computed(path) -> dict[str, list[tuple]]:
    """The tables computed without any cache, on a read-only connection."""
    con = db.connect(str(path), read_only=True)
    try:
        return {name: [tuple(row) for row in rows] for name, rows in compute(con, controls.ACCESS_QUESTIONS).items()}
    finally:
        con.close()


def _build(path, questions=controls.ACCESS_QUESTIONS) -> dict[str, list[tuple]]:
    con = db.connect(str(path))
    try:
        create_tables(con, questions)
        return _tables(con)
    finally:
        con.close()


def _keys(path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {key for (key,) in con.execute(f"select cache_key from {ACCESS_CACHE_KEYS}").fetchall()}
    finally:
        con.close()


def test_a_second_build_asks_the_engine_nothing_and_gives_the_same_tables(database, evaluations):
    cold = _build(database)
    assert evaluations and cold["iam_principal_access"] and cold["iam_policy_access"] and cold["iam_role_trust_access"]
    kept = _keys(database)
    evaluations.clear()
    warm = _build(database)
    assert not evaluations
    assert warm == cold == _computed(database)
    assert _keys(database) == kept


def test_rows_streamed_in_small_batches_give_the_same_tables(database, monkeypatch):
    monkeypatch.setattr(answer_cache, "BATCH_ROWS", 7)  # many batches, units split across them
    batches = []
    original = answer_cache.insert_rows
    monkeypatch.setattr(
        answer_cache,
        "insert_rows",
        lambda con, table, rows, types: batches.append((table, len(rows))) or original(con, table, rows, types),
    )
    cold = _build(database)
    streamed = [count for table, count in batches if table == "iam_principal_access"]
    assert len(streamed) > 10 and sum(streamed) == len(cold["iam_principal_access"])
    assert cold == _computed(database)
    assert _build(database) == cold  # read back from the kept rows


def _holders(path, arn: str) -> list[str]:
    """The principals the managed policy ``arn`` reaches (attached directly, through a group or as a boundary)."""
    con = db.connect(str(path), read_only=True)
    try:
        found = []
        for account in load_accounts(con):
            managed = account.managed.get(arn)
            if managed is None:
                continue
            for principal in account.principals:
                reach = [*principal.identity, *([principal.boundary] if principal.boundary else [])]
                if any(a.document is managed.attached.document for a in reach):
                    found.append(principal.arn)
        return found
    finally:
        con.close()


def test_a_changed_document_is_asked_again_only_where_it_is_read(database, evaluations):
    before = _build(database)
    kept = _keys(database)
    holders = _holders(database, CHANGED_POLICY)
    assert holders
    con = duckdb.connect(str(database))
    con.execute("update history.aws_iam_policy set policy = ? where arn = ?", [json.dumps(READ_ONLY), CHANGED_POLICY])
    con.close()
    after = _build(database)
    assert after == _computed(database)
    assert after["iam_principal_access"] != before["iam_principal_access"]
    now = _keys(database)
    # the holders, the policy itself and its account's role chains (which read every principal's answers)
    assert len(now - kept) == len(holders) + 2
    assert len(kept - now) == len(holders) + 2  # the replaced answers are gone
    changed = {row[1] for row in set(after["iam_principal_access"]) ^ set(before["iam_principal_access"])}
    assert changed and changed <= set(holders)
    assert {row[1] for row in set(after["iam_policy_access"]) ^ set(before["iam_policy_access"])} <= {CHANGED_POLICY}


def test_another_engine_version_asks_everything_again(database, evaluations, tmp_path):
    _build(database)
    kept = _keys(database)
    questions = tmp_path / "access.yaml"
    questions.write_text(controls.ACCESS_QUESTIONS.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    evaluations.clear()
    rebuilt = _build(database, questions)
    assert evaluations
    assert rebuilt == _computed(database)
    assert _keys(database).isdisjoint(kept)
    con = duckdb.connect(str(database), read_only=True)
    versions = con.execute(f"select distinct engine_version from {ACCESS_CACHE_KEYS}").fetchall()
    con.close()
    assert versions == [(answer_cache.engine_version(questions),)]


def test_the_engine_version_covers_the_engine_source(tmp_path):
    package = tmp_path / "policy"
    shutil.copytree(answer_cache.POLICY_PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    same = answer_cache.engine_version(controls.ACCESS_QUESTIONS, package)
    assert same == answer_cache.engine_version(controls.ACCESS_QUESTIONS)
    evaluation = package / "evaluation.py"
    evaluation.write_text(evaluation.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    answer_cache.engine_version.cache_clear()
    assert answer_cache.engine_version(controls.ACCESS_QUESTIONS, package) != same


def test_an_interrupted_write_keeps_nothing(database, monkeypatch):
    original = answer_cache.insert_rows
    written = []

    def recording(con, table, rows, types):
        original(con, table, rows, types)
        written.append(table)

    def failing(*arguments):  # after the units' keys were written, before their rows
        raise KeyboardInterrupt

    monkeypatch.setattr(answer_cache, "insert_rows", recording)
    monkeypatch.setattr(answer_cache.AnswerCache, "_copy", failing)
    con = db.connect(str(database))
    with pytest.raises(KeyboardInterrupt):
        create_tables(con, controls.ACCESS_QUESTIONS)
    assert written[-1] == ACCESS_CACHE_KEYS  # the TEMP tables' rows streamed before, the keys last
    assert not con.execute("select table_name from duckdb_tables() where database_name = 'temp'").fetchall()
    con.close()
    assert not _keys(database)
    monkeypatch.undo()
    assert _build(database) == _computed(database)


def test_a_unit_with_missing_rows_is_asked_again(database):
    cold = _build(database)
    con = duckdb.connect(str(database))
    table = ACCESS_CACHE_ROWS["iam_principal_access"]
    con.execute(f"delete from {table} where cache_key = (select min(cache_key) from {table})")
    con.close()
    assert _build(database) == cold


@pytest.fixture
def models(monkeypatch):
    """How many times a build makes the accounts' models."""
    return record_calls(monkeypatch, build, "build_accounts")


def test_a_build_whose_answers_are_all_kept_makes_no_model(database, models):
    cold = _build(database)
    assert models
    models.clear()
    assert _build(database) == cold
    assert not models
    con = duckdb.connect(str(database))  # one unit's rows gone: the models are made to compute it
    table = ACCESS_CACHE_ROWS["iam_principal_access"]
    con.execute(f"delete from {table} where cache_key = (select min(cache_key) from {table})")
    con.close()
    assert _build(database) == cold
    assert models
    models.clear()
    assert _build(database) == cold
    assert not models
    con = duckdb.connect(str(database))  # a changed document: not the kept plan
    con.execute(
        "update history.aws_iam_policy set policy = ? where arn = ?", [json.dumps(READ_ONLY), CHANGED_POLICY]
    )
    con.close()
    changed = _build(database)
    assert models
    assert changed == _computed(database) != cold
    con = duckdb.connect(str(database), read_only=True)  # one plan kept per set of accounts and tables
    assert con.execute(f"select count(distinct plan_key) from {ACCESS_CACHE_PLANS}").fetchone() == (1,)
    con.close()


def test_a_missing_cache_table_is_created_and_its_units_asked_again(database, evaluations):
    cold = _build(database)
    con = duckdb.connect(str(database))
    con.execute(f"drop table {ACCESS_CACHE_ROWS['iam_policy_access']}")
    con.close()
    evaluations.clear()
    assert _build(database) == cold == _computed(database)
    assert evaluations  # the policies' answers, whose rows were gone
    evaluations.clear()
    assert _build(database) == cold
    assert not evaluations


def _older_columns(path, keys: str) -> None:
    """Make the cache one an older iamsql left: its principal answers without the engine table's last column, its
    keys of another engine version (``keys`` ``"older"``) or none (``"none"``: an emptied cache)."""
    con = duckdb.connect(str(path))
    con.execute(f'alter table {ACCESS_CACHE_ROWS["iam_principal_access"]} drop column '
                f'"{ACCESS_TABLES["iam_principal_access"][-1][0]}"')
    con.execute(f"update {ACCESS_CACHE_KEYS} set engine_version = 'older'" if keys == "older"
                else f"delete from {ACCESS_CACHE_KEYS}")
    con.close()


@pytest.mark.parametrize("keys", ["older", "none"])
def test_a_cache_whose_tables_have_other_columns_is_made_again(database, keys):
    cold = _build(database)
    _older_columns(database, keys)
    assert _build(database) == cold == _computed(database)
    con = duckdb.connect(str(database), read_only=True)
    (columns,) = con.execute("select column_count from duckdb_tables() where table_name = ?",
                             [ACCESS_CACHE_ROWS["iam_principal_access"]]).fetchone()
    con.close()
    assert columns == 2 + len(ACCESS_TABLES["iam_principal_access"])


def test_documents_that_are_not_loaded_stay_unknown(database):
    con = duckdb.connect(str(database))
    con.execute("delete from history.aws_iam_policy where arn = ?", [CHANGED_POLICY])
    con.close()
    cold = _build(database)
    warm = _build(database)
    assert warm == cold == _computed(database)
    decisions = {row[7] for row in warm["iam_principal_access"] if row[10] and "privesc8" in row[10]}
    assert "Unknown" in decisions and decisions <= {"Unknown", "Allowed", "AllowedIf"}


def test_a_read_only_database_is_computed_without_a_cache(database):
    con = db.connect(str(database), read_only=True)
    create_tables(con, controls.ACCESS_QUESTIONS)
    built = _tables(con)
    kept = con.execute("select count(*) from duckdb_tables() where table_name = ?", [ACCESS_CACHE_KEYS]).fetchone()[0]
    con.close()
    assert built == _computed(database) and not kept


def test_a_second_check_gives_the_same_results(database):
    engine_controls = [c.id for c in controls.load_controls() if reads_access_tables([c])]
    con = db.connect(str(database))
    first, second = (
        [{k: v for k, v in row.items() if k != "run_id"} for row in controls.results(con, run_id)]
        for run_id in (
            controls.run_checks(con, controls=engine_controls),
            controls.run_checks(con, controls=engine_controls),
        )
    )
    con.close()
    assert second == first and any(row["status"] == "alarm" for row in first)


@pytest.fixture
def with_events(tmp_path):
    path = tmp_path / "events.duckdb"
    con = db.connect(str(path))
    snapshot = tmp_path / "get-account-authorization-details.json"
    snapshot.write_text(json.dumps(detections.gaad()))
    load_paths(con, [snapshot], as_of=detections.AS_OF.isoformat())
    load_events(con, {detections.ACC: {"aws_cloudtrail_trail_event": detections.EVENTS}}, detections.AS_OF)
    con.close()
    return path


def test_the_event_tables_are_kept_until_the_events_change(with_events, evaluations):
    cold = _build(with_events)
    assert cold["iam_event_policy_grant"] and cold["iam_event_policy_answer"] and cold["iam_event_trust_access"]
    evaluations.clear()
    warm = _build(with_events)
    assert not evaluations
    assert warm == cold == _computed(with_events)
    con = db.connect(str(with_events))
    later = detections.put("user", "erin", "admin", detections.doc(detections.allow("*")), 50)
    load_events(con, {detections.ACC: {"aws_cloudtrail_trail_event": [later]}}, detections.AS_OF)
    con.close()
    evaluations.clear()
    grown = _build(with_events)
    assert evaluations
    assert grown == _computed(with_events)
    assert len(grown["iam_event_policy_grant"]) == len(cold["iam_event_policy_grant"]) + 1


def _event_keys(path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        sql = f"select cache_key from {ACCESS_CACHE_KEYS} where table_name = 'iam_event_policy_grant'"
        return {key for (key,) in con.execute(sql).fetchall()}
    finally:
        con.close()


def test_the_event_tables_read_only_the_managed_policies_the_events_attach(with_events):
    _build(with_events)
    kept = _event_keys(with_events)
    con = duckdb.connect(str(with_events))
    trust = json.dumps(detections.doc(detections.assume({"Service": "ec2.amazonaws.com"})))
    con.execute("update history.aws_iam_role set assume_role_policy = ? where name = 'app'", [trust])
    con.close()
    assert _build(with_events) == _computed(with_events)
    assert _event_keys(with_events) == kept  # a trust policy: no event reads it
    con = duckdb.connect(str(with_events))
    con.execute(
        "update history.aws_iam_policy set policy = ? where arn = ?", [json.dumps(READ_ONLY), detections.ESCALATE]
    )
    con.close()
    changed = _build(with_events)
    assert changed == _computed(with_events)
    assert _event_keys(with_events).isdisjoint(kept)  # a policy a grant event attaches


class CountingConnection:
    """A connection that counts the SQL statements run through it."""

    def __init__(self, con) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql, *parameters):
        self.statements.append(sql)
        return self.con.execute(sql, *parameters)

    def __getattr__(self, name):
        return getattr(self.con, name)


def _cache_statements(path, monkeypatch) -> list[str]:
    """The statements the cache runs in one build of ``path``."""
    counting = []
    original = answer_cache.AnswerCache.open.__func__

    def open_counting(cls, con, questions_file):
        counting.append(CountingConnection(con))
        return original(cls, counting[0], questions_file)

    monkeypatch.setattr(answer_cache.AnswerCache, "open", classmethod(open_counting))
    _build(path)
    monkeypatch.undo()
    return counting[0].statements


def test_a_build_runs_at_most_as_many_statements_whatever_its_accounts_and_units(database, with_events, monkeypatch):
    assert len(_accounts(database)) == 2 and len(_accounts(with_events)) == 1
    cold = [_cache_statements(path, monkeypatch) for path in (database, with_events)]
    warm = [_cache_statements(path, monkeypatch) for path in (database, with_events)]
    # two accounts and their hundreds of units take fewer statements than one account with events: the event
    # tables, empty without events, are neither written, copied nor filled
    assert len(cold[0]) < len(cold[1]) and len(warm[0]) < len(warm[1])
    assert not any(sql.startswith("insert") and "iam_event" in sql for sql in cold[0] + warm[0])
    assert len(warm[0]) < len(cold[0])  # nothing written, nothing pruned
    assert not any(sql.startswith("delete") for sql in cold[0] + warm[0])  # an empty cache is not pruned


def _accounts(path) -> list:
    con = db.connect(str(path), read_only=True)
    try:
        return load_accounts(con)
    finally:
        con.close()
