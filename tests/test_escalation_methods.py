"""The well-known IAM privilege-escalation methods, each with the actions AWS's Service Authorization Reference and
service guides say its steps need, against iam_principal_privilege_escalation on
``get-account-authorization-details`` exports loaded by the real loader: every action allowed opens the method's
path; the same with any one action left out, explicitly denied, or outside a permissions boundary does not; in an
account whose SCP denies ``iam:*`` (tests/data/organizations) the methods with an IAM step are closed and the others
stay open; and a method that hands a role to a service opens only on a role its PassRole statements allow and
whose trust admits that service (``passing <role ARN>``).

The actions are written here from AWS's documentation, not read from ``queries/access.yaml``: a path that asks for
more than a method needs fails the first check, one that asks for less fails the second. What the documentation
says: a new notebook instance runs code only through a presigned URL or a lifecycle configuration (SageMaker API
Reference); a pipeline passes its roles when activated (Service Authorization Reference, ``ActivatePipeline``);
EC2 Instance Connect's ``ec2:DescribeInstances`` is the console's (EC2 User Guide)."""

import json
import shutil
import zlib
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

CONTROL = "iam_principal_privilege_escalation"
ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
DEV, OUTSIDE = "222222222222", "444444444444"  # under the SCP DenyIAM (iam:*); in no organization
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"

