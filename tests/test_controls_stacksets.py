"""iam_role_external_admin_or_readonly and the execution role CloudFormation StackSets creates.

With service-managed permissions StackSets creates a role named ``stacksets-exec-*`` in each target member account
and attaches AdministratorAccess to it (CloudFormation User Guide, "Activate trusted access for StackSets with AWS
Organizations" and "Configure a custom execution role template for StackSets"); the management account's
service-linked role AWSServiceRoleForCloudFormationStackSetsOrgAdmin assumes it (its policy allows
``sts:AssumeRole`` on ``arn:aws:iam::*:role/stacksets-exec-*``). Such a role is info; one of that name trusting
anybody else, or in an account whose organization is not loaded, still alarms.

Accounts: MANAGEMENT manages organization o-stack123 of MANAGEMENT, MEMBER and DELEGATED (its list-accounts is
loaded); LONE has no organization loaded; OUTSIDER is not in the organization.
"""

from datetime import datetime, timezone

import pytest

from iamsql import controls
from iamsql.load.normalize import policy_std
from iamsql.store import db

from .cloudtrail_events import load_accounts

AS_OF = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
MANAGEMENT, MEMBER, DELEGATED, LONE, OUTSIDER = (
    "111100001111", "222200002222", "333300003333", "444400004444", "555500005555")
CONTROL = "iam_role_external_admin_or_readonly"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ORG_SLR = "role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin"


def service_linked(account: str) -> str:
    return f"arn:aws:iam::{account}:{ORG_SLR}"


def role(account: str, name: str, *principals: str, attached=(ADMIN,)) -> dict:
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": p}, "Action": "sts:AssumeRole"} for p in principals]}
    return {"name": name, "arn": f"arn:aws:iam::{account}:role/{name}", "path": "/",
            "create_date": "2023-01-01T00:00:00Z", "assume_role_policy": document,
            "assume_role_policy_std": policy_std(document), "attached_policy_arns": list(attached),
            "max_session_duration": 3600, "account_id": account, "partition": "aws", "region": "global"}


def iam(account: str, *roles: dict) -> dict:
    return {"aws_iam_user": [], "aws_iam_group": [], "aws_iam_policy": [], "aws_iam_role": list(roles)}


MEMBER_ROLES = {
    "stacksets-exec-1a2b3c": (service_linked(MANAGEMENT),),
    "stacksets-exec-delegated": (service_linked(DELEGATED),),
    "stacksets-exec-management": (f"arn:aws:iam::{MANAGEMENT}:root",),
    "stacksets-exec-outsider": (service_linked(OUTSIDER),),
    "stacksets-exec-mixed": (service_linked(MANAGEMENT), f"arn:aws:iam::{OUTSIDER}:root"),
    "stacksets-exec-member-root": (f"arn:aws:iam::{DELEGATED}:root",),
    "stacksets-exec-other-role": (f"arn:aws:iam::{MANAGEMENT}:role/deployer",),
    "my-stacksets-exec-role": (service_linked(MANAGEMENT),),
}

ACCOUNTS = {
    MANAGEMENT: {**iam(MANAGEMENT), "aws_organizations_account": [
        {"id": a, "arn": f"arn:aws:organizations::{MANAGEMENT}:account/o-stack123/{a}", "name": a, "status": "ACTIVE",
         "account_id": MANAGEMENT, "partition": "aws", "region": "global"} for a in (MANAGEMENT, MEMBER, DELEGATED)]},
    MEMBER: iam(MEMBER, *(role(MEMBER, name, *principals) for name, principals in MEMBER_ROLES.items())),
    LONE: iam(LONE, role(LONE, "stacksets-exec-9z8y7x", service_linked(MANAGEMENT))),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("stacksets") / "stacksets.duckdb")
    load_accounts(con, ACCOUNTS, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=[CONTROL]))
    con.close()
    return {r["resource"]: r for r in rows}


@pytest.mark.parametrize("account, name, expected", [
    (MEMBER, "stacksets-exec-1a2b3c", "info"),
    (MEMBER, "stacksets-exec-delegated", "info"),
    (MEMBER, "stacksets-exec-management", "info"),
    (MEMBER, "stacksets-exec-outsider", "alarm"),
    (MEMBER, "stacksets-exec-mixed", "alarm"),
    (MEMBER, "stacksets-exec-member-root", "alarm"),
    (MEMBER, "stacksets-exec-other-role", "alarm"),
    (MEMBER, "my-stacksets-exec-role", "alarm"),
    (LONE, "stacksets-exec-9z8y7x", "alarm"),
])
def test_stacksets_execution_role(results, account, name, expected):
    row = results[f"arn:aws:iam::{account}:role/{name}"]
    assert row["status"] == expected, row["reason"]
    assert "AdministratorAccess" in row["reason"]
    if expected == "info":
        assert "StackSets" in row["reason"]
