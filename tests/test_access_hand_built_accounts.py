"""The access verdicts (administrator power, privilege escalation, PassRole, who may assume a role) on small
accounts built by hand, each around one rule of IAM's documented evaluation (tests/data/hand_built_accounts, see
its README.md): the folder is loaded by the real ``iamsql load`` into a database file, then the controls run and
``iamsql who-can`` and ``iamsql simulate`` answer. Every expected verdict comes from the AWS page cited next to it:

- EVAL: IAM User Guide, "Policy evaluation logic" (and "Determining whether a request is allowed or denied within an
  account"): an explicit Deny in any policy wins; a permissions boundary limits what identity policies grant.
- XACCT: IAM User Guide, "Cross-account policy evaluation logic": both the caller's account and the trust must allow.
- NOTACTION, NOTRESOURCE, ACTION, PRINCIPAL: IAM User Guide, "IAM JSON policy elements: NotAction / NotResource /
  Action / Principal" (action names are case-insensitive; a bare account id means the account's root).
- CONDITIONS: IAM User Guide, "IAM JSON policy elements: Condition operators" and "Single-valued vs. multivalued
  context keys" (ForAllValues is true when the key is absent; key names are case-insensitive).
- VARIABLES: IAM User Guide, "IAM policy elements: Variables and tags" (aws:username exists for IAM users only;
  in a policy without Version 2012-10-17 a variable is literal text) and "IAM JSON policy elements: Version".
- DELETED: IAM User Guide, "IAM JSON policy elements: Principal" (a deleted role in a trust becomes its unique id,
  which no principal matches).
- BOUNDARY: IAM User Guide, "Permissions boundaries for IAM entities"; "Update a role trust policy" (a user named
  by a role's trust policy still needs its permissions boundary to allow sts:AssumeRole).
- GROUPS: IAM User Guide, "IAM user groups" (a user gets the permissions of every group it is in).
- VERSIONS: IAM User Guide, "Versioning IAM policies" (only the default version is in effect).
- SCP: AWS Organizations User Guide, "Service control policies" (SCPs do not affect the management account).
- PASSROLE: IAM User Guide, "Grant a user permissions to pass a role to an AWS service" (iam:PassedToService).
- SELF: IAM User Guide, "Update a role trust policy" (the account's ARN as principal lets a role assume itself).
- SLR: IAM User Guide, "Using service-linked roles" (only the linked service may assume the role).
- OIDC: IAM User Guide, "Create a role for OpenID Connect federation" and "Configuring a role for GitHub OIDC
  identity provider" (a GitHub trust without a `sub` condition admits every repository); Amazon Cognito Developer
  Guide, "IAM roles" (a trust of cognito-identity.amazonaws.com needs an `aud` condition naming the pool).
- EXTERNALID: IAM User Guide, "Access to AWS accounts owned by third parties" (sts:ExternalId).
- TAGS: IAM User Guide, "AWS global condition context keys" (aws:PrincipalTag: the tags attached to the IAM user
  making the request); AWS STS API Reference, "AssumeRole" (sts:TagSession alone does not let a principal assume).
- DENYTRUST: a Deny in the trust policy (a resource-based policy) wins over its Allow (EVAL).
- CHAIN: IAM User Guide, "Roles terms and concepts" (role chaining: a role's session may assume another role, which
  its own policies and that role's trust must allow, within or across accounts).
- REGION: IAM User Guide, "AWS global condition context keys" (aws:RequestedRegion, the Region the request is made
  to) and "AWS: Denies access to AWS based on the requested Region" (IAM has one endpoint, in us-east-1, so every IAM
  request is made to us-east-1); "Grant a user permissions to pass a role to an AWS service" (iam:PassRole is no
  request to IAM: the service the role is passed to checks it when its own API is called with the role's ARN).
- EXECUTION: Lambda Developer Guide, "Defining Lambda function permissions with an execution role" (for Lambda to
  assume a function's role, the role's trust policy must name lambda.amazonaws.com).
- POLICYARN: Service Authorization Reference, AWS Identity and Access Management (iam:PolicyARN: the managed policy
  that iam:Attach*Policy attaches); AdministratorAccess and IAMFullAccess are the AWS managed policies that give power.
- TRUSTEDIT: IAM API Reference, "UpdateAssumeRolePolicy" (the trust policy it writes decides who assumes the role;
  one naming the caller lets it assume the role with no Allow of its own, EVAL) and the role's ARN holds its path.
- SETDEFAULT: IAM API Reference, "SetDefaultPolicyVersion" and "CreatePolicyVersion" (SetAsDefault: the new version is
  the operative one "for all users, groups, and roles that the policy is attached to").
- WORKLOAD: code that runs with an existing resource's role: Lambda API Reference, "UpdateFunctionCode" (the function
  keeps its execution role); Systems Manager User Guide, "Run Command" (a command runs on the instance, whose
  instance profile gives its credentials; ssm:SendCommand needs both the instance and the document); AWS CloudFormation
  API Reference, "UpdateStack" / "CreateChangeSet" RoleARN ("CloudFormation uses this role for all future operations
  on the stack. Provided that users have permission to operate on the stack, CloudFormation uses this role even if the
  users don't have permission to pass it"); CodeBuild API Reference, "StartBuild" (buildspecOverride: "an IAM principal
  with the ability to call this API and set this parameter can override the default settings").
- CREDENTIALS: IAM API Reference, "CreateLoginProfile", "UpdateLoginProfile", "CreateAccessKey" (a password or key of
  another user signs in as that user); the user's ARN holds its path; iam:ResourceTag is the tag of the user the
  request names (Service Authorization Reference, AWS Identity and Access Management).
- DELEGATION: IAM User Guide, "Permissions boundaries for IAM entities", "Delegating responsibility to others by
  using permissions boundaries" (CreateUser / CreateRole / Attach*Policy allowed only when iam:PermissionsBoundary
  names the boundary: what the new user or role gets stays within it).
- MFA: IAM User Guide, "AWS global condition context keys" (aws:MultiFactorAuthPresent is not present in a request
  signed with long-term access keys: a Deny with Bool false skips it, one with BoolIfExists false applies) and
  "Secure API access with MFA" (a user with access keys gets MFA-authenticated credentials from
  sts:GetSessionToken): a trust asking for MFA admits the caller under that condition.
- SERVICES: the service principal each service's role is passed to (iam:PassedToService) and assumed by: Amazon ECS
  Developer Guide, "Task IAM role" (ecs-tasks.amazonaws.com); SageMaker Developer Guide, "How to use SageMaker AI
  execution roles" (sagemaker.amazonaws.com); AWS Glue Developer Guide, "Create an IAM role for AWS Glue"
  (glue.amazonaws.com); CodeBuild User Guide, "Allow CodeBuild to interact with other AWS services"
  (codebuild.amazonaws.com); Step Functions Developer Guide, "Creating a state machine role"
  (states.amazonaws.com); App Runner Developer Guide, "Instance role" (tasks.apprunner.amazonaws.com); EC2 User Guide,
  "Grant permissions to attach an IAM role to an instance" (ec2:AssociateIamInstanceProfile and
  ec2:ReplaceIamInstanceProfileAssociation with iam:PassRole to ec2.amazonaws.com); Data Pipeline Developer Guide,
  "IAM roles for AWS Data Pipeline" (a pipeline's role, assumed by Data Pipeline, and its resourceRole, by EC2;
  ActivatePipeline runs it).
- ASSOCIATED: IAM User Guide, "IAM and AWS STS condition context keys" (iam:AssociatedResourceArn: the resource the
  passed role is associated with, an EC2 instance; a condition on it holds for the instances the caller launches).
- NAMED: Lambda API Reference, "CreateFunction" (the caller names the new function) and Service Authorization
  Reference, AWS Lambda (CreateFunction and InvokeFunction act on the function resource): an Allow on
  function:reports-* lets it create and invoke reports-anything, in the account the ARN names. The function it invokes
  is the one it created: CreateFunction on reports-* and InvokeFunction on app-* name no function both may act on, so
  the role passed never runs; rep* and *-daily both name rep...-daily.
- RCP: AWS Organizations User Guide, "Resource control policies" (RCPs apply to the resources of the services they
  support, AWS STS among them and IAM not; they do not affect resources in the management account).
- PROFILE: IAM User Guide, "Use instance profiles" (an instance profile is what passes a role to an EC2 instance: RunInstances,
  RequestSpotInstances, AssociateIamInstanceProfile and ReplaceIamInstanceProfileAssociation name a profile, not a
  role); IAM API Reference, "CreateInstanceProfile" and "AddRoleToInstanceProfile" (a new profile is empty; adding a
  role to it needs iam:PassRole on the role): a role no profile holds reaches an instance only through a profile
  the caller makes.
- SESSION: IAM User Guide, "IAM JSON policy elements: Principal" (role session principals: a session ARN names the
  session of that role with that name, which the caller of AssumeRole picks, AWS STS API Reference, AssumeRole
  RoleSessionName) and "Variables and tags" (a role session's aws:userid is the role's unique id, ":" and the
  session name).
- S3_BLOCK: Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage" (S3 applies the most restrictive
  combination of the bucket's and the account's settings) and Amazon S3 API Reference, PublicAccessBlockConfiguration
  (RestrictPublicBuckets: "public and cross-account access within any public bucket policy ... is blocked").
"""

import functools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamsql import controls
from iamsql.cli import app
from iamsql.controls.catalog import ACCESS_QUESTIONS
from iamsql.policy.access.questions import load_questions
from iamsql.store import db, lake

DATA = Path(__file__).parent / "data" / "hand_built_accounts"
ADMIN = "nhi_admin_privileges"
ESCALATION = "iam_principal_privilege_escalation"
EXFILTRATION = "nhi_data_exfiltration"
LAMBDA = "lambda_function_role_not_admin"
EC2 = "ec2_instance_role_not_admin"
HARDWARE_MFA = "iam_privileged_user_hardware_mfa"
S3_POLICY = "s3_bucket_policy_not_public"
CONTROLS = [
    ADMIN,
    ESCALATION,
    EXFILTRATION,
    LAMBDA,
    EC2,
    HARDWARE_MFA,
    "iam_role_trust_no_wildcard_principal",
    "iam_role_cross_account_trust_has_external_id",
    "iam_role_oidc_trust_has_sub_condition",
    "iam_policy_no_full_admin",
    "iam_policy_no_passrole_star",
    "iam_role_trust_deleted_principal",
    S3_POLICY,
]


def account(n: int, sub: int = 1) -> str:
    """The account id of folder ``NN-...`` (``sub`` 2: the second account of that folder)."""
    return f"7{n:02d}{sub:09d}"


def arn(n: int, kind: str, name: str, sub: int = 1) -> str:
    return f"arn:aws:iam::{account(n, sub)}:{kind}/{name}"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[str, dict]:
    """(the database file, control results by (control, resource)) of every hand-built account, loaded at once."""
    path = str(tmp_path_factory.mktemp("hand_built") / "iam.duckdb")
    done = CliRunner().invoke(app, ["load", str(DATA), "--db", path, "--as-of", "2024-03-02T00:00:00Z", "--quiet"])
    assert done.exit_code == 0, done.output
    con = db.connect(path)
    try:
        rows = controls.results(con, controls.run_checks(con, controls=CONTROLS))
    finally:
        con.close()
    return path, {(r["control_id"], r["resource"]): r for r in rows}


