"""Request scenarios written from AWS's documentation of policy evaluation, one pytest parameter per scenario.

Each scenario is a request in the format `iamsql simulate` reads and the decision AWS's pages give for it: the IAM
User Guide ("Policy evaluation logic", "Cross-account policy evaluation logic", "IAM JSON policy elements:
Principal / NotPrincipal / Resource / Condition operators", "Variables and tags", "Multivalued context keys",
"Permissions boundaries", "Session policies", "AWS global condition context keys", "Compare AWS STS credentials")
and the AWS Organizations User Guide (SCPs, RCPs). Static-analysis scenarios (`unknown_context`) check that the
engine never answers `Allowed` for a request it cannot decide. Every scenario runs through the Python API
(`simulate`); all of them also run once through `iamsql simulate --request`, which must give the same decisions.
"""

import json
import subprocess
import sys

import pytest

from iamsql.policy import simulate
from tests.test_policy_engine import ADMIN, RCP_FULL, S3_ONLY, allow, deny, doc

A, B, MGMT = "111122223333", "444455556666", "999988887777"
ALICE = f"arn:aws:iam::{A}:user/alice"
BOB = f"arn:aws:iam::{A}:user/bob"
CAROL = f"arn:aws:iam::{B}:user/carol"
ROOT_A, ROOT_B = f"arn:aws:iam::{A}:root", f"arn:aws:iam::{B}:root"
APP_ROLE = f"arn:aws:iam::{A}:role/app"
APP_SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"
DEPLOY_ROLE_B = f"arn:aws:iam::{B}:role/deploy"
DEPLOY_SESSION_B = f"arn:aws:sts::{B}:assumed-role/deploy/run-1"
FED_ALICE = f"arn:aws:sts::{A}:federated-user/alice"
SLR_SESSION = f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForECS/ecs"
TARGET_ROLE = f"arn:aws:iam::{A}:role/target"
OBJECT = "arn:aws:s3:::reports/2026/q1.csv"
BUCKET = "arn:aws:s3:::reports"
QUEUE = f"arn:aws:sqs:us-east-1:{A}:orders"
KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
INSTANCE = f"arn:aws:ec2:us-east-1:{A}:instance/i-0123456789abcdef0"


FULL = [[ADMIN]]  # one level holding an allow-everything SCP


def req(action, resource, principal, **extra):
    """A request; S3 ARNs carry no account, so the resource account defaults to A."""
    if resource and resource.startswith("arn:aws:s3:"):
        extra.setdefault("resource_account", A)
    return {"action": action, "resource": resource, "principal": principal, **extra}


def bucket_policy(principal, effect="Allow", action="s3:GetObject", **extra):
    key = "NotPrincipal" if extra.pop("not_principal", False) else "Principal"
    statement = {"Effect": effect, key: principal, "Action": action, "Resource": ["arn:aws:s3:::reports/*"], **extra}
    return doc(statement)


def case(case_id, expected, request, *, unknown=False):
    return pytest.param(request, unknown, expected, id=case_id)


GET = "s3:GetObject"
TEAM_VALUE = "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"
TEAM_OBJECT = "arn:aws:s3:::teams/red/plan.txt"

