"""More request scenarios, each from one sentence of AWS's documentation (quoted or named in a comment above it).

Same format as tests/test_policy_doc_cases.py: a request as `iamsql simulate` reads it and the decision AWS's pages
give for it; static-analysis scenarios (`unknown_context`) must never answer `Allowed` for what they cannot decide.
"""

import pytest

from iamsql.policy import simulate
from tests.test_policy_doc_cases import ALICE, APP_SESSION, OBJECT, TARGET_ROLE, A, req
from tests.test_policy_engine import ADMIN, allow, deny, doc

GET = "s3:GetObject"
OIDC = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
SAML = f"arn:aws:iam::{A}:saml-provider/corp"
PATH_ROLE = f"arn:aws:iam::{A}:role/a/b/R"
PATH_SESSION = f"arn:aws:sts::{A}:assumed-role/R/build-7"
TEAM_ROLES = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/a/*"}}


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
             rcps=[[ADMIN, doc(deny("sts:*", Principal="*", Condition={
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
]


@pytest.mark.parametrize("request_, unknown, expected", CASES)
def test_documented_decision(request_, unknown, expected):
    result = simulate([request_], unknown_context=unknown)[0]
    assert result["decision"] == expected, result["reason"]
