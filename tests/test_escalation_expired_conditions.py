"""An Allow whose date condition has passed by the data's time opens no privilege-escalation path.

AWS's rules that decide it: ``aws:CurrentTime`` is the time of the request, and ``aws:TokenIssueTime`` "is included in
the request context only when the principal uses temporary credentials" (IAM User Guide, "AWS global condition
context keys"); no temporary credentials last longer than 36 hours ("129,600 seconds (36 hours)", the longest
``DurationSeconds`` of GetSessionToken and GetFederationToken, AWS STS API Reference); a date operator on a key the
request does not carry is false unless the operator ends in ``IfExists`` (IAM User Guide, "Condition operators").
So at or after the data's time, ``DateLessThan aws:CurrentTime`` a moment already past, or ``aws:TokenIssueTime``
before the oldest credentials still valid, never holds. Found comparing with Cloudsplaining's example account
(``fp5-nonExploitableConditionConstraint``, docs/vs-cloudsplaining.md).

Account 123456789012 as of 2024-03-01T12:00:00Z (tests/iam_rows.py): the oldest temporary credentials valid then
were issued at 2024-02-29T00:00:00Z (a leap year)."""

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from iamsql import controls
from iamsql.cli import app
from iamsql.policy.access.model import read_at
from iamsql.policy.access.who import who_can
from iamsql.store import db
from tests.iam_rows import ACCOUNT, AS_OF, allow, arn, check_rows, deny, user

CONTROL = "iam_principal_privilege_escalation"


def new_version(operator: str, key: str, value: str) -> dict:
    """iam:CreatePolicyVersion on every policy, under one date condition."""
    return allow("iam:CreatePolicyVersion", Condition={operator: {key: value}})


