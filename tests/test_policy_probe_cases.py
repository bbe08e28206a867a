"""More request scenarios, each from one sentence of AWS's documentation (quoted or named in a comment above it).

Same format as tests/test_policy_doc_cases.py: a request as `iamsql simulate` reads it and the decision AWS's pages
give for it; static-analysis scenarios (`unknown_context`) must never answer `Allowed` for what they cannot decide.
"""

import pytest

from iamsql.policy import simulate
from tests.test_policy_doc_cases import APP_SESSION, OBJECT, TARGET_ROLE, A, req
from tests.test_policy_engine import ADMIN, allow, deny, doc

GET = "s3:GetObject"
OIDC = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
SAML = f"arn:aws:iam::{A}:saml-provider/corp"


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
]


@pytest.mark.parametrize("request_, unknown, expected", CASES)
def test_documented_decision(request_, unknown, expected):
    result = simulate([request_], unknown_context=unknown)[0]
    assert result["decision"] == expected, result["reason"]
