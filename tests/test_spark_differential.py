"""Differential test: every control gives the same rows (resource, status, reason, account_id, region) on
DuckDB and on local PySpark over the Parquet export of the same snapshot.

Data: one account collected from moto's HTTP server through the real boto3 code path and a day of a public
CloudTrail data set copied into tests/data (the maheribra attack-chain trail; see tests/data/PROVENANCE.md).

Every control is compared, ``iam_principal_privilege_escalation`` included: Spark spends a minute or more
planning its CTEs on a 2-core machine, which makes this module take a few minutes.
"""

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import boto3
import duckdb
import pytest

from iamsql import controls
from iamsql.collect.run import collect
from iamsql.controls.engines import spark as spark_engine
from iamsql.load import load_paths
from iamsql.sql import dialect, pgfunctions
from iamsql.sql.engine_dialects import transpile_for
from iamsql.store import db, lake
from tests import test_controls_identity as identity
from tests.fixtures.moto import moto_environment, populate_account

MOTO_ACCOUNT = "123456789012"
QUERIED_ACCOUNT = "444455556666"
CLOUDSHELL_ACCOUNT = "777788889999"
TRAILS = ["maheribra_aws_attack_chain_ir/04-investigation/evidence/cloudtrail/eu-west-1/2026/07/28",
          # an AMI shared with another account: snapshot_shared_outside's alarm
          "stratus_red_team_detonation_logs/docs/detonation-logs/aws.exfiltration.ec2-share-ami.json"]
POLICY_ACCOUNT = "555566667777"
# a KMS key policy opened to another account and a secret policy kept to the account's own role: one alarm and one
# judged change of resource_policy_opened (the engine's iam_event_resource_policy_access on Spark)
POLICY_EVENTS = [
    {"eventVersion": "1.08", "eventTime": f"2024-03-01T10:0{n}:00Z", "eventSource": source, "eventName": name,
     "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15.0",
     "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{POLICY_ACCOUNT}:user/ops", "userName": "ops",
                      "accountId": POLICY_ACCOUNT},
     "requestParameters": request, "responseElements": None, "eventID": f"policy-event-{n}",
     "eventType": "AwsApiCall", "recipientAccountId": POLICY_ACCOUNT}
    for n, (source, name, request) in enumerate([
        ("kms.amazonaws.com", "PutKeyPolicy", {"keyId": "k-1", "policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "999900001111"}, "Action": "kms:Decrypt", "Resource": "*"}]})}),
        ("secretsmanager.amazonaws.com", "PutResourcePolicy", {"secretId": "app/db", "resourcePolicy": json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                                                     "Principal": {"AWS": f"arn:aws:iam::{POLICY_ACCOUNT}:role/app"},
                                                     "Resource": "*"}]})})])]
# Controls Spark cannot run, with the reason. Empty: every control runs on Spark.
EXPECTED_SPARK_ERRORS: dict[str, str] = {}


def key(row: dict) -> tuple:
    return row["control_id"], row["resource"], row["status"], row["reason"], row["account_id"], row["region"]