CASES = {
    # issued before 2020: no such credentials are valid in 2024; a long-term key lacks the key and fails the operator
    "token-long-ago": (new_version("DateLessThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z"), "ok"),
    # exactly the oldest credentials still valid at the data's time need a value before the bound: none is
    "token-at-bound": (new_version("DateLessThan", "aws:TokenIssueTime", "2024-02-29T00:00:00Z"), "ok"),
    # one second later: credentials issued at 2024-02-29T00:00:00Z are valid until 2024-03-01T12:00:00Z
    "token-after-bound": (new_version("DateLessThan", "aws:TokenIssueTime", "2024-02-29T00:00:01Z"), "alarm"),
    "token-equals-bound": (new_version("DateLessThanEquals", "aws:TokenIssueTime", "2024-02-29T00:00:00Z"), "alarm"),
    # IfExists: a long-term access key, which has no aws:TokenIssueTime, matches it
    "token-if-exists": (new_version("DateLessThanIfExists", "aws:TokenIssueTime", "2020-01-01T00:00:00Z"), "alarm"),
    "token-since-2020": (new_version("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:00Z"), "alarm"),
    "time-passed": (new_version("DateLessThan", "aws:CurrentTime", "2024-03-01T12:00:00Z"), "ok"),
    "time-epoch-passed": (new_version("DateLessThan", "aws:CurrentTime", "1700000000"), "ok"),
    "time-to-come": (new_version("DateLessThan", "aws:CurrentTime", "2024-03-01T12:00:01Z"), "alarm"),
    # aws:EpochTime is the request's time too, as a date or as seconds ("This key also accepts the number of seconds
    # since January 1, 1970"); 1709294400 is the data's time
    "epoch-passed": (new_version("DateLessThan", "aws:EpochTime", "1700000000"), "ok"),
    "epoch-passed-iso": (new_version("DateLessThanEquals", "aws:EpochTime", "2024-03-01T11:59:59Z"), "ok"),
    "epoch-number-passed": (new_version("NumericLessThan", "aws:EpochTime", "1709294400"), "ok"),
    "epoch-number-equals-passed": (new_version("NumericEquals", "aws:EpochTime", "1709294399"), "ok"),
    "epoch-number-at-bound": (new_version("NumericLessThanEquals", "aws:EpochTime", "1709294400"), "alarm"),
    "epoch-number-to-come": (new_version("NumericLessThan", "aws:EpochTime", "1709294401"), "alarm"),
    # IfExists on the request's time: the key is "always included in the request context", so it has ended too
    "epoch-number-if-exists": (new_version("NumericLessThanIfExists", "aws:EpochTime", "1700000000"), "ok"),
    "time-if-exists-to-come": (new_version("DateLessThanIfExists", "aws:CurrentTime", "2024-03-02T00:00:00Z"), "alarm"),
    # a statement not yet in force at the data's time (it starts in 2030) is kept: requests made later match it, so
    # the path is conditional on the time, as a statement that ends later is
    "time-not-started": (new_version("DateGreaterThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"), "alarm"),
    "epoch-not-started": (new_version("DateGreaterThan", "aws:EpochTime", "1893456000"), "alarm"),
    "epoch-number-not-started": (new_version("NumericGreaterThan", "aws:EpochTime", "1893456000"), "alarm"),
    # a Deny whose start has passed is in force for every request at or after the data's time ("DateGreaterThan:
    # Matching after a specific a date and time", IAM User Guide, "Condition operators"): no path is left
    "deny-started": ([new_version("StringLike", "aws:RequestedRegion", "*"),
                      deny("iam:CreatePolicyVersion", Condition={"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}})],
                     "ok"),
    "deny-started-epoch": ([new_version("StringLike", "aws:RequestedRegion", "*"),
                            deny("iam:CreatePolicyVersion",
                                 Condition={"NumericGreaterThanEquals": {"aws:EpochTime": "1709294400"}})], "ok"),
    "deny-started-not-equal": ([new_version("StringLike", "aws:RequestedRegion", "*"),
                                deny("iam:CreatePolicyVersion",
                                     Condition={"DateNotEqualsIfExists": {"aws:CurrentTime": "2020-01-01"}})], "ok"),
    # ... and one that starts later still leaves the path, until then
    "deny-not-started": ([new_version("StringLike", "aws:RequestedRegion", "*"),
                          deny("iam:CreatePolicyVersion", Condition={"DateGreaterThan": {"aws:CurrentTime": "2030-01-01"}})],
                         "alarm"),
    "deny-started-one-second-late": ([new_version("StringLike", "aws:RequestedRegion", "*"),
                                      deny("iam:CreatePolicyVersion",
                                           Condition={"NumericGreaterThan": {"aws:EpochTime": "1709294400"}})], "alarm"),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    users = [user(name, *(statements if isinstance(statements, list) else [statements]))
             for name, (statements, _) in CASES.items()]
    return check_rows(tmp_path_factory.mktemp("expired"), [CONTROL], users=users)


@pytest.mark.parametrize("name", CASES)
def test_a_date_condition_past_at_the_data_time_opens_no_path(results, name):
    row = results[(CONTROL, arn("user", name))]
    assert row["status"] == CASES[name][1], row["reason"]
    if row["status"] == "alarm":
        assert "CreateNewPolicyVersion" in row["reason"]


def test_only_the_expired_statement_is_dropped():
    as_of = AS_OF.timestamp()
    kept = allow("s3:GetObject")
    expired = new_version("DateLessThan", "aws:CurrentTime", "2020-01-01T00:00:00Z")
    document = {"Version": "2012-10-17", "Statement": [expired, kept]}
    assert read_at(document, as_of) == {"Version": "2012-10-17", "Statement": [kept]}
    untouched = {"Version": "2012-10-17", "Statement": kept}
    assert read_at(untouched, as_of) is untouched
    assert read_at(document, None) is document


def test_only_the_started_conditions_are_met():
    """A start already passed is met by every later request and leaves the statement; a start to come, an end, a
    condition on another key and a set operator stay."""
    as_of = AS_OF.timestamp()
    window = {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z", "aws:TokenIssueTime": "2020-01-01"},
              "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
              "DateGreaterThanEquals": {"aws:EpochTime": ["2030-01-01", "1709294400"]},
              "ForAnyValue:DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}}
    statement = allow("s3:GetObject", Condition=window)
    read = read_at({"Version": "2012-10-17", "Statement": [statement]}, as_of)["Statement"][0]
    assert read["Condition"] == {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01"},
                                 "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                                 "ForAnyValue:DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}}
    started = allow("s3:GetObject", Condition={"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})
    assert read_at({"Version": "2012-10-17", "Statement": started}, as_of)["Statement"] == [allow("s3:GetObject")]
    to_come = allow("s3:GetObject", Condition={"DateGreaterThan": {"aws:CurrentTime": "2024-03-01T12:00:00Z"}})
    document = {"Version": "2012-10-17", "Statement": [to_come]}
    assert read_at(document, as_of) is document


def test_answers_kept_between_checks_follow_the_data_time(tmp_path):
    """The same document in a later snapshot of the same database, after its date: the kept answers of the first
    check (docs/policy-engine.md, "Answers kept between checks") are not reused for it."""
    name, until = "until-march", "2024-03-15T00:00:00Z"
    rows = [user(name, new_version("DateLessThan", "aws:CurrentTime", until))]
    con = db.connect(tmp_path / "iam.duckdb")
    statuses = []
    for as_of in (AS_OF, AS_OF + timedelta(days=30)):
        with db.transaction(con):
            snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=as_of)
            db.insert_rows(con, "aws_iam_user", snapshot, rows)
            for table in ("aws_iam_role", "aws_iam_policy", "aws_iam_group"):
                db.insert_rows(con, table, snapshot, [])
        results = controls.results(con, controls.run_checks(con, controls=[CONTROL]))
        statuses.append(next(r["status"] for r in results if r["resource"] == arn("user", name)))
    con.close()
    assert statuses == ["alarm", "ok"]


WHO_CAN_USERS = {
    "ended": new_version("DateLessThan", "aws:CurrentTime", "2020-01-01T00:00:00Z"),
    "ended-epoch": new_version("NumericLessThan", "aws:EpochTime", "1700000000"),
    "not-started": new_version("DateGreaterThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"),
    "not-started-epoch": new_version("DateGreaterThan", "aws:EpochTime", "1893456000"),
    "always": new_version("StringEquals", "aws:RequestedRegion", "us-east-1"),  # IAM's region: decided, granted
    "started": new_version("DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z"),
    "started-epoch": new_version("NumericGreaterThanEquals", "aws:EpochTime", "1709294400"),
    "window": allow("iam:CreatePolicyVersion", Condition={"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"},
                                                          "DateLessThan": {"aws:CurrentTime": "2030-01-01"}}),
}


def test_who_can_drops_the_ended_statements_as_the_controls_do(tmp_path):
    """``who-can`` (the CLI, and the library on a connection opened without iamsql's TEMP views) reads the loaded
    documents at the account's time as the controls do: an ended grant is no answer, one not yet in force is
    conditional on the time (``AllowedIf``), never ``Allowed``."""
    path = tmp_path / "iam.duckdb"
    con = db.connect(path)
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [user(n, s) for n, s in WHO_CAN_USERS.items()])
        for table in ("aws_iam_role", "aws_iam_policy", "aws_iam_group"):
            db.insert_rows(con, table, snapshot, [])
    statuses = {r["resource"]: r["status"] for r in controls.results(con, controls.run_checks(con, controls=[CONTROL]))}
    con.close()
    done = CliRunner().invoke(app, ["who-can", "iam:CreatePolicyVersion", "--db", str(path), "-o", "json"])
    assert done.exit_code == 0, done.output
    cli_rows = {row["principal"]: row for row in json.loads(done.output)}
    plain = db.connect(path, read_only=True, queries=False)
    library = {a.principal: a.decision for a in who_can(plain, "iam:CreatePolicyVersion")}
    plain.close()
    expected = {arn("user", "always"): "Allowed", arn("user", "not-started"): "AllowedIf",
                arn("user", "not-started-epoch"): "AllowedIf", arn("user", "started"): "Allowed",
                arn("user", "started-epoch"): "Allowed", arn("user", "window"): "AllowedIf"}
    assert {p: row["decision"] for p, row in cli_rows.items()} == expected
    assert library == expected
    assert "aws:CurrentTime" in cli_rows[arn("user", "not-started")]["conditions"]
    assert "aws:EpochTime" in cli_rows[arn("user", "not-started-epoch")]["conditions"]
    # the window's start has passed: only its end is left to hold
    assert "DateLessThan" in cli_rows[arn("user", "window")]["conditions"]
    assert "DateGreaterThan" not in cli_rows[arn("user", "window")]["conditions"]
    # the controls: an escalation path exactly for the principals who-can lists
    assert {name for name in WHO_CAN_USERS if statuses[arn("user", name)] == "alarm"} == {
        p.rsplit("/", 1)[-1] for p in expected}