# (control, resource, expected status, source). skip where a document the answer needs is missing or unreadable.
VERDICTS = [
    (ADMIN, arn(1, "user", "notaction-worker"), "alarm", "NOTACTION: every IAM action but Organizations/Account"),
    (ADMIN, arn(2, "user", "group-only"), "alarm", "GROUPS: AdministratorAccess through its group"),
    (ADMIN, arn(2, "user", "no-group"), "ok", "GROUPS: no group, no policy"),
    (ADMIN, arn(3, "user", "bounded-admin"), "ok", "BOUNDARY: the boundary's Deny iam:* takes IAM away"),
    (ADMIN, arn(4, "user", "management-admin", 1), "alarm", "SCP: the management account is not limited"),
    (ADMIN, arn(4, "user", "member-admin", 2), "ok", "SCP: the member account is denied iam:*"),
    (ADMIN, arn(4, "user", "allowlisted-admin", 3), "ok", "SCP: its account's SCP allows S3 only"),
    (ADMIN, arn(9, "user", "assume-everything"), "ok", "EVAL: the SAML trust does not name users"),
    (ADMIN, arn(10, "role", "ec2-admin"), "alarm", "EVAL: AdministratorAccess"),
    (ADMIN, arn(13, "user", "app-user"), "ok", "VERSIONS: the Allow * version is not the default"),
    (ADMIN, arn(13, "user", "later-default-user"), "alarm", "VERSIONS: the default version v2 allows *"),
    (ADMIN, arn(14, "user", "mystery"), "skip", "PowerUserAccess is not loaded: never ok"),
    (
        ADMIN,
        arn(15, "role", "aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForExampleService"),
        "info",
        "SLR: only the service may use it",
    ),
    (ADMIN, arn(15, "user", "assume-everything"), "ok", "SLR: its trust names only the service"),
    (ADMIN, arn(16, "user", "two-groups"), "ok", "GROUPS+EVAL: the other group's Deny iam:* wins"),
    (ADMIN, arn(17, "user", "mfa-admin"), "alarm", "CONDITIONS: administrator whenever it signs in with MFA"),
    (ADMIN, arn(18, "user", "upper-case-iam"), "alarm", "ACTION: IAM:* is iam:*"),
    (ADMIN, arn(19, "user", "bucket-star"), "ok", "EVAL: * on one bucket's objects only"),
    (ADMIN, arn(20, "user", "hopper"), "alarm", "EVAL: may assume the administrator role"),
    (ADMIN, arn(20, "user", "no-hop"), "ok", "EVAL: no Allow of its own for a trust of the account"),
    (ADMIN, arn(21, "user", "partner-caller", 2), "ok", "XACCT: the role it may assume is not an administrator"),
    (ADMIN, arn(23, "user", "s3-only-admin"), "ok", "NOTACTION+EVAL: Deny NotAction s3:* leaves S3 only"),
    (ADMIN, arn(24, "user", "blocked"), "ok", "DENYTRUST: the trust denies it"),
    (ADMIN, arn(24, "user", "let-in"), "alarm", "EVAL: the trust of the account and its own Allow"),
    (ADMIN, arn(25, "user", "all-but-secrets"), "alarm", "NOTRESOURCE: everything but one bucket's objects"),
    (ADMIN, arn(26, "user", "free-named"), "alarm", "EVAL: named by the administrator role's trust"),
    (ADMIN, arn(26, "user", "bounded-named"), "ok", "BOUNDARY: its boundary does not allow sts:AssumeRole"),
    (ADMIN, arn(28, "user", "unreadable"), "skip", "a policy the engine cannot read: never ok"),
    (ADMIN, arn(28, "user", "unloaded-boundary"), "skip", "the boundary is not loaded: never ok"),
    (ADMIN, arn(29, "role", "ops"), "alarm", "CONDITIONS: aws:PrincipalArn names it"),
    (ADMIN, arn(29, "user", "dev"), "ok", "CONDITIONS: aws:PrincipalArn names another role"),
    (ADMIN, arn(30, "user", "in-ghost-group"), "skip", "GROUPS: its group is not loaded: never ok"),
    (ADMIN, arn(30, "user", "encoded-admin"), "alarm", "EVAL: a URL-encoded Allow * is still Allow *"),
    (ADMIN, arn(31, "user", "chainer"), "alarm", "EVAL: through the middle role to the administrator role"),
    (ADMIN, arn(31, "role", "bounded-hopper"), "ok", "BOUNDARY: the S3-only boundary takes sts:AssumeRole away"),
    (ADMIN, arn(38, "user", "chain-start", 2), "alarm", "XACCT+CHAIN: through entry and hop"),
    (ADMIN, arn(38, "user", "no-chain", 2), "ok", "EVAL: no Allow of sts:AssumeRole"),
    (ESCALATION, arn(38, "user", "chain-start", 2), "alarm", "XACCT+CHAIN: through entry and hop"),
    (ADMIN, arn(34, "user", "ops-user"), "alarm", "TAGS: tagged team=ops, may assume the administrator role"),
    (ADMIN, arn(34, "user", "dev-user"), "ok", "TAGS: tagged team=dev"),
    (ADMIN, arn(34, "user", "untagged-user"), "ok", "TAGS: no tag, the condition is false"),
    (ESCALATION, arn(10, "user", "pass-to-ec2"), "ok", "PROFILE: the EC2 administrator role is in no instance profile"),
    (
        ESCALATION,
        arn(10, "user", "pass-to-lambda-only"),
        "ok",
        "PASSROLE: may pass to Lambda only, has no Lambda action",
    ),
    (ESCALATION, arn(11, "user", "attach-self"), "alarm", "VARIABLES: attaches any policy to itself"),
    (ESCALATION, arn(11, "user", "attach-self-bounded"), "ok", "BOUNDARY: the S3-only boundary"),
    (ESCALATION, arn(12, "user", "joiner"), "alarm", "GROUPS: joins the administrators' group"),
    (ESCALATION, arn(12, "user", "joiner-readers"), "ok", "GROUPS: joins a read-only group"),
    (ESCALATION, arn(14, "user", "mystery"), "skip", "PowerUserAccess is not loaded: never ok"),
    (ESCALATION, arn(20, "user", "hopper"), "alarm", "EVAL: assumes the administrator role"),
    (ESCALATION, arn(22, "user", "pass-app-role"), "ok", "PASSROLE: may pass a role without power only"),
    (ESCALATION, arn(22, "user", "pass-admin-role"), "alarm", "PASSROLE: passes the administrator role to Lambda"),
    (ESCALATION, arn(24, "user", "blocked"), "ok", "DENYTRUST: the trust denies it"),
    (ESCALATION, arn(27, "role", "self-attacher"), "ok", "VARIABLES: no aws:username for a role"),
    (ESCALATION, arn(28, "user", "unreadable"), "skip", "a policy the engine cannot read: never ok"),
    (ESCALATION, arn(35, "user", "group-writer"), "alarm", "GROUPS: a policy on its own group is one on itself"),
    (ESCALATION, arn(35, "user", "other-group-writer"), "ok", "GROUPS: a group it is not in"),
    (ESCALATION, arn(35, "user", "key-maker"), "alarm", "EVAL: an access key of an administrator user"),
    (ESCALATION, arn(35, "user", "weak-key-maker"), "ok", "EVAL: an access key of a user without power"),
    (ESCALATION, arn(35, "user", "trust-rewriter"), "alarm", "EVAL: rewrites an administrator role's trust"),
    (ESCALATION, arn(35, "user", "weak-trust-rewriter"), "ok", "EVAL: rewrites the trust of a role without power"),
    (ESCALATION, arn(33, "user", "attach-self-no-version"), "ok", "VARIABLES: literal without Version"),
    (ESCALATION, arn(33, "user", "attach-self-2008"), "ok", "VARIABLES: literal in Version 2008-10-17"),
    (ADMIN, arn(33, "user", "statement-object"), "alarm", "EVAL: one Statement object is one statement"),
    ("iam_role_trust_deleted_principal", arn(33, "role", "trusts-deleted-role"), "alarm", "DELETED"),
    ("iam_role_trust_deleted_principal", arn(33, "role", "sso-admins-only"), "ok", "DELETED: names the account"),
    (ESCALATION, arn(4, "user", "allowlisted-admin", 3), "ok", "SCP: nothing but S3 is allowed in its account"),
    (ESCALATION, arn(31, "user", "split-pass"), "alarm", "GROUPS: PassRole from its group, Lambda from itself"),
    (ESCALATION, arn(32, "user", "pass-without-path"), "ok", "PASSROLE: the role's ARN holds its path"),
    (ESCALATION, arn(32, "user", "pass-with-path"), "alarm", "PASSROLE: role/service-role/* names the role"),
    ("iam_role_trust_no_wildcard_principal", arn(5, "role", "org-only"), "ok", "CONDITIONS: aws:PrincipalOrgID"),
    (
        "iam_role_trust_no_wildcard_principal",
        arn(5, "role", "org-only-upper-key"),
        "ok",
        "CONDITIONS: key names are case-insensitive",
    ),
    ("iam_role_trust_no_wildcard_principal", arn(5, "role", "anyone"), "alarm", "PRINCIPAL: * is anyone"),
    (
        "iam_role_trust_no_wildcard_principal",
        arn(5, "role", "org-forallvalues"),
        "alarm",
        "CONDITIONS: ForAllValues is true for a caller without an organization",
    ),
    ("iam_role_cross_account_trust_has_external_id", arn(7, "role", "vendor-with-external-id"), "ok", "EXTERNALID"),
    ("iam_role_cross_account_trust_has_external_id", arn(7, "role", "vendor-no-external-id"), "alarm", "EXTERNALID"),
    (
        "iam_role_cross_account_trust_has_external_id",
        arn(7, "role", "vendor-bare-id"),
        "alarm",
        "PRINCIPAL: a bare account id is that account's root",
    ),
    ("iam_role_cross_account_trust_has_external_id", arn(21, "role", "partner-access"), "alarm", "XACCT+EXTERNALID"),
    ("iam_role_oidc_trust_has_sub_condition", arn(8, "role", "gh-no-condition"), "alarm", "OIDC: any repository"),
    ("iam_role_oidc_trust_has_sub_condition", arn(8, "role", "gh-aud-only"), "alarm", "OIDC: aud is the same for all"),
    ("iam_role_oidc_trust_has_sub_condition", arn(8, "role", "gh-one-repo"), "ok", "OIDC: one repository's branch"),
    ("iam_role_oidc_trust_has_sub_condition", arn(8, "role", "cognito-no-aud"), "alarm", "OIDC: any identity pool"),
    ("iam_policy_no_full_admin", arn(13, "policy", "app-policy"), "ok", "VERSIONS: the default version is judged"),
    ("iam_policy_no_full_admin", arn(13, "policy", "app-policy-later-default"), "alarm", "VERSIONS: v2, the default"),
    ("iam_policy_no_passrole_star", arn(1, "user", "notaction-worker"), "alarm", "NOTACTION: PassRole is not excluded"),
    # GROUPS+CONDITIONS: iam:PassRole from the group, the Lambda actions from a managed policy on the user
    (ESCALATION, arn(39, "user", "deploy-bot"), "alarm", "CONDITIONS: aws:username is deploy-bot, as the policy asks"),
    (ESCALATION, arn(39, "user", "other-bot"), "ok", "CONDITIONS: its aws:username is never deploy-bot"),
    (ESCALATION, arn(39, "user", "office-bot"), "alarm", "CONDITIONS: from 203.0.113.0/24, a path under conditions"),
    (ESCALATION, arn(40, "user", "pass-service-roles"), "ok",
     "PASSROLE+EXECUTION: under service-role/, the administrator trusts EC2, not Lambda; app-admin is outside"),
    (ESCALATION, arn(40, "user", "pass-any-role"), "alarm", "EXECUTION: app-admin trusts Lambda"),
    (ESCALATION, arn(41, "user", "version-other"), "ok", "SETDEFAULT: team-tools is attached to teammate only"),
    (ESCALATION, arn(41, "user", "version-own"), "alarm", "SETDEFAULT: a new default of its own policy"),
    (ESCALATION, arn(41, "user", "version-via-group"), "alarm", "SETDEFAULT+GROUPS: its group's policy is its own"),
    (ESCALATION, arn(41, "user", "set-default-own"), "alarm", "SETDEFAULT: v2 of its own policy allows *"),
    (ESCALATION, arn(41, "user", "set-default-single"), "ok", "SETDEFAULT: its policy has no other version"),
    (ESCALATION, arn(41, "user", "teammate"), "ok", "VERSIONS: its policy reads one bucket"),
    (ESCALATION, arn(42, "user", "app-trust-editor"), "ok", "TRUSTEDIT: the only role under app/ has no power"),
    (ESCALATION, arn(42, "user", "ops-trust-editor"), "alarm", "TRUSTEDIT: ops/ops-admin has AdministratorAccess"),
    (ESCALATION, arn(43, "user", "attach-readonly-only"), "ok", "POLICYARN: ReadOnlyAccess only"),
    (ESCALATION, arn(43, "user", "attach-aws-managed"), "alarm", "POLICYARN: aws:policy/* holds AdministratorAccess"),
    (ESCALATION, arn(43, "user", "attach-not-admin"), "alarm", "POLICYARN: all but AdministratorAccess: IAMFullAccess"),
    (ADMIN, arn(44, "user", "broad-no-deny"), "alarm", "NOTACTION+NOTRESOURCE: every IAM action"),
    (ADMIN, arn(44, "user", "broad-no-iam"), "alarm", "EVAL: Deny iam:* leaves sts:AssumeRole of account-admin"),
    (ADMIN, arn(44, "user", "broad-no-iam-no-sts"), "ok", "EVAL: Deny iam:* and sts:*"),
    (ADMIN, arn(45, "user", "eu-only-admin"), "ok", "REGION: no IAM request is made to eu-west-1"),
    (ADMIN, arn(45, "user", "us-east-only-admin"), "alarm", "REGION: every IAM request is made to us-east-1"),
    (ESCALATION, arn(45, "user", "eu-lambda-deployer"), "alarm",
     "REGION: Lambda in eu-west-1 checks iam:PassRole within its own request"),
    (ADMIN, arn(46, "user", "power-user"), "ok", "NOTACTION: PowerUserAccess allows no IAM action but its list"),
    (ADMIN, arn(46, "user", "power-user-no-slr"), "ok", "NOTACTION: no IAM action; ops-admin trusts ops only"),
    (ADMIN, arn(46, "role", "ops"), "alarm", "EVAL: named by ops-admin's trust, its own Allow"),
    ("iam_policy_no_full_admin", "arn:aws:iam::aws:policy/PowerUserAccess", "ok", "NOTACTION: not IAM"),
    (ESCALATION, arn(47, "user", "key-maker"), "alarm", "BOUNDARY: iam:* allowed; an access key of admin-user"),
    (ESCALATION, arn(47, "user", "own-key-maker"), "ok", "BOUNDARY: an access key of itself gives nothing"),
    (ESCALATION, arn(47, "user", "self-policy-writer"), "alarm", "BOUNDARY: iam:* within it, then its boundary goes"),
    (ESCALATION, arn(47, "user", "read-bounded-writer"), "ok", "BOUNDARY: it allows no iam:PutUserPolicy"),
    (ESCALATION, arn(48, "user", "lambda-deployer", 1), "alarm", "SCP: the management account is not limited"),
    (ESCALATION, arn(48, "user", "lambda-deployer", 2), "ok", "SCP: fn-admin is outside service-role/"),
    (ESCALATION, arn(48, "user", "lambda-deployer", 3), "alarm", "SCP: service-role/fn-admin may be passed"),
    (ESCALATION, arn(49, "user", "code-pusher"), "alarm", "WORKLOAD: new code in admin-fn runs as its admin role"),
    (ESCALATION, arn(49, "user", "code-pusher-denied"), "ok", "EVAL: the Deny on admin-fn; plain-fn's role has no power"),
    (ESCALATION, arn(49, "user", "plain-code-pusher"), "ok", "WORKLOAD: plain-fn's role reads one bucket"),
    (ESCALATION, arn(50, "user", "commander"), "alarm", "WORKLOAD: a shell command on the admin-profile instance"),
    (ESCALATION, arn(50, "user", "web-commander"), "ok", "WORKLOAD: the web instance's role reads one bucket"),
    (ESCALATION, arn(50, "user", "no-document-commander"), "ok", "WORKLOAD: no document may be run"),
    (ESCALATION, arn(51, "user", "stack-updater"), "alarm", "WORKLOAD: platform's service role is an administrator"),
    (ESCALATION, arn(51, "user", "change-set-runner"), "alarm", "WORKLOAD: a change set of platform uses its role"),
    (ESCALATION, arn(51, "user", "app-stack-updater"), "ok",
     "WORKLOAD: app's service role has S3 only; no-role runs with the caller's own credentials"),
    (ESCALATION, arn(52, "user", "builder"), "alarm", "WORKLOAD: a build of deploy runs as its administrator role"),
    (ESCALATION, arn(52, "user", "plain-builder"), "ok", "WORKLOAD: docs' role writes one bucket"),
    (ESCALATION, arn(52, "user", "builder-denied"), "ok", "EVAL: the Deny on deploy"),
    (ESCALATION, arn(53, "user", "ops-password-resetter"), "alarm", "CREDENTIALS: user/ops/* holds ops-admin"),
    (ESCALATION, arn(53, "user", "apps-key-maker"), "ok", "CREDENTIALS: user/apps/* holds app-worker only"),
    (ESCALATION, arn(53, "user", "ops-password-maker"), "alarm", "CREDENTIALS: ops-admin is tagged team=ops"),
    (ESCALATION, arn(53, "user", "dev-password-maker"), "ok", "CREDENTIALS: app-worker, tagged dev, has no power"),
    (ESCALATION, arn(54, "user", "own-group-attacher"), "alarm", "GROUPS: a policy on its own group builders"),
    (ESCALATION, arn(54, "user", "other-group-attacher"), "ok", "GROUPS: auditors, a group it is not in"),
    (ESCALATION, arn(54, "user", "readonly-group-attacher"), "ok", "POLICYARN: ReadOnlyAccess only, on its own group"),
    (ESCALATION, arn(55, "user", "delegated-user-admin"), "ok", "DELEGATION: its new users stay in dev-boundary"),
    (ESCALATION, arn(55, "user", "delegated-role-admin"), "ok", "DELEGATION: its new roles stay in dev-boundary"),
    (ESCALATION, arn(55, "user", "unbounded-user-admin"), "alarm", "DELEGATION: no boundary asked of its new users"),
    (ESCALATION, arn(56, "user", "mfa-guarded-attacher"), "alarm", "MFA: attaches with MFA"),
    (ESCALATION, arn(56, "user", "key-slips-through"), "alarm", "MFA: long-term keys slip past Bool false"),
    (ESCALATION, arn(57, "user", "deny-aws-admin-attacher"), "alarm",
     "POLICYARN: the Deny leaves legacy-full-access, which allows *"),
    (ESCALATION, arn(57, "user", "customer-policy-attacher"), "alarm", "POLICYARN: policy/* holds legacy-full-access"),
    (ESCALATION, arn(57, "user", "team-policy-attacher"), "ok", "POLICYARN: team-tools reads one bucket"),
    (ESCALATION, arn(58, "user", "bounded-iam-admin"), "alarm", "BOUNDARY: iam:UpdateLoginProfile of console-admin"),
    (ESCALATION, arn(59, "user", "ecs-runner"), "alarm", "SERVICES: a task definition with the admin task role"),
    (ESCALATION, arn(59, "user", "ecs-runner-passes-to-ec2"), "ok", "PASSROLE: ECS passes to ecs-tasks, not EC2"),
    (ESCALATION, arn(59, "user", "sagemaker-trainer"), "alarm", "SERVICES: a training job runs as the role"),
    (ESCALATION, arn(59, "user", "sagemaker-passes-to-glue"), "ok", "PASSROLE: SageMaker passes to sagemaker"),
    (ESCALATION, arn(60, "user", "glue-job-author"), "alarm", "SERVICES: a Glue job runs as the role"),
    (ESCALATION, arn(60, "user", "glue-passes-to-codebuild"), "ok", "PASSROLE: Glue passes to glue"),
    (ESCALATION, arn(60, "user", "build-author"), "alarm", "SERVICES: a new project builds as the role"),
    (ESCALATION, arn(60, "user", "state-machine-author"), "alarm", "SERVICES: a new state machine runs as the role"),
    (ESCALATION, arn(60, "user", "apprunner-author"), "alarm", "SERVICES: a new service's instances run as the role"),
    (ESCALATION, arn(60, "user", "apprunner-passes-to-ecs"), "ok", "PASSROLE: App Runner passes to its tasks"),
    (ESCALATION, arn(61, "user", "instance-role-passer"), "alarm", "ASSOCIATED: the instances it launches"),
    (ESCALATION, arn(61, "user", "named-fn-deployer"), "alarm", "NAMED: it creates and invokes reports-x"),
    (ESCALATION, arn(61, "user", "other-account-fn-deployer"), "ok", "NAMED: reports-* of another account"),
    (ESCALATION, arn(61, "user", "split-fn-deployer"), "ok", "NAMED: creates reports-*, invokes app-*"),
    (ESCALATION, arn(61, "user", "crossed-fn-deployer"), "alarm", "NAMED: rep* and *-daily meet in rep...-daily"),
    (ESCALATION, arn(62, "user", "profile-associator"), "alarm", "SERVICES: the admin profile on a running instance"),
    (ESCALATION, arn(62, "user", "profile-replacer"), "alarm", "SERVICES: the admin profile replaces another"),
    (ESCALATION, arn(62, "user", "profile-replacer-passes-to-ssm"), "ok", "PASSROLE: EC2 is not ssm"),
    (ADMIN, arn(63, "user", "chain-user"), "alarm", "CHAIN: step-a, step-b (trusting step-a), chain-admin"),
    (ADMIN, arn(63, "user", "bounded-chain-user"), "ok", "BOUNDARY: step-a-bounded's boundary denies sts:AssumeRole"),
    (ADMIN, arn(63, "user", "skip-step-user"), "ok", "PRINCIPAL: step-b trusts the two roles only"),
    (ESCALATION, arn(63, "role", "step-a-bounded"), "ok", "BOUNDARY: its Deny wins over its Allow of *"),
    (ADMIN, arn(64, "user", "external-id-caller"), "alarm", "EXTERNALID: the caller sets sts:ExternalId itself"),
    (ADMIN, arn(64, "user", "mfa-caller"), "alarm", "MFA: with MFA, as every user may sign in"),
    (ESCALATION, arn(65, "user", "attach-and-assume"), "alarm", "EVAL: a policy on worker, then worker's session"),
    (ESCALATION, arn(65, "user", "put-and-assume"), "alarm", "EVAL: an inline policy on worker, then its session"),
    (ESCALATION, arn(65, "user", "attach-readonly-and-assume"), "ok", "POLICYARN: ReadOnlyAccess only"),
    (ESCALATION, arn(66, "user", "credential-maker", 2), "alarm", "SCP: UpdateLoginProfile is not denied"),
    (ESCALATION, arn(66, "user", "key-maker", 2), "ok", "SCP: no new access key or password"),
    (ESCALATION, arn(66, "user", "key-maker", 1), "alarm", "SCP: the management account is not limited"),
    (ADMIN, arn(67, "user", "hopper", 2), "ok", "RCP: sts:AssumeRole of admin-* is denied"),
    (ADMIN, arn(67, "user", "hopper", 1), "alarm", "RCP: not on the management account's roles"),
    (ESCALATION, arn(67, "user", "key-maker", 2), "alarm", "RCP: IAM is not a service RCPs apply to"),
    (ESCALATION, arn(68, "user", "pipeline-author"), "alarm", "SERVICES: both roles, and the pipeline runs"),
    (ESCALATION, arn(68, "user", "pipeline-passes-to-ec2-only"), "ok", "SERVICES: its role goes to datapipeline"),
    (ESCALATION, arn(68, "user", "pipeline-never-activated"), "ok", "SERVICES: a pipeline never activated runs nothing"),
    (ESCALATION, arn(69, "user", "runs-profiled"), "alarm", "PROFILE: its administrator role is in a profile"),
    (ESCALATION, arn(69, "user", "runs-any-role"), "alarm", "PROFILE: one administrator role is in a profile"),
    (ESCALATION, arn(69, "user", "runs-bare"), "alarm", "EXECUTION: the role trusts Lambda, no profile needed"),
    (ESCALATION, arn(69, "user", "creates-profile"), "alarm", "PROFILE: it makes the profile the role needs"),
    (ESCALATION, arn(69, "user", "runs-any-role", 2), "alarm", "PROFILE: the roles' profiles are not loaded"),
    # a --filter User output: the account's policy table is partial, each user is judged by what it holds
    (ADMIN, arn(70, "user", "inline-admin"), "alarm", "EVAL: its inline Allow * is all it holds"),
    (ESCALATION, arn(70, "user", "inline-admin"), "alarm", "EVAL: its inline Allow * is all it holds"),
    (ADMIN, arn(70, "user", "reader"), "skip", "EVAL: no power, but a role not loaded may be one it assumes"),
    (ESCALATION, arn(70, "user", "reader"), "skip", "EVAL: no path, but roles and policies are loaded in part"),
    (ADMIN, arn(70, "user", "reader", 2), "ok", "EVAL: one bucket's objects, every document and role known"),
    (ESCALATION, arn(70, "user", "reader", 2), "skip", "EVAL: no path, but policies are loaded in part"),
    (EXFILTRATION, arn(70, "user", "reader"), "ok", "EVAL: one bucket's objects, every document known"),
    (EXFILTRATION, arn(70, "user", "inline-admin"), "alarm", "EVAL: its inline Allow * is all it holds"),
    (EXFILTRATION, arn(70, "user", "admin-and-guardrail"), "skip", "EVAL: team-guardrail, not loaded, may deny"),
    (ADMIN, arn(70, "user", "aws-admin"), "skip", "AdministratorAccess is not loaded: never ok"),
    (ESCALATION, arn(70, "user", "aws-admin"), "skip", "AdministratorAccess is not loaded: never ok"),
    (ADMIN, arn(70, "user", "admin-and-guardrail"), "skip", "EVAL: team-guardrail, not loaded, may deny"),
    (ESCALATION, arn(70, "user", "admin-and-guardrail"), "skip", "EVAL: team-guardrail, not loaded, may deny"),
    (ADMIN, arn(70, "user", "admin-in-group"), "skip", "GROUPS+EVAL: its group, not loaded, may deny"),
    (ESCALATION, arn(70, "user", "admin-in-group"), "skip", "GROUPS+EVAL: its group, not loaded, may deny"),
    # a first page of get-account-authorization-details: every IAM table is partial, each workload and user is
    # judged by its own role's or its own documents
    (LAMBDA, f"arn:aws:lambda:us-east-1:{account(71)}:function:admin-fn", "alarm", "EVAL: its role's inline Allow *"),
    (LAMBDA, f"arn:aws:lambda:us-east-1:{account(71)}:function:guarded-fn", "skip", "EVAL: guardrail may deny"),
    (LAMBDA, f"arn:aws:lambda:us-east-1:{account(71)}:function:plain-fn", "ok", "EVAL: one bucket's objects"),
    (LAMBDA, f"arn:aws:lambda:us-east-1:{account(71)}:function:next-page-fn", "skip", "its role is not loaded"),
    (EC2, f"arn:aws:ec2:us-east-1:{account(71)}:instance/i-0000000000071admin", "alarm", "EVAL: inline Allow *"),
    (EC2, f"arn:aws:ec2:us-east-1:{account(71)}:instance/i-000000000071guarded", "skip", "EVAL: guardrail may deny"),
    (HARDWARE_MFA, arn(71, "user", "ops-admin"), "alarm", "EVAL: inline Allow *, a virtual MFA device only"),
    (HARDWARE_MFA, arn(71, "user", "guarded-admin"), "skip", "EVAL: guardrail, not loaded, may deny"),
]


