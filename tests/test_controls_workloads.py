"""The workload controls and the NHI inventory over one crafted account (777777777777, as of 2025-06-01 UTC):

roles (AdministratorAccess = admin; ReadReports = s3:GetObject on one bucket)
- fn-admin / fn-scoped: trusted by Lambda, admin / scoped
- ec2-admin / ec2-scoped: trusted by EC2, in instance profiles admin-profile / scoped-profile
- task-admin / task-scoped: trusted by ecs-tasks, admin / scoped (task-scoped is named by role name)
- eks-cluster: trusted by EKS, used by cluster platform
- gh-deploy: OIDC web-identity trust (GitHub) with a sub condition
- partner: trusts account 999999999999 with an ExternalId condition
users
- ci-bot: active key, no console password (non-human); alice: console user (human, not in the inventory)
workloads
- instances: web-admin (admin-profile, IMDSv1 allowed), web-scoped (scoped-profile, IMDSv2 required),
  plain (no profile, IMDSv1 allowed), orphan (a profile not in the IAM data, IMDSv1), gone (terminated, admin)
- functions: fn-admin, fn-scoped, fn-ghost (a role not in the IAM data)
- task definitions: task-admin:1, task-scoped:1, no-role:1, old-admin:1 (INACTIVE, admin)
"""

from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from iamsql import controls, frameworks
from iamsql.load.normalize import policy_std
from iamsql.report import write_report
from iamsql.store import db

from .cloudtrail_events import load_accounts

AS_OF = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
ACCT = "777777777777"
REGION = "eu-central-1"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ARN = f"arn:aws:iam::{ACCT}:policy/ReadReports"
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
READ = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                "Resource": "arn:aws:s3:::reports/*"}]}
GITHUB = f"arn:aws:iam::{ACCT}:oidc-provider/token.actions.githubusercontent.com"


def iam(kind, name):
    return f"arn:aws:iam::{ACCT}:{kind}/{name}"


def base(region="global"):
    return {"account_id": ACCT, "partition": "aws", "region": region}


def role(name, principal, *, policy=READ_ARN, action="sts:AssumeRole", condition=None, profiles=()):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    document = {"Version": "2012-10-17", "Statement": [statement]}
    return {"name": name, "arn": iam("role", name), "path": "/", "create_date": "2024-01-01T00:00:00Z",
            "assume_role_policy": document, "assume_role_policy_std": policy_std(document),
            "attached_policy_arns": [policy], "instance_profile_arns": [iam("instance-profile", p) for p in profiles],
            "tags": {}, **base()}


def profile(name, role_name):
    return {"instance_profile_name": name, "arn": iam("instance-profile", name),
            "roles": [{"RoleName": role_name, "Arn": iam("role", role_name)}], **base()}


def instance(name, profile_name=None, *, tokens="optional", state="running", profile_arn=None):
    arn = f"arn:aws:ec2:{REGION}:{ACCT}:instance/i-{name}"
    return {"instance_id": f"i-{name}", "arn": arn, "title": name, "instance_state": state,
            "iam_instance_profile_arn": profile_arn or (iam("instance-profile", profile_name) if profile_name else None),
            "metadata_options": {"HttpTokens": tokens, "HttpEndpoint": "enabled"}, **base(REGION)}


def function(name, role_arn):
    return {"name": name, "arn": f"arn:aws:lambda:{REGION}:{ACCT}:function:{name}", "role": role_arn,
            "runtime": "python3.12", "title": name, **base(REGION)}


def task(family, task_role, *, status="ACTIVE"):
    arn = f"arn:aws:ecs:{REGION}:{ACCT}:task-definition/{family}:1"
    return {"task_definition_arn": arn, "family": family, "revision": 1, "status": status, "task_role_arn": task_role,
            "execution_role_arn": None, "title": f"{family}:1", **base(REGION)}


def report(user, **values):
    return {"user_name": user, "user_arn": iam("user", user), "user_creation_time": "2024-01-01T00:00:00Z",
            "generated_time": AS_OF.isoformat(), "password_enabled": False, "access_key_1_active": False,
            "access_key_2_active": False, **values, **base()}