METHODS = {
    "CreateNewPolicyVersion": ["iam:CreatePolicyVersion"],
    "CreateAccessKey": ["iam:CreateAccessKey"],
    "CreateLoginProfile": ["iam:CreateLoginProfile"],
    "UpdateLoginProfile": ["iam:UpdateLoginProfile"],
    "AttachUserPolicy": ["iam:AttachUserPolicy"],
    "AttachGroupPolicy": ["iam:AttachGroupPolicy"],
    "AttachRolePolicy": ["iam:AttachRolePolicy"],
    "PutUserPolicy": ["iam:PutUserPolicy"],
    "PutGroupPolicy": ["iam:PutGroupPolicy"],
    "PutRolePolicy": ["iam:PutRolePolicy"],
    "AddUserToGroup": ["iam:AddUserToGroup"],
    "UpdateRolePolicyToAssumeIt": ["iam:UpdateAssumeRolePolicy"],
    "AssumeRole+PutRolePermissionsBoundary": ["iam:PutRolePermissionsBoundary", "sts:AssumeRole"],
    "AssumeRole+DeleteRolePermissionsBoundary": ["iam:DeleteRolePermissionsBoundary", "sts:AssumeRole"],
    "CreateEC2WithExistingIP": ["ec2:RunInstances", "iam:PassRole"],
    "PassExistingRoleToNewLambdaThenInvoke": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
    "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo": [
        "iam:PassRole", "lambda:CreateEventSourceMapping", "lambda:CreateFunction"],
    "EditExistingLambdaFunctionWithRole": ["lambda:UpdateFunctionCode"],
    "PassExistingRoleToNewGlueDevEndpoint": ["glue:CreateDevEndpoint", "iam:PassRole"],
    "UpdateExistingGlueDevEndpoint": ["glue:UpdateDevEndpoint"],
    "PassExistingRoleToCloudFormation": ["cloudformation:CreateStack", "iam:PassRole"],
    "PassRole+DataPipeline": ["datapipeline:ActivatePipeline", "datapipeline:CreatePipeline",
                              "datapipeline:PutPipelineDefinition", "iam:PassRole"],
    "PassExistingRoleToNewSageMakerNotebookInstance": [
        "iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
    "PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig": [
        "iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreateNotebookInstanceLifecycleConfig"],
    "SSMSendCommand": ["ssm:SendCommand"],
    "SSMStartSession": ["ssm:StartSession"],
    "EC2InstanceConnectSendSSHPublicKey": ["ec2-instance-connect:SendSSHPublicKey"],
    "PassRole+ECS+RunTask": ["ecs:RunTask", "iam:PassRole"],
    "PassExistingRoleToNewCodeBuildProjectThenBuild": ["codebuild:CreateProject", "codebuild:StartBuild",
                                                       "iam:PassRole"],
}
# the service each PassRole method hands its role to, and for Data Pipeline the second role it passes
PASSED_TO = {
    "CreateEC2WithExistingIP": "ec2", "PassExistingRoleToNewLambdaThenInvoke": "lambda",
    "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo": "lambda", "PassExistingRoleToNewGlueDevEndpoint": "glue",
    "PassExistingRoleToCloudFormation": "cloudformation", "PassRole+DataPipeline": "ec2",
    "PassExistingRoleToNewSageMakerNotebookInstance": "sagemaker",
    "PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig": "sagemaker",
    "PassRole+ECS+RunTask": "ecs-tasks", "PassExistingRoleToNewCodeBuildProjectThenBuild": "codebuild",
}
SECOND_ROLE = {"PassRole+DataPipeline": "weak-datapipeline"}
SERVICES = sorted(set(PASSED_TO.values()) | {"datapipeline"})


def arn(account: str, kind: str, name: str) -> str:
    return f"arn:aws:iam::{account}:{kind}/{name}"


def unique_id(prefix: str, name: str) -> str:
    return f"{prefix}{zlib.crc32(name.encode()):017d}"


def document(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions, resource="*") -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def deny(action) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": "*"}


def user(account: str, name: str, *statements, boundary: str | None = None) -> dict:
    found = {"Path": "/", "UserName": name, "UserId": unique_id("AIDA", name), "Arn": arn(account, "user", name),
             "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [], "AttachedManagedPolicies": [], "Tags": [],
             "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(*statements)}]}
    if boundary:
        found["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return found


def profiles_holding(account: str, name: str, service: str) -> list[dict]:
    """An EC2 role's instance profile of its name (EC2 takes a profile, not a role); no profile for other services."""
    if service != "ec2":
        return []
    return [{"Path": "/", "InstanceProfileName": name, "InstanceProfileId": unique_id("AIPA", name),
             "Arn": arn(account, "instance-profile", name), "CreateDate": "2024-03-01T00:00:00Z", "Roles": []}]


def role(account: str, name: str, service: str, administrator: bool) -> dict:
    trust = {"Effect": "Allow", "Principal": {"Service": f"{service}.amazonaws.com"}, "Action": "sts:AssumeRole"}
    return {"Path": "/", "RoleName": name, "RoleId": unique_id("AROA", name), "Arn": arn(account, "role", name),
            "CreateDate": "2024-03-01T00:00:00Z", "AssumeRolePolicyDocument": document(trust),
            "MaxSessionDuration": 3600, "InstanceProfileList": profiles_holding(account, name, service), "Tags": [],
            "RolePolicyList": [] if administrator else [
                {"PolicyName": "logs", "PolicyDocument": document(allow("logs:PutLogEvents"))}],
            "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}]
            if administrator else []}


def managed(policy_arn: str, *statements) -> dict:
    return {"PolicyName": policy_arn.rsplit("/", 1)[-1], "PolicyId": unique_id("ANPA", policy_arn),
            "Arn": policy_arn, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True,
            "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z", "PolicyVersionList": [
                {"Document": document(*statements), "VersionId": "v1", "IsDefaultVersion": True,
                 "CreateDate": "2015-02-06T18:39:46Z"}]}


def short(action: str) -> str:
    return action.split(":")[1].lower()


def boundary_arn(account: str, action: str) -> str:
    return arn(account, "policy", f"all-but-{short(action)}")


def pass_roles(account: str, method: str, kind: str) -> list[str]:
    """The roles a user's PassRole statement names: the administrator role, or the weak one, of the method's
    service (and the second role Data Pipeline needs)."""
    return [arn(account, "role", f"{kind}-{PASSED_TO[method]}"),
            *([arn(account, "role", SECOND_ROLE[method])] if method in SECOND_ROLE else [])]


def users_of(account: str) -> dict[str, dict]:
    """Per method: all its actions (``<n>-all``); each action left out (``-without-``), denied (``-deny-``), outside
    the boundary (``-bounded-``); for a PassRole method, PassRole on the service's administrator role and on its weak
    role (``-admin-role``, ``-weak-role``)."""
    found = {}
    for n, (method, actions) in enumerate(METHODS.items()):
        found[f"m{n}-all"] = user(account, f"m{n}-all", allow(actions))
        for action in actions:
            rest = [a for a in actions if a != action]
            found[f"m{n}-without-{short(action)}"] = user(account, f"m{n}-without-{short(action)}", allow(rest or "s3:GetObject"))
            found[f"m{n}-deny-{short(action)}"] = user(account, f"m{n}-deny-{short(action)}", allow(actions), deny(action))
            found[f"m{n}-bounded-{short(action)}"] = user(account, f"m{n}-bounded-{short(action)}", allow(actions),
                                                          boundary=boundary_arn(account, action))
        if method in PASSED_TO:
            others = [a for a in actions if a != "iam:PassRole"]
            for kind in ("admin", "weak"):
                found[f"m{n}-{kind}-role"] = user(account, f"m{n}-{kind}-role", allow(others),
                                                  allow("iam:PassRole", pass_roles(account, method, kind)))
    return found


def export(account: str) -> dict:
    actions = sorted({a for actions in METHODS.values() for a in actions})
    return {
        "UserDetailList": list(users_of(account).values()),
        "GroupDetailList": [],
        "RoleDetailList": [role(account, f"{kind}-{service}", service, kind == "admin")
                           for service in SERVICES for kind in ("admin", "weak")],
        "Policies": [managed(ADMIN_ARN, allow("*")), *(
            managed(boundary_arn(account, a), {"Effect": "Allow", "NotAction": a, "Resource": "*"}) for a in actions)],
    }


@pytest.fixture(scope="module")
def opened(tmp_path_factory) -> dict[str, dict[str, set[str]]]:
    """The paths the control names for each user, by account."""
    folder = tmp_path_factory.mktemp("methods")
    shutil.copytree(ORGANIZATIONS, folder / "organizations")
    for account in (DEV, OUTSIDE):
        (folder / account).mkdir()
        (folder / account / "gaad.json").write_text(json.dumps(export(account)))
    con = db.connect(str(folder / "methods.duckdb"))
    load_paths(con, [folder])
    found: dict[str, dict[str, set[str]]] = {DEV: {}, OUTSIDE: {}}
    for row in controls.results(con, controls.run_checks(con, controls=[CONTROL])):
        if ":user/" in row["resource"]:
            names = row["dimensions"].get("escalation_path_names")
            account, name = row["resource"].split(":")[4], row["resource"].rsplit("/", 1)[-1]
            found[account][name] = set(names.split(", ")) if names else set()
    con.close()
    return found


def takes(paths: set[str], method: str) -> bool:
    return any(p == method or p.startswith(method + " ") for p in paths)


CASES = [(n, method, action) for n, (method, actions) in enumerate(METHODS.items()) for action in actions]


@pytest.mark.parametrize("n, method", list(enumerate(METHODS)), ids=list(METHODS))
def test_every_action_of_a_method_opens_it(opened, n, method):
    assert takes(opened[OUTSIDE][f"m{n}-all"], method), opened[OUTSIDE][f"m{n}-all"]


@pytest.mark.parametrize("n, method, action", CASES, ids=[f"{m}-{a}" for _, m, a in CASES])
def test_one_action_missing_denied_or_outside_the_boundary_closes_it(opened, n, method, action):
    for way in ("without", "deny", "bounded"):
        paths = opened[OUTSIDE][f"m{n}-{way}-{short(action)}"]
        assert not takes(paths, method), (way, paths)


@pytest.mark.parametrize("n, method", list(enumerate(METHODS)), ids=list(METHODS))
def test_an_scp_denying_iam_closes_exactly_the_methods_with_an_iam_step(opened, n, method):
    assert takes(opened[DEV][f"m{n}-all"], method) == (not any(a.startswith("iam:") for a in METHODS[method]))


PASSING = [(n, method) for n, method in enumerate(METHODS) if method in PASSED_TO]


@pytest.mark.parametrize("n, method", PASSING, ids=[m for _, m in PASSING])
def test_a_passrole_method_opens_only_on_an_allowed_role_its_service_may_assume(opened, n, method):
    admin = arn(OUTSIDE, "role", f"admin-{PASSED_TO[method]}")
    assert f"{method} passing {admin}" in opened[OUTSIDE][f"m{n}-admin-role"], opened[OUTSIDE][f"m{n}-admin-role"]
    assert not takes(opened[OUTSIDE][f"m{n}-weak-role"], method), opened[OUTSIDE][f"m{n}-weak-role"]
    # the administrator role of every other service is loaded too: none of them is passed
    assert not any(p.startswith(f"{method} passing") and p != f"{method} passing {admin}"
                   for p in opened[OUTSIDE][f"m{n}-admin-role"])