@pytest.mark.parametrize(
    "control, resource, expected, source",
    VERDICTS,
    ids=[f"{c}-{r.split(':')[4]}-{r.rsplit('/', 1)[-1]}" for c, r, _, _ in VERDICTS],
)
def test_control_verdict(loaded, control, resource, expected, source):
    row = loaded[1][(control, resource)]
    assert row["status"] == expected, f"{source}: {row['reason']}"


def test_a_boundary_or_group_deny_of_iam_leaves_no_iam_path(loaded):
    """The principals denied iam:* keep the paths through compute they may change (no such resource is loaded, so
    one may exist) but none that needs an IAM action (EVAL: an explicit Deny wins)."""
    for n, name, sub in ((3, "bounded-admin", 1), (4, "member-admin", 2), (16, "two-groups", 1),
                         (44, "broad-no-iam", 1), (44, "broad-no-iam-no-sts", 1)):
        reason = loaded[1][(ESCALATION, arn(n, "user", name, sub))]["reason"]
        assert "AttachUserPolicy" not in reason and "CreateAccessKey" not in reason, reason


def access(path: str, principal: str, question: str) -> str:
    done = CliRunner().invoke(
        app,
        [
            "query",
            "--db",
            path,
            "-o",
            "json",
            f"select decision from iam_principal_access where principal_arn = '{principal}' "
            f"and question = '{question}'",
        ],
    )
    assert done.exit_code == 0, done.output
    return json.loads(done.output)["rows"][0]["decision"]


