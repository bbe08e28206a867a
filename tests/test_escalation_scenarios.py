"""iam_principal_privilege_escalation on more documented paths, one principal per scenario, each a small account of
policies: users and roles the caller creates under a name its statements allow (IAM API Reference, CreateUser and
CreateRole: the caller names the new principal, and the trust policy of a new role is the caller's to write), a new
instance profile for a running instance (EC2 User Guide, "Grant permissions to attach an IAM role to an instance":
ec2:AssociateIamInstanceProfile or ec2:ReplaceIamInstanceProfileAssociation with iam:PassRole), Amplify builds,
code or configuration of an existing Lambda function whose execution role has power (its statements naming it),
and iam:PassedToService for the services a path passes its role to (IAM User Guide, "IAM and AWS STS condition
context keys": the service principal that will assume the role).

Each service path is tried where it opens, where one permission is missing, where a Deny, a permissions boundary,
a service control policy or a condition (``iam:PassedToService``, ``iam:AssociatedResourceArn``,
``aws:ResourceTag``, ``iam:PermissionsBoundary``) closes it or leaves it open only under that condition, and where
the only roles it may pass are weaker than an administrator or trust another service.

Every scenario runs through the control on loaded rows and through the library's ``iam_principal_access`` table.
Account 123456789012, as of 2024-03-01, no organization loaded (the SCP cases load tests/data/organizations)."""

import json

import pytest

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from tests.fixtures.cli import run_cli
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, base, deny, group, managed, role, user
from tests.test_escalation_paths import (
    CONTROL,
    DEV,
    MANAGEMENT,
    Scenario,
    assert_scenario_row,
    control_rows_in_organization,
    open_paths,
)

S = Scenario


def u(name, *statements, **extra) -> dict:
    return user(name, *statements, **extra)


def to(service: str) -> dict:
    return {"StringEquals": {"iam:PassedToService": service}}


def r_member(name, *statements, tags=None) -> dict:
    """A role (trusted by Lambda) with an inline policy of ``statements``: a caller that is not a user."""
    return role(name, assume({"Service": "lambda.amazonaws.com"}), statements=statements, tags=tags)


def tagged(team: str) -> dict:
    return {"StringEquals": {"aws:ResourceTag/team": team}}


TO_LAMBDA = to("lambda.amazonaws.com")
TO_EC2 = to("ec2.amazonaws.com")
S3_ONLY = arn("policy", "s3-only")
USER_KEY = ["iam:CreateUser", "iam:AttachUserPolicy", "iam:CreateAccessKey"]
JOIN_KEY = ["iam:CreateUser", "iam:AddUserToGroup", "iam:CreateAccessKey"]
ROLE_ASSUME = ["iam:CreateRole", "iam:AttachRolePolicy", "sts:AssumeRole"]
AMPLIFY = ["amplify:CreateApp", "amplify:CreateBranch", "amplify:StartJob"]
CODEBUILD = ["codebuild:CreateProject", "codebuild:StartBuild"]
STACKSET = ["cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"]
RUNTIME = ["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:CreateAgentRuntimeEndpoint",
           "bedrock-agentcore:CreateWorkloadIdentity", "bedrock-agentcore:InvokeAgentRuntimeCommand"]
GAMELIFT = ["gamelift:CreateBuild", "gamelift:CreateFleet", "gamelift:RequestUploadCredentials"]
OMICS = ["omics:CreateWorkflow", "omics:StartRun", "s3:GetObject"]
PIPELINE = ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline"]
IMAGE_BUILDER = ["imagebuilder:CreateComponent", "imagebuilder:CreateImage", "imagebuilder:CreateImageRecipe",
                 "imagebuilder:CreateInfrastructureConfiguration"]
EMR_SERVERLESS = ["emr-serverless:CreateApplication", "emr-serverless:StartJobRun"]
ECS_START = ["ecs:StartTask", "ecs:RegisterContainerInstance", "ecs:DeregisterContainerInstance"]
NO_BOUNDARY = {"Null": {"iam:PermissionsBoundary": "true"}}
ADMIN_ROLE_TRUSTS = {
    "admin-amplify": "amplify.amazonaws.com",
    "admin-codebuild": "codebuild.amazonaws.com",
    "admin-ec2": "ec2.amazonaws.com",
    "admin-lambda": "lambda.amazonaws.com",
    "admin-braket": "braket.amazonaws.com",
}


FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:"
INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/"
PROJECT = "arn:aws:codebuild:us-east-1:123456789012:project/"
DOCUMENTS = "arn:aws:ssm:*:*:document/*"
PROFILE = "arn:aws:iam::123456789012:instance-profile/"


def created(kind: str, name: str) -> str:
    return f"creating {arn(kind, name)}"