@pytest.fixture(scope="module")
def runs(moto_server, public_data, spark, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spark")
    con = db.connect(tmp / "diff.duckdb")
    with moto_environment(moto_server, tmp):
        session = boto3.Session(region_name="us-east-1")
        populate_account(session, MOTO_ACCOUNT)
        # a secret, for the Secrets Manager controls (populate_account makes none)
        session.client("secretsmanager").create_secret(Name="app/db", SecretString="not-a-real-password")
        collect(con, evidence_dir=tmp / "evidence", regions=["us-east-1"], lookup_events_days=1)
    for folder in TRAILS:
        load_paths(con, [public_data / folder])
    policy_trail = tmp / "policy-trail.json"
    policy_trail.write_text(json.dumps({"Records": POLICY_EVENTS}))
    load_paths(con, [policy_trail])
    # An account whose roles were saved with --query (a list that may be filtered): its role table is partial.
    queried = tmp / "queried-roles.json"
    queried.write_text(json.dumps([{"Path": "/", "RoleName": "ops", "RoleId": "AROAEXAMPLEOPS000001",
                                    "Arn": f"arn:aws:iam::{QUERIED_ACCOUNT}:role/ops",
                                    "CreateDate": "2024-03-01T00:00:00+00:00", "AssumeRolePolicyDocument": {}}]))
    load_paths(con, [queried])
    # An account of which only the CloudShell policy's entities are loaded (the benchmark's audit command): the
    # attachment table is partial, the CloudShell control's one row whole.
    cloudshell = tmp / "cloudshell.json"
    cloudshell.write_text(json.dumps({"PolicyArn": "arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
                                      "PolicyGroups": [{"GroupName": "ops", "GroupId": "AGPAEXAMPLEOPS000001"}],
                                      "PolicyUsers": [], "PolicyRoles": [], "IsTruncated": False}))
    load_paths(con, [cloudshell], account_id=CLOUDSHELL_ACCOUNT, as_of="2024-03-01")
    duck_run = controls.run_checks(con)
    lake.export(con, tmp / "lake", run_id=duck_run)
    spark_run = spark_engine.run_checks(con, tmp / "lake", spark=spark)
    yield con, controls.results(con, duck_run), controls.results(con, spark_run), spark_run, tmp / "lake"
    con.close()


def test_every_control_gives_the_same_rows(runs):
    _, duck, on_spark, _, _ = runs
    duck_errors = {r["control_id"] for r in duck if r["status"] == "error"}  # same rows expected from Spark
    errors = {r["control_id"]: r["reason"] for r in on_spark if r["status"] == "error" and r["control_id"] not in duck_errors}
    assert set(errors) == set(EXPECTED_SPARK_ERRORS), errors
    by_control = lambda rows: {c: Counter(key(r) for r in rows if r["control_id"] == c)  # noqa: E731
                               for c in {r["control_id"] for r in rows}}
    expected, found = by_control(duck), by_control(on_spark)
    assert set(found) == {c.id for c in controls.load_controls()}
    for control_id in sorted(set(expected) - set(EXPECTED_SPARK_ERRORS)):
        missing, extra = expected[control_id] - found[control_id], found[control_id] - expected[control_id]
        assert not missing and not extra, (control_id, sorted(missing)[:3], sorted(extra)[:3])


def test_data_exercises_the_controls(runs):
    _, duck, _, _, _ = runs
    assert {r["account_id"] for r in duck} >= {MOTO_ACCOUNT, "275023965626", QUERIED_ACCOUNT}
    assert any(r["reason"].startswith(f"Only part of aws_iam_role is loaded for account {QUERIED_ACCOUNT}") for r in duck)
    assert [(r["status"], r["reason"]) for r in duck if r["account_id"] == CLOUDSHELL_ACCOUNT
            and r["control_id"] == "iam_cloudshell_full_access_not_attached"] == [
        ("alarm", "AWSCloudShellFullAccess is attached to group ops; detach it.")]
    alarms = {(r["control_id"], r["account_id"]) for r in duck if r["status"] == "alarm"}
    assert {("cloudtrail_event_resource_policy_opened", POLICY_ACCOUNT),
            ("cloudtrail_event_snapshot_shared_outside", "118238665043")} <= alarms
    assert [r["reason"] for r in duck if r["control_id"] == "cloudtrail_event_resource_policy_opened"
            and r["status"] == "alarm"] == [
        f"arn:aws:iam::{POLICY_ACCOUNT}:user/ops called PutKeyPolicy on arn:aws:kms:us-east-1:{POLICY_ACCOUNT}:key/k-1 at "
        "2024-03-01 10:00:00 UTC from 198.51.100.7 (aws-cli/2.15.0); its policy admits account 999900001111 with no "
        "condition its callers must meet to kms:Decrypt; confirm this access was intended."]
    judged = Counter(r["status"] for r in duck)
    assert judged["alarm"] >= 5 and judged["ok"] >= 20
    assert len({r["control_id"] for r in duck if r["status"] in ("ok", "alarm")}) >= 25


def test_spark_run_is_stored_like_any_run(runs):
    con, _, on_spark, run_id, _ = runs
    (engine, accounts, status), (duck_engine, duck_status) = con.execute(
        "select engine, accounts, status from iamsql_run where run_id = ?", [run_id]).fetchall()[0], con.execute(
        "select engine, status from iamsql_run where run_id = ?", [run_id - 1]).fetchall()[0]
    assert (engine, duck_engine) == ("spark", "duckdb") and status == duck_status
    assert MOTO_ACCOUNT in accounts
    assert all(r["requirements"] is not None and r["finding_id"] for r in on_spark)


def test_broken_control_is_an_error_row_not_dropped(runs, spark, tmp_path):
    con, *_ = runs
    folder = tmp_path / "queries"
    folder.mkdir()
    header = ("/*\ntitle: T\ndescription: D\nseverity: low\nresource_type: AWS::IAM::User\nrationale: R\n"
              "remediation: M\ntables: [aws_iam_user]\n*/\n")
    (folder / "uses_jsonb_set_lax.sql").write_text(header + "select arn as resource, 'ok' as status, "
                                                   "jsonb_set_lax(tags, '{a}', null)::text as reason, account_id, region "
                                                   "from aws_iam_user")
    (folder / "divides_by_zero.sql").write_text(header + "select arn as resource, 'ok' as status, "
                                                "'x' || (1 / (count(*) - count(*))) as reason, min(account_id) as account_id, "
                                                "'global' as region from aws_iam_user group by arn")
    lake_dir = tmp_path / "lake"
    lake.export(con, lake_dir)
    rows = controls.results(con, spark_engine.run_checks(con, lake_dir, spark=spark, queries_dir=folder), folder)
    by_control = {r["control_id"]: r for r in rows if r["status"] == "error"}
    assert "cannot be translated for Spark" in by_control["uses_jsonb_set_lax"]["reason"]
    assert "jsonb_set_lax" in by_control["uses_jsonb_set_lax"]["reason"]
    assert "failed on Spark" in by_control["divides_by_zero"]["reason"]
    assert "\n" not in by_control["divides_by_zero"]["reason"]


def test_time_is_the_snapshot_time_not_the_clock():
    moment = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
    sql = spark_engine.to_spark("select now() - interval '1 day' as t, current_date as d", as_of=moment)
    assert "to_timestamp('2024-03-01 12:00:00.000000')" in sql.lower() and "current_timestamp" not in sql.lower()
    assert "current_timestamp" in spark_engine.to_spark("select now() as t").lower()


def test_case_insensitive_regex_matches_as_on_duckdb(spark):
    names = ["AdminRole", "admin-ops", "ÄDMIN", "reader", "line\nAdmin"]
    sql = ("select name, name ~* '^adm' as starts, name !~* 'admin$' as not_ends, name ~* ('ä' || 'dmin') as umlaut "
           "from (values {}) as t(name) order by name").format(", ".join(f"('{n}')" for n in names))
    on_duckdb = duckdb.connect().execute(dialect.to_duckdb(sql)).fetchall()
    for translated in (spark_engine.to_spark(sql), transpile_for(sql, "spark")):  # a control; `controls --print-sql`
        assert [tuple(row) for row in spark.sql(translated).collect()] == on_duckdb
    assert sum(1 for _, starts, _, _ in on_duckdb if starts) == 2  # AdminRole, admin-ops


def test_to_char_years_and_centuries_of_bc_times_as_on_duckdb(spark):
    """``to_char``'s year and century patterns write the year of the era (``0044`` for 44 BC) on Spark too."""
    years = [-4713, -1000, -101, -100, -44, -1, 1, 44, 99, 100, 2024, 9999]
    rows = ", ".join(f"({year})" for year in years)
    # both engines count years astronomically: 44 BC is their year -43
    source = f"select y, make_date(case when y < 0 then y + 1 else y end, 3, 15) as d from (values {rows}) as v(y)"
    sql = "select y, to_char(d, 'YYYY-MM-DD') as a, to_char(d, 'FMYYYY YY YYY Y Y,YYY CC FMCC BC') as b from t order by y"
    con = duckdb.connect()
    pgfunctions.install_macros(con)
    con.execute(f"create table t as select y, cast(d as timestamp) as d from ({source})")
    on_duckdb = con.execute(dialect.to_duckdb(sql)).fetchall()
    spark.sql(f"select y, cast(d as timestamp) as d from ({source})").createOrReplaceTempView("t")
    assert [tuple(row) for row in spark.sql(spark_engine.to_spark(sql)).collect()] == on_duckdb
    assert on_duckdb[4] == (-44, "0044-03-15", "44 44 044 4 0,044 -01 -1 BC")


def test_permission_set_boundaries_and_listings_give_the_same_rows(spark, tmp_path):
    """sso_permission_set_admin over Identity Center data (which the moto collection above has none of): a set
    bounded by an AWS managed policy, one bounded by a customer managed policy reference not loaded for its
    accounts, one whose AWS managed policies were not listed; the same rows on Spark as on DuckDB."""
    folder = tmp_path / "outputs"
    files = identity.sso_outputs(identity.ADMIN_POLICY, identity.inline("*"))
    files["get-account-authorization-details.json"] = identity.aws_managed_policies({
        "AdministratorAccess": json.loads(identity.inline("*")),
        "ReadOnlyAccess": json.loads(identity.inline(["ec2:Describe*"]))})
    for arn, name, boundary in ((identity.WILD_SET, "Wild", {"ManagedPolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
                                (identity.ADMIN_SET, "Admin", {"CustomerManagedPolicyReference": {"Name": "b"}})):
        files[f"sso-admin/get-permissions-boundary-for-permission-set/{name}.json"] = {
            "PermissionSetArn": arn, "PermissionsBoundary": boundary}
    del files["sso-admin/list-managed-policies-in-permission-set/reader.json"]
    for name, document in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(document))
    con = db.connect(tmp_path / "identity.duckdb")
    load_paths(con, [folder], account_id=identity.ACCOUNT, as_of=identity.AS_OF.isoformat())
    duck_run = controls.run_checks(con, controls=["sso_permission_set_admin"])
    lake.export(con, tmp_path / "lake", run_id=duck_run)
    spark_run = spark_engine.run_checks(con, tmp_path / "lake", spark=spark, controls=["sso_permission_set_admin"])
    duck, on_spark = (sorted(key(r) for r in controls.results(con, run)) for run in (duck_run, spark_run))
    con.close()
    assert on_spark == duck
    # admin (in each of its two accounts), reader, unread, wild
    assert [status for _, _, status, *_ in duck] == ["skip", "skip", "skip", "skip", "ok"]


def test_key_rotation_and_security_contact_give_the_same_rows(spark, tmp_path):
    """kms_customer_key_rotation_enabled and account_security_contact_registered over the hand-written KMS and
    alternate contact outputs (the moto collection above has no key and no contact): keys judged, skipped for each
    reason, and an account whose SECURITY contact alone is loaded (the table partial, that row whole); the same rows
    on Spark as on DuckDB."""
    data = Path(__file__).parent / "data"
    checked = ["kms_customer_key_rotation_enabled", "account_security_contact_registered"]
    con = db.connect(tmp_path / "kms.duckdb")
    load_paths(con, [data / "kms_keys", data / "alternate_contacts" / "get-alternate-contact-security.json"],
               account_id=QUERIED_ACCOUNT, as_of="2025-03-01T00:00:00Z")
    duck_run = controls.run_checks(con, controls=checked)
    lake.export(con, tmp_path / "lake", run_id=duck_run)
    spark_run = spark_engine.run_checks(con, tmp_path / "lake", spark=spark, controls=checked)
    duck, on_spark = (sorted(key(r) for r in controls.results(con, run)) for run in (duck_run, spark_run))
    con.close()
    assert on_spark == duck
    assert Counter((control, status) for control, _, status, *_ in duck) == Counter({
        ("account_security_contact_registered", "ok"): 1, ("kms_customer_key_rotation_enabled", "ok"): 1,
        ("kms_customer_key_rotation_enabled", "alarm"): 1, ("kms_customer_key_rotation_enabled", "skip"): 2})