@pytest.mark.parametrize(
    "principal, question, expected",
    [
        (arn(1, "user", "notaction-worker"), "full_admin", "ImplicitlyDenied"),  # NOTACTION: not Organizations
        (arn(1, "user", "notaction-worker"), "iam_admin", "Allowed"),
        (arn(3, "user", "bounded-admin"), "iam_admin", "ExplicitlyDenied"),  # BOUNDARY: its Deny
        (arn(4, "user", "member-admin", 2), "iam_admin", "ExplicitlyDenied"),  # SCP
        (arn(4, "user", "management-admin", 1), "full_admin", "Allowed"),  # SCP: not the management account
        (arn(16, "user", "two-groups"), "full_admin", "ExplicitlyDenied"),  # GROUPS
        (arn(17, "user", "mfa-admin"), "full_admin", "AllowedIf"),  # CONDITIONS: unknown context
        (arn(10, "user", "pass-to-ec2"), "pass_any_role", "AllowedIf"),  # PASSROLE: to EC2 only
        (arn(44, "user", "broad-no-iam"), "iam_admin", "ExplicitlyDenied"),  # EVAL: the Deny of iam:*
        (arn(45, "user", "eu-only-admin"), "iam_admin", "ImplicitlyDenied"),  # REGION: IAM is in us-east-1
        (arn(45, "user", "us-east-only-admin"), "iam_admin", "Allowed"),  # REGION: IAM is in us-east-1
        (arn(45, "user", "eu-only-admin"), "pass_any_role", "AllowedIf"),  # REGION: in the passing service's Region
    ],
)
def test_principal_access_table(loaded, principal, question, expected):
    assert access(loaded[0], principal, question) == expected


@functools.cache
def who_can(path: str, action: str, resource: str) -> dict[str, dict]:
    done = CliRunner().invoke(app, ["who-can", "--db", path, action, "--resource", resource, "-o", "json"])
    assert done.exit_code == 0, done.output
    return {row["principal"]: row for row in json.loads(done.stdout)}  # a KMS key's note goes to stderr


SSO_ADMIN = arn(33, "role", "aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef")
SLR = arn(15, "role", "aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForExampleService")


@pytest.mark.parametrize(
    "action, resource, principal, expected",
    [
        # a trust of the account: only a principal with its own Allow (EVAL); a trust naming a role: that role (EVAL)
        ("sts:AssumeRole", arn(6, "role", "trusts-account"), arn(6, "user", "with-assume"), "Allowed"),
        ("sts:AssumeRole", arn(6, "role", "trusts-account"), arn(6, "user", "without-assume"), None),
        ("sts:AssumeRole", arn(6, "role", "trusts-deployer"), arn(6, "role", "deployer"), "Allowed"),
        ("sts:AssumeRole", arn(6, "role", "trusts-deployer"), arn(6, "user", "with-assume"), None),
        # XACCT: the other account's user needs its own Allow too
        ("sts:AssumeRole", arn(21, "role", "partner-access"), arn(21, "user", "partner-caller", 2), "Allowed"),
        ("sts:AssumeRole", arn(21, "role", "partner-access"), arn(21, "user", "partner-idle", 2), None),
        # DENYTRUST; SELF: the role itself, through the trust of its account and its AdministratorAccess
        ("sts:AssumeRole", arn(24, "role", "guarded-admin"), arn(24, "user", "let-in"), "Allowed"),
        ("sts:AssumeRole", arn(24, "role", "guarded-admin"), arn(24, "user", "blocked"), None),
        ("sts:AssumeRole", arn(24, "role", "guarded-admin"), arn(24, "role", "guarded-admin"), "Allowed"),
        # SLR: the service only
        ("sts:AssumeRole", SLR, "elasticloadbalancing.amazonaws.com", "Allowed"),
        ("sts:AssumeRole", SLR, arn(15, "user", "assume-everything"), None),
        # BOUNDARY: named by the trust, but the boundary does not allow sts:AssumeRole
        ("sts:AssumeRole", arn(26, "role", "named-admin"), arn(26, "user", "free-named"), "Allowed"),
        ("sts:AssumeRole", arn(26, "role", "named-admin"), arn(26, "user", "bounded-named"), None),
        # CONDITIONS: the organization's accounts are known members (SCP data of folder 04)
        ("sts:AssumeRole", arn(5, "role", "org-only"), arn(4, "user", "member-admin", 2), "Allowed"),
        ("sts:AssumeRole", arn(5, "role", "org-only"), arn(4, "user", "allowlisted-admin", 3), None),  # its SCP
        ("sts:AssumeRole", arn(29, "role", "ops-admin"), arn(29, "role", "ops"), "Allowed"),
        ("sts:AssumeRole", arn(29, "role", "ops-admin"), arn(29, "user", "dev"), None),
        ("sts:AssumeRole", arn(31, "role", "top-admin"), arn(31, "role", "middle"), "Allowed"),
        ("sts:AssumeRole", arn(31, "role", "top-admin"), arn(31, "role", "bounded-hopper"), None),
        # PASSROLE: the role's ARN with its path; a grant through a group (GROUPS) or a chain of roles (EVAL)
        ("iam:PassRole", arn(32, "role", "service-role/fn-admin"), arn(32, "user", "pass-with-path"), "Allowed"),
        ("iam:PassRole", arn(32, "role", "service-role/fn-admin"), arn(32, "user", "pass-without-path"), None),
        ("iam:PassRole", arn(31, "role", "lambda-admin"), arn(31, "user", "split-pass"), "Allowed"),
        ("iam:PassRole", arn(31, "role", "lambda-admin"), arn(31, "user", "chainer"), "Allowed"),
        ("iam:PassRole", arn(31, "role", "lambda-admin"), arn(31, "role", "bounded-hopper"), None),
        # CONDITIONS: aws:PrincipalArn is the role's ARN with its path; DELETED: a unique id names no one
        ("sts:AssumeRole", arn(33, "role", "sso-admins-only"), SSO_ADMIN, "Allowed"),
        ("sts:AssumeRole", arn(33, "role", "sso-admins-only"), arn(33, "user", "sts-user"), None),
        ("sts:AssumeRole", arn(33, "role", "trusts-deleted-role"), arn(33, "user", "sts-user"), None),
        # TAGS: a user's tags are known; sts:TagSession is not sts:AssumeRole
        ("sts:AssumeRole", arn(34, "role", "ops-tagged-admin"), arn(34, "user", "ops-user"), "Allowed"),
        ("sts:AssumeRole", arn(34, "role", "ops-tagged-admin"), arn(34, "user", "dev-user"), None),
        ("sts:AssumeRole", arn(34, "role", "ops-tagged-admin"), arn(34, "user", "untagged-user"), None),
        ("sts:AssumeRole", arn(34, "role", "tag-session-only"), arn(34, "user", "ops-user"), None),
        # REGION: a request to Lambda in eu-west-1 carries the role; EXECUTION: only a role Lambda may assume runs code
        ("iam:PassRole", arn(45, "role", "lambda-admin"), arn(45, "user", "eu-lambda-deployer"), "AllowedIf"),
        ("iam:PassRole", arn(40, "role", "service-role/ec2-admin"), arn(40, "user", "pass-service-roles"), "Allowed"),
        ("iam:PassRole", arn(40, "role", "app-admin"), arn(40, "user", "pass-service-roles"), None),
        # SCP: the Deny of iam:PassRole outside service-role/ (not in the management account)
        ("iam:PassRole", arn(48, "role", "fn-admin", 2), arn(48, "user", "lambda-deployer", 2), None),
        ("iam:PassRole", arn(48, "role", "service-role/fn-admin", 3), arn(48, "user", "lambda-deployer", 3), "Allowed"),
        ("iam:PassRole", arn(48, "role", "fn-admin", 1), arn(48, "user", "lambda-deployer", 1), "Allowed"),
        # TRUSTEDIT: the role's path is part of its ARN
        ("iam:UpdateAssumeRolePolicy", arn(42, "role", "ops/ops-admin"), arn(42, "user", "ops-trust-editor"), "Allowed"),
        ("iam:UpdateAssumeRolePolicy", arn(42, "role", "ops/ops-admin"), arn(42, "user", "app-trust-editor"), None),
        # federation: the provider is the principal, under the trust's conditions (OIDC)
        ("sts:AssumeRoleWithSAML", arn(9, "role", "saml-admins"), arn(9, "saml-provider", "corp-idp"), "AllowedIf"),
        (
            "sts:AssumeRoleWithWebIdentity",
            arn(8, "role", "gh-no-condition"),
            arn(8, "oidc-provider", "token.actions.githubusercontent.com"),
            "Allowed",
        ),
        (
            "sts:AssumeRoleWithWebIdentity",
            arn(8, "role", "gh-one-repo"),
            arn(8, "oidc-provider", "token.actions.githubusercontent.com"),
            "AllowedIf",
        ),
    ],
)
def test_who_can(loaded, action, resource, principal, expected):
    row = who_can(loaded[0], action, resource).get(principal)
    assert (row and row["decision"]) == expected, row


