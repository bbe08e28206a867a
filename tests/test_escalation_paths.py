"""iam_principal_privilege_escalation against the documented IAM privilege-escalation paths, one principal per
scenario: the minimal permissions of a path open it; the same with one permission missing, scoped to principals or
roles without more power, cut by a permissions boundary or an explicit Deny, do not; a condition the engine cannot
decide leaves it open under that condition (``AllowedIf``, never ``ok``); NotAction, NotResource and wildcard
actions (``iam:*Policy*``, ``iam:Put*``) are read as IAM reads them.

Permissions boundaries (IAM API Reference, DeleteUserPermissionsBoundary and DeleteRolePermissionsBoundary:
"Deleting the permissions boundary ... might increase its permissions by allowing [it] to perform all the actions
granted in its permissions policies"; PutUserPermissionsBoundary / PutRolePermissionsBoundary set another one, and
IAM authorizes them with ``iam:PermissionsBoundary`` naming the new boundary policy): a principal with a boundary
that may remove or replace its own escapes it; without a boundary there is nothing to escape; an Allow limited to
setting the current boundary again (IAM User Guide, "Permissions boundaries for IAM entities", delegating with
``iam:PermissionsBoundary``) is no escape.

Every scenario runs through the real path: rows loaded into a DuckDB file, the control run on it, the engine's
decision read from ``iam_principal_access``; one boundary scenario also through ``iamsql simulate`` and
``iamsql check``. Account 123456789012, as of 2024-03-01, no organization loaded."""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.policy.access import create_tables
from iamsql.policy.access.questions import load_questions
from iamsql.store import db
from tests.fixtures.cli import run_cli
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, deny, group, managed, role, user

CONTROL = "iam_principal_privilege_escalation"
ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
LAMBDA = ["lambda:CreateFunction", "lambda:InvokeFunction"]
PIPELINE = ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline"]
NOTEBOOK_URL = ["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"]
NOTEBOOK_LIFECYCLE = ["sagemaker:CreateNotebookInstance", "sagemaker:CreateNotebookInstanceLifecycleConfig"]
TO_EC2 = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
TO_LAMBDA = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
REPORTS = f"arn:aws:lambda:*:{ACCOUNT}:function:reports-*"
ASSOCIATED_REPORTS = {"ArnLike": {"iam:AssociatedResourceArn": REPORTS}}
FROM_OFFICE = {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}
WITH_MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
S3_ONLY = arn("policy", "s3-only")


@dataclass(frozen=True)
class Scenario:
    """One principal and the path it must open (``open``; ``open-if``: under a condition the engine cannot decide),
    must not (``closed``) or cannot be judged on (``unknown``), with the control's status for it."""

    id: str
    row: dict
    path: str
    expect: str
    status: str


def u(name, *statements, **extra) -> dict:
    return user(name, *statements, **extra)


def r(name, *statements, **extra) -> dict:
    """A role only Lambda may assume, with an inline policy of ``statements``."""
    return role(name, assume({"Service": "lambda.amazonaws.com"}), statements=statements, **extra)


