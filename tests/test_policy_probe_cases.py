"""More request scenarios, each from one sentence of AWS's documentation (quoted or named in a comment above it).

Same format as tests/test_policy_doc_cases.py: a request as `iamsql simulate` reads it and the decision AWS's pages
give for it; static-analysis scenarios (`unknown_context`) must never answer `Allowed` for what they cannot decide.
"""

import pytest

from iamsql.policy import simulate
from tests.test_policy_doc_cases import (
    ALICE,
    APP_ROLE,
    APP_SESSION,
    BUCKET,
    CAROL,
    DEPLOY_ROLE_B,
    DEPLOY_SESSION_B,
    FED_ALICE,
    OBJECT,
    SLR_SESSION,
    TARGET_ROLE,
    A,
    B,
    bucket_policy,
    req,
)
from tests.test_policy_engine import ADMIN, RCP_FULL, allow, deny, doc

GET = "s3:GetObject"
OIDC = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
SAML = f"arn:aws:iam::{A}:saml-provider/corp"
LIST = "s3:ListBucket"
NEW_USER = f"arn:aws:iam::{A}:user/new"
PASSED_ROLE = f"arn:aws:iam::{A}:role/app-function"
SLR_ROLE = f"arn:aws:iam::{A}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
KEY_B = f"arn:aws:kms:us-east-1:{B}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OUTSIDE_EU = {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}
PERIMETER = {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
             "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}
PATH_ROLE = f"arn:aws:iam::{A}:role/a/b/R"
PATH_SESSION = f"arn:aws:sts::{A}:assumed-role/R/build-7"
TEAM_ROLES = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/a/*"}}
FUNCTION = f"arn:aws:lambda:us-east-1:{A}:function:web-app"
WEB_FUNCTIONS = {"ArnLike": {"iam:AssociatedResourceArn": f"arn:aws:lambda:*:{A}:function:web-*"}}
TO_LAMBDA = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}


def cond(condition, action=GET):
    return doc(allow(action, Condition=condition))


def trust_of(principal):
    return doc({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"})


def case(case_id, expected, request, *, unknown=False):
    return pytest.param(request, unknown, expected, id=case_id)


def web_identity_trust(**condition):
    return doc({"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": OIDC},
                **({"Condition": condition} if condition else {})})


def saml_trust(**condition):
    return doc({"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML", "Principal": {"Federated": SAML},
                **({"Condition": condition} if condition else {})})


CASES = [
    # --- aws:PrincipalIsAWSService: "present in the request context for all signed API requests that use AWS
    # security credentials" (AWS global condition context keys). AssumeRoleWithSAML/WebIdentity are not signed with
    # AWS credentials, so the key is absent for those callers: IfExists holds, a plain Bool does not, Null says absent.
    case("is-aws-service-absent-for-oidc-ifexists-deny", "ExplicitlyDenied",
         req("sts:AssumeRoleWithWebIdentity", TARGET_ROLE, OIDC, resource_policy=web_identity_trust(),
             rcps=[[RCP_FULL, doc(deny("sts:*", Principal="*", Condition={
                 "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                 "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-mine"}}))]])),
    case("is-aws-service-absent-for-oidc-bool-false-no-match", "ImplicitlyDenied",
         req("sts:AssumeRoleWithWebIdentity", TARGET_ROLE, OIDC,
             resource_policy=web_identity_trust(Bool={"aws:PrincipalIsAWSService": "false"}))),
    case("is-aws-service-absent-for-saml-null-true", "Allowed",
         req("sts:AssumeRoleWithSAML", TARGET_ROLE, SAML,
             resource_policy=saml_trust(Null={"aws:PrincipalIsAWSService": "true"}))),
    case("is-aws-service-absent-for-saml-static", "Allowed",
         req("sts:AssumeRoleWithSAML", TARGET_ROLE, SAML,
             resource_policy=saml_trust(Null={"aws:PrincipalIsAWSService": "true"})), unknown=True),
    case("is-aws-service-false-for-role-session-bool", "Allowed",
         req(GET, OBJECT, APP_SESSION, identity_policies=[doc(allow(GET, Condition={
             "Bool": {"aws:PrincipalIsAWSService": "false"}}))])),
    # --- Empty value lists. IAM accepts them (IAM Access Analyzer's policy checks only suggest removing them: "The
    # ForAllValues prefix with an empty condition key matches only if the key is missing from the request context",
    # the IfExists suffix likewise, ForAnyValue never matches). The values of one key are ORed and a negated operator
    # is their NOR ("Conditions with multiple context keys or values"): no value, nothing matches; none to refuse.
    case("empty-values-equals-matches-nothing", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={"StringEquals": {"aws:username": []}}))])),
    case("empty-values-not-equals-matches-all", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc(deny(GET, Condition={"StringNotEquals": {"aws:username": []}}))])),
    case("empty-values-forallvalues-key-absent", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={"ForAllValues:StringEquals": {"aws:TagKeys": []}}))])),
    case("empty-values-forallvalues-key-present", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:TagKeys": ["team"]},
             identity_policies=[doc(allow(GET, Condition={"ForAllValues:StringEquals": {"aws:TagKeys": []}}))])),
    case("empty-values-ifexists-key-present", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={"StringEqualsIfExists": {"aws:username": []}}))])),
    # static analysis: a condition that no value of its unknown key satisfies is decided, never a condition to meet
    case("static-empty-values-equals-never-holds", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={
             "StringEquals": {"aws:PrincipalTag/team": []}}))]), unknown=True),
    case("static-empty-values-foranyvalue-never-holds", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={
             "ForAnyValue:StringLike": {"aws:TagKeys": []}}))]), unknown=True),
    case("static-empty-values-deny-never-applies", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc(deny(GET, Condition={
             "NumericLessThan": {"s3:max-keys": []}}))]), unknown=True),
    case("static-empty-values-not-equals-deny-always-applies", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc(deny(GET, Condition={
             "StringNotEquals": {"aws:PrincipalTag/team": []}}))]), unknown=True),
    case("static-empty-values-ifexists-depends-on-presence", "AllowedIf",
         req(GET, OBJECT, ALICE, identity_policies=[doc(allow(GET, Condition={
             "StringEqualsIfExists": {"aws:PrincipalTag/team": []}}))]), unknown=True),
    # An empty principal list names no one: a Principal of {"AWS": []} grants nothing, a NotPrincipal of it exempts
    # no one from its Deny; a Principal that is a bare list is not the element's grammar: the document is malformed.
    case("empty-principal-list-grants-nothing", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, resource_policy=doc({"Effect": "Allow", "Principal": {"AWS": []}, "Action": GET,
                                                       "Resource": "*"}))),
    case("empty-not-principal-list-exempts-no-one", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Deny", "NotPrincipal": {"AWS": []}, "Action": GET, "Resource": "*"}))),
    case("bare-list-principal-is-malformed", "Error",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": [], "Action": GET, "Resource": "*"}))),
    # --- aws:PrincipalArn of a role session: "For IAM roles, the request context returns the ARN of the role, not the
    # ARN of the user that assumed the role" (AWS global condition context keys): the role's ARN, with its path, which
    # a session ARN does not carry. A role with a path, asked as itself, has it; asked as a session, static analysis
    # does not know the path, and a request takes the path the caller gives in the context.
    case("principal-arn-role-with-path", "Allowed",
         req(GET, OBJECT, PATH_ROLE, identity_policies=[doc(allow(GET, Condition=TEAM_ROLES))])),
    case("principal-arn-role-with-path-static", "Allowed",
         req(GET, OBJECT, PATH_ROLE, identity_policies=[doc(allow(GET, Condition=TEAM_ROLES))]), unknown=True),
    case("principal-arn-session-path-unknown-static", "AllowedIf",
         req(GET, OBJECT, PATH_SESSION, identity_policies=[doc(allow(GET, Condition=TEAM_ROLES))]), unknown=True),
    case("principal-arn-session-path-given", "Allowed",
         req(GET, OBJECT, PATH_SESSION, context={"aws:PrincipalArn": PATH_ROLE},
             identity_policies=[doc(allow(GET, Condition=TEAM_ROLES))])),
    case("principal-arn-session-path-given-static", "Allowed",
         req(GET, OBJECT, PATH_SESSION, context={"aws:PrincipalArn": PATH_ROLE},
             identity_policies=[doc(allow(GET, Condition=TEAM_ROLES))]), unknown=True),
    # a wildcard does not cross the ARN's ":" segments, but within the resource segment "*" matches "/" (the path)
    case("principal-arn-arnlike-star-spans-path", "Allowed",
         req(GET, OBJECT, PATH_ROLE, identity_policies=[doc(allow(GET, Condition={
             "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/*/R"}}))])),
    case("principal-arn-pathless-pattern-misses-path", "ImplicitlyDenied",
         req(GET, OBJECT, PATH_ROLE, identity_policies=[doc(allow(GET, Condition={
             "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/R"}}))])),
    # static analysis: a session's aws:PrincipalArn is arn:aws:iam::ACCOUNT:role/, a path, and the role's name, which
    # holds no ":" ("Use alphanumeric and '+=,.@-_' characters", IAM API Reference, CreateRole, RoleName): the SCP
    # that denies the root user (StringLike arn:aws:iam::*:root) never applies to it; a pattern on a path still may
    case("static-session-principal-arn-never-root", "Allowed",
         req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN], scps=[[ADMIN, doc(deny(Condition={
             "StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}))]]), unknown=True),
    case("static-session-principal-arn-name-without-colon", "Allowed",
         req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN, doc(deny(Condition={
             "StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/*:admin"}}))]), unknown=True),
    case("static-session-principal-arn-path-pattern-open", "AllowedIf",
         req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN, doc(deny(Condition={
             "StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/team/*"}}))]), unknown=True),
    # aws:CurrentTime and aws:EpochTime give the same request time ("always included in the request context", AWS global
    # condition context keys): one known decides a window on the other, in static analysis too; aws:ViaAWSService is
    # in every IAM principal's request (false for a direct call), so Null on it never holds
    case("static-epoch-time-decides-current-time-window", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, context={"aws:EpochTime": 1593561600}, identity_policies=[cond({
             "DateLessThan": {"aws:CurrentTime": "2020-06-30T23:59:59Z"}})]), unknown=True),
    case("static-current-time-decides-epoch-window", "Allowed",
         req(GET, OBJECT, ALICE, context={"aws:CurrentTime": "2020-05-15T10:00:00Z"}, identity_policies=[cond({
             "NumericLessThan": {"aws:EpochTime": "1593561599"}})]), unknown=True),
    case("static-via-aws-service-present-for-user", "ImplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[cond({"Null": {"aws:ViaAWSService": "true"}})]), unknown=True),
    case("via-aws-service-false-for-direct-call", "Allowed",
         req(GET, OBJECT, APP_SESSION, identity_policies=[cond({"Bool": {"aws:ViaAWSService": "false"}})])),
    case("static-session-principal-arn-root-account-root", "ExplicitlyDenied",
         req(GET, OBJECT, f"arn:aws:iam::{A}:root", scps=[[ADMIN, doc(deny(Condition={
             "StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}))]]), unknown=True),

    # --- Condition operators ("IAM JSON policy elements: Condition operators", "Set operators for multivalued
    # context keys") ---------------------------------------------------------------------------------------------
    # "ForAllValues ... also returns true if there are no context keys in the request"; ForAnyValue then does not match
    case("forallvalues-absent-key-holds", "Allowed", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}})])),
    case("foranyvalue-absent-key-fails", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}})])),
    # "ForAllValues: every value in the request must match at least one value in the policy"
    case("forallvalues-one-value-outside", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={"aws:TagKeys": [
        "env-a", "team"]}, identity_policies=[cond({"ForAllValues:StringLike": {"aws:TagKeys": ["env*"]}})])),
    # "ForAnyValue: at least one value in the request must match at least one value in the policy"
    case("foranyvalue-one-value-inside", "Allowed", req(GET, OBJECT, ALICE, context={"aws:TagKeys": ["b", "c"]},
                                                       identity_policies=[cond({"ForAnyValue:StringEquals": {
                                                           "aws:TagKeys": ["a", "b"]}})])),
    # StringLike: "a multi-character match wildcard (*) and a single-character match wildcard (?)"
    case("like-question-needs-one-character", "ImplicitlyDenied",
         req(LIST, BUCKET, ALICE, context={"s3:prefix": "home/"}, identity_policies=[cond({"StringLike": {
             "s3:prefix": "home/?"}}, LIST)])),
    case("like-question-matches-one-character", "Allowed",
         req(LIST, BUCKET, ALICE, context={"s3:prefix": "home/a"}, identity_policies=[cond({"StringLike": {
             "s3:prefix": "home/?"}}, LIST)])),
    case("like-star-matches-nothing-and-slashes", "Allowed",
         req(LIST, BUCKET, ALICE, context={"s3:prefix": "home/a/b"}, identity_policies=[cond({"StringLike": {
             "s3:prefix": ["home/*x", "home/*"]}}, LIST)])),
    # IpAddress: "the specified IP address or range in IPv4 CIDR format" or IPv6; an IPv4 range holds no IPv6 address
    case("ip-v6-range", "Allowed", req(GET, OBJECT, ALICE, context={"aws:SourceIp": "2001:db8::1"},
                                      identity_policies=[cond({"IpAddress": {"aws:SourceIp": ["2001:DB8::/32"]}})])),
    case("ip-v4-everything-is-not-v6", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceIp": "2001:db8::1"}, identity_policies=[cond({"IpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}})])),
    case("ip-v6-everything", "Allowed", req(GET, OBJECT, ALICE, context={"aws:SourceIp": "2001:db8::1"},
                                           identity_policies=[cond({"IpAddress": {"aws:SourceIp": ["::/0"]}})])),
    # Bool: "true"/"True" alike; the documented MFA pattern: Deny with BoolIfExists false refuses long-term keys
    case("bool-capital-true", "Allowed", req(GET, OBJECT, ALICE, context={"aws:SecureTransport": "true"},
                                            identity_policies=[cond({"Bool": {"aws:SecureTransport": "True"}})])),
    case("boolifexists-mfa-refuses-long-term-keys", "ExplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        ADMIN, doc(deny(GET, Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))])),
    case("boolifexists-mfa-admits-mfa-session", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:MultiFactorAuthPresent": "true"}, identity_policies=[ADMIN, doc(deny(GET, Condition={
            "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))])),
    # ARN operators: "each of the six colon-delimited components of the ARN is checked separately"
    case("arnlike-star-stays-in-its-segment", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:topic"}, identity_policies=[cond({"ArnLike": {
            "aws:SourceArn": "arn:aws:sns:*:topic"}})])),
    case("stringlike-star-crosses-colons", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:topic"}, identity_policies=[cond({"StringLike": {
            "aws:SourceArn": "arn:aws:sns:*:topic"}})])),
    case("arnlike-other-account", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceArn": f"arn:aws:sns:us-east-1:{B}:topic"}, identity_policies=[cond({"ArnLike": {
            "aws:SourceArn": f"arn:aws:sns:us-*:{A}:*"}})])),
    # Null: "false" means the key is present (not null)
    case("null-false-key-present", "Allowed", req(GET, OBJECT, APP_SESSION, context={
        "aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, identity_policies=[cond({"Null": {"aws:TokenIssueTime": "false"}})])),
    case("null-false-key-absent", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"Null": {"aws:TokenIssueTime": "false"}})])),
    # Numeric operators compare numbers: decimals and negative values
    case("numeric-decimal-bound", "Allowed", req(LIST, BUCKET, ALICE, context={"s3:max-keys": "10"},
                                                identity_policies=[cond({"NumericLessThan": {"s3:max-keys": "10.5"}}, LIST)])),
    case("numeric-negative-bound", "Allowed", req(LIST, BUCKET, ALICE, context={"s3:max-keys": "-3"},
                                                 identity_policies=[cond({"NumericGreaterThan": {"s3:max-keys": "-5"}}, LIST)])),
    case("numeric-equal-spellings", "Allowed", req(LIST, BUCKET, ALICE, context={"s3:max-keys": "10"},
                                                  identity_policies=[cond({"NumericEquals": {"s3:max-keys": "10.0"}}, LIST)])),
    # Date operators on aws:TokenIssueTime, present only with temporary credentials (the documented revocation Deny)
    case("date-token-issued-before-revocation", "ExplicitlyDenied", req(GET, OBJECT, APP_SESSION, context={
        "aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, identity_policies=[ADMIN, doc(deny(Condition={
            "DateLessThan": {"aws:TokenIssueTime": "2026-02-01T00:00:00Z"}}))])),
    case("date-token-absent-for-long-term-keys", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"DateGreaterThan": {"aws:TokenIssueTime": "2025-12-31T23:59:59Z"}})])),
    case("date-offset-is-the-same-instant", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:CurrentTime": "2026-03-01T12:00:00Z"}, identity_policies=[cond({"DateEquals": {
            "aws:CurrentTime": "2026-03-01T13:00:00+01:00"}})])),
    case("static-token-issue-time-unknown", "AllowedIf", req(GET, OBJECT, APP_SESSION, identity_policies=[
        cond({"DateGreaterThan": {"aws:TokenIssueTime": "2025-12-31T23:59:59Z"}})]), unknown=True),
    # aws:SourceIdentity as a policy variable: "${aws:SourceIdentity}"
    case("source-identity-variable", "Allowed", req(GET, OBJECT, APP_SESSION, context={"aws:SourceIdentity": "alice",
                                                                                       "s3:ExistingObjectTag/owner": "alice"},
                                                    identity_policies=[cond({"StringEquals": {
                                                        "s3:ExistingObjectTag/owner": "${aws:SourceIdentity}"}})])),
    # aws:RequestedRegion: "IAM calls are always made to the us-east-1 Region", so a Deny outside other Regions
    # refuses them, unless it exempts IAM (NotAction), as AWS's example does; other calls carry their own Region
    case("region-deny-refuses-iam", "ExplicitlyDenied", req("iam:CreateUser", NEW_USER, ALICE, identity_policies=[ADMIN],
                                                            scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]])),
    case("region-deny-refuses-iam-static", "ExplicitlyDenied",
         req("iam:CreateUser", NEW_USER, ALICE, identity_policies=[ADMIN], scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]]),
         unknown=True),
    case("region-deny-exempting-iam", "Allowed", req("iam:CreateUser", NEW_USER, ALICE, identity_policies=[ADMIN],
                                                     scps=[[ADMIN, doc({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"],
                                                                         "Resource": "*", "Condition": OUTSIDE_EU})]])),
    case("region-allow-us-east-1-admits-iam", "Allowed", req("iam:CreateUser", NEW_USER, ALICE, identity_policies=[
        ADMIN], scps=[[ADMIN], [doc(allow(Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))]])),
    case("region-of-other-calls-static", "AllowedIf", req(GET, OBJECT, ALICE, identity_policies=[ADMIN], scps=[[
        ADMIN, doc(deny(Condition=OUTSIDE_EU))]]), unknown=True),
    case("region-given-wins", "Allowed", req(GET, OBJECT, ALICE, context={"aws:RequestedRegion": "eu-west-1"},
                                            identity_policies=[ADMIN], scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]])),
    # iam:PassRole is no call to IAM: "When a user passes a role ARN as a parameter to any API that uses the role to
    # assign permissions to the service, the service checks whether that user has the iam:PassRole permission" (IAM
    # User Guide, "Grant a user permissions to pass a role to an AWS service"), so its Region is the one of the call to
    # that service, known only from context
    case("region-of-passrole-static", "AllowedIf", req("iam:PassRole", PASSED_ROLE, ALICE, identity_policies=[ADMIN],
                                                       scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]]), unknown=True),
    case("region-of-passrole-allow-static", "AllowedIf", req("iam:PassRole", PASSED_ROLE, ALICE, identity_policies=[
        doc(allow(Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))]), unknown=True),
    case("region-of-passrole-given", "ExplicitlyDenied", req(
        "iam:PassRole", PASSED_ROLE, ALICE, context={"aws:RequestedRegion": "us-west-2"}, identity_policies=[ADMIN],
        scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]])),

    # --- Policy evaluation logic, cross-account logic, boundaries, SCPs/RCPs, KMS -------------------------------------
    # SCPs "don't affect service-linked roles": the role asked by its ARN under /aws-service-role/
    case("scp-service-linked-role-arn-exempt", "Allowed", req("ecs:ListClusters", "*", SLR_ROLE, identity_policies=[ADMIN],
                                                              scps=[[doc(deny())]])),
    # an explicit deny in an SCP wins over a same-account resource-based policy naming the user
    case("scp-deny-beats-user-arn-grant", "ExplicitlyDenied", req(GET, OBJECT, ALICE, resource_policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": GET, "Resource": "*"}), scps=[[ADMIN, doc(deny("s3:*"))]])),
    # AWS's data perimeter RCP exempts AWS service principals with BoolIfExists aws:PrincipalIsAWSService false
    case("rcp-perimeter-exempts-service", "Allowed", req(GET, OBJECT, "cloudtrail.amazonaws.com", resource_policy=doc(
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*"}),
        rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*", Condition=PERIMETER))]])),
    case("rcp-perimeter-refuses-outsider", "ExplicitlyDenied", req(GET, OBJECT, CAROL, identity_policies=[ADMIN],
                                                                    resource_policy=doc({"Effect": "Allow", "Principal": {
                                                                        "AWS": B}, "Action": GET, "Resource": "*"}),
                                                                    rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*",
                                                                                           Condition=PERIMETER))]])),
    # KMS: a key policy naming another account delegates to that account's identity policies, which must allow too
    case("kms-cross-account-key-policy-alone", "ImplicitlyDenied", req("kms:Decrypt", KEY_B, ALICE, identity_policies=[
        doc(allow("s3:*"))], resource_policy=doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "kms:Decrypt",
                                                 "Resource": "*"}))),
    # a trust policy naming the role ARN names every session of it: within the account no identity policy is needed,
    # but the session's boundary limits it; one naming the session ARN is not limited by it
    case("trust-role-arn-session-without-identity", "Allowed", req("sts:AssumeRole", TARGET_ROLE, APP_SESSION,
                                                                   resource_policy=trust_of(APP_ROLE))),
    case("trust-role-arn-session-boundary-limits", "ImplicitlyDenied",
         req("sts:AssumeRole", TARGET_ROLE, APP_SESSION, permission_boundaries=[doc(allow("s3:*"))],
             resource_policy=trust_of(APP_ROLE))),
    case("trust-session-arn-boundary-bypassed", "Allowed", req("sts:AssumeRole", TARGET_ROLE, APP_SESSION,
                                                               permission_boundaries=[doc(allow("s3:*"))],
                                                               resource_policy=trust_of(APP_SESSION))),
    # cross-account, a trust naming the role (not the session) still needs the caller's own identity Allow
    case("trust-cross-account-role-arn-needs-identity", "ImplicitlyDenied", req("sts:AssumeRole", TARGET_ROLE,
                                                                                DEPLOY_SESSION_B,
                                                                                resource_policy=trust_of(DEPLOY_ROLE_B))),
    # a Deny naming the role ARN refuses its sessions; one naming another session does not
    case("deny-role-arn-hits-session", "ExplicitlyDenied", req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN],
                                                               resource_policy=doc({"Effect": "Deny", "Principal": {
                                                                   "AWS": APP_ROLE}, "Action": GET, "Resource": "*"}))),
    case("deny-other-session-misses", "Allowed", req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN],
                                                     resource_policy=doc({"Effect": "Deny", "Principal": {
                                                         "AWS": f"arn:aws:sts::{A}:assumed-role/app/s2"}, "Action": GET,
                                                         "Resource": "*"}))),
    # a cross-account caller's session policy limits what the resource-based policy naming its session grants
    case("cross-account-session-policy-limits", "ImplicitlyDenied",
         req(GET, OBJECT, DEPLOY_SESSION_B, identity_policies=[ADMIN], session_policy=doc(allow("ec2:*")),
             resource_policy=doc({"Effect": "Allow", "Principal": {"AWS": DEPLOY_SESSION_B}, "Action": GET,
                                  "Resource": "*"}))),
    # a Deny with NotPrincipal naming one service applies to every other caller, services included
    case("notprincipal-service-deny-hits-other-service", "ExplicitlyDenied",
         req(GET, OBJECT, "config.amazonaws.com", resource_policy=doc(
             {"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": GET, "Resource": "*"},
             {"Effect": "Deny", "NotPrincipal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:*",
              "Resource": "*"}))),
    # "The service prefix and action name are case insensitive"; resource ARNs are case sensitive
    case("action-name-case-insensitive", "Allowed", req("S3:getobject", OBJECT, ALICE, identity_policies=[
        doc(allow("s3:GETOBJECT"))])),
    case("resource-arn-case-sensitive", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        doc(allow(GET, "arn:aws:s3:::Reports/*"))])),

    # --- Principal/NotPrincipal where AWS refuses them ----------------------------------------------------------------
    # "You cannot use the Principal element in an identity-based policy" (AWS JSON policy elements: Principal; IAM's
    # error "Has prohibited field Principal"), nor NotPrincipal ("You cannot use the NotPrincipal element in an IAM
    # identity-based policy nor in an IAM role trust policy", AWS JSON policy elements: NotPrincipal). A boundary and a
    # session policy are identity-based policies too. Such a document is malformed: never read without the element.
    case("identity-policy-with-principal-is-malformed", "Error",
         req(GET, OBJECT, ALICE, identity_policies=[doc({**allow(GET), "Principal": {"AWS": ALICE}})])),
    case("identity-policy-with-principal-star-is-malformed", "Error",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc({**deny(GET), "Principal": "*"})])),
    case("identity-policy-with-not-principal-is-malformed", "Error",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc({**deny(GET), "NotPrincipal": {"AWS": CAROL}})])),
    case("boundary-with-principal-is-malformed", "Error",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN],
             permission_boundaries=[doc({**allow("s3:*"), "Principal": {"AWS": A}})])),
    case("session-policy-with-not-principal-is-malformed", "Error",
         req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN],
             session_policy=doc(allow("s3:*"), {**deny(GET), "NotPrincipal": {"AWS": APP_ROLE}}))),
    # "Statements must include either a Resource or a NotResource element" (IAM JSON policy elements: Resource; IAM:
    # "Policy statement must contain resources"): an identity-based statement without one is refused, never read as a
    # statement on every resource (a role's trust policy, which names no resource, is the exception)
    case("identity-policy-without-resource-is-malformed", "Error",
         req(GET, OBJECT, ALICE, identity_policies=[doc({"Effect": "Allow", "Action": GET})])),
    case("boundary-without-resource-is-malformed", "Error",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], permission_boundaries=[doc({"Effect": "Allow", "Action": "*"})])),
    case("session-policy-deny-without-resource-is-malformed", "Error",
         req(GET, OBJECT, APP_SESSION, identity_policies=[ADMIN], session_policy=doc(allow(), {"Effect": "Deny",
                                                                                           "Action": GET}))),
    # the same identity-based document without the element is read as usual
    case("identity-policy-without-principal-reads", "ExplicitlyDenied",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN, doc(deny(GET))])),
    # ... and the rule holds only where the policy is read: a service principal has no identity side
    case("identity-policy-of-service-not-read", "Allowed",
         req(GET, OBJECT, "cloudtrail.amazonaws.com", identity_policies=[doc({**allow(GET), "Principal": "*"})],
             resource_policy=doc({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                  "Action": GET, "Resource": "*"}))),
    # NotPrincipal in a role trust policy: refused ("nor in an IAM role trust policy"), whatever its effect
    case("trust-with-not-principal-deny-is-malformed", "Error",
         req("sts:AssumeRole", TARGET_ROLE, ALICE, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"},
             {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, A]}, "Action": "sts:AssumeRole"}))),
    case("trust-with-not-principal-allow-is-malformed", "Error",
         req("sts:AssumeRole", TARGET_ROLE, ALICE, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "NotPrincipal": {"AWS": CAROL}, "Action": "sts:AssumeRole"}))),
    case("trust-with-not-principal-tag-session-is-malformed", "Error",
         req("sts:TagSession", TARGET_ROLE, ALICE, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": ["sts:AssumeRole", "sts:TagSession"]},
             {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, A]}, "Action": "sts:TagSession"}))),
    # "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is not supported": in a bucket
    # policy too; a Deny with NotPrincipal stays supported in resource-based policies other than trusts
    case("bucket-not-principal-allow-is-malformed", "Error",
         req(GET, OBJECT, ALICE, resource_policy=doc({"Effect": "Allow", "NotPrincipal": {"AWS": CAROL},
                                                      "Action": GET, "Resource": "*"}))),
    case("bucket-not-principal-deny-exempts-listed-user", "Allowed",
         req(GET, OBJECT, ALICE, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, A]}, "Action": GET, "Resource": "*"}))),

    # --- Set operators on single-valued keys ("Single-valued vs. multivalued context keys": "Do not use condition set
    # operators ForAllValues or ForAnyValue with single-valued context keys. Using condition set operators with
    # single-valued context keys can lead to overly permissive policies"). The one value is a set of one:
    # ForAllValues "also returns true if there are no context keys in the request or if the context key value
    # resolves to a null dataset, such as an empty string"; ForAnyValue then returns false, and otherwise holds as the
    # plain operator does.
    case("forall-single-valued-absent-key-holds", "Allowed", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "red"}})])),
    case("forall-single-valued-empty-tag-holds", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:PrincipalTag/team": ""}, identity_policies=[cond({"ForAllValues:StringEquals": {
            "aws:PrincipalTag/team": "red"}})])),
    case("forall-single-valued-other-value-fails", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:PrincipalTag/team": "blue"}, identity_policies=[cond({"ForAllValues:StringEquals": {
            "aws:PrincipalTag/team": "red"}})])),
    case("foranyvalue-single-valued-as-plain-operator", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:PrincipalTag/team": "red"}, identity_policies=[cond({"ForAnyValue:StringEquals": {
            "aws:PrincipalTag/team": ["red", "green"]}})])),
    case("foranyvalue-single-valued-absent-fails", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": "red"}})])),
    # a Deny with ForAllValues on a single-valued key applies when the key is absent: the overly broad Deny
    case("forall-single-valued-deny-applies-when-absent", "ExplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        ADMIN, doc(deny(GET, Condition={"ForAllValues:StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))])),
    # static analysis: operators on one single-valued key are ANDed, but an empty value is a null data set for the set
    # operators: ForAllValues:StringNotLike * holds for it while StringLike * matches it, so the block can hold
    case("static-forall-notlike-and-like-empty-value-holds", "AllowedIf", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ForAllValues:StringNotLike": {"aws:PrincipalTag/team": "*"},
              "StringLike": {"aws:PrincipalTag/team": "*"}})]), unknown=True),
    case("request-forall-notlike-and-like-empty-value", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:PrincipalTag/team": ""}, identity_policies=[cond({"ForAllValues:StringNotLike": {
            "aws:PrincipalTag/team": "*"}, "StringLike": {"aws:PrincipalTag/team": "*"}})])),
    case("static-forall-equals-like-not-equals-empty-value-holds", "AllowedIf", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "a"}, "StringLike": {"aws:PrincipalTag/team": "*"},
              "StringNotEquals": {"aws:PrincipalTag/team": "a"}})]), unknown=True),
    # ... while ForAnyValue reads the one value as the plain operator: ForAnyValue:StringNotLike * and StringLike * on
    # one single-valued key exclude each other (an empty value fails ForAnyValue)
    case("static-foranyvalue-notlike-and-like-exclude", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ForAnyValue:StringNotLike": {"aws:PrincipalTag/team": "*"},
              "StringLike": {"aws:PrincipalTag/team": "*"}})]), unknown=True),
    # a multivalued key (aws:VpceOrgPaths holds the paths of the endpoint owner's account, like aws:PrincipalOrgPaths)
    # can satisfy ForAnyValue:StringEquals a and ForAnyValue:StringLike b* at once: never decided as a contradiction
    case("static-vpce-org-paths-two-foranyvalue-kept", "AllowedIf", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ForAnyValue:StringEquals": {"aws:VpceOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"},
              "ForAnyValue:StringLike": {"aws:VpceOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/*"}})]), unknown=True),
    # (a tagging request: one that passes no tags has no aws:TagKeys)
    case("static-tag-keys-equals-and-like-kept", "AllowedIf", req("sqs:TagQueue", f"arn:aws:sqs:us-east-1:{A}:orders",
        ALICE, identity_policies=[cond({"ForAnyValue:StringEquals": {"aws:TagKeys": "team"},
                                        "ForAnyValue:StringLike": {"aws:TagKeys": "cost*"}}, "sqs:TagQueue")]),
         unknown=True),
    case("request-tag-keys-equals-and-like", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:TagKeys": ["team", "costcenter"]}, identity_policies=[cond({
            "ForAnyValue:StringEquals": {"aws:TagKeys": "team"}, "ForAnyValue:StringLike": {"aws:TagKeys": "cost*"}})])),

    # --- Anonymous callers and aws:PrincipalAccount / aws:PrincipalArn ("AWS global condition context keys":
    # aws:PrincipalArn "is included in the request context for all signed requests. Anonymous requests don't include
    # this key"; aws:PrincipalAccount: "For anonymous requests, the request context returns anonymous"). A "*" grant
    # conditioned on the account admits that account's principals, never an anonymous caller.
    case("anonymous-principal-account-is-anonymous", "Allowed",
         req(GET, OBJECT, None, resource_policy=doc({"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
                                                     "Condition": {"StringEquals": {"aws:PrincipalAccount": "anonymous"},
                                                                   "Null": {"aws:PrincipalArn": "true"}}})),
         unknown=True),
    case("anonymous-star-principal-account-condition-refused", "ImplicitlyDenied",
         req(GET, OBJECT, None, resource_policy=doc({"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
                                                     "Condition": {"StringEquals": {"aws:PrincipalAccount": A}}}))),
    case("anonymous-star-principal-account-condition-refused-static", "ImplicitlyDenied",
         req(GET, OBJECT, None, resource_policy=doc({"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
                                                     "Condition": {"StringEquals": {"aws:PrincipalAccount": A}}})),
         unknown=True),
    case("anonymous-principal-arn-absent-null-true", "Allowed",
         req(GET, OBJECT, None, resource_policy=doc({"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
                                                     "Condition": {"Null": {"aws:PrincipalArn": "true"}}}))),
    case("anonymous-principal-arn-arnlike-star-fails", "ImplicitlyDenied",
         req(GET, OBJECT, None, resource_policy=doc({"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
                                                     "Condition": {"ArnLike": {"aws:PrincipalArn": "*"}}}))),
    # a Deny of every caller outside the account, negated and without IfExists, refuses anonymous callers: their
    # aws:PrincipalArn is absent, and a negated operator holds on an absent key
    case("anonymous-arn-not-like-deny-applies-static", "ExplicitlyDenied",
         req(GET, OBJECT, None, resource_policy=doc(
             {"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*"},
             {"Effect": "Deny", "Principal": "*", "Action": GET, "Resource": "*",
              "Condition": {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:*"}}})), unknown=True),
    # the same grant admits the named account's principals: across accounts with their own identity-based Allow
    # ("Cross-account policy evaluation logic"), within the account by itself ("*" names the caller)
    case("star-principal-account-cross-account-needs-identity", "ImplicitlyDenied",
         req(GET, OBJECT, CAROL, resource_policy=doc({"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
                                                      "Condition": {"StringEquals": {"aws:PrincipalAccount": B}}}))),
    case("star-principal-account-cross-account-with-identity", "Allowed",
         req(GET, OBJECT, CAROL, identity_policies=[ADMIN], resource_policy=doc(
             {"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
              "Condition": {"StringEquals": {"aws:PrincipalAccount": B}}}))),
    case("star-principal-account-same-account-grants", "Allowed",
         req(GET, OBJECT, ALICE, resource_policy=doc({"Effect": "Allow", "Principal": "*", "Action": GET, "Resource": "*",
                                                      "Condition": {"StringEquals": {"aws:PrincipalAccount": A}}}))),

    # --- aws:RequestedRegion of global services ("AWS: Denies access to AWS based on the requested Region": CloudFront,
    # IAM, Route 53 and Support have one endpoint in us-east-1; "Edit this element to include actions for other AWS
    # global services that you use, such as budgets, globalaccelerator, importexport, organizations, or waf"; the
    # General Reference's endpoint pages place Organizations, Budgets and WAF Classic in us-east-1, Global Accelerator
    # in us-west-2). A Region Deny without those exemptions refuses them, in static analysis too; STS's global endpoint
    # serves the caller's Region, so it stays unknown.
    case("region-deny-refuses-organizations-static", "ExplicitlyDenied",
         req("organizations:ListAccounts", "*", ALICE, identity_policies=[ADMIN],
             scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]]), unknown=True),
    case("region-deny-exempting-organizations", "Allowed",
         req("organizations:ListAccounts", "*", ALICE, identity_policies=[ADMIN], scps=[[ADMIN, doc(
             {"Effect": "Deny", "NotAction": ["organizations:*"], "Resource": "*", "Condition": OUTSIDE_EU})]]),
         unknown=True),
    case("region-allow-us-east-1-admits-budgets", "Allowed",
         req("budgets:ViewBudget", f"arn:aws:budgets::{A}:budget/monthly", ALICE, identity_policies=[
             doc(allow("budgets:ViewBudget", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))])),
    case("region-deny-refuses-waf-classic-static", "ExplicitlyDenied",
         req("waf:ListWebACLs", "*", ALICE, identity_policies=[ADMIN],
             scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]]), unknown=True),
    case("region-us-west-2-global-accelerator", "Allowed",
         req("globalaccelerator:ListAccelerators", "*", ALICE, identity_policies=[ADMIN],
             scps=[[ADMIN, doc(deny(Condition={"StringNotEquals": {"aws:RequestedRegion": ["us-west-2"]}}))]]),
         unknown=True),
    case("region-deny-us-east-1-only-refuses-global-accelerator", "ExplicitlyDenied",
         req("globalaccelerator:ListAccelerators", "*", ALICE, identity_policies=[ADMIN],
             scps=[[ADMIN, doc(deny(Condition={"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}))]])),
    # WAF (the current version, wafv2) is regional: its Region is the request's
    case("region-of-wafv2-static", "AllowedIf",
         req("wafv2:ListWebACLs", "*", ALICE, identity_policies=[ADMIN],
             scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]]), unknown=True),
    case("region-of-sts-global-endpoint-static", "AllowedIf",
         req("sts:AssumeRole", TARGET_ROLE, ALICE, identity_policies=[ADMIN], resource_policy=trust_of(ALICE),
             scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]]), unknown=True),
    case("region-of-sts-given", "Allowed",
         req("sts:AssumeRole", TARGET_ROLE, ALICE, context={"aws:RequestedRegion": "eu-west-1"},
             identity_policies=[ADMIN], resource_policy=trust_of(ALICE), scps=[[ADMIN, doc(deny(Condition=OUTSIDE_EU))]])),

    # --- ARN operators against values that are not ARNs, absent keys and multivalued keys ("Condition operators", ARN
    # condition operators: "Case-sensitive matching of the ARN. Each of the six colon-delimited components of the ARN is
    # checked separately"; a context value is never a pattern) ----------------------------------------------------------
    case("arnlike-context-star-is-not-a-wildcard", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceArn": "*"}, identity_policies=[cond({"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:{A}:*"}})])),
    case("arnequals-bare-account-is-not-the-arn", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceArn": A}, identity_policies=[cond({"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:topic"}})])),
    # a negated ARN operator holds for a value its pattern does not match, an ARN or not: the Deny applies
    case("arnnotlike-bare-account-deny-applies", "ExplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceArn": A}, identity_policies=[ADMIN, doc(deny(GET, Condition={"ArnNotLike": {
            "aws:SourceArn": f"arn:aws:sns:*:{A}:*"}}))])),
    # "If the key that you specify in a policy condition is not present in the request context, the values do not
    # match" for positive operators; a negated one then holds, so ArnNotLike on an absent key applies the Deny
    case("arnnotlike-absent-key-deny-applies", "ExplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        ADMIN, doc(deny(GET, Condition={"ArnNotLike": {"aws:SourceArn": f"arn:aws:sns:*:{A}:*"}}))])),
    case("arnlike-absent-key-fails", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:{A}:*"}})])),
    case("arnlike-service-is-case-sensitive", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:topic"}, identity_policies=[cond({"ArnLike": {
            "aws:SourceArn": f"arn:aws:SNS:us-east-1:{A}:topic"}})])),
    case("arnequals-question-mark-one-character", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:topic"}, identity_policies=[cond({"ArnEquals": {
            "aws:SourceArn": f"arn:aws:sns:us-east-?:{A}:topic"}})])),
    # multivalued: ForAllValues needs every value to match (a value that is not an ARN fails), ForAnyValue one
    case("forallvalues-arnlike-one-value-not-an-arn", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:CalledVia": ["athena.amazonaws.com", "arn:aws:s3:::reports"]}, identity_policies=[cond({
            "ForAllValues:ArnLike": {"aws:CalledVia": "arn:aws:*"}})])),
    case("foranyvalue-arnlike-one-value-an-arn", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:CalledVia": ["athena.amazonaws.com", "arn:aws:s3:::reports"]}, identity_policies=[cond({
            "ForAnyValue:ArnLike": {"aws:CalledVia": "arn:aws:s3:::*"}})])),
    case("forallvalues-arnnotlike-one-value-matches-no-deny", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:CalledVia": ["athena.amazonaws.com", "arn:aws:s3:::reports"]}, identity_policies=[ADMIN, doc(deny(
            GET, Condition={"ForAllValues:ArnNotLike": {"aws:CalledVia": "arn:aws:s3:::*"}}))])),
    case("foranyvalue-arnnotlike-one-value-misses-deny", "ExplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:CalledVia": ["athena.amazonaws.com", "arn:aws:s3:::reports"]}, identity_policies=[ADMIN, doc(deny(
            GET, Condition={"ForAnyValue:ArnNotLike": {"aws:CalledVia": "arn:aws:s3:::*"}}))])),

    # --- Policy evaluation logic, boundaries, session policies ("Policy evaluation logic", "Permissions boundaries for
    # IAM entities", "Session policies") ----------------------------------------------------------------------------
    # "An explicit deny in any of these policies overrides the allow": a boundary's Deny beats a bucket policy naming
    # the user, which the boundary's silence would not
    case("boundary-deny-beats-user-arn-grant", "ExplicitlyDenied", req(GET, OBJECT, ALICE, permission_boundaries=[
        doc(allow(), deny(GET))], resource_policy=bucket_policy({"AWS": ALICE}))),
    # "Resource-based policies ... naming the IAM user ARN ... are not limited by an implicit deny in a permissions
    # boundary": allowed; for a role session, the session ARN likewise, the role ARN not
    case("boundary-silent-user-arn-grant-allowed", "Allowed", req(GET, OBJECT, ALICE, permission_boundaries=[
        doc(allow("ec2:*"))], resource_policy=bucket_policy({"AWS": ALICE}))),
    case("boundary-silent-session-arn-grant-allowed", "Allowed", req(GET, OBJECT, APP_SESSION, permission_boundaries=[
        doc(allow("ec2:*"))], resource_policy=bucket_policy({"AWS": APP_SESSION}))),
    case("boundary-silent-role-arn-grant-denied", "ImplicitlyDenied", req(GET, OBJECT, APP_SESSION,
                                                                         permission_boundaries=[doc(allow("ec2:*"))],
                                                                         resource_policy=bucket_policy({"AWS": APP_ROLE}))),
    # session policies: "the permissions from the resource-based policy are added after the session policy is applied"
    # when it names the session; when it names the role, "the session policy limits the total permissions"
    case("session-policy-silent-session-arn-grant-allowed", "Allowed", req(
        GET, OBJECT, APP_SESSION, identity_policies=[ADMIN], session_policy=doc(allow("ec2:*")),
        resource_policy=bucket_policy({"AWS": APP_SESSION}))),
    case("session-policy-silent-role-arn-grant-denied", "ImplicitlyDenied", req(
        GET, OBJECT, APP_SESSION, identity_policies=[ADMIN], session_policy=doc(allow("ec2:*")),
        resource_policy=bucket_policy({"AWS": APP_ROLE}))),
    # "Session policies limit the permissions ... They cannot grant more permissions than those allowed by the
    # identity-based policy": a session policy alone grants nothing (AssumeRole's Policy and PolicyArns alike)
    case("session-policy-alone-grants-nothing", "ImplicitlyDenied", req(GET, OBJECT, APP_SESSION,
                                                                       session_policy=doc(allow()))),
    case("session-policy-deny-beats-identity-allow", "ExplicitlyDenied", req(GET, OBJECT, APP_SESSION, identity_policies=[
        ADMIN], session_policy=doc(allow(), deny(GET)))),
    # GetFederationToken: the session's permissions are the user's identity policies intersected with the session
    # policy; a bucket policy naming the federated user session adds to them after the session policy
    case("federated-user-session-policy-intersects", "Allowed", req(GET, OBJECT, FED_ALICE, identity_policies=[ADMIN],
                                                                   session_policy=doc(allow(GET)))),
    case("federated-user-session-arn-grant-not-limited", "Allowed", req(
        GET, OBJECT, FED_ALICE, identity_policies=[ADMIN], session_policy=doc(allow("ec2:*")),
        resource_policy=bucket_policy({"AWS": FED_ALICE}))),

    # --- Cross-account ("Cross-account policy evaluation logic": "the requesting account's identity-based policies ...
    # and the resource-based policy of the trusting account must both allow") ---------------------------------------
    case("cross-account-identity-alone-denied", "ImplicitlyDenied", req(GET, OBJECT, CAROL, identity_policies=[ADMIN])),
    case("cross-account-account-named-with-identity", "Allowed", req(GET, OBJECT, CAROL, identity_policies=[ADMIN],
                                                                    resource_policy=bucket_policy({"AWS": B}))),
    case("cross-account-user-named-boundary-limits", "ImplicitlyDenied", req(
        GET, OBJECT, CAROL, identity_policies=[ADMIN], permission_boundaries=[doc(allow("ec2:*"))],
        resource_policy=bucket_policy({"AWS": CAROL}))),
    case("cross-account-session-named-boundary-limits", "ImplicitlyDenied", req(
        GET, OBJECT, DEPLOY_SESSION_B, identity_policies=[ADMIN], permission_boundaries=[doc(allow("ec2:*"))],
        resource_policy=bucket_policy({"AWS": DEPLOY_SESSION_B}))),
    case("cross-account-caller-scp-deny", "ExplicitlyDenied", req(GET, OBJECT, CAROL, identity_policies=[ADMIN],
                                                                 resource_policy=bucket_policy({"AWS": CAROL}),
                                                                 scps=[[ADMIN, doc(deny("s3:*"))]])),
    case("cross-account-resource-rcp-deny", "ExplicitlyDenied", req(
        GET, OBJECT, CAROL, identity_policies=[ADMIN], resource_policy=bucket_policy({"AWS": CAROL}),
        rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*"))]])),

    # --- SCPs and RCPs (AWS Organizations User Guide: SCPs and RCPs do not affect the management account; "SCPs don't
    # affect service-linked roles", nor RCPs; SCPs "never grant permissions"; RCPs apply to AWS service principals and
    # anonymous callers) ---------------------------------------------------------------------------------------------
    case("scp-management-account-exempt", "Allowed", req(GET, OBJECT, ALICE, identity_policies=[ADMIN],
                                                         scps=[[doc(deny())]], management_account_id=A)),
    case("rcp-management-account-resource-exempt", "Allowed", req(
        GET, OBJECT, CAROL, identity_policies=[ADMIN], resource_policy=bucket_policy({"AWS": CAROL}),
        rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*"))]], management_account_id=A)),
    case("rcp-service-linked-role-session-exempt", "Allowed", req(GET, OBJECT, SLR_SESSION, identity_policies=[ADMIN],
                                                                  rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*"))]])),
    case("scp-full-access-grants-nothing", "ImplicitlyDenied", req(GET, OBJECT, ALICE, scps=[[ADMIN]])),
    case("scp-ou-level-without-allow", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[ADMIN],
                                                               scps=[[ADMIN], [doc(allow("ec2:*"))]])),
    case("scp-not-applied-to-service-principal", "Allowed", req(GET, OBJECT, "cloudtrail.amazonaws.com", resource_policy=doc(
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*"}),
        scps=[[doc(deny())]])),
    case("rcp-confused-deputy-refuses-other-source-account", "ExplicitlyDenied", req(
        GET, OBJECT, "cloudtrail.amazonaws.com", context={"aws:SourceAccount": B}, resource_policy=doc(
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*"}),
        rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*", Condition={
            "StringNotEqualsIfExists": {"aws:SourceAccount": A}, "Bool": {"aws:PrincipalIsAWSService": "true"}}))]])),
    case("rcp-org-perimeter-refuses-anonymous", "ExplicitlyDenied", req(
        GET, OBJECT, None, resource_policy=bucket_policy("*"), rcps=[[RCP_FULL, doc(deny("s3:*", Principal="*", Condition={
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}))]])),

    # --- Condition operators ("Condition operators") ----------------------------------------------------------------
    # "...IfExists: If the policy key is present in the context of the request, process the key as specified in the
    # policy. If the key is not present, evaluate the condition element as true"
    case("date-ifexists-absent-key-holds", "Allowed", req(GET, OBJECT, ALICE, identity_policies=[cond({
        "DateGreaterThanIfExists": {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}})])),
    case("numeric-ifexists-present-non-numeric-fails", "ImplicitlyDenied", req(LIST, BUCKET, ALICE, context={
        "s3:max-keys": "ten"}, identity_policies=[cond({"NumericLessThanEqualsIfExists": {"s3:max-keys": "10"}}, LIST)])),
    # NumericLessThanEquals compares numbers: a request value that is not a number matches no bound, and a negated
    # numeric operator holds for it; a policy value that is not a number is a malformed policy
    case("numeric-le-non-numeric-request-value-fails", "ImplicitlyDenied", req(LIST, BUCKET, ALICE, context={
        "s3:max-keys": "ten"}, identity_policies=[cond({"NumericLessThanEquals": {"s3:max-keys": "10"}}, LIST)])),
    case("numeric-not-equals-non-numeric-request-value-deny", "ExplicitlyDenied", req(LIST, BUCKET, ALICE, context={
        "s3:max-keys": "ten"}, identity_policies=[ADMIN, doc(deny(LIST, Condition={"NumericNotEquals": {
            "s3:max-keys": "10"}}))])),
    case("numeric-le-non-numeric-policy-value-malformed", "Error", req(LIST, BUCKET, ALICE, context={
        "s3:max-keys": "5"}, identity_policies=[cond({"NumericLessThanEquals": {"s3:max-keys": "ten"}}, LIST)])),
    # Bool: "true" as a JSON string or a JSON boolean; a value other than true/false matches neither
    case("bool-json-boolean-policy-value", "Allowed", req(GET, OBJECT, ALICE, context={"aws:SecureTransport": "true"},
                                                         identity_policies=[cond({"Bool": {"aws:SecureTransport": True}})])),
    case("bool-other-text-matches-neither", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SecureTransport": "yes"}, identity_policies=[cond({"Bool": {"aws:SecureTransport": "true"}})])),
    case("string-equals-ignore-case-tag", "Allowed", req(GET, OBJECT, ALICE, context={"aws:PrincipalTag/team": "red"},
                                                        identity_policies=[cond({"StringEqualsIgnoreCase": {
                                                            "aws:PrincipalTag/team": "RED"}})])),
    case("string-not-equals-ignore-case-tag", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:PrincipalTag/team": "red"}, identity_policies=[cond({"StringNotEqualsIgnoreCase": {
            "aws:PrincipalTag/team": "RED"}})])),
    # Date operators take "epoch (UNIX) time" as well as ISO 8601
    case("date-epoch-policy-vs-iso-request", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:CurrentTime": "2026-03-01T00:00:00Z"}, identity_policies=[cond({"DateGreaterThan": {
            "aws:CurrentTime": "1767225600"}})])),
    case("date-epoch-policy-after-request", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:CurrentTime": "2026-03-01T00:00:00Z"}, identity_policies=[cond({"DateLessThan": {
            "aws:CurrentTime": "1767225600"}})])),
    case("date-epoch-time-key-both-epoch", "Allowed", req(GET, OBJECT, ALICE, context={"aws:EpochTime": "1767225601"},
                                                         identity_policies=[cond({"DateGreaterThan": {
                                                             "aws:EpochTime": "1767225600"}})])),
    # IpAddress with IPv6: "the specified IP address or range in IPv4 CIDR format" or IPv6
    case("ip-v6-single-address", "Allowed", req(GET, OBJECT, ALICE, context={"aws:SourceIp": "2001:db8::1"},
                                               identity_policies=[cond({"IpAddress": {"aws:SourceIp": "2001:db8::1"}})])),
    case("ip-v6-other-range", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={"aws:SourceIp": "2001:db8:2::1"},
                                                     identity_policies=[cond({"IpAddress": {
                                                         "aws:SourceIp": "2001:db8:1::/48"}})])),
    # BinaryEquals: "The value in the policy is a base-64 encoded binary value"
    case("binary-equals-same-bytes", "Allowed", req(GET, OBJECT, ALICE, context={
        "s3:ExistingObjectTag/k": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, identity_policies=[cond({"BinaryEquals": {
            "s3:ExistingObjectTag/k": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})])),
    case("binary-equals-other-bytes", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "s3:ExistingObjectTag/k": "QmluYXJ5"}, identity_policies=[cond({"BinaryEquals": {
            "s3:ExistingObjectTag/k": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})])),

    # --- Global condition keys ("AWS global condition context keys") --------------------------------------------------
    # aws:SourceIp "is included in the request context, except when the requester uses a VPC endpoint to make the
    # request"; aws:SourceVpce and aws:VpcSourceIp only when it does: a request known to come through an endpoint has
    # no aws:SourceIp (the IP range Deny without IfExists refuses it), one known to carry aws:SourceIp has no endpoint
    case("source-ip-absent-via-vpc-endpoint-request", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceVpce": "vpce-1a2b3c4d", "aws:VpcSourceIp": "10.0.0.5"}, identity_policies=[cond({"IpAddress": {
            "aws:SourceIp": "203.0.113.0/24"}})])),
    case("static-source-ip-absent-via-vpc-endpoint", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceVpce": "vpce-1a2b3c4d"}, identity_policies=[cond({"IpAddress": {
            "aws:SourceIp": "203.0.113.0/24"}})]), unknown=True),
    case("static-ip-deny-refuses-vpc-endpoint-request", "ExplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceVpce": "vpce-1a2b3c4d"}, identity_policies=[ADMIN, doc(deny(GET, Condition={"NotIpAddress": {
            "aws:SourceIp": "203.0.113.0/24"}}))]), unknown=True),
    case("static-vpce-deny-refuses-internet-request", "ExplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceIp": "203.0.113.9"}, identity_policies=[ADMIN, doc(deny(GET, Condition={"StringNotEquals": {
            "aws:SourceVpce": "vpce-1a2b3c4d"}}))]), unknown=True),
    case("static-vpc-source-ip-absent-for-internet-request", "ImplicitlyDenied", req(GET, OBJECT, ALICE, context={
        "aws:SourceIp": "203.0.113.9"}, identity_policies=[cond({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}})]),
         unknown=True),
    case("static-source-ip-unknown-without-network-keys", "AllowedIf", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})]), unknown=True),
    case("vpc-source-ip-via-endpoint", "Allowed", req(GET, OBJECT, ALICE, context={
        "aws:SourceVpce": "vpce-1a2b3c4d", "aws:VpcSourceIp": "10.0.0.5"}, identity_policies=[cond({"IpAddress": {
            "aws:VpcSourceIp": "10.0.0.0/16"}})])),
    # aws:PrincipalIsAWSService is true for a service principal; aws:PrincipalServiceName names it, and static
    # analysis knows an IAM user has no aws:PrincipalServiceName
    case("principal-is-aws-service-true-for-service", "Allowed", req(GET, OBJECT, "cloudtrail.amazonaws.com",
                                                                     resource_policy=doc({
        "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*",
        "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}))),
    case("principal-service-name-of-service", "Allowed", req(GET, OBJECT, "cloudtrail.amazonaws.com", resource_policy=doc({
        "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalServiceName": "cloudtrail.amazonaws.com"}}}))),
    case("static-principal-service-name-absent-for-user", "ImplicitlyDenied", req(GET, OBJECT, ALICE, identity_policies=[
        cond({"StringEquals": {"aws:PrincipalServiceName": "cloudtrail.amazonaws.com"}})]), unknown=True),
    # aws:SourceAccount / aws:SourceOrgID for service principals: given, they decide; not given, they are a condition
    case("service-source-account-matches", "Allowed", req(GET, OBJECT, "cloudtrail.amazonaws.com", context={
        "aws:SourceAccount": A}, resource_policy=doc({"Effect": "Allow", "Principal": {
            "Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*", "Condition": {"StringEquals": {
                "aws:SourceAccount": A}}}))),
    case("service-source-account-other", "ImplicitlyDenied", req(GET, OBJECT, "cloudtrail.amazonaws.com", context={
        "aws:SourceAccount": B}, resource_policy=doc({"Effect": "Allow", "Principal": {
            "Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*", "Condition": {"StringEquals": {
                "aws:SourceAccount": A}}}))),
    case("static-service-source-org-id-condition", "AllowedIf", req(GET, OBJECT, "cloudtrail.amazonaws.com",
                                                                    resource_policy=doc({
        "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": GET, "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}})), unknown=True),
    # aws:TokenIssueTime: the documented revocation Deny spares sessions issued after the cut-off
    case("token-issue-time-after-revocation-allowed", "Allowed", req(GET, OBJECT, APP_SESSION, context={
        "aws:TokenIssueTime": "2026-03-01T00:00:00Z"}, identity_policies=[ADMIN, doc(deny(Condition={
            "DateLessThan": {"aws:TokenIssueTime": "2026-02-01T00:00:00Z"}}))])),
    case("resource-org-id-matches", "Allowed", req(GET, OBJECT, ALICE, context={"aws:ResourceOrgID": "o-a1b2c3d4e5"},
                                                  identity_policies=[cond({"StringEquals": {
                                                      "aws:ResourceOrgID": "o-a1b2c3d4e5"}})])),
    case("static-resource-org-id-condition", "AllowedIf", req(GET, OBJECT, ALICE, identity_policies=[cond({
        "StringEquals": {"aws:ResourceOrgID": "o-a1b2c3d4e5"}})]), unknown=True),
    # iam:AssociatedResourceArn "Specifies the ARN of the resource to which this role will be associated at the
    # destination service" and "applies to only the PassRole action in a policy. It can't be used to limit any other
    # action" (IAM User Guide, "IAM and AWS STS condition context keys"; iam:PassedToService likewise). Static analysis
    # knows the key is absent from any other request, and not which resource a PassRole request names.
    case("associated-resource-arn-absent-for-create-function-static", "ImplicitlyDenied", req(
        "lambda:CreateFunction", FUNCTION, ALICE, identity_policies=[cond(WEB_FUNCTIONS, "lambda:CreateFunction")]),
         unknown=True),
    case("associated-resource-arn-not-like-deny-create-function-static", "ExplicitlyDenied", req(
        "lambda:CreateFunction", FUNCTION, ALICE, identity_policies=[ADMIN, doc(deny(
            "lambda:CreateFunction", Condition={"ArnNotLike": WEB_FUNCTIONS["ArnLike"]}))]), unknown=True),
    case("associated-resource-arn-like-deny-create-function-static", "Allowed", req(
        "lambda:CreateFunction", FUNCTION, ALICE, identity_policies=[ADMIN, doc(deny(
            "lambda:CreateFunction", Condition=WEB_FUNCTIONS))]), unknown=True),
    case("passed-to-service-absent-for-create-function-static", "ImplicitlyDenied", req(
        "lambda:CreateFunction", FUNCTION, ALICE, identity_policies=[cond(TO_LAMBDA, "lambda:CreateFunction")]),
         unknown=True),
    case("associated-resource-arn-pass-role-allow-static", "AllowedIf", req(
        "iam:PassRole", PASSED_ROLE, ALICE, context={"iam:PassedToService": "lambda.amazonaws.com"},
        identity_policies=[cond(WEB_FUNCTIONS, "iam:PassRole")]), unknown=True),
    case("associated-resource-arn-pass-role-deny-static", "AllowedIf", req(
        "iam:PassRole", PASSED_ROLE, ALICE, context={"iam:PassedToService": "lambda.amazonaws.com"},
        identity_policies=[ADMIN, doc(deny("iam:PassRole", Condition=WEB_FUNCTIONS))]), unknown=True),
    case("associated-resource-arn-pass-role-given", "Allowed", req(
        "iam:PassRole", PASSED_ROLE, ALICE, context={"iam:AssociatedResourceArn": FUNCTION},
        identity_policies=[cond(WEB_FUNCTIONS, "iam:PassRole")])),
]


@pytest.mark.parametrize("request_, unknown, expected", CASES)
def test_documented_decision(request_, unknown, expected):
    result = simulate([request_], unknown_context=unknown)[0]
    assert result["decision"] == expected, result["reason"]