CASES = [
    # --- Policy evaluation logic: one account ---------------------------------------------------------------------
    case("eval-identity-allow", "Allowed", req(GET, OBJECT, ALICE, identity_policies=[S3_ONLY])),
    case("eval-no-statement-applies", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[doc(allow("ec2:*"))])),
    case("eval-deny-in-other-policy-wins", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc(deny("s3:Get*"))])),
    case("eval-resource-policy-alone-same-account", "Allowed",
         req(GET, OBJECT, ALICE, resource_policy=bucket_policy({"AWS": ALICE}))),
    case("eval-identity-allows-resource-policy-silent", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[S3_ONLY], resource_policy=bucket_policy({"AWS": BOB}))),
    case("eval-resource-policy-deny-wins", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], resource_policy=bucket_policy("*", "Deny"))),
    case("eval-account-principal-delegates-no-identity", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, resource_policy=bucket_policy({"AWS": A}))),
    case("eval-account-principal-delegates-with-identity", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[S3_ONLY], resource_policy=bucket_policy({"AWS": ROOT_A}))),
    case("eval-role-arn-names-every-session", "Allowed",
         req(GET, OBJECT, APP_SESSION, resource_policy=bucket_policy({"AWS": APP_ROLE}))),
    case("eval-session-arn-names-only-that-session", "ImplicitlyDenied",
         req(GET, OBJECT, APP_SESSION, resource_policy=bucket_policy({"AWS": f"arn:aws:sts::{A}:assumed-role/app/s2"}))),
    case("eval-deny-naming-account-hits-its-sessions", "ExplicitlyDenied",
         req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN], resource_policy=bucket_policy({"AWS": A}, "Deny"))),
    case("eval-service-principal-named", "Allowed",
         req(GET, OBJECT, "cloudtrail.amazonaws.com", resource_policy=bucket_policy({"Service": "cloudtrail.amazonaws.com"}))),
    case("eval-service-principal-other-service", "ImplicitlyDenied",
         req(GET, OBJECT, "config.amazonaws.com", resource_policy=bucket_policy({"Service": "cloudtrail.amazonaws.com"}))),
    case("eval-anonymous-public-bucket", "Allowed", req(GET, OBJECT, None, resource_policy=bucket_policy("*"))),
    case("eval-anonymous-account-principal", "ImplicitlyDenied",
         req(GET, OBJECT, None, resource_policy=bucket_policy({"AWS": A}))),
    case("eval-anonymous-no-resource-policy", "ImplicitlyDenied", req(GET, OBJECT, None)),
    case("eval-root-full-access-own-account", "Allowed", req("iam:CreateUser", f"arn:aws:iam::{A}:user/x", ROOT_A)),
    case("eval-root-denied-by-bucket-policy", "ExplicitlyDenied",
         req(GET, OBJECT, ROOT_A, resource_policy=bucket_policy({"AWS": A}, "Deny"))),
    case("eval-kms-key-policy-must-allow-root", "ImplicitlyDenied",
         req("kms:Decrypt", KEY, ROOT_A, resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": APP_ROLE}, "Action": "kms:*", "Resource": "*"}))),
    case("eval-kms-key-policy-names-account-identity-allows", "Allowed",
         req("kms:Decrypt", KEY, ALICE, identity_policies=[doc(allow("kms:Decrypt"))], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": ROOT_A}, "Action": "kms:*", "Resource": "*"}))),
    # --- Cross-account policy evaluation logic -------------------------------------------------------------------
    case("xacct-both-sides-allow", "Allowed",
         req(GET, OBJECT, CAROL, identity_policies=[S3_ONLY], resource_policy=bucket_policy({"AWS": B}))),
    case("xacct-resource-side-only", "ImplicitlyDenied", req(GET, OBJECT, CAROL, resource_policy=bucket_policy({"AWS": CAROL}))),
    case("xacct-identity-side-only", "ImplicitlyDenied", req(GET, OBJECT, CAROL, identity_policies=[ADMIN])),
    case("xacct-star-principal-still-needs-identity", "ImplicitlyDenied",
         req(GET, OBJECT, CAROL, resource_policy=bucket_policy("*"))),
    case("xacct-root-caller-account-named", "Allowed", req(GET, OBJECT, ROOT_B, resource_policy=bucket_policy({"AWS": B}))),
    case("xacct-root-caller-other-user-named", "ImplicitlyDenied",
         req(GET, OBJECT, ROOT_B, resource_policy=bucket_policy({"AWS": CAROL}))),
    case("xacct-role-arn-named-session-with-identity", "Allowed",
         req(GET, OBJECT, DEPLOY_SESSION_B, identity_policies=[S3_ONLY], resource_policy=bucket_policy({"AWS": DEPLOY_ROLE_B}))),
    case("xacct-caller-boundary-limits", "ImplicitlyDenied",
         req(GET, OBJECT, CAROL, identity_policies=[ADMIN], permission_boundaries=[doc(allow("ec2:*"))],
             resource_policy=bucket_policy({"AWS": CAROL}))),
    case("xacct-caller-scp-level-without-allow", "ImplicitlyDenied",
         req(GET, OBJECT, CAROL, identity_policies=[ADMIN], resource_policy=bucket_policy({"AWS": B}),
             scps=[[ADMIN], [doc(allow("ec2:*"))]])),
    case("xacct-other-account-named", "ImplicitlyDenied",
         req(GET, OBJECT, CAROL, identity_policies=[ADMIN], resource_policy=bucket_policy({"AWS": MGMT}))),
    # --- NotPrincipal (Deny only) ---------------------------------------------------------------------------------
    case("notprincipal-user-and-account-listed-exempt", "Allowed",
         req(GET, OBJECT, CAROL, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": B}, "Action": GET, "Resource": "arn:aws:s3:::reports/*"},
             {"Effect": "Deny", "NotPrincipal": {"AWS": [CAROL, ROOT_B]}, "Action": "s3:*", "Resource": "*"}))),
    case("notprincipal-user-listed-without-account-denied", "ExplicitlyDenied",
         req(GET, OBJECT, CAROL, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": B}, "Action": GET, "Resource": "arn:aws:s3:::reports/*"},
             {"Effect": "Deny", "NotPrincipal": {"AWS": [CAROL]}, "Action": "s3:*", "Resource": "*"}))),
    case("notprincipal-role-without-session-denied", "ExplicitlyDenied",
         req(GET, OBJECT, DEPLOY_SESSION_B, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": B}, "Action": GET, "Resource": "arn:aws:s3:::reports/*"},
             {"Effect": "Deny", "NotPrincipal": {"AWS": [DEPLOY_ROLE_B, ROOT_B]}, "Action": "s3:*", "Resource": "*"}))),
    case("notprincipal-session-role-and-account-exempt", "Allowed",
         req(GET, OBJECT, DEPLOY_SESSION_B, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": B}, "Action": GET, "Resource": "arn:aws:s3:::reports/*"},
             {"Effect": "Deny", "NotPrincipal": {"AWS": [DEPLOY_SESSION_B, DEPLOY_ROLE_B, ROOT_B]},
              "Action": "s3:*", "Resource": "*"}))),
    case("notprincipal-anonymous-denied", "ExplicitlyDenied",
         req(GET, OBJECT, None, resource_policy=doc(
             {"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "arn:aws:s3:::reports/*"},
             {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, ROOT_A]}, "Action": "s3:*", "Resource": "*"}))),
    case("notprincipal-service-listed-exempt", "Allowed",
         req(GET, OBJECT, "cloudtrail.amazonaws.com", resource_policy=doc(
             {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*"},
             {"Effect": "Deny", "NotPrincipal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:*",
              "Resource": "*"}))),
    case("notprincipal-deny-always-hits-bounded-user", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], permission_boundaries=[ADMIN], resource_policy=doc(
             {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, ROOT_A]}, "Action": "s3:*", "Resource": "*"}))),
    # --- Permissions boundaries and session policies --------------------------------------------------------------
    case("boundary-and-identity-allow", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], permission_boundaries=[S3_ONLY])),
    case("boundary-silent-denies", "ImplicitlyDenied",
         req("iam:CreateUser", f"arn:aws:iam::{A}:user/x", ALICE, identity_policies=[ADMIN], permission_boundaries=[S3_ONLY])),
    case("boundary-grants-nothing-alone", "ImplicitlyDenied", req(GET, OBJECT, ALICE, permission_boundaries=[ADMIN])),
    case("boundary-bypassed-by-user-arn-grant", "Allowed",
         req(GET, OBJECT, ALICE, permission_boundaries=[doc(allow("ec2:*"))], resource_policy=bucket_policy({"AWS": ALICE}))),
    case("boundary-limits-role-arn-grant", "ImplicitlyDenied",
         req(GET, OBJECT, APP_SESSION, permission_boundaries=[doc(allow("ec2:*"))], resource_policy=bucket_policy({"AWS": APP_ROLE}))),
    case("boundary-bypassed-by-session-arn-grant", "Allowed",
         req(GET, OBJECT, APP_SESSION, permission_boundaries=[doc(allow("ec2:*"))], resource_policy=bucket_policy({"AWS": APP_SESSION}))),
    case("boundary-limits-account-grant", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], permission_boundaries=[doc(allow("ec2:*"))],
             resource_policy=bucket_policy({"AWS": A}))),
    case("boundary-explicit-deny-beats-user-arn-grant", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, permission_boundaries=[doc(allow(), deny("s3:*"))], resource_policy=bucket_policy({"AWS": ALICE}))),
    case("session-policy-limits-identity", "ImplicitlyDenied",
         req("s3:PutObject", OBJECT, APP_SESSION, identity_policies=[ADMIN], session_policy=doc(allow(GET)))),
    case("session-policy-cannot-widen", "ImplicitlyDenied",
         req("s3:PutObject", OBJECT, APP_SESSION, identity_policies=[doc(allow(GET))], session_policy=S3_ONLY)),
    case("session-policy-bypassed-by-session-arn-grant", "Allowed",
         req(GET, OBJECT, APP_SESSION, session_policy=doc(allow("ec2:*")), resource_policy=bucket_policy({"AWS": APP_SESSION}))),
    case("session-policy-limits-role-arn-grant", "ImplicitlyDenied",
         req(GET, OBJECT, APP_SESSION, session_policy=doc(allow("ec2:*")), resource_policy=bucket_policy({"AWS": APP_ROLE}))),
    case("federated-user-without-session-policy", "ImplicitlyDenied", req(GET, OBJECT, FED_ALICE, identity_policies=[ADMIN])),
    case("federated-user-session-policy-intersection", "Allowed",
         req(GET, OBJECT, FED_ALICE, identity_policies=[ADMIN], session_policy=S3_ONLY)),
    # --- SCPs -----------------------------------------------------------------------------------------------------
    case("scp-every-level-must-allow", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], scps=[[ADMIN], [doc(allow("ec2:*"))], [ADMIN]])),
    case("scp-each-level-allows", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], scps=[[ADMIN], [S3_ONLY], [doc(allow(GET))]])),
    case("scp-management-account-exempt", "Allowed",
         req(GET, OBJECT, f"arn:aws:iam::{MGMT}:user/admin", resource_account=MGMT, identity_policies=[ADMIN],
             scps=[[doc(deny())]], management_account_id=MGMT)),
    case("scp-service-linked-role-session-exempt", "Allowed",
         req("ec2:DescribeInstances", "*", SLR_SESSION, identity_policies=[ADMIN], scps=[[doc(deny())]])),
    case("scp-member-root-user-restricted", "ExplicitlyDenied",
         req(GET, OBJECT, ROOT_A, scps=[[ADMIN, doc(deny("s3:*"))]], management_account_id=MGMT)),
    case("scp-limits-resource-policy-grant", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, resource_policy=bucket_policy({"AWS": ALICE}), scps=[[doc(allow("ec2:*"))]])),
    case("scp-does-not-apply-to-service-principal", "Allowed",
         req(GET, OBJECT, "cloudtrail.amazonaws.com", resource_policy=bucket_policy({"Service": "cloudtrail.amazonaws.com"}),
             scps=[[doc(deny())]])),
    case("scp-grants-nothing", "ImplicitlyDenied", req(GET, OBJECT, ALICE, scps=FULL)),
    # --- RCPs -----------------------------------------------------------------------------------------------------
    case("rcp-deny-s3", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*"))]])),
    case("rcp-ec2-not-a-supported-service", "Allowed",
         req("ec2:StartInstances", INSTANCE, ALICE, identity_policies=[ADMIN], rcps=[[doc(deny(Principal="*"))]])),
    case("rcp-management-account-resource-exempt", "Allowed",
         req("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{MGMT}:q", f"arn:aws:iam::{MGMT}:user/admin", identity_policies=[ADMIN],
             rcps=[[doc(deny(Principal="*"))]], management_account_id=MGMT)),
    case("rcp-service-linked-role-caller-exempt", "Allowed",
         req("sqs:SendMessage", QUEUE, SLR_SESSION, identity_policies=[ADMIN], rcps=[[doc(deny(Principal="*"))]])),
    case("rcp-level-without-allow", "ImplicitlyDenied",
         req("sqs:SendMessage", QUEUE, ALICE, identity_policies=[ADMIN], rcps=[[RCP_FULL], []])),
    case("rcp-applies-to-anonymous", "ExplicitlyDenied",
         req(GET, OBJECT, None, resource_policy=bucket_policy("*"), rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*"))]])),
    case("rcp-grants-nothing", "ImplicitlyDenied", req(GET, OBJECT, ALICE, rcps=[[RCP_FULL]])),
    case("rcp-applies-to-web-identity", "ExplicitlyDenied",
         req("sts:AssumeRoleWithWebIdentity", TARGET_ROLE, f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com",
             resource_policy=doc({"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {
                 "Federated": f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"}}),
             rcps=[[RCP_FULL, doc(deny("sts:AssumeRoleWithWebIdentity", Principal="*"))]])),
    case("scp-restricts-federated-user-session", "ExplicitlyDenied",
         req(GET, OBJECT, FED_ALICE, identity_policies=[ADMIN], session_policy=ADMIN, scps=[[ADMIN, doc(deny("s3:*"))]])),
    case("xacct-kms-both-sides", "Allowed",
         req("kms:Decrypt", KEY, CAROL, identity_policies=[doc(allow("kms:Decrypt", KEY))], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": ROOT_B}, "Action": "kms:Decrypt", "Resource": "*"}))),
    # --- STS ------------------------------------------------------------------------------------------------------
    case("sts-root-cannot-assume-role", "ImplicitlyDenied",
         req("sts:AssumeRole", TARGET_ROLE, ROOT_A, resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}))),
    case("sts-getcalleridentity-never-denied", "Allowed",
         req("sts:GetCallerIdentity", None, ALICE, identity_policies=[doc(deny())], scps=[[doc(deny())]])),
    case("sts-trust-names-user-no-identity-needed", "Allowed",
         req("sts:AssumeRole", TARGET_ROLE, ALICE, resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"}))),
    case("sts-trust-names-account-needs-identity", "ImplicitlyDenied",
         req("sts:AssumeRole", TARGET_ROLE, ALICE, resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}))),
    case("sts-identity-alone-not-enough-for-trust", "ImplicitlyDenied",
         req("sts:AssumeRole", TARGET_ROLE, ALICE, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": BOB}, "Action": "sts:AssumeRole"}))),
    case("sts-cross-account-trust-names-account", "Allowed",
         req("sts:AssumeRole", TARGET_ROLE, CAROL, identity_policies=[doc(allow("sts:AssumeRole", TARGET_ROLE))],
             resource_policy=doc({"Effect": "Allow", "Principal": {"AWS": B}, "Action": "sts:AssumeRole"}))),
    case("sts-role-session-cannot-get-session-token", "ImplicitlyDenied",
         req("sts:GetSessionToken", None, APP_SESSION, identity_policies=[ADMIN])),
    case("sts-federated-user-may-call-only-getcalleridentity", "ImplicitlyDenied",
         req("sts:DecodeAuthorizationMessage", None, FED_ALICE, identity_policies=[ADMIN], session_policy=ADMIN)),
    case("sts-federated-user-cannot-tag-session", "ImplicitlyDenied",
         req("sts:TagSession", TARGET_ROLE, FED_ALICE, identity_policies=[ADMIN], session_policy=ADMIN,
             resource_policy=doc({"Effect": "Allow", "Principal": {"AWS": FED_ALICE}, "Action": "sts:TagSession"}))),
    case("sts-federated-user-getcalleridentity", "Allowed", req("sts:GetCallerIdentity", None, FED_ALICE)),
    case("sts-role-session-may-decode-messages", "Allowed",
         req("sts:DecodeAuthorizationMessage", None, APP_SESSION, identity_policies=[doc(allow("sts:DecodeAuthorizationMessage"))])),
    # "To allow users to assume the current role again within a role session, specify the role ARN or AWS account ARN
    # as a principal in the role trust policy" (IAM User Guide, "Update a role trust policy").
    case("sts-role-assuming-itself-account-named", "Allowed",
         req("sts:AssumeRole", APP_ROLE, APP_SESSION, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}))),
    case("sts-role-assuming-itself-neither-named", "ImplicitlyDenied",
         req("sts:AssumeRole", APP_ROLE, APP_SESSION, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}))),
    # --- Condition operators --------------------------------------------------------------------------------------
    case("cond-negated-operator-missing-key-true", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}))])),
    case("cond-bool-missing-key-false", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))])),
    case("cond-ifexists-missing-key-true", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}))])),
    case("cond-null-true-missing-key", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={"Null": {"aws:TokenIssueTime": "true"}}))])),
    case("cond-values-ored", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:RequestedRegion": "eu-west-1"},
             identity_policies=[doc(allow(GET, Condition={"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}))])),
    case("cond-negated-values-none-may-match", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:RequestedRegion": "eu-west-1"},
             identity_policies=[doc(allow(GET, Condition={"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}))])),
    case("cond-keys-anded", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:RequestedRegion": "eu-west-1", "aws:SourceVpc": "vpc-2"},
             identity_policies=[doc(allow(GET, Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1", "aws:SourceVpc": "vpc-1"}}))])),
    case("cond-key-name-case-insensitive", "Allowed",
         req(GET, OBJECT, ALICE, context={"AWS:REQUESTEDREGION": "eu-west-1"},
             identity_policies=[doc(allow(GET, Condition={"StringEquals": {"aws:requestedregion": "eu-west-1"}}))])),
    case("cond-forallvalues-missing-key-true", "Allowed",
         req("ec2:CreateTags", INSTANCE, ALICE, identity_policies=[doc(allow("ec2:CreateTags", Condition={
             "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}))])),
    case("cond-foranyvalue-missing-key-false", "ImplicitlyDenied",
         req("ec2:CreateTags", INSTANCE, ALICE, identity_policies=[doc(allow("ec2:CreateTags", Condition={
             "ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}}))])),
    case("cond-forallvalues-one-value-outside", "ImplicitlyDenied",
         req("ec2:CreateTags", INSTANCE, ALICE, context={"aws:TagKeys": ["env", "owner"]},
             identity_policies=[doc(allow("ec2:CreateTags", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}))])),
    case("cond-foranyvalue-not-equals-every-value-listed", "ImplicitlyDenied",
         req("ec2:CreateTags", INSTANCE, ALICE, context={"aws:TagKeys": ["env", "team"]},
             identity_policies=[doc(allow("ec2:CreateTags", Condition={"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env", "team"]}}))])),
    case("cond-deny-forallvalues-empty-set-applies", "ExplicitlyDenied",
         req("ec2:CreateTags", INSTANCE, ALICE, context={"aws:TagKeys": []},
             identity_policies=[ADMIN, doc(deny("ec2:CreateTags", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}))])),
    case("cond-ipv6-range", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:SourceIp": "2001:db8:1234::7"},
             identity_policies=[doc(allow(GET, Condition={"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}))])),
    case("cond-arnlike-wildcard-stays-in-segment", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:SourceArn": QUEUE},
             identity_policies=[doc(allow(GET, Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sqs:*:orders"}}))])),
    case("cond-date-before-limit", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:CurrentTime": "2026-03-01T12:00:00Z"},
             identity_policies=[doc(allow(GET, Condition={"DateLessThan": {"aws:CurrentTime": "2026-06-30T00:00:00Z"}}))])),
    case("cond-derived-principal-arn-of-session-is-role", "Allowed",
         req(GET, OBJECT, APP_SESSION, identity_policies=[doc(allow(GET, Condition={"ArnEquals": {"aws:PrincipalArn": APP_ROLE}}))])),
    case("cond-derived-principal-type-root", "ExplicitlyDenied",
         req(GET, OBJECT, ROOT_A, identity_policies=[], scps=[[ADMIN, doc(deny(Condition={"StringEquals": {"aws:PrincipalType": "Account"}}))]])),
    case("cond-derived-principal-type-federated-user", "Allowed",
         req(GET, OBJECT, FED_ALICE, identity_policies=[ADMIN], session_policy=doc(allow(
             GET, Condition={"StringEquals": {"aws:PrincipalType": "FederatedUser", "aws:userid": f"{A}:alice"}})))),
    case("cond-derived-userid-of-root-is-account", "ExplicitlyDenied",
         req(GET, OBJECT, ROOT_A, resource_policy=doc(
             {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:userid": A}}}))),
    case("cond-derived-principal-is-aws-service", "Allowed",
         req(GET, OBJECT, "cloudtrail.amazonaws.com", resource_policy=doc(
             {"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
              "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}))),
    case("cond-confused-deputy-source-account-other", "ExplicitlyDenied",
         req(GET, OBJECT, "cloudtrail.amazonaws.com", context={"aws:SourceAccount": B}, resource_policy=doc(
             {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*"},
             {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {
                 "StringNotEquals": {"aws:SourceAccount": A}, "Bool": {"aws:PrincipalIsAWSService": "true"}}}))),
    case("cond-notresource-allow-excludes-listed", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::reports/*"})])),
    # --- Policy variables -----------------------------------------------------------------------------------------
    case("var-default-with-quote", "Allowed",
         req(GET, "arn:aws:s3:::home/o'brien/x", APP_SESSION,
             identity_policies=[doc(allow(GET, "arn:aws:s3:::home/${aws:username, 'o''brien'}/*"))])),
    case("var-username-own-folder", "Allowed",
         req(GET, "arn:aws:s3:::home/alice/notes.txt", ALICE, identity_policies=[doc(allow(GET, "arn:aws:s3:::home/${aws:username}/*"))])),
    case("var-username-absent-for-role-session", "ImplicitlyDenied",
         req(GET, "arn:aws:s3:::home/app/notes.txt", APP_SESSION, identity_policies=[doc(allow(GET, "arn:aws:s3:::home/${aws:username}/*"))])),
    case("var-default-used-when-key-absent", "Allowed",
         req(GET, "arn:aws:s3:::home/shared/notes.txt", APP_SESSION,
             identity_policies=[doc(allow(GET, "arn:aws:s3:::home/${aws:username, 'shared'}/*"))])),
    case("var-key-name-case-insensitive", "Allowed",
         req(GET, "arn:aws:s3:::home/alice/notes.txt", ALICE, identity_policies=[doc(allow(GET, "arn:aws:s3:::home/${AWS:UserName}/*"))])),
    case("var-principal-tag", "Allowed",
         req(GET, "arn:aws:s3:::teams/red/plan.txt", ALICE, context={"aws:PrincipalTag/team": "red"},
             identity_policies=[doc(allow(GET, "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"))])),
    case("var-principal-tag-other-team", "ImplicitlyDenied",
         req(GET, "arn:aws:s3:::teams/blue/plan.txt", ALICE, context={"aws:PrincipalTag/team": "red"},
             identity_policies=[doc(allow(GET, "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"))])),
    case("var-star-is-literal-asterisk", "Allowed",
         req("s3:ListBucket", BUCKET, ALICE, context={"s3:prefix": "a*"},
             identity_policies=[doc(allow("s3:ListBucket", Condition={"StringLike": {"s3:prefix": "a${*}"}}))])),
    case("var-star-does-not-match-other-text", "ImplicitlyDenied",
         req("s3:ListBucket", BUCKET, ALICE, context={"s3:prefix": "ab"},
             identity_policies=[doc(allow("s3:ListBucket", Condition={"StringLike": {"s3:prefix": "a${*}"}}))])),
    case("var-question-mark-is-literal", "ImplicitlyDenied",
         req("s3:ListBucket", BUCKET, ALICE, context={"s3:prefix": "ab"},
             identity_policies=[doc(allow("s3:ListBucket", Condition={"StringLike": {"s3:prefix": "a${?}"}}))])),
    case("var-dollar-is-literal", "Allowed",
         req("s3:ListBucket", BUCKET, ALICE, context={"s3:prefix": "cost$"},
             identity_policies=[doc(allow("s3:ListBucket", Condition={"StringEquals": {"s3:prefix": "cost${$}"}}))])),
    case("var-multivalued-key-not-substituted", "ImplicitlyDenied",
         req(GET, "arn:aws:s3:::svc/athena.amazonaws.com/x", ALICE, context={"aws:CalledVia": ["athena.amazonaws.com"]},
             identity_policies=[doc(allow(GET, "arn:aws:s3:::svc/${aws:CalledVia}/*"))])),
    case("var-multivalued-key-takes-default", "Allowed",
         req(GET, "arn:aws:s3:::svc/none/x", ALICE, context={"aws:CalledVia": ["athena.amazonaws.com"]},
             identity_policies=[doc(allow(GET, "arn:aws:s3:::svc/${aws:CalledVia, 'none'}/*"))])),
    case("var-old-version-is-text", "ImplicitlyDenied",
         req(GET, "arn:aws:s3:::home/alice/notes.txt", ALICE,
             identity_policies=[doc(allow(GET, "arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17")])),
    case("var-no-value-negated-operator-matches", "ExplicitlyDenied",
         req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN, doc(deny(GET, Condition={
             "StringNotEquals": {"s3:ExistingObjectTag/owner": "${aws:username}"}}))], context={"s3:ExistingObjectTag/owner": "app"})),
    case("var-in-arn-condition", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:alice-topic"},
             identity_policies=[doc(allow(GET, Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:${aws:username}-topic"}}))])),
    # --- Documents that are not known -----------------------------------------------------------------------------
    case("unknown-identity-document", "Unknown", req(GET, OBJECT, ALICE, identity_policies=[S3_ONLY, None])),
    case("unknown-document-known-deny-decides", "ExplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[None, doc(deny())])),
    case("unknown-scp-document", "Unknown", req(GET, OBJECT, ALICE, identity_policies=[ADMIN], scps=[[ADMIN], [None]])),
    case("unknown-boundary-document", "Unknown", req(GET, OBJECT, ALICE, identity_policies=[ADMIN], permission_boundaries=[None])),
    case("unknown-rcp-of-unsupported-service-ignored", "Allowed",
         req("ec2:StartInstances", INSTANCE, ALICE, identity_policies=[ADMIN], rcps=[[None]])),
    # --- Static analysis: context keys not known ------------------------------------------------------------------
    case("static-allow-on-unknown-key", "AllowedIf",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={"StringEquals": {"aws:PrincipalTag/team": "red"}}))]),
         unknown=True),
    case("static-deny-on-unknown-key", "AllowedIf",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc(deny(GET, Condition={"Bool": {"aws:SecureTransport": "false"}}))]),
         unknown=True),
    case("static-known-absent-username-for-role", "ImplicitlyDenied",
         req(GET, "arn:aws:s3:::home/app/x", APP_SESSION, identity_policies=[doc(allow(GET, "arn:aws:s3:::home/${aws:username}/*"))]),
         unknown=True),
    case("static-derived-username-decides", "Allowed",
         req(GET, "arn:aws:s3:::home/alice/x", ALICE, identity_policies=[doc(allow(GET, "arn:aws:s3:::home/${aws:username}/*"))]),
         unknown=True),
    case("static-deny-resource-with-unknown-variable", "AllowedIf",
         req(GET, "arn:aws:s3:::teams/red/plan.txt", ALICE,
             identity_policies=[ADMIN, doc(deny("s3:*", "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"))]), unknown=True),
    case("static-allow-notresource-with-unknown-variable", "AllowedIf",
         req(GET, "arn:aws:s3:::teams/red/plan.txt", ALICE, identity_policies=[doc(
             {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"})]), unknown=True),
    case("static-allow-resource-with-unknown-variable", "AllowedIf",
         req(GET, "arn:aws:s3:::teams/red/plan.txt", ALICE,
             identity_policies=[doc(allow("s3:*", "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"))]), unknown=True),
    case("static-deny-notresource-with-unknown-variable", "AllowedIf",
         req(GET, "arn:aws:s3:::teams/red/plan.txt", ALICE, identity_policies=[ADMIN, doc(
             {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"})]), unknown=True),
    case("static-unknown-variable-cannot-match-resource", "ImplicitlyDenied",
         req(GET, "arn:aws:s3:::other/plan.txt", ALICE,
             identity_policies=[doc(allow("s3:*", "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"))]), unknown=True),
    case("static-default-does-not-decide-unknown-key-resource", "AllowedIf",
         req(GET, "arn:aws:s3:::teams/red/plan.txt", ALICE,
             identity_policies=[ADMIN, doc(deny("s3:*", "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'none'}/*"))]), unknown=True),
    case("static-default-does-not-decide-unknown-key-condition", "AllowedIf",
         req("s3:ListBucket", BUCKET, ALICE, context={"s3:prefix": "red/"}, identity_policies=[ADMIN, doc(deny("s3:*", Condition={
             "StringLike": {"s3:prefix": "${aws:PrincipalTag/team, 'none'}/*"}}))]), unknown=True),
    case("static-unknown-document", "Unknown", req(GET, OBJECT, ALICE, identity_policies=[None]), unknown=True),
    case("static-known-tag-decides-resource-variable", "ExplicitlyDenied",
         req(GET, TEAM_OBJECT, ALICE, context={"aws:PrincipalTag/team": "red"},
             identity_policies=[ADMIN, doc(deny("s3:*", TEAM_VALUE))]), unknown=True),
    case("static-known-other-tag-decides-resource-variable", "Allowed",
         req(GET, TEAM_OBJECT, ALICE, context={"aws:PrincipalTag/team": "blue"},
             identity_policies=[ADMIN, doc(deny("s3:*", TEAM_VALUE))]), unknown=True),
    case("static-deny-resource-default-among-values", "AllowedIf",
         req(GET, "arn:aws:s3:::teams/none/plan.txt", ALICE,
             identity_policies=[ADMIN, doc(deny("s3:*", "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'none'}/*"))]), unknown=True),
    case("static-allow-resource-two-unknown-variables", "AllowedIf",
         req(GET, "arn:aws:s3:::teams/red/alpha/plan.txt", ALICE, identity_policies=[doc(allow(
             GET, "arn:aws:s3:::teams/${aws:PrincipalTag/team}/${aws:PrincipalTag/project}/*"))]), unknown=True),
    case("static-deny-resource-variable-and-unknown-condition", "AllowedIf",
         req(GET, TEAM_OBJECT, ALICE, identity_policies=[ADMIN, doc(deny(
             "s3:*", TEAM_VALUE, Condition={"Bool": {"aws:SecureTransport": "false"}}))]), unknown=True),
    case("static-old-version-variable-is-text", "ImplicitlyDenied",
         req(GET, TEAM_OBJECT, ALICE, identity_policies=[doc(allow("s3:*", TEAM_VALUE), version="2008-10-17")]), unknown=True),
    # the same request outside static analysis: the tag is absent, so the Deny's value matches nothing
    case("request-absent-tag-resource-variable-matches-nothing", "Allowed",
         req(GET, TEAM_OBJECT, ALICE, identity_policies=[ADMIN, doc(deny("s3:*", TEAM_VALUE))])),
]


@pytest.mark.parametrize("request_, unknown, expected", CASES)
def test_documented_decision(request_, unknown, expected):
    result = simulate([request_], unknown_context=unknown)[0]
    assert result["decision"] == expected, result["reason"]


TWO_VARIABLES = "arn:aws:s3:::teams/${aws:PrincipalTag/team}/${aws:PrincipalTag/project}/*"
JOINED_VARIABLES = "arn:aws:s3:::teams/${aws:PrincipalTag/team}${aws:PrincipalTag/project}"
TEAM = "aws:PrincipalTag/team"


@pytest.mark.parametrize(
    "statement, resource, field, expected",
    [
        (deny("s3:*", TEAM_VALUE), TEAM_OBJECT, "deny_conditions", [{"StringEquals": {TEAM: ["red"]}}]),
        ({"Effect": "Deny", "Action": "s3:*", "NotResource": TEAM_VALUE}, TEAM_OBJECT, "deny_conditions",
         [{"StringNotEquals": {TEAM: ["red"]}}]),
        (allow("s3:*", "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'red'}/*"), TEAM_OBJECT, "conditions",
         [{"StringEqualsIfExists": {TEAM: ["red"]}}]),
        ({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'red'}/*"},
         TEAM_OBJECT, "conditions", [{"StringNotEquals": {TEAM: ["red"]}, "Null": {TEAM: ["false"]}}]),
        (allow("s3:*", TWO_VARIABLES), "arn:aws:s3:::teams/red/alpha/plan.txt", "conditions",
         [{"StringEquals": {TEAM: ["red"], "aws:PrincipalTag/project": ["alpha"]}}]),
        (allow("s3:*", JOINED_VARIABLES), "arn:aws:s3:::teams/red", "conditions",
         [{"StringEquals": {TEAM: [team], "aws:PrincipalTag/project": [project]}}
          for team, project in (("", "red"), ("r", "ed"), ("re", "d"), ("red", ""))]),
    ],
    ids=["deny-resource", "deny-notresource", "allow-resource-default", "allow-notresource-default",
         "two-variables", "two-joined-variables"],
)
def test_unknown_variable_residual_names_the_values(statement, resource, field, expected):
    """A Resource/NotResource value with a variable of unknown key covers the resource for the key's values that make
    it match: the residual says which (IfExists when the variable's default is one of them)."""
    identity = [doc(statement)] if statement["Effect"] == "Allow" else [ADMIN, doc(statement)]
    result = simulate([req(GET, resource, ALICE, identity_policies=identity)], unknown_context=True)[0]
    assert result["decision"] == "AllowedIf"
    assert result[field] == expected


def test_the_cli_gives_the_same_decisions(tmp_path):
    """`iamsql simulate --request` answers every scenario as the Python API does (one run per mode)."""
    for unknown in (False, True):
        cases = [param.values for param in CASES if param.values[1] is unknown]
        path = tmp_path / f"requests-{unknown}.json"
        path.write_text(json.dumps([request_ for request_, _, _ in cases]))
        args = ["simulate", "--request", str(path), "--format", "json", *(["--unknown-context"] if unknown else [])]
        done = subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", *args],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert [r["decision"] for r in json.loads(done.stdout)] == [expected for _, _, expected in cases]


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_request_that_cannot_be_evaluated_is_an_error_line_on_stderr(tmp_path, fmt):
    """stdout keeps one result per request, as the format gives it; why a request cannot be evaluated is one
    `error:` line on stderr, and the exit code is 2."""
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([req(GET, OBJECT, ALICE, identity_policies=[ADMIN]), {"action": GET, "colour": "red"}]))
    done = subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", "simulate", "--request",
                           str(path), "--format", fmt], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr == "error: request 1: unknown request field(s): colour\n"
    if fmt == "json":
        assert [r["decision"] for r in json.loads(done.stdout)] == ["Allowed", "Error"]
    else:
        lines = [line.split("\t") for line in done.stdout.splitlines()]
        assert [line[:2] for line in lines] == [["0", "Allowed"], ["1", "Error"]] and lines[1][2] == ""


@pytest.mark.parametrize("given, expected", [
    ({"iam.amazonaws.com": ["777788889999"]}, "Allowed"),
    ({"IAM.amazonaws.com": ["777788889999"]}, "Allowed"),  # a service principal's case does not matter
    ({"iam.amazonaws.com": ["444455556666"]}, "ImplicitlyDenied"),
    ({"iam.amazonaws.com": "777788889999"}, "Error"),  # the accounts must be a list
    (["777788889999"], "Error"),
])
def test_delegated_administrators_map_service_principals_to_account_lists(given, expected):
    """AssumeRoot from a member account: the delegated administrators for IAM decide whether it may call it."""
    request = {"action": "sts:AssumeRoot", "principal": "arn:aws:iam::777788889999:user/ops",
               "resource": "arn:aws:iam::210987654321:root", "management_account_id": "111122223333",
               "identity_policies": [{"Version": "2012-10-17",
                                      "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "*"}]}],
               "delegated_administrators": given}
    assert simulate([request])[0]["decision"] == expected