@pytest.mark.parametrize(
    "name, service", [("pass-to-ec2", "ec2.amazonaws.com"), ("pass-to-lambda-only", "lambda.amazonaws.com")]
)
def test_who_can_pass_a_role_names_the_service_it_may_go_to(loaded, name, service):
    """PASSROLE: iam:PassRole limited by iam:PassedToService holds for that service only."""
    row = who_can(loaded[0], "iam:PassRole", arn(10, "role", "ec2-admin"))[arn(10, "user", name)]
    assert row["decision"] == "AllowedIf"
    assert json.loads(row["conditions"]) == [{"StringEquals": {"iam:PassedToService": [service]}}]


@pytest.mark.parametrize(
    "principal, action, resource, context, expected",
    [
        (arn(4, "user", "member-admin", 2), "iam:CreateUser", None, [], "ExplicitlyDenied"),  # SCP
        (arn(4, "user", "management-admin", 1), "iam:CreateUser", None, [], "Allowed"),  # SCP: management account
        (arn(16, "user", "two-groups"), "iam:CreateUser", None, [], "ExplicitlyDenied"),  # GROUPS
        (arn(24, "user", "blocked"), "sts:AssumeRole", arn(24, "role", "guarded-admin"), [], "ExplicitlyDenied"),
        (
            arn(33, "user", "attach-self-2008"),
            "iam:AttachUserPolicy",
            arn(33, "user", "attach-self-2008"),
            [],
            "ImplicitlyDenied",
        ),  # VARIABLES
        (
            arn(10, "user", "pass-to-ec2"),
            "iam:PassRole",
            arn(10, "role", "ec2-admin"),
            ["iam:PassedToService=ec2.amazonaws.com"],
            "Allowed",
        ),  # PASSROLE
        (
            arn(10, "user", "pass-to-ec2"),
            "iam:PassRole",
            arn(10, "role", "ec2-admin"),
            ["iam:PassedToService=lambda.amazonaws.com"],
            "ImplicitlyDenied",
        ),
        # CONDITIONS: aws:username comes from the caller, the group's PassRole does not need it (GROUPS)
        (arn(39, "user", "deploy-bot"), "lambda:CreateFunction", None, [], "Allowed"),
        (arn(39, "user", "other-bot"), "lambda:CreateFunction", None, [], "ImplicitlyDenied"),
        (arn(39, "user", "other-bot"), "iam:PassRole", arn(39, "role", "lambda-admin"), [], "Allowed"),
        # POLICYARN: the policy the request attaches decides
        (arn(43, "user", "attach-readonly-only"), "iam:AttachUserPolicy", arn(43, "user", "attach-readonly-only"),
         ["iam:PolicyARN=arn:aws:iam::aws:policy/AdministratorAccess"], "ImplicitlyDenied"),
        (arn(43, "user", "attach-readonly-only"), "iam:AttachUserPolicy", arn(43, "user", "attach-readonly-only"),
         ["iam:PolicyARN=arn:aws:iam::aws:policy/ReadOnlyAccess"], "Allowed"),
        (arn(43, "user", "attach-not-admin"), "iam:AttachUserPolicy", arn(43, "user", "attach-not-admin"),
         ["iam:PolicyARN=arn:aws:iam::aws:policy/IAMFullAccess"], "Allowed"),
        # REGION: a request that names its Region
        (arn(45, "user", "eu-lambda-deployer"), "iam:PassRole", arn(45, "role", "lambda-admin"),
         ["aws:RequestedRegion=eu-west-1"], "Allowed"),
        (arn(45, "user", "eu-lambda-deployer"), "iam:PassRole", arn(45, "role", "lambda-admin"),
         ["aws:RequestedRegion=us-east-1"], "ImplicitlyDenied"),
        (arn(45, "user", "eu-only-admin"), "iam:CreateUser", arn(45, "user", "new-user"), [], "ImplicitlyDenied"),
        # SCP: iam:PassRole outside service-role/ in a member account
        (arn(48, "user", "lambda-deployer", 2), "iam:PassRole", arn(48, "role", "fn-admin", 2), [], "ExplicitlyDenied"),
        (arn(48, "user", "lambda-deployer", 2), "iam:PassRole", arn(48, "role", "service-role/fn-basic", 2), [],
         "Allowed"),
    ],
)
def test_simulate(loaded, principal, action, resource, context, expected):
    args = ["simulate", "--db", loaded[0], "--principal", principal, "--action", action, "-o", "json"]
    args += ["--resource", resource] if resource else []
    for pair in context:
        args += ["--context", pair]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["decision"] == expected, done.output


def escalation_paths(path: str, principal: str) -> set[str]:
    """The escalation paths iam_principal_access allows ``principal`` (conditionally or not)."""
    con = db.connect(path)
    try:
        controls.create_views(con)
        return {row[0] for row in con.execute(
            "select question || coalesce(' ' || detail, '') from iam_principal_access where principal_arn = ? "
            "and question like 'escalation:%' and decision in ('Allowed', 'AllowedIf')", [principal]).fetchall()}
    finally:
        con.close()


def test_creating_service_linked_roles_opens_no_escalation_path(loaded):
    """SLR: PowerUserAccess's iam:CreateServiceLinkedRole makes a role only its service may assume, so PowerUserAccess
    has the paths of its NotAction statement alone (those that need no IAM action: code run with an existing
    resource's role), and none more."""
    with_slr = escalation_paths(loaded[0], arn(46, "user", "power-user"))
    assert with_slr and with_slr == escalation_paths(loaded[0], arn(46, "user", "power-user-no-slr"))
    iam_paths = {q.id for q in load_questions(ACCESS_QUESTIONS) if any(a.lower().startswith("iam:") for a in q.actions)}
    assert not with_slr & iam_paths, with_slr & iam_paths


def test_a_region_pinned_deployer_may_pass_the_role_only_in_its_region(loaded):
    """REGION: the path through Lambda holds when the requests go to eu-west-1, iam:PassRole included."""
    con = db.connect(loaded[0])
    try:
        controls.create_views(con)
        rows = con.execute(
            "select decision, conditions from iam_principal_access where principal_arn = ? "
            "and question = 'escalation:PassExistingRoleToNewLambdaThenInvoke'",
            [arn(45, "user", "eu-lambda-deployer")]).fetchall()
    finally:
        con.close()
    assert [decision for decision, _ in rows] == ["AllowedIf"], rows
    assert "eu-west-1" in rows[0][1] and "us-east-1" not in rows[0][1], rows


CROSS_ACCOUNT_ADMIN = arn(36, "role", "OrganizationAccountAccessRole", 1)


@pytest.mark.parametrize("name, expected", [("ci-deployer", "Allowed"), ("ci-reader", None)])
def test_who_can_assume_an_administrator_role_of_another_loaded_account(loaded, name, expected):
    """XACCT: the trust names the other account, whose user needs its own Allow too."""
    row = who_can(loaded[0], "sts:AssumeRole", CROSS_ACCOUNT_ADMIN).get(arn(36, "user", name, 2))
    assert (row and row["decision"]) == expected, row


@pytest.mark.parametrize("control", [ADMIN, ESCALATION])
def test_a_principal_that_may_assume_an_administrator_role_of_another_loaded_account_is_found(loaded, control):
    """XACCT: ci-deployer may assume AdministratorAccess in 736000000001 (who-can says so above): it holds
    administrator power, as the controls define it (the right to assume a role that has it)."""
    row = loaded[1][(control, arn(36, "user", "ci-deployer", 2))]
    assert row["status"] == "alarm", row["reason"]


ACCOUNT_ADMIN, MFA_ADMIN, NAMED_ADMIN, UNKNOWN_POWER = (
    arn(37, "role", name) for name in ("AccountAdmin", "MfaAdmin", "NamedAdmin", "UnknownPowerRole"))
# (user, its account's number in folder 37, the administrator role of 737000000001 it may assume and how; None: none)
ACROSS = [
    ("star-assumer", 2, ACCOUNT_ADMIN, "Allowed"),  # XACCT: the trust names its account, its own policy allows it
    ("named-one", 2, NAMED_ADMIN, "Allowed"),  # XACCT: the trust names the user itself
    ("mfa-assumer", 2, MFA_ADMIN, "AllowedIf"),  # CONDITIONS: the trust holds only with MFA
    ("unknown-power-assumer", 2, UNKNOWN_POWER, "Unknown"),  # the role's managed policy is not loaded
    ("other-target", 2, None, None),  # XACCT: its own policy allows sts:AssumeRole on another role only
    ("not-named", 2, None, None),  # PRINCIPAL: its policy allows NamedAdmin, whose trust names another user
    ("unloaded-target", 2, None, None),  # a role of an account that is not loaded: not known to be an administrator
    ("scp-blocked", 3, None, None),  # SCP: star-assumer's policy, in an account whose SCP denies sts:AssumeRole
]




@pytest.mark.parametrize(
    "control, name, sub, role, decision", [(control, *case) for control in (ADMIN, ESCALATION) for case in ACROSS]
)
def test_an_administrator_role_of_another_loaded_account_counts_only_when_both_accounts_allow(
    loaded, control, name, sub, role, decision
):
    """XACCT, SCP: the controls judge a role of another loaded account as who-can does; one whose power is not
    known is skipped, never passed."""
    row = loaded[1][(control, arn(37, "user", name, sub))]
    assert row["status"] == {None: "ok", "Unknown": "skip"}.get(decision, "alarm"), row["reason"]
    assert (role is not None and role.rsplit("/", 1)[-1] in row["reason"]) == (decision is not None), row["reason"]


CHAIN_ADMIN = arn(38, "role", "CrossAdmin")


@pytest.mark.parametrize("name, kind, expected", [
    ("hop", "role", "Allowed"), ("entry", "role", "Allowed"), ("chain-start", "user", "Allowed"), ("no-chain", "user", None)])
def test_who_can_follows_a_chain_of_roles_to_an_administrator_role_of_another_account(loaded, name, kind, expected):
    """XACCT, CHAIN: chain-start may assume entry, entry hop, and hop the administrator role of the other account."""
    row = who_can(loaded[0], "sts:AssumeRole", CHAIN_ADMIN).get(arn(38, kind, name, 2))
    assert (row and row["decision"]) == expected, row


def test_the_assume_admin_role_row_of_a_chain_names_every_role(loaded):
    con = db.connect(loaded[0])
    try:
        controls.create_views(con)
        rows = dict(con.execute(
            "select principal_arn, decision || ' ' || detail from iam_principal_access "
            "where question = 'assume_admin_role' and account_id = ?", [account(38, 2)]).fetchall())
    finally:
        con.close()
    hop, entry = arn(38, "role", "hop", 2), arn(38, "role", "entry", 2)
    assert rows == {hop: f"Allowed {CHAIN_ADMIN}", entry: f"Allowed {hop} -> {CHAIN_ADMIN}",
                    arn(38, "user", "chain-start", 2): f"Allowed {entry} -> {hop} -> {CHAIN_ADMIN}"}


def test_the_assume_admin_role_rows_across_accounts_are_who_cans_answers(loaded):
    """Each assume_admin_role row naming a role of another account holds who-can's decision for that user and role
    (the same engine call), ``Unknown`` when the role's power is not known; a user who-can does not list for any
    of the roles has none."""
    con = db.connect(loaded[0])
    try:
        controls.create_views(con)
        rows = dict(con.execute(
            "select principal_arn, decision || ' ' || detail from iam_principal_access "
            "where question = 'assume_admin_role' and account_id like '737%'").fetchall())
    finally:
        con.close()
    roles = (ACCOUNT_ADMIN, MFA_ADMIN, NAMED_ADMIN, UNKNOWN_POWER)
    answers = {role: who_can(loaded[0], "sts:AssumeRole", role) for role in roles}
    for name, sub, role, decision in ACROSS:
        user = arn(37, "user", name, sub)
        assert rows.get(user) == (f"{decision} {role}" if decision else None), user
        listed = {r: answers[r][user]["decision"] for r in answers if user in answers[r]}
        assert listed.get(role) == ("Allowed" if decision == "Unknown" else decision), (user, listed)
        assert decision or not listed, (user, listed)


def test_checking_only_the_callers_account_gives_the_same_results(loaded):
    """A run of the accounts of the callers alone (as an evidence run that gathered only those) still sees the
    administrator roles of the other loaded accounts: the same results as the run of every account."""
    callers = [account(36, 2), account(37, 2), account(37, 3)]
    con = db.connect(loaded[0])
    try:
        rows = controls.results(con, controls.run_checks(con, controls=[ADMIN, ESCALATION], accounts=callers))
    finally:
        con.close()
    alone = {(r["control_id"], r["resource"]): (r["status"], r["reason"]) for r in rows}
    assert {r[1].split(":")[4] for r in alone} == set(callers)
    assert alone == {key: (r["status"], r["reason"]) for key, r in loaded[1].items()
                     if key[0] in (ADMIN, ESCALATION) and r["account_id"] in callers}
    assert alone[ADMIN, arn(36, "user", "ci-deployer", 2)][0] == "alarm"