SCENARIOS = [
    # a user created under a name the statements allow, given a policy, then signed in as
    S("new-user-prefix", u("new-user-prefix", allow(USER_KEY, arn("user", "dev-*"))),
      f"CreateUser+AttachUserPolicy+CreateAccessKey {created('user', 'dev-iamsql-probe')}", "open", "alarm"),
    S("new-user-path", u("new-user-path", allow(["iam:CreateUser", "iam:PutUserPolicy", "iam:CreateLoginProfile"],
                                                 arn("user", "contractors/*"))),
      f"CreateUser+PutUserPolicy+CreateLoginProfile {created('user', 'contractors/iamsql-probe')}", "open", "alarm"),
    S("new-user-one-name", u("new-user-one-name", allow(USER_KEY, arn("user", "ci-bot"))),
      f"CreateUser+AttachUserPolicy+CreateAccessKey {created('user', 'ci-bot')}", "open", "alarm"),
    S("new-user-existing-name", u("new-user-existing-name", allow(
        ["iam:CreateUser", "iam:PutUserPolicy", "iam:CreateLoginProfile"], arn("user", "reader"))),
      "CreateUser+PutUserPolicy+CreateLoginProfile", "closed", "alarm"),  # reader exists: it takes reader over instead
    S("policy-and-password-for-user", u("policy-and-password-for-user", allow(
        ["iam:PutUserPolicy", "iam:CreateLoginProfile"], arn("user", "reader"))),
      f"PutUserPolicyThenCreateLoginProfile on {arn('user', 'reader')}", "open", "alarm"),
    S("attach-and-password-any-user", u("attach-and-password-any-user", allow(
        ["iam:AttachUserPolicy", "iam:CreateLoginProfile"])), "AttachUserPolicyThenCreateLoginProfile", "open", "alarm"),
    S("password-for-weak-user", u("password-for-weak-user", allow("iam:CreateLoginProfile", arn("user", "reader"))),
      "CreateLoginProfile", "closed", "ok"),
    # a user the caller creates and puts in a group gets the group's power (IAM API Reference, AddUserToGroup)
    S("new-member-any-group", u("new-member-any-group", allow(JOIN_KEY)),
      "CreateUser+AddUserToGroup+CreateAccessKey", "open", "alarm"),
    S("new-member-admins", r_member("new-member-admins", allow(["iam:CreateUser", "iam:CreateLoginProfile"]),
                                    allow("iam:AddUserToGroup", arn("group", "admins"))),
      f"CreateUser+AddUserToGroup+CreateLoginProfile joining {arn('group', 'admins')}", "open", "alarm"),
    S("new-member-named-admins", u("new-member-named-admins", allow(["iam:CreateUser", "iam:CreateAccessKey"],
                                                                    arn("user", "ops-*")),
                                   allow("iam:AddUserToGroup", [arn("group", "readers"), arn("group", "admins")])),
      f"CreateUser+AddUserToGroup+CreateAccessKey creating {arn('user', 'ops-iamsql-probe')} joining "
      f"{arn('group', 'admins')}", "open", "alarm"),
    S("new-member-mfa-admins", u("new-member-mfa-admins", allow(["iam:CreateUser", "iam:CreateAccessKey"]),
                                 allow("iam:AddUserToGroup", arn("group", "admins-mfa"))),
      f"CreateUser+AddUserToGroup+CreateAccessKey joining {arn('group', 'admins-mfa')}", "open-if", "alarm"),
    S("new-member-readers", u("new-member-readers", allow(["iam:CreateUser", "iam:CreateAccessKey"]),
                              allow("iam:AddUserToGroup", arn("group", "readers"))),
      "CreateUser+AddUserToGroup+CreateAccessKey", "closed", "alarm"),  # it still creates keys for every user
    S("new-member-no-key", u("new-member-no-key", allow(["iam:CreateUser", "iam:AddUserToGroup"])),
      "CreateUser+AddUserToGroup+CreateAccessKey", "closed", "alarm"),  # AddUserToGroup on any group is a path
    S("new-member-denied", u("new-member-denied", allow(JOIN_KEY), deny("iam:AddUserToGroup", arn("group", "admins*"))),
      "CreateUser+AddUserToGroup+CreateAccessKey", "open", "alarm"),  # another group, readers, is still open
    S("new-member-bounded", u("new-member-bounded", allow(JOIN_KEY), boundary=S3_ONLY),
      "CreateUser+AddUserToGroup+CreateAccessKey", "closed", "ok"),
    S("new-member-boundary-required", r_member("new-member-boundary-required", allow(["iam:CreateAccessKey"], arn(
        "user", "ops-*")), allow("iam:AddUserToGroup", arn("group", "admins")), allow(
        "iam:CreateUser", arn("user", "ops-*"), Condition={"StringEquals": {"iam:PermissionsBoundary": S3_ONLY}})),
      "CreateUser+AddUserToGroup+CreateAccessKey", "closed", "ok"),
    # a name from a policy variable: the caller's own keys fill it (IAM User Guide, "Variables and tags")
    S("new-user-own-prefix", u("new-user-own-prefix", allow(USER_KEY, "arn:aws:iam::*:user/${aws:username}-*")),
      f"CreateUser+AttachUserPolicy+CreateAccessKey {created('user', 'new-user-own-prefix-iamsql-probe')}", "open",
      "alarm"),
    S("new-user-team-prefix", u("new-user-team-prefix", allow(USER_KEY, "arn:aws:iam::*:user/${aws:PrincipalTag/team}-*"),
                                tags={"team": "red"}),
      f"CreateUser+AttachUserPolicy+CreateAccessKey {created('user', 'red-iamsql-probe')}", "open", "alarm"),
    S("new-user-own-prefix-denied", u("new-user-own-prefix-denied", allow(USER_KEY, "arn:aws:iam::*:user/${aws:username}-*"),
                                      deny("iam:CreateUser", "arn:aws:iam::*:user/${aws:username}-*")),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),
    S("new-user-username-from-role", r_member("new-user-username-from-role", allow(
        USER_KEY, "arn:aws:iam::*:user/${aws:username}-*")),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),  # a role has no aws:username
    S("new-user-untagged-prefix", u("new-user-untagged-prefix", allow(
        USER_KEY, "arn:aws:iam::*:user/${aws:PrincipalTag/team}-*")),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),  # no team tag: the value matches nothing
    S("new-role-team-prefix", r_member("new-role-team-prefix", allow(ROLE_ASSUME, "arn:aws:iam::*:role/${aws:PrincipalTag/team}-*"),
                                       tags={"team": "ops"}),
      f"CreateRole+AttachRolePolicy+AssumeRole {created('role', 'ops-iamsql-probe')}", "open", "alarm"),
    S("new-user-any-name", u("new-user-any-name", allow(USER_KEY)),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "open", "alarm"),
    S("new-user-no-key", u("new-user-no-key", allow(["iam:CreateUser", "iam:AttachUserPolicy"], arn("user", "dev-*"))),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),
    S("new-user-other-account", u("new-user-other-account", allow(USER_KEY, "arn:aws:iam::999999999999:user/dev-*")),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),
    S("new-user-boundary-required", u("new-user-boundary-required",
                                      allow(["iam:AttachUserPolicy", "iam:CreateAccessKey"], arn("user", "dev-*")),
                                      allow("iam:CreateUser", arn("user", "dev-*"), Condition={
                                          "StringEquals": {"iam:PermissionsBoundary": S3_ONLY}})),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),
    S("new-user-deny-unbounded", u("new-user-deny-unbounded", allow(USER_KEY, arn("user", "dev-*")),
                                   deny("iam:CreateUser", Condition=NO_BOUNDARY)),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),
    S("new-user-caller-bounded", u("new-user-caller-bounded", allow(USER_KEY, arn("user", "dev-*")), boundary=S3_ONLY),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),
    S("new-user-key-mfa", u("new-user-key-mfa", allow(["iam:CreateUser", "iam:AttachUserPolicy"], arn("user", "dev-*")),
                            allow("iam:CreateAccessKey", arn("user", "dev-*"),
                                  Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
      f"CreateUser+AttachUserPolicy+CreateAccessKey {created('user', 'dev-iamsql-probe')}", "open-if", "alarm"),
    S("new-user-names-differ", u("new-user-names-differ", allow("iam:CreateUser", arn("user", "dev-*")),
                                 allow(["iam:AttachUserPolicy", "iam:CreateAccessKey"], arn("user", "ops-*"))),
      "CreateUser+AttachUserPolicy+CreateAccessKey", "closed", "ok"),
    # a role created under a name the statements allow, given a policy, then assumed through the trust it writes
    S("new-role-prefix", u("new-role-prefix", allow(ROLE_ASSUME, arn("role", "app-*"))),
      f"CreateRole+AttachRolePolicy+AssumeRole {created('role', 'app-iamsql-probe')}", "open", "alarm"),
    S("new-role-no-identity-assume", u("new-role-no-identity-assume", allow(
        ["iam:CreateRole", "iam:PutRolePolicy"], arn("role", "app/*"))),
      f"CreateRole+PutRolePolicy+AssumeRole {created('role', 'app/iamsql-probe')}", "open", "alarm"),
    S("new-role-assume-denied", u("new-role-assume-denied", allow(["iam:CreateRole", "iam:PutRolePolicy"],
                                                                    arn("role", "app/*")), deny("sts:AssumeRole")),
      "CreateRole+PutRolePolicy+AssumeRole", "closed", "ok"),
    S("new-role-no-policy", u("new-role-no-policy", allow(["iam:CreateRole", "sts:AssumeRole"], arn("role", "app-*"))),
      "CreateRole+AttachRolePolicy+AssumeRole", "closed", "ok"),
    S("new-role-by-role", role("new-role-by-role", assume({"Service": "lambda.amazonaws.com"}),
                               statements=[allow(ROLE_ASSUME, arn("role", "job-*"))]),
      f"CreateRole+AttachRolePolicy+AssumeRole {created('role', 'job-iamsql-probe')}", "open", "alarm"),
    S("new-role-boundary-required", u("new-role-boundary-required",
                                      allow(["iam:AttachRolePolicy", "sts:AssumeRole"], arn("role", "app-*")),
                                      allow("iam:CreateRole", arn("role", "app-*"), Condition={
                                          "StringEquals": {"iam:PermissionsBoundary": S3_ONLY}})),
      "CreateRole+AttachRolePolicy+AssumeRole", "closed", "ok"),
    # a new instance profile for a running instance
    S("ec2-associate", u("ec2-associate", allow(["ec2:AssociateIamInstanceProfile", "iam:PassRole"])),
      "PassRole+EC2AssociateIamInstanceProfile", "open", "alarm"),
    S("ec2-associate-no-pass", u("ec2-associate-no-pass", allow("ec2:AssociateIamInstanceProfile")),
      "PassRole+EC2AssociateIamInstanceProfile", "closed", "ok"),
    S("ec2-associate-to-lambda", u("ec2-associate-to-lambda", allow("ec2:AssociateIamInstanceProfile"),
                                   allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+EC2AssociateIamInstanceProfile", "closed", "ok"),
    S("ec2-associate-to-ec2", u("ec2-associate-to-ec2", allow("ec2:AssociateIamInstanceProfile"),
                                allow("iam:PassRole", Condition=TO_EC2)),
      "PassRole+EC2AssociateIamInstanceProfile", "open", "alarm"),
    S("ec2-associate-tagged", u("ec2-associate-tagged", allow("ec2:AssociateIamInstanceProfile", Condition=tagged("web")),
                                allow("iam:PassRole")),
      "PassRole+EC2AssociateIamInstanceProfile", "open-if", "alarm"),
    S("ec2-associate-denied", u("ec2-associate-denied", allow(["ec2:*", "iam:PassRole"]),
                                deny(["ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation",
                                      "ec2:RunInstances", "ec2:RequestSpotInstances", "ec2:ModifyInstanceAttribute",
                                      "ec2:CreateLaunchTemplateVersion"])),
      "PassRole+EC2AssociateIamInstanceProfile", "closed", "ok"),
    S("ec2-replace-admin-ec2", u("ec2-replace-admin-ec2", allow("ec2:ReplaceIamInstanceProfileAssociation"),
                                 allow("iam:PassRole", arn("role", "admin-ec2"))),
      f"PassRole+EC2ReplaceIamInstanceProfileAssociation passing {arn('role', 'admin-ec2')}", "open", "alarm"),
    S("ec2-replace-admin-lambda", u("ec2-replace-admin-lambda", allow("ec2:ReplaceIamInstanceProfileAssociation"),
                                    allow("iam:PassRole", arn("role", "admin-lambda"))),
      "PassRole+EC2ReplaceIamInstanceProfileAssociation", "closed", "ok"),
    S("ec2-replace-weak", u("ec2-replace-weak", allow("ec2:ReplaceIamInstanceProfileAssociation"),
                            allow("iam:PassRole", [arn("role", "weak"), arn("role", "logs-*")])),
      "PassRole+EC2ReplaceIamInstanceProfileAssociation", "closed", "ok"),
    S("ec2-replace-escalating-role", u("ec2-replace-escalating-role", allow("ec2:ReplaceIamInstanceProfileAssociation"),
                                       allow("iam:PassRole", arn("role", "keys-ec2"))),
      f"PassRole+EC2ReplaceIamInstanceProfileAssociation passing {arn('role', 'keys-ec2')}", "open", "alarm"),
    S("ec2-associate-resource-arn", u("ec2-associate-resource-arn", allow("ec2:AssociateIamInstanceProfile"), allow(
        "iam:PassRole", Condition={"ArnLike": {"iam:AssociatedResourceArn": "arn:aws:ec2:*:*:instance/*"}})),
      "PassRole+EC2AssociateIamInstanceProfile", "open", "alarm"),  # the role goes to the instance the path names
    S("ec2-replace-by-instance-role", role("ec2-replace-by-instance-role", assume({"Service": "ec2.amazonaws.com"}),
                                          statements=[allow(["ec2:ReplaceIamInstanceProfileAssociation",
                                                             "iam:PassRole"])]),
      "PassRole+EC2ReplaceIamInstanceProfileAssociation", "open", "alarm"),
    # Amplify builds run with the service role passed to the app
    S("amplify", u("amplify", allow([*AMPLIFY, "iam:PassRole"])), "PassRole+AmplifyCreateApp+CreateBranch+StartJob",
      "open", "alarm"),
    S("amplify-no-job", u("amplify-no-job", allow(["amplify:CreateApp", "amplify:CreateBranch", "iam:PassRole"])),
      "PassRole+AmplifyCreateApp+CreateBranch+StartJob", "closed", "ok"),
    S("amplify-to-codebuild", u("amplify-to-codebuild", allow(AMPLIFY),
                                allow("iam:PassRole", Condition=to("codebuild.amazonaws.com"))),
      "PassRole+AmplifyCreateApp+CreateBranch+StartJob", "closed", "ok"),
    S("amplify-admin-role", u("amplify-admin-role", allow(AMPLIFY), allow("iam:PassRole", arn("role", "admin-*"))),
      f"PassRole+AmplifyCreateApp+CreateBranch+StartJob passing {arn('role', 'admin-amplify')}", "open", "alarm"),
    S("amplify-bounded", u("amplify-bounded", allow([*AMPLIFY, "iam:PassRole"]), boundary=S3_ONLY),
      "PassRole+AmplifyCreateApp+CreateBranch+StartJob", "closed", "ok"),
    # CodeBuild: the project's service role goes to codebuild.amazonaws.com (codebuild:StartBuild alone is a path of
    # its own, on an existing project: every one with it is an alarm)
    S("codebuild-to-codebuild", u("codebuild-to-codebuild", allow(CODEBUILD),
                                  allow("iam:PassRole", Condition=to("codebuild.amazonaws.com"))),
      "PassExistingRoleToNewCodeBuildProjectThenBuild", "open", "alarm"),
    S("codebuild-to-lambda", u("codebuild-to-lambda", allow(CODEBUILD), allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassExistingRoleToNewCodeBuildProjectThenBuild", "closed", "alarm"),
    S("codebuild-admin-codebuild-role", u("codebuild-admin-codebuild-role", allow(CODEBUILD),
                                          allow("iam:PassRole", arn("role", "admin-codebuild"))),
      f"PassExistingRoleToNewCodeBuildProjectThenBuild passing {arn('role', 'admin-codebuild')}", "open", "alarm"),
    S("codebuild-admin-lambda-role", u("codebuild-admin-lambda-role", allow(CODEBUILD),
                                       allow("iam:PassRole", arn("role", "admin-lambda"))),
      "PassExistingRoleToNewCodeBuildProjectThenBuild", "closed", "alarm"),
    S("codebuild-role-tag", u("codebuild-role-tag", allow(CODEBUILD),
                              allow("iam:PassRole", Condition=tagged("build"))),
      "PassExistingRoleToNewCodeBuildProjectThenBuild", "open-if", "alarm"),
    S("codebuild-pass-denied-but-ec2", u("codebuild-pass-denied-but-ec2", allow([*CODEBUILD, "iam:PassRole"]), deny(
        "iam:PassRole", Condition={"StringNotEquals": {"iam:PassedToService": "ec2.amazonaws.com"}})),
      "PassExistingRoleToNewCodeBuildProjectThenBuild", "closed", "alarm"),
    S("codebuild-start-existing", u("codebuild-start-existing", allow("codebuild:StartBuild")),
      "CodeBuildStartBuild", "open", "alarm"),
    # iam:PassedToService of the services now mapped: a PassRole limited to another service closes the path
    S("braket-to-lambda", u("braket-to-lambda", allow("braket:CreateJob"), allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+BraketCreateJob", "closed", "ok"),
    S("braket-to-braket", u("braket-to-braket", allow("braket:CreateJob"),
                            allow("iam:PassRole", Condition=to("braket.amazonaws.com"))),
      "PassRole+BraketCreateJob", "open", "alarm"),
    S("braket-admin-lambda-role", u("braket-admin-lambda-role", allow("braket:CreateJob"),
                                    allow("iam:PassRole", arn("role", "admin-lambda"))),
      "PassRole+BraketCreateJob", "closed", "ok"),
    S("braket-admin-braket-role", u("braket-admin-braket-role", allow("braket:CreateJob"),
                                    allow("iam:PassRole", arn("role", "admin-braket"))),
      f"PassRole+BraketCreateJob passing {arn('role', 'admin-braket')}", "open", "alarm"),
    S("stackset-to-lambda", u("stackset-to-lambda", allow(STACKSET), allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassExistingRoleToNewCloudFormationStackSet", "closed", "ok"),
    S("stackset-to-cloudformation", u("stackset-to-cloudformation", allow(STACKSET),
                                      allow("iam:PassRole", Condition=to("cloudformation.amazonaws.com"))),
      "PassExistingRoleToNewCloudFormationStackSet", "open", "alarm"),
    S("stackset-update-to-ec2", u("stackset-update-to-ec2", allow("cloudformation:UpdateStackSet"),
                                  allow("iam:PassRole", Condition=TO_EC2)),
      "PassRoleToUpdateCloudFormationStackSet", "closed", "ok"),
    S("agentcore-runtime-to-lambda", u("agentcore-runtime-to-lambda", allow(RUNTIME),
                                       allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand", "closed", "alarm"),
    S("agentcore-runtime-to-agentcore", u("agentcore-runtime-to-agentcore", allow(RUNTIME),
                                          allow("iam:PassRole", Condition=to("bedrock-agentcore.amazonaws.com"))),
      "PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand", "open", "alarm"),
    S("gamelift-to-ec2", u("gamelift-to-ec2", allow(GAMELIFT), allow("iam:PassRole", Condition=TO_EC2)),
      "PassRole+GameLiftCreateBuild+CreateFleet", "closed", "ok"),
    S("gamelift-to-gamelift", u("gamelift-to-gamelift", allow(GAMELIFT),
                                allow("iam:PassRole", Condition=to("gamelift.amazonaws.com"))),
      "PassRole+GameLiftCreateBuild+CreateFleet", "open", "alarm"),
    S("omics-to-lambda", u("omics-to-lambda", allow(OMICS), allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+OmicsCreateWorkflow+StartRun", "closed", "ok"),
    S("emr-serverless-to-lambda", u("emr-serverless-to-lambda", allow(EMR_SERVERLESS),
                                    allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+EMRServerlessCreateApp+StartJobRun", "closed", "ok"),
    S("kinesis-analytics-to-kinesis", u("kinesis-analytics-to-kinesis", allow(
        ["kinesisanalytics:CreateApplication", "kinesisanalytics:StartApplication"]),
        allow("iam:PassRole", Condition=to("kinesisanalytics.amazonaws.com"))),
      "PassRole+KinesisAnalyticsCreateApp+StartApp", "open", "alarm"),
    S("ecs-start-task-to-lambda", u("ecs-start-task-to-lambda", allow(ECS_START),
                                    allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+ECS+StartTask", "closed", "ok"),
    # the role that runs a cluster's, a pipeline's or an image build's code is an instance profile's (EC2); an EMR
    # cluster and a pipeline also take a service role of their own, passed to EMR or to Data Pipeline (any role whose
    # trust admits that service: its power does not matter); an identity pool's roles go to Cognito; Batch's job role
    # has no documented service principal: asked without the key
    S("emr-cluster-to-lambda", u("emr-cluster-to-lambda", allow("elasticmapreduce:RunJobFlow"),
                                 allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+EMRRunJobFlow", "closed", "ok"),
    S("emr-cluster-to-emr", u("emr-cluster-to-emr", allow("elasticmapreduce:RunJobFlow"),
                              allow("iam:PassRole", Condition=to("elasticmapreduce.amazonaws.com"))),
      "PassRole+EMRRunJobFlow", "closed", "ok"),
    S("emr-cluster-to-ec2", u("emr-cluster-to-ec2", allow("elasticmapreduce:RunJobFlow"),
                              allow("iam:PassRole", Condition=TO_EC2)),
      "PassRole+EMRRunJobFlow", "closed", "ok"),  # no service role may go to EMR: the cluster cannot start
    S("emr-cluster-to-ec2-and-emr", u("emr-cluster-to-ec2-and-emr", allow("elasticmapreduce:RunJobFlow"),
                                      allow("iam:PassRole", Condition=TO_EC2),
                                      allow("iam:PassRole", Condition=to("elasticmapreduce.amazonaws.com"))),
      "PassRole+EMRRunJobFlow", "open", "alarm"),
    S("emr-cluster-lambda-roles", u("emr-cluster-lambda-roles", allow("elasticmapreduce:RunJobFlow"),
                                    allow("iam:PassRole", arn("role", "admin-lambda"))),
      "PassRole+EMRRunJobFlow", "closed", "ok"),
    S("emr-cluster-ec2-admin", u("emr-cluster-ec2-admin", allow("elasticmapreduce:RunJobFlow"),
                                 allow("iam:PassRole", [arn("role", "admin-lambda"), arn("role", "admin-ec2")])),
      "PassRole+EMRRunJobFlow", "closed", "ok"),  # neither role's trust admits EMR as its service role
    S("emr-cluster-ec2-admin-and-service-role", u("emr-cluster-ec2-admin-and-service-role", allow(
        "elasticmapreduce:RunJobFlow"), allow("iam:PassRole", [arn("role", "admin-ec2"), arn("role", "emr-service")])),
      f"PassRole+EMRRunJobFlow passing {arn('role', 'admin-ec2')}", "open", "alarm"),
    S("emr-cluster-ec2-admin-service-role-denied", u("emr-cluster-ec2-admin-service-role-denied", allow(
        "elasticmapreduce:RunJobFlow"), allow("iam:PassRole", [arn("role", "admin-ec2"), arn("role", "emr-service")]),
        deny("iam:PassRole", arn("role", "emr-service"))), "PassRole+EMRRunJobFlow", "closed", "ok"),
    S("emr-cluster-denied", u("emr-cluster-denied", allow(["elasticmapreduce:RunJobFlow", "iam:PassRole"]),
                              deny("elasticmapreduce:RunJobFlow")), "PassRole+EMRRunJobFlow", "closed", "ok"),
    S("pipeline-to-ec2", u("pipeline-to-ec2", allow(PIPELINE), allow("iam:PassRole", Condition=TO_EC2)),
      "PassRole+DataPipeline", "closed", "ok"),  # the pipeline's own role cannot go to Data Pipeline
    S("pipeline-to-ec2-and-datapipeline", u("pipeline-to-ec2-and-datapipeline", allow(PIPELINE), allow(
        "iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com",
                                                                            "datapipeline.amazonaws.com"]}})),
      "PassRole+DataPipeline", "open", "alarm"),
    S("pipeline-ec2-admin-and-pipeline-role", u("pipeline-ec2-admin-and-pipeline-role", allow(PIPELINE), allow(
        "iam:PassRole", [arn("role", "admin-ec2"), arn("role", "pipeline-service")])),
      f"PassRole+DataPipeline passing {arn('role', 'admin-ec2')}", "open", "alarm"),
    S("pipeline-ec2-admin-emr-role", u("pipeline-ec2-admin-emr-role", allow(PIPELINE), allow(
        "iam:PassRole", [arn("role", "admin-ec2"), arn("role", "emr-service")])),
      "PassRole+DataPipeline", "closed", "ok"),  # a role EMR may assume is no pipeline role
    S("pipeline-to-datapipeline", u("pipeline-to-datapipeline", allow(PIPELINE),
                                    allow("iam:PassRole", Condition=to("datapipeline.amazonaws.com"))),
      "PassRole+DataPipeline", "closed", "ok"),
    S("pipeline-no-activate", u("pipeline-no-activate", allow(["datapipeline:CreatePipeline",
                                                               "datapipeline:PutPipelineDefinition", "iam:PassRole"])),
      "PassRole+DataPipeline", "closed", "ok"),  # nothing activates the pipeline: no role is passed, no code runs
    S("pipeline-bounded", u("pipeline-bounded", allow([*PIPELINE, "iam:PassRole"]), boundary=S3_ONLY),
      "PassRole+DataPipeline", "closed", "ok"),
    S("image-builder-to-ec2", u("image-builder-to-ec2", allow(IMAGE_BUILDER), allow("iam:PassRole", Condition=TO_EC2)),
      "PassRole+ImageBuilderCreateComponent+CreateImage", "open", "alarm"),
    S("image-builder-to-imagebuilder", u("image-builder-to-imagebuilder", allow(IMAGE_BUILDER), allow(
        "iam:PassRole", Condition=to("imagebuilder.amazonaws.com"))),
      "PassRole+ImageBuilderCreateComponent+CreateImage", "closed", "ok"),
    S("identity-pool-to-cognito", u("identity-pool-to-cognito", allow("cognito-identity:SetIdentityPoolRoles"),
                                    allow("iam:PassRole", Condition=to("cognito-identity.amazonaws.com"))),
      "PassRole+CognitoSetIdentityPoolRoles", "open", "alarm"),
    S("identity-pool-to-ec2", u("identity-pool-to-ec2", allow("cognito-identity:SetIdentityPoolRoles"),
                                allow("iam:PassRole", Condition=TO_EC2)),
      "PassRole+CognitoSetIdentityPoolRoles", "closed", "ok"),
    # an administrator role whose trust admits Cognito identities (Federated, AssumeRoleWithWebIdentity), named
    S("identity-pool-admin-role", u("identity-pool-admin-role", allow("cognito-identity:SetIdentityPoolRoles"),
                                    allow("iam:PassRole", [arn("role", "admin-ec2"), arn("role", "admin-cognito")])),
      f"PassRole+CognitoSetIdentityPoolRoles passing {arn('role', 'admin-cognito')}", "open", "alarm"),
    S("identity-pool-service-role", u("identity-pool-service-role", allow("cognito-identity:SetIdentityPoolRoles"),
                                      allow("iam:PassRole", arn("role", "admin-ec2"))),
      "PassRole+CognitoSetIdentityPoolRoles", "closed", "ok"),
    S("batch-to-lambda", u("batch-to-lambda", allow(["batch:RegisterJobDefinition", "batch:SubmitJob"]),
                           allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+BatchRegisterJobDef+SubmitJob", "open-if", "alarm"),
    # nor is it closed by a PassRole limited to ECS tasks, whose role a Batch job role resembles (docs/policy-engine.md)
    S("batch-to-ecs-tasks", u("batch-to-ecs-tasks", allow(["batch:RegisterJobDefinition", "batch:SubmitJob"]),
                              allow("iam:PassRole", Condition=to("ecs-tasks.amazonaws.com"))),
      "PassRole+BatchRegisterJobDef+SubmitJob", "open-if", "alarm"),
    # code on an existing resource runs with its role: SSM commands and sessions on a loaded EC2 instance its
    # statements name, as the role of the instance's profile; a CodeBuild project (a buildspec override), a SageMaker
    # notebook or a Glue development endpoint the statements name, whose table is not loaded: unknown, never ok
    S("ssm-command-admin-instance", u("ssm-command-admin-instance", allow("ssm:SendCommand", [INSTANCE + "i-admin",
                                                                                              DOCUMENTS])),
      f"SSMSendCommand on {INSTANCE}i-admin", "open", "alarm"),
    S("ssm-command-shell-on-admin-instance", u("ssm-command-shell-on-admin-instance", allow("ssm:SendCommand", [
        INSTANCE + "i-admin", "arn:aws:ssm:*::document/AWS-RunShellScript"])),
      f"SSMSendCommand on {INSTANCE}i-admin", "open", "alarm"),
    S("ssm-command-weak-instance", u("ssm-command-weak-instance", allow("ssm:SendCommand", [INSTANCE + "i-weak",
                                                                                            DOCUMENTS])),
      "SSMSendCommand", "closed", "ok"),
    S("ssm-command-bare-instance", u("ssm-command-bare-instance", allow("ssm:SendCommand", [INSTANCE + "i-bare",
                                                                                            DOCUMENTS])),
      "SSMSendCommand", "closed", "ok"),
    S("ssm-command-documents-only", u("ssm-command-documents-only", allow("ssm:SendCommand", DOCUMENTS)),
      "SSMSendCommand", "closed", "ok"),
    # a statement on every instance opens the path on the loaded instance whose role has power
    S("ssm-command-any-instance", u("ssm-command-any-instance", allow("ssm:SendCommand")),
      f"SSMSendCommand on {INSTANCE}i-admin", "open", "alarm"),
    # user data (run at the next start) and an SSH key run code on a named instance, as its instance profile's role
    S("user-data-admin-instance", u("user-data-admin-instance", allow(
        ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"], INSTANCE + "i-admin")),
      f"ModifyEC2InstanceUserDataThenRestart on {INSTANCE}i-admin", "open", "alarm"),
    S("ssh-key-weak-instance", u("ssh-key-weak-instance", allow("ec2-instance-connect:SendSSHPublicKey", INSTANCE + "i-weak"),
                                 allow("ec2:DescribeInstances")),
      "EC2InstanceConnectSendSSHPublicKey", "closed", "ok"),
    S("ssm-command-admin-instance-denied", u("ssm-command-admin-instance-denied", allow(
        "ssm:SendCommand", [INSTANCE + "i-*", DOCUMENTS]), deny("ssm:SendCommand", INSTANCE + "i-admin")),
      "SSMSendCommand", "closed", "ok"),
    S("ssm-session-admin-instance-mfa", u("ssm-session-admin-instance-mfa", allow(
        "ssm:StartSession", [INSTANCE + "i-adm*", DOCUMENTS], Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
      f"SSMStartSession on {INSTANCE}i-admin", "open-if", "alarm"),
    S("ssm-session-admin-instance-bounded", u("ssm-session-admin-instance-bounded", allow(
        "ssm:StartSession", [INSTANCE + "i-admin", DOCUMENTS]), boundary=S3_ONLY), "SSMStartSession", "closed", "ok"),
    S("codebuild-named-project", u("codebuild-named-project", allow("codebuild:StartBuild", PROJECT + "release")),
      f"CodeBuildStartBuild on {PROJECT}release", "unknown", "skip"),
    S("codebuild-named-project-denied", u("codebuild-named-project-denied", allow("codebuild:StartBuild", PROJECT + "rel*"),
                                          deny("codebuild:StartBuild")), "CodeBuildStartBuild", "closed", "ok"),
    S("codebuild-other-account-project", u("codebuild-other-account-project", allow(
        "codebuild:StartBuild", "arn:aws:codebuild:us-east-1:999999999999:project/release")),
      "CodeBuildStartBuild", "closed", "ok"),
    S("notebook-url-named", u("notebook-url-named", allow(
        "sagemaker:CreatePresignedNotebookInstanceUrl", "arn:aws:sagemaker:*:*:notebook-instance/research-*")),
      "CreatePresignedSageMakerNotebookUrl on arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/"
      "research-iamsql-probe", "unknown", "skip"),
    S("glue-endpoint-named", u("glue-endpoint-named", allow(
        "glue:UpdateDevEndpoint", "arn:aws:glue:us-east-1:123456789012:devEndpoint/etl")),
      "UpdateExistingGlueDevEndpoint on arn:aws:glue:us-east-1:123456789012:devEndpoint/etl", "unknown", "skip"),
    # Lambda: a new configuration runs code under the function's role; a PassRole only for weaker roles opens no
    # new function
    S("lambda-configuration", u("lambda-configuration", allow("lambda:UpdateFunctionConfiguration")),
      f"lambda:UpdateFunctionConfiguration on {FUNCTION}deploy", "open", "alarm"),
    S("lambda-configuration-denied", u("lambda-configuration-denied", allow("lambda:*"), deny("lambda:Update*")),
      "lambda:UpdateFunctionConfiguration", "closed", "ok"),
    S("lambda-configuration-bounded", u("lambda-configuration-bounded", allow("lambda:UpdateFunctionConfiguration"),
                                        boundary=S3_ONLY),
      "lambda:UpdateFunctionConfiguration", "closed", "ok"),
    S("lambda-configuration-tagged", u("lambda-configuration-tagged", allow(
        "lambda:UpdateFunctionConfiguration", Condition=tagged("web"))),
      f"lambda:UpdateFunctionConfiguration on {FUNCTION}deploy", "open-if", "alarm"),
    # an existing function whose statements name it: its code runs with its execution role (loaded functions)
    S("lambda-code-admin-function", u("lambda-code-admin-function", allow("lambda:UpdateFunctionCode", FUNCTION + "deploy")),
      f"EditExistingLambdaFunctionWithRole on {FUNCTION}deploy", "open", "alarm"),
    S("lambda-code-weak-function", u("lambda-code-weak-function", allow("lambda:UpdateFunctionCode", FUNCTION + "report")),
      "EditExistingLambdaFunctionWithRole", "closed", "ok"),
    S("lambda-code-unloaded-functions", u("lambda-code-unloaded-functions", allow(
        ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"], FUNCTION + "web-*")),
      "UpdateAndInvokeLambdaFunction", "closed", "ok"),
    S("lambda-code-invoke-admin-function", u("lambda-code-invoke-admin-function", allow(
        ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"], FUNCTION + "dep*")),
      f"UpdateAndInvokeLambdaFunction on {FUNCTION}deploy", "open", "alarm"),
    S("lambda-code-escalating-function", u("lambda-code-escalating-function", allow(
        "lambda:UpdateFunctionCode", [FUNCTION + "report", FUNCTION + "rotate-keys"])),
      f"EditExistingLambdaFunctionWithRole on {FUNCTION}rotate-keys", "open", "alarm"),
    S("lambda-code-admin-function-denied", u("lambda-code-admin-function-denied", allow(
        "lambda:UpdateFunctionCode", [FUNCTION + "deploy", FUNCTION + "rotate-keys"]), deny("lambda:UpdateFunctionCode", FUNCTION + "deploy"),
        deny("lambda:UpdateFunctionCode", FUNCTION + "rotate-keys")),
      "EditExistingLambdaFunctionWithRole", "closed", "ok"),
    S("lambda-configuration-admin-function-tagged", u("lambda-configuration-admin-function-tagged", allow(
        "lambda:UpdateFunctionConfiguration", FUNCTION + "deploy", Condition=tagged("ops"))),
      f"lambda:UpdateFunctionConfiguration on {FUNCTION}deploy", "open-if", "alarm"),
    S("lambda-configuration-admin-function-bounded", u("lambda-configuration-admin-function-bounded", allow(
        "lambda:UpdateFunctionConfiguration", FUNCTION + "deploy"), boundary=S3_ONLY),
      "lambda:UpdateFunctionConfiguration", "closed", "ok"),
    S("lambda-pass-resource-arn", u("lambda-pass-resource-arn", allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                                    allow("iam:PassRole", Condition={"ArnLike": {
                                        "iam:AssociatedResourceArn": "arn:aws:lambda:*:*:function:web-*"}})),
      "PassExistingRoleToNewLambdaThenInvoke", "open", "alarm"),  # it creates web-..., the function the role goes to
    # the key applies "to only the PassRole action in a policy" (IAM User Guide, "IAM and AWS STS condition context
    # keys"): one statement for creating, invoking and passing, limited by it, allows the PassRole alone
    S("lambda-create-resource-arn", u("lambda-create-resource-arn", allow(
        ["lambda:CreateFunction", "lambda:InvokeFunction", "iam:PassRole"], Condition={"ArnLike": {
            "iam:AssociatedResourceArn": "arn:aws:lambda:*:*:function:web-*"}})),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),
    S("lambda-pass-resource-arn-denied", u("lambda-pass-resource-arn-denied", allow(
        ["lambda:CreateFunction", "lambda:InvokeFunction", "iam:PassRole"]), deny("iam:PassRole", Condition={
            "ArnLike": {"iam:AssociatedResourceArn": "arn:aws:lambda:*:*:function:*"}})),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),  # the role goes to a function: always denied
    S("lambda-pass-service-roles", u("lambda-pass-service-roles", allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                                     allow("iam:PassRole", arn("role", "svc-*"), Condition=TO_LAMBDA)),
      f"PassExistingRoleToNewLambdaThenInvoke passing {arn('role', 'svc-admin')}", "open", "alarm"),
    S("lambda-pass-weak-service-roles", u("lambda-pass-weak-service-roles", allow(
        ["lambda:CreateFunction", "lambda:InvokeFunction"]), allow("iam:PassRole", arn("role", "logs-*"))),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),
]

def with_profile(row: dict) -> dict:
    """The role as the instance profile of its name lists it (``instance_profile_arns``)."""
    return {**row, "instance_profile_arns": [PROFILE + row["name"]]}


ROLES = [
    *(with_profile(role(name, assume({"Service": service}), attached=[ADMIN]))
      for name, service in ADMIN_ROLE_TRUSTS.items()),
    role("svc-admin", assume({"Service": "lambda.amazonaws.com"}), attached=[ADMIN]),
    role("admin-cognito", assume({"Federated": "cognito-identity.amazonaws.com"}, Action="sts:AssumeRoleWithWebIdentity",
                                 Condition={"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}}),
         attached=[ADMIN]),
    role("keys-ec2", assume({"Service": "ec2.amazonaws.com"}), statements=[allow("iam:CreateAccessKey")]),
    role("keys-lambda", assume({"Service": "lambda.amazonaws.com"}), statements=[allow("iam:CreateAccessKey")]),
    with_profile(role("weak", assume({"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}),
                      statements=[allow("logs:*")])),
    role("logs-writer", assume({"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}),
         statements=[allow("logs:PutLogEvents")]),
    # the service roles EMR and Data Pipeline run their own work with (weak: their power does not matter)
    role("emr-service", assume({"Service": "elasticmapreduce.amazonaws.com"}), statements=[allow("ec2:Describe*")]),
    role("pipeline-service", assume({"Service": ["datapipeline.amazonaws.com", "elasticmapreduce.amazonaws.com"]}),
         statements=[allow("ec2:Describe*")]),
]
USERS = [user("reader", allow("s3:GetObject"))]
GROUPS = [group("readers", allow("s3:Get*")), group("admins", attached=[ADMIN]),
          group("admins-mfa", allow("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))]
POLICIES = [managed("AdministratorAccess", allow("*"), aws=True), managed("s3-only", allow("s3:*"))]
INSTANCES = [{**base(), "region": "us-east-1", "instance_id": name, "arn": INSTANCE + name,
              "iam_instance_profile_arn": profile and PROFILE + profile}
             for name, profile in (("i-admin", "admin-ec2"), ("i-weak", "weak"), ("i-bare", None))]
FUNCTIONS = [{**base(), "region": "us-east-1", "name": name, "arn": FUNCTION + name, "role": arn("role", role_name)}
             for name, role_name in (("deploy", "admin-lambda"), ("report", "weak"), ("rotate-keys", "keys-lambda"))]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The control's rows by principal and the engine's decisions by (principal, question, detail)."""
    path = tmp_path_factory.mktemp("scenarios") / "iam.duckdb"
    con = db.connect(path)
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, USERS + [s.row for s in SCENARIOS if ":user/" in s.row["arn"]])
        db.insert_rows(con, "aws_iam_role", snapshot, ROLES + [s.row for s in SCENARIOS if ":role/" in s.row["arn"]])
        db.insert_rows(con, "aws_iam_group", snapshot, GROUPS)
        db.insert_rows(con, "aws_iam_policy", snapshot, POLICIES)
        db.insert_rows(con, "aws_lambda_function", snapshot, FUNCTIONS)
        db.insert_rows(con, "aws_ec2_instance", snapshot, INSTANCES)
    results = {r["resource"]: r for r in controls.results(con, controls.run_checks(con, controls=[CONTROL]))}
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    decisions = {(principal, question, detail): decision for principal, question, detail, decision in con.execute(
        "select principal_arn, question, detail, decision from iam_principal_access").fetchall()}
    con.close()
    return results, decisions, path


def test_the_scenarios_are_distinct_and_many():
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS) == len({s.row["arn"] for s in SCENARIOS}) >= 50


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(checked, scenario):
    results, decisions, _ = checked
    assert_scenario_row(results, decisions, scenario, not_closed=("Allowed", "AllowedIf"))


def test_a_second_check_answers_from_the_kept_answers_as_the_first(checked):
    results, _, path = checked
    con = db.connect(path)
    again = {r["resource"]: r for r in controls.results(con, controls.run_checks(con, controls=[CONTROL]))}
    con.close()
    assert {k: (r["status"], r["reason"]) for k, r in again.items()} == {
        k: (r["status"], r["reason"]) for k, r in results.items()}
    assert f"on {FUNCTION}deploy" in again[arn("user", "lambda-code-admin-function")]["reason"]


def test_check_names_the_created_user_and_the_function(checked):
    _, _, path = checked
    done = run_cli("check", "--db", str(path), "--control", CONTROL, "--fail-on", "none", "-q", "-o", "jsonl")
    assert done.returncode == 0, done.stderr
    rows = {r["resource"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert "CreateUser+AttachUserPolicy+CreateAccessKey creating arn:aws:iam::123456789012:user/dev-iamsql-probe" in (
        rows[arn("user", "new-user-prefix")]["reason"])
    assert rows[arn("user", "lambda-code-weak-function")]["status"] == "ok"


# ---- service control policies: the organization's SCP DenyIAM denies iam:* in the member account dev ------------
SCP_USERS = {
    "new-user": [allow(USER_KEY, "arn:aws:iam::*:user/dev-*")],
    "gamelift": [allow([*GAMELIFT, "iam:PassRole"])],
    "amplify": [allow([*AMPLIFY, "iam:PassRole"])],
}


@pytest.fixture(scope="module")
def under_scps(tmp_path_factory):
    return control_rows_in_organization(tmp_path_factory.mktemp("scps"),
                                        {account: SCP_USERS for account in (MANAGEMENT, DEV)})


@pytest.mark.parametrize("name, path", [
    ("new-user", "CreateUser+AttachUserPolicy+CreateAccessKey creating arn:aws:iam::{account}:user/dev-iamsql-probe"),
    ("gamelift", "PassRole+GameLiftCreateBuild+CreateFleet"),
    ("amplify", "PassRole+AmplifyCreateApp+CreateBranch+StartJob"),
])
def test_a_service_control_policy_denying_iam_closes_the_new_paths_in_its_accounts_only(under_scps, name, path):
    member = under_scps[f"arn:aws:iam::{DEV}:user/{name}"]
    assert member["status"] == "ok", member["reason"]
    management = under_scps[f"arn:aws:iam::{MANAGEMENT}:user/{name}"]
    assert management["status"] == "alarm", management["reason"]
    assert path.format(account=MANAGEMENT) in open_paths(management), management["reason"]
