"""The iam_principal view (human / non-human classification, one rule at a time) and the NHI controls, over
one crafted account (555555555555, as of 2024-06-01 12:00 UTC):

users
- alice: console password with MFA, no key, no activity -> human (default rule)
- svc-backup: name rule; console password, a 100-day-old active key -> console password and rotation alarms
- keyuser: active key, no password -> NHI (keys without password; its own tool is no known SDK); key 10 days
  old; used from 7 IP addresses
- deploy-bot-ann: NHI-looking name but tagged iamsql:identity-type=human -> human (the tag wins)
- robot: tagged iamsql:identity-type=nhi, created 10 days ago (within the unused grace), full admin via a group
- cli-only: calls only through the AWS CLI in CloudTrail, never the console -> NHI (workload usage)
roles
- lambda-fn: trusted by lambda.amazonaws.com, used 5 days ago; a browser call in CloudTrail (human use)
- gh-deploy: OIDC web-identity trust, and the whole account 555555555555 trusted without a condition
- sso-admins: SAML trust -> human
- ec2-admin: trusted by ec2.amazonaws.com, AdministratorAccess, last used 200 days ago
- ops: trusted by the account, no workload evidence -> human
- AWSServiceRoleForSupport: service-linked -> NHI, info for unused/admin
"""

from datetime import datetime, timedelta, timezone

import pytest

from iamsql import controls
from iamsql.load.normalize import policy_std
from iamsql.store import db

from .cloudtrail_events import console_login, event, in_console, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
ACCT = "555555555555"
OIDC = f"arn:aws:iam::{ACCT}:oidc-provider/token.actions.githubusercontent.com"


def arn(kind, name):
    return f"arn:aws:iam::{ACCT}:{kind}/{name}"


def base():
    return {"account_id": ACCT, "partition": "aws", "region": "global"}


def days_ago(n):
    return (AS_OF - timedelta(days=n)).isoformat()


def report(user, **values):
    row = {"user_name": user, "user_arn": f"arn:aws:iam::{ACCT}:root" if user == "<root_account>" else arn("user", user),
           "user_creation_time": "2021-01-01T00:00:00Z", "generated_time": AS_OF.isoformat(), "password_enabled": False,
           "mfa_active": False, "access_key_1_active": False, "access_key_2_active": False, **base()}
    row.update(values)
    return row


def user(name, *, tags=None, groups=(), created="2021-01-01T00:00:00Z"):
    return {"name": name, "arn": arn("user", name), "path": "/", "create_date": created, "tags": tags or {},
            "groups": [{"GroupName": g} for g in groups], **base()}


def role(name, statements, *, path="/", last_used=None, attached=(), created="2021-01-01T00:00:00Z"):
    document = {"Version": "2012-10-17", "Statement": statements}
    return {"name": name, "arn": arn("role", path.lstrip("/") + name), "path": path, "create_date": created,
            "role_last_used_date": last_used, "assume_role_policy": document,
            "assume_role_policy_std": policy_std(document), "attached_policy_arns": list(attached), "tags": {},
            **base()}


def trust(principal, action="sts:AssumeRole", **extra):
    return {"Effect": "Allow", "Principal": principal, "Action": action, **extra}


ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

