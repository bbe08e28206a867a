"""The documents IAM change events grant are judged on the account's loaded resources that run code with a role,
as the principals holding them are (iam_principal_access): a path through an existing resource (here a CloudFormation
stack update) opens only on a loaded stack whose service role has power, is closed when the loaded stacks' roles are
weak or there are none, and is Unknown on a stack the document names whose table is not loaded. The detection
cloudtrail_event_admin_policy_granted follows: alarm, info, skip.

Account 123456789012 (IAM snapshot as of 2024-03-01), PutUserPolicy events two days before."""

import json
from datetime import timedelta

import pytest

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from tests.cloudtrail_events import event, load_accounts
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, base, doc, managed, role, user

REGION = "us-east-1"
STACK = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/"
APP = STACK + "app/0f1e2d3c-aaaa-bbbb-cccc-000000000001"
PATH = "escalation:CloudFormationUpdateStack"
DETECTION = "cloudtrail_event_admin_policy_granted"
ROLES = [
    role("admin-cloudformation", assume({"Service": "cloudformation.amazonaws.com"}), attached=[ADMIN]),
    role("weak-cloudformation", assume({"Service": "cloudformation.amazonaws.com"}), statements=[allow("s3:GetObject")]),
]


def stack(role_name: str) -> dict:
    return {**base(), "region": REGION, "id": APP, "name": "app", "title": "app", "akas": [APP],
            "status": "UPDATE_COMPLETE", "role_arn": arn("role", role_name)}


# (stacks loaded: None = the table is not loaded, the statement's resource) -> the document's answer, the detection
CASES = {
    "admin-stack-any": ([stack("admin-cloudformation")], "*", "Allowed", "alarm"),
    "admin-stack-named": ([stack("admin-cloudformation")], STACK + "app/*", "Allowed", "alarm"),
    "weak-stack-any": ([stack("weak-cloudformation")], "*", None, "info"),
    "no-stack-any": ([], "*", None, "info"),
    "not-loaded-any": (None, "*", "Allowed", "alarm"),
    "not-loaded-named": (None, STACK + "app/*", "Unknown", "skip"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_granted_document_is_judged_on_the_loaded_stacks(tmp_path, case):
    stacks, resource, decision, status = CASES[case]
    granted = doc(allow("cloudformation:UpdateStack", resource))
    put = event(ACCOUNT, AS_OF - timedelta(days=2), "PutUserPolicy", user="admin",
                request={"userName": "dev", "policyName": "deploy", "policyDocument": json.dumps(granted)})
    tables = {"aws_iam_user": [user("dev"), user("admin", attached=[ADMIN])], "aws_iam_role": ROLES,
              "aws_iam_group": [], "aws_iam_policy": [managed("AdministratorAccess", allow("*"), aws=True)],
              "aws_cloudtrail_trail_event": [put]}
    if stacks is not None:
        tables["aws_cloudformation_stack"] = stacks
    con = db.connect(tmp_path / "iam.duckdb")
    load_accounts(con, {ACCOUNT: tables}, AS_OF)
    results = [r for r in controls.results(con, controls.run_checks(con, controls=[DETECTION]))
               if "PutUserPolicy" in r["reason"]]
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_event_policy_answer"])
    found = con.execute("select decision from iam_event_policy_answer where question = ?", [PATH]).fetchall()
    con.close()
    assert found == ([(decision,)] if decision else [])
    assert [r["status"] for r in results] == [status], [r["reason"] for r in results]


# a user created, given that document and an access key by one caller: armed when the stack's role has power
ARMED = "cloudtrail_event_new_principal_granted_power"
NEW_USER = {"admin-stack-named": "alarm", "weak-stack-any": "info", "not-loaded-named": "skip"}


@pytest.mark.parametrize("case", sorted(NEW_USER))
def test_a_new_user_given_the_document_is_armed_as_the_stacks_decide(tmp_path, case):
    stacks, resource, _, _ = CASES[case]
    granted = doc(allow("cloudformation:UpdateStack", resource))
    start = AS_OF - timedelta(days=2)
    calls = [event(ACCOUNT, start, "CreateUser", user="admin", request={"userName": "backdoor"}),
             event(ACCOUNT, start + timedelta(minutes=1), "PutUserPolicy", user="admin",
                   request={"userName": "backdoor", "policyName": "deploy", "policyDocument": json.dumps(granted)}),
             event(ACCOUNT, start + timedelta(minutes=2), "CreateAccessKey", user="admin",
                   request={"userName": "backdoor"})]
    tables = {"aws_iam_user": [user("admin", attached=[ADMIN])], "aws_iam_role": ROLES, "aws_iam_group": [],
              "aws_iam_policy": [managed("AdministratorAccess", allow("*"), aws=True)],
              "aws_cloudtrail_trail_event": calls}
    if stacks is not None:
        tables["aws_cloudformation_stack"] = stacks
    con = db.connect(tmp_path / "iam.duckdb")
    load_accounts(con, {ACCOUNT: tables}, AS_OF)
    results = controls.results(con, controls.run_checks(con, controls=[ARMED]))
    con.close()
    backdoor = [r for r in results if r["resource"].endswith(":user/backdoor")]
    assert [r["status"] for r in backdoor] == [NEW_USER[case]], [r["reason"] for r in results]
    assert (NEW_USER[case] == "info") == any(r["status"] == "ok" for r in results)
