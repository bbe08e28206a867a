"""Request scenarios an IAM expert would ask, each written from the AWS documentation sentence in its comment.

IAM User Guide pages: "Policy evaluation logic", "Cross-account policy evaluation logic", "Determining whether a
request is allowed or denied within an account", "Permissions boundaries" (how a boundary meets resource-based
policies naming a user ARN, a role ARN or a role session ARN), "Session policies", "IAM JSON policy elements:
Principal / NotPrincipal / Condition operators", "Policy variables"; AWS KMS Developer Guide, "Key policies";
AWS Organizations User Guide, SCPs and RCPs. Each scenario runs through the Python API (`simulate`); the expected
decision is what those pages say AWS decides.
"""

import pytest

from iamsql.policy import simulate
from tests.test_policy_engine import ADMIN, RCP_FULL, allow, deny, doc

A, B, MGMT = "111122223333", "444455556666", "999988887777"
ALICE = f"arn:aws:iam::{A}:user/alice"
CAROL = f"arn:aws:iam::{B}:user/carol"
ROOT_A = f"arn:aws:iam::{A}:root"
APP_ROLE = f"arn:aws:iam::{A}:role/app"
APP_SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"
DEPLOY_ROLE_B = f"arn:aws:iam::{B}:role/deploy"
DEPLOY_SESSION_B = f"arn:aws:sts::{B}:assumed-role/deploy/run-1"
SLR_ROLE = f"arn:aws:iam::{A}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
TARGET_ROLE = f"arn:aws:iam::{A}:role/target"
SAML = f"arn:aws:iam::{A}:saml-provider/corp"
OIDC = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
QUEUE = f"arn:aws:sqs:us-east-1:{A}:orders"
KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OBJECT = "arn:aws:s3:::reports/2026/q1.csv"
BUCKET = "arn:aws:s3:::reports"
SECRET_OBJECT = "arn:aws:s3:::secret/keys.txt"
GET, SEND, DECRYPT, ASSUME = "s3:GetObject", "sqs:SendMessage", "kms:Decrypt", "sts:AssumeRole"
LIST = "s3:ListBucket"

EC2_ONLY = doc(allow("ec2:*"))
SQS_ONLY = doc(allow("sqs:*"))
KMS_ONLY = doc(allow("kms:*"))
S3_ONLY = doc(allow("s3:*"))
FULL = [[ADMIN]]


def req(action, resource, principal, **extra):
    """A request; S3 ARNs carry no account, so the resource account defaults to A."""
    if resource and resource.startswith("arn:aws:s3:"):
        extra.setdefault("resource_account", A)
    return {"action": action, "resource": resource, "principal": principal, **extra}


def policy_naming(principal, action, resource, effect="Allow", key="Principal", **extra):
    """A resource-based policy of one statement."""
    return doc({"Effect": effect, key: principal, "Action": action, "Resource": resource, **extra})


def trust(principal, effect="Allow", key="Principal", **extra):
    return doc({"Effect": effect, key: principal, "Action": "sts:AssumeRole", **extra})


def with_condition(condition, action=GET, resource="*"):
    """An identity policy of one Allow statement under ``condition``."""
    return [doc(allow(action, resource, Condition=condition))]


def case(case_id, expected, request, *, unknown=False):
    return pytest.param(request, unknown, expected, id=case_id)