def test_the_lake_holds_the_rows_a_check_of_each_account_reads(loaded, tmp_path):
    """The Parquet export (every account's tables built at once, what Spark checks) holds the same rows across
    accounts as the check's build of one account at a time."""
    con = db.connect(loaded[0])
    try:
        lake.export(con, tmp_path / "lake")
        exported = dict(con.execute(
            "select principal_arn, decision || ' ' || detail from read_parquet(?, hive_partitioning = true) "
            "where question = 'assume_admin_role' and split_part(detail, ':', 5) <> account_id",
            [str(tmp_path / "lake" / "iam_principal_access" / "*" / "*.parquet")]).fetchall())
    finally:
        con.close()
    expected = {arn(37, "user", name, sub): f"{decision} {role}" for name, sub, role, decision in ACROSS if decision}
    assert exported == {**expected, arn(36, "user", "ci-deployer", 2): f"Allowed {CROSS_ACCOUNT_ADMIN}",
                        arn(38, "role", "hop", 2): f"Allowed {CHAIN_ADMIN}",
                        PARTNER_DEPLOYER: f"AllowedIf {PARTNER_ADMIN}"}


def escalation_rows(path: str, principal: str, question: str) -> list[tuple]:
    """(decision, detail, conditions, deny conditions) of ``principal``'s rows of ``question`` that hold."""
    con = db.connect(path)
    try:
        controls.create_views(con)
        return con.execute(
            "select decision, detail, conditions, deny_conditions from iam_principal_access where principal_arn = ? "
            "and question = ? and decision in ('Allowed', 'AllowedIf') order by detail", [principal, question]).fetchall()
    finally:
        con.close()


def test_a_boundary_that_leaves_one_method_leaves_only_that_path(loaded):
    """BOUNDARY: iam:* inside a boundary of IAM reads and iam:UpdateLoginProfile: a new password for console-admin is
    the one way up; no path that needs another IAM action opens."""
    assert escalation_paths(loaded[0], arn(58, "user", "bounded-iam-admin")) == {"escalation:UpdateLoginProfile"}


def test_a_password_reset_by_path_names_the_administrator_it_reaches(loaded):
    """CREDENTIALS: iam:UpdateLoginProfile on user/ops/* reaches ops-admin, whose ARN holds the path /ops/."""
    rows = escalation_rows(loaded[0], arn(53, "user", "ops-password-resetter"), "escalation:UpdateLoginProfile")
    assert [(d, detail) for d, detail, _, _ in rows] == [("Allowed", f"on {arn(53, 'user', 'ops/ops-admin')}")]


@pytest.mark.parametrize("name, expected", [
    ("dev-password-maker", []), ("ops-password-maker", [("Allowed", f"on {arn(53, 'user', 'ops/ops-admin')}")])])
def test_a_password_limited_by_the_users_tag_is_judged_on_the_users_that_carry_it(loaded, name, expected):
    """CREDENTIALS: iam:CreateLoginProfile on every user when iam:ResourceTag/team is one value holds for the loaded
    users tagged so: ops-admin (tagged ops) for one; app-worker (tagged dev, no power) for the other."""
    rows = escalation_rows(loaded[0], arn(53, "user", name), "escalation:CreateLoginProfile")
    assert [(d, detail) for d, detail, _, _ in rows] == expected, rows


@pytest.mark.parametrize("name, operator", [("mfa-guarded-attacher", "BoolIfExists"), ("key-slips-through", "Bool")])
def test_a_deny_without_mfa_leaves_attaching_open_when_its_condition_does_not_hold(loaded, name, operator):
    """MFA: Deny * when aws:MultiFactorAuthPresent is false: the path holds when the Deny's condition does not, with
    BoolIfExists (MFA present) as with Bool (MFA present, or long-term keys, which carry no such key)."""
    rows = escalation_rows(loaded[0], arn(56, "user", name), "escalation:AttachUserPolicy")
    assert [(d, json.loads(deny)) for d, _, _, deny in rows] == [
        ("AllowedIf", [{operator: {"aws:MultiFactorAuthPresent": ["false"]}}])], rows


LEGACY_FULL_ACCESS = arn(57, "policy", "legacy-full-access")


@pytest.mark.parametrize(
    "principal, action, resource, context, expected",
    [
        # POLICYARN: the customer managed policy that allows * is attachable where the condition names it
        (arn(57, "user", "customer-policy-attacher"), "iam:AttachUserPolicy", arn(57, "user", "customer-policy-attacher"),
         [f"iam:PolicyARN={LEGACY_FULL_ACCESS}"], "Allowed"),
        (arn(57, "user", "team-policy-attacher"), "iam:AttachUserPolicy", arn(57, "user", "team-policy-attacher"),
         [f"iam:PolicyARN={LEGACY_FULL_ACCESS}"], "ImplicitlyDenied"),
        (arn(57, "user", "deny-aws-admin-attacher"), "iam:AttachUserPolicy", arn(57, "user", "deny-aws-admin-attacher"),
         ["iam:PolicyARN=arn:aws:iam::aws:policy/AdministratorAccess"], "ExplicitlyDenied"),
        # DELEGATION: a new user only with the boundary
        (arn(55, "user", "delegated-user-admin"), "iam:CreateUser", arn(55, "user", "dev-new"),
         [f"iam:PermissionsBoundary={arn(55, 'policy', 'dev-boundary')}"], "Allowed"),
        (arn(55, "user", "delegated-user-admin"), "iam:CreateUser", arn(55, "user", "dev-new"), [], "ImplicitlyDenied"),
        # CREDENTIALS: iam:ResourceTag is the tag of the loaded user the request names
        (arn(53, "user", "dev-password-maker"), "iam:CreateLoginProfile", arn(53, "user", "apps/app-worker"), [],
         "Allowed"),
        (arn(53, "user", "dev-password-maker"), "iam:CreateLoginProfile", arn(53, "user", "ops/ops-admin"), [],
         "ImplicitlyDenied"),
        (arn(53, "user", "dev-password-maker"), "iam:CreateLoginProfile", arn(53, "user", "ops/ops-admin"),
         ["iam:ResourceTag/team=dev"], "Allowed"),  # a context entry wins
        # WORKLOAD: ssm:SendCommand needs the document too
        (arn(50, "user", "no-document-commander"), "ssm:SendCommand",
         "arn:aws:ssm:us-east-1::document/AWS-RunShellScript", [], "ImplicitlyDenied"),
    ],
)
def test_simulate_new_accounts(loaded, principal, action, resource, context, expected):
    test_simulate(loaded, principal, action, resource, context, expected)


@pytest.mark.parametrize("action, resource, principal, expected", [
    # WORKLOAD, EVAL: the Deny on the administrator function's ARN
    ("lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:749000000001:function:admin-fn",
     arn(49, "user", "code-pusher"), "Allowed"),
    ("lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:749000000001:function:admin-fn",
     arn(49, "user", "code-pusher-denied"), None),
    ("codebuild:StartBuild", "arn:aws:codebuild:us-east-1:752000000001:project/deploy",
     arn(52, "user", "builder-denied"), None),
    ("codebuild:StartBuild", "arn:aws:codebuild:us-east-1:752000000001:project/deploy",
     arn(52, "user", "builder"), "Allowed"),
    # CREDENTIALS: the tag of the user named decides
    ("iam:CreateLoginProfile", arn(53, "user", "ops/ops-admin"), arn(53, "user", "ops-password-maker"), "Allowed"),
    ("iam:CreateLoginProfile", arn(53, "user", "ops/ops-admin"), arn(53, "user", "dev-password-maker"), None),
    ("iam:CreateLoginProfile", arn(53, "user", "apps/app-worker"), arn(53, "user", "dev-password-maker"), "Allowed"),
])
def test_who_can_new_accounts(loaded, action, resource, principal, expected):
    test_who_can(loaded, action, resource, principal, expected)


@pytest.mark.parametrize("name, paths", [
    ("ecs-runner", {"escalation:PassExistingRoleToNewECSTaskViaRunTask", "escalation:PassRole+ECS+RunTask"}),
    ("sagemaker-trainer", {"escalation:PassExistingRoleToNewSageMakerProcessingJob",
                           "escalation:PassExistingRoleToNewSageMakerTrainingJob"}),
])
def test_a_role_passed_to_one_service_opens_only_that_services_paths(loaded, name, paths):
    """SERVICES, PASSROLE: iam:PassRole limited by iam:PassedToService opens the paths of that service alone."""
    assert escalation_paths(loaded[0], arn(59, "user", name)) == paths


def test_a_role_limited_to_the_instances_of_its_account_is_passed_to_the_instance_the_path_launches(loaded):
    """ASSOCIATED: the pass names the instance the path launches as iam:AssociatedResourceArn, an instance of the
    account, so the path holds with no condition left."""
    rows = escalation_rows(loaded[0], arn(61, "user", "instance-role-passer"), "escalation:CreateEC2WithExistingIP")
    assert [(d, detail, c) for d, detail, c, _ in rows] == [("Allowed", f"passing {arn(61, 'role', 'ec2-admin')}", None)]


@pytest.mark.parametrize("name, expected", [
    ("named-fn-deployer", [("Allowed", f"passing {arn(61, 'role', 'fn-admin')}")]), ("other-account-fn-deployer", []),
    ("split-fn-deployer", []), ("crossed-fn-deployer", [("Allowed", f"passing {arn(61, 'role', 'fn-admin')}")])])
def test_a_function_created_under_a_name_its_statements_allow_runs_the_passed_role(loaded, name, expected):
    """NAMED: lambda:CreateFunction and lambda:InvokeFunction on function:reports-* of its account are a function it
    creates and invokes; the same of another account are not (a role is passed within its own account); creating
    reports-* and invoking app-* is no path (the function invoked must be the one created), rep* and *-daily meet."""
    rows = escalation_rows(loaded[0], arn(61, "user", name), "escalation:PassExistingRoleToNewLambdaThenInvoke")
    assert [(d, detail) for d, detail, _, _ in rows] == expected, rows


CHAIN_63 = arn(63, "role", "chain-admin")


@pytest.mark.parametrize("name, kind, expected", [
    ("step-b", "role", "Allowed"), ("step-a", "role", "Allowed"), ("chain-user", "user", "Allowed"),
    ("step-a-bounded", "role", None), ("bounded-chain-user", "user", None), ("skip-step-user", "user", None)])
def test_who_can_follows_a_chain_of_roles_that_trust_only_the_role_before(loaded, name, kind, expected):
    """CHAIN, BOUNDARY: chain-admin trusts step-b alone, step-b step-a (and step-a-bounded, whose boundary denies
    sts:AssumeRole), step-a the account."""
    row = who_can(loaded[0], "sts:AssumeRole", CHAIN_63).get(arn(63, kind, name))
    assert (row and row["decision"]) == expected, row


def test_the_assume_admin_row_of_a_chain_in_one_account_names_every_role(loaded):
    con = db.connect(loaded[0])
    try:
        controls.create_views(con)
        rows = dict(con.execute(
            "select principal_arn, decision || ' ' || detail from iam_principal_access "
            "where question = 'assume_admin_role' and account_id = ?", [account(63)]).fetchall())
    finally:
        con.close()
    step_a, step_b = arn(63, "role", "step-a"), arn(63, "role", "step-b")
    assert rows == {step_b: f"Allowed {CHAIN_63}", step_a: f"Allowed {step_b} -> {CHAIN_63}",
                    arn(63, "user", "chain-user"): f"Allowed {step_a} -> {step_b} -> {CHAIN_63}"}


@pytest.mark.parametrize("name, role, condition", [
    ("external-id-caller", "external-id-admin", {"StringEquals": {"sts:ExternalId": ["ops-7f3a9c"]}}),
    ("mfa-caller", "mfa-admin", {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}),
])
def test_a_trust_of_the_account_asking_for_an_external_id_or_mfa_is_conditional(loaded, name, role, condition):
    """EXTERNALID, MFA: the caller of the account may meet the trust's condition (it sets sts:ExternalId on its own
    request; it signs in with MFA), so the administrator role is its own under that condition: not refused."""
    con = db.connect(loaded[0])
    try:
        controls.create_views(con)
        rows = con.execute(
            "select decision, detail, conditions from iam_principal_access where principal_arn = ? "
            "and question = 'assume_admin_role'", [arn(64, "user", name)]).fetchall()
    finally:
        con.close()
    assert [(d, detail, json.loads(c)) for d, detail, c in rows] == [("AllowedIf", arn(64, "role", role), [condition])]