ACCOUNT = {
    "aws_iam_credential_report": [
        report("<root_account>", password_enabled=True, mfa_active=True),
        report("alice", password_enabled=True, mfa_active=True, password_last_used=days_ago(2)),
        report("svc-backup", password_enabled=True, password_last_used=days_ago(300), access_key_1_active=True,
               access_key_1_last_rotated=days_ago(100), access_key_1_last_used_date=days_ago(1)),
        report("keyuser", access_key_1_active=True, access_key_1_last_rotated=days_ago(10),
               access_key_1_last_used_date=days_ago(1)),
        report("deploy-bot-ann", password_enabled=True, mfa_active=True),
        report("robot", user_creation_time=days_ago(10)),
        report("cli-only", password_enabled=True, mfa_active=True),
    ],
    "aws_iam_user": [
        user("alice"), user("svc-backup"), user("keyuser"),
        user("deploy-bot-ann", tags={"iamsql:identity-type": "human"}),
        # its own policies loaded (none), as get-account-authorization-details says: only its group's reach it
        {**user("robot", tags={"iamsql:identity-type": "NHI"}, groups=["admins"], created=days_ago(10)),
         "policies_loaded": True},
        user("cli-only"),
    ],
    "aws_iam_group": [{"name": "admins", "arn": arn("group", "admins"), "attached_policy_arns": [ADMIN_ARN], **base()}],
    "aws_iam_policy": [{"name": "AdministratorAccess", "arn": ADMIN_ARN, "is_aws_managed": True, "is_attached": True,
                        "policy": ADMIN, "policy_std": policy_std(ADMIN), **base()}],
    "aws_iam_role": [
        role("lambda-fn", [trust({"Service": "lambda.amazonaws.com"})], last_used=days_ago(5)),
        role("gh-deploy", [trust({"Federated": OIDC}, "sts:AssumeRoleWithWebIdentity",
                                 Condition={"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}}),
                           trust({"AWS": f"arn:aws:iam::{ACCT}:root"})], last_used=days_ago(3)),
        role("sso-admins", [trust({"Federated": f"arn:aws:iam::{ACCT}:saml-provider/Okta"}, "sts:AssumeRoleWithSAML")],
             last_used=days_ago(1)),
        role("ec2-admin", [trust({"Service": "ec2.amazonaws.com"})], last_used=days_ago(200), attached=[ADMIN_ARN]),
        role("ops", [trust({"AWS": f"arn:aws:iam::{ACCT}:root"})], last_used=days_ago(1)),
        # no RoleLastUsed: not used in the 400 days AWS tracks, created before and within them
        role("batch-old", [trust({"Service": "ecs-tasks.amazonaws.com"})]),
        role("batch-recent", [trust({"Service": "ecs-tasks.amazonaws.com"})], created=days_ago(200)),
        role("AWSServiceRoleForSupport", [trust({"Service": "support.amazonaws.com"})],
             path="/aws-service-role/support.amazonaws.com/", attached=[ADMIN_ARN]),
    ],
    "aws_cloudtrail_trail_event": [
        *[event(ACCT, AS_OF - timedelta(days=3, minutes=i), "ListBuckets", source="s3.amazonaws.com", user="keyuser",
                key="AKIAKEYUSER000000001", ip=f"198.51.100.{i + 1}", agent="backup-tool/1.0", read_only=True)
          for i in range(7)],
        event(ACCT, AS_OF - timedelta(days=2), "ListBuckets", source="s3.amazonaws.com", user="svc-backup",
              key="AKIASVCBACKUP0000001", read_only=True),
        event(ACCT, AS_OF - timedelta(days=2), "GetUser", user="cli-only", key="AKIACLIONLY000000001", read_only=True),
        event(ACCT, AS_OF - timedelta(days=5), "GetFunction", source="lambda.amazonaws.com", role="lambda-fn",
              agent="Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Safari/605.1.15", read_only=True),
        event(ACCT, AS_OF - timedelta(days=3), "PutObject", source="s3.amazonaws.com", role="gh-deploy",
              agent="aws-sdk-js/3.400.0 ua/2.0 os/linux", key="ASIAGHDEPLOY00000001"),
        console_login(ACCT, AS_OF - timedelta(days=2), "alice", mfa=True),
        # a person working in the console as gh-deploy: the console's back end calls with the session (user agent
        # AWS Internal, sessionCredentialFromConsole)
        in_console(event(ACCT, AS_OF - timedelta(days=1), "DescribeInstances", source="ec2.amazonaws.com",
                         role="gh-deploy", read_only=True)),
        # someone tried svc-backup's console password and was refused: nobody used it
        event(ACCT, AS_OF - timedelta(days=1), "ConsoleLogin", source="signin.amazonaws.com", user="svc-backup",
              ip="203.0.113.9", agent="Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0",
              response={"ConsoleLogin": "Failure"}, additional={"MFAUsed": "No"}),
    ],
}

CLASSES = {
    f"arn:aws:iam::{ACCT}:root": (False, "root"),
    arn("user", "alice"): (False, "default"),
    arn("user", "svc-backup"): (True, "name_svc_prefix"),
    arn("user", "keyuser"): (True, "keys_without_password"),
    arn("user", "deploy-bot-ann"): (False, "identity_tag"),
    arn("user", "robot"): (True, "identity_tag"),
    arn("user", "cli-only"): (True, "workload_usage"),
    arn("role", "lambda-fn"): (True, "service_trust"),
    arn("role", "gh-deploy"): (True, "oidc_trust"),
    arn("role", "sso-admins"): (False, "saml_trust"),
    arn("role", "ec2-admin"): (True, "service_trust"),
    arn("role", "ops"): (False, "default"),
    arn("role", "batch-old"): (True, "service_trust"),
    arn("role", "batch-recent"): (True, "service_trust"),
    arn("role", "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"): (True, "service_linked_role"),
}

EXPECTED = [
    ("nhi_access_key_rotated", arn("user", "svc-backup") + "#access_key_1", "alarm"),
    ("nhi_access_key_rotated", arn("user", "keyuser") + "#access_key_1", "ok"),
    ("nhi_user_has_console_password", arn("user", "svc-backup"), "alarm"),
    ("nhi_user_has_console_password", arn("user", "keyuser"), "ok"),
    ("nhi_admin_privileges", arn("user", "robot"), "alarm"),
    ("nhi_admin_privileges", arn("role", "ec2-admin"), "alarm"),
    ("nhi_admin_privileges", arn("role", "lambda-fn"), "ok"),
    ("nhi_admin_privileges", arn("role", "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"), "info"),
    # AdministratorAccess through its group reads every object and secret; lambda-fn has no policy
    ("nhi_data_exfiltration", arn("user", "robot"), "alarm"),
    ("nhi_data_exfiltration", arn("role", "lambda-fn"), "ok"),
    ("nhi_data_exfiltration", arn("role", "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"), "info"),
    ("nhi_unused", arn("role", "ec2-admin"), "alarm"),
    ("nhi_unused", arn("role", "batch-old"), "alarm"),
    ("nhi_unused", arn("role", "batch-recent"), "alarm"),
    ("nhi_unused", arn("role", "lambda-fn"), "ok"),
    ("nhi_unused", arn("user", "robot"), "ok"),
    ("nhi_unused", arn("user", "svc-backup"), "ok"),
    ("nhi_unused", arn("role", "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"), "info"),
    ("nhi_role_trust_broad", arn("role", "gh-deploy"), "alarm"),
    ("nhi_role_trust_broad", arn("role", "lambda-fn"), "ok"),
    ("cloudtrail_event_nhi_human_use", arn("role", "lambda-fn"), "alarm"),
    ("cloudtrail_event_nhi_human_use", arn("user", "keyuser"), "ok"),
    ("cloudtrail_event_nhi_human_use", arn("user", "svc-backup"), "ok"),
    ("cloudtrail_event_nhi_human_use", arn("role", "gh-deploy"), "alarm"),
    ("cloudtrail_event_nhi_reuse_many_sources", arn("user", "keyuser") + "#AKIAKEYUSER000000001", "alarm"),
    ("cloudtrail_event_nhi_reuse_many_sources", arn("user", "svc-backup") + "#AKIASVCBACKUP0000001", "ok"),
    ("cloudtrail_event_nhi_reuse_many_sources", arn("role", "gh-deploy"), "ok"),
]
NHI_CONTROLS = sorted({c for c, _, _ in EXPECTED})


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = db.connect(tmp_path_factory.mktemp("nhi") / "nhi.duckdb")
    load_accounts(connection, {ACCT: ACCOUNT}, AS_OF)
    controls.create_views(connection)  # sets the as-of time to the loaded snapshot
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def results(con):
    return controls.results(con, controls.run_checks(con, controls=NHI_CONTROLS))


def test_classification_follows_the_rules(con):
    rows = con.execute("select principal_arn, is_nhi, nhi_rule, nhi_reason from iam_principal").fetchall()
    found = {r[0]: (r[1], r[2]) for r in rows}
    assert found == CLASSES
    reasons = {r[0]: r[3] for r in rows}
    assert "lambda.amazonaws.com" in reasons[arn("role", "lambda-fn")]
    assert "token.actions.githubusercontent.com" in reasons[arn("role", "gh-deploy")]
    assert "aws-cli" in reasons[arn("user", "cli-only")]
    assert reasons[arn("user", "deploy-bot-ann")] == "tagged iamsql:identity-type=human"


def test_every_principal_is_classified_once(con):
    total, distinct = con.execute("select count(*), count(distinct principal_arn) from iam_principal").fetchone()
    assert total == distinct == len(CLASSES)


def test_principals_seen_only_in_cloudtrail_are_classified(tmp_path):
    connection = db.connect(tmp_path / "events-only.duckdb")
    load_accounts(connection, {ACCT: {"aws_cloudtrail_trail_event": [
        event(ACCT, AS_OF - timedelta(days=1), "ListBuckets", source="s3.amazonaws.com", role="app/worker",
              agent="Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux"),
        event(ACCT, AS_OF - timedelta(days=1), "ListUsers", user="bob", agent="Mozilla/5.0 (Windows NT 10.0)"),
    ]}}, AS_OF)
    controls.create_views(connection)  # sets the as-of time to the loaded snapshot
    rows = connection.execute(
        "select principal_arn, name, path, is_nhi, nhi_rule from iam_principal where principal_type <> 'root' order by 1"
    ).fetchall()
    connection.close()
    assert rows == [(arn("role", "app/worker"), "worker", "/app/", True, "workload_usage"),
                    (arn("user", "bob"), "bob", "/", False, "default")]


def refused_sign_in(name, when):
    """The ConsoleLogin record of a refused password: the identity is named, nobody got in."""
    return event(ACCT, when, "ConsoleLogin", source="signin.amazonaws.com", user=name, ip="203.0.113.66",
                 agent="Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0",
                 response={"ConsoleLogin": "Failure"}, additional={"MFAUsed": "No"})


def test_a_refused_sign_in_is_no_use(tmp_path):
    # batch-user calls only through the AWS CLI; svc-old last used its key 200 days ago; someone was refused at the
    # console as each of them yesterday
    connection = db.connect(tmp_path / "refused.duckdb")
    load_accounts(connection, {ACCT: {
        "aws_iam_credential_report": [
            report("batch-user", password_enabled=True),
            report("svc-old", password_enabled=True, access_key_1_active=True,
                   access_key_1_last_rotated=days_ago(400), access_key_1_last_used_date=days_ago(200)),
        ],
        "aws_iam_user": [user("batch-user"), user("svc-old")],
        "aws_iam_role": [],
        "aws_cloudtrail_trail_event": [
            event(ACCT, AS_OF - timedelta(days=2), "GetUser", user="batch-user", key="AKIABATCHUSER0000001",
                  read_only=True),
            refused_sign_in("batch-user", AS_OF - timedelta(days=1)),
            refused_sign_in("svc-old", AS_OF - timedelta(days=1)),
        ],
    }}, AS_OF)
    controls.create_views(connection)  # sets the as-of time to the loaded snapshot
    classes = dict(connection.execute(
        "select principal_arn, nhi_rule from iam_principal where principal_type = 'user'").fetchall())
    [why] = connection.execute("select nhi_reason from iam_principal where principal_arn = ?",
                               [arn("user", "batch-user")]).fetchone()
    unused = {r["resource"]: r for r in controls.results(connection, controls.run_checks(connection, controls=["nhi_unused"]))}
    connection.close()
    assert classes == {arn("user", "batch-user"): "workload_usage", arn("user", "svc-old"): "name_svc_prefix"}
    # the calls' own span, not the look-back: the loaded events need not reach back 90 days
    called = (AS_OF - timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    assert why.startswith(f"CloudTrail shows 1 call at {called} UTC, made with "), why
    assert unused[arn("user", "svc-old")]["status"] == "alarm", unused[arn("user", "svc-old")]["reason"]
    assert "last used 200 days before the data was taken" in unused[arn("user", "svc-old")]["reason"]


def test_a_workload_of_many_tools_names_the_first_five_and_counts_the_rest(tmp_path):
    """nhi_reason named every tool a workload called with, in no set order (a run id in the user agent is a tool
    of its own here); it names the first five in order and counts the others."""
    connection = db.connect(tmp_path / "tools.duckdb")
    tools = ["Terraform", "Boto3", "aws-sdk-go", "aws-cli", "aws-sdk-java", "aws-sdk-js", "Pulumi"]
    load_accounts(connection, {ACCT: {
        "aws_iam_user": [user("batch-user")], "aws_iam_role": [],
        "aws_cloudtrail_trail_event": [
            event(ACCT, AS_OF - timedelta(hours=n + 1), "GetUser", user="batch-user", read_only=True,
                  agent=f"{tool}/1.0 Linux") for n, tool in enumerate(tools)],
    }}, AS_OF)
    controls.create_views(connection)
    [why] = connection.execute("select nhi_reason from iam_principal where principal_arn = ?",
                               [arn("user", "batch-user")]).fetchone()
    connection.close()
    assert why.endswith(", made with Boto3, Pulumi, Terraform, aws-cli, aws-sdk-go and 2 more, and no console use"), why


def test_every_nhi_control_has_an_alarm_and_a_pass_case():
    from .test_controls_expected import CONTROLS as TESTED_THERE  # the controls of issue 12: test_controls_expected
    shipped = {c.id for c in controls.load_controls() if c.id.startswith("nhi_")}
    assert shipped - set(TESTED_THERE) <= set(NHI_CONTROLS)
    for control_id in NHI_CONTROLS:
        statuses = {s for c, _, s in EXPECTED if c == control_id}
        assert {"alarm", "ok"} <= statuses, control_id


@pytest.mark.parametrize(("control_id", "resource", "status"), EXPECTED,
                         ids=[f"{c}-{r.rsplit('/', 1)[-1]}-{s}" for c, r, s in EXPECTED])
def test_expected_status(results, control_id, resource, status):
    found = [r for r in results if r["control_id"] == control_id and r["resource"] == resource]
    assert len(found) == 1, (control_id, [(r["resource"], r["status"]) for r in results if r["control_id"] == control_id])
    assert found[0]["status"] == status, found[0]["reason"]
    assert found[0]["reason"].endswith("."), found[0]["reason"]


def test_only_non_human_identities_are_judged(results):
    humans = {p for p, (is_nhi, _) in CLASSES.items() if not is_nhi}
    judged = {r["resource"].split("#")[0] for r in results if r["control_id"].startswith("nhi_")}
    assert judged and not judged & humans


def test_reasons_name_the_evidence(results):
    by_key = {(r["control_id"], r["resource"]): r["reason"] for r in results}
    assert "100 days old (limit 30)" in by_key[("nhi_access_key_rotated", arn("user", "svc-backup") + "#access_key_1")]
    assert "its name matches svc-%" in by_key[("nhi_user_has_console_password", arn("user", "svc-backup"))]
    assert "full administrator access through AdministratorAccess" in by_key[("nhi_admin_privileges", arn("user", "robot"))]
    assert "within the 90-day grace period" in by_key[("nhi_unused", arn("user", "robot"))]
    assert "200 days" in by_key[("nhi_unused", arn("role", "ec2-admin"))]
    # a role created before the 400 days of RoleLastUsed may have been used before them
    assert "no recorded use in the 400 days before the data was taken" in by_key[("nhi_unused", arn("role", "batch-old"))]
    assert "since it was created on" not in by_key[("nhi_unused", arn("role", "batch-old"))]
    assert "no recorded use since it was created on" in by_key[("nhi_unused", arn("role", "batch-recent"))]
    assert ACCT in by_key[("nhi_role_trust_broad", arn("role", "gh-deploy"))]
    assert "1 browser or console call" in by_key[("cloudtrail_event_nhi_human_use", arn("role", "lambda-fn"))]
    assert "7 source IP address(es)" in by_key[("cloudtrail_event_nhi_reuse_many_sources", arn("user", "keyuser") + "#AKIAKEYUSER000000001")]


def test_thresholds_are_parameters(con):
    rows = controls.results(con, controls.run_checks(
        con, controls=["nhi_access_key_rotated", "cloudtrail_event_nhi_reuse_many_sources"],
        params={"max_age_days": 120, "max_source_ips": 10}))
    by_resource = {r["resource"]: r["status"] for r in rows}
    assert by_resource[arn("user", "svc-backup") + "#access_key_1"] == "ok"
    assert by_resource[arn("user", "keyuser") + "#AKIAKEYUSER000000001"] == "ok"


def test_nhi_controls_skip_without_their_data(tmp_path):
    connection = db.connect(tmp_path / "empty-account.duckdb")
    load_accounts(connection, {ACCT: {"aws_iam_user": [user("x")]}}, AS_OF)
    rows = controls.results(connection, controls.run_checks(connection, controls=NHI_CONTROLS))
    connection.close()
    assert {r["status"] for r in rows} == {"skip"}
    # the controls on the policy engine's answers judge each non-human identity, and x is none: no row, not one skip
    # for the account
    judged = {"nhi_admin_privileges", "nhi_data_exfiltration"}
    assert sorted(r["control_id"] for r in rows) == sorted(set(NHI_CONTROLS) - judged)