CASES = [
    # --- Permissions boundaries and resource-based policies (IAM User Guide, "Permissions boundaries") ------------
    # "Within the same account, resource-based policies that grant permissions to an IAM user ARN ... are not
    # limited by an implicit deny in a permissions boundary."
    case("boundary-user-arn-queue-policy", "Allowed",
         req(SEND, QUEUE, ALICE, permission_boundaries=[EC2_ONLY], resource_policy=policy_naming({"AWS": ALICE}, SEND, QUEUE))),
    # "Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a
    # permissions boundary."
    case("boundary-role-arn-queue-policy", "ImplicitlyDenied",
         req(SEND, QUEUE, APP_SESSION, permission_boundaries=[EC2_ONLY],
             resource_policy=policy_naming({"AWS": APP_ROLE}, SEND, QUEUE))),
    # "... resource-based policies that grant permissions to the role session ARN are not limited by an implicit deny
    # in a permissions boundary" (the permissions go directly to the session).
    case("boundary-session-arn-queue-policy", "Allowed",
         req(SEND, QUEUE, APP_SESSION, permission_boundaries=[EC2_ONLY],
             resource_policy=policy_naming({"AWS": APP_SESSION}, SEND, QUEUE))),
    # "An explicit deny in any of these policies overrides the allow": a boundary's Deny beats a session ARN grant.
    case("boundary-deny-beats-session-arn-grant", "ExplicitlyDenied",
         req(SEND, QUEUE, APP_SESSION, permission_boundaries=[doc(allow("*"), deny("sqs:*"))],
             resource_policy=policy_naming({"AWS": APP_SESSION}, SEND, QUEUE))),
    # "Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a
    # permissions boundary": a boundary that allows the action lets the role ARN grant through, no identity policy.
    case("boundary-allows-role-arn-grant", "Allowed",
         req(SEND, QUEUE, APP_SESSION, permission_boundaries=[SQS_ONLY],
             resource_policy=policy_naming({"AWS": APP_ROLE}, SEND, QUEUE))),
    # Cross-account ("Cross-account policy evaluation logic"): the requesting account's identity side, boundary
    # included, must allow, whatever principal the resource-based policy names.
    case("boundary-xacct-session-arn-still-limited", "ImplicitlyDenied",
         req(SEND, QUEUE, DEPLOY_SESSION_B, identity_policies=[SQS_ONLY], permission_boundaries=[EC2_ONLY],
             resource_policy=policy_naming({"AWS": DEPLOY_SESSION_B}, SEND, QUEUE))),
    # --- Session policies (IAM User Guide, "Session policies") -----------------------------------------------------
    # "A resource-based policy can specify the ARN of the user or role as a principal. In that case, the permissions
    # from the resource-based policy are added to the role or user's identity-based policy before the session is
    # created. The session policy limits the total permissions" - a session policy allowing the action lets it in.
    case("session-policy-allows-role-arn-grant", "Allowed",
         req(SEND, QUEUE, APP_SESSION, session_policy=SQS_ONLY,
             resource_policy=policy_naming({"AWS": APP_ROLE}, SEND, QUEUE))),
    case("session-policy-denies-role-arn-grant", "ImplicitlyDenied",
         req(SEND, QUEUE, APP_SESSION, session_policy=EC2_ONLY,
             resource_policy=policy_naming({"AWS": APP_ROLE}, SEND, QUEUE))),
    # "An explicit deny in a session policy ... overrides" even a grant to the session ARN.
    case("session-policy-deny-beats-session-arn-grant", "ExplicitlyDenied",
         req(SEND, QUEUE, APP_SESSION, session_policy=doc(deny("sqs:*")),
             resource_policy=policy_naming({"AWS": APP_SESSION}, SEND, QUEUE))),
    # --- KMS key policies (AWS KMS Developer Guide, "Key policies") -------------------------------------------------
    # "Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key": a key
    # policy that names only a role leaves an administrator user's IAM policies without effect.
    case("kms-key-policy-without-account-ignores-iam", "ImplicitlyDenied",
         req(DECRYPT, KEY, ALICE, identity_policies=[ADMIN],
             resource_policy=policy_naming({"AWS": APP_ROLE}, "kms:*", "*"))),
    # The key policy may give an IAM user permissions directly, without any IAM policy.
    case("kms-key-policy-names-user-directly", "Allowed",
         req(DECRYPT, KEY, ALICE, resource_policy=policy_naming({"AWS": ALICE}, "kms:Decrypt", "*"))),
    # A key policy naming the role ARN is limited by the session's permissions boundary (as any role ARN grant).
    case("kms-key-policy-role-arn-boundary", "ImplicitlyDenied",
         req(DECRYPT, KEY, APP_SESSION, permission_boundaries=[S3_ONLY],
             resource_policy=policy_naming({"AWS": APP_ROLE}, "kms:*", "*"))),
    # "the key policy must allow the account for IAM policies to count": naming the account (bare id) with an
    # identity allow.
    case("kms-key-policy-bare-account-with-identity", "Allowed",
         req(DECRYPT, KEY, ALICE, identity_policies=[KMS_ONLY], resource_policy=policy_naming({"AWS": A}, "kms:*", "*"))),
    # Cross-account use of a key: the key policy names the other account and that account's IAM policy allows.
    case("kms-xacct-account-named-no-identity", "ImplicitlyDenied",
         req(DECRYPT, KEY, CAROL, resource_policy=policy_naming({"AWS": B}, "kms:Decrypt", "*"))),
    # --- Account principals in trust and resource policies (IAM User Guide, "AWS account principals") ----------
    # "You can use ... the account ID or the root ARN": both delegate to the account's identity-based policies.
    case("trust-bare-account-id-with-identity", "Allowed",
         req(ASSUME, TARGET_ROLE, ALICE, identity_policies=[doc(allow(ASSUME, TARGET_ROLE))], resource_policy=trust({"AWS": A}))),
    case("trust-bare-account-id-without-identity", "ImplicitlyDenied",
         req(ASSUME, TARGET_ROLE, ALICE, resource_policy=trust({"AWS": A}))),
    case("trust-other-account-root-with-identity", "Allowed",
         req(ASSUME, TARGET_ROLE, CAROL, identity_policies=[ADMIN], resource_policy=trust({"AWS": f"arn:aws:iam::{B}:root"}))),
    # Cross-account: "the principal in the trusted account must also have permissions" even when named directly.
    case("trust-names-other-account-user-without-identity", "ImplicitlyDenied",
         req(ASSUME, TARGET_ROLE, CAROL, resource_policy=trust({"AWS": CAROL}))),
    # Same account: a trust naming the role ARN of the caller's session is a resource-based grant to the role.
    case("trust-names-caller-role-arn-same-account", "Allowed",
         req(ASSUME, TARGET_ROLE, APP_SESSION, resource_policy=trust({"AWS": APP_ROLE}))),
    case("trust-names-caller-role-arn-boundary-limits", "ImplicitlyDenied",
         req(ASSUME, TARGET_ROLE, APP_SESSION, permission_boundaries=[S3_ONLY], resource_policy=trust({"AWS": APP_ROLE}))),
    # A trust naming the user is limited by the user's boundary: "If a permissions boundary is set for the user, then
    # it must allow the sts:AssumeRole action" (IAM User Guide, "Update a role trust policy").
    case("trust-names-user-arn-boundary-limits", "ImplicitlyDenied",
         req(ASSUME, TARGET_ROLE, ALICE, permission_boundaries=[S3_ONLY], resource_policy=trust({"AWS": ALICE}))),
    # --- NotPrincipal with Deny (IAM User Guide, "NotPrincipal") --------------------------------------------------
    # "you must also include the account ARN ... and the role ARN" for an assumed-role session: listing the session
    # and the account without the role still denies the session.
    case("notprincipal-session-and-account-without-role", "ExplicitlyDenied",
         req(GET, OBJECT, APP_SESSION, identity_policies=[S3_ONLY],
             resource_policy=policy_naming({"AWS": [APP_SESSION, ROOT_A]}, "s3:*", "arn:aws:s3:::reports/*",
                                           "Deny", "NotPrincipal"))),
    # Listing only the account's root ARN exempts the root user, not the account's IAM users.
    case("notprincipal-account-only-user-denied", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[S3_ONLY],
             resource_policy=policy_naming({"AWS": ROOT_A}, "s3:*", "arn:aws:s3:::reports/*", "Deny", "NotPrincipal"))),
    case("notprincipal-account-only-root-exempt", "Allowed",
         req(GET, OBJECT, ROOT_A,
             resource_policy=policy_naming({"AWS": ROOT_A}, "s3:*", "arn:aws:s3:::reports/*", "Deny", "NotPrincipal"))),
    # A principal of another account than the ones listed is denied.
    case("notprincipal-other-account-listed", "ExplicitlyDenied",
         req(GET, OBJECT, APP_SESSION, identity_policies=[S3_ONLY],
             resource_policy=policy_naming({"AWS": [DEPLOY_SESSION_B, DEPLOY_ROLE_B, B]}, "s3:*", "arn:aws:s3:::reports/*",
                                           "Deny", "NotPrincipal"))),
    # A service principal not listed in NotPrincipal is denied.
    case("notprincipal-service-not-listed", "ExplicitlyDenied",
         req("s3:PutObject", OBJECT, "cloudtrail.amazonaws.com",
             resource_policy=doc({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                  "Action": "s3:PutObject", "Resource": "arn:aws:s3:::reports/*"},
                                 {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, A]}, "Action": "s3:*",
                                  "Resource": "arn:aws:s3:::reports/*"}))),
    # --- SCPs (AWS Organizations User Guide, "Service control policies") ----------------------------------------
    # "SCPs do not affect service-linked roles": a service-linked role itself as caller.
    case("scp-service-linked-role-arn-exempt", "Allowed",
         req("ecs:CreateService", "*", SLR_ROLE, identity_policies=[ADMIN], scps=[[doc(deny("*"))]])),
    # "SCPs don't affect users or roles in the management account" - nor its root user.
    case("scp-management-root-exempt", "Allowed",
         req("iam:CreateUser", "*", f"arn:aws:iam::{MGMT}:root", scps=[[doc(deny("*"))]], management_account_id=MGMT)),
    # The caller's SCPs limit it even when a resource-based policy of another account names its session.
    case("scp-limits-caller-named-by-other-account", "ExplicitlyDenied",
         req(SEND, QUEUE, DEPLOY_SESSION_B, identity_policies=[ADMIN], scps=[[ADMIN, doc(deny("sqs:*"))]],
             management_account_id=MGMT, resource_policy=policy_naming({"AWS": DEPLOY_SESSION_B}, SEND, QUEUE))),
    # --- RCPs (AWS Organizations User Guide, "Resource control policies") -----------------------------------------
    # RCPs apply to the account's resources "regardless of who makes the request", the account's own principals too.
    case("rcp-own-account-principal", "ExplicitlyDenied",
         req(SEND, QUEUE, ALICE, identity_policies=[ADMIN], rcps=[[RCP_FULL, doc(dict(deny(SEND), Principal="*"))]],
             management_account_id=MGMT)),
    # IAM is not a service RCPs support: an RCP denying iam:* does nothing.
    case("rcp-iam-not-supported", "Allowed",
         req("iam:CreateUser", f"arn:aws:iam::{A}:user/x", ALICE, identity_policies=[ADMIN],
             rcps=[[RCP_FULL, doc(dict(deny("iam:*"), Principal="*"))]], management_account_id=MGMT)),
    # AWS's confused-deputy RCP: deny service principals acting for another account.
    case("rcp-service-principal-other-source-account", "ExplicitlyDenied",
         req("s3:PutObject", OBJECT, "cloudtrail.amazonaws.com", context={"aws:SourceAccount": B},
             resource_policy=policy_naming({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", "arn:aws:s3:::reports/*"),
             rcps=[[RCP_FULL, doc(dict(deny("s3:*"), Principal="*", Condition={
                 "StringNotEqualsIfExists": {"aws:SourceAccount": A}, "Bool": {"aws:PrincipalIsAWSService": "true"}}))]],
             management_account_id=MGMT)),
    case("rcp-service-principal-same-source-account", "Allowed",
         req("s3:PutObject", OBJECT, "cloudtrail.amazonaws.com", context={"aws:SourceAccount": A},
             resource_policy=policy_naming({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", "arn:aws:s3:::reports/*"),
             rcps=[[RCP_FULL, doc(dict(deny("s3:*"), Principal="*", Condition={
                 "StringNotEqualsIfExists": {"aws:SourceAccount": A}, "Bool": {"aws:PrincipalIsAWSService": "true"}}))]],
             management_account_id=MGMT)),
    # RCPs cover STS: a SAML federated caller assuming a role is refused by an RCP denying it.
    case("rcp-applies-to-saml", "ExplicitlyDenied",
         req("sts:AssumeRoleWithSAML", TARGET_ROLE, SAML, management_account_id=MGMT,
             resource_policy=doc({"Effect": "Allow", "Principal": {"Federated": SAML}, "Action": "sts:AssumeRoleWithSAML"}),
             rcps=[[RCP_FULL, doc(dict(deny("sts:AssumeRoleWithSAML"), Principal="*"))]])),
    # --- Condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators") ----------------------
    # "...IfExists: If the key is present, evaluate the condition as specified" - a present key that does not match.
    case("cond-ifexists-present-mismatch", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:PrincipalTag/team": "blue"},
             identity_policies=with_condition({"StringEqualsIfExists": {"aws:PrincipalTag/team": "red"}}))),
    case("cond-numeric-ifexists-absent", "Allowed",
         req("s3:ListBucket", "arn:aws:s3:::reports", ALICE,
             identity_policies=with_condition({"NumericLessThanEqualsIfExists": {"s3:max-keys": "10"}}, "s3:ListBucket"))),
    # Null "false": the key is present.
    case("cond-null-false-present", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:TokenIssueTime": "2026-01-01T00:00:00Z"},
             identity_policies=with_condition({"Null": {"aws:TokenIssueTime": "false"}}))),
    # "ForAllValues ... returns true if there are no keys in the request" (an empty set).
    case("cond-forallvalues-empty-list", "Allowed",
         req("ec2:CreateTags", "*", ALICE, context={"aws:TagKeys": []},
             identity_policies=with_condition({"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
                                              "ec2:CreateTags"))),
    case("cond-forallvalues-subset", "Allowed",
         req("ec2:CreateTags", "*", ALICE, context={"aws:TagKeys": ["team"]},
             identity_policies=with_condition({"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
                                              "ec2:CreateTags"))),
    case("cond-foranyvalue-empty-list", "ImplicitlyDenied",
         req("ec2:CreateTags", "*", ALICE, context={"aws:TagKeys": []},
             identity_policies=with_condition({"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}}, "ec2:CreateTags"))),
    # ForAnyValue with a negated operator: one request value that differs is enough.
    case("cond-foranyvalue-negated-one-differs", "Allowed",
         req("ec2:CreateTags", "*", ALICE, context={"aws:TagKeys": ["env", "owner"]},
             identity_policies=with_condition({"ForAnyValue:StringNotEquals": {"aws:TagKeys": "env"}}, "ec2:CreateTags"))),
    # ForAllValues with a negated operator: every request value must differ.
    case("cond-forallvalues-negated-one-equal", "ImplicitlyDenied",
         req("ec2:CreateTags", "*", ALICE, context={"aws:TagKeys": ["env", "owner"]},
             identity_policies=with_condition({"ForAllValues:StringNotEquals": {"aws:TagKeys": "env"}}, "ec2:CreateTags"))),
    # Numeric operators compare numbers: 10.0 equals 10; a value that is not a number matches nothing.
    case("cond-numeric-decimal-equals-integer", "Allowed",
         req("s3:ListBucket", "arn:aws:s3:::reports", ALICE, context={"s3:max-keys": "10.0"},
             identity_policies=with_condition({"NumericEquals": {"s3:max-keys": "10"}}, "s3:ListBucket"))),
    case("cond-numeric-context-not-a-number", "ImplicitlyDenied",
         req("s3:ListBucket", "arn:aws:s3:::reports", ALICE, context={"s3:max-keys": "ten"},
             identity_policies=with_condition({"NumericLessThan": {"s3:max-keys": "100"}}, "s3:ListBucket"))),
    # Dates: ISO 8601 with an offset and epoch seconds are compared as instants.
    case("cond-date-offset-before-limit", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:CurrentTime": "2026-01-01T01:30:00+02:00"},
             identity_policies=with_condition({"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}))),
    case("cond-date-epoch-after-limit", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:EpochTime": "1767225601"},
             identity_policies=with_condition({"DateGreaterThan": {"aws:EpochTime": "2026-01-01T00:00:00Z"}}))),
    case("cond-date-context-not-a-date", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:CurrentTime": "yesterday"},
             identity_policies=with_condition({"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}))),
    # IP: an IPv6 address is not in an IPv4 range; an IPv6 CIDR contains its addresses.
    case("cond-ipv6-address-ipv4-range", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:SourceIp": "2001:db8::1"},
             identity_policies=with_condition({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))),
    case("cond-ipv6-cidr-contains", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:SourceIp": "2001:db8:1234:ffff::1"},
             identity_policies=with_condition({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8:1234::/48"]}}))),
    # A negated operator is true when the key is absent: a Deny on NotIpAddress applies to a call without SourceIp.
    case("cond-deny-notipaddress-absent-key", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc(deny(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))])),
    # Bool values: "true" in any case.
    case("cond-bool-policy-value-upper-case", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:SecureTransport": "true"},
             identity_policies=with_condition({"Bool": {"aws:SecureTransport": "TRUE"}}))),
    # aws:PrincipalArn of a role session is the role's ARN, not the session's.
    case("cond-arnlike-principal-arn-session-pattern", "ImplicitlyDenied",
         req(GET, OBJECT, APP_SESSION, identity_policies=with_condition(
             {"ArnLike": {"aws:PrincipalArn": f"arn:aws:sts::{A}:assumed-role/app/*"}}))),
    case("cond-arnlike-principal-arn-role-pattern", "Allowed",
         req(GET, OBJECT, APP_SESSION, identity_policies=with_condition(
             {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}))),
    # ARN operators: a wildcard in the account segment does not cross into the region segment.
    case("cond-arnlike-wildcard-within-segment", "ImplicitlyDenied",
         req(SEND, QUEUE, ALICE, context={"aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:alerts"},
             identity_policies=with_condition({"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*{A}:alerts"}}, SEND))),
    # Operator blocks are ANDed: one false block is enough to fail.
    case("cond-operators-anded", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:SecureTransport": "true", "aws:PrincipalTag/team": "blue"},
             identity_policies=with_condition({"Bool": {"aws:SecureTransport": "true"},
                                               "StringEquals": {"aws:PrincipalTag/team": "red"}}))),
    # String values are case-sensitive except with ...IgnoreCase.
    case("cond-string-equals-case-sensitive", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:PrincipalTag/team": "red"},
             identity_policies=with_condition({"StringEquals": {"aws:PrincipalTag/team": "Red"}}))),
    case("cond-string-like-question-mark-one-character", "ImplicitlyDenied",
         req("s3:ListBucket", "arn:aws:s3:::reports", ALICE, context={"s3:prefix": "home/ab"},
             identity_policies=with_condition({"StringLike": {"s3:prefix": "home/?"}}, "s3:ListBucket"))),
    # Malformed values: AWS refuses a document whose numeric, date or IP values do not parse; there is no NullIfExists.
    case("cond-numeric-policy-value-not-a-number", "Error",
         req(GET, OBJECT, ALICE, identity_policies=with_condition({"NumericLessThan": {"s3:max-keys": "ten"}}))),
    case("cond-date-policy-value-not-a-date", "Error",
         req(GET, OBJECT, ALICE, identity_policies=with_condition({"DateLessThan": {"aws:CurrentTime": "soon"}}))),
    case("cond-ip-policy-value-not-an-address", "Error",
         req(GET, OBJECT, ALICE, identity_policies=with_condition({"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}))),
    # "Numeric condition operators ... comparing a key to an integer or decimal value": not Python's other spellings
    # of a number (1_0, nan, inf)
    case("cond-numeric-context-underscore-not-a-number", "ImplicitlyDenied",
         req("s3:ListBucket", "arn:aws:s3:::reports", ALICE, context={"s3:max-keys": "1_0"},
             identity_policies=with_condition({"NumericEquals": {"s3:max-keys": "10"}}, "s3:ListBucket"))),
    case("cond-numeric-context-infinity-not-a-number", "ImplicitlyDenied",
         req("s3:ListBucket", "arn:aws:s3:::reports", ALICE, context={"s3:max-keys": "inf"},
             identity_policies=with_condition({"NumericGreaterThan": {"s3:max-keys": "10"}}, "s3:ListBucket"))),
    case("cond-numeric-policy-value-nan", "Error",
         req(GET, OBJECT, ALICE, identity_policies=with_condition({"NumericNotEquals": {"s3:max-keys": "NaN"}}))),
    case("cond-date-context-epoch-underscore-not-a-date", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:EpochTime": "1_767_225_601"},
             identity_policies=with_condition({"DateGreaterThan": {"aws:EpochTime": "2026-01-01T00:00:00Z"}}))),
    case("cond-null-ifexists-is-no-operator", "Error",
         req(GET, OBJECT, ALICE, identity_policies=with_condition({"NullIfExists": {"aws:SourceIp": "true"}}))),
    # --- Policy variables (IAM User Guide, "Policy variables") -----------------------------------------------------
    # "${aws:username}" exists only for IAM users: a role session's condition on it matches nothing.
    case("var-username-in-condition-role-session", "ImplicitlyDenied",
         req("s3:ListBucket", "arn:aws:s3:::home", APP_SESSION, context={"s3:prefix": "s1/docs"},
             identity_policies=with_condition({"StringLike": {"s3:prefix": "${aws:username}/*"}}, "s3:ListBucket"))),
    case("var-username-in-condition-user", "Allowed",
         req("s3:ListBucket", "arn:aws:s3:::home", ALICE, context={"s3:prefix": "alice/docs"},
             identity_policies=with_condition({"StringLike": {"s3:prefix": "${aws:username}/*"}}, "s3:ListBucket"))),
    # A default is used when the tag is absent, not when it is present.
    case("var-default-tag-absent", "Allowed",
         req(GET, "arn:aws:s3:::teams/shared/a.txt", ALICE,
             identity_policies=[doc(allow(GET, "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'shared'}/*"))])),
    case("var-default-tag-present", "ImplicitlyDenied",
         req(GET, "arn:aws:s3:::teams/shared/a.txt", ALICE, context={"aws:PrincipalTag/team": "red"},
             identity_policies=[doc(allow(GET, "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'shared'}/*"))])),
    # ${*} is a literal asterisk in a condition value too.
    case("var-literal-star-in-condition", "ImplicitlyDenied",
         req("s3:ListBucket", "arn:aws:s3:::home", ALICE, context={"s3:prefix": "anything"},
             identity_policies=with_condition({"StringLike": {"s3:prefix": "${*}"}}, "s3:ListBucket"))),
    # A substituted value is literal text: a tag holding "*" does not become a wildcard.
    case("var-substituted-star-is-literal", "ImplicitlyDenied",
         req(GET, "arn:aws:s3:::teams/red/a.txt", ALICE, context={"aws:PrincipalTag/team": "*"},
             identity_policies=[doc(allow(GET, "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"))])),
    # Numeric operators take no policy variables: such a value does not parse.
    case("var-in-numeric-value-rejected", "Error",
         req(GET, OBJECT, ALICE, identity_policies=with_condition({"NumericLessThan": {"s3:max-keys": "${aws:PrincipalTag/max}"}}))),
    # --- NotAction / NotResource (IAM User Guide, "NotAction", "NotResource") -------------------------------------
    case("notaction-notresource-allow-other-action-other-resource", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[doc({"Effect": "Allow", "NotAction": "iam:*",
                                                       "NotResource": "arn:aws:s3:::secret/*"})])),
    case("notaction-notresource-allow-listed-resource", "ImplicitlyDenied",
         req(GET, SECRET_OBJECT, ALICE, identity_policies=[doc({"Effect": "Allow", "NotAction": "iam:*",
                                                              "NotResource": "arn:aws:s3:::secret/*"})])),
    case("notaction-notresource-allow-listed-action", "ImplicitlyDenied",
         req("iam:CreateUser", f"arn:aws:iam::{A}:user/x", ALICE,
             identity_policies=[doc({"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"})])),
    # "Deny NotAction with a region condition": the listed global services stay usable outside the region.
    case("deny-notaction-region-other-service", "ExplicitlyDenied",
         req("ec2:RunInstances", "*", ALICE, context={"aws:RequestedRegion": "eu-west-1"},
             identity_policies=[ADMIN, doc({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
                                            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}})])),
    case("deny-notaction-region-listed-service", "Allowed",
         req("iam:CreateUser", "*", ALICE, context={"aws:RequestedRegion": "eu-west-1"},
             identity_policies=[ADMIN, doc({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
                                            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}})])),
    case("deny-notresource-other-bucket", "ExplicitlyDenied",
         req(GET, SECRET_OBJECT, ALICE, identity_policies=[ADMIN, doc({"Effect": "Deny", "Action": "s3:*",
                                                                    "NotResource": "arn:aws:s3:::reports/*"})])),
    # --- Case (IAM User Guide, "Action", "Resource"): actions are case-insensitive, ARNs case-sensitive ------------
    case("case-action-upper-case", "Allowed", req(GET, OBJECT, ALICE, identity_policies=[doc(allow("S3:GETOBJECT", OBJECT))])),
    case("case-resource-arn-sensitive", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, "arn:aws:s3:::Reports/*"))])),
]


@pytest.mark.parametrize("request_, unknown, expected", CASES)
def test_documented_decision(request_, unknown, expected):
    result = simulate([request_], unknown_context=unknown)[0]
    assert result["decision"] == expected, result["reason"]


TAG = "aws:PrincipalTag/team"


def both(operator, key, identity_values, boundary_values, action=GET, resource=OBJECT):
    """A static request whose identity policy and boundary each allow under one condition on the same key."""
    return req(action, resource, ALICE, identity_policies=with_condition({operator: {key: identity_values}}, action),
               permission_boundaries=with_condition({operator: {key: boundary_values}}, action))


# The identity policy AND the boundary must allow ("Permissions boundaries"), so the residual condition is the AND of
# both conditions: for one operator on one key, the values that satisfy both.
@pytest.mark.parametrize("request_, expected", [
    pytest.param(both("StringEquals", TAG, ["red", "blue"], ["blue", "green"]), {"StringEquals": {TAG: ["blue"]}},
                 id="equals-common-values"),
    pytest.param(both("StringEqualsIgnoreCase", TAG, "Red", "red"), {"StringEqualsIgnoreCase": {TAG: ["Red"]}},
                 id="ignore-case-common-values"),
    # "below 10" and "below 5": below 5 (s3:max-keys is a key of ListBucket: GetObject never carries it)
    pytest.param(both("NumericLessThan", "s3:max-keys", "10", "5", LIST, BUCKET), {"NumericLessThan": {"s3:max-keys": ["5"]}},
                 id="numeric-tighter-bound"),
    pytest.param(both("NumericGreaterThanEquals", "s3:max-keys", ["1", "3"], "2", LIST, BUCKET),
                 {"NumericGreaterThanEquals": {"s3:max-keys": ["2"]}}, id="numeric-lower-bounds"),
    pytest.param(both("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
                 {"DateLessThan": {"aws:CurrentTime": ["2027-01-01T00:00:00Z"]}}, id="date-tighter-bound"),
    pytest.param(both("IpAddress", "aws:SourceIp", ["10.0.0.0/8", "192.0.2.0/24"], "10.1.0.0/16"),
                 {"IpAddress": {"aws:SourceIp": ["10.1.0.0/16"]}}, id="ip-nested-range"),
    pytest.param(both("ArnLike", "s3:DataAccessPointArn", "arn:aws:s3:*:*:*",
                      f"arn:aws:s3:us-east-1:{A}:accesspoint/reports"),
                 {"ArnLike": {"s3:DataAccessPointArn": [f"arn:aws:s3:us-east-1:{A}:accesspoint/reports"]}},
                 id="arn-value-under-pattern"),
    pytest.param(both("StringLike", TAG, "team-*", ["team-red", "ops"]), {"StringLike": {TAG: ["team-red"]}},
                 id="like-value-under-pattern"),
    # present and equal to both values: impossible; absent: both IfExists hold
    pytest.param(both("StringEqualsIfExists", TAG, "red", "blue"), {"StringEqualsIfExists": {TAG: []}},
                 id="if-exists-only-when-absent"),
    # a request value of each kind, maybe not the same one: kept as "one of them" (weaker, never stricter)
    # (a tagging request: one that passes no tags has no aws:TagKeys)
    pytest.param(both("ForAnyValue:StringEquals", "aws:TagKeys", "env", "team", "sqs:TagQueue", QUEUE),
                 {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}}, id="for-any-value-weaker"),
    # on a single-valued key ForAnyValue: reads the one value as a set of one ("Single-valued vs. multivalued context
    # keys"): both sides hold for that one value, so the AND is exact, as without the prefix
    pytest.param(both("ForAnyValue:StringEquals", TAG, ["red", "blue"], ["blue", "green"]),
                 {"ForAnyValue:StringEquals": {TAG: ["blue"]}}, id="for-any-value-single-valued-common-values"),
    pytest.param(both("ForAnyValue:StringNotEquals", TAG, "red", "blue"),
                 {"ForAnyValue:StringNotEquals": {TAG: ["red", "blue"]}}, id="for-any-value-single-valued-negated"),
    pytest.param(both("ForAnyValue:NumericLessThan", "s3:max-keys", "10", "5", LIST, BUCKET),
                 {"ForAnyValue:NumericLessThan": {"s3:max-keys": ["5"]}}, id="for-any-value-single-valued-bound"),
    # a value naming another key not known may equal the other side's value: kept, not "nothing in common"
    pytest.param(both("StringEquals", TAG, "${aws:PrincipalTag/project}", "red"),
                 {"StringEquals": {TAG: ["${aws:PrincipalTag/project}", "red"]}}, id="variable-of-unknown-key"),
])
def test_the_residual_of_two_policies_is_the_and_of_their_conditions(request_, expected):
    result = simulate([request_], unknown_context=True)[0]
    assert (result["decision"], result["conditions"]) == ("AllowedIf", [expected])


# Conditions that exclude each other allow nothing, even with the keys unknown: team "red" in the identity policy and
# "blue" in the boundary (or an SCP), or a Resource naming the caller's team folder under a condition on another team.
@pytest.mark.parametrize("request_", [
    pytest.param(both("StringEquals", TAG, "red", "blue"), id="identity-and-boundary"),
    pytest.param(both("IpAddress", "aws:SourceIp", "10.0.0.0/8", "192.0.2.0/24"), id="disjoint-ranges"),
    pytest.param(both("Bool", "aws:MultiFactorAuthPresent", "true", "false"), id="true-and-false"),
    pytest.param(both("ForAnyValue:StringEquals", TAG, "red", "blue"), id="for-any-value-single-valued"),
    pytest.param(req(GET, OBJECT, ALICE, identity_policies=with_condition({"StringEquals": {TAG: "red"}}),
                     scps=[with_condition({"StringEquals": {TAG: "blue"}})]), id="identity-and-scp"),
    pytest.param(req(GET, "arn:aws:s3:::teams/red/plan.txt", ALICE, identity_policies=[doc(allow(
        GET, "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*", Condition={"StringEquals": {TAG: "blue"}}))]),
        id="resource-variable-and-condition"),
])
def test_conditions_that_exclude_each_other_allow_nothing(request_):
    result = simulate([request_], unknown_context=True)[0]
    assert result["decision"] == "ImplicitlyDenied", result