@pytest.mark.parametrize("sub, expected", [
    (2, {f"escalation:UpdateLoginProfile on {arn(66, 'user', 'admin-user', 2)}"}),
    (1, {f"escalation:UpdateLoginProfile on {arn(66, 'user', 'admin-user', 1)}",
         f"escalation:CreateAccessKey on {arn(66, 'user', 'admin-user', 1)}"}),
])
def test_an_scp_denying_new_credentials_leaves_the_password_reset(loaded, sub, expected):
    """SCP: NoNewCredentials denies iam:CreateAccessKey and iam:CreateLoginProfile in the member account, not
    iam:UpdateLoginProfile; the management account keeps both paths."""
    assert escalation_paths(loaded[0], arn(66, "user", "credential-maker", sub)) == expected


@pytest.mark.parametrize("sub, expected", [(1, "Allowed"), (2, None)])
def test_an_rcp_denies_assuming_the_roles_it_names_outside_the_management_account(loaded, sub, expected):
    """RCP: NoAssumeAdminRoles denies sts:AssumeRole of role/admin-* to every caller, in the member account only."""
    row = who_can(loaded[0], "sts:AssumeRole", arn(67, "role", "admin-ops", sub)).get(arn(67, "user", "hopper", sub))
    assert (row and row["decision"]) == expected, row


def test_a_pipeline_passes_its_two_roles_to_two_services(loaded):
    """SERVICES: the path passes the instances' role to EC2 and the pipeline's own to Data Pipeline."""
    assert escalation_paths(loaded[0], arn(68, "user", "pipeline-author")) == {"escalation:PassRole+DataPipeline"}


PROFILED_69, BARE_69 = arn(69, "role", "ec2-admin-profiled"), arn(69, "role", "ec2-admin-bare")


@pytest.mark.parametrize("name, sub, expected", [
    ("runs-profiled", 1, {f"escalation:CreateEC2WithExistingIP passing {PROFILED_69}"}),
    ("runs-any-role", 1, {f"escalation:CreateEC2WithExistingIP passing {PROFILED_69}"}),
    ("runs-bare", 1, {f"escalation:PassExistingRoleToNewLambdaThenInvoke passing {BARE_69}"}),
    ("creates-profile", 1,
     {f"escalation:PassRole+CreateInstanceProfile+AddRoleToInstanceProfile+RunInstances passing {BARE_69}"}),
    ("runs-any-role", 2, {"escalation:CreateEC2WithExistingIP"}),
])
def test_ec2_takes_a_role_only_through_an_instance_profile(loaded, name, sub, expected):
    """PROFILE: launching an instance with (or giving a running one) an administrator role needs an instance profile
    holding it; the caller that passes only a role no profile holds has no EC2 path (its Lambda path stays) unless it
    may make the profile, and that path names both steps. Where the roles' instance profiles are not loaded (the
    second account: roles from list-roles), the path stays open on any role, as before."""
    assert escalation_paths(loaded[0], arn(69, "user", name, sub)) == expected


@pytest.mark.parametrize("control", [ADMIN, ESCALATION])
@pytest.mark.parametrize("name, unknown", [
    ("aws-admin", "AdministratorAccess (not loaded)"),
    ("admin-and-guardrail", "team-guardrail (not loaded)"),
    ("admin-in-group", "the policies of group operators (not loaded)"),
])
def test_a_filter_user_output_skips_a_principal_naming_what_is_unknown(loaded, control, name, unknown):
    """EVAL: an explicit Deny in any policy wins, so an Allow of the documents that are known is proven only when
    no document that is not loaded (a managed policy the output leaves out, a group's policies) could deny it; the
    principal is skipped, naming that document, never passed. The account's policy table is partial (the output
    proves --filter User), yet each principal is judged, not the account skipped. The engine holds no AWS managed
    policy's document of its own: AdministratorAccess is known only where an output lists it."""
    path = loaded[0]
    con = db.connect(path)
    try:
        partial = con.execute(
            "select count(*) from iamsql_partial where account_id = ? and table_name = 'aws_iam_policy'",
            [account(70)]).fetchone()[0]
    finally:
        con.close()
    assert partial == 1
    row = loaded[1][(control, arn(70, "user", name))]
    assert row["status"] == "skip" and unknown in row["reason"], row["reason"]


@pytest.mark.parametrize("control, resource", [
    (LAMBDA, f"arn:aws:lambda:us-east-1:{account(71)}:function:guarded-fn"),
    (EC2, f"arn:aws:ec2:us-east-1:{account(71)}:instance/i-000000000071guarded"),
    (HARDWARE_MFA, arn(71, "user", "guarded-admin")),
])
def test_a_workload_or_user_beside_an_unloaded_policy_is_skipped_naming_it(loaded, control, resource):
    """EVAL: the loaded inline Allow * makes the role (or user) an administrator unless the customer managed policy
    guardrail, which the first page of the output does not hold, denies it; an explicit Deny wins, so the resource is
    skipped naming guardrail, neither alarmed nor passed. The account's roles and users are loaded in part (the
    output says more pages follow), yet each resource is judged, not the account skipped."""
    row = loaded[1][(control, resource)]
    assert row["status"] == "skip" and "guardrail (not loaded)" in row["reason"], row["reason"]


def secret(name: str) -> str:
    """A secret of folder 72's first account, by name (its ARN's random suffix as list-secrets gives it)."""
    suffixes = {"shared-db": "Ab12Cd", "no-policy": "Ef34Gh", "policy-not-read": "Ij56Kl", "app-token": "Mn78Op",
                "account-key": "Qr90St"}
    return f"arn:aws:secretsmanager:us-east-1:{account(72)}:secret:{name}-{suffixes[name]}"


SECRET_READ = "secretsmanager:GetSecretValue"


@pytest.mark.parametrize("name, principal, expected", [
    # RESOURCE POLICY, CROSS-ACCOUNT: the secret's policy names the user of the other account, whose own policy allows
    ("shared-db", arn(72, "user", "partner-reader", 2), "Allowed"),
    ("shared-db", arn(72, "user", "partner-idle", 2), None),  # named, but its own account allows it nothing
    ("shared-db", arn(72, "user", "local-reader"), None),  # the secret's Deny of it wins over its own Allow
    # within the account the secret's policy alone may grant: the role it names holds no policy
    ("app-token", arn(72, "role", "app"), "Allowed"),
    ("app-token", arn(72, "user", "local-reader"), "Allowed"),  # its own policy, the secret's naming someone else
    ("app-token", arn(72, "user", "partner-reader", 2), None),
    # naming the account (its root, or its bare id) delegates to the account's IAM policies
    ("account-key", arn(72, "user", "local-reader"), "Allowed"),
    ("account-key", arn(72, "user", "local-idle"), None),
    ("account-key", arn(72, "user", "partner-reader", 2), "Allowed"),
    ("account-key", arn(72, "user", "partner-idle", 2), None),
    # get-resource-policy answered without a policy: none, so no other account's principal
    ("no-policy", arn(72, "user", "partner-reader", 2), None),
    ("no-policy", arn(72, "user", "local-reader"), "Allowed"),
    # the policy was not read: the other account's reader depends on it, the own account's reader does not
    ("policy-not-read", arn(72, "user", "partner-reader", 2), "Unknown"),
    ("policy-not-read", arn(72, "user", "partner-idle", 2), None),
    ("policy-not-read", arn(72, "user", "local-reader"), "Allowed"),
])
def test_who_can_read_a_secret_reads_its_resource_policy(loaded, name, principal, expected):
    row = who_can(loaded[0], SECRET_READ, secret(name)).get(principal)
    assert (row["decision"] if row else None) == expected, row
    if expected == "Unknown":
        assert row["missing"] == f"the resource policy of secret {name}-{secret(name)[-6:]} (not loaded)", row


@pytest.mark.parametrize("principal, name, expected", [
    (arn(72, "user", "local-reader"), "shared-db", "ExplicitlyDenied"),
    (arn(72, "user", "partner-reader", 2), "shared-db", "Allowed"),
    (arn(72, "user", "partner-reader", 2), "no-policy", "ImplicitlyDenied"),
    (arn(72, "user", "partner-reader", 2), "policy-not-read", "Unknown"),
    (arn(72, "role", "app"), "app-token", "Allowed"),
    (arn(72, "role", "app"), "shared-db", "ImplicitlyDenied"),
    (arn(72, "user", "local-idle"), "account-key", "ImplicitlyDenied"),
])
def test_simulate_reads_a_secrets_resource_policy(loaded, principal, name, expected):
    test_simulate(loaded, principal, SECRET_READ, secret(name), [], expected)


KEYS_73 = {"default-policy": "11111111-aaaa-4aaa-8aaa-111111111111", "names-role": "22222222-bbbb-4bbb-8bbb-222222222222",
           "shares-partner": "33333333-cccc-4ccc-8ccc-333333333333", "policy-not-read": "44444444-dddd-4ddd-8ddd-444444444444"}


def key_73(name: str) -> str:
    return f"arn:aws:kms:us-east-1:{account(73)}:key/{KEYS_73[name]}"