S = Scenario
SCENARIOS = [
    # credentials for another user
    S("key-minimal", u("key-minimal", allow("iam:CreateAccessKey")), "CreateAccessKey", "open", "alarm"),
    S("key-own-only", u("key-own-only", allow("iam:CreateAccessKey", arn("user", "key-own-only"))),
      "CreateAccessKey", "closed", "ok"),
    S("key-denied", u("key-denied", allow("iam:CreateAccessKey"), deny("iam:CreateAccessKey")),
      "CreateAccessKey", "closed", "ok"),
    S("key-mfa", u("key-mfa", allow("iam:CreateAccessKey", Condition=WITH_MFA)), "CreateAccessKey", "open-if", "alarm"),
    S("key-notresource-self", u("key-notresource-self", {"Effect": "Allow", "Action": "iam:CreateAccessKey",
                                                         "NotResource": arn("user", "key-notresource-self")}),
      "CreateAccessKey", "open", "alarm"),
    S("key-wildcard", u("key-wildcard", allow("iam:CreateAcc*")), "CreateAccessKey", "open", "alarm"),
    S("login-minimal", u("login-minimal", allow("iam:CreateLoginProfile")), "CreateLoginProfile", "open", "alarm"),
    S("login-bounded", u("login-bounded", allow("iam:CreateLoginProfile"), boundary=S3_ONLY),
      "CreateLoginProfile", "closed", "ok"),
    S("reset-wildcard", u("reset-wildcard", allow("iam:*LoginProfile")), "UpdateLoginProfile", "open", "alarm"),
    # policies on itself, its groups, its policies
    S("attach-self", u("attach-self", allow("iam:AttachUserPolicy", arn("user", "attach-self"))),
      "AttachUserPolicy", "open", "alarm"),
    S("attach-weak-user", u("attach-weak-user", allow("iam:AttachUserPolicy", arn("user", "reader"))),
      "AttachUserPolicy", "closed", "ok"),
    S("attach-star-wildcard", u("attach-star-wildcard", allow("iam:Attach*")), "AttachUserPolicy", "open", "alarm"),
    S("policy-wildcard", u("policy-wildcard", allow("iam:*Policy*")), "CreateNewPolicyVersion", "open", "alarm"),
    S("put-wildcard", u("put-wildcard", allow("iam:Put*")), "PutUserPolicy", "open", "alarm"),
    S("put-wildcard-denied", u("put-wildcard-denied", allow("iam:Put*"), deny("iam:*Policy")),
      "PutUserPolicy", "closed", "ok"),
    S("group-policy-own", u("group-policy-own", allow("iam:AttachGroupPolicy", arn("group", "readers")),
                            groups=["readers"]), "AttachGroupPolicy", "open", "alarm"),
    S("group-policy-other", u("group-policy-other", allow("iam:AttachGroupPolicy", arn("group", "readers"))),
      "AttachGroupPolicy", "closed", "ok"),
    S("version-own-policy", u("version-own-policy", allow("iam:CreatePolicyVersion", arn("policy", "read-only")),
                              attached=[arn("policy", "read-only")]), "CreateNewPolicyVersion", "open", "alarm"),
    S("version-other-policy", u("version-other-policy", allow("iam:CreatePolicyVersion", arn("policy", "unattached"))),
      "CreateNewPolicyVersion", "closed", "ok"),
    S("default-version-denied", u("default-version-denied", allow("iam:SetDefaultPolicyVersion"),
                                  deny("iam:SetDefault*")), "SetExistingDefaultPolicyVersion", "closed", "ok"),
    S("role-put-self", r("role-put-self", allow("iam:PutRolePolicy", arn("role", "role-put-self"))),
      "PutRolePolicy", "open", "alarm"),
    S("role-attach-self-wildcard", r("role-attach-self-wildcard", allow("iam:*RolePolicy", arn("role", "role-attach-*"))),
      "AttachRolePolicy", "open", "alarm"),
    S("group-put-own", u("group-put-own", allow("iam:PutGroupPolicy", arn("group", "readers")), groups=["readers"]),
      "PutGroupPolicy", "open", "alarm"),
    S("join-admin-group", u("join-admin-group", allow("iam:AddUserToGroup", arn("group", "admins"))),
      f"AddUserToGroup joining {arn('group', 'admins')}", "open", "alarm"),
    # the group's policies give administrator power only with MFA: joining it holds only as that does
    S("join-mfa-admin-group", u("join-mfa-admin-group", allow("iam:AddUserToGroup", arn("group", "admins-mfa"))),
      f"AddUserToGroup joining {arn('group', 'admins-mfa')}", "open-if", "alarm"),
    S("join-weak-group", u("join-weak-group", allow("iam:AddUserToGroup", arn("group", "readers"))),
      "AddUserToGroup", "closed", "ok"),
    # trust policies and assuming roles
    S("trust-of-admin", u("trust-of-admin", allow("iam:UpdateAssumeRolePolicy", arn("role", "admin-lambda"))),
      f"UpdateRolePolicyToAssumeIt on {arn('role', 'admin-lambda')}", "open", "alarm"),
    S("trust-of-weak", u("trust-of-weak", allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], arn("role", "weak"))),
      "UpdateRolePolicyToAssumeIt", "closed", "ok"),
    S("assume-admin", u("assume-admin", allow("sts:AssumeRole", arn("role", "admin-account"))),
      f"AssumeRole {arn('role', 'admin-account')}", "open", "alarm"),
    S("assume-admin-mfa", u("assume-admin-mfa", allow("sts:AssumeRole", arn("role", "admin-mfa"))),
      f"AssumeRole {arn('role', 'admin-mfa')}", "open-if", "alarm"),
    S("assume-service-only-admin", u("assume-service-only-admin", allow("sts:AssumeRole", arn("role", "admin-lambda"))),
      f"AssumeRole {arn('role', 'admin-lambda')}", "closed", "ok"),
    S("assume-bounded", u("assume-bounded", allow("sts:AssumeRole"), boundary=S3_ONLY),
      f"AssumeRole {arn('role', 'admin-account')}", "closed", "ok"),
    # iam:PassRole to a new compute resource
    S("ec2-minimal", u("ec2-minimal", allow(["iam:PassRole", "ec2:RunInstances"])),
      "CreateEC2WithExistingIP", "open", "alarm"),
    S("ec2-no-run", u("ec2-no-run", allow("iam:PassRole")), "CreateEC2WithExistingIP", "closed", "ok"),
    S("ec2-run-denied", u("ec2-run-denied", allow(["iam:PassRole", "ec2:RunInstances"]), deny("ec2:Run*")),
      "CreateEC2WithExistingIP", "closed", "ok"),
    S("ec2-pass-to-ec2", u("ec2-pass-to-ec2", allow("ec2:RunInstances"), allow("iam:PassRole", Condition=TO_EC2)),
      "CreateEC2WithExistingIP", "open", "alarm"),
    S("ec2-pass-to-lambda", u("ec2-pass-to-lambda", allow("ec2:RunInstances"), allow("iam:PassRole", Condition=TO_LAMBDA)),
      "CreateEC2WithExistingIP", "closed", "ok"),
    S("lambda-minimal", u("lambda-minimal", allow(["iam:PassRole", *LAMBDA])),
      "PassExistingRoleToNewLambdaThenInvoke", "open", "alarm"),
    S("lambda-no-invoke", u("lambda-no-invoke", allow(["iam:PassRole", "lambda:CreateFunction"])),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),
    S("lambda-weak-role", u("lambda-weak-role", allow("iam:PassRole", arn("role", "weak")), allow(LAMBDA)),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),
    S("lambda-admin-for-ec2", u("lambda-admin-for-ec2", allow("iam:PassRole", arn("role", "admin-ec2")), allow(LAMBDA)),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),
    S("lambda-admin-role", u("lambda-admin-role", allow("iam:PassRole", arn("role", "admin-*")), allow(LAMBDA)),
      f"PassExistingRoleToNewLambdaThenInvoke passing {arn('role', 'admin-lambda')}", "open", "alarm"),
    S("lambda-notresource", u("lambda-notresource", {"Effect": "Allow", "Action": ["iam:PassRole", *LAMBDA],
                                                     "NotResource": arn("role", "admin-lambda")}),
      "PassExistingRoleToNewLambdaThenInvoke", "open", "alarm"),
    S("lambda-deny-notresource", u("lambda-deny-notresource", allow(["iam:PassRole", *LAMBDA]),
                                   {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": arn("role", "weak")}),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),
    S("lambda-boundary-no-pass", u("lambda-boundary-no-pass", allow(["iam:PassRole", *LAMBDA]),
                                   boundary=arn("policy", "all-but-passrole")),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),
    S("lambda-from-office", u("lambda-from-office", allow(["iam:PassRole", *LAMBDA], Condition=FROM_OFFICE)),
      "PassExistingRoleToNewLambdaThenInvoke", "open-if", "alarm"),
    S("lambda-event-source", u("lambda-event-source", allow(["iam:PassRole", "lambda:CreateFunction",
                                                             "lambda:CreateEventSourceMapping"])),
      "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo", "open", "alarm"),
    # iam:AssociatedResourceArn: the pass names the function or instance the path creates (IAM User Guide, "IAM and
    # AWS STS condition context keys"), so an Allow limited to other functions' or accounts' resources opens nothing
    S("lambda-associated-same-name", u("lambda-associated-same-name", allow(LAMBDA, REPORTS),
                                       allow("iam:PassRole", Condition=ASSOCIATED_REPORTS)),
      "PassExistingRoleToNewLambdaThenInvoke", "open", "alarm"),
    S("lambda-associated-any-function", u("lambda-associated-any-function", allow(LAMBDA),
                                          allow("iam:PassRole", Condition=ASSOCIATED_REPORTS)),
      "PassExistingRoleToNewLambdaThenInvoke", "open", "alarm"),
    S("lambda-associated-other-name", u("lambda-associated-other-name", allow(LAMBDA, REPORTS), allow(
        "iam:PassRole", Condition={"ArnLike": {"iam:AssociatedResourceArn": REPORTS.replace("reports", "billing")}})),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "ok"),
    S("ec2-associated-instance", u("ec2-associated-instance", allow("ec2:RunInstances"), allow(
        "iam:PassRole", Condition={"ArnLike": {"iam:AssociatedResourceArn": f"arn:aws:ec2:*:{ACCOUNT}:instance/*"}})),
      "CreateEC2WithExistingIP", "open", "alarm"),
    S("ec2-associated-other-account", u("ec2-associated-other-account", allow("ec2:RunInstances"), allow(
        "iam:PassRole", Condition={"ArnLike": {"iam:AssociatedResourceArn": "arn:aws:ec2:*:999988887777:instance/*"}})),
      "CreateEC2WithExistingIP", "closed", "ok"),
    S("glue-endpoint", u("glue-endpoint", allow(["iam:PassRole", "glue:CreateDevEndpoint"])),
      "PassExistingRoleToNewGlueDevEndpoint", "open", "alarm"),
    S("glue-endpoint-to-ec2", u("glue-endpoint-to-ec2", allow("glue:CreateDevEndpoint"),
                                allow("iam:PassRole", Condition=TO_EC2)),
      "PassExistingRoleToNewGlueDevEndpoint", "closed", "ok"),
    S("cloudformation-stack", u("cloudformation-stack", allow(["iam:PassRole", "cloudformation:CreateStack"])),
      "PassExistingRoleToCloudFormation", "open", "alarm"),
    # CreatePipeline makes an empty pipeline and passes no role: ActivatePipeline does (Service Authorization Reference)
    S("data-pipeline-create-only", u("data-pipeline-create-only", allow(["iam:PassRole", "datapipeline:CreatePipeline"])),
      "PassRole+DataPipeline", "closed", "ok"),
    S("data-pipeline", u("data-pipeline", allow(["iam:PassRole", *PIPELINE])), "PassRole+DataPipeline", "open", "alarm"),
    # a new notebook instance runs the caller's code through its Jupyter server (a presigned URL) or a lifecycle
    # configuration; creating it with a role alone runs none
    S("sagemaker-notebook-create-only", u("sagemaker-notebook-create-only", allow(
        ["iam:PassRole", "sagemaker:CreateNotebookInstance"])), "PassExistingRoleToNewSageMakerNotebookInstance",
      "closed", "ok"),
    S("sagemaker-notebook", u("sagemaker-notebook", allow(["iam:PassRole", *NOTEBOOK_URL])),
      "PassExistingRoleToNewSageMakerNotebookInstance", "open", "alarm"),
    S("sagemaker-notebook-lifecycle", u("sagemaker-notebook-lifecycle", allow(["iam:PassRole", *NOTEBOOK_LIFECYCLE])),
      "PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig", "open", "alarm"),
    S("sagemaker-notebook-to-lambda", u("sagemaker-notebook-to-lambda", allow(NOTEBOOK_LIFECYCLE),
                                        allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig", "closed", "ok"),
    S("sagemaker-notebook-url-denied", u("sagemaker-notebook-url-denied", allow(["iam:PassRole", *NOTEBOOK_URL]),
                                         deny("sagemaker:CreatePresigned*")),
      "PassExistingRoleToNewSageMakerNotebookInstance", "closed", "ok"),
    S("sagemaker-notebook-boundary-no-pass", u("sagemaker-notebook-boundary-no-pass", allow(
        ["iam:PassRole", *NOTEBOOK_LIFECYCLE]), boundary=arn("policy", "all-but-passrole")),
      "PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig", "closed", "ok"),
    # PassRole names roles: only one SageMaker may assume opens the path, and only on it
    S("sagemaker-notebook-lambda-admin", u("sagemaker-notebook-lambda-admin", allow(NOTEBOOK_LIFECYCLE),
                                           allow("iam:PassRole", arn("role", "admin-lambda"))),
      "PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig", "closed", "ok"),
    S("sagemaker-notebook-admin-role", u("sagemaker-notebook-admin-role", allow(NOTEBOOK_LIFECYCLE),
                                         allow("iam:PassRole", arn("role", "admin-*"))),
      f"PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig passing {arn('role', 'admin-sagemaker')}",
      "open", "alarm"),
    S("codebuild-no-start", u("codebuild-no-start", allow(["iam:PassRole", "codebuild:CreateProject"])),
      "PassExistingRoleToNewCodeBuildProjectThenBuild", "closed", "ok"),
    S("codebuild", u("codebuild", allow(["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"])),
      "PassExistingRoleToNewCodeBuildProjectThenBuild", "open", "alarm"),
    # iam:PassedToService is the service principal of the final service that assumes the role (IAM User Guide, "IAM
    # and AWS STS condition context keys"): App Runner's instance role, Systems Manager Automation's assume role, the
    # role of an Auto Scaling group's instances (EC2)
    S("app-runner-to-lambda", u("app-runner-to-lambda", allow("apprunner:CreateService"),
                                allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassExistingRoleToNewAppRunnerService", "closed", "ok"),
    S("app-runner-to-app-runner", u("app-runner-to-app-runner", allow("apprunner:CreateService"), allow(
        "iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "tasks.apprunner.amazonaws.com"}})),
      "PassExistingRoleToNewAppRunnerService", "open", "alarm"),
    S("automation-to-lambda", u("automation-to-lambda", allow(["ssm:CreateDocument", "ssm:StartAutomationExecution"]),
                                allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+SSMCreateDocument+StartAutomation", "closed", "ok"),
    S("automation-to-ssm", u("automation-to-ssm", allow(["ssm:CreateDocument", "ssm:StartAutomationExecution"]), allow(
        "iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}})),
      "PassRole+SSMCreateDocument+StartAutomation", "open", "alarm"),
    S("auto-scaling-to-lambda", u("auto-scaling-to-lambda", allow(
        ["autoscaling:CreateAutoScalingGroup", "autoscaling:CreateLaunchConfiguration"]),
        allow("iam:PassRole", Condition=TO_LAMBDA)), "PassRole+CreateAutoScaling", "closed", "ok"),
    S("auto-scaling-to-ec2", u("auto-scaling-to-ec2", allow(
        ["autoscaling:CreateAutoScalingGroup", "autoscaling:CreateLaunchConfiguration"]),
        allow("iam:PassRole", Condition=TO_EC2)), "PassRole+CreateAutoScaling", "open", "alarm"),
    S("auto-scaling-update-to-lambda", u("auto-scaling-update-to-lambda", allow(
        ["autoscaling:UpdateAutoScalingGroup", "autoscaling:CreateLaunchConfiguration"]),
        allow("iam:PassRole", Condition=TO_LAMBDA)), "PassRole+UpdateAutoScaling", "closed", "ok"),
    # a pipeline's code runs on its resource role, an instance profile's (EC2)
    S("data-pipeline-to-lambda", u("data-pipeline-to-lambda", allow(PIPELINE), allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+DataPipeline", "closed", "ok"),
    # a service whose principal is not mapped (queries/access.yaml, passed_to_service): a PassRole limited to
    # another service leaves the path open under that condition, never closed
    S("batch-to-lambda", u("batch-to-lambda", allow(["batch:RegisterJobDefinition", "batch:SubmitJob"]),
                           allow("iam:PassRole", Condition=TO_LAMBDA)),
      "PassRole+BatchRegisterJobDef+SubmitJob", "open-if", "alarm"),
    S("ecs-run-task", u("ecs-run-task", allow(["iam:PassRole", "ecs:RunTask"])), "PassRole+ECS+RunTask", "open", "alarm"),
    # code on existing compute
    S("lambda-code", u("lambda-code", allow("lambda:UpdateFunctionCode")),
      "EditExistingLambdaFunctionWithRole", "open", "alarm"),
    S("lambda-code-tagged", u("lambda-code-tagged", allow("lambda:UpdateFunctionCode",
                                                          Condition={"StringEquals": {"aws:ResourceTag/team": "web"}})),
      "EditExistingLambdaFunctionWithRole", "open-if", "alarm"),
    # a function or instance the statements name, whose table is not loaded here: its role decides, so unknown
    S("lambda-code-named-unloaded", u("lambda-code-named-unloaded", allow(
        "lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:123456789012:function:deploy")),
      "EditExistingLambdaFunctionWithRole on arn:aws:lambda:us-east-1:123456789012:function:deploy", "unknown", "skip"),
    S("ssm-send-named-instance-unloaded", u("ssm-send-named-instance-unloaded", allow(
        "ssm:SendCommand", ["arn:aws:ec2:*:*:instance/i-0abc", "arn:aws:ssm:*::document/AWS-RunShellScript"])),
      "SSMSendCommand on arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", "unknown", "skip"),
    S("glue-update-endpoint", u("glue-update-endpoint", allow("glue:UpdateDevEndpoint")),
      "UpdateExistingGlueDevEndpoint", "open", "alarm"),
    S("ssm-send-command", u("ssm-send-command", allow("ssm:SendCommand")), "SSMSendCommand", "open", "alarm"),
    S("ssm-send-document-only", u("ssm-send-document-only", allow(
        "ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript")), "SSMSendCommand", "closed", "ok"),
    S("ssm-session", u("ssm-session", allow("ssm:StartSession")), "SSMStartSession", "open", "alarm"),
    # the console's wrapper also calls ec2:DescribeInstances; the API call needs SendSSHPublicKey alone
    S("instance-connect-key-only", u("instance-connect-key-only", allow("ec2-instance-connect:SendSSHPublicKey")),
      "EC2InstanceConnectSendSSHPublicKey", "open", "alarm"),
    S("instance-connect-key-denied", u("instance-connect-key-denied", allow(["ec2-instance-connect:*", "ec2:Describe*"]),
                                       deny("ec2-instance-connect:SendSSH*")),
      "EC2InstanceConnectSendSSHPublicKey", "closed", "ok"),
    S("instance-connect-os-user", u("instance-connect-os-user", allow(
        ["ec2-instance-connect:SendSSHPublicKey", "ec2:DescribeInstances"],
        Condition={"StringEquals": {"ec2:osuser": "ec2-user"}})), "EC2InstanceConnectSendSSHPublicKey", "open-if", "alarm"),
    S("notaction-all-but-iam", u("notaction-all-but-iam", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
      "SSMSendCommand", "open", "alarm"),
    S("notaction-all-but-iam-passrole", u("notaction-all-but-iam-passrole",
                                          {"Effect": "Allow", "NotAction": ["iam:*", "ssm:*"], "Resource": "*"}),
      "PassExistingRoleToNewLambdaThenInvoke", "closed", "alarm"),
    # documents that are not loaded: no path in what is loaded is a skip, a path in it still shows
    S("unknown-only", u("unknown-only", attached=[arn("policy", "not-loaded")]), "CreateAccessKey", "unknown", "skip"),
    # an empty NotAction or Resource list is a malformed document (IAM refuses it), not one that allows everything
    S("empty-not-action", u("empty-not-action", {"Effect": "Allow", "NotAction": [], "Resource": "*"}),
      "CreateAccessKey", "unknown", "skip"),
    S("empty-not-resource", u("empty-not-resource", {"Effect": "Allow", "Action": "iam:*", "NotResource": []}),
      "CreateAccessKey", "unknown", "skip"),
    S("unknown-and-key", u("unknown-and-key", allow("iam:CreateAccessKey"), attached=[arn("policy", "not-loaded")]),
      "CreateAccessKey", "open", "skip"),
    # permissions boundaries: removing or replacing one's own
    S("user-lifts-own-boundary", u("user-lifts-own-boundary", allow("*"), boundary=arn("policy", "s3-and-lift")),
      "iam:DeleteUserPermissionsBoundary", "open", "alarm"),
    S("user-lifts-no-boundary", u("user-lifts-no-boundary", allow(
        "iam:DeleteUserPermissionsBoundary", arn("user", "user-lifts-no-boundary"))),
      "iam:DeleteUserPermissionsBoundary", "closed", "ok"),
    S("role-lifts-own-boundary", r("role-lifts-own-boundary", allow("*"), boundary=arn("policy", "s3-and-lift")),
      "DeleteOwnRolePermissionsBoundary", "open", "alarm"),
    S("role-lifts-boundary-denied", r("role-lifts-boundary-denied", allow("*"), deny("iam:Delete*PermissionsBoundary"),
                                      boundary=arn("policy", "s3-and-lift")),
      "DeleteOwnRolePermissionsBoundary", "closed", "ok"),
    S("role-lifts-boundary-forbidden", r("role-lifts-boundary-forbidden", allow("*"), boundary=S3_ONLY),
      "DeleteOwnRolePermissionsBoundary", "closed", "ok"),
    S("user-replaces-own-boundary", u("user-replaces-own-boundary", allow("*"), boundary=arn("policy", "s3-and-replace")),
      "ReplaceOwnUserPermissionsBoundary", "open", "alarm"),
    S("user-sets-same-boundary", u("user-sets-same-boundary", allow("s3:*"), allow(
        "iam:PutUserPermissionsBoundary",
        Condition={"StringEquals": {"iam:PermissionsBoundary": arn("policy", "s3-and-replace")}}),
        boundary=arn("policy", "s3-and-replace")), "ReplaceOwnUserPermissionsBoundary", "closed", "ok"),
    S("user-replaces-no-boundary", u("user-replaces-no-boundary", allow(
        "iam:PutUserPermissionsBoundary", arn("user", "user-replaces-no-boundary"))),
      "ReplaceOwnUserPermissionsBoundary", "closed", "ok"),
    # a new boundary for a role it may assume, as lifting that role's boundary
    S("boundary-of-assumable-role", u("boundary-of-assumable-role", allow(
        ["iam:PutRolePermissionsBoundary", "sts:AssumeRole"])), "AssumeRole+PutRolePermissionsBoundary", "open", "alarm"),
    S("boundary-of-role-not-assumable", u("boundary-of-role-not-assumable", allow("iam:PutRolePermissionsBoundary")),
      "AssumeRole+PutRolePermissionsBoundary", "closed", "ok"),
    # only the current boundary may be set again (the caller still reaches admin-account: alarm, by another way)
    S("boundary-of-role-kept", u("boundary-of-role-kept", allow("sts:AssumeRole"), allow(
        "iam:PutRolePermissionsBoundary",
        Condition={"StringEquals": {"iam:PermissionsBoundary": arn("policy", "s3-and-replace")}})),
      "AssumeRole+PutRolePermissionsBoundary", "closed", "alarm"),
    S("role-replaces-own-boundary", r("role-replaces-own-boundary", allow("*"), boundary=arn("policy", "s3-and-replace")),
      "ReplaceOwnRolePermissionsBoundary", "open", "alarm"),
    S("role-replaces-boundary-mfa", r("role-replaces-boundary-mfa", allow("s3:*"), allow(
        "iam:PutRolePermissionsBoundary", arn("role", "role-replaces-boundary-mfa"), Condition=WITH_MFA),
        boundary=arn("policy", "s3-and-replace")), "ReplaceOwnRolePermissionsBoundary", "open-if", "alarm"),
]

ROLES = [
    role("admin-lambda", assume({"Service": "lambda.amazonaws.com"}), attached=[ADMIN]),
    role("admin-ec2", assume({"Service": "ec2.amazonaws.com"}), attached=[ADMIN]),
    role("admin-sagemaker", assume({"Service": "sagemaker.amazonaws.com"}), attached=[ADMIN]),
    role("admin-account", assume(ROOT), attached=[ADMIN]),
    role("admin-mfa", assume(ROOT, Condition=WITH_MFA), attached=[ADMIN]),
    role("weak", assume({"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}), statements=[allow("logs:*")]),
]
USERS = [user("reader", allow("s3:GetObject"))]
GROUPS = [group("admins", attached=[ADMIN]), group("admins-mfa", allow("*", Condition=WITH_MFA)),
          group("readers", allow("s3:Get*"))]
POLICIES = [
    managed("AdministratorAccess", allow("*"), aws=True),
    managed("s3-only", allow("s3:*")),
    managed("all-but-passrole", {"Effect": "Allow", "NotAction": "iam:PassRole", "Resource": "*"}),
    managed("s3-and-lift", allow(["s3:*", "iam:DeleteUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary"])),
    managed("s3-and-replace", allow(["s3:*", "iam:PutUserPermissionsBoundary", "iam:PutRolePermissionsBoundary"])),
    managed("read-only", allow("s3:GetObject")),
    managed("unattached", allow("s3:GetObject")),
]


def scenario_arn(scenario: Scenario) -> str:
    return scenario.row["arn"]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The database file, the control's rows by principal and the engine's decisions by (principal, question)."""
    path = tmp_path_factory.mktemp("escalation") / "iam.duckdb"
    con = db.connect(path)
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, USERS + [s.row for s in SCENARIOS if ":user/" in s.row["arn"]])
        db.insert_rows(con, "aws_iam_role", snapshot, ROLES + [s.row for s in SCENARIOS if ":role/" in s.row["arn"]])
        db.insert_rows(con, "aws_iam_group", snapshot, GROUPS)
        db.insert_rows(con, "aws_iam_policy", snapshot, POLICIES)
    results = {r["resource"]: r for r in controls.results(con, controls.run_checks(con, controls=[CONTROL]))}
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    decisions = {(principal, question, detail): decision for principal, question, detail, decision in con.execute(
        "select principal_arn, question, detail, decision from iam_principal_access").fetchall()}
    con.close()
    return path, results, decisions


def open_paths(row: dict) -> set[str]:
    names = row["dimensions"].get("escalation_path_names")
    return set(names.split(", ")) if names else set()


def path_decision(decisions: dict, principal: str, path: str) -> str | None:
    """The engine's decision on the path as the control names it (``<path>``, ``<path> on|joining|passing <ARN>``,
    ``AssumeRole <role ARN>``)."""
    if path.startswith("AssumeRole "):
        keys = [("assume_admin_role", path[len("AssumeRole "):]), ("assume_escalating_role", path[len("AssumeRole "):])]
    else:
        name, _, detail = path.partition(" ")
        keys = [(f"escalation:{name}", detail or None)]
    return next((decisions[(principal, q, d)] for q, d in keys if (principal, q, d) in decisions), None)


def assert_scenario_row(results: dict, decisions: dict, scenario: Scenario, not_closed: tuple[str, ...]) -> None:
    """A scenario's control row and the engine's answers for its principal (``decisions``: (principal, question,
    detail) -> decision): closed (no path of that name opened, no answer in ``not_closed`` for it), unknown (no path
    opened, the path Unknown), or open (Allowed, AllowedIf for ``open-if``)."""
    principal = scenario.row["arn"]
    row = results[principal]
    opened = open_paths(row)
    assert row["status"] == scenario.status, row["reason"]
    name = scenario.path.split(" ")[0]
    if scenario.expect == "closed":
        assert not any(p == name or p.startswith(name + " ") for p in opened), row["reason"]
        assert not any(q == f"escalation:{name}" and d in not_closed
                       for (p, q, _), d in decisions.items() if p == principal)
    elif scenario.expect == "unknown":
        assert not opened and path_decision(decisions, principal, scenario.path) == "Unknown", row["reason"]
    else:
        assert scenario.path in opened, row["reason"]
        decision = path_decision(decisions, principal, scenario.path)
        assert decision == ("AllowedIf" if scenario.expect == "open-if" else "Allowed"), decision


def test_every_scenario_names_a_path_of_the_control():
    paths = {q.id.split(":", 1)[1] for q in load_questions(controls.ACCESS_QUESTIONS) if q.id.startswith("escalation:")}
    named = {s.path.split(" ")[0] for s in SCENARIOS if not s.path.startswith("AssumeRole ")}
    assert named <= paths, named - paths
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS) == len({s.row["arn"] for s in SCENARIOS})


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(checked, scenario):
    _, results, decisions = checked
    row = results[scenario_arn(scenario)]
    opened = open_paths(row)
    assert row["status"] == scenario.status, row["reason"]
    decision = path_decision(decisions, scenario_arn(scenario), scenario.path)
    if scenario.expect == "closed":
        assert scenario.path not in opened, row["reason"]
        assert decision not in ("Allowed", "AllowedIf"), decision
    elif scenario.expect == "unknown":
        assert not opened and decision == "Unknown", (opened, decision)
    else:
        if scenario.status == "skip":  # opened by the loaded policies; the reason names the document that could close it
            assert "could close" in row["reason"], row["reason"]
        else:
            assert scenario.path in opened, row["reason"]
        assert decision == ("AllowedIf" if scenario.expect == "open-if" else "Allowed"), decision


def test_joining_a_group_carries_the_groups_own_conditions(checked):
    """A ``joining <group>`` row names the conditions of the group's answer to the power (the user's own Allow of
    iam:AddUserToGroup has none), as ``passing``/``on`` rows name their role's."""
    path, _, _ = checked
    con = db.connect(path)
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    found = dict(con.execute(
        "select detail, conditions from iam_principal_access where principal_arn in (?, ?)"
        " and question = 'escalation:AddUserToGroup'",
        [arn("user", "join-mfa-admin-group"), arn("user", "join-admin-group")]).fetchall())
    con.close()
    assert "aws:MultiFactorAuthPresent" in found[f"joining {arn('group', 'admins-mfa')}"]
    assert found[f"joining {arn('group', 'admins')}"] is None


def test_simulate_who_can_and_check_see_a_role_lift_its_own_boundary(checked):
    path, _, _ = checked
    role_arn = arn("role", "role-lifts-own-boundary")
    own = run_cli("simulate", "--db", str(path), "--principal", role_arn, "--action",
                  "iam:DeleteRolePermissionsBoundary", "--resource", role_arn, "-o", "json")
    assert own.returncode == 0, own.stderr
    assert json.loads(own.stdout)["decision"] == "Allowed"
    forbidden = arn("role", "role-lifts-boundary-forbidden")
    kept = run_cli("simulate", "--db", str(path), "--principal", forbidden, "--action",
                   "iam:DeleteRolePermissionsBoundary", "--resource", forbidden, "-o", "json")
    assert json.loads(kept.stdout)["decision"] == "ImplicitlyDenied", kept.stdout
    who = run_cli("who-can", "iam:DeleteRolePermissionsBoundary", "--db", str(path), "--resource", role_arn, "-o", "json")
    assert who.returncode == 0, who.stderr
    assert role_arn in {row["principal"] for row in json.loads(who.stdout)}
    done = run_cli("check", "--db", str(path), "--control", CONTROL, "--fail-on", "none", "-q", "-o", "jsonl")
    assert done.returncode == 0, done.stderr
    rows = {r["resource"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert rows[role_arn]["status"] == "alarm" and "DeleteOwnRolePermissionsBoundary" in rows[role_arn]["reason"]
    assert rows[forbidden]["status"] == "ok", rows[forbidden]["reason"]


# ---- service control policies -------------------------------------------------------------------------------------
# The organization of tests/data/organizations: its root's SCP DenyIAM denies iam:* in the member account dev
# (222222222222); SCPs do not apply to the management account (111111111111); 444444444444 is in no organization.
ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
MANAGEMENT, DEV, OUTSIDE = "111111111111", "222222222222", "444444444444"
PASS_TO_LAMBDA = [allow(["iam:PassRole", *LAMBDA])]
SEND_COMMAND = [allow("ssm:SendCommand")]


def gaad_user(account: str, name: str, statements: list[dict]) -> dict:
    return {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper().replace('-', '')}{account}",
            "Arn": f"arn:aws:iam::{account}:user/{name}", "CreateDate": "2024-03-01T00:00:00Z",
            "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17",
                                                                           "Statement": statements}}],
            "GroupList": [], "AttachedManagedPolicies": [], "Tags": []}


def control_rows_in_organization(folder: Path, users: dict[str, dict[str, list[dict]]]) -> dict[str, dict]:
    """The control's rows by resource for users loaded as get-account-authorization-details outputs, one per
    account (``{account: {user name: statements}}``), next to the organization of tests/data/organizations."""
    shutil.copytree(ORGANIZATIONS, folder / "organizations")
    for account, statements_of in users.items():
        (folder / account).mkdir()
        details = [gaad_user(account, name, statements) for name, statements in statements_of.items()]
        (folder / account / "gaad.json").write_text(json.dumps(
            {"UserDetailList": details, "GroupDetailList": [], "RoleDetailList": [], "Policies": []}))
    con = db.connect(str(folder / "orgs.duckdb"))
    load_paths(con, [folder])
    results = {r["resource"]: r for r in controls.results(con, controls.run_checks(con, controls=[CONTROL]))}
    con.close()
    return results


@pytest.fixture(scope="module")
def under_scps(tmp_path_factory):
    """The control's rows for the same two users in each of the three accounts."""
    users = {"pass-to-lambda": PASS_TO_LAMBDA, "send-command": SEND_COMMAND,
             "notebook-lifecycle": [allow(["iam:PassRole", *NOTEBOOK_LIFECYCLE])]}
    return control_rows_in_organization(tmp_path_factory.mktemp("scps"),
                                        {account: users for account in (MANAGEMENT, DEV, OUTSIDE)})


@pytest.mark.parametrize("account, name, path, status", [
    (DEV, "pass-to-lambda", "PassExistingRoleToNewLambdaThenInvoke", "ok"),  # the SCP denies iam:PassRole
    (DEV, "send-command", "SSMSendCommand", "alarm"),  # the SCP leaves Systems Manager alone
    (MANAGEMENT, "pass-to-lambda", "PassExistingRoleToNewLambdaThenInvoke", "alarm"),
    (OUTSIDE, "pass-to-lambda", "PassExistingRoleToNewLambdaThenInvoke", "alarm"),
    (DEV, "notebook-lifecycle", "PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig", "ok"),
    (MANAGEMENT, "notebook-lifecycle", "PassExistingRoleToNewSageMakerNotebookInstanceWithLifecycleConfig", "alarm"),
])
def test_a_service_control_policy_denying_one_action_closes_the_paths_that_need_it(under_scps, account, name, path,
                                                                                     status):
    row = under_scps[f"arn:aws:iam::{account}:user/{name}"]
    assert row["status"] == status, row["reason"]
    assert (path in open_paths(row)) == (status == "alarm"), row["reason"]