ACCOUNT = {
    "aws_iam_policy": [
        {"name": "AdministratorAccess", "arn": ADMIN_ARN, "is_aws_managed": True, "is_attached": True,
         "policy": ADMIN, "policy_std": policy_std(ADMIN), **base()},
        {"name": "ReadReports", "arn": READ_ARN, "is_aws_managed": False, "is_attached": True,
         "policy": READ, "policy_std": policy_std(READ), **base()},
    ],
    "aws_iam_role": [
        role("fn-admin", {"Service": "lambda.amazonaws.com"}, policy=ADMIN_ARN),
        role("fn-scoped", {"Service": "lambda.amazonaws.com"}),
        role("ec2-admin", {"Service": "ec2.amazonaws.com"}, policy=ADMIN_ARN, profiles=["admin-profile"]),
        role("ec2-scoped", {"Service": "ec2.amazonaws.com"}, profiles=["scoped-profile"]),
        role("task-admin", {"Service": "ecs-tasks.amazonaws.com"}, policy=ADMIN_ARN),
        role("task-scoped", {"Service": "ecs-tasks.amazonaws.com"}),
        role("eks-cluster", {"Service": "eks.amazonaws.com"}),
        role("gh-deploy", {"Federated": GITHUB}, action="sts:AssumeRoleWithWebIdentity",
             condition={"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}),
        role("partner", {"AWS": "arn:aws:iam::999999999999:root"},
             condition={"StringEquals": {"sts:ExternalId": "acme-7f3a"}}),
    ],
    "aws_iam_instance_profile": [profile("admin-profile", "ec2-admin"), profile("scoped-profile", "ec2-scoped")],
    "aws_iam_user": [{"name": n, "arn": iam("user", n), "path": "/", "tags": {}, **base()} for n in ("ci-bot", "alice")],
    "aws_iam_credential_report": [report("ci-bot", access_key_1_active=True),
                                  report("alice", password_enabled=True, mfa_active=True)],
    "aws_ec2_instance": [
        instance("web-admin", "admin-profile"), instance("web-scoped", "scoped-profile", tokens="required"),
        instance("plain"), instance("orphan", profile_arn=iam("instance-profile", "unknown-profile")),
        instance("gone", "admin-profile", state="terminated"),
    ],
    "aws_lambda_function": [function("fn-admin", iam("role", "fn-admin")), function("fn-scoped", iam("role", "fn-scoped")),
                            function("fn-ghost", iam("role", "not-loaded"))],
    "aws_ecs_task_definition": [task("task-admin", iam("role", "task-admin")), task("task-scoped", "task-scoped"),
                                task("no-role", None), task("old-admin", iam("role", "task-admin"), status="INACTIVE")],
    "aws_eks_cluster": [{"name": "platform", "arn": f"arn:aws:eks:{REGION}:{ACCT}:cluster/platform",
                         "role_arn": iam("role", "eks-cluster"), "title": "platform",
                         "identity": {"Oidc": {"Issuer": "https://oidc.eks.eu-central-1.amazonaws.com/id/ABC"}},
                         **base(REGION)}],
}


def ec2(name):
    return f"arn:aws:ec2:{REGION}:{ACCT}:instance/i-{name}"


def fn(name):
    return f"arn:aws:lambda:{REGION}:{ACCT}:function:{name}"


def td(family):
    return f"arn:aws:ecs:{REGION}:{ACCT}:task-definition/{family}:1"


EXPECTED = [
    ("lambda_function_role_not_admin", fn("fn-admin"), "alarm"),
    ("lambda_function_role_not_admin", fn("fn-scoped"), "ok"),
    ("lambda_function_role_not_admin", fn("fn-ghost"), "skip"),
    ("ec2_instance_role_not_admin", ec2("web-admin"), "alarm"),
    ("ec2_instance_role_not_admin", ec2("web-scoped"), "ok"),
    ("ec2_instance_role_not_admin", ec2("plain"), "ok"),
    ("ec2_instance_role_not_admin", ec2("orphan"), "skip"),
    ("ec2_instance_imdsv2_required", ec2("web-admin"), "alarm"),
    ("ec2_instance_imdsv2_required", ec2("orphan"), "alarm"),
    ("ec2_instance_imdsv2_required", ec2("web-scoped"), "ok"),
    ("ec2_instance_imdsv2_required", ec2("plain"), "ok"),
    ("ecs_task_role_not_admin", td("task-admin"), "alarm"),
    ("ecs_task_role_not_admin", td("task-scoped"), "ok"),
    ("ecs_task_role_not_admin", td("no-role"), "ok"),
]
WORKLOAD_CONTROLS = sorted({c for c, _, _ in EXPECTED})


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = db.connect(tmp_path_factory.mktemp("workloads") / "wl.duckdb")
    load_accounts(connection, {ACCT: ACCOUNT}, AS_OF)
    controls.create_views(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def results(con):
    return controls.results(con, controls.run_checks(con, controls=WORKLOAD_CONTROLS))


@pytest.mark.parametrize(("control_id", "resource", "status"), EXPECTED,
                         ids=[f"{c}-{r.rsplit('/', 1)[-1].rsplit(':', 1)[-1]}-{s}" for c, r, s in EXPECTED])
def test_expected_status(results, control_id, resource, status):
    found = [r for r in results if r["control_id"] == control_id and r["resource"] == resource]
    assert len(found) == 1, (control_id, [(r["resource"], r["status"]) for r in results if r["control_id"] == control_id])
    assert found[0]["status"] == status, found[0]["reason"]
    assert found[0]["reason"].endswith("."), found[0]["reason"]
    assert found[0]["region"] == REGION


def test_terminated_instances_and_inactive_task_definitions_are_not_judged(results):
    judged = {r["resource"] for r in results}
    assert ec2("gone") not in judged and td("old-admin") not in judged


def test_every_workload_control_has_an_alarm_and_a_pass_case_and_a_mapping():
    for control_id in WORKLOAD_CONTROLS:
        assert {"alarm", "ok"} <= {s for c, _, s in EXPECTED if c == control_id}, control_id
        requirements = frameworks.requirements_for_control(control_id)
        assert any(r.startswith("owasp-nhi-2025:") for r in requirements), control_id
        least_privilege = "nist-csf-2.0:PR.PS-01" if control_id.endswith("imdsv2_required") else "nist-csf-2.0:PR.AA-05"
        assert least_privilege in requirements, control_id


def test_admin_reason_names_the_role_and_the_grant(results):
    [alarm] = [r for r in results if r["control_id"] == "lambda_function_role_not_admin" and r["status"] == "alarm"]
    assert iam("role", "fn-admin") in alarm["reason"] and "AdministratorAccess" in alarm["reason"]


def test_workloads_without_their_tables_loaded_are_skipped(tmp_path):
    connection = db.connect(tmp_path / "iam-only.duckdb")
    load_accounts(connection, {ACCT: {"aws_iam_role": ACCOUNT["aws_iam_role"]}}, AS_OF)
    found = controls.results(connection, controls.run_checks(connection, controls=WORKLOAD_CONTROLS))
    connection.close()
    assert {(r["control_id"], r["status"]) for r in found} == {(c, "skip") for c in WORKLOAD_CONTROLS}


def inventory(con):
    controls.create_views(con)  # a run leaves the connection without the engine's tables the inventory reads
    return con.execute("select principal_arn, use_kind, used_by from iam_nhi_inventory").fetchall()


def test_inventory_lists_each_role_with_the_workloads_that_use_it(con):
    uses = {(p, k, u) for p, k, u in inventory(con) if k in (
        "ec2_instance", "lambda_function", "ecs_task_role", "eks_cluster")}
    assert uses == {
        (iam("role", "ec2-admin"), "ec2_instance", ec2("web-admin")),
        (iam("role", "ec2-scoped"), "ec2_instance", ec2("web-scoped")),
        (iam("role", "fn-admin"), "lambda_function", fn("fn-admin")),
        (iam("role", "fn-scoped"), "lambda_function", fn("fn-scoped")),
        (iam("role", "task-admin"), "ecs_task_role", td("task-admin")),
        (iam("role", "task-scoped"), "ecs_task_role", td("task-scoped")),
        (iam("role", "eks-cluster"), "eks_cluster", f"arn:aws:eks:{REGION}:{ACCT}:cluster/platform"),
    }


def test_inventory_lists_federated_cross_account_and_service_trust(con):
    rows = inventory(con)
    assert (iam("role", "gh-deploy"), "oidc_federation", GITHUB) in rows
    assert any(p == iam("role", "partner") and k == "cross_account" and "999999999999" in u for p, k, u in rows)
    assert (iam("role", "fn-admin"), "aws_service", "lambda.amazonaws.com") in rows


def test_inventory_has_every_role_and_only_non_human_users(con):
    principals = {p for p, _, _ in inventory(con)}
    roles = {r["arn"] for r in ACCOUNT["aws_iam_role"]}
    assert principals == roles | {iam("user", "ci-bot")}


def test_workbook_has_the_nhi_inventory_sheet(con, tmp_path):
    controls.run_checks(con, controls=WORKLOAD_CONTROLS)
    path = write_report(con, tmp_path / "report.xlsx")
    sheet = load_workbook(path)["NHI inventory"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Account", "Identity type", "Name", "ARN"]
    assert [ACCT, "role", "fn-admin", iam("role", "fn-admin"), True] in [r[:5] for r in rows]
    by_use = {(r[3], r[6], r[7]) for r in rows[1:]}
    assert (iam("role", "ec2-admin"), "ec2_instance", ec2("web-admin")) in by_use
    assert (iam("user", "ci-bot"), None, None) in by_use
    assert not any(r[3] == iam("user", "alice") for r in rows)