def function_73(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:{account(73)}:function:{name}"


KEY_USER, IDLE, NAMED_ROLE = arn(73, "user", "key-user"), arn(73, "user", "idle"), arn(73, "role", "named-role")
PARTNER, PARTNER_IDLE = arn(73, "user", "partner-user", 2), arn(73, "user", "partner-idle", 2)


@pytest.mark.parametrize("action, resource, principal, expected", [
    # KMS Developer Guide, "Default key policy": the statement naming the account root "allows ... IAM policies" of
    # the account to allow the key; the other account is not named, so its principals are not let in
    ("kms:Decrypt", key_73("default-policy"), KEY_USER, "Allowed"),
    ("kms:Decrypt", key_73("default-policy"), IDLE, None),
    ("kms:Decrypt", key_73("default-policy"), PARTNER, None),
    # "Key policies in AWS KMS": without the root statement IAM policies give nothing; the role the key policy names
    # needs no IAM policy of its own
    ("kms:Decrypt", key_73("names-role"), NAMED_ROLE, "Allowed"),
    ("kms:Decrypt", key_73("names-role"), KEY_USER, None),
    # "Allowing users in other accounts to use a KMS key": the key policy names the other account and that account's
    # IAM policy must allow too
    ("kms:Decrypt", key_73("shares-partner"), PARTNER, "Allowed"),
    ("kms:Decrypt", key_73("shares-partner"), PARTNER_IDLE, None),
    ("kms:Decrypt", key_73("shares-partner"), KEY_USER, "Allowed"),
    # listed, its key policy not read: every key has one, which decides within the account and across
    ("kms:Decrypt", key_73("policy-not-read"), KEY_USER, "Unknown"),
    ("kms:Decrypt", key_73("policy-not-read"), PARTNER, "Unknown"),
    # Lambda Developer Guide, "Granting function access to other accounts": the function's policy names the account
    ("lambda:InvokeFunction", function_73("partner-fn"), PARTNER, "Allowed"),
    ("lambda:InvokeFunction", function_73("partner-fn"), PARTNER_IDLE, None),
    ("lambda:InvokeFunction", function_73("partner-fn"), KEY_USER, "Allowed"),
    # a policy naming only the S3 service (with aws:SourceArn/SourceAccount) lets in no principal of the other account
    ("lambda:InvokeFunction", function_73("service-hook"), PARTNER, None),
    ("lambda:InvokeFunction", function_73("service-hook"), KEY_USER, "Allowed"),
    # GetPolicy answered ResourceNotFoundException: no policy, so no other account's principal
    ("lambda:InvokeFunction", function_73("no-policy-fn"), PARTNER, None),
    ("lambda:InvokeFunction", function_73("no-policy-fn"), KEY_USER, "Allowed"),
    # listed, its policy not read: the other account's principal depends on it, the own account's does not
    ("lambda:InvokeFunction", function_73("not-read-fn"), PARTNER, "Unknown"),
    ("lambda:InvokeFunction", function_73("not-read-fn"), KEY_USER, "Allowed"),
    # S3 User Guide, "Bucket owner granting cross-account bucket permissions": the bucket policy names the account
    # and its user's IAM policy allows; an object belongs to its bucket's policy
    ("s3:GetObject", "arn:aws:s3:::shared-bucket/report.csv", PARTNER, "Allowed"),
    ("s3:GetObject", "arn:aws:s3:::shared-bucket/report.csv", PARTNER_IDLE, None),
    # within the account the bucket policy alone may grant ("How Amazon S3 authorizes a request"): idle has no policy
    ("s3:GetObject", "arn:aws:s3:::named-bucket/report.csv", IDLE, "Allowed"),
    ("s3:GetObject", "arn:aws:s3:::named-bucket/report.csv", PARTNER, "Allowed"),
    # the bucket policy's Deny wins over the user's own Allow
    ("s3:GetObject", "arn:aws:s3:::deny-bucket/report.csv", KEY_USER, None),
    ("s3:GetObject", "arn:aws:s3:::no-policy-bucket/report.csv", PARTNER, None),  # NoSuchBucketPolicy
    ("s3:GetObject", "arn:aws:s3:::no-policy-bucket/report.csv", KEY_USER, "Allowed"),
    ("s3:GetObject", "arn:aws:s3:::not-read-bucket/report.csv", PARTNER, "Unknown"),
    ("s3:GetObject", "arn:aws:s3:::not-read-bucket/report.csv", KEY_USER, "Allowed"),
    # "The meaning of public": Principal * is public. RestrictPublicBuckets on the bucket blocks other accounts' access
    # through it (Amazon S3 API Reference, PublicAccessBlockConfiguration); without it on the bucket, the account's
    # setting (not loaded) may; get-bucket-policy-status not loaded: whether it is public is not known to iamsql
    ("s3:GetObject", "arn:aws:s3:::public-restricted/report.csv", PARTNER, None),
    ("s3:GetObject", "arn:aws:s3:::public-restricted/report.csv", KEY_USER, "Allowed"),
    ("s3:GetObject", "arn:aws:s3:::public-open/report.csv", PARTNER, "Unknown"),
    ("s3:GetObject", "arn:aws:s3:::public-open/report.csv", IDLE, "Allowed"),
    ("s3:GetObject", "arn:aws:s3:::star-no-status/report.csv", PARTNER, "Unknown"),
    ("s3:GetObject", "arn:aws:s3:::star-no-status/report.csv", PARTNER_IDLE, None),
    # a bucket not loaded: neither its account nor its policy is known
    ("s3:GetObject", "arn:aws:s3:::not-loaded-bucket/report.csv", KEY_USER, "Unknown"),
    ("s3:GetObject", "arn:aws:s3:::not-loaded-bucket/report.csv", PARTNER, "Unknown"),
])
def test_who_can_reads_key_function_and_bucket_policies(loaded, action, resource, principal, expected):
    row = who_can(loaded[0], action, resource).get(principal)
    assert (row["decision"] if row else None) == expected, row


@pytest.mark.parametrize("principal, action, resource, expected", [
    (NAMED_ROLE, "kms:Decrypt", key_73("names-role"), "Allowed"),
    (KEY_USER, "kms:Decrypt", key_73("names-role"), "ImplicitlyDenied"),
    (PARTNER, "kms:Decrypt", key_73("default-policy"), "ImplicitlyDenied"),
    (PARTNER, "kms:Decrypt", key_73("shares-partner"), "Allowed"),
    (PARTNER, "kms:Decrypt", key_73("policy-not-read"), "Unknown"),
    (PARTNER, "lambda:InvokeFunction", function_73("partner-fn"), "Allowed"),
    (PARTNER, "lambda:InvokeFunction", function_73("no-policy-fn"), "ImplicitlyDenied"),
    (PARTNER, "s3:GetObject", "arn:aws:s3:::shared-bucket/a", "Allowed"),
    (PARTNER, "s3:GetObject", "arn:aws:s3:::no-policy-bucket/a", "ImplicitlyDenied"),
    (PARTNER, "s3:GetObject", "arn:aws:s3:::not-read-bucket/a", "Unknown"),
    (KEY_USER, "s3:GetObject", "arn:aws:s3:::deny-bucket/a", "ExplicitlyDenied"),
    (PARTNER, "s3:GetObject", "arn:aws:s3:::public-restricted/a", "ImplicitlyDenied"),
    (PARTNER, "s3:GetObject", "arn:aws:s3:::public-open/a", "Unknown"),
])
def test_simulate_reads_key_function_and_bucket_policies(loaded, principal, action, resource, expected):
    test_simulate(loaded, principal, action, resource, [], expected)


READER_1, READER_2 = arn(74, "user", "reader", 1), arn(74, "user", "reader", 2)


@pytest.mark.parametrize("bucket, principal, expected", [
    # S3_BLOCK: S3 applies the most restrictive combination of the bucket's and the account's settings, so the
    # account's RestrictPublicBuckets blocks the other account's access through a public policy on every bucket,
    # whether the bucket's own setting is false or was not read; the owner's account keeps its access
    ("account-restricted", READER_2, None),
    ("account-restricted", READER_1, "Allowed"),
    ("no-bucket-block", READER_2, None),
    # both settings read and false: the public policy lets the other account in, whether or not S3's verdict on the
    # policy is loaded (nothing would restrict it)
    ("both-open", READER_1, "Allowed"),
    ("no-status-both-off", READER_1, "Allowed"),
    # the account's false, the bucket's not read: it may be true
    ("bucket-block-not-read", READER_1, "Unknown"),
])
def test_who_can_weighs_the_account_s_block_public_access(loaded, bucket, principal, expected):
    row = who_can(loaded[0], "s3:GetObject", f"arn:aws:s3:::{bucket}/report.csv").get(principal)
    assert (row["decision"] if row else None) == expected, row


def test_an_unknown_block_names_what_is_not_loaded(loaded):
    """Each Unknown names the setting that was not read: the bucket's, or the account's, never one that was."""
    bucket_not_read = who_can(loaded[0], "s3:GetObject", "arn:aws:s3:::bucket-block-not-read/a")[READER_1]
    account_not_read = who_can(loaded[0], "s3:GetObject", "arn:aws:s3:::public-open/a")[PARTNER]
    assert bucket_not_read["missing"] == (
        "the Block Public Access settings of bucket bucket-block-not-read (get-public-access-block not loaded): S3 "
        "Block Public Access's RestrictPublicBuckets, on the bucket or on its account, blocks other accounts' access "
        "through a public bucket policy")
    assert account_not_read["missing"].startswith(
        f"the Block Public Access settings of account {account(73)} (s3control get-public-access-block not loaded): "
        "S3 Block Public Access's RestrictPublicBuckets"), account_not_read


@pytest.mark.parametrize("principal, bucket, expected", [
    (READER_2, "account-restricted", "ImplicitlyDenied"),
    (READER_1, "both-open", "Allowed"),
    (READER_1, "bucket-block-not-read", "Unknown"),
])
def test_simulate_weighs_the_account_s_block_public_access(loaded, principal, bucket, expected):
    test_simulate(loaded, principal, "s3:GetObject", f"arn:aws:s3:::{bucket}/a", [], expected)


@pytest.mark.parametrize("bucket, n, status, words", [
    ("account-restricted", 74, "ok", "its account's Block Public Access restricts public buckets"),
    ("no-bucket-block", 74, "ok", "its account's Block Public Access restricts public buckets"),
    ("both-open", 74, "alarm", "add an aws:PrincipalOrgID condition."),
    ("public-restricted", 73, "ok", "but its Block Public Access restricts public buckets"),
    ("public-open", 73, "alarm", "The account's Block Public Access is not loaded"),
])
def test_the_bucket_policy_control_weighs_the_account_s_block_public_access(loaded, bucket, n, status, words):
    row = loaded[1][(S3_POLICY, f"arn:aws:s3:::{bucket}")]
    assert (row["status"], row["account_id"][:3]) == (status, f"7{n}"), row
    assert words in row["reason"], row["reason"]


DEPLOYER, STARTER = arn(75, "role", "deployer"), arn(75, "user", "starter")
SESSION_ADMIN, GUARDED_ADMIN = arn(75, "role", "session-admin"), arn(75, "role", "guarded-admin")
RELEASE = {"StringEquals": {"aws:userid": ["AROADEPLOYERXXXXXXXX:release"]}}  # deployer's RoleId, ":", the name
UNTRUSTED = {"StringEquals": {"aws:userid": ["AROADEPLOYERXXXXXXXX:untrusted"]}}
PARTNER_DEPLOYER, PARTNER_ADMIN = arn(75, "role", "ci/partner-deployer", 2), arn(75, "role", "partner-admin")
PARTNER_RELEASE = {"StringEquals": {"aws:userid": ["AROAPARTNERDEPLOYERX:release"]}}


@pytest.mark.parametrize("role, principal, expected", [
    # SESSION: only deployer's sessions named release match the trust's session ARN (its conditions), and so for
    # whoever reaches deployer; the role's own trust and policies decide the rest
    (SESSION_ADMIN, DEPLOYER, ("AllowedIf", [RELEASE], None)),
    (SESSION_ADMIN, STARTER, ("AllowedIf", [RELEASE], None)),
    # a Deny naming one session of deployer holds unless deployer's session has another name (deny_conditions)
    (GUARDED_ADMIN, DEPLOYER, ("AllowedIf", None, [UNTRUSTED])),
    (GUARDED_ADMIN, STARTER, ("AllowedIf", None, [UNTRUSTED])),
    (GUARDED_ADMIN, SESSION_ADMIN, ("Allowed", None, None)),
    # XACCT: a session of another account's role (under a path the session ARN does not carry)
    (PARTNER_ADMIN, PARTNER_DEPLOYER, ("AllowedIf", [PARTNER_RELEASE], None)),
])
def test_a_trust_naming_a_role_session_holds_only_for_that_session_name(loaded, role, principal, expected):
    row = who_can(loaded[0], "sts:AssumeRole", role)[principal]
    found = [row[key] and json.loads(row[key]) for key in ("conditions", "deny_conditions")]
    assert (row["decision"], *found) == expected, row


@pytest.mark.parametrize("context, expected", [
    (["--unknown-context"], "AllowedIf"),  # the session name is not known: its condition
    (["--context", "aws:userid=AROADEPLOYERXXXXXXXX:release"], "Allowed"),
    (["--context", "aws:userid=AROADEPLOYERXXXXXXXX:nightly"], "ImplicitlyDenied"),
    ([], "ImplicitlyDenied"),  # a request without the session's name: no session name matches
])
def test_simulate_a_trust_naming_a_role_session(loaded, context, expected):
    args = ["simulate", "--db", loaded[0], "--principal", DEPLOYER, "--action", "sts:AssumeRole", "--resource",
            SESSION_ADMIN, "-o", "json", *context]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    answer = json.loads(done.output)
    assert answer["decision"] == expected, answer
    assert expected != "AllowedIf" or answer["conditions"] == [RELEASE], answer


def test_the_access_table_reaches_an_administrator_through_a_named_session_conditionally(loaded):
    """Both administrator roles hold for deployer only under its session's name (one trusts that name, the other
    denies another): assume_admin_role shows one of them, AllowedIf, directly and through deployer; so does the
    administrator role trusting a session of the other account's partner-deployer."""
    con = db.connect(loaded[0])
    try:
        controls.create_views(con)
        rows = {r[0]: r[1:] for r in con.execute(
            "select principal_arn, decision, detail from iam_principal_access "
            "where question = 'assume_admin_role' and principal_arn in (?, ?, ?)",
            [DEPLOYER, STARTER, PARTNER_DEPLOYER]).fetchall()}
    finally:
        con.close()
    assert rows.pop(PARTNER_DEPLOYER) == ("AllowedIf", PARTNER_ADMIN)  # across accounts too
    assert rows[DEPLOYER][0] == rows[STARTER][0] == "AllowedIf", rows
    assert rows[DEPLOYER][1] in (SESSION_ADMIN, GUARDED_ADMIN) and rows[STARTER][1] == f"{DEPLOYER} -> {rows[DEPLOYER][1]}"


def test_a_kms_denial_says_grants_are_not_read(loaded):
    """A key's grants may allow what its policies do not: an implicit denial on a key says they were not read."""
    args = ["simulate", "--db", loaded[0], "--principal", KEY_USER, "--action", "kms:Decrypt", "--resource",
            key_73("names-role"), "-o", "json"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "grants are not read" in json.loads(done.output)["reason"], done.output


def test_who_can_on_a_key_whose_policy_is_read_notes_grants_only(loaded):
    done = CliRunner().invoke(app, ["who-can", "--db", loaded[0], "kms:Decrypt", "--resource",
                                    key_73("default-policy"), "-o", "json"])
    assert done.exit_code == 0, done.output
    assert "grants are not read" in done.stderr and "is not loaded" not in done.stderr, done.stderr
    done = CliRunner().invoke(app, ["who-can", "--db", loaded[0], "kms:Decrypt", "--resource",
                                    key_73("policy-not-read"), "-o", "json"])
    assert "is not loaded" in done.stderr, done.stderr
